#!/bin/sh
# What apply prints at each verbosity (--quiet, default, --verbose), on a fixture root.
. "$(dirname "$0")/lib.sh"

# quiet: nothing but errors.
root=$(fresh_root debian12-timesyncd)
"$BIN" --root "$root" -s ntp1.example.com --quiet >"$TMP/out" 2>"$TMP/err"
rc=$?
check "--quiet: exit 0" [ $rc -eq 0 ]
check "--quiet: nothing on stdout" [ ! -s "$TMP/out" ]
check "--quiet: nothing on stderr" [ ! -s "$TMP/err" ]
check "--quiet: the change was made" grep -q '^NTP=ntp1.example.com' \
    "$root/etc/systemd/timesyncd.conf.d/te-ntp-setup.conf"

# default: what was done and warnings, no notes.
"$BIN" --root "$root" -s ntp2.example.com >"$TMP/out" 2>"$TMP/err"
check "default: the action is printed" grep -q '^changed .*/te-ntp-setup.conf$' "$TMP/out"
check "default: no notes" sh -c "! grep -q 'note:' '$TMP/err'"

# verbose: the notes too.
"$BIN" --root "$root" -s ntp3.example.com --verbose >"$TMP/out" 2>"$TMP/err"
check "--verbose: the action is printed" grep -q '^changed .*/te-ntp-setup.conf$' "$TMP/out"
check "--verbose: notes on stderr" grep -q '^te-ntp-setup: note: systemd-timesyncd' "$TMP/err"
check "-v is --verbose" sh -c "'$BIN' --root '$root' -s ntp3.example.com -v 2>&1 | grep -q 'note:'"

# quiet still prints the errors, and the JSON object when asked for.
"$BIN" --root "$root" -s 'bad name' -q >"$TMP/out" 2>"$TMP/err"
rc=$?
check "--quiet: a usage error exits 64" [ $rc -eq 64 ]
check "--quiet: the error is printed" grep -q 'error: invalid server name "bad name"' "$TMP/err"
"$BIN" --root "$root" -s ntp4.example.com -q --json >"$TMP/out" 2>"$TMP/err"
check "--quiet --json: the JSON object is printed" grep -q '^{"changed":true,' "$TMP/out"
check "--quiet --json: no notes" [ ! -s "$TMP/err" ]

finish
