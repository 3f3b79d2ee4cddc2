#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The real ntpsec ntpd reads the ntp.conf te-ntp-setup wrote on Debian 12's default ntpsec
# configuration and synchronizes to a local NTP server (192.0.2.1), inside network
# namespaces made here, without touching the host clock: the test (not the tool) adds
# "disable ntp" so that ntpd does not discipline the clock, and ntpd runs without
# CAP_SYS_TIME. ntpq -p must show 192.0.2.1 selected ('*') and no other association.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
sync_init

NTPD=$(find_daemon ntpd ntpsec) || skip_all "ntpsec's ntpd not found (packaging/build-deps --test)"
"$NTPD" --version 2>/dev/null | grep -q ntpsec ||
    NTPD=$TESTDEPS/ntpsec/usr/sbin/ntpd
[ -x "$NTPD" ] && "$NTPD" --version 2>/dev/null | grep -q ntpsec ||
    skip_all "ntpsec's ntpd not found (the ntpd here is another one)"
NTPQ=$(dirname "$(dirname "$NTPD")")/bin/ntpq
[ -x "$NTPQ" ] || NTPQ=$(command -v ntpq) || skip_all "ntpq not found"
# ntpq is a python3 script: it needs python3-ntp for its interpreter (#!/usr/bin/python3).
"$NTPQ" --version >/dev/null 2>&1 || skip_all "ntpq does not run (python3-ntp not installed?)"

command -v timeout >/dev/null 2>&1 || skip_all "timeout not found"

sync_start_server

root=$(fresh_root debian12-ntpsec)
conf=/etc/ntpsec/ntp.conf
"$BIN" --root "$root" --server 192.0.2.1 >"$TMP/out" 2>&1
check "te-ntp-setup configured the local server" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/out"
"$BIN" --root "$root" --server 192.0.2.1 --detailed-exitcodes >"$TMP/out2" 2>&1
check "a second run changes nothing" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/out2"
check "the tool did not add 'disable ntp' itself" sh -c "! grep -q '^disable' '$root$conf'"

# The test's own "don't touch the clock" switch, on top of the missing CAP_SYS_TIME.
printf '\n# added by the test: never discipline the clock\ndisable ntp\n' >> "$root$conf"
# The Debian pool names the tool disabled resolve (to silent addresses): were they still
# configured, ntpq would list their associations.
private_etc "$root" 0.debian.pool.ntp.org 1.debian.pool.ntp.org 2.debian.pool.ntp.org \
    3.debian.pool.ntp.org

cat > "$TMP/client.sh" <<SH
set -e
mount --make-rprivate /
mount --bind '$root/etc' /etc
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/lib && mkdir -p /var/lib/ntpsec
mount -t tmpfs tmpfs /var/log && mkdir -p /var/log/ntpsec
set +e
timeout 60 $NO_SYS_TIME '$NTPD' -n -c '$conf' -p /run/ntpd.pid -l '$TMP/ntpd.log' &
pid=\$!
# Wait (at most 40 s) for 192.0.2.1 to be selected.
i=0; rc=1
while [ \$i -lt 40 ]; do
    sleep 1; i=\$((i + 1))
    kill -0 \$pid 2>/dev/null || { echo "ntpd exited"; break; }
    '$NTPQ' -n -p 127.0.0.1 > '$TMP/ntpq.out' 2>&1 || continue
    if grep -q '^\*192\.0\.2\.1 ' '$TMP/ntpq.out'; then rc=0; break; fi
done
cat '$TMP/ntpq.out'
# --- issue 20: te-ntp-setup asks ntpsec itself (ntpq), not the kernel's flag ----------
# ntpsec is installed here as on a host: its ntpd in /usr/sbin (an overlay of this namespace)
mkdir -p '$TMP/sbin.upper' '$TMP/sbin.work' && cp '$NTPD' '$TMP/sbin.upper/ntpd' &&
    mount -t overlay overlay -o 'lowerdir=/usr/sbin,upperdir=$TMP/sbin.upper,workdir=$TMP/sbin.work' /usr/sbin
[ \$rc -eq 0 ] && TE_NTP_SETUP_SBIN='$(dirname "$NTPQ")' TE_NTP_SETUP_LENSDIR='$top_srcdir/lenses' \
    '$BIN' check --json 192.0.2.1 > '$TMP/check.json' 2>'$TMP/check.err'
# ---
kill \$pid 2>/dev/null
wait \$pid
exit \$rc
SH
in_client "$TMP/client.sh" >"$TMP/sync.out" 2>&1
rc=$?
check "ntpd selected 192.0.2.1 ('*' in ntpq -p) with the written configuration" [ $rc -eq 0 ] ||
    sed 's/^/#   /' "$TMP/sync.out" "$TMP/ntpd.log"
# ntpq -p: a header, a line of '=', then one line per association.
check "ntpd has one association, and no other" \
    [ "$(sed -n '/^====/,$p' "$TMP/ntpq.out" | sed 1d | grep -c .)" -eq 1 ]
# --- issue 20: the verification is ntpsec's own view, with the server it selected --------
check "te-ntp-setup check: ntpsec, asked through ntpq, is synchronized to 192.0.2.1" \
    grep -q '"daemon":{"implementation":"ntpsec","running":true,"synchronized":true,"source":"192.0.2.1"}' \
    "$TMP/check.json" || sed 's/^/#   /' "$TMP/check.json" "$TMP/check.err"
check "te-ntp-setup check: OK (a daemon keeps the clock, and it is synchronized)" \
    grep -q '"state":"OK"' "$TMP/check.json"
# ---
check "ntpd read $conf" grep -q "CONFIG: readconfig: parsing file: $conf" "$TMP/ntpd.log"
check "ntpd logged no configuration error" \
    sh -c "! grep -E 'CONFIG: .*(error|syntax|unknown)' '$TMP/ntpd.log'"
finish
