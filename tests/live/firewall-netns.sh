#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# System test of `te-ntp-setup firewall` with real iptables and nftables rules in network
# namespaces: a local NTP server (chronyd -x, no CAP_SYS_TIME) at 192.0.2.1 in one namespace,
# the client at 192.0.2.2 in another whose firewall drops NTP. For each firewall: NTP fails
# before, te-ntp-setup adds rules, NTP works, a second run changes nothing, --remove gives
# back the ruleset exactly.
#
# Needs root and `ip netns`, chronyd ($TE_CHRONYD, or where lib.sh's find_daemon finds it;
# an unpacked Debian package works: apt-get download chrony && dpkg -x chrony_*.deb DIR, then
# TE_CHRONYD=DIR/usr/sbin/chronyd) and ntpdig: without one the test skips (exit 77), and
# fails when TE_REQUIRE_ALL=1 (lib.sh's skip_all). A missing iptables, nft or ufw skips its
# part, or is a failed check when TE_REQUIRE_ALL=1 (skip_part).
. "$(dirname "$0")/../lib.sh"

BIN=${TE_NTP_SETUP:-$BIN}
SRV=tefw-srv-$$
CLI=tefw-cli-$$
SERVER_PID=
HOLDER_PID=

fw_cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -9 "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    if [ -n "$HOLDER_PID" ]; then
        kill "$HOLDER_PID" 2>/dev/null
        wait "$HOLDER_PID" 2>/dev/null
    fi
    ip netns del "$CLI" 2>/dev/null
    ip netns del "$SRV" 2>/dev/null
}
cleanup_hooks="$cleanup_hooks fw_cleanup"
trap 'exit 1' INT TERM HUP

[ "$(id -u)" = 0 ] || skip_all "needs root"
ip netns add "$SRV" 2>/dev/null || skip_all "cannot create a network namespace"
[ -x "$BIN" ] || { echo "ERROR: $BIN not built"; exit 99; }

CHRONYD=${TE_CHRONYD:-$(find_daemon chronyd chrony)}
NTPDIG=$(command -v ntpdig)
IPTABLES=$(command -v iptables)
NFT=$(command -v nft)

[ -n "$CHRONYD" ] && [ -x "$CHRONYD" ] ||
    skip_all "no chronyd for the local NTP server (set TE_CHRONYD)"
[ -n "$NTPDIG" ] || skip_all "no ntpdig (package ntpsec-ntpdig) to probe NTP"

# ---- the server namespace ------------------------------------------------------------
ip -n "$SRV" link set lo up
cat >"$TMP/server.conf" <<EOF
local stratum 8
allow
bindaddress 192.0.2.1
cmdport 0
bindcmdaddress /
pidfile $TMP/chronyd.pid
EOF

start_server() {
    ip netns exec "$SRV" setpriv --bounding-set -sys_time \
        "$CHRONYD" -x -n -u root -f "$TMP/server.conf" >"$TMP/chronyd.log" 2>&1 &
    SERVER_PID=$!
}

# A fresh client namespace joined to the server by a veth pair.
new_client() {
    ip netns del "$CLI" 2>/dev/null
    ip netns add "$CLI" || return 1
    ip -n "$SRV" link del tefws$$ 2>/dev/null
    ip link add tefwc$$ netns "$CLI" type veth peer name tefws$$ netns "$SRV" || return 1
    ip -n "$SRV" addr add 192.0.2.1/24 dev tefws$$ 2>/dev/null
    ip -n "$SRV" link set tefws$$ up
    ip -n "$CLI" addr add 192.0.2.2/24 dev tefwc$$
    ip -n "$CLI" link set tefwc$$ up
    ip -n "$CLI" link set lo up
}

# Run a command in the client namespace (and, for ufw, its private mount namespace).
in_cli() {
    if [ -n "$HOLDER_PID" ]; then
        nsenter -t "$HOLDER_PID" -m -n "$@"
    else
        ip netns exec "$CLI" "$@"
    fi
}

# 0 when an NTP query from the client gets an answer.
probe() {
    in_cli timeout 10 "$NTPDIG" -t 2 192.0.2.1 >"$TMP/probe.log" 2>&1
}

run() {
    in_cli "$BIN" firewall "$@" >"$TMP/out" 2>"$TMP/err"
}

start_server
new_client || { echo "ERROR: cannot set up the client namespace"; exit 99; }
up=0
for _ in $(seq 1 20); do
    if probe; then up=1; break; fi
    sleep 0.5
done
if [ $up != 1 ]; then
    echo "ERROR: the local NTP server does not answer"
    cat "$TMP/chronyd.log" "$TMP/probe.log"
    exit 99
fi
ok "local NTP server answers without a firewall"

# The common steps for one firewall; $1 names it, $2 is the command listing the ruleset
# normalised (no comments, no counters), $3 the number of rules the first run must add.
check_firewall() {
    local name=$1 list=$2 want=$3 before after

    before=$($list)
    if probe; then not_ok "$name: NTP passes although the firewall should block it"; return; fi
    ok "$name: NTP blocked before"

    run --server 192.0.2.1 --dry-run --detailed-exitcodes --json
    rc=$?
    [ $rc = 2 ] || not_ok "$name: --dry-run exit $rc, want 2: $(cat "$TMP/out" "$TMP/err")"
    grep -q '"changed":true' "$TMP/out" || not_ok "$name: --dry-run --json: $(cat "$TMP/out")"
    [ "$($list)" = "$before" ] || not_ok "$name: --dry-run changed the ruleset"

    run --server 192.0.2.1 --detailed-exitcodes
    rc=$?
    [ $rc = 2 ] || not_ok "$name: first run exit $rc, want 2: $(cat "$TMP/out" "$TMP/err")"
    n=$(grep -c '^  added:' "$TMP/out")
    [ "$n" = "$want" ] || not_ok "$name: added $n rules, want $want: $(cat "$TMP/out")"
    after=$($list)
    if probe; then ok "$name: NTP passes after"; else not_ok "$name: NTP still blocked: $(cat "$TMP/out")"; fi

    run --server 192.0.2.1 --detailed-exitcodes
    rc=$?
    [ $rc = 0 ] || not_ok "$name: second run exit $rc, want 0: $(cat "$TMP/out" "$TMP/err")"
    [ "$($list)" = "$after" ] || not_ok "$name: second run changed the ruleset"
    check "$name: second run says nothing is needed" grep -q 'nothing needed' "$TMP/out"

    run --remove --dry-run
    [ "$($list)" = "$after" ] || not_ok "$name: --remove --dry-run changed the ruleset"
    run --remove --detailed-exitcodes
    rc=$?
    [ $rc = 2 ] || not_ok "$name: --remove exit $rc, want 2: $(cat "$TMP/out" "$TMP/err")"
    if [ "$($list)" = "$before" ]; then
        ok "$name: --remove gives back the ruleset exactly"
    else
        not_ok "$name: ruleset after --remove differs:"
        diff <(printf '%s\n' "$before") <($list) >&2
    fi
    if probe; then not_ok "$name: NTP passes after --remove"; fi
    run --remove --detailed-exitcodes
    [ $? = 0 ] || not_ok "$name: a second --remove did something"
}

# ---- iptables: output and input policy drop, no established rule ----------------------
ipt_list() {
    { ip netns exec "$CLI" iptables-save; ip netns exec "$CLI" ip6tables-save; } 2>/dev/null \
        | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'
}
if [ -n "$IPTABLES" ]; then
    new_client
    ip netns exec "$CLI" sh -e -c '
        iptables -P OUTPUT DROP
        iptables -P INPUT DROP
        iptables -A OUTPUT -o lo -j ACCEPT
        iptables -A OUTPUT -p tcp --dport 22 -j ACCEPT
        iptables -A INPUT -i lo -j ACCEPT
        iptables -A INPUT -p udp --dport 123 -j DROP' || not_ok "iptables: cannot set the rules"
    check_firewall iptables ipt_list 2
else
    skip_part "no iptables"
fi

# ---- nftables: output policy drop, replies accepted as established ---------------------
nft_list() {
    ip netns exec "$CLI" nft list ruleset 2>/dev/null | grep -v '^#'
}
if [ -n "$NFT" ]; then
    new_client
    ip netns exec "$CLI" nft -f - <<'EOF' || not_ok "nftables: cannot load the ruleset"
table inet tefilter {
    chain out {
        type filter hook output priority 0; policy drop;
        oifname "lo" accept
        tcp dport 22 accept
        udp dport 53 accept
    }
    chain in {
        type filter hook input priority 0; policy drop;
        iifname "lo" accept
        ct state established,related accept
    }
}
EOF
    check_firewall nftables nft_list 1
else
    skip_part "no nft"
fi

# ---- ufw: default deny outgoing, with private /etc/ufw and /etc/default/ufw ----------------
ufw_list() {
    in_cli ufw status verbose 2>/dev/null
    in_cli iptables-save 2>/dev/null | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'
}
if [ -n "$(command -v ufw)" ] && [ -d /etc/ufw ] && [ -f /etc/default/ufw ] \
    && [ -n "$(command -v nsenter)" ]; then
    new_client
    cp -a /etc/ufw "$TMP/etc-ufw" && cp /etc/default/ufw "$TMP/default-ufw"
    ip netns exec "$CLI" unshare -m --propagation private sleep 600 &
    HOLDER_PID=$!
    for _ in $(seq 1 50); do
        [ "$(readlink /proc/$HOLDER_PID/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break
        sleep 0.1
    done
    if in_cli mount --bind "$TMP/etc-ufw" /etc/ufw \
        && in_cli mount --bind "$TMP/default-ufw" /etc/default/ufw \
        && in_cli ufw default deny outgoing >/dev/null \
        && in_cli ufw --force enable >/dev/null; then
        check_firewall ufw ufw_list 1
    else
        not_ok "ufw: cannot enable ufw in the private namespaces"
    fi
    kill "$HOLDER_PID" 2>/dev/null
    wait "$HOLDER_PID" 2>/dev/null
    HOLDER_PID=
else
    skip_part "no ufw (or nsenter)"
fi

# ---- invalid input ------------------------------------------------------------------------
run --server 'bad name;rm' --dry-run
rc=$?
check "invalid --server: exit 64 (got $rc)" [ $rc = 64 ]

finish
