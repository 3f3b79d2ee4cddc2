#!/bin/sh
# check-vs-chronyd.sh - does our SNTP client agree with real implementations?
#
#  1. a real chronyd serving its (our) clock on 127.0.0.1:11123 (-x, without
#     CAP_SYS_TIME): we must see stratum 8, refid 127.127.1.1, offset ~0,
#     and agree with chronyd -Q (query-only client mode) on that server;
#  2. chronyd -Q against our test server shifted by +754.3 s and -3600.25 s:
#     same offset, same sign;
#  3. ntpsec's ntpdig (port 123 only, so inside a private network namespace
#     made with unshare -n; skipped when either is unavailable): same offset.
#
# No clock is ever set: chronyd runs with -x / -Q and without CAP_SYS_TIME.
# Traffic stays on loopback.  CHRONYD names the chronyd binary, e.g.
#   apt-get download chrony && dpkg -x chrony_*.deb /tmp/chrony-root
#   CHRONYD=/tmp/chrony-root/usr/sbin/chronyd tests/check-vs-chronyd.sh
# SNTP_CHRONYD_PORT moves the chronyd server off 11123.
# Exit 0 pass, 1 fail, 77 skip (no chronyd), 99 error.

set -u

if [ -n "${SNTP_TEST_BINDIR:-}" ]; then
    bindir=$SNTP_TEST_BINDIR
elif [ -x ./tests/sntp-probe ]; then
    bindir=./tests
else
    bindir=$(dirname "$0")
fi
SERVER=$bindir/ntp-test-server
PROBE=$bindir/sntp-probe
for b in "$SERVER" "$PROBE"; do
    [ -x "$b" ] || { echo "check-vs-chronyd: $b not built" >&2; exit 99; }
done

CHRONYD=${CHRONYD:-$(command -v chronyd 2>/dev/null || true)}
[ -z "$CHRONYD" ] && [ -x /usr/sbin/chronyd ] && CHRONYD=/usr/sbin/chronyd
if [ -z "$CHRONYD" ] || [ ! -x "$CHRONYD" ]; then
    echo "check-vs-chronyd: SKIP: no chronyd (set CHRONYD)"
    exit 77
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "check-vs-chronyd: SKIP: chronyd -x needs root"
    exit 77
fi
# Take away the capability to set the clock, where we can.
nocap=
if command -v setpriv >/dev/null 2>&1 &&
   setpriv --bounding-set -sys_time --inh-caps -sys_time true 2>/dev/null; then
    nocap="setpriv --bounding-set -sys_time --inh-caps -sys_time"
fi

cport=${SNTP_CHRONYD_PORT:-11123}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-vs-chronyd.XXXXXX") || exit 99
pids=
failures=0

cleanup() {
    for p in $pids; do
        kill -TERM "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 99' INT TERM

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# field NAME FILE: NAME=value from the first line of sntp-probe output.
field() {
    awk -v k="$1=" 'NR == 1 { for (i = 1; i <= NF; i++) if (index($i, k) == 1) { print substr($i, length(k) + 1); exit } }' "$2"
}

# near A B TOLERANCE: |A - B| <= TOLERANCE (both numbers).
near() {
    awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d <= t) }'
}

# chrony_offset PORT: chronyd -Q's view of 127.0.0.1:PORT, NTP sign convention.
chrony_offset() {
    # shellcheck disable=SC2086
    timeout 20 $nocap "$CHRONYD" -Q -u root -t 10 -f /dev/null \
        "server 127.0.0.1 port $1 iburst maxsamples 1" "pidfile $tmp/q.pid" "cmdport 0" \
        >"$tmp/q.log" 2>&1
    sed -n 's/.*System clock wrong by \(-\{0,1\}[0-9.]*\) seconds.*/\1/p' "$tmp/q.log" | head -n 1
}

# --- 1. a real chronyd server ---------------------------------------------
cat >"$tmp/server.conf" <<CONF
port $cport
bindaddress 127.0.0.1
local stratum 8
allow 127.0.0.1
cmdport 0
pidfile $tmp/chronyd.pid
CONF
# shellcheck disable=SC2086
$nocap "$CHRONYD" -x -u root -d -f "$tmp/server.conf" >"$tmp/chronyd.log" 2>&1 &
pids="$pids $!"
i=0
while [ $i -lt 20 ]; do
    "$PROBE" -t 300 -r 1 "127.0.0.1:$cport" >"$tmp/probe.out" 2>&1 && break
    sleep 0.25
    i=$((i + 1))
done
[ "$(field status "$tmp/probe.out")" = ok ] || {
    echo "check-vs-chronyd: chronyd server does not answer:"; cat "$tmp/chronyd.log" "$tmp/probe.out"; exit 99; }
"$PROBE" -t 2000 "127.0.0.1:$cport" >"$tmp/probe.out" 2>&1 || fail "chronyd: probe exit code $?"
[ "$(field stratum "$tmp/probe.out")" = 8 ] || fail "chronyd: stratum $(field stratum "$tmp/probe.out"), want 8"
[ "$(field refid "$tmp/probe.out")" = 127.127.1.1 ] || fail "chronyd: refid $(field refid "$tmp/probe.out")"
ours=$(field offset "$tmp/probe.out")
near "$ours" 0 0.01 || fail "chronyd serves our own clock, yet offset is $ours"
theirs=$(chrony_offset "$cport")
near "$ours" "$theirs" 0.01 || fail "chronyd server: ours $ours, chronyd -Q $theirs"
echo "chronyd server: ours $ours s, chronyd -Q $theirs s"

# --- 2. chronyd -Q against the test server ----------------------------------
for off in 754.3 -3600.25; do
    : >"$tmp/ts.out"
    "$SERVER" -l 30 -o "$off" >"$tmp/ts.out" 2>"$tmp/ts.err" &
    ts_pid=$!
    pids="$pids $ts_pid"
    i=0
    while [ -z "$(head -n 1 "$tmp/ts.out")" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    port=$(head -n 1 "$tmp/ts.out")
    "$PROBE" -t 2000 "127.0.0.1:$port" >"$tmp/probe.out" 2>&1
    ours=$(field offset "$tmp/probe.out")
    theirs=$(chrony_offset "$port")
    near "$ours" "$off" 0.05 || fail "test server at $off: ours $ours"
    near "$ours" "$theirs" 0.05 || fail "test server at $off: ours $ours, chronyd -Q '$theirs'"
    echo "test server at $off s: ours $ours s, chronyd -Q $theirs s"
    kill -TERM "$ts_pid" 2>/dev/null
    wait "$ts_pid" 2>/dev/null
done

# --- 3. ntpdig, in a private network namespace -------------------------------
if command -v ntpdig >/dev/null 2>&1 && command -v unshare >/dev/null 2>&1 &&
   unshare -n true 2>/dev/null; then
    # Port 123 inside a namespace of our own: nothing else sees it.
    # shellcheck disable=SC2016
    SERVER="$SERVER" PROBE="$PROBE" tmp="$tmp" timeout 30 unshare -n sh -c '
        ip link set lo up 2>/dev/null || exit 99
        : >"$tmp/ns-ts.out"
        "$SERVER" -p 123 -l 20 -o -42.5 >"$tmp/ns-ts.out" 2>&1 &
        ts=$!
        i=0
        while [ -z "$(head -n 1 "$tmp/ns-ts.out")" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
        "$PROBE" -t 2000 127.0.0.1 >"$tmp/ns-probe.out" 2>&1
        ntpdig -j -t 2 127.0.0.1 >"$tmp/ns-ntpdig.out" 2>&1
        kill -TERM $ts; wait $ts
        exit 0'
    rc=$?
    if [ $rc -eq 0 ]; then
        ours=$(field offset "$tmp/ns-probe.out")
        theirs=$(sed -n 's/.*"offset": *\(-\{0,1\}[0-9.e+-]*\).*/\1/p' "$tmp/ns-ntpdig.out")
        near "$ours" -42.5 0.05 || fail "netns test server at -42.5: ours $ours"
        near "$ours" "$theirs" 0.05 || fail "ntpdig: ours $ours, ntpdig '$theirs'"
        echo "test server at -42.5 s: ours $ours s, ntpdig $theirs s"
    else
        echo "ntpdig comparison: SKIP (network namespace unusable, rc $rc)"
    fi
else
    echo "ntpdig comparison: SKIP (no ntpdig or no unshare -n)"
fi

echo "check-vs-chronyd: $failures failed"
[ "$failures" -eq 0 ]
