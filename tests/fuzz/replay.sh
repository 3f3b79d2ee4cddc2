#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make check: every fuzz target's replay driver (tests/fuzz/replay_X, no libFuzzer) on its
# seed corpus (tests/fuzz/corpus/X) and on every input that once crashed it
# (tests/fuzz/regressions/X). A target is any directory under corpus/.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

FUZZ="$top_srcdir/tests/fuzz"
for dir in "$FUZZ"/corpus/*/; do
    t=$(basename "$dir")
    bin="$top_builddir/tests/fuzz/replay_$t"
    if [ ! -x "$bin" ]; then
        not_ok "$t: replay driver $bin is built (list it in FUZZ_REPLAYS in Makefile.am)"
        continue
    fi
    args="$FUZZ/corpus/$t"
    [ -d "$FUZZ/regressions/$t" ] && args="$args $FUZZ/regressions/$t"
    # shellcheck disable=SC2086
    if "$bin" $args >"$TMP/out" 2>"$TMP/err"; then
        ok "$t: $(cat "$TMP/out")"
    else
        not_ok "$t: an input fails (exit $?)"
        tail -40 "$TMP/err" | sed 's/^/#   /'
    fi
done
finish
