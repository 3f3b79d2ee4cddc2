#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The two-tier setup of a site, with real daemons in network namespaces made here, none of
# which can set the host clock (chronyd -x, no CAP_SYS_TIME):
#
#   UP  198.51.100.1 ---- 198.51.100.2  SITE  192.0.2.1/25   ---- 192.0.2.10/25   IN
#   (upstream chronyd)                        192.0.2.129/25 ---- 192.0.2.130/25  OUT
#                                             2001:db8:1::1  ---- 2001:db8:1::10  (IN)
#                                             2001:db8:2::1  ---- 2001:db8:2::10  (OUT)
#
# The site server is chrony configured by te-ntp-setup (--server 198.51.100.1 --serve
# 192.0.2.0/25 --serve 2001:db8:1::/64 --local-stratum 10); the agent in IN is chrony
# configured by te-ntp-setup --server 192.0.2.1. Checked:
#  1. the daemon's access rule alone (no firewall): the agent synchronizes through the site
#     server; a client in OUT (outside the served networks) gets no reply (and gets one as
#     soon as the daemon's rule is off, at the start of 2: the rule refused it);
#  2. the firewall alone (the daemon told to serve everybody with a test-only "allow all"):
#     nftables, then iptables, with input and output policy drop in SITE, then ufw with
#     incoming deny (private /etc/ufw), and firewalld when it is installed; te-ntp-setup
#     firewall --serve adds rules for the served networks only: IN gets replies, OUT none;
#     a second run adds nothing; --remove gives back the ruleset exactly;
#  3. te-ntp-setup apply on the live site namespace (private /etc, /run, /var/lib) with
#     --no-restart: it writes the serve file and opens the nftables firewall in one run.
# Also the same with ntpsec as the site server (its restrict lines), when ntpsec is there;
# and last, --local-stratum live: the site server, synchronized to its upstream, is cut off
# from it (link down) and goes on serving without a gap, switching to stratum 10 (its local
# clock) within seconds.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
sync_init

CHRONYD=$SERVER_CHRONYD
CHRONYC=$(dirname "$(dirname "$CHRONYD")")/bin/chronyc
[ -x "$CHRONYC" ] || CHRONYC=$(command -v chronyc) || skip_all "chronyc not found"
PROBE=$top_builddir/tests/tools/sntp-probe
[ -x "$PROBE" ] || skip_all "tests/tools/sntp-probe not built (make check builds it)"
NFT=$(command -v nft) || skip_all "nft not found (package nftables)"
IPTABLES=$(command -v iptables) || skip_all "iptables not found"
command -v nsenter >/dev/null 2>&1 || skip_all "nsenter not found"
export TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")

id=$$
UP=tes-up-$id; SITE=tes-site-$id; IN=tes-in-$id; OUT=tes-out-$id
PIDS=""
serve_cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$p" 2>/dev/null
    done
    for ns in "$UP" "$SITE" "$IN" "$OUT"; do ip netns del "$ns" 2>/dev/null; done
}
cleanup_hooks="$cleanup_hooks serve_cleanup"
trap 'exit 1' INT TERM HUP

# ---- the network ---------------------------------------------------------------------------
for ns in "$UP" "$SITE" "$IN" "$OUT"; do
    ip netns add "$ns" || skip_all "cannot create network namespaces"
    ip -n "$ns" link set lo up
done
link() { # ns-a dev-a addr-a ns-b dev-b addr-b [ipv6-a ipv6-b]
    ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" || return 1
    ip -n "$1" addr add "$3" dev "$2" && ip -n "$4" addr add "$6" dev "$5" || return 1
    if [ -n "${7:-}" ]; then
        ip -n "$1" addr add "$7" dev "$2" nodad && ip -n "$4" addr add "$8" dev "$5" nodad ||
            return 1
    fi
    ip -n "$1" link set "$2" up && ip -n "$4" link set "$5" up
}
link "$UP" teu$id 198.51.100.1/24 "$SITE" tesu$id 198.51.100.2/24 &&
link "$SITE" tesi$id 192.0.2.1/25 "$IN" tei$id 192.0.2.10/25 2001:db8:1::1/64 2001:db8:1::10/64 &&
link "$SITE" teso$id 192.0.2.129/25 "$OUT" teo$id 192.0.2.130/25 2001:db8:2::1/64 2001:db8:2::10/64 ||
    skip_all "cannot create the veth pairs"

# ---- the upstream server ------------------------------------------------------------------
cat > "$TMP/up.conf" <<EOF
local stratum 8
allow 198.51.100.0/24
bindaddress 198.51.100.1
cmdport 0
bindcmdaddress /
pidfile $TMP/up.pid
EOF
ip netns exec "$UP" $NO_SYS_TIME "$CHRONYD" -n -x -u root -f "$TMP/up.conf" \
    >"$TMP/up.log" 2>&1 &
PIDS="$PIDS $!"

# ---- helpers -----------------------------------------------------------------------------
# Start chronyd in NS on ROOT's /etc (bind-mounted in a private mount namespace, with
# private /run, /var/lib, /var/log); its pid goes to $daemon_pid (it is chronyd itself).
start_chronyd() { # ns root conf log
    cat > "$TMP/start-$1.sh" <<SH
set -e
mount --make-rprivate /
mount --bind '$2/etc' /etc
mount -t tmpfs tmpfs /run && mkdir -m 0750 /run/chrony
mount -t tmpfs tmpfs /var/lib && mkdir -p /var/lib/chrony
mount -t tmpfs tmpfs /var/log && mkdir -p /var/log/chrony
exec $NO_SYS_TIME '$CHRONYD' -n -x -u root -f '$3'
SH
    ip netns exec "$1" unshare -m sh "$TMP/start-$1.sh" >"$4" 2>&1 &
    daemon_pid=$!
    PIDS="$PIDS $daemon_pid"
    for _ in $(seq 1 50); do
        nsenter -t "$daemon_pid" -m -n test -S /run/chrony/chronyd.sock 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
stop_daemon() { # pid
    kill "$1" 2>/dev/null
    for _ in $(seq 1 25); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
    kill -9 "$1" 2>/dev/null
}
# chronyc in the namespaces of the chronyd with that pid (again, at most 5 times, while it
# cannot connect: a loaded machine)
chronyc_of() { # pid args...
    p=$1; shift
    for _ in 1 2 3 4 5; do
        nsenter -t "$p" -m -n "$CHRONYC" -h /run/chrony/chronyd.sock "$@" 2>"$TMP/chronyc.err"
        c=$?
        grep -q 'Could not open connection' "$TMP/chronyc.err" || break
        sleep 1
    done
    cat "$TMP/chronyc.err" >&2
    return $c
}
# One SNTP request from NS to ADDRESS: "ok" when answered, "no-reply" when not
# ("unsynchronized": answered by a server that says it is not synchronized).
probe() { # ns address
    ip netns exec "$1" "$PROBE" -t 1500 -r 2 "$2" 2>/dev/null |
        sed -n 's/.* status=\([^ ]*\) .*/\1/p' | head -n 1
}
expect_probe() { # desc want ns address
    got=$(probe "$3" "$4")
    # A site server that answers but has not synchronized to its upstream yet (a loaded
    # machine): ask again, a bounded number of times, until it has.
    tries=0
    while [ "$2" = ok ] && [ "$got" = unsynchronized ] && [ $tries -lt 20 ]; do
        sleep 1
        got=$(probe "$3" "$4")
        tries=$((tries + 1))
    done
    check "$1 (got '${got:-nothing}')" [ "$got" = "$2" ]
}

# ---- 1. the daemon's access rule --------------------------------------------------------------
site=$(fresh_root debian-12)
"$BIN" --root "$site" --server 198.51.100.1 --serve 192.0.2.0/25 --serve 2001:db8:1::/64 \
    --local-stratum 10 >"$TMP/site.out" 2>&1
check "site: te-ntp-setup configured the site server" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/site.out"
check "site: the serve file holds the allow lines" \
    grep -qx 'allow 192.0.2.0/25' "$site/etc/chrony/conf.d/te-ntp-setup.conf"
cp /etc/passwd /etc/group "$site/etc/"
start_chronyd "$SITE" "$site" /etc/chrony/chrony.conf "$TMP/site.log"
check "site: chronyd started" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/site.log"
site_pid=$daemon_pid
# The site server must be synchronized to its upstream (stratum 9) before the agent asks
# it: until then it serves its own clock at the local stratum (10), and an agent that
# synchronized to that would see stratum 11. Waits at most 60 s (a loaded machine).
site_synced() { # pid
    for _ in $(seq 1 60); do
        t=$(chronyc_of "$1" -c tracking 2>/dev/null)
        [ "$(echo "$t" | cut -d, -f2)" = 198.51.100.1 ] && [ "$(echo "$t" | cut -d, -f3)" = 9 ] &&
            return 0
        sleep 1
    done
    return 1
}
check "site: synchronized to the upstream server 198.51.100.1 (tracking: stratum 9)" \
    site_synced "$site_pid"
chronyc_of "$site_pid" -n sources > "$TMP/sources" 2>&1
check "site: 198.51.100.1 selected" \
    grep -q '^\^\* 198\.51\.100\.1 ' "$TMP/sources" || sed 's/^/#   /' "$TMP/sources"

agent=$(fresh_root rhel-9)
"$BIN" --root "$agent" --server 192.0.2.1 >"$TMP/agent.out" 2>&1
check "agent: te-ntp-setup --server 192.0.2.1" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/agent.out"
cp /etc/passwd /etc/group "$agent/etc/"
start_chronyd "$IN" "$agent" /etc/chrony.conf "$TMP/agent.log"
check "agent: chronyd started" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/agent.log"
agent_pid=$daemon_pid
chronyc_of "$agent_pid" waitsync 40 0 0 1 >/dev/null 2>&1
chronyc_of "$agent_pid" -n sources > "$TMP/sources" 2>&1
check "agent (in 192.0.2.0/25): synchronized to the site server 192.0.2.1" \
    grep -q '^\^\* 192\.0\.2\.1 ' "$TMP/sources" || sed 's/^/#   /' "$TMP/sources"
stratum=$(chronyc_of "$agent_pid" -c tracking 2>/dev/null | cut -d, -f3)
check "agent: stratum 10 (upstream 8, site 9): time came through the site (got '$stratum')" \
    [ "$stratum" = 10 ]
stop_daemon "$agent_pid"

expect_probe "IN over IPv6 (2001:db8:1::/64 is served): a reply" ok "$IN" 2001:db8:1::1
expect_probe "OUT (192.0.2.128/25, not served), no firewall: no reply" no-reply "$OUT" 192.0.2.129
expect_probe "OUT over IPv6 (2001:db8:2::/64, not served): no reply" no-reply "$OUT" 2001:db8:2::1
stop_daemon "$site_pid"

# ---- 2. the firewall alone -----------------------------------------------------------------
# A test-only drop-in that lets chronyd serve everybody: only the firewall stands between.
echo 'allow all' > "$site/etc/chrony/conf.d/zz-test-allow-all.conf"
start_chronyd "$SITE" "$site" /etc/chrony/chrony.conf "$TMP/site2.log"
site_pid=$daemon_pid
chronyc_of "$site_pid" waitsync 30 0 0 1 >/dev/null 2>&1
expect_probe "allow all, no firewall: OUT gets a reply (the daemon's rule is off)" ok "$OUT" 192.0.2.129

in_site() { ip netns exec "$SITE" "$@"; }
fw_run() { in_site "$BIN" firewall --server 198.51.100.1 --serve 192.0.2.0/25 \
    --serve 2001:db8:1::/64 --detailed-exitcodes "$@" >"$TMP/fw.out" 2>"$TMP/fw.err"; }

check_firewall() { # name list-command rules-added
    name=$1 list=$2 want=$3
    before=$($list)
    expect_probe "$name: IN blocked before" no-reply "$IN" 192.0.2.1
    fw_run --dry-run
    check "$name: --dry-run exits 2" [ $? -eq 2 ]
    check "$name: --dry-run changes nothing" [ "$($list)" = "$before" ]
    fw_run
    rc=$?
    check "$name: firewall --serve exits 2" [ $rc -eq 2 ] || sed 's/^/#   /' "$TMP/fw.out" "$TMP/fw.err"
    n=$(grep -c '^  added:' "$TMP/fw.out")
    check "$name: added $want rules (got $n)" [ "$n" -eq "$want" ] || sed 's/^/#   /' "$TMP/fw.out"
    check "$name: no rule for the network not served" sh -c "! grep -q '192.0.2.128' '$TMP/fw.out'"
    expect_probe "$name: IN (192.0.2.0/25) gets a reply" ok "$IN" 192.0.2.1
    expect_probe "$name: IN over IPv6 gets a reply" ok "$IN" 2001:db8:1::1
    expect_probe "$name: OUT (192.0.2.128/25) gets none" no-reply "$OUT" 192.0.2.129
    expect_probe "$name: OUT over IPv6 gets none" no-reply "$OUT" 2001:db8:2::1
    after=$($list)
    fw_run
    check "$name: a second run exits 0" [ $? -eq 0 ]
    check "$name: a second run changes nothing" [ "$($list)" = "$after" ]
    in_site "$BIN" firewall --remove --detailed-exitcodes >"$TMP/fw.out" 2>&1
    check "$name: --remove exits 2" [ $? -eq 2 ]
    check "$name: --remove gives back the ruleset exactly" [ "$($list)" = "$before" ]
    expect_probe "$name: IN blocked again after --remove" no-reply "$IN" 192.0.2.1
}

nft_list() { in_site nft list ruleset 2>/dev/null; }
in_site nft -f - <<'EOF' || not_ok "nftables: cannot load the ruleset"
table inet site {
    chain in {
        type filter hook input priority 0; policy drop;
        iifname "lo" accept
        ip saddr 198.51.100.1 udp sport 123 ct state established accept
    }
    chain out {
        type filter hook output priority 0; policy drop;
        oifname "lo" accept
        ip daddr 198.51.100.1 udp dport 123 accept
    }
}
EOF
# in and out, each for 192.0.2.0/25 and 2001:db8:1::/64
check_firewall nftables nft_list 4
in_site nft flush ruleset

ipt_list() {
    { in_site iptables-save; in_site ip6tables-save; } 2>/dev/null | grep -v '^#' |
        sed 's/ \[[0-9]*:[0-9]*\]$//'
}
in_site sh -e -c '
    for t in iptables ip6tables; do
        $t -P INPUT DROP; $t -P OUTPUT DROP
        $t -A INPUT -i lo -j ACCEPT; $t -A OUTPUT -o lo -j ACCEPT
    done
    iptables -A INPUT -s 198.51.100.1 -p udp --sport 123 -m conntrack --ctstate ESTABLISHED -j ACCEPT
    iptables -A OUTPUT -d 198.51.100.1 -p udp --dport 123 -j ACCEPT' ||
    not_ok "iptables: cannot set the rules"
check_firewall iptables ipt_list 4
in_site sh -c 'for t in iptables ip6tables; do $t -F; $t -P INPUT ACCEPT; $t -P OUTPUT ACCEPT; done'

# ufw, in the site's network namespace with private /etc/ufw and /etc/default/ufw (a holder
# process keeps that mount namespace; everything ufw runs in it).
if command -v ufw >/dev/null 2>&1 && [ -d /etc/ufw ] && [ -f /etc/default/ufw ]; then
    cp -a /etc/ufw "$TMP/etc-ufw" && cp /etc/default/ufw "$TMP/default-ufw"
    ip netns exec "$SITE" unshare -m --propagation private sleep 600 &
    holder=$!
    PIDS="$PIDS $holder"
    for _ in $(seq 1 50); do
        [ "$(readlink /proc/$holder/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break
        sleep 0.1
    done
    in_site() { nsenter -t "$holder" -m -n "$@"; }
    ufw_list() { in_site ufw status verbose 2>/dev/null; in_site iptables-save 2>/dev/null |
        grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'; }
    if in_site mount --bind "$TMP/etc-ufw" /etc/ufw &&
        in_site mount --bind "$TMP/default-ufw" /etc/default/ufw &&
        in_site ufw default deny incoming >/dev/null && in_site ufw default allow outgoing >/dev/null &&
        in_site ufw --force enable >/dev/null; then
        # one rule per network: ufw's before.rules let the replies out as ESTABLISHED
        check_firewall ufw ufw_list 2
    else
        not_ok "ufw: cannot enable ufw in the private namespaces"
    fi
    in_site ufw --force disable >/dev/null 2>&1
    stop_daemon "$holder"
    in_site() { ip netns exec "$SITE" "$@"; }
    in_site sh -c 'for t in iptables ip6tables; do $t -F; $t -X; $t -P INPUT ACCEPT; $t -P OUTPUT ACCEPT; $t -P FORWARD ACCEPT; done' 2>/dev/null
elif [ "${TE_REQUIRE_ALL:-}" = 1 ]; then
    not_ok "ufw not found"
fi

# firewalld, when it is installed (it is no test dependency: installing it on a host that
# runs systemd would start it), in the site's network namespace with a private /run, its
# own system D-Bus and a private configuration directory.
if command -v firewalld >/dev/null 2>&1 && command -v firewall-cmd >/dev/null 2>&1 &&
    command -v dbus-daemon >/dev/null 2>&1; then
    mkdir -p "$TMP/firewalld"
    ip netns exec "$SITE" unshare -m --propagation private sleep 600 &
    holder=$!
    PIDS="$PIDS $holder"
    for _ in $(seq 1 50); do
        [ "$(readlink /proc/$holder/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break
        sleep 0.1
    done
    in_site() { nsenter -t "$holder" -m -n "$@"; }
    in_site mount -t tmpfs tmpfs /run && in_site mkdir -p /run/dbus &&
        in_site dbus-daemon --system --fork --print-pid > "$TMP/dbus.pid"
    PIDS="$PIDS $(cat "$TMP/dbus.pid" 2>/dev/null)"
    in_site firewalld --nofork --nopid --system-config "$TMP/firewalld" >"$TMP/firewalld.log" 2>&1 &
    fwd_pid=$!
    PIDS="$PIDS $fwd_pid"
    for _ in $(seq 1 120); do
        in_site firewall-cmd --state 2>/dev/null | grep -q running && break
        sleep 0.5
    done
    if in_site firewall-cmd --state 2>/dev/null | grep -q running; then
        fwd_list() { in_site firewall-cmd --zone=public --list-rich-rules 2>/dev/null;
            in_site firewall-cmd --permanent --zone=public --list-rich-rules 2>/dev/null; }
        before=$(fwd_list)
        got=$(probe "$IN" 192.0.2.1)
        check "firewalld: IN blocked before (got '$got')" [ "$got" != ok ]
        fw_run
        check "firewalld: firewall --serve exits 2" [ $? -eq 2 ] || sed 's/^/#   /' "$TMP/fw.out" "$TMP/fw.err"
        check "firewalld: a rich rule per network" \
            [ "$(grep -c '^  added: firewall-cmd --zone=public --add-rich-rule' "$TMP/fw.out")" -eq 2 ]
        expect_probe "firewalld: IN (192.0.2.0/25) gets a reply" ok "$IN" 192.0.2.1
        expect_probe "firewalld: IN over IPv6 gets a reply" ok "$IN" 2001:db8:1::1
        got=$(probe "$OUT" 192.0.2.129)
        check "firewalld: OUT (192.0.2.128/25) gets none (got '$got')" [ "$got" != ok ]
        fw_run
        check "firewalld: a second run exits 0" [ $? -eq 0 ]
        in_site "$BIN" firewall --remove --detailed-exitcodes >"$TMP/fw.out" 2>&1
        check "firewalld: --remove exits 2" [ $? -eq 2 ]
        check "firewalld: --remove gives back the rich rules exactly" [ "$(fwd_list)" = "$before" ]
    else
        not_ok "firewalld: does not start in the namespace"
        sed 's/^/#   /' "$TMP/firewalld.log"
    fi
    stop_daemon "$fwd_pid"
    kill "$(cat "$TMP/dbus.pid")" 2>/dev/null
    stop_daemon "$holder"
    in_site() { ip netns exec "$SITE" "$@"; }
    in_site nft flush ruleset
else
    echo "# firewalld not installed: its part skipped (it is no test dependency)"
fi
stop_daemon "$site_pid"
rm -f "$site/etc/chrony/conf.d/zz-test-allow-all.conf"

# ---- 3. apply on the live site namespace: files and firewall in one run ------------------------
live=$(fresh_root debian-12)
cp /etc/passwd /etc/group "$live/etc/"
in_site nft -f - <<'EOF' || not_ok "apply: cannot load the ruleset"
table inet site {
    chain in {
        type filter hook input priority 0; policy drop;
        iifname "lo" accept
        ct state established,related accept
    }
}
EOF
cat > "$TMP/apply.sh" <<SH
set -e
mount --make-rprivate /
mount --bind '$live/etc' /etc
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/lib
'$BIN' --implementation chrony --no-restart --no-verify --server 198.51.100.1 \
    --serve 192.0.2.0/25 --detailed-exitcodes
SH
in_site unshare -m sh "$TMP/apply.sh" >"$TMP/apply.out" 2>&1
rc=$?
check "apply: exits 2 (changed)" [ $rc -eq 2 ] || sed 's/^/#   /' "$TMP/apply.out"
check "apply: wrote the serve file" grep -qx 'allow 192.0.2.0/25' "$live/etc/chrony/conf.d/te-ntp-setup.conf"
check "apply: reports the firewall rule it added" \
    grep -q '^firewall: added: nft insert rule inet site in ip saddr 192.0.2.0/25 udp dport 123 accept' "$TMP/apply.out"
check "apply: the rule is in the site's ruleset" \
    sh -c "ip netns exec '$SITE' nft list ruleset | grep -q 'ip saddr 192.0.2.0/25 udp dport 123 accept comment \"te-ntp-setup\"'"
start_chronyd "$SITE" "$live" /etc/chrony/chrony.conf "$TMP/site3.log"
site_pid=$daemon_pid
chronyc_of "$site_pid" waitsync 30 0 0 1 >/dev/null 2>&1
expect_probe "apply: IN gets a reply through the firewall" ok "$IN" 192.0.2.1
expect_probe "apply: OUT gets none" no-reply "$OUT" 192.0.2.129
stop_daemon "$site_pid"
in_site nft flush ruleset

# ---- ntpsec as the site server --------------------------------------------------------------------
NTPD=$(find_daemon ntpd ntpsec) && ! "$NTPD" --version 2>/dev/null | grep -q ntpsec &&
    NTPD=$TESTDEPS/ntpsec/usr/sbin/ntpd
if [ -n "${NTPD:-}" ] && [ -x "$NTPD" ] && "$NTPD" --version 2>/dev/null | grep -q ntpsec; then
    sec=$(fresh_root debian12-ntpsec)
    conf=/etc/ntpsec/ntp.conf
    "$BIN" --root "$sec" --server 198.51.100.1 --serve 192.0.2.0/25 --serve 2001:db8:1::/64 \
        >"$TMP/sec.out" 2>&1
    check "ntpsec site: te-ntp-setup configured it" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/sec.out"
    # The test's own "don't touch the clock" switch (the tool never writes it). ntpsec then
    # never calls itself synchronized: its replies say leap 3, but a reply is a reply.
    printf '\n# added by the test: never discipline the clock\ndisable ntp\n' >> "$sec$conf"
    private_etc "$sec"
    cat > "$TMP/sec.sh" <<SH
mount --make-rprivate /
mount --bind '$sec/etc' /etc
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/lib && mkdir -p /var/lib/ntpsec
mount -t tmpfs tmpfs /var/log && mkdir -p /var/log/ntpsec
exec $NO_SYS_TIME '$NTPD' -n -c '$conf' -p /run/ntpd.pid -l '$TMP/ntpsec.log'
SH
    ip netns exec "$SITE" unshare -m sh "$TMP/sec.sh" >/dev/null 2>&1 &
    sec_pid=$!
    PIDS="$PIDS $sec_pid"
    # ntpsec must still hear its upstream server through "restrict -4 default noserve":
    # wait (at most 30 s) for 198.51.100.1 to be reachable.
    reach=no
    for _ in $(seq 1 30); do
        sleep 1
        if nsenter -t "$sec_pid" -m -n "$(dirname "$(dirname "$NTPD")")/bin/ntpq" -n -c as \
            127.0.0.1 2>/dev/null | grep -qE ' yes +yes '; then reach=yes; break; fi
    done
    check "ntpsec site: the upstream server's replies still pass its restrict lines" [ $reach = yes ]
    # (leap 3: with "disable ntp" ntpsec never calls itself synchronized)
    expect_probe "ntpsec site: IN (served) gets a reply" unsynchronized "$IN" 192.0.2.1
    expect_probe "ntpsec site: IN over IPv6 gets a reply" unsynchronized "$IN" 2001:db8:1::1
    expect_probe "ntpsec site: OUT (not served) gets none" no-reply "$OUT" 192.0.2.129
    expect_probe "ntpsec site: OUT over IPv6 gets none" no-reply "$OUT" 2001:db8:2::1
    check "ntpsec site: no CONFIG complaint about the serve lines" \
        sh -c "! grep -E 'CONFIG: .*(error|syntax|unknown|notrap|unusable)' '$TMP/ntpsec.log'" ||
        sed 's/^/#   /' "$TMP/ntpsec.log"
    stop_daemon "$sec_pid"
elif [ "${TE_REQUIRE_ALL:-}" = 1 ]; then
    not_ok "ntpsec's ntpd not found (packaging/build-deps --test)"
else
    echo "# ntpsec not found: its part skipped"
fi

# ---- --local-stratum: the site server cut off from its upstream -------------------------------
# The site server, configured by te-ntp-setup with --local-stratum 10, runs synchronized to its
# upstream (stratum 9); then the link to UP goes down under it. It must keep answering the
# clients without a gap, and switch to its local clock at the stratum asked (10). chronyd
# does so when its root distance reaches the threshold of "local" (distance, 1 s by
# default), which grows with the time since the last update at the assumed clock error
# (maxclockerror, 1 ppm by default: hours). Test-only settings shorten that to seconds: the
# upstream polled every second (the settings file's minpoll/maxpoll 0, the tool's own
# options) and a drop-in "maxclockerror 50000" (the distance grows 0.05 s a second), so the
# switch comes about 20 s after the cut.
orphan=$(fresh_root debian-12)
cp /etc/passwd /etc/group "$orphan/etc/"
cat > "$TMP/orphan.yaml" <<EOF
servers:
  - host: 198.51.100.1
    minpoll: 0
    maxpoll: 0
serve: [192.0.2.0/25]
local_stratum: 10
EOF
"$BIN" --root "$orphan" --config "$TMP/orphan.yaml" --implementation chrony \
    >"$TMP/orphan.out" 2>&1
rc=$?
check "orphan: te-ntp-setup configured the site server (local stratum 10, poll 1 s)" \
    eval '[ $rc -eq 0 ] && grep -rqx "local stratum 10 orphan" "$orphan/etc/chrony/" &&
          grep -rq "198.51.100.1.*minpoll 0" "$orphan/etc/chrony/"' ||
    sed 's/^/#   /' "$TMP/orphan.out"
echo 'maxclockerror 50000' > "$orphan/etc/chrony/conf.d/zz-test-orphan.conf"
start_chronyd "$SITE" "$orphan" /etc/chrony/chrony.conf "$TMP/site4.log"
site_pid=$daemon_pid
check "orphan: the site server runs synchronized to its upstream (stratum 9)" \
    site_synced "$site_pid"
out=$(ip netns exec "$IN" "$PROBE" -t 1000 -r 2 192.0.2.1 2>/dev/null | head -n 1)
check "orphan: before the cut, a client gets stratum 9 (got '$out')" \
    eval 'echo "$out" | grep -q "status=ok .*stratum=9"'
ip -n "$UP" link set "teu$id" down
t_cut=$(date +%s)
answered=0 missed=0 switched= stratum=
while [ $(($(date +%s) - t_cut)) -lt 120 ]; do
    out=$(ip netns exec "$IN" "$PROBE" -t 1000 -r 2 192.0.2.1 2>/dev/null | head -n 1)
    got=$(echo "$out" | sed -n 's/.* status=\([^ ]*\) .*/\1/p')
    stratum=$(echo "$out" | sed -n 's/.* stratum=\([0-9]*\).*/\1/p')
    if [ "$got" = ok ]; then answered=$((answered + 1)); else missed=$((missed + 1)); fi
    [ "$got" = ok ] && [ "$stratum" = 10 ] && { switched=$(($(date +%s) - t_cut)); break; }
    sleep 1
done
echo "# orphan: $answered replies after the cut, $missed missed; stratum 10 after ${switched:-no} s"
check "orphan: cut off, the site server kept answering ($answered replies, $missed missed)" \
    eval '[ $missed -eq 0 ] && [ $answered -gt 0 ]'
check "orphan: cut off, it serves at the asked stratum 10 within 120 s (after ${switched:-never} s; last '$stratum')" \
    [ -n "$switched" ]
t=$(chronyc_of "$site_pid" -c tracking 2>/dev/null)
check "orphan: its own tracking: the local reference, stratum 10 (got '$(echo "$t" | cut -d, -f1-3)')" \
    eval '[ "$(echo "$t" | cut -d, -f3)" = 10 ] && [ "$(echo "$t" | cut -d, -f2)" != 198.51.100.1 ]'
# The reach register remembers the last 8 polls (1 s each here): it reads 0 once 8 polls in
# a row went unanswered, which may be after the switch (it came after 1 s once).
unreachable() {
    chronyc_of "$site_pid" -n sources > "$TMP/sources" 2>&1
    grep -qE "^\^. 198\.51\.100\.1 +[0-9]+ +[0-9-]+ +0 " "$TMP/sources"
}
t_reach=$(date +%s)
until unreachable || [ $(($(date +%s) - t_reach)) -ge 30 ]; do sleep 1; done
check "orphan: the upstream is unreachable (reach 0, within 30 s)" unreachable ||
    sed 's/^/#   /' "$TMP/sources"
out=$(ip netns exec "$IN" "$PROBE" -t 1000 -r 2 192.0.2.1 2>/dev/null | head -n 1)
check "orphan: with the upstream unreachable, a client still gets stratum 10 (got '$out')" \
    eval 'echo "$out" | grep -q "status=ok .*stratum=10"'
stop_daemon "$site_pid"
finish
