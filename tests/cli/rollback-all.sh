#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# rollback --all (issue 20): after several runs (the package hook's, then an admin's),
# plain rollback reaches one run back, and rollback --all returns every file the tool ever
# changed to what it held before the tool's first run: the fixture root byte for byte, the
# files it created removed. A file changed by hand since is left alone (exit 3).
. "$(dirname "$0")/../lib.sh"

if CHRONYD=$(find_daemon chronyd chrony); then
    export TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")
fi
# content and mode of every file, so that a restored file compares equal to the original
state() { (cd "$1" && find . -type f ! -path './var/lib/te-ntp-setup/*' -print0 | sort -z |
           xargs -0 -r stat -c '%n %a' && find . -type f ! -path './var/lib/te-ntp-setup/*' \
           -print0 | sort -z | xargs -0 -r sha256sum); }

for fx in debian-12 rhel-9 debian12-ntpsec; do
    root=$(fresh_root "$fx")
    state "$root" > "$TMP/pristine"
    "$BIN" --root "$root" -s ntp1.example.com > "$TMP/out" 2>&1
    check "$fx: first run (the hook's)" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/out"
    state "$root" > "$TMP/after1"
    "$BIN" --root "$root" -s ntp2.example.com -p pool.example.org > "$TMP/out" 2>&1
    check "$fx: second run (an admin's)" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/out"
    "$BIN" rollback --root "$root" > "$TMP/out" 2>&1
    rc=$?
    state "$root" > "$TMP/now"
    check "$fx: plain rollback: back to the first run's result" \
        sh -c "[ $rc -eq 0 ] && cmp -s '$TMP/now' '$TMP/after1'"
    "$BIN" rollback --root "$root" > "$TMP/out" 2>&1
    check "$fx: a second plain rollback has nothing to undo (one run back)" \
        grep -q '^nothing to roll back' "$TMP/out"
    "$BIN" rollback --root "$root" --all > "$TMP/out" 2>&1
    rc=$?
    check "$fx: rollback --all: exit 0" [ $rc -eq 0 ] || sed 's/^/#   /' "$TMP/out"
    state "$root" > "$TMP/now"
    check "$fx: rollback --all: every file as before the first run" \
        cmp -s "$TMP/now" "$TMP/pristine" || diff "$TMP/pristine" "$TMP/now" | sed 's/^/#   /' 
    "$BIN" rollback --root "$root" --all > "$TMP/out" 2>&1
    check "$fx: then nothing is left to roll back" \
        sh -c "[ $? -eq 0 ] && grep -q '^nothing to roll back' '$TMP/out'"

    # Three runs, then --all at once (no plain rollback in between).
    "$BIN" --root "$root" -s ntp1.example.com > /dev/null 2>&1
    "$BIN" --root "$root" -s ntp2.example.com > /dev/null 2>&1
    "$BIN" --root "$root" -s ntp3.example.com --mode merge > /dev/null 2>&1
    "$BIN" rollback --root "$root" --all --json > "$TMP/out" 2>&1
    rc=$?
    state "$root" > "$TMP/now"
    check "$fx: three runs, rollback --all: every file as before" \
        sh -c "[ $rc -eq 0 ] && cmp -s '$TMP/now' '$TMP/pristine'" || sed 's/^/#   /' "$TMP/out"
done

# A file changed by hand after the tool's last run is not overwritten.
root=$(fresh_root rhel-9)
"$BIN" --root "$root" -s ntp1.example.com > /dev/null 2>&1
echo '# a local edit' >> "$root/etc/chrony.conf"
cp "$root/etc/chrony.conf" "$TMP/edited"
"$BIN" rollback --root "$root" --all > "$TMP/out" 2>&1
rc=$?
check "hand-edited since: rollback --all exits 3" [ $rc -eq 3 ] || sed 's/^/#   /' "$TMP/out"
check "hand-edited since: the file is left as the admin left it" cmp -s "$root/etc/chrony.conf" "$TMP/edited"
check "hand-edited since: says so" grep -q 'changed since te-ntp-setup last wrote it' "$TMP/out"
finish
