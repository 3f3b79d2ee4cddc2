#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The audit log's size (cli_audit): a run that changes many files of one kind logs the first
# 10 of them and then one summary line for the rest of that kind, where the 11th would have
# been; a run with a few changes logs each; a failed run logs each error at daemon.err; and
# without /dev/log the program tries to reach syslog once per run, not once per line.
#
# Runs the built program on fixture roots (--root: files only) in a private mount namespace
# whose /dev is a tmpfs (the device nodes made afresh with mknod, nothing bound from the
# real /dev); /dev/log there is a datagram socket a small python3 listener owns, so the
# host's syslog is never written to. tests/live/audit-syslog.sh covers what is logged.
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (a private mount namespace for /dev/log)"
unshare -m --propagation private true 2>/dev/null || skip_all "unshare -m does not work here"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (packaging/build-deps --test)"

# A debian-12 root whose sources.d holds N more drop-ins, each with a server line that
# replace mode comments out: N changed files in one directory.
dropins_root() { # N
    r=$(fresh_root debian-12)
    i=1
    while [ "$i" -le "$1" ]; do
        printf 'server s%d.example.com iburst\n' "$i" > "$r/etc/chrony/sources.d/f$i.sources"
        i=$((i + 1))
    done
    echo "$r"
}
many=$(dropins_root 50)
few=$(dropins_root 3)
nolog=$(dropins_root 50)
broken=$(fresh_root debian-12)
printf 'server\n' > "$broken/etc/chrony/sources.d/bad.sources"   # the lens cannot read it

# Everything below runs in the namespace; its ok/not ok lines are the test's. W is the
# outer test's directory.
cat > "$TMP/inner.sh" <<'EOF'
set -u
. "$top_srcdir/tests/lib.sh"
private_dev || { echo "not ok - a private /dev"; exit 1; }

# No /dev/log: one attempt to reach it in the whole run, not one per line (51 changes).
if command -v strace >/dev/null 2>&1; then
    # LeakSanitizer cannot work under ptrace (a sanitizer build would exit 1 for that alone)
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -e trace=connect -o "$W/trace" "$BIN" --root "$NOLOG" -s ntp1.example.com \
        --no-verify >"$W/out" 2>&1
    check "no /dev/log: apply succeeds" [ $? -eq 0 ] || cat "$W/out"
    n=$(grep -c '"/dev/log"' "$W/trace")
    check "no /dev/log: at most one connect to it in the run (saw $n)" [ "$n" -le 1 ] ||
        sed 's/^/#   /' "$W/trace" | head -5
else
    skip_part "strace not found (packaging/build-deps --test): connects without /dev/log"
fi

python3 "$top_srcdir/tests/tools/syslog-listen.py" /dev/log "$W/syslog" "$W/stop" &
lp=$!
i=0
while [ ! -S /dev/log ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

# Each run's lines are known by its PID (the ident carries it).
"$BIN" --root "$MANY" -s ntp1.example.com --mode replace --no-verify >"$W/many.out" 2>&1 &
many_pid=$!
wait $many_pid
"$BIN" rollback --root "$MANY" >"$W/many-rb.out" 2>&1 &
rb_pid=$!
wait $rb_pid
"$BIN" --root "$FEW" -s ntp1.example.com --mode replace --no-verify >"$W/few.out" 2>&1 &
few_pid=$!
wait $few_pid
"$BIN" --root "$BROKEN" -s ntp1.example.com --no-verify >"$W/broken.out" 2>&1 &
broken_pid=$!
wait $broken_pid
touch "$W/stop"
wait $lp
sed 's/^/#   /' "$W/syslog"

# lines PID: that run's messages, without the priority and header.
lines() { grep "te-ntp-setup\[$1\]: " "$W/syslog" | sed 's/^.*te-ntp-setup\[[0-9]*\]: //'; }

lines "$many_pid" > "$W/many"
src="$MANY/etc/chrony/sources.d"
check "50 drop-ins: the run changed all 50" [ "$(grep -c "^changed $src/f" "$W/many.out")" -eq 50 ]
check "50 drop-ins: 10 of them logged one by one" \
    [ "$(grep -c "^apply: changed $src/f" "$W/many")" -eq 10 ]
check "50 drop-ins: one summary line for the other 40" \
    [ "$(grep -cFx "apply: changed 40 more files in $src, not logged one by one" "$W/many")" -eq 1 ]
check "50 drop-ins: 13 lines (chrony.conf, 10 drop-ins, the summary, the created file)" \
    [ "$(wc -l < "$W/many")" -eq 13 ]
at=$(grep -n "" "$W/many" | grep -F "more files" | cut -d: -f1)
tenth=$(grep -n "^apply: changed $src/f" "$W/many" | sed -n '10s/:.*//p')
check "50 drop-ins: the summary where the 11th would have been" \
    [ "${at:-0}" = "$(( ${tenth:-0} + 1 ))" ]
check "50 drop-ins: the other kinds are logged as before" \
    grep -qFx "apply: created $src/te-ntp-setup.sources" "$W/many"
check "50 drop-ins: at daemon.notice" \
    [ "$(grep "te-ntp-setup\[$many_pid\]: " "$W/syslog" | grep -vc '^<29>')" -eq 0 ]

lines "$rb_pid" > "$W/rb"
check "rollback of 50: 10 restored files logged, then one summary line" \
    [ "$(grep -c "^rollback: restored $src/f" "$W/rb")" -eq 10 ] &&
    check "rollback of 50: the summary" \
        grep -qFx "rollback: restored 40 more files in $src, not logged one by one" "$W/rb"

lines "$few_pid" > "$W/few"
src="$FEW/etc/chrony/sources.d"
for i in 1 2 3; do
    check "3 drop-ins: f$i logged" grep -qFx "apply: changed $src/f$i.sources" "$W/few"
done
check "3 drop-ins: no summary line" [ "$(grep -c 'more files' "$W/few")" -eq 0 ]

check "failed run: its error at daemon.err" \
    grep -qE "^<27>.*te-ntp-setup\[$broken_pid\]: apply failed: .*bad.sources:1:" "$W/syslog"
finish
EOF

W=$TMP MANY=$many FEW=$few NOLOG=$nolog BROKEN=$broken BIN=$BIN top_srcdir=$top_srcdir \
    top_builddir=$top_builddir unshare -m --propagation private sh "$TMP/inner.sh"
