#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The audit trail: apply and rollback log every change to syslog (ident te-ntp-setup,
# facility daemon: NOTICE for actions, ERR for failures); a dry run and a run that changes
# nothing log nothing; without a syslog daemon nothing breaks.
#
# In a private mount namespace, /dev is a tmpfs with the few device nodes the program needs
# bind-mounted from the real /dev, and /dev/log is a datagram socket a small python3
# listener owns: the host's syslog is never written to.
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (a private mount namespace)"
unshare -m --propagation private true 2>/dev/null || skip_all "unshare -m does not work here"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (packaging/build-deps --test)"
CHRONYD=$(find_daemon chronyd chrony) || skip_all "chronyd not found (packaging/build-deps --test)"
export TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")

root=$(fresh_root debian-12)

# Everything below runs in the namespace; its ok/not ok lines are the test's. W is the
# outer test's directory. Nothing is ever mounted under a directory a test removes: the
# device nodes are made afresh on the private /dev (mknod), never bind-mounted from /dev.
cat > "$TMP/inner.sh" <<'EOF'
set -u
. "$top_srcdir/tests/lib.sh"
private_dev || { echo "not ok - a private /dev"; exit 1; }

# No syslog daemon at all: the run still works.
"$BIN" --root "$ROOT" -s ntp9.example.com >"$W/out" 2>&1
check "no /dev/log: apply succeeds" [ $? -eq 0 ] || cat "$W/out"
"$BIN" rollback --root "$ROOT" >"$W/out" 2>&1
check "no /dev/log: rollback succeeds" [ $? -eq 0 ] || cat "$W/out"

python3 "$top_srcdir/tests/tools/syslog-listen.py" /dev/log "$W/syslog" "$W/stop" &
lp=$!
i=0
while [ ! -S /dev/log ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

"$BIN" --root "$ROOT" -s ntp1.example.com -s ntp2.example.com --dry-run >/dev/null 2>&1
sleep 0.3
check "dry run: nothing logged" [ ! -s "$W/syslog" ]
"$BIN" --root "$ROOT" -s ntp1.example.com -s ntp2.example.com >/dev/null 2>&1
"$BIN" --root "$ROOT" -s ntp1.example.com -s ntp2.example.com >/dev/null 2>&1
"$BIN" rollback --root "$ROOT" >/dev/null 2>&1
printf 'makestep one two\n' > "$ROOT/etc/chrony/conf.d/broken.conf"
"$BIN" --root "$ROOT" -s ntp3.example.com >/dev/null 2>&1
touch "$W/stop"
wait $lp
sed 's/^/#   /' "$W/syslog"

# <29> is daemon.notice, <27> daemon.err; the ident carries the PID.
pid_re='te-ntp-setup\[[0-9]+\]: '
check "apply: the changed file at daemon.notice" \
    grep -qE "^<29>.*${pid_re}apply: changed $ROOT/etc/chrony/chrony.conf$" "$W/syslog"
check "apply: the created file at daemon.notice" \
    grep -qE "^<29>.*${pid_re}apply: created $ROOT/etc/chrony/sources.d/te-ntp-setup.sources$" \
    "$W/syslog"
check "apply: two lines for the first run only (the second changed nothing)" \
    [ "$(grep -c ': apply: ' "$W/syslog")" -eq 2 ]
check "rollback: each restored file at daemon.notice" \
    grep -qE "^<29>.*${pid_re}rollback: .*chrony.conf" "$W/syslog"
check "failure: the error at daemon.err" \
    grep -qE "^<27>.*${pid_re}apply failed: .*broken.conf:1: chronyd rejects" "$W/syslog"
finish
EOF

W=$TMP ROOT=$root BIN=$BIN top_srcdir=$top_srcdir top_builddir=$top_builddir \
    unshare -m --propagation private sh "$TMP/inner.sh"
