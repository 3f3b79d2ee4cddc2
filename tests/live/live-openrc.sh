#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The OpenRC path, live: a Debian 12 root with sysvinit-core and Debian's openrc package as
# its init system (installed from Debian's archive in a cached layer), booted with
# systemd-nspawn -b (sysvinit's init as PID 1, OpenRC running the runlevels), with chrony.
# chrony is taken out of the default runlevel first; then te-ntp-setup --server 192.0.2.1
# must enable it (rc-update) and restart it (rc-service) on the new configuration, chronyc
# shows 192.0.2.1 selected, a second run restarts nothing, check agrees with chronyc, and
# rollback puts the files back and restarts chrony on them. chronyd runs with -x, without
# CAP_SYS_TIME (checked before the container's init runs).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

live_require debootstrap systemd-nspawn nsenter unshare setpriv ip flock pgrep
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
    skip_all "the kernel has no overlay file system"
# --configure-container: apply inside a container lacking CAP_SYS_TIME otherwise refuses.
CTR_OPT=--configure-container

cell_begin openrc "Debian 12, sysvinit + OpenRC as init, chrony (rc-service, rc-update)"
BASE=$(live_base bookworm systemd,systemd-sysv,dbus,iproute2,augeas-lenses) ||
    skip_all "debootstrap could not build the Debian 12 root (see above)"
# apt-get replaces systemd-sysv by sysvinit-core (the init) with openrc (the rc system).
LOWER=$(live_layer bookworm-openrc-chrony "$BASE" "apt-get update -qq
apt-get install -y -qq --no-install-recommends sysvinit-core openrc chrony procps
apt-get clean
rm -rf /var/lib/apt/lists/*") || skip_all "apt-get could not install openrc and chrony (see above)"

FILES=$TMP/files
mkdir -p "$FILES/etc/default"
live_install_tool "$FILES" || skip_all "cannot copy te-ntp-setup and its libraries"
sed 's/^DAEMON_OPTS=.*/DAEMON_OPTS="-F -1 -x"/' "${LOWER%%:*}/etc/default/chrony" \
    > "$FILES/etc/default/chrony" 2>/dev/null ||
    sed 's/^DAEMON_OPTS=.*/DAEMON_OPTS="-F -1 -x"/' "$BASE/etc/default/chrony" > "$FILES/etc/default/chrony"
grep -q '^DAEMON_OPTS="-F -1 -x"$' "$FILES/etc/default/chrony" ||
    not_ok "no DAEMON_OPTS line in /etc/default/chrony to set -x in"

SRV=te-lo-srv-$$
CTR=te-lo-ctr-$$
live_net_pair "$SRV" "$CTR"
live_ntp_server "$SRV" srv 192.0.2.1
check "local NTP server on 192.0.2.1" [ -s "$TMP/srv.pid" ]

live_boot "te-live-openrc-$$" "$LOWER" "$FILES" "$CTR" init || { finish; exit 1; }
run_te() { in_ctr te-ntp-setup "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }
show() { sed 's/^/#   /' "$TMP/out" "$TMP/err"; }
conf_state() { in_ctr sh -c 'find /etc/chrony -type f | LC_ALL=C sort | xargs sha256sum'; }
chrony_pid() { in_ctr sh -c 'cat /run/chrony/chronyd.pid 2>/dev/null'; }
alive() { [ -n "$1" ] && in_ctr sh -c "[ \"\$(cat /proc/$1/comm 2>/dev/null)\" = chronyd ]"; }
sources() { in_ctr chronyc -n sources 2>&1; }
# The pid of a running chronyd other than OLD, once the init script's chronyd has written
# its pid file (it forks first: at most 10 s on a loaded machine); empty when none comes.
new_pid() { # old
    for _ in $(seq 1 50); do
        p=$(chrony_pid)
        [ "$p" != "$1" ] && alive "$p" && { echo "$p"; return; }
        sleep 0.2
    done
}

# OpenRC has booted when its softlevel says "default" and chrony runs.
i=0
while [ $i -lt 120 ]; do
    [ "$(in_ctr cat /run/openrc/softlevel 2>/dev/null)" = default ] && alive "$(chrony_pid)" && break
    sleep 0.5
    i=$((i + 1))
done
check "OpenRC booted to its default runlevel" [ "$(in_ctr cat /run/openrc/softlevel 2>/dev/null)" = default ] ||
    sed 's/^/#   /' "$W/console.log" | tail -n 20
check "the container's PID 1 is sysvinit's init" [ "$(cat /proc/$LEADER/comm)" = init ]
pid=$(chrony_pid)
check "chronyd runs, started by OpenRC" alive "$pid" || in_ctr rc-status --all 2>&1 | sed 's/^/#   /'
capbnd=$(in_ctr sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$pid/status")
check "chronyd cannot set the clock (no CAP_SYS_TIME in ${capbnd:-?}, -x)" \
    eval '[ -n "$capbnd" ] && [ $(((0x$capbnd >> 25) & 1)) -eq 0 ] &&
          in_ctr sh -c "tr \"\\\\0\" \" \" < /proc/$pid/cmdline" | grep -q -- " -x"'
in_ctr te-ntp-setup detect >"$TMP/out" 2>"$TMP/err"
check "detect: the init system is openrc" grep -q '^init system: *openrc$' "$TMP/out" || show
# Out of the default runlevel: te-ntp-setup must put it back.
in_ctr rc-update del chrony default >/dev/null 2>&1
check "chrony is not in the default runlevel before" eval '! in_ctr rc-update show default | grep -qw chrony'
pristine=$(conf_state)

run_te --server 192.0.2.1 --verify-timeout 60 $CTR_OPT
check "apply: exit 0" [ $rc -eq 0 ] || show
check "apply: restarted through rc-service" grep -q '^restarted chrony (rc-service)$' "$TMP/out" || show
check "apply: chrony enabled through rc-update" \
    eval 'grep -q "^enabled chrony (rc-update)\$" "$TMP/out" &&
          in_ctr rc-update show default | grep -qw chrony' || show
npid=$(new_pid "$pid")
check "apply: a new chronyd runs ($pid -> $npid)" eval '[ "$npid" != "$pid" ] && alive "$npid"'
check "apply: the verification reports chrony synchronized to 192.0.2.1" \
    grep -q '^verification: chrony is synchronized to 192\.0\.2\.1 ' "$TMP/out" || show
check "apply: chronyc shows 192.0.2.1 selected" eval 'sources | grep -q "^\^\* 192\.0\.2\.1 "' ||
    sources | sed 's/^/#   /'
after=$(conf_state)
pid=$npid
run_te --server 192.0.2.1 --detailed-exitcodes $CTR_OPT
check "second run: exit 0, nothing changed, nothing restarted" \
    eval '[ $rc -eq 0 ] && [ "$(conf_state)" = "$after" ] && [ "$(chrony_pid)" = "$pid" ]' || show

# check agrees with chronyc: synchronized to 192.0.2.1.
in_ctr te-ntp-setup check --json >"$TMP/out" 2>"$TMP/err"
rc=$?
check "check: exit 0 (OK), chrony synchronized to 192.0.2.1 as chronyc says" \
    eval '[ $rc -eq 0 ] && grep -q "\"synchronized\":true" "$TMP/out" &&
          grep -q "192\.0\.2\.1" "$TMP/out"' || show
run_te rollback
npid=$(new_pid "$pid")
check "rollback: exit 0" [ $rc -eq 0 ] || show
check "rollback: the files are back" [ "$(conf_state)" = "$pristine" ]
check "rollback: restarted through rc-service ($pid -> $npid)" \
    eval 'grep -q "^restarted chrony (rc-service)\$" "$TMP/out" && [ "$npid" != "$pid" ] &&
          alive "$npid"' || show
check "rollback: the running chronyd no longer uses 192.0.2.1" eval '! sources | grep -q 192.0.2.1'
check "rollback: chrony out of the default runlevel again, as before" \
    eval '! in_ctr rc-update show default | grep -qw chrony' || show
live_stop
cell_end
finish
