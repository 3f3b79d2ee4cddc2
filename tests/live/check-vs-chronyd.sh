#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Does our SNTP client agree with real implementations?
#  1. a real chronyd serving the host clock on 127.0.0.1:11123 (-x, without
#     CAP_SYS_TIME): stratum 8, refid 127.127.1.1, offset ~0, and the same
#     offset as chronyd -Q (query-only client mode) sees;
#  2. chronyd -Q against the test server shifted by +754.3 s and -3600.25 s;
#  3. ntpsec's ntpdig (port 123 only, so inside a private network namespace
#     from unshare -n) against the test server shifted by -42.5 s.
# No clock is ever set; traffic stays on loopback.  SNTP_CHRONYD_PORT moves
# the chronyd server off 11123.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/../lib.sh"

SERVER=$top_builddir/tests/tools/ntp-test-server
PROBE=$top_builddir/tests/tools/sntp-probe
for b in "$SERVER" "$PROBE"; do
    [ -x "$b" ] || { echo "FAIL: $b not built"; exit 99; }
done
[ "$(id -u)" -eq 0 ] || skip_all "chronyd -x needs root"
CHRONYD=${CHRONYD:-$(find_daemon chronyd chrony)} || skip_all "chronyd not found (packaging/build-deps --test)"
command -v setpriv >/dev/null 2>&1 || skip_all "setpriv not found"
NOCAP="setpriv --bounding-set -sys_time --inh-caps -sys_time"
cport=${SNTP_CHRONYD_PORT:-11123}

pids=
kill_all() {
    for p in $pids; do
        kill -TERM "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
}
cleanup_hooks="kill_all"

# field NAME FILE: NAME=value from the first line of sntp-probe output.
field() {
    awk -v k="$1=" 'NR == 1 { for (i = 1; i <= NF; i++) if (index($i, k) == 1) { print substr($i, length(k) + 1); exit } }' "$2"
}

# near A B TOLERANCE: |A - B| <= TOLERANCE.
near() {
    awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d <= t) }'
}

# chrony_offset PORT: chronyd -Q's offset for 127.0.0.1:PORT, NTP sign (+ = host behind).
chrony_offset() {
    # shellcheck disable=SC2086
    timeout 20 $NOCAP "$CHRONYD" -Q -u root -t 10 -f /dev/null \
        "server 127.0.0.1 port $1 iburst maxsamples 1" "pidfile $TMP/q.pid" "cmdport 0" \
        >"$TMP/q.log" 2>&1
    sed -n 's/.*System clock wrong by \(-\{0,1\}[0-9.]*\) seconds.*/\1/p' "$TMP/q.log" | head -n 1
}

# --- 1. a real chronyd server ---------------------------------------------
cat >"$TMP/server.conf" <<CONF
port $cport
bindaddress 127.0.0.1
local stratum 8
allow 127.0.0.1
cmdport 0
pidfile $TMP/chronyd.pid
CONF
# shellcheck disable=SC2086
$NOCAP "$CHRONYD" -x -u root -d -f "$TMP/server.conf" >"$TMP/chronyd.log" 2>&1 &
pids="$pids $!"
i=0
while [ $i -lt 20 ]; do
    "$PROBE" -t 300 -r 1 "127.0.0.1:$cport" >"$TMP/probe.out" 2>&1 && break
    sleep 0.25
    i=$((i + 1))
done
if [ "$(field status "$TMP/probe.out")" != ok ]; then
    echo "FAIL: chronyd server does not answer:"
    cat "$TMP/chronyd.log" "$TMP/probe.out"
    exit 99
fi
"$PROBE" -t 2000 "127.0.0.1:$cport" >"$TMP/probe.out" 2>&1
check "chronyd server: plugin state OK" [ $? -eq 0 ]
check "chronyd server: stratum 8" [ "$(field stratum "$TMP/probe.out")" = 8 ]
check "chronyd server: refid 127.127.1.1" [ "$(field refid "$TMP/probe.out")" = 127.127.1.1 ]
ours=$(field offset "$TMP/probe.out")
check "chronyd serves the host clock: offset $ours ~ 0" near "$ours" 0 0.01
theirs=$(chrony_offset "$cport")
check "chronyd server: ours $ours, chronyd -Q $theirs" near "$ours" "$theirs" 0.01

# --- 2. chronyd -Q against the test server ----------------------------------
for off in 754.3 -3600.25; do
    : >"$TMP/ts.out"
    "$SERVER" -l 30 -o "$off" >"$TMP/ts.out" 2>"$TMP/ts.err" &
    ts_pid=$!
    pids="$pids $ts_pid"
    i=0
    while [ -z "$(head -n 1 "$TMP/ts.out")" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    port=$(head -n 1 "$TMP/ts.out")
    "$PROBE" -t 2000 "127.0.0.1:$port" >"$TMP/probe.out" 2>&1
    ours=$(field offset "$TMP/probe.out")
    theirs=$(chrony_offset "$port")
    check "test server at $off: ours $ours" near "$ours" "$off" 0.05
    check "test server at $off: ours $ours, chronyd -Q $theirs" near "$ours" "$theirs" 0.05
    kill -TERM "$ts_pid" 2>/dev/null
    wait "$ts_pid" 2>/dev/null
done

# --- 3. ntpdig, in a private network namespace -------------------------------
if ! command -v ntpdig >/dev/null 2>&1; then
    if [ "${TE_REQUIRE_ALL:-}" = 1 ]; then not_ok "ntpdig not found"; else echo "# no ntpdig: comparison skipped"; fi
elif ! unshare -n true 2>/dev/null; then
    if [ "${TE_REQUIRE_ALL:-}" = 1 ]; then not_ok "unshare -n failed"; else echo "# no unshare -n: ntpdig comparison skipped"; fi
else
    # Port 123 inside a namespace of our own: nothing else sees it.
    # shellcheck disable=SC2016
    SERVER="$SERVER" PROBE="$PROBE" TMP="$TMP" timeout 30 unshare -n sh -c '
        ip link set lo up 2>/dev/null || exit 99
        : >"$TMP/ns-ts.out"
        "$SERVER" -p 123 -l 20 -o -42.5 >"$TMP/ns-ts.out" 2>&1 &
        ts=$!
        i=0
        while [ -z "$(head -n 1 "$TMP/ns-ts.out")" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
        "$PROBE" -t 2000 127.0.0.1 >"$TMP/ns-probe.out" 2>&1
        ntpdig -j -t 2 127.0.0.1 >"$TMP/ns-ntpdig.out" 2>&1
        kill -TERM $ts; wait $ts
        exit 0'
    check "ntpdig run in a network namespace" [ $? -eq 0 ]
    ours=$(field offset "$TMP/ns-probe.out")
    theirs=$(sed -n 's/.*"offset": *\(-\{0,1\}[0-9.e+-]*\).*/\1/p' "$TMP/ns-ntpdig.out")
    check "test server at -42.5 (netns): ours $ours" near "$ours" -42.5 0.05
    check "test server at -42.5 (netns): ours $ours, ntpdig $theirs" near "$ours" "$theirs" 0.05
fi

finish
