#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run every libFuzzer target for a bounded time; fail on any crash.
#
#   tests/fuzz/run.sh [BUILDDIR] [TARGET...]
#
# BUILDDIR (default _fuzz at the top of the tree) is a build configured with
# CC=clang --enable-fuzzing where `make fuzz` built tests/fuzz/fuzz_<target>. TARGETs default
# to every directory under tests/fuzz/corpus/. For each target it first replays
# tests/fuzz/regressions/<target>/ (inputs that once crashed), then fuzzes for FUZZ_SECONDS
# (default 60) seconds from the committed seeds (read only) and a work corpus kept in
# FUZZ_WORKDIR (default BUILDDIR/tests/fuzz/work), with dict/<target>.dict when present.
# A crash leaves its input in FUZZ_WORKDIR/<target>/artifacts/ and this script says so;
# once fixed, commit the input under tests/fuzz/regressions/<target>/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
arg=${1:-$top/_fuzz}
[ $# -gt 0 ] && shift
build=$(cd "$arg" 2>/dev/null && pwd) || { echo "run.sh: no build directory $arg" >&2; exit 2; }
secs=${FUZZ_SECONDS:-60}
work=${FUZZ_WORKDIR:-$build/tests/fuzz/work}
if [ $# -gt 0 ]; then
    targets=$*
else
    targets=$(cd "$here/corpus" && ls)
fi
# Lenses come from the source tree, like make check.
TE_NTP_SETUP_LENSDIR=$top/lenses
export TE_NTP_SETUP_LENSDIR

failed=""
for t in $targets; do
    bin=$build/tests/fuzz/fuzz_$t
    if [ ! -x "$bin" ]; then
        echo "run.sh: $bin is not built (make fuzz in a build configured with CC=clang --enable-fuzzing)" >&2
        failed="$failed $t"
        continue
    fi
    mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
    rm -f "$work/$t/artifacts/"*
    log=$work/$t/log

    # 1. The inputs that once crashed must not crash any more.
    regs=$(find "$here/regressions/$t" -type f ! -name 'README*' 2>/dev/null | sort)
    if [ -n "$regs" ]; then
        # shellcheck disable=SC2086
        if ! "$bin" -artifact_prefix="$work/$t/artifacts/" $regs >"$log.regressions" 2>&1; then
            echo "FAIL $t: a regression input crashes again:"
            tail -40 "$log.regressions" | sed 's/^/  /'
            failed="$failed $t"
            continue
        fi
    fi

    # 2. Fuzz for a bounded time. -timeout: one input taking 10 s is a hang (a crash).
    extra=""
    [ -f "$here/dict/$t.dict" ] && extra="-dict=$here/dict/$t.dict"
    # The lens targets keep one Augeas handle for many inputs (fuzz_lens.c): libFuzzer's
    # per-input leak check would run on every input and find nothing but cost 3/4 of the
    # time. Their leaks are checked by make check (LeakSanitizer, valgrind) on the corpus.
    case $t in lens_*) extra="$extra -detect_leaks=0" ;; esac
    start=$(date +%s)
    # shellcheck disable=SC2086
    nice "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
        -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/" $extra \
        "$work/$t/corpus" "$here/corpus/$t" >"$log" 2>&1
    rc=$?
    end=$(date +%s)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ $rc -ne 0 ] || [ -n "$(ls -A "$work/$t/artifacts")" ]; then
        echo "FAIL $t: exit $rc after $((end - start)) s; crashing input(s):"
        ls "$work/$t/artifacts/" | sed "s|^|  $work/$t/artifacts/|"
        grep -E 'ERROR|property violated|runtime error|SUMMARY' "$log" | head -20 | sed 's/^/  /'
        echo "  full log: $log"
        failed="$failed $t"
    else
        echo "ok   $t: ${runs:-?} inputs in $((end - start)) s, ${cov:-cov: ?}"
    fi
done
nfailed=$(echo $failed | wc -w)
echo "fuzz: $(( $(echo $targets | wc -w) - nfailed )) passed, $nfailed failed"
if [ -n "$failed" ]; then
    echo "run.sh: failed:$failed (reproduce: BUILDDIR/tests/fuzz/fuzz_<target> <input>;" \
         "after the fix, add the input to tests/fuzz/regressions/<target>/)" >&2
    exit 1
fi
