#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make check-valgrind: each program given (the unit tests and the fuzz replay drivers) and
# the built te-ntp-setup on a fixture root, under valgrind memcheck with $VALGRIND_FLAGS
# (any memory error or definite/indirect leak exits 1). Replay drivers (tests/fuzz/replay_X)
# run on their corpus and regressions. Logs: <program>.valgrind.log in the build tree.
. "$(dirname "$0")/../lib.sh"

VALGRIND=${VALGRIND:-valgrind}
VALGRIND_FLAGS=${VALGRIND_FLAGS:---leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1}
if [ "$VALGRIND" = no ] || ! command -v "$VALGRIND" >/dev/null 2>&1; then
    echo "check-valgrind: valgrind is not installed (packaging/build-deps --test)" >&2
    exit 1
fi

# vg LOG PROGRAM ARGS...: run under valgrind; the log is kept, shown on failure.
vg() {
    log=$1; shift
    # shellcheck disable=SC2086
    $VALGRIND $VALGRIND_FLAGS --log-file="$log.vg" "$@" >"$log" 2>&1
    rc=$?
    cat "$log.vg" >>"$log"; rm -f "$log.vg"
    return $rc
}

for prog in "$@"; do
    log="$top_builddir/$prog.valgrind.log"
    args=""
    case $prog in
    */replay_*)
        t=${prog##*/replay_}
        args="$top_srcdir/tests/fuzz/corpus/$t"
        [ -d "$top_srcdir/tests/fuzz/regressions/$t" ] && args="$args $top_srcdir/tests/fuzz/regressions/$t"
        ;;
    esac
    # shellcheck disable=SC2086
    if vg "$log" "$top_builddir/$prog" $args; then
        ok "valgrind $prog"
    else
        not_ok "valgrind $prog (see $log)"
        tail -40 "$log" | sed 's/^/#   /'
    fi
done

# The program once, for real, on a copy of a fixture root: it parses, plans, runs chronyd -p
# (when available) through spawn, writes and reports a diff. It must exit 2 (changed).
root=$(fresh_root debian-12)
if CHRONYD=$(find_daemon chronyd chrony); then
    TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")
    export TE_NTP_SETUP_SBIN
fi
log="$top_builddir/src/te-ntp-setup.valgrind.log"
vg "$log" "$BIN" --root "$root" -s ntp1.example.com -s ntp2.example.com --diff \
    --detailed-exitcodes
rc=$?
if [ $rc -eq 2 ]; then
    ok "valgrind te-ntp-setup --root (debian-12 fixture)"
else
    not_ok "valgrind te-ntp-setup --root (debian-12 fixture): exit $rc, want 2 (see $log)"
    tail -40 "$log" | sed 's/^/#   /'
fi
finish
