#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault injection: every system call of the write and recovery paths fails in turn (strace
# inject=SYSCALL:error=EIO:when=N, N = 1, 2, ... until the run no longer reaches it), and
# the run is killed with SIGKILL at each of those points (inject=...:signal=SIGKILL), on a
# chrony and an ntpsec fixture. After each run the promises must hold:
#   - every file is old or new, byte for byte, never partial, and never a mix of old and new
#     files once the run is over (exit 0: all new; exit 1: all old, with owner and mode);
#   - exit 3 means 'rollback' puts every original back;
#   - after a kill, the next plain run ends in the clean result, and a rollback then gives
#     the originals back; no temporary file is left.
# The paths: an apply on a fresh root; an apply that first undoes an interrupted run; a
# rollback. Only the calls from the first one that touches the journal directory on are
# failed (the calls before it read settings and lenses: a failure there changes nothing).
# TE_FAULT_SYSCALLS narrows the list of system calls (for a quick run by hand);
# TE_FAULT_PATHS widens the paths with "recover" (an apply that first undoes an interrupted
# run: its undo is the rollback's code, its write phase the apply's, so make check leaves
# it out for time).
. "$(dirname "$0")/../lib.sh"

command -v strace >/dev/null 2>&1 || skip_all "strace not found (packaging/build-deps --test)"
# The daemons' own parsers check the files before the write phase, which is not under test
# here: without them (an empty program directory) each run is shorter.
mkdir "$TMP/no-daemons"
export TE_NTP_SETUP_SBIN="$TMP/no-daemons"
# A sanitizer's leak check at exit opens files too: keep it out of the counts.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
SYSCALLS=${TE_FAULT_SYSCALLS:-"openat openat2 write fsync renameat rename unlinkat unlink mkdirat mkdir rmdir fchmod fchown close getdents64 read flock"}
ALL=$(echo "$SYSCALLS" | tr ' ' ',')
cases=0 faults=0 kills=0 bad=0

# state ROOT: one line per file of the fixture: hash, mode, owner, or "absent".
state() {
    for f in $FILES; do
        if [ -f "$1$f" ]; then
            printf '%s %s %s\n' "$f" "$(stat -c '%a %u %g' "$1$f")" \
                "$(sha256sum < "$1$f" | cut -c1-64)"
        else
            printf '%s absent\n' "$f"
        fi
    done
}
is_old() { state "$1" | cmp -s - "$TMP/old.$FX"; }
is_new() { state "$1" | cmp -s - "$TMP/new.$FX"; }
# Each file, alone, old or new (a kill may land between two files).
each_old_or_new() {
    state "$1" > "$TMP/now"
    i=1
    for f in $FILES; do
        line=$(sed -n "${i}p" "$TMP/now")
        if [ "$line" != "$(sed -n "${i}p" "$TMP/old.$FX")" ] &&
           [ "$line" != "$(sed -n "${i}p" "$TMP/new.$FX")" ]; then
            return 1
        fi
        i=$((i + 1))
    done
}
# broken PROMISE: a broken promise of one run, counted into the check of its path below.
broken() { echo "# $what: $*"; bad=$((bad + 1)); }
stray() { [ -n "$(find "$1/etc" -name '.*.te-ntp-setup.*')" ]; }

# The interrupted state: the new files in place, the journal still "current" (made once
# per fixture, then copied).
interrupted_root() {
    if [ ! -d "$TMP/interrupted.$FX" ]; then
        r=$(fresh_root "$FX")
        "$BIN" --root "$r" $ARGS >/dev/null 2>&1
        mv "$r/var/lib/te-ntp-setup/last" "$r/var/lib/te-ntp-setup/current"
        mv "$r" "$TMP/interrupted.$FX"
    fi
    r="$TMP/root.$FX.$$.$(date +%s%N)"
    cp -a "$TMP/interrupted.$FX" "$r"
    echo "$r"
}

# prepare PATH: a root ready for the path under test.
prepare() {
    case $1 in
    apply) fresh_root "$FX" ;;
    *) interrupted_root ;;
    esac
}
# run_path PATH ROOT [strace options]: the command of the path, under strace.
run_path() {
    p=$1 r=$2
    shift 2
    case $p in
    rollback) strace -s 4096 -o "$TMP/trace" "$@" "$BIN" rollback --root "$r" ;;
    *) strace -s 4096 -o "$TMP/trace" "$@" "$BIN" --root "$r" $ARGS ;;
    esac >/dev/null 2>"$TMP/err"
}

# window PATH SYSCALL: which calls of SYSCALL to fail, as "FIRST GAP_FROM GAP_TO": from the
# first call (of any of the listed ones) that opens the journal directory on (not the
# early look whether an interrupted journal exists: planning follows it); for an apply
# that first undoes an interrupted run, not the calls between the end of the undo and the
# start of its own write phase (that is planning, as before the write phase of any run).
window() {
    r=$(prepare "$1")
    run_path "$1" "$r" -e trace="$ALL,openat,mkdir,unlink,rename,rmdir,renameat,unlinkat,mkdirat"
    awk -v sc="$2" '
        { is = index($0, sc "(") == 1; n += is }
        !started && /var\/lib\/te-ntp-setup"/ { started = 1; first = n - is }
        started == 1 && /^unlinkat\([0-9]+, "current", AT_REMOVEDIR\) = 0/ {
            started = 2; gap_from = n + 1 }
        started == 2 && /^mkdirat\([0-9]+, "current"/ {
            started = 3; gap_to = n - is }
        END { if (started != 3) { gap_from = 0; gap_to = 0 }
              print first + 0, gap_from + 0, gap_to + 0 }' "$TMP/trace"
    rm -rf "$r"
}

# check_after PATH ROOT RC: the promises after a run that ended with RC.
check_after() {
    p=$1 r=$2 rc=$3
    if ! each_old_or_new "$r"; then
        broken "a file is neither old nor new (exit $rc)"
    fi
    if stray "$r" && [ "$rc" -ne 137 ]; then
        broken "a temporary file was left (exit $rc)"
    fi
    case $rc in
    0)
        if [ "$p" = rollback ]; then is_old "$r" || broken "exit 0 but not the originals"
        else is_new "$r" || broken "exit 0 but not the new files"; fi ;;
    1)
        if [ "$p" = rollback ]; then
            is_new "$r" || is_old "$r" || broken "exit 1 with a mix of old and new files"
        else
            is_old "$r" || broken "exit 1 but the originals are not back: $(cat "$TMP/err")"
        fi ;;
    3)
        "$BIN" rollback --root "$r" >/dev/null 2>"$TMP/err2"
        rc2=$?
        [ $rc2 -eq 0 ] && is_old "$r" ||
            broken "exit 3, then rollback (exit $rc2) did not restore the originals: $(cat "$TMP/err2")" ;;
    137) ;;
    *) broken "unexpected exit $rc: $(cat "$TMP/err")" ;;
    esac
    # What comes next: a plain run reaches the clean result, its rollback the originals.
    # (A failed apply that left the root exactly as a fresh one, journal included, is that
    # fresh root: its next run is the clean run, already checked.)
    if [ "$p" = apply ] && [ "$rc" -eq 1 ] && is_old "$r" &&
       [ -z "$(ls -A "$r/var/lib/te-ntp-setup" 2>/dev/null)" ]; then
        return
    fi
    if [ "$p" = rollback ]; then
        "$BIN" rollback --root "$r" >/dev/null 2>"$TMP/err2"
        rc2=$?
        [ $rc2 -eq 0 ] && is_old "$r" ||
            broken "the next rollback (exit $rc2) did not end in the originals: $(cat "$TMP/err2")"
    else
        "$BIN" --root "$r" $ARGS >/dev/null 2>"$TMP/err2"
        rc2=$?
        [ $rc2 -eq 0 ] && is_new "$r" && ! stray "$r" ||
            broken "the next run (exit $rc2) did not end in the clean result: $(cat "$TMP/err2")"
        "$BIN" rollback --root "$r" >/dev/null 2>"$TMP/err2"
        rc2=$?
        [ $rc2 -eq 0 ] && is_old "$r" ||
            broken "after the next run, rollback (exit $rc2) did not restore: $(cat "$TMP/err2")"
    fi
}

# Extended attributes on a rewritten file: kept (and said with --verbose); one the file
# system or the user cannot set on the new file (EOPNOTSUPP, EPERM) is a warning naming the
# file and the attribute, in the text and in --json; any other failure (EIO) writes nothing.
setxattr() { python3 -c 'import os, sys; os.setxattr(sys.argv[1], sys.argv[2], sys.argv[3].encode())' "$@"; }
getxattr() { python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], sys.argv[2]).decode())' "$@" 2>/dev/null; }
if command -v python3 >/dev/null 2>&1 && r=$(fresh_root debian-12) &&
   setxattr "$r/etc/chrony/chrony.conf" user.te-test label-1 2>/dev/null; then
    "$BIN" --root "$r" -s ntp1.example.com -v >"$TMP/out" 2>&1
    rc=$?
    kept=$(getxattr "$r/etc/chrony/chrony.conf" user.te-test)
    check "xattrs: kept on the rewritten file, and said (--verbose)" \
        sh -c "[ $rc -eq 0 ] && [ '$kept' = label-1 ] &&
               grep -q 'chrony.conf: kept its extended attribute user.te-test' '$TMP/out'" ||
        sed 's/^/#   /' "$TMP/out"
    for e in EOPNOTSUPP EPERM; do
        r=$(fresh_root debian-12)
        setxattr "$r/etc/chrony/chrony.conf" user.te-test label-1
        strace -o /dev/null -e trace=fsetxattr -e inject=fsetxattr:error=$e \
            "$BIN" --root "$r" -s ntp1.example.com >"$TMP/out" 2>&1
        rc=$?
        check "xattrs: $e on the new file: written (exit 0), a warning names the file and attribute" \
            sh -c "[ $rc -eq 0 ] && ! cmp -s '$FIXTURES/debian-12/etc/chrony/chrony.conf' '$r/etc/chrony/chrony.conf' &&
                   grep -q 'warning: .*etc/chrony/chrony.conf: its extended attribute user.te-test could not be kept' '$TMP/out'" ||
            sed 's/^/#   /' "$TMP/out"
        r=$(fresh_root debian-12)
        setxattr "$r/etc/chrony/chrony.conf" user.te-test label-1
        strace -o /dev/null -e trace=fsetxattr -e inject=fsetxattr:error=$e \
            "$BIN" --root "$r" -s ntp1.example.com --json >"$TMP/out" 2>/dev/null
        check "xattrs: $e on the new file: the --json warnings name it" \
            grep -q '"warnings":\[[^]]*etc/chrony/chrony.conf: its extended attribute user.te-test could not be kept' "$TMP/out" ||
            sed 's/^/#   /' "$TMP/out"
    done
    r=$(fresh_root debian-12)
    setxattr "$r/etc/chrony/chrony.conf" user.te-test label-1
    strace -o /dev/null -e trace=fsetxattr -e inject=fsetxattr:error=EIO \
        "$BIN" --root "$r" -s ntp1.example.com >"$TMP/out" 2>&1
    rc=$?
    check "xattrs: EIO on the new file: exit 1, nothing written, named" \
        sh -c "[ $rc -eq 1 ] && cmp -s '$FIXTURES/debian-12/etc/chrony/chrony.conf' '$r/etc/chrony/chrony.conf' &&
               grep -q 'chrony.conf: cannot keep its extended attribute user.te-test: Input/output error' '$TMP/out'" ||
        sed 's/^/#   /' "$TMP/out"
else
    check "xattrs: python3 can set a user extended attribute on $TMP (the test needs it)" false
fi

for fx in "debian-12 -s ntp1.example.com -s ntp2.example.com" \
          "debian12-ntpsec -i ntpsec -s ntp1.example.com -s ntp2.example.com --dhcp ignore"; do
    FX=${fx%% *}
    ARGS=${fx#* }
    case $FX in
    debian-12) FILES="/etc/chrony/chrony.conf /etc/chrony/sources.d/te-ntp-setup.sources" ;;
    *) FILES="/etc/ntpsec/ntp.conf /etc/default/ntpsec" ;;
    esac
    r=$(fresh_root "$FX")
    state "$r" > "$TMP/old.$FX"
    "$BIN" --root "$r" $ARGS >/dev/null 2>&1
    state "$r" > "$TMP/new.$FX"
    check "$FX: the clean run changes every file of the fixture" \
        sh -c "! grep -Fxqf '$TMP/old.$FX' '$TMP/new.$FX'"
    for path in ${TE_FAULT_PATHS:-apply rollback}; do
        before=$bad
        for sc in $SYSCALLS; do
            set -- $(window "$path" "$sc")
            n=$(($1 + 1)) gap_from=$2 gap_to=$3
            while :; do
                if [ "$path" = recover ] && [ "$n" -ge "$gap_from" ] && [ "$n" -le "$gap_to" ]; then
                    n=$((gap_to + 1))
                fi
                for how in error kill; do
                    what="$FX $path $sc#$n $how"
                    r=$(prepare "$path")
                    if [ $how = error ]; then
                        run_path "$path" "$r" -e trace="$sc" -e inject="$sc:error=EIO:when=$n"
                    else
                        run_path "$path" "$r" -e trace="$sc" -e inject="$sc:signal=SIGKILL:when=$n"
                    fi
                    rc=$?
                    grep -q 'INJECTED\|+++ killed by SIGKILL' "$TMP/trace" || break 2
                    cases=$((cases + 1))
                    if [ $how = error ]; then faults=$((faults + 1)); else kills=$((kills + 1)); fi
                    check_after "$path" "$r" "$rc"
                    rm -rf "$r"
                done
                n=$((n + 1))
            done
            rm -rf "$r"
        done
        check "$FX, $path: every injected failure and kill keeps the promises" [ $bad -eq $before ]
    done
done
echo "# covered: $cases runs ($faults failed system calls, $kills kills), $bad broken promises"
check "fault injection reached the write and recovery paths" [ $faults -gt 0 ] && [ $kills -gt 0 ]
finish
