#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The outcome of a live run told truthfully (issue 20): synchronized or not (exit 5 and its
# reason, --json, the Ansible module), running or not (a unit systemd skipped is reported
# with its condition, never as "restarted"), "enabled" only when it changed, and rollback
# putting the services back in the state they were in before the run (stopped stays
# stopped, disabled stays disabled).
#
# The run is live (no --root) in a private mount namespace: /run is a tmpfs with
# /run/systemd/system (so the init system is systemd), /etc an overlay whose upper layer
# holds the debian-12 fixture's chrony files and chrony's unit, /var/lib a tmpfs (journal).
# systemctl and chronyc are this test's stand-ins (TE_NTP_SETUP_SBIN), keeping the units'
# state in files; the live systemd and chronyd paths are in tests/live/nspawn.sh and
# tests/sync-*.sh. The host's own files are never written; nothing talks to the network.
. "$(dirname "$0")/../lib.sh"
trap 'exit 1' INT TERM HUP

[ "$(id -u)" -eq 0 ] || skip_all "needs root for a private mount namespace"
command -v unshare >/dev/null 2>&1 || skip_all "unshare not found"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
    skip_all "the kernel has no overlay file system"

FAKE=$TMP/fakebin
ST=$TMP/state
NS=$TMP/ns
mkdir -p "$FAKE" "$ST" "$NS/etc.upper/systemd/system/multi-user.target.wants" "$NS/etc.work" \
    "$NS/sbin.upper" "$NS/sbin.work"
# chrony "installed": a chronyd that accepts every configuration (-p) and does nothing else
printf '#!/bin/sh\nexit 0\n' > "$NS/sbin.upper/chronyd"
chmod 0755 "$NS/sbin.upper/chronyd"

# systemctl: units' state in $ST/<unit>.active, .enabled; $ST/<unit>.condition names a
# condition that is not met (systemd then skips the unit: restart exits 0, nothing runs).
cat > "$FAKE/systemctl" <<'SH'
#!/bin/sh
ST=@ST@
echo "systemctl $*" >> "$ST/calls"
verb=$1; shift
unit=
for a in "$@"; do case $a in -*) ;; *) unit=$a ;; esac; done
case $verb in
is-active)  [ -f "$ST/$unit.active" ] && { echo active; exit 0; }; echo inactive; exit 3 ;;
is-enabled) [ -f "$ST/$unit.enabled" ] && { echo enabled; exit 0; }; echo disabled; exit 1 ;;
enable)     : > "$ST/$unit.enabled"
            ln -sf "/etc/systemd/system/$unit" "/etc/systemd/system/multi-user.target.wants/$unit" ;;
disable)    rm -f "$ST/$unit.enabled" "/etc/systemd/system/multi-user.target.wants/$unit" \
                "/etc/systemd/system/sysinit.target.wants/$unit"
            case " $* " in *" --now "*) rm -f "$ST/$unit.active" ;; esac ;;
stop)       rm -f "$ST/$unit.active" ;;
start|restart)
    [ -f "$ST/$unit.fails" ] && { echo "Job for $unit failed." >&2; exit 1; }
    [ -f "$ST/$unit.condition" ] || : > "$ST/$unit.active" ;;
show)
    if [ -f "$ST/$unit.active" ]; then echo ActiveState=active; else echo ActiveState=inactive; fi
    if [ -f "$ST/$unit.condition" ]; then echo ConditionResult=no; else echo ConditionResult=yes; fi ;;
status)
    echo "o $unit - test unit"
    if [ -f "$ST/$unit.condition" ]; then
        echo "  Condition: start condition failed at Thu 2026-12-03 10:00:00 UTC; 1s ago"
        echo "             \\- $(cat "$ST/$unit.condition") was not met"
    fi
    [ -f "$ST/$unit.active" ] || exit 3 ;;
*) echo "systemctl (test): $verb?" >&2; exit 1 ;;
esac
exit 0
SH
# chronyc -n -c tracking|sources: $ST/tracking and $ST/sources while chrony.service runs.
cat > "$FAKE/chronyc" <<'SH'
#!/bin/sh
ST=@ST@
[ -f "$ST/chrony.service.active" ] || { echo "506 Cannot talk to daemon" >&2; exit 1; }
for a in "$@"; do last=$a; done
case " $* " in *" sourcename "*)   # chrony 4.1+: the name a source was configured with
    [ -f "$ST/sourcename" ] && cat "$ST/sourcename" && exit 0; exit 1 ;;
esac
case $last in
tracking) cat "$ST/tracking" ;;
sources)  cat "$ST/sources" ;;
reload)   exit 0 ;;
*) exit 1 ;;
esac
SH
sed -i "s|@ST@|$ST|" "$FAKE/systemctl" "$FAKE/chronyc"
chmod 0755 "$FAKE/systemctl" "$FAKE/chronyc"
synced() {
    echo 'C0000201,192.0.2.1,9,1764756000.0,-0.000012,0.000010,0.000020,-1.2,0.0,0.01,0.0001,0.0002,64.0,Normal' > "$ST/tracking"
    echo '^,*,192.0.2.1,8,6,377,10,-0.000012,-0.000012,0.000100' > "$ST/sources"
}
unsynced() {  # the sources configured, none answers
    echo '00000000,,0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,Not synchronised' > "$ST/tracking"
    echo '^,?,192.0.2.1,0,6,0,0,0.0,0.0,0.0' > "$ST/sources"
}
synced_elsewhere() {  # synchronized, to a source that is not configured
    echo 'C633640A,198.51.100.10,9,1764756000.0,-0.000012,0.000010,0.000020,-1.2,0.0,0.01,0.0001,0.0002,64.0,Normal' > "$ST/tracking"
    printf '%s\n' '^,?,192.0.2.1,0,6,0,0,0.0,0.0,0.0' '^,*,198.51.100.10,8,6,377,10,0.0,0.0,0.0001' > "$ST/sources"
}

# The image: Debian 12's chrony, enabled, its unit file where systemd keeps it.
cp -a "$FIXTURES/debian-12/etc/chrony" "$FIXTURES/debian-12/etc/default" "$NS/etc.upper/"
printf '[Unit]\nDescription=test chrony\nConditionCapability=CAP_SYS_TIME\n[Service]\nExecStart=/bin/true\n' \
    > "$NS/etc.upper/systemd/system/chrony.service"
printf '[Unit]\nDescription=test timesyncd\n[Service]\nExecStart=/bin/true\n' \
    > "$NS/etc.upper/systemd/system/systemd-timesyncd.service"
cp -a "$NS/etc.upper" "$NS/etc.pristine"

cat > "$NS/setup.sh" <<SH
set -e
mount --make-rprivate /
mount -t overlay overlay -o 'lowerdir=/etc,upperdir=$NS/etc.upper,workdir=$NS/etc.work' /etc
mount -t overlay overlay -o 'lowerdir=/usr/sbin,upperdir=$NS/sbin.upper,workdir=$NS/sbin.work' /usr/sbin
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/systemd/system
ip link set lo up
mount -t tmpfs -o mode=0755 tmpfs /var/lib
echo ready > '$NS/ready'
exec sleep 600
SH
unshare -m -n --propagation private sh "$NS/setup.sh" >"$NS/setup.log" 2>&1 &
HOLDER=$!
ns_cleanup() { kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null; }
cleanup_hooks="ns_cleanup"
i=0
while [ ! -f "$NS/ready" ] && [ $i -lt 100 ] && kill -0 "$HOLDER" 2>/dev/null; do
    sleep 0.1; i=$((i + 1))
done
if [ ! -f "$NS/ready" ]; then
    sed 's/^/#   /' "$NS/setup.log"
    not_ok "the private mount namespace was set up"
    finish; exit 1
fi

in_ns() {
    nsenter -t "$HOLDER" -m -n env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
        TE_NTP_SETUP_SBIN="$FAKE" TE_NTP_SETUP_LENSDIR="$top_srcdir/lenses" "$@"
}
run_te() { in_ns "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }
show() { sed 's/^/#   /' "$TMP/out" "$TMP/err"; }
# Back to the pristine image with the units in the given state: FILE... in $ST.
reset() {
    in_ns sh -c "rm -rf /var/lib/te-ntp-setup /etc/chrony /etc/systemd/system/multi-user.target.wants/* /etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service"
    in_ns cp -a "$NS/etc.pristine/chrony" /etc/chrony
    rm -f "$ST"/*.active "$ST"/*.enabled "$ST"/*.condition "$ST"/*.fails "$ST/calls"
    for f in "$@"; do
        : > "$ST/$f"
        case $f in *.enabled)
            u=${f%.enabled}
            in_ns ln -sf "/etc/systemd/system/$u" "/etc/systemd/system/multi-user.target.wants/$u" ;;
        esac
    done
}
TE="-i chrony -s 192.0.2.1 --verify-timeout 2 --lock-timeout 5 --no-firewall"

# ---- synchronized ------------------------------------------------------------------------
reset chrony.service.active chrony.service.enabled
synced
run_te $TE
check "synchronized: exit 0" [ $rc -eq 0 ] || show
check "synchronized: says to which server" \
    grep -q '^verification: chrony is synchronized to 192\.0\.2\.1' "$TMP/out" || show
check "synchronized: the restart is confirmed by systemctl is-active" \
    grep -q '^systemctl is-active .*chrony.service' "$ST/calls"
check "synchronized: an enabled unit is not reported as enabled again" \
    eval '! grep -q "enabled chrony" "$TMP/out"' || show
check "synchronized: no placeholder printed" eval '! grep -q -- "-1" "$TMP/out" "$TMP/err"' || show
run_te $TE
check "second run: exit 0, nothing to change" \
    eval '[ $rc -eq 0 ] && grep -q "^nothing to change" "$TMP/out"' || show
check "second run: not 'enabled' either" eval '! grep -q "enabled chrony" "$TMP/out"' || show

# ---- configured, not synchronized -----------------------------------------------------
reset chrony.service.active chrony.service.enabled
unsynced
run_te $TE
check "unsynchronized: exit 5" [ $rc -eq 5 ] || show
check "unsynchronized: says why (no reply from any source)" \
    grep -q 'not synchronized.*no reply from any source' "$TMP/out" "$TMP/err" || show
check "unsynchronized: no placeholder count" eval '! grep -q "reachable sources: -1" "$TMP/out" "$TMP/err"'
check "unsynchronized: the files are in place (configured)" \
    in_ns grep -qx 'server 192.0.2.1 iburst' /etc/chrony/sources.d/te-ntp-setup.sources
run_te $TE --json
check "unsynchronized --json: exit 5, synchronized false and the reason" \
    eval '[ $rc -eq 5 ] && grep -q "\"synchronized\":false" "$TMP/out" &&
          grep -q "\"reason\":\"no reply from any source" "$TMP/out"' || show
run_te $TE --detailed-exitcodes
check "unsynchronized, nothing to change, --detailed-exitcodes: still exit 5" [ $rc -eq 5 ] || show
reset chrony.service.active chrony.service.enabled
run_te $TE --no-verify
check "--no-verify: exit 0 as before" [ $rc -eq 0 ] || show

# ---- Ansible: unsynchronized is a failure unless accepted ------------------------------------
reset chrony.service.active chrony.service.enabled
unsynced
printf '{"servers": ["192.0.2.1"], "implementation": "chrony", "verify_timeout": 2, "firewall": false}\n' > "$TMP/args"
in_ns "$BIN" ansible-module "$TMP/args" > "$TMP/out" 2>"$TMP/err"
rc=$?
check "ansible, unsynchronized: failed" \
    eval '[ $rc -eq 1 ] && grep -q "\"failed\":true" "$TMP/out" &&
          grep -q "\"msg\":\"[^\"]*not synchronized" "$TMP/out"' || show
printf '{"servers": ["192.0.2.1"], "implementation": "chrony", "verify_timeout": 2, "firewall": false, "accept_unsynchronized": true}\n' > "$TMP/args"
in_ns "$BIN" ansible-module "$TMP/args" > "$TMP/out" 2>"$TMP/err"
rc=$?
check "ansible, accept_unsynchronized: not failed, synchronized false" \
    eval '[ $rc -eq 0 ] && grep -q "\"failed\":false" "$TMP/out" &&
          grep -q "\"synchronized\":false" "$TMP/out"' || show

# ---- the selected server is not one of the configured ones ---------------------------------
reset chrony.service.active chrony.service.enabled
synced_elsewhere
run_te $TE
check "synchronized elsewhere: a warning names the server" \
    grep -q 'warning: .*198\.51\.100\.10.*not one of the configured' "$TMP/err" || show

# a name: chronyc sourcename tells which configured name the selected address came from
reset chrony.service.active chrony.service.enabled
synced
echo 2.debian.pool.ntp.org > "$ST/sourcename"
run_te -i chrony -s ntp1.example.com --verify-timeout 2 --lock-timeout 5 --no-firewall
check "synchronized to a source configured by another name: a warning names it" \
    grep -q 'warning: chrony is synchronized to 192.0.2.1 (2.debian.pool.ntp.org), which is not one of the configured' "$TMP/err" || show
echo ntp1.example.com > "$ST/sourcename"
reset chrony.service.active chrony.service.enabled
run_te -i chrony -s ntp1.example.com --verify-timeout 2 --lock-timeout 5 --no-firewall
check "synchronized to the configured name: no warning" eval '! grep -q "not one of the configured" "$TMP/err"' || show
rm -f "$ST/sourcename"

# ---- a unit systemd skips ------------------------------------------------------------
reset chrony.service.enabled chrony.service.condition
echo ConditionCapability=CAP_SYS_TIME > "$ST/chrony.service.condition"
synced
run_te $TE
check "skipped unit: never reported as restarted" eval '! grep -q "^restarted" "$TMP/out"' || show
check "skipped unit: says systemd skipped it, naming the condition" \
    grep -q 'chrony.service.*skipped.*ConditionCapability=CAP_SYS_TIME' "$TMP/out" "$TMP/err" || show
check "skipped unit: exit 5 (configured, the daemon is not running)" [ $rc -eq 5 ] || show
check "skipped unit: the reason is that the daemon is not running, with the condition" \
    grep -q 'not synchronized: the daemon is not running (systemd skipped chrony.service: ConditionCapability=CAP_SYS_TIME was not met)' "$TMP/err" || show

# ---- "enabled" only when it changed; rollback puts the services back ------------------------
reset systemd-timesyncd.service.enabled
synced
run_te $TE
check "disabled and stopped before: 'enabled chrony.service' reported" \
    grep -q '^enabled chrony.service$' "$TMP/out" || show
check "the conflict systemd-timesyncd was disabled" [ ! -f "$ST/systemd-timesyncd.service.enabled" ]
run_te rollback
check "rollback: exit 0" [ $rc -eq 0 ] || show
check "rollback: chrony, stopped before the run, is stopped again" [ ! -f "$ST/chrony.service.active" ] || show
check "rollback: chrony, disabled before the run, is disabled again" [ ! -f "$ST/chrony.service.enabled" ] || show
check "rollback: timesyncd, enabled but stopped before, is enabled and not started" \
    eval '[ -f "$ST/systemd-timesyncd.service.enabled" ] && [ ! -f "$ST/systemd-timesyncd.service.active" ]' || show

reset chrony.service.active chrony.service.enabled systemd-timesyncd.service.active systemd-timesyncd.service.enabled
synced
run_te $TE
check "running timesyncd stopped by the run" [ ! -f "$ST/systemd-timesyncd.service.active" ] || show
run_te rollback
check "rollback: chrony, running before, runs" [ -f "$ST/chrony.service.active" ] || show
check "rollback: timesyncd, running and enabled before, runs and is enabled" \
    eval '[ -f "$ST/systemd-timesyncd.service.active" ] && [ -f "$ST/systemd-timesyncd.service.enabled" ]' || show

# ---- a failed restart is undone: the daemon stopped for the run is put back as it was ------
reset chrony.service.enabled chrony.service.fails systemd-timesyncd.service.enabled
synced
run_te $TE
check "failed restart: exit 1, the files put back" \
    eval '[ $rc -eq 1 ] && in_ns test ! -e /etc/chrony/sources.d/te-ntp-setup.sources' || show
check "failed restart: timesyncd, enabled but not running before, is enabled and not started" \
    eval '[ -f "$ST/systemd-timesyncd.service.enabled" ] && [ ! -f "$ST/systemd-timesyncd.service.active" ]' || show

# ---- the firewall rules a run adds are journaled: rollback deletes them -----------------------
TE_FW="-i chrony -s 192.0.2.1 --verify-timeout 2 --lock-timeout 5"
if command -v nft >/dev/null 2>&1; then
    reset chrony.service.active chrony.service.enabled
    synced
    # the boot ruleset (nftables.service loads /etc/nftables.conf), loaded now as at boot
    printf '#!/usr/sbin/nft -f\nflush ruleset\ntable inet tf {\n\tchain out {\n\t\ttype filter hook output priority 0; policy drop;\n\t}\n}\n' |
        in_ns sh -c 'cat > /etc/nftables.conf'
    in_ns cat /etc/nftables.conf > "$TMP/nftconf.before"
    in_ns nft -f /etc/nftables.conf
    in_ns nft list ruleset > "$TMP/nft.before"
    run_te $TE
    run_te firewall --dry-run
    check "firewall without -s: opens the path to the configured server only" \
        eval 'grep -q "would add: nft insert rule inet tf out ip daddr 192.0.2.1 udp dport 123" "$TMP/out" &&
              [ "$(grep -c "would add:" "$TMP/out")" -eq 1 ]' || show
    run_te $TE_FW
    check "nftables: apply added a tagged rule" \
        eval 'grep -q "^firewall: added: nft insert rule inet tf out" "$TMP/out" &&
              in_ns nft list ruleset | grep -q "comment \"te-ntp-setup\""' || show
    check "nftables: the rule is journaled" \
        in_ns grep -q '^firewall nftables ' /var/lib/te-ntp-setup/last/journal
    check "nftables: the rule is saved in /etc/nftables.conf" \
        in_ns grep -q '^insert rule inet tf out ip daddr 192.0.2.1 udp dport 123 accept comment "te-ntp-setup"$' /etc/nftables.conf ||
        in_ns cat /etc/nftables.conf | sed 's/^/#   /'
    in_ns nft -f /etc/nftables.conf       # a reload, as "systemctl reload nftables" does
    check "nftables: the rule survives a reload of the saved ruleset" \
        eval 'in_ns nft list ruleset | grep -q "ip daddr 192.0.2.1 udp dport 123 accept comment \"te-ntp-setup\""'
    run_te rollback
    check "nftables: rollback removed it" \
        eval 'grep -q "^firewall: removed (nftables)" "$TMP/out" &&
              in_ns nft list ruleset | cmp -s - "$TMP/nft.before"' || show
    check "nftables: rollback restored /etc/nftables.conf" \
        eval 'in_ns cat /etc/nftables.conf | cmp -s - "$TMP/nftconf.before"'
    in_ns nft delete table inet tf
    in_ns rm /etc/nftables.conf
elif [ "${TE_REQUIRE_ALL:-}" = 1 ]; then
    not_ok "nft not found"
fi
if command -v iptables >/dev/null 2>&1; then
    reset chrony.service.active chrony.service.enabled
    synced
    in_ns iptables -P OUTPUT DROP
    in_ns iptables-save -t filter | grep -v '^#' > "$TMP/ipt.before"
    run_te $TE_FW
    check "iptables: apply added a tagged rule" \
        eval 'grep -q "^firewall: added: iptables" "$TMP/out" &&
              in_ns iptables-save -t filter | grep -q "te-ntp-setup"' || show
    check "iptables without a saved ruleset: a warning says the rules do not last" \
        grep -q 'warning: firewall: iptables: the rules added are runtime rules, which a reboot drops' "$TMP/err" || show
    run_te rollback
    # netfilter-persistent's file: the rule is saved there, and survives a reload
    in_ns mkdir -p /etc/iptables
    printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT DROP [0:0]\nCOMMIT\n' |
        in_ns sh -c 'cat > /etc/iptables/rules.v4'
    run_te $TE_FW
    check "iptables: the rule is saved in /etc/iptables/rules.v4" \
        in_ns grep -q '^-I OUTPUT 1 -p udp -d 192.0.2.1 --dport 123 -m comment --comment te-ntp-setup -j ACCEPT$' /etc/iptables/rules.v4 ||
        in_ns cat /etc/iptables/rules.v4 | sed 's/^/#   /'
    in_ns sh -c 'iptables-restore < /etc/iptables/rules.v4'    # netfilter-persistent reload
    check "iptables: the rule survives a reload of the saved rules" \
        eval 'in_ns iptables-save -t filter | grep -q "te-ntp-setup"'
    run_te rollback
    check "iptables: rollback restored /etc/iptables/rules.v4" \
        eval 'in_ns grep -q "te-ntp-setup" /etc/iptables/rules.v4; [ $? -eq 1 ]' || show
    in_ns rm -r /etc/iptables
    check "iptables: rollback removed it, the ruleset is as before" \
        eval 'in_ns iptables-save -t filter | grep -v "^#" | cmp -s - "$TMP/ipt.before"' || show
    in_ns iptables -P OUTPUT ACCEPT
elif [ "${TE_REQUIRE_ALL:-}" = 1 ]; then
    not_ok "iptables not found"
fi

# ---- check: a good offset with nothing keeping it so is WARNING ------------------------
: > "$TMP/ts.out"
nsenter -t "$HOLDER" -n "$top_builddir/tests/tools/ntp-test-server" -l 30 -o 0.01 >"$TMP/ts.out" 2>"$TMP/ts.err" &
ts_pid=$!
i=0
while [ -z "$(head -n 1 "$TMP/ts.out")" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(head -n 1 "$TMP/ts.out")
reset chrony.service.enabled
synced
run_te check "127.0.0.1:$port"
check "check names each server once" grep -q "measured against 127.0.0.1)$" "$TMP/out" || show
check "check, chrony not running, good offset: WARNING (exit 1)" \
    eval '[ $rc -eq 1 ] && grep -q "^NTP WARNING" "$TMP/out"' || show
check "check, chrony not running: says so" grep -q 'no NTP daemon is running (chrony' "$TMP/err" || show
# chrony runs (its pid file names a live process; chronyc answers)
in_ns sh -c "mkdir -p /run/chrony && echo $HOLDER > /run/chrony/chronyd.pid"
: > "$ST/chrony.service.active"
run_te check "127.0.0.1:$port"
check "check, chrony runs and is synchronized: OK (exit 0)" \
    eval '[ $rc -eq 0 ] && grep -q "^NTP OK" "$TMP/out"' || show
unsynced
run_te check --json "127.0.0.1:$port"
check "check, chrony runs, not synchronized: WARNING, says which" \
    eval '[ $rc -eq 1 ] && grep -q "\"state\":\"WARNING\"" "$TMP/out" &&
          grep -q "chrony runs but is not synchronized" "$TMP/out"' || show
run_te check --warn 0.001 --crit 0.002 "127.0.0.1:$port"
check "check, offset above --crit: CRITICAL stays (exit 2)" [ $rc -eq 2 ] || show
kill "$ts_pid" 2>/dev/null; wait "$ts_pid" 2>/dev/null

finish
