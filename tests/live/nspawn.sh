#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
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
# The root, network namespaces and boot are tests/live/lib.sh's: the cached Debian 12 root
# under $TE_NSPAWN_CACHE (default /var/cache/te-ntp-setup-test) and its chrony layer (shared
# with tests/live/live-systemd.sh), built from Debian's archive when missing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

live_require debootstrap systemd-nspawn nsenter unshare setpriv ip flock pgrep
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
    skip_all "the kernel has no overlay file system"

# The root and its chrony layer are the ones of tests/live/live-systemd.sh (one cache).
BASE=$(live_base bookworm systemd,systemd-sysv,dbus,iproute2,augeas-lenses) ||
    skip_all "debootstrap could not build the Debian 12 root (see above)"
LOWER=$(live_layer bookworm-chrony "$BASE" "apt-get update -qq
apt-get install -y -qq --no-install-recommends chrony
apt-get clean
rm -rf /var/lib/apt/lists/*") || skip_all "apt-get could not install chrony in the root (see above)"
ROOT=${LOWER%%:*}

id=$$
SRV=te-nsp-srv-$id
CTR=te-nsp-ctr-$id
live_net_pair "$SRV" "$CTR"
live_ntp_server "$SRV" srv 192.0.2.1
check "local NTP server started on 192.0.2.1" [ -s "$TMP/srv.pid" ]

# What goes into the container's root (over the cached root, in the overlay).
F=$TMP/files
mkdir -p "$F/etc/default" "$F/etc/systemd/system/chrony.service.d" "$F/usr/local/sbin"
live_install_tool "$F" || skip_all "cannot copy te-ntp-setup and its libraries"
# chronyd -x: never touch the clock (Debian's unit runs chronyd $DAEMON_OPTS from here).
sed 's/^DAEMON_OPTS=.*/DAEMON_OPTS="-F -1 -x"/' "$ROOT/etc/default/chrony" \
    > "$F/etc/default/chrony"
grep -q '^DAEMON_OPTS="-F -1 -x"$' "$F/etc/default/chrony" ||
    not_ok "the root's /etc/default/chrony has no DAEMON_OPTS line to set -x in"
# Debian's chrony.service has ConditionCapability=CAP_SYS_TIME, which a container without
# that capability fails: systemd would skip chrony. An empty assignment lifts it (chronyd -x
# needs no clock access).
printf '[Unit]\nConditionCapability=\n' \
    > "$F/etc/systemd/system/chrony.service.d/te-ntp-setup-test.conf"
# Used by (c): a start of chrony that fails when the configuration names 192.0.2.1.
cat > "$F/usr/local/sbin/te-test-refuse" <<'SH'
#!/bin/sh
# ExecStartPre of chrony.service in tests/live/nspawn.sh (c): chrony does not start with 192.0.2.1.
if grep -qsE '^[[:space:]]*(server|pool)[[:space:]]+192\.0\.2\.1([[:space:]]|$)' \
        /etc/chrony/chrony.conf /etc/chrony/sources.d/*.sources /etc/chrony/conf.d/*.conf; then
    echo "te-test-refuse: chrony may not start with 192.0.2.1" >&2
    exit 1
fi
SH
chmod 0755 "$F/usr/local/sbin/te-test-refuse"

started=$(date +%s)
live_boot "te-ntp-setup-$id" "$LOWER" "$F" "$CTR" systemd || { finish; exit 1; }

# te-ntp-setup (apply) in the container: stdout in $TMP/out, stderr in $TMP/err, exit status
# in $rc. --configure-container: the container cannot set the clock, so apply would refuse
# without it (see "the container refusal" below).
run_te() {
    in_ctr te-ntp-setup --configure-container "$@" >"$TMP/out" 2>"$TMP/err"
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

check "the container booted with systemd as PID 1 ($(($(date +%s) - started)) s)" \
    live_wait_systemd || tail -n 20 "$W/console.log" | sed 's/^/#   /'
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

# --- the container refusal (issue 18): without --configure-container, apply in a container
# without CAP_SYS_TIME touches nothing and exits 64 -------------------------------------
pid=$(prop MainPID)
in_ctr te-ntp-setup --server 192.0.2.1 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "container refusal: exit 64" [ $rc -eq 64 ] || show
check "container refusal: names systemd-nspawn and says the clock is the host's" \
    eval 'grep -q "this system is a container (systemd-nspawn: " "$TMP/err" &&
          grep -q "the clock belongs to the host" "$TMP/err"' || show
check "container refusal: no file written, chrony not restarted, no journal" \
    eval '[ "$(conf_state)" = "$pristine" ] && [ "$(prop MainPID)" = "$pid" ] &&
          in_ctr test ! -e /var/lib/te-ntp-setup/current -a ! -e /var/lib/te-ntp-setup/last'
in_ctr te-ntp-setup detect >"$TMP/out" 2>"$TMP/err"
check "container refusal: detect reports the container and no CAP_SYS_TIME" \
    eval 'grep -q "^container: *systemd-nspawn (" "$TMP/out" &&
          grep -q "^set the clock: *no " "$TMP/out"' || show

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
