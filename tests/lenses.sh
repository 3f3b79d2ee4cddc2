#!/bin/sh
# Run every lens test through augparse (77 = skip when augparse is missing).
set -u
: "${top_srcdir:=.}"
if [ -z "${AUGPARSE:-}" ] || [ "$AUGPARSE" = no ]; then
    echo "augparse not found: lens tests skipped"
    exit 77
fi
rc=0
for t in "$top_srcdir"/lenses/tests/test_*.aug; do
    if "$AUGPARSE" -I "$top_srcdir/lenses" "$t"; then
        echo "ok $(basename "$t")"
    else
        echo "FAIL $(basename "$t")"
        rc=1
    fi
done
exit $rc
