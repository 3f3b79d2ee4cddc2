#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The SNTP client (sntp_query + check, driven by tests/tools/sntp-probe) against the
# loopback test server (tests/tools/ntp-test-server), one server behaviour per case:
# offsets, kiss-o'-death, unsynchronized servers, malformed and spoofed
# replies, silence, retries, late replies, IPv6, several servers at once.
# Traffic stays on 127.0.0.1 and ::1; no clock is touched.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/../lib.sh"
set -f

SERVER=$top_builddir/tests/tools/ntp-test-server
PROBE=$top_builddir/tests/tools/sntp-probe
for b in "$SERVER" "$PROBE"; do
    [ -x "$b" ] || { echo "FAIL: $b not built"; exit 99; }
done

srv_pid=
srv_cleanup() {
    [ -n "$srv_pid" ] && kill -TERM "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
    srv_pid=
}
cleanup_hooks="srv_cleanup"

# wait_port FILE: wait (at most 5 s) for a test server's port line in FILE.
wait_port() {
    i=0
    while [ -z "$(head -n 1 "$1")" ] && [ $i -lt 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    head -n 1 "$1"
}

# start_server ARGS...: start the test server (it ends itself after 20 s), set $port.
start_server() {
    : >"$TMP/server.out"
    "$SERVER" -l 20 "$@" >"$TMP/server.out" 2>"$TMP/server.err" &
    srv_pid=$!
    port=$(wait_port "$TMP/server.out")
    [ -n "$port" ] || { echo "FAIL: test server did not start: $(cat "$TMP/server.err")"; exit 99; }
}

# stop_server: end the server, set $served to the requests it received.
stop_server() {
    kill -TERM "$srv_pid" 2>/dev/null
    wait "$srv_pid" 2>/dev/null
    srv_rc=$?
    srv_pid=
    served=$(sed -n 's/^requests //p' "$TMP/server.out")
    [ "$srv_rc" -eq 0 ] || not_ok "$case_name: test server exited with $srv_rc: $(cat "$TMP/server.err")"
}

# field NAME: value of NAME= in the first line of the probe's output.
field() {
    awk -v k="$1=" 'NR == 1 { for (i = 1; i <= NF; i++) if (index($i, k) == 1) { print substr($i, length(k) + 1); exit } }' "$TMP/probe.out"
}

# probe_not_ok TEXT: not_ok with the probe's output.
probe_not_ok() {
    not_ok "$case_name: $*"
    sed 's/^/    | /' "$TMP/probe.out"
}

# expect NAME VALUE: the probe says NAME=VALUE.
expect() {
    got=$(field "$1")
    if [ "$got" = "$2" ]; then ok "$case_name: $1=$2"; else probe_not_ok "$1 is '$got', want '$2'"; fi
}

# expect_near NAME VALUE TOLERANCE
expect_near() {
    got=$(field "$1")
    if awk -v g="$got" -v w="$2" -v t="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && d <= t) }'; then
        ok "$case_name: $1 $got ~ $2"
    else
        probe_not_ok "$1 is '$got', want $2 +- $3"
    fi
}

# expect_grep ERE WHAT: a line of the probe's output matches.
expect_grep() {
    if grep -Eq "$1" "$TMP/probe.out"; then ok "$case_name: $2"; else probe_not_ok "$2: no line matches $1"; fi
}

expect_rc() {
    if [ "$rc" -eq "$1" ]; then ok "$case_name: exit code $1"; else probe_not_ok "exit code $rc, want $1"; fi
}

expect_served() {
    if [ "$served" = "$1" ]; then ok "$case_name: server got $1 requests"; else probe_not_ok "server got '$served' requests, want $1"; fi
}

# run_case NAME 'SERVER ARGS' 'PROBE ARGS' [TARGET]: one server, one probe;
# PORT in TARGET is replaced by the server's port.
run_case() {
    case_name=$1
    # shellcheck disable=SC2086
    start_server $2
    target=$(echo "${4:-127.0.0.1:PORT}" | sed "s/PORT/$port/")
    # shellcheck disable=SC2086
    "$PROBE" $3 "$target" >"$TMP/probe.out" 2>&1
    rc=$?
    stop_server
}

# --- a good server, at various offsets ----------------------------------
run_case "offset 0.25 s" "-o 0.25" "-t 2000"
expect status ok; expect requests 1; expect rejected 0; expect stratum 2
expect refid 192.0.2.1; expect_near offset 0.25 0.05; expect_rc 0; expect_served 1

run_case "12 min 34 s behind" "-o 754.3" "-T -t 2000"
expect_rc 2
expect_grep '^NTP CRITICAL: Offset 754\.[0-9]* secs\|offset=754\.[0-9]*s;60\.000000;120\.000000;$' "plugin line"
expect_grep '^System clock: 12 min 34 s behind \(measured against 127\.0\.0\.1\)$' "offset in words (each server named once)"

run_case "90 s ahead is a warning" "-o -90" "-T -t 2000"
expect_rc 1
expect_grep '^NTP WARNING: Offset -(89\.9|90\.0)[0-9]* secs\|offset=-(89\.9|90\.0)' "plugin line"
expect_grep '1 min 30 s ahead' "offset in words"

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
    echo "# no ::1: IPv6 case skipped"
fi

# --- kiss-o'-death: acted on at once, no more requests ---------------------
for k in deny rstr rate; do
    K=$(echo "$k" | tr '[:lower:]' '[:upper:]')
    run_case "KoD $K" "-b $k" "-t 2000"
    expect status "kod-$k"; expect kiss "$K"; expect requests 1; expect_served 1; expect_rc 3
done

# --- server not synchronized -----------------------------------------------
for b in leap3 stratum0 stratum16 init rootdist; do
    run_case "unsynchronized: $b" "-b $b" "-t 2000"
    expect status unsynchronized; expect requests 1; expect_served 1; expect_rc 3
done
expect_grep 'root distance 5\.0[0-9]* s exceeds 1\.500 s' "root distance text"

# --- malformed replies: dropped, then retried up to 4 times ----------------
for b in origin short mode version zero-xmt zero-rec times; do
    run_case "bad reply: $b" "-b $b" "-t 1200"
    expect status bad-reply; expect requests 4; expect rejected 4; expect_served 4; expect_rc 3
done

# --- silence, retries, late replies -----------------------------------------
run_case "silent server" "-b silent" "-t 1200"
expect status no-reply; expect requests 4; expect_served 4; expect refused 0; expect_rc 3

run_case "one lost request, then an answer" "-b silent,ok -o 3" "-t 2000"
expect status ok; expect requests 2; expect_served 2; expect_near offset 3 0.05

run_case "late reply to the first request" "-b late -d 700 -o -2" "-t 2000"
expect status ok; expect requests 2; expect_near offset -2 0.05

# --- spoofing ---------------------------------------------------------------
run_case "spoofed time with wrong origin before the real reply" "-x origin -o 1" "-t 2000"
expect status ok; expect rejected 1; expect_near offset 1 0.05

run_case "spoofed KoD DENY before the real reply" "-x deny -o 1" "-t 2000"
expect status ok; expect kiss -; expect rejected 1; expect_near offset 1 0.05

run_case "right origin but from another port" "-x other -o 1" "-t 2000"
expect status ok; expect rejected 0; expect_near offset 1 0.05

# --- nothing there, names, usage ----------------------------------------------
run_case "port unreachable" "-n 1" "-t 2000"
"$PROBE" -t 2000 "127.0.0.1:$port" >"$TMP/probe.out" 2>&1
rc=$?
expect status no-reply; expect refused 1; expect_rc 3

case_name="name does not resolve"
"$PROBE" -N -t 500 "no-such-host.invalid" >"$TMP/probe.out" 2>&1
rc=$?
expect status resolve; expect requests 0; expect_rc 3
expect_grep '^error=name does not resolve: ' "resolve text"

case_name="usage error"
"$PROBE" "host:99999" >"$TMP/probe.out" 2>&1
rc=$?
expect_rc 64

# --- several servers in parallel, JSON -------------------------------------
case_name="three servers in parallel, JSON"
: >"$TMP/silent.out"
"$SERVER" -l 20 -b silent >"$TMP/silent.out" 2>/dev/null &
silent_pid=$!
sport=$(wait_port "$TMP/silent.out")
start_server -o 0.125
closed="[::1]:1"
$have_ipv6 || closed="127.0.0.1:1"
"$PROBE" -j -t 1000 "127.0.0.1:$sport" "$closed" "127.0.0.1:$port" >"$TMP/probe.out" 2>&1
rc=$?
stop_server
kill -TERM "$silent_pid" 2>/dev/null
wait "$silent_pid" 2>/dev/null
expect_rc 0
if command -v jq >/dev/null 2>&1; then
    if jq -e '.state == "OK" and .exit_code == 0 and (.offset - 0.125 | fabs) < 0.05
              and .servers[0].status == "no-reply" and .servers[0].requests == 4
              and .servers[1].status == "no-reply" and .servers[1].port_unreachable
              and .servers[2].status == "ok" and .servers[2].address == "127.0.0.1"
              and (.plugin_output | startswith("NTP OK: Offset "))
              and ((.plugin_output | capture("Offset (?<o>[0-9.]+) ").o | tonumber) - .offset
                   | fabs) < 0.000001' \
           "$TMP/probe.out" >/dev/null; then
        ok "$case_name: JSON content"
    else
        probe_not_ok "JSON content"
    fi
else
    expect_grep '"state":"OK"' "JSON state (no jq)"
fi


# ---- names resolve in parallel, within --timeout (te-ntp-setup check) ----------------------
# A resolver that never answers: in a private network and mount namespace, a private
# /etc/resolv.conf names 127.0.0.53 (each try 5 s, twice), where the test server in its
# silent behaviour takes every datagram and answers none. Three such names and one answering
# server on loopback, --timeout 2: the whole check ends within the 2 s (plus start up), the
# loopback server is measured, and each name says it did not resolve in time.
case_name="unanswered names within --timeout"
BIN=$top_builddir/src/te-ntp-setup
if [ "$(id -u)" -eq 0 ] && unshare -m -n true 2>/dev/null && command -v ip >/dev/null; then
    printf 'nameserver 127.0.0.53\noptions timeout:5 attempts:2\n' > "$TMP/resolv.conf"
    : > "$TMP/hang.port"
    : > "$TMP/dns.port"
    unshare -m -n --propagation private sh -c "
        ip link set lo up && mount --bind '$TMP/resolv.conf' /etc/resolv.conf || exit 99
        '$SERVER' -a 127.0.0.53 -p 53 -l 20 -b silent > '$TMP/dns.port' 2>/dev/null &
        dpid=\$!
        '$SERVER' -l 20 -o 0.25 > '$TMP/hang.port' 2>/dev/null &
        spid=\$!
        i=0
        while { [ ! -s '$TMP/hang.port' ] || [ ! -s '$TMP/dns.port' ]; } && [ \$i -lt 100 ]; do
            sleep 0.05; i=\$((i+1))
        done
        port=\$(head -n 1 '$TMP/hang.port')
        start=\$(date +%s%N)
        '$BIN' check --json --timeout 2 hang1.example hang2.example hang3.example \
            127.0.0.1:\$port > '$TMP/hang.out' 2> '$TMP/hang.err'
        echo \$? > '$TMP/hang.rc'
        echo \$(( (\$(date +%s%N) - start) / 1000000 )) > '$TMP/hang.ms'
        kill -TERM \$spid \$dpid 2>/dev/null; wait \$spid \$dpid"
    ms=$(cat "$TMP/hang.ms" 2>/dev/null || echo 99999)
    rc=$(cat "$TMP/hang.rc" 2>/dev/null || echo none)
    if [ "$ms" -lt 3500 ]; then ok "$case_name: done in $ms ms (--timeout 2)"; else
        not_ok "$case_name: took $ms ms with --timeout 2"; fi
    # OK, or WARNING when no NTP daemon runs on this machine (check's own rule): the offset
    # of 0.25 s is far below --warn either way.
    if { [ "$rc" = 0 ] || [ "$rc" = 1 ]; } &&
        grep -q '"address":"127.0.0.1","status":"ok"' "$TMP/hang.out"; then
        ok "$case_name: the loopback server is measured (exit $rc)"
    else
        not_ok "$case_name: exit $rc, the loopback server not measured"; sed 's/^/#   /' "$TMP/hang.out" "$TMP/hang.err"
    fi
    n=$(grep -o 'did not resolve within 2 s' "$TMP/hang.out" | wc -l)
    if [ "$n" -eq 3 ]; then ok "$case_name: each unanswered name says it did not resolve in time"
    else not_ok "$case_name: $n of 3 names say they did not resolve in time"
        sed 's/^/#   /' "$TMP/hang.out"; fi
elif [ "${TE_REQUIRE_ALL:-}" = 1 ]; then
    not_ok "$case_name: needs root, unshare -m -n and ip"
fi

finish
