#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The real systemd-timesyncd, run standalone (no systemd as PID 1), reads the drop-in
# te-ntp-setup wrote on Debian 12's default timesyncd configuration and synchronizes to a
# local NTP server (192.0.2.1), inside network namespaces made here, without touching the
# host clock: it runs as its user systemd-timesync without CAP_SYS_TIME, with private /run
# and /var/lib, and the root's /etc. It must contact 192.0.2.1 and no other server (not the
# FallbackNTP names, which resolve here to silent addresses).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
sync_init

TIMESYNCD=
for d in /lib/systemd /usr/lib/systemd "$TESTDEPS/systemd-timesyncd/lib/systemd" \
    "$TESTDEPS/systemd-timesyncd/usr/lib/systemd"; do
    if [ -x "$d/systemd-timesyncd" ]; then TIMESYNCD=$d/systemd-timesyncd; break; fi
done
[ -n "$TIMESYNCD" ] || skip_all "systemd-timesyncd not found (packaging/build-deps --test)"
if command -v ldd >/dev/null 2>&1 && ldd "$TIMESYNCD" 2>&1 | grep -q 'not found'; then
    skip_all "$TIMESYNCD misses libraries (libsystemd-shared, from the systemd package)"
fi
command -v timeout >/dev/null 2>&1 || skip_all "timeout not found"

sync_start_server

root=$(fresh_root debian12-timesyncd)
"$BIN" --root "$root" --server 192.0.2.1 >"$TMP/out" 2>&1
check "te-ntp-setup configured the local server" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/out"
"$BIN" --root "$root" --server 192.0.2.1 --detailed-exitcodes >"$TMP/out2" 2>&1
check "a second run changes nothing" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/out2"
check "the drop-in is there" [ -f "$root/etc/systemd/timesyncd.conf.d/te-ntp-setup.conf" ]

# Debian's compiled-in FallbackNTP names resolve (to silent addresses): were the drop-in
# not read, timesyncd would try them.
private_etc "$root" 0.debian.pool.ntp.org 1.debian.pool.ntp.org 2.debian.pool.ntp.org \
    3.debian.pool.ntp.org
if ! grep -q '^systemd-timesync:' "$root/etc/passwd"; then
    uid=$(awk -F: '{ u[$3] = 1 } END { for (i = 999; i > 100; i--) if (!(i in u)) { print i; exit } }' \
        "$root/etc/passwd")
    echo "systemd-timesync:x:$uid:$uid:systemd Time Synchronization (test):/:/usr/sbin/nologin" \
        >> "$root/etc/passwd"
    echo "systemd-timesync:x:$uid:" >> "$root/etc/group"
fi
uid=$(awk -F: '$1 == "systemd-timesync" { print $3 }' "$root/etc/passwd")
gid=$(awk -F: '$1 == "systemd-timesync" { print $4 }' "$root/etc/passwd")

cat > "$TMP/client.sh" <<SH
set -e
mount --make-rprivate /
mount --bind '$root/etc' /etc
mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/timesync
mount -t tmpfs tmpfs /var/lib && mkdir -p /var/lib/systemd/timesync
chown -R $uid:$gid /run/systemd/timesync /var/lib/systemd/timesync
set +e
# The log is read while it runs: stop at the initial synchronization, at most after 30 s.
SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_COLOR=0 \\
    timeout 30 setpriv --reuid=$uid --regid=$gid --clear-groups \\
    --inh-caps=-all --bounding-set=-sys_time '$TIMESYNCD' > '$TMP/timesyncd.log' 2>&1 &
pid=\$!
i=0; rc=1
while [ \$i -lt 60 ]; do
    sleep 0.5; i=\$((i + 1))
    if grep -q 'Initial clock synchronization' '$TMP/timesyncd.log'; then rc=0; break; fi
    kill -0 \$pid 2>/dev/null || { echo "systemd-timesyncd exited"; break; }
done
# --- issue 20: te-ntp-setup asks timesyncd itself. No systemd runs here, so timedatectl
# cannot reach it over D-Bus: the answer is timesyncd's own flag, which it touches on each
# synchronization. The unit is marked running as systemd marks it (no systemd, no marker).
if [ \$rc -eq 0 ]; then
    mkdir -p /run/systemd/system /run/systemd/units
    : > /run/systemd/units/invocation:systemd-timesyncd.service
    TE_NTP_SETUP_LENSDIR='$top_srcdir/lenses' '$BIN' check --json 192.0.2.1 \
        > '$TMP/check.json' 2>'$TMP/check.err'
fi
# ---
kill \$pid 2>/dev/null
wait \$pid
exit \$rc
SH
in_client "$TMP/client.sh" >"$TMP/sync.out" 2>&1
rc=$?
check "timesyncd synchronized initially with the written configuration" [ $rc -eq 0 ] ||
    sed 's/^/#   /' "$TMP/sync.out" "$TMP/timesyncd.log"
grep 'Added new system server' "$TMP/timesyncd.log" > "$TMP/system"
check "timesyncd's servers from its configuration: 192.0.2.1 only" \
    [ "$(cat "$TMP/system")" = "Added new system server 192.0.2.1." ] ||
    sed 's/^/#   /' "$TMP/system"
check "timesyncd contacted 192.0.2.1" \
    grep -q 'Contacted time server 192\.0\.2\.1:123' "$TMP/timesyncd.log"
grep -oE '(Connecting to|Contacted) time server [^ ]+' "$TMP/timesyncd.log" |
    sed 's/.* //' | sort -u > "$TMP/servers"
check "timesyncd tried no other server" [ "$(cat "$TMP/servers")" = "192.0.2.1:123" ] ||
    sed 's/^/#   /' "$TMP/servers"
# --- issue 20: synchronized as timesyncd sees it (the kernel's flag says not: no CAP_SYS_TIME)
check "te-ntp-setup check: timesyncd says it is synchronized" \
    grep -q '"daemon":{"implementation":"timesyncd","running":true,"synchronized":true' \
    "$TMP/check.json" || sed 's/^/#   /' "$TMP/check.json" "$TMP/check.err"
check "te-ntp-setup check: OK" grep -q '"state":"OK"' "$TMP/check.json"
# ---
check "timesyncd could not set the clock (no CAP_SYS_TIME)" \
    grep -qiE 'operation not permitted' "$TMP/timesyncd.log"
finish
