#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The real OpenNTPD reads the ntpd.conf te-ntp-setup wrote on Debian 12's default openntpd
# configuration (checked before writing by OpenNTPD's own "ntpd -n") and gets valid replies
# from a local NTP server (192.0.2.1), inside network namespaces made here, without touching
# the host clock: it runs without CAP_SYS_TIME, in the foreground (-d) for a bounded time.
# Its privilege-separation user "ntpd" exists only in the private copy of /etc.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
sync_init

OPENNTPD=$(find_daemon openntpd openntpd) ||
    skip_all "OpenNTPD not found (packaging/build-deps --test)"
NTPCTL=$(dirname "$OPENNTPD")/ntpctl
[ -x "$NTPCTL" ] || skip_all "ntpctl not found next to $OPENNTPD"
command -v timeout >/dev/null 2>&1 || skip_all "timeout not found"
# The tool checks the configuration with OpenNTPD's own parser: let it find this one.
export TE_NTP_SETUP_SBIN=$(dirname "$OPENNTPD")

sync_start_server

root=$(fresh_root debian12-openntpd)
conf=/etc/openntpd/ntpd.conf
"$BIN" --root "$root" --server 192.0.2.1 >"$TMP/out" 2>&1
check "te-ntp-setup configured the local server" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/out"
check "the tool checked it with OpenNTPD's parser" sh -c "! grep -q 'was not checked' '$TMP/out'" ||
    sed 's/^/#   /' "$TMP/out"
"$BIN" --root "$root" --server 192.0.2.1 --detailed-exitcodes >"$TMP/out2" 2>&1
check "a second run changes nothing" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/out2"

# The private /etc: the host's users, the Debian pool names the tool disabled resolvable
# (so OpenNTPD would use them if they were still configured), and OpenNTPD's
# privilege-separation user (Debian's package creates "ntpd"; its home is the directory it
# chroots into).
private_etc "$root" 0.debian.pool.ntp.org 1.debian.pool.ntp.org 2.debian.pool.ntp.org \
    3.debian.pool.ntp.org
if ! grep -q '^ntpd:' "$root/etc/passwd"; then
    uid=$(awk -F: '{ u[$3] = 1 } END { for (i = 999; i > 100; i--) if (!(i in u)) { print i; exit } }' \
        "$root/etc/passwd")
    echo "ntpd:x:$uid:$uid:OpenNTPD (test):/run/openntpd:/usr/sbin/nologin" >> "$root/etc/passwd"
    grep -q '^ntpd:' "$root/etc/group" || echo "ntpd:x:$uid:" >> "$root/etc/group"
fi

cat > "$TMP/client.sh" <<SH
set -e
mount --make-rprivate /
mount --bind '$root/etc' /etc
mount -t tmpfs tmpfs /run && mkdir -m 0755 /run/openntpd
mount -t tmpfs tmpfs /var/lib && mkdir -p /var/lib/openntpd/db /var/lib/openntpd/run
mount -t tmpfs tmpfs /var/log
set +e
# The log is read while it runs: stop at the first valid reply, at most after 30 s.
timeout 30 $NO_SYS_TIME '$OPENNTPD' -d -v -f '$conf' > '$TMP/openntpd.log' 2>&1 &
pid=\$!
i=0; rc=1
while [ \$i -lt 60 ]; do
    sleep 0.5; i=\$((i + 1))
    if grep -q 'peer 192\.0\.2\.1 now valid' '$TMP/openntpd.log'; then rc=0; break; fi
    kill -0 \$pid 2>/dev/null || { echo "openntpd exited"; break; }
done
sleep 2
'$NTPCTL' -s all > '$TMP/ntpctl.out' 2>&1 || rc=1
# --- issue 20: te-ntp-setup asks OpenNTPD itself (ntpctl). It is installed here as on a
# host (its daemon in /usr/sbin, an overlay of this namespace) and runs (a pid file, as its
# init script writes one).
mkdir -p '$TMP/sbin.upper' '$TMP/sbin.work' && cp '$OPENNTPD' '$TMP/sbin.upper/openntpd' &&
    mount -t overlay overlay -o 'lowerdir=/usr/sbin,upperdir=$TMP/sbin.upper,workdir=$TMP/sbin.work' /usr/sbin
echo \$pid > /run/openntpd.pid
TE_NTP_SETUP_LENSDIR='$top_srcdir/lenses' '$BIN' check --json 192.0.2.1 > '$TMP/check.json' 2>'$TMP/check.err'
'$NTPCTL' -s status > '$TMP/ntpctl.status' 2>&1
# ---
kill \$pid 2>/dev/null
wait \$pid
exit \$rc
SH
in_client "$TMP/client.sh" >"$TMP/sync.out" 2>&1
rc=$?
check "OpenNTPD got valid replies from 192.0.2.1 with the written configuration" [ $rc -eq 0 ] ||
    sed 's/^/#   /' "$TMP/sync.out" "$TMP/openntpd.log"
check "OpenNTPD could not set the clock (no CAP_SYS_TIME)" \
    grep -qE 'adj(time|timex).*failed: Operation not permitted' "$TMP/openntpd.log"
# Every peer it names and every reply it got is 192.0.2.1's.
grep -oE '(peer|reply from) [^ :]+' "$TMP/openntpd.log" | sed 's/.* //' | sort -u > "$TMP/peers"
check "OpenNTPD used no other server" [ "$(cat "$TMP/peers")" = "192.0.2.1" ] ||
    sed 's/^/#   /' "$TMP/peers"
# ntpctl counts every resolved peer (the disabled pool names would resolve here).
check "ntpctl: 192.0.2.1 is the only peer, and valid" grep -q '^1/1 peers valid' "$TMP/ntpctl.out" ||
    sed 's/^/#   /' "$TMP/ntpctl.out"
# --- issue 20: te-ntp-setup reports OpenNTPD's own view (ntpctl -s status), whichever it is:
# without CAP_SYS_TIME it may say "clock unsynced" although its peer is valid.
if grep -q 'clock synced' "$TMP/ntpctl.status"; then want=true; else want=false; fi
check "te-ntp-setup check: OpenNTPD asked through ntpctl (synchronized: $want, as ntpctl says)" \
    grep -q "\"daemon\":{\"implementation\":\"openntpd\",\"running\":true,\"synchronized\":$want" \
    "$TMP/check.json" || sed 's/^/#   /' "$TMP/check.json" "$TMP/check.err" "$TMP/ntpctl.status"
check "te-ntp-setup check: ntpctl answered (not 'does not answer')" \
    sh -c "! grep -q 'openntpd runs but does not answer' '$TMP/check.json'"
# ---
finish
