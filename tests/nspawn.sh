#!/bin/sh
# te-ntp-setup on a real Debian 12 system with systemd 252 as its PID 1: a debootstrapped
# root (built once, cached) booted with systemd-nspawn over a private overlay, so the cached
# root is never changed. Its chrony gets NTP from a local server in a network namespace made
# here (192.0.2.1; the container is 192.0.2.2). te-ntp-setup runs inside the container
# (nsenter into the namespaces of its PID 1) and the checks read systemd's view of
# chrony.service (MainPID, ActiveEnterTimestampMonotonic, ActiveState):
#   (c) a configuration chronyd -p rejects: nothing is written, nothing restarted, exit 1;
#       a restart that fails: the files are put back, chrony runs again on them, exit 1;
#   (a) the first run changes the files, restarts chrony, and reports it synchronized;
#   (b) a second run restarts nothing;
#   (e) --if-needed leaves an active, synchronized chrony alone;
#   (d) rollback restores the files and restarts chrony;
#   then --if-needed on an unsynchronized chrony does apply (JSON), a change of the
#   sources files alone is a "chronyc reload sources", and the verification after it does
#   not call a source that is gone a synchronized one.
# Nothing can set the clock: nspawn keeps CAP_SYS_TIME out of the container (checked), the
# container's chronyd runs with -x (/etc/default/chrony), and so does the local server,
# without CAP_SYS_TIME.
#
# The root: debootstrap --variant=minbase bookworm from the mirror apt uses here, into
# $TE_NSPAWN_CACHE (default /var/cache/te-ntp-setup-test)/bookworm, rebuilt when missing or
# built with another package list. The first run takes a few minutes for that.
. "$(dirname "$0")/lib.sh"
trap 'exit 1' INT TERM HUP     # so that the EXIT trap of lib.sh cleans up

[ "$(id -u)" -eq 0 ] || skip_all "needs root (debootstrap, systemd-nspawn, namespaces)"
for tool in debootstrap systemd-nspawn nsenter unshare setpriv ip flock pgrep; do
    command -v $tool >/dev/null 2>&1 ||
        skip_all "$tool not found (packaging/build-deps --test installs debootstrap and systemd-container)"
done
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
    skip_all "the kernel has no overlay file system"
CHRONYD=$(find_daemon chronyd chrony) || skip_all "chronyd not found (packaging/build-deps --test)"

CACHE_DIR=${TE_NSPAWN_CACHE:-/var/cache/te-ntp-setup-test}
ROOT=$CACHE_DIR/bookworm
# The binary links libaugeas0 (and its stock lenses) and libyaml.
INCLUDE=systemd,systemd-sysv,dbus,chrony,iproute2,libaugeas0,augeas-lenses,libyaml-0-2
STAMP="bookworm minbase $INCLUDE"

# The Debian mirror apt is configured with here (deb822 .sources or one-line .list), else
# Debian's own; TE_DEBIAN_MIRROR overrides.
debian_mirror() {
    if [ -n "${TE_DEBIAN_MIRROR:-}" ]; then
        echo "$TE_DEBIAN_MIRROR"
        return
    fi
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && awk '
            function done_para() { if (!found && deb && bw && uri != "") { print uri; found = 1 }
                                   deb = bw = 0; uri = "" }
            /^[ \t]*$/ { done_para(); next }
            /^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") bw = 1 }
            /^URIs:/ { uri = $2 }
            END { done_para() }' "$f"
    done
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed 's/\[[^]]*\]//' | awk '$1 == "deb" && $3 == "bookworm" { print $2 }'
    echo http://deb.debian.org/debian
}

# Build the root unless a complete one with this package list is there. Under a lock, so
# two runs do not build it at once; a build is made aside and renamed into place.
build_root() {
    mkdir -p "$CACHE_DIR" || return 1
    (
        flock -w 2400 9 || { echo "# the lock on $CACHE_DIR stayed taken"; exit 1; }
        [ -f "$ROOT/.te-ntp-setup-root" ] && [ "$(cat "$ROOT/.te-ntp-setup-root")" = "$STAMP" ] &&
            exit 0
        rm -rf "$CACHE_DIR"/bookworm.new.*
        new=$CACHE_DIR/bookworm.new.$$
        mirror=$(debian_mirror | head -n 1)
        echo "# building the Debian 12 root $ROOT from $mirror (cached for later runs)"
        if ! timeout 2400 nice debootstrap --variant=minbase --include="$INCLUDE" bookworm \
                "$new" "$mirror" >"$TMP/debootstrap.log" 2>&1; then
            tail -n 15 "$TMP/debootstrap.log" | sed 's/^/#   /'
            rm -rf "$new"
            exit 1
        fi
        echo "$STAMP" > "$new/.te-ntp-setup-root"
        rm -rf "$ROOT" && mv "$new" "$ROOT"
    ) 9>"$CACHE_DIR/.lock"
}
build_root || skip_all "debootstrap could not build the Debian 12 root (see above)"

id=$$
SRV=te-nsp-srv-$id
CTR=te-nsp-ctr-$id
MACHINE=te-ntp-setup-$id
W=$TMP/ctr
TIMER=
NSPAWN=
LEADER=
nsp_cleanup() {
    if [ -n "$NSPAWN" ] && kill -0 "$NSPAWN" 2>/dev/null; then
        kill -TERM "$NSPAWN" 2>/dev/null        # nspawn powers the container off
        i=0
        while kill -0 "$NSPAWN" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
        kill -KILL "$NSPAWN" 2>/dev/null
    fi
    [ -n "$TIMER" ] && kill -KILL "$TIMER" 2>/dev/null
    # The container's PID 1: killing it ends every process of the container.
    [ -n "$LEADER" ] && kill -KILL "$LEADER" 2>/dev/null
    [ -f "$TMP/srv.pid" ] && kill "$(cat "$TMP/srv.pid")" 2>/dev/null
    ip netns del "$SRV" 2>/dev/null
    ip netns del "$CTR" 2>/dev/null
}
cleanup_hooks="nsp_cleanup"

# Two network namespaces joined by a veth pair: the server's, and the container's.
ip netns add "$SRV" && ip netns add "$CTR" || skip_all "cannot create network namespaces"
ip link add "tnv0-$id" type veth peer name "tnv1-$id"
ip link set "tnv0-$id" netns "$SRV"
ip link set "tnv1-$id" netns "$CTR"
ip -n "$SRV" addr add 192.0.2.1/24 dev "tnv0-$id"
ip -n "$CTR" addr add 192.0.2.2/24 dev "tnv1-$id"
for ns in "$SRV" "$CTR"; do ip -n "$ns" link set lo up; done
ip -n "$SRV" link set "tnv0-$id" up
ip -n "$CTR" link set "tnv1-$id" up

cat > "$TMP/server.conf" <<CONF
local stratum 8
allow 192.0.2.0/24
bindaddress 192.0.2.1
pidfile $TMP/srv.pid
cmdport 0
CONF
ip netns exec "$SRV" setpriv --inh-caps=-sys_time --bounding-set=-sys_time \
    "$CHRONYD" -x -u root -f "$TMP/server.conf" -l "$TMP/server.log"
check "local NTP server started on 192.0.2.1" [ -s "$TMP/srv.pid" ] || sleep 1

# What goes into the container's root (over the cached root, in the overlay).
mkdir -p "$W/upper" "$W/work" "$W/merged" "$W/files/usr/local/sbin" \
    "$W/files/usr/local/share/te-ntp-setup/lenses" "$W/files/etc/default" \
    "$W/files/etc/systemd/system/chrony.service.d"
cp "$BIN" "$W/files/usr/local/sbin/te-ntp-setup"
cp "$top_srcdir"/lenses/*.aug "$W/files/usr/local/share/te-ntp-setup/lenses/"
# chronyd -x: never touch the clock (Debian's unit runs chronyd $DAEMON_OPTS from here).
sed 's/^DAEMON_OPTS=.*/DAEMON_OPTS="-F -1 -x"/' "$ROOT/etc/default/chrony" \
    > "$W/files/etc/default/chrony"
grep -q '^DAEMON_OPTS="-F -1 -x"$' "$W/files/etc/default/chrony" ||
    not_ok "the root's /etc/default/chrony has no DAEMON_OPTS line to set -x in"
# Debian's chrony.service has ConditionCapability=CAP_SYS_TIME, which a container without
# that capability fails: systemd would skip chrony. An empty assignment lifts it (chronyd -x
# needs no clock access).
printf '[Unit]\nConditionCapability=\n' \
    > "$W/files/etc/systemd/system/chrony.service.d/te-ntp-setup-test.conf"
# Used by (c): a start of chrony that fails when the configuration names 192.0.2.1.
cat > "$W/files/usr/local/sbin/te-test-refuse" <<'SH'
#!/bin/sh
# ExecStartPre of chrony.service in tests/nspawn.sh (c): chrony does not start with 192.0.2.1.
if grep -qsE '^[[:space:]]*(server|pool)[[:space:]]+192\.0\.2\.1([[:space:]]|$)' \
        /etc/chrony/chrony.conf /etc/chrony/sources.d/*.sources /etc/chrony/conf.d/*.conf; then
    echo "te-test-refuse: chrony may not start with 192.0.2.1" >&2
    exit 1
fi
SH
chmod 0755 "$W/files/usr/local/sbin/te-test-refuse"

# Boot: in a private mount namespace (so the overlay and nspawn's own /run/systemd/nspawn
# leave nothing behind), without registering with a machined (the host runs no systemd).
mkdir -p /run/systemd/nspawn
cat > "$W/boot.sh" <<SH
set -e
mount --make-rprivate /
mount -t tmpfs -o mode=0755 tmpfs /run/systemd/nspawn
mount -t overlay overlay -o 'lowerdir=$ROOT,upperdir=$W/upper,workdir=$W/work' '$W/merged'
cp -a '$W/files/.' '$W/merged/'
# The container powers off after 20 minutes even if this test is killed and cannot clean up.
exec timeout -k 30 1200 systemd-nspawn -D '$W/merged' -b -M '$MACHINE' --register=no \
    --keep-unit --network-namespace-path=/run/netns/$CTR --console=read-only
SH
started=$(date +%s)
unshare -m --propagation private sh "$W/boot.sh" >"$W/console.log" 2>&1 </dev/null &
TIMER=$!
i=0
while [ $i -lt 300 ] && kill -0 "$TIMER" 2>/dev/null; do
    [ -n "$NSPAWN" ] || NSPAWN=$(pgrep -P "$TIMER" -x systemd-nspawn | head -n 1)
    [ -n "$NSPAWN" ] && LEADER=$(pgrep -P "$NSPAWN" -x systemd | head -n 1)
    [ -n "$LEADER" ] && break
    sleep 0.1
    i=$((i + 1))
done
if [ -z "$LEADER" ]; then
    sed 's/^/#   /' "$W/console.log"
    not_ok "systemd-nspawn started the container's systemd"
    finish
    exit 1
fi

# A command in the container: its namespaces and root, a clean environment, and no
# CAP_SYS_TIME either.
in_ctr() {
    setpriv --inh-caps=-sys_time --bounding-set=-sys_time \
        nsenter -t "$LEADER" -m -u -i -n -p -C -r -w \
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
        TE_NTP_SETUP_LENSDIR=/usr/local/share/te-ntp-setup/lenses "$@"
}
# te-ntp-setup in the container: stdout in $TMP/out, stderr in $TMP/err, exit status in $rc.
run_te() {
    in_ctr te-ntp-setup "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}
show() { sed 's/^/#   /' "$TMP/out" "$TMP/err"; }
prop() { in_ctr systemctl show chrony.service -p "$1" --value; }
# The chrony files with their hashes.
conf_state() {
    in_ctr sh -c 'cd /etc/chrony && find . -type f | LC_ALL=C sort | xargs sha256sum'
}
sources() { in_ctr chronyc -n sources 2>&1; }
write_in_ctr() { # path (stdin: content)
    in_ctr sh -c "mkdir -p \"\$(dirname '$1')\" && cat > '$1'"
}

state=
i=0
while [ $i -lt 120 ]; do
    state=$(in_ctr systemctl is-system-running 2>/dev/null)
    case $state in running|degraded) break ;; esac
    sleep 0.5
    i=$((i + 1))
done
# "degraded" (a unit of the container failed) is shown but allowed: chrony is what counts.
check "the container booted with systemd as PID 1 (state '$state', $(($(date +%s) - started)) s)" \
    eval '[ "$state" = running ] || [ "$state" = degraded ]' || tail -n 20 "$W/console.log" |
    sed 's/^/#   /'
[ "$state" = degraded ] && in_ctr systemctl --failed --no-legend 2>&1 | sed 's/^/# failed: /'
check "te-ntp-setup runs in the container" in_ctr te-ntp-setup --version >/dev/null
in_ctr te-ntp-setup detect >"$TMP/out" 2>"$TMP/err"
check "detect: the init system is systemd" grep -q '^init system: *systemd$' "$TMP/out" || show
check "detect: chrony is active" grep -qE '^ *chrony +active ' "$TMP/out" || show
check "chrony.service is active after boot" [ "$(prop ActiveState)" = active ]
pid=$(prop MainPID)
capbnd=$(in_ctr sh -c "sed -n 's/^CapBnd:[[:space:]]*//p' /proc/$pid/status")
check "the container's chronyd cannot set the clock (no CAP_SYS_TIME in ${capbnd:-?})" \
    eval '[ -n "$capbnd" ] && [ $(((0x$capbnd >> 25) & 1)) -eq 0 ]'
check "the container's chronyd runs with -x" \
    in_ctr sh -c "tr '\\0' ' ' < /proc/$pid/cmdline | grep -q -- ' -x'"
pristine=$(conf_state)

# --- (c) a configuration chronyd rejects: nothing written ------------------------------
echo 'maxupdateskew lots' | write_in_ctr /etc/chrony/conf.d/te-test-bad.conf
before=$(conf_state)
pid=$(prop MainPID)
run_te --server 192.0.2.1
check "(c) rejected by chronyd -p: exit 1" [ $rc -eq 1 ] || show
check "(c) rejected by chronyd -p: names the file and line" \
    grep -q '/etc/chrony/conf.d/te-test-bad.conf:1: chronyd rejects the planned configuration' \
    "$TMP/err" || show
check "(c) rejected by chronyd -p: nothing written" [ "$(conf_state)" = "$before" ]
check "(c) rejected by chronyd -p: chrony not restarted" [ "$(prop MainPID)" = "$pid" ]
in_ctr rm -f /etc/chrony/conf.d/te-test-bad.conf

# --- (c) chrony fails to start with the new configuration: restored ---------------------
printf '[Service]\nExecStartPre=/usr/local/sbin/te-test-refuse\n' |
    write_in_ctr /etc/systemd/system/chrony.service.d/te-test-refuse.conf
in_ctr systemctl daemon-reload
pid=$(prop MainPID)
run_te --server 192.0.2.1
check "(c) failed restart: exit 1" [ $rc -eq 1 ] || show
check "(c) failed restart: the failure of systemctl restart is shown" \
    grep -q 'restart chrony.service' "$TMP/err" || show
check "(c) failed restart: says what it put back" \
    grep -q '^restored /etc/chrony/chrony.conf$' "$TMP/out" || show
check "(c) failed restart: every file as before, the new one gone" [ "$(conf_state)" = "$pristine" ]
check "(c) failed restart: chrony is active again" [ "$(prop ActiveState)" = active ]
npid=$(prop MainPID)
check "(c) failed restart: with a new process ($pid -> $npid) on the old configuration" \
    eval '[ "$npid" != "$pid" ] && [ "$npid" != 0 ] && ! sources | grep -q 192.0.2.1'
check "(c) failed restart: no journal of a run is left" \
    in_ctr test ! -e /var/lib/te-ntp-setup/current -a ! -e /var/lib/te-ntp-setup/last
in_ctr rm -f /etc/systemd/system/chrony.service.d/te-test-refuse.conf
in_ctr systemctl daemon-reload

# --- (a) the first run: changed, restarted, synchronized ---------------------------------
pid=$(prop MainPID)
ts=$(prop ActiveEnterTimestampMonotonic)
t0=$(date +%s)
run_te --server 192.0.2.1 --verify-timeout 60
check "(a) first run: exit 0 ($(($(date +%s) - t0)) s)" [ $rc -eq 0 ] || show
check "(a) first run: reports the restart" grep -q '^restarted chrony.service$' "$TMP/out" || show
npid=$(prop MainPID)
check "(a) first run: systemd restarted chrony (MainPID $pid -> $npid)" \
    eval '[ "$npid" != "$pid" ] && [ "$npid" != 0 ] &&
          [ "$(prop ActiveEnterTimestampMonotonic)" != "$ts" ]'
check "(a) first run: chrony is active" [ "$(prop ActiveState)" = active ]
check "(a) first run: the managed sources file names 192.0.2.1" \
    in_ctr grep -qx 'server 192.0.2.1 iburst' /etc/chrony/sources.d/te-ntp-setup.sources
check "(a) first run: the verification reports chrony synchronized to 192.0.2.1" \
    grep -q '^verification: chrony is synchronized to 192\.0\.2\.1 ' "$TMP/out" || show
check "(a) first run: chronyc shows 192.0.2.1 selected" \
    eval 'sources | grep -q "^\^\* 192\.0\.2\.1 "' || sources | sed 's/^/#   /'
after_a=$(conf_state)

# --- (b) a second run restarts nothing ---------------------------------------------------
pid=$(prop MainPID)
ts=$(prop ActiveEnterTimestampMonotonic)
run_te --server 192.0.2.1 --detailed-exitcodes
check "(b) second run: exit 0 (nothing to change)" [ $rc -eq 0 ] || show
check "(b) second run: says so" grep -q '^nothing to change' "$TMP/out" || show
check "(b) second run: chrony not restarted (MainPID $pid)" \
    eval '[ "$(prop MainPID)" = "$pid" ] && [ "$(prop ActiveEnterTimestampMonotonic)" = "$ts" ]'
check "(b) second run: no file touched" [ "$(conf_state)" = "$after_a" ]

# --- (e) --if-needed leaves a synchronized chrony alone ----------------------------------
run_te --server 192.0.2.7 --if-needed
check "(e) --if-needed: exit 0" [ $rc -eq 0 ] || show
check "(e) --if-needed: says chrony is synchronized and nothing changed" \
    grep -q 'chrony is active and synchronized to 192.0.2.1: nothing changed (--if-needed)' \
    "$TMP/out" "$TMP/err" || show
check "(e) --if-needed: no file touched, chrony not restarted" \
    eval '[ "$(conf_state)" = "$after_a" ] && [ "$(prop MainPID)" = "$pid" ]'

# --- (d) rollback restores the files and restarts chrony ---------------------------------
in_ctr te-ntp-setup rollback >"$TMP/out" 2>"$TMP/err"
rc=$?
check "(d) rollback: exit 0" [ $rc -eq 0 ] || show
check "(d) rollback: says what it did" \
    eval 'grep -q "^restored /etc/chrony/chrony.conf\$" "$TMP/out" &&
          grep -q "^removed /etc/chrony/sources.d/te-ntp-setup.sources\$" "$TMP/out" &&
          grep -q "^restarted chrony.service\$" "$TMP/out"' || show
check "(d) rollback: every file as before the first run" [ "$(conf_state)" = "$pristine" ]
npid=$(prop MainPID)
check "(d) rollback: systemd restarted chrony (MainPID $pid -> $npid), active" \
    eval '[ "$npid" != "$pid" ] && [ "$npid" != 0 ] && [ "$(prop ActiveState)" = active ]'
check "(d) rollback: the running chrony no longer uses 192.0.2.1" eval '! sources | grep -q 192.0.2.1'

# --- --if-needed on a chrony that is not synchronized: it applies ------------------------
pid=$(prop MainPID)
run_te --server 192.0.2.1 --if-needed --json --verify-timeout 60
check "--if-needed, not synchronized: exit 0" [ $rc -eq 0 ] || show
check "--if-needed, not synchronized: changed and restarted" \
    eval 'grep -q "\"changed\":true" "$TMP/out" &&
          grep -q "\"restarted chrony.service\"" "$TMP/out" && [ "$(prop MainPID)" != "$pid" ]' ||
    show
check "--if-needed, not synchronized: JSON reports the verification: synchronized to 192.0.2.1" \
    grep -q '"verification":{"synchronized":true,"source":"192.0.2.1"' "$TMP/out" || show

# --- only the sources file changes: chronyc reload sources, no restart ------------------
pid=$(prop MainPID)
run_te --server 192.0.2.1 --server 192.0.2.11 --verify-timeout 60
check "reload: exit 0" [ $rc -eq 0 ] || show
check "reload: chrony's sources reloaded, not restarted" \
    eval 'grep -q "^reloaded chrony.s sources" "$TMP/out" && [ "$(prop MainPID)" = "$pid" ]' || show
check "reload: chronyc lists both sources" \
    [ "$(sources | grep -cE '^\^. 192\.0\.2\.(1|11) ')" -eq 2 ] || sources | sed 's/^/#   /'
check "reload: still synchronized to 192.0.2.1" \
    grep -q '^verification: chrony is synchronized to 192\.0\.2\.1 ' "$TMP/out" || show
# 192.0.2.11 answers nobody: after this reload chrony has no usable source, although its
# tracking still names the source it had.
run_te --server 192.0.2.11 --verify-timeout 5
check "reload to a silent server: exit 5 (configured, not synchronized; not undone)" [ $rc -eq 5 ] || show
check "reload to a silent server: not reported synchronized" \
    eval '! grep -q "synchronized to 192.0.2.1" "$TMP/out" "$TMP/err"' || show
check "reload to a silent server: warns that chrony is not synchronized, and why" \
    grep -q 'chrony is configured but not synchronized: no reply from any source' "$TMP/err" || show
check "reload to a silent server: the verification says so, with no source reachable" \
    grep -q '^verification: chrony is NOT synchronized (0 of 1 source reachable): no reply from any source' "$TMP/out" ||
    show

# --- issue 20: a unit systemd skips is reported with its condition, never as restarted ----
# Without the test's drop-in, Debian's ConditionCapability=CAP_SYS_TIME applies, and this
# container has no CAP_SYS_TIME: systemd skips chrony.service ("systemctl restart" exits 0).
in_ctr mv /etc/systemd/system/chrony.service.d/te-ntp-setup-test.conf /root/te-ntp-setup-test.conf
in_ctr systemctl daemon-reload
in_ctr systemctl stop chrony.service
run_te --server 192.0.2.1 --verify-timeout 5
check "skipped unit: exit 5 (configured, the daemon is not running)" [ $rc -eq 5 ] || show
check "skipped unit: reported skipped, with the condition systemd names" \
    grep -q 'chrony.service was not started: systemd skipped it, ConditionCapability=CAP_SYS_TIME was not met' "$TMP/err" || show
check "skipped unit: never reported as restarted" eval '! grep -q "^restarted" "$TMP/out"' || show
check "skipped unit: systemd agrees (ConditionResult=no, inactive)" \
    eval '[ "$(prop ConditionResult)" = no ] && [ "$(prop ActiveState)" = inactive ]'
check "skipped unit: 'enabled' is not claimed for an enabled unit" \
    eval '! grep -q "^enabled chrony" "$TMP/out"' || show
in_ctr mv /root/te-ntp-setup-test.conf /etc/systemd/system/chrony.service.d/te-ntp-setup-test.conf
in_ctr systemctl daemon-reload
# ---

echo "# the whole test took $(($(date +%s) - started)) s after the root was ready"
finish
