#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every lens in lenses/ passes its augparse test (lenses/tests/test_<lens>.aug).
. "$(dirname "$0")/../lib.sh"

AUGPARSE=${AUGPARSE:-augparse}
command -v "$AUGPARSE" >/dev/null 2>&1 || skip_all "augparse is not installed"
for lens in "$top_srcdir"/lenses/*.aug; do
    name=$(basename "$lens" .aug)
    test_file="$top_srcdir/lenses/tests/test_$name.aug"
    if [ ! -f "$test_file" ]; then
        not_ok "lens $name has a test"
        continue
    fi
    if out=$("$AUGPARSE" -I "$top_srcdir/lenses" "$test_file" 2>&1); then
        ok "augparse test_$name.aug"
    else
        not_ok "augparse test_$name.aug"
        echo "$out" | sed 's/^/# /'
    fi
done
finish
