#!/bin/sh
# check-sntp.sh - system test of the SNTP client (sntp_query + check) against
# the loopback test server, one server behaviour per case.  Traffic stays on
# 127.0.0.1 and ::1; no clock is touched.
#
# Needs tests/ntp-test-server and tests/sntp-probe (built by make check);
# SNTP_TEST_BINDIR overrides where they are.  Exit 0 pass, 1 fail, 99 error.

set -u
set -f

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
    if [ ! -x "$b" ]; then
        echo "check-sntp: $b not built" >&2
        exit 99
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-sntp.XXXXXX") || exit 99
srv_pid=
failures=0
cases=0

cleanup() {
    if [ -n "$srv_pid" ]; then
        kill -TERM "$srv_pid" 2>/dev/null
        wait "$srv_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 99' INT TERM

# start_server ARGS...: start the test server (at most 20 s), set $port.
start_server() {
    : >"$tmp/server.out"
    "$SERVER" -l 20 "$@" >"$tmp/server.out" 2>"$tmp/server.err" &
    srv_pid=$!
    port=
    i=0
    while [ $i -lt 100 ]; do
        port=$(head -n 1 "$tmp/server.out")
        [ -n "$port" ] && return 0
        sleep 0.05
        i=$((i + 1))
    done
    echo "check-sntp: test server did not start: $(cat "$tmp/server.err")" >&2
    exit 99
}

# stop_server: end the server, set $served to the requests it received.
stop_server() {
    kill -TERM "$srv_pid" 2>/dev/null
    wait "$srv_pid" 2>/dev/null
    srv_rc=$?
    srv_pid=
    served=$(sed -n 's/^requests //p' "$tmp/server.out")
    [ "$srv_rc" -eq 0 ] || fail "test server exited with $srv_rc: $(cat "$tmp/server.err")"
}

# field NAME: value of NAME= in the first server line of the probe output.
field() {
    awk -v k="$1=" 'NR == 1 { for (i = 1; i <= NF; i++) if (index($i, k) == 1) { print substr($i, length(k) + 1); exit } }' "$tmp/probe.out"
}

fail() {
    echo "FAIL: $case_name: $*"
    sed 's/^/    | /' "$tmp/probe.out"
    failures=$((failures + 1))
}

# expect NAME VALUE: the probe's first server line has NAME=VALUE.
expect() {
    got=$(field "$1")
    [ "$got" = "$2" ] || fail "$1 is '$got', want '$2'"
}

# expect_near NAME VALUE TOLERANCE
expect_near() {
    got=$(field "$1")
    awk -v g="$got" -v w="$2" -v t="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && d <= t) }' ||
        fail "$1 is '$got', want $2 +- $3"
}

expect_rc() {
    [ "$rc" -eq "$1" ] || fail "exit code $rc, want $1"
}

expect_served() {
    [ "$served" = "$1" ] || fail "server received '$served' requests, want $1"
}

# run_case NAME 'SERVER ARGS' 'PROBE ARGS' [TARGET]: one server, one probe.
run_case() {
    case_name=$1
    cases=$((cases + 1))
    # shellcheck disable=SC2086
    start_server $2
    target=${4:-127.0.0.1:$port}
    # shellcheck disable=SC2086
    "$PROBE" $3 "$(echo "$target" | sed "s/PORT/$port/")" >"$tmp/probe.out" 2>&1
    rc=$?
    stop_server
}

# --- a good server, at various offsets ----------------------------------
run_case "offset 0.25 s" "-o 0.25" "-t 2000"
expect status ok; expect requests 1; expect rejected 0; expect stratum 2
expect refid 192.0.2.1; expect_near offset 0.25 0.05; expect_rc 0; expect_served 1

run_case "12 min 34 s behind" "-o 754.3" "-T -t 2000"
expect_rc 2
grep -q '^NTP CRITICAL: Offset 754\.[0-9]* secs|offset=754\.[0-9]*s;60\.000000;120\.000000;$' "$tmp/probe.out" ||
    fail "plugin line"
grep -q '^System clock: 12 min 34 s behind (measured against 127.0.0.1, 127.0.0.1)$' "$tmp/probe.out" ||
    fail "offset in words"

run_case "90 s ahead is a warning" "-o -90" "-T -t 2000"
expect_rc 1
grep -Eq '^NTP WARNING: Offset -(89\.9|90\.0)[0-9]* secs\|offset=-(89\.9|90\.0)' "$tmp/probe.out" ||
    fail "plugin line"
grep -q '1 min 30 s ahead' "$tmp/probe.out" || fail "offset in words"

run_case "thresholds from the command line" "-o 2" "-w 1 -c 1.5 -t 2000"
expect_rc 2

run_case "decades behind" "-o 1900000000" "-t 2000"
expect status ok; expect_near offset 1900000000 0.05; expect_rc 2

run_case "stratum 1 refid" "-s 1" "-t 2000"
expect status ok; expect stratum 1; expect refid LOCL

# IPv6 cases need ::1 (absent in some containers).
have_ipv6=false
grep -qi '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null && have_ipv6=true
if $have_ipv6; then
    run_case "IPv6 loopback" "-6 -o 0.5" "-t 2000" "[::1]:PORT"
    expect status ok; expect address ::1; expect_near offset 0.5 0.05
else
    echo "check-sntp: no ::1, IPv6 cases skipped"
fi

# --- kiss-o'-death: acted on, at once, and no more requests ---------------
for k in deny rstr rate; do
    K=$(echo "$k" | tr '[:lower:]' '[:upper:]')
    run_case "KoD $K" "-b $k" "-t 2000"
    expect status "kod-$k"; expect kiss "$K"; expect requests 1; expect_served 1; expect_rc 3
done

# --- server not synchronized ----------------------------------------------
for b in leap3 stratum0 stratum16 init rootdist; do
    run_case "unsynchronized: $b" "-b $b" "-t 2000"
    expect status unsynchronized; expect requests 1; expect_served 1; expect_rc 3
done
grep -q 'root distance 5\.0[0-9]* s exceeds 1\.500 s' "$tmp/probe.out" || fail "root distance text"

# --- malformed replies: dropped, then retried up to 4 times ---------------
for b in origin short mode version zero-xmt zero-rec times; do
    run_case "bad reply: $b" "-b $b" "-t 1200"
    expect status bad-reply; expect requests 4; expect rejected 4; expect_served 4; expect_rc 3
done

# --- silence, retries, late replies ----------------------------------------
run_case "silent server" "-b silent" "-t 1200"
expect status no-reply; expect requests 4; expect_served 4; expect refused 0; expect_rc 3

run_case "one lost request, then an answer" "-b silent,ok -o 3" "-t 2000"
expect status ok; expect requests 2; expect_served 2; expect_near offset 3 0.05

run_case "late reply to the first request" "-b late -d 700 -o -2" "-t 2000"
expect status ok; expect requests 2; expect_near offset -2 0.05

# --- spoofing --------------------------------------------------------------
run_case "spoofed time with wrong origin before the real reply" "-x origin -o 1" "-t 2000"
expect status ok; expect rejected 1; expect_near offset 1 0.05

run_case "spoofed KoD DENY before the real reply" "-x deny -o 1" "-t 2000"
expect status ok; expect kiss -; expect rejected 1; expect_near offset 1 0.05

run_case "right origin but from another port" "-x other -o 1" "-t 2000"
expect status ok; expect rejected 0; expect_near offset 1 0.05

# --- nothing there, names --------------------------------------------------
run_case "port unreachable" "-n 1" "-t 2000"
cases=$((cases + 1))
"$PROBE" -t 2000 "127.0.0.1:$port" >"$tmp/probe.out" 2>&1
rc=$?
expect status no-reply; expect refused 1; expect_rc 3

cases=$((cases + 1))
case_name="name does not resolve"
"$PROBE" -N -t 500 "no-such-host.invalid" >"$tmp/probe.out" 2>&1
rc=$?
expect status resolve; expect requests 0; expect_rc 3
grep -q '^error=name does not resolve: ' "$tmp/probe.out" || fail "resolve text"

cases=$((cases + 1))
case_name="usage error"
"$PROBE" "host:99999" >"$tmp/probe.out" 2>&1
rc=$?
expect_rc 64

# --- several servers in parallel, JSON ------------------------------------
cases=$((cases + 1))
case_name="two servers in parallel, JSON"
: >"$tmp/silent.out"
"$SERVER" -l 20 -b silent >"$tmp/silent.out" 2>/dev/null &
silent_pid=$!
start_server -o 0.125
i=0
while [ -z "$(head -n 1 "$tmp/silent.out")" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
sport=$(head -n 1 "$tmp/silent.out")
closed="[::1]:1"
$have_ipv6 || closed="127.0.0.1:1"
"$PROBE" -j -t 1000 "127.0.0.1:$sport" "$closed" "127.0.0.1:$port" >"$tmp/probe.out" 2>&1
rc=$?
stop_server
kill -TERM "$silent_pid" 2>/dev/null
wait "$silent_pid" 2>/dev/null
expect_rc 0
if command -v jq >/dev/null 2>&1; then
    jq -e '.state == "OK" and .exit_code == 0 and (.offset - 0.125 | fabs) < 0.05
           and .servers[0].status == "no-reply" and .servers[0].requests == 4
           and .servers[1].status == "no-reply" and .servers[1].port_unreachable
           and .servers[2].status == "ok" and .servers[2].address == "127.0.0.1"
           and (.plugin_output | startswith("NTP OK: Offset 0.12"))' \
        "$tmp/probe.out" >/dev/null || fail "JSON content"
else
    grep -q '"state":"OK"' "$tmp/probe.out" || fail "JSON state"
fi

echo "check-sntp: $cases cases, $failures failed"
[ "$failures" -eq 0 ]
