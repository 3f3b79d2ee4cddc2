#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The SysV path, live, on this machine (PID 1 is not systemd): Debian 12's chrony installed
# in a private mount namespace, restarted by te-ntp-setup through invoke-rc.d.
#
# The namespace (inside a network namespace joined to a local NTP server at 192.0.2.1):
#   /etc, /usr/sbin, /usr/bin  overlays on the host's directories, their upper layers in
#                              this test's temporary directory: /etc/chrony from the
#                              debian-12 fixture, /etc/init.d/chrony from the unpacked
#                              Debian package, /etc/default/chrony with -x, the unpacked
#                              chronyd and chronyc at /usr/sbin and /usr/bin (where the init
#                              script and te-ntp-setup look for them), and this test's own
#                              /usr/sbin/policy-rc.d;
#   /run, /var/lib, /var/log   private tmpfs (pid file, socket, te-ntp-setup's journal and
#                              lock, drift file).
# The host's own files are never written. Every command runs without CAP_SYS_TIME, and
# chronyd with -x.
#
# First the policy denies (policy-rc.d exits 101, as this machine's does): te-ntp-setup
# must say the restart was denied, not claim it, and leave the running chronyd alone. Then
# with a policy that allows, the restart goes through invoke-rc.d and chronyd runs the new
# configuration: it selects 192.0.2.1, also when the old daemon is slow to exit. Rollback
# restarts it on the old one.
. "$(dirname "$0")/../lib.sh"
trap 'exit 1' INT TERM HUP     # so that the EXIT trap of lib.sh cleans up

[ "$(id -u)" -eq 0 ] || skip_all "needs root for mount and network namespaces"
PKG=$TESTDEPS/chrony
[ -x "$PKG/usr/sbin/chronyd" ] && [ -x "$PKG/usr/bin/chronyc" ] && [ -f "$PKG/etc/init.d/chrony" ] ||
    skip_all "the unpacked chrony package is not in $PKG (packaging/build-deps --test)"
for tool in ip unshare nsenter setpriv; do
    command -v $tool >/dev/null 2>&1 || skip_all "$tool not found"
done
[ -x /usr/sbin/invoke-rc.d ] || skip_all "invoke-rc.d not found (init-system-helpers)"
[ -f /lib/lsb/init-functions ] || skip_all "/lib/lsb/init-functions not found (sysvinit-utils)"
command -v start-stop-daemon >/dev/null 2>&1 || skip_all "start-stop-daemon not found"
[ -d /run/systemd/system ] && skip_all "systemd runs here: this test is for a host without it"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
    skip_all "the kernel has no overlay file system"

. "$(dirname "$0")/lib.sh"
id=$$
SRV=te-sv-srv-$id
CLI=te-sv-cli-$id
NS=$TMP/ns
HOLDER=
sv_cleanup() {
    if [ -n "$HOLDER" ] && [ -e "/proc/$HOLDER/ns/mnt" ]; then
        # Every process in the private mount namespace (the holder, chronyd), by PID.
        mnt=$(readlink "/proc/$HOLDER/ns/mnt")
        for p in /proc/[0-9]*; do
            [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$mnt" ] && kill -KILL "${p#/proc/}" 2>/dev/null
        done
    fi
}
cleanup_hooks="sv_cleanup $cleanup_hooks"

live_net_pair "$SRV" "$CLI"
live_ntp_server "$SRV" srv 192.0.2.1
check "local NTP server started on 192.0.2.1" [ -s "$TMP/srv.pid" ]

# The upper layers: what a Debian 12 host with chrony installed has, and nothing else.
for d in etc sbin bin; do mkdir -p "$NS/$d.upper" "$NS/$d.work"; done
mkdir -p "$NS/etc.upper/init.d" "$NS/etc.upper/default" \
    "$NS/etc.upper/systemd/system/sysinit.target.wants"
cp -a "$FIXTURES/debian-12/etc/chrony" "$NS/etc.upper/chrony"
cp "$PKG/etc/init.d/chrony" "$NS/etc.upper/init.d/chrony"
chmod 0755 "$NS/etc.upper/init.d/chrony"
# -x: never touch the clock; -u root: this host has no _chrony user.
sed 's/^DAEMON_OPTS=.*/DAEMON_OPTS="-F -1 -x -u root"/' "$FIXTURES/debian-12/etc/default/chrony" \
    > "$NS/etc.upper/default/chrony"
# systemd-timesyncd enabled for systemd, as Debian leaves it: without systemd running it
# never starts, so it is no conflict to stop.
ln -sf /lib/systemd/system/systemd-timesyncd.service \
    "$NS/etc.upper/systemd/system/sysinit.target.wants/systemd-timesyncd.service"
cp "$PKG/usr/sbin/chronyd" "$NS/sbin.upper/chronyd"
cp "$PKG/usr/bin/chronyc" "$NS/bin.upper/chronyc"
printf '#!/bin/sh\n# tests/live/sysv-live.sh: deny every action, as a container image does\nexit 101\n' \
    > "$NS/sbin.upper/policy-rc.d"
chmod 0755 "$NS/sbin.upper/policy-rc.d"

cat > "$NS/setup.sh" <<SH
set -e
mount --make-rprivate /
mount -t overlay overlay -o 'lowerdir=/etc,upperdir=$NS/etc.upper,workdir=$NS/etc.work' /etc
mount -t overlay overlay -o 'lowerdir=/usr/sbin,upperdir=$NS/sbin.upper,workdir=$NS/sbin.work' /usr/sbin
mount -t overlay overlay -o 'lowerdir=/usr/bin,upperdir=$NS/bin.upper,workdir=$NS/bin.work' /usr/bin
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=0755 tmpfs /var/lib
mkdir -p /var/lib/chrony
mount -t tmpfs -o mode=0755 tmpfs /var/log
mkdir -p /var/log/chrony
echo ready > '$NS/ready'
exec sleep 900
SH
ip netns exec "$CLI" unshare -m --propagation private sh "$NS/setup.sh" >"$NS/setup.log" 2>&1 &
HOLDER=$!
i=0
while [ ! -f "$NS/ready" ] && [ $i -lt 100 ] && kill -0 "$HOLDER" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
if [ ! -f "$NS/ready" ]; then
    sed 's/^/#   /' "$NS/setup.log"
    not_ok "the private mount namespace was set up"
    finish
    exit 1
fi

# A command in the namespace, without CAP_SYS_TIME, in a clean environment.
in_ns() {
    setpriv --inh-caps=-sys_time --bounding-set=-sys_time nsenter -t "$HOLDER" -m -n \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
        TE_NTP_SETUP_LENSDIR="$top_srcdir/lenses" "$@"
}
# --configure-container: this runs without CAP_SYS_TIME, and where the machine carries a
# container marker (CI's /.dockerenv) apply would refuse without it.
run_te() {
    in_ns "$BIN" --configure-container "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}
show() { sed 's/^/#   /' "$TMP/out" "$TMP/err"; }
conf_state() {
    in_ns sh -c 'cd /etc/chrony && find . -type f | LC_ALL=C sort | xargs sha256sum'
}
daemon_pid() { in_ns sh -c 'cat /run/chrony/chronyd.pid 2>/dev/null'; }
alive() { [ -n "$1" ] && [ -d "/proc/$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = chronyd ]; }
sources() { in_ns chronyc -n sources 2>&1; }
allow() { printf '#!/bin/sh\n# tests/live/sysv-live.sh: allow\nexit 0\n' | in_ns sh -c 'cat > /usr/sbin/policy-rc.d'; }
pristine=$(conf_state)
fixture=$(cd "$FIXTURES/debian-12/etc/chrony" && find . -type f | LC_ALL=C sort | xargs sha256sum)
check "the namespace's /etc/chrony is the debian-12 fixture" [ "$pristine" = "$fixture" ]

# chrony running as on a booted host, started by its init script.
in_ns /etc/init.d/chrony start >"$TMP/out" 2>&1
pid=$(daemon_pid)
check "chronyd started by /etc/init.d/chrony" alive "$pid" || show
capbnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
check "chronyd cannot set the clock (no CAP_SYS_TIME in ${capbnd:-?}, -x)" \
    eval '[ -n "$capbnd" ] && [ $(((0x$capbnd >> 25) & 1)) -eq 0 ] &&
          tr "\\0" " " < /proc/$pid/cmdline | grep -q -- " -x "'
in_ns "$BIN" detect >"$TMP/out" 2>"$TMP/err"
check "detect: the init system is sysv" grep -q '^init system: *sysv$' "$TMP/out" || show
check "detect: chrony is active" grep -qE '^ *chrony +active ' "$TMP/out" || show
check "detect: systemd-timesyncd without systemd is no conflict" \
    eval '! grep -q "^conflict:" "$TMP/out"' || show

# --- the policy denies -------------------------------------------------------------------
run_te --server 192.0.2.1 --verify-timeout 5
check "denied: exit 0 (the files are right; a person restarts)" [ $rc -eq 0 ] || show
check "denied: reported as denied by the local policy" \
    grep -q 'invoke-rc.d: restarting chrony was denied by the local policy' "$TMP/err" || show
check "denied: no error" eval '! grep -q "error:" "$TMP/err"' || show
check "denied: no restart is claimed" eval '! grep -q "^restarted" "$TMP/out"' || show
check "denied: the running chronyd was left alone" \
    eval '[ "$(daemon_pid)" = "$pid" ] && alive "$pid"'
check "denied: the new configuration is written" \
    in_ns grep -qx 'server 192.0.2.1 iburst' /etc/chrony/sources.d/te-ntp-setup.sources
check "denied: no conflict was acted on" eval '! grep -q timesyncd "$TMP/out" "$TMP/err"' || show

in_ns "$BIN" rollback >"$TMP/out" 2>"$TMP/err"
rc=$?
check "denied rollback: exit 0" [ $rc -eq 0 ] || show
check "denied rollback: the files are back" [ "$(conf_state)" = "$pristine" ]
check "denied rollback: the restart is reported as denied" \
    grep -q 'restarting chrony was denied by the local policy' "$TMP/err" || show
check "denied rollback: chronyd left alone" \
    eval '[ "$(daemon_pid)" = "$pid" ] && alive "$pid"'

# --- the policy allows: the restart goes through invoke-rc.d -----------------------------
# The old chronyd is slow to go: stopped (SIGSTOP) for 2 s, so the SIGTERM of the init
# script's stop takes effect only then. Debian's script does not wait for it: its restart
# ("stop; start") would find the old daemon still there, start nothing, and leave none.
allow
kill -STOP "$pid"
(sleep 2; kill -CONT "$pid") &
resume=$!
run_te --server 192.0.2.1 --verify-timeout 60
kill -CONT "$pid" 2>/dev/null
wait "$resume"
check "allowed: exit 0" [ $rc -eq 0 ] || show
check "allowed: restarted through invoke-rc.d" \
    grep -q '^restarted chrony (invoke-rc.d)$' "$TMP/out" || show
npid=$(daemon_pid)
check "allowed: a new chronyd runs ($pid -> $npid)" eval '[ "$npid" != "$pid" ] && alive "$npid"'
capbnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$npid/status" 2>/dev/null)
check "allowed: the new chronyd cannot set the clock either" \
    eval '[ -n "$capbnd" ] && [ $(((0x$capbnd >> 25) & 1)) -eq 0 ]'
check "allowed: the verification reports it synchronized to 192.0.2.1" \
    grep -q '^verification: chrony is synchronized to 192\.0\.2\.1 ' "$TMP/out" || show
check "allowed: chronyd uses the new configuration: 192.0.2.1 selected, nothing else" \
    eval 'sources | grep -q "^\^\* 192\.0\.2\.1 " &&
          [ "$(sources | grep -cE "^\^[-*+?x~ ]")" -eq 1 ]' || sources | sed 's/^/#   /'

in_ns "$BIN" rollback >"$TMP/out" 2>"$TMP/err"
rc=$?
pid=$npid
npid=$(daemon_pid)
check "allowed rollback: exit 0" [ $rc -eq 0 ] || show
check "allowed rollback: the files are back" [ "$(conf_state)" = "$pristine" ]
check "allowed rollback: restarted through invoke-rc.d ($pid -> $npid)" \
    eval 'grep -q "^restarted chrony (invoke-rc.d)\$" "$TMP/out" && [ "$npid" != "$pid" ] &&
          alive "$npid"' || show
check "allowed rollback: the running chronyd no longer uses 192.0.2.1" \
    eval '! sources | grep -q 192.0.2.1'
finish
