#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# What apply prints at each verbosity (--quiet, default, --verbose), on a fixture root.
. "$(dirname "$0")/../lib.sh"

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

# ---- messages never carry a name's control characters raw (README: names are escaped) ----
ESC=$(printf '\033')
"$BIN" check --timeout 1 "$(printf 'a\033[31mRED')" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "check, a name with an escape sequence: UNKNOWN (exit $rc)" [ $rc -eq 3 ]
check "check, a name with an escape sequence: no raw escape in the output" \
    sh -c "! grep -q '$ESC' '$TMP/out' '$TMP/err'"
check "check, a name with an escape sequence: shown escaped" grep -qF 'a\x1b[31mRED' "$TMP/err"
"$BIN" check --timeout 1 "$(printf 'a\nb')" >"$TMP/out" 2>"$TMP/err"
check "check, a name with a newline: one line of error" [ "$(wc -l < "$TMP/err")" -eq 1 ]
check "check, a name with a newline: shown escaped" grep -qF '"a\nb"' "$TMP/err"
"$BIN" check --timeout 1 "ntp1.example.com:$(printf '1\0332')" >"$TMP/out" 2>"$TMP/err"
check "check, a port with an escape sequence: no raw escape" sh -c "! grep -q '$ESC' '$TMP/err'"

# ---- options before the command word ----------------------------------------------------
root=$(fresh_root debian-12)
"$BIN" --root "$root" rollback >"$TMP/out" 2>"$TMP/err"
rc=$?
check "'--root IMG rollback' is rollback (exit $rc)" \
    sh -c "[ $rc -eq 0 ] && grep -q 'nothing to roll back' '$TMP/out' '$TMP/err'"
"$BIN" --json --root "$root" rollback >"$TMP/out" 2>"$TMP/err"
check "'--json --root IMG rollback' is rollback with JSON" grep -q '"notes":\["nothing to roll back' "$TMP/out"
"$BIN" -r "$root" detect >"$TMP/out" 2>"$TMP/err"
check "'-r IMG detect' is detect" grep -q 'chrony' "$TMP/out"
"$BIN" --root="$root" -s ntp1.example.com --dry-run apply >"$TMP/out" 2>"$TMP/err"
check "'--root=IMG -s X --dry-run apply' is apply" grep -q '^would change' "$TMP/out"
"$BIN" --root "$root" bogus >"$TMP/out" 2>"$TMP/err"
rc=$?
check "'--root IMG bogus': a usage error (exit $rc)" \
    sh -c "[ $rc -eq 64 ] && grep -q \"unknown command or argument 'bogus'\" '$TMP/err'"

# ---- a failed real run says what failed, never "would change" ---------------------------
CHRONYD=$(find_daemon chronyd chrony) || CHRONYD=
if [ -n "$CHRONYD" ]; then
    root=$(fresh_root debian-12)
    printf 'makestep one two\n' > "$root/etc/chrony/conf.d/broken.conf"
    TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD") "$BIN" --root "$root" -s ntp1.example.com \
        >"$TMP/out" 2>"$TMP/err"
    rc=$?
    check "a failed real run: exit 1" [ $rc -eq 1 ]
    check "a failed real run: no 'would change' line" sh -c "! grep -q '^would' '$TMP/out'"
    check "a failed real run: says the files were not changed" \
        grep -q "^not changed: $root/etc/chrony/chrony.conf" "$TMP/out"
else
    [ "${TE_REQUIRE_ALL:-}" = 1 ] && not_ok "chronyd is needed for the failed-run output"
fi

# ---- a journal that cannot be completed is no success -----------------------------------
if command -v strace >/dev/null 2>&1; then
    root=$(fresh_root debian12-timesyncd)
    cp -a "$root" "$TMP/orig"
    # The only rename in the journal directory (its descriptor) is the one that completes the
    # run. (Under ptrace, LeakSanitizer cannot run: in the ASan build it stays off here.)
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -o /dev/null -P "$root/var/lib/te-ntp-setup" \
        -e trace=rename,renameat,renameat2 \
        -e inject=rename,renameat,renameat2:error=EIO "$BIN" --root "$root" -s ntp1.example.com \
        >"$TMP/out" 2>"$TMP/err"
    rc=$?
    check "a failed commit: not exit 0 (exit $rc: 3)" [ $rc -eq 3 ]
    check "a failed commit: the error names the journal under the root" \
        grep -q "error: .*$root/var/lib/te-ntp-setup/current" "$TMP/err"
    sed 's/^/#   /' "$TMP/err"
    "$BIN" --root "$root" rollback >"$TMP/out" 2>"$TMP/err"
    rc=$?
    check "a failed commit: rollback restores the original files (exit $rc)" \
        sh -c "[ $rc -eq 0 ] && [ \"\$(cd '$TMP/orig/etc' && find . -type f | sort | xargs sha256sum)\" = \"\$(cd '$root/etc' && find . -type f | sort | xargs sha256sum)\" ]"
    rm -rf "$TMP/orig"
elif [ "${TE_REQUIRE_ALL:-}" = 1 ]; then
    not_ok "strace is needed for the failed-commit test"
fi

# ---- firewall --dry-run as non-root cannot read the rules: it says so ----------------------
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null && command -v setpriv >/dev/null &&
   NFT=$(command -v nft); then
    unshare -n sh -c "'$NFT' add table inet t && '$NFT' 'add chain inet t o { type filter hook output priority 0; policy drop; }' &&
        '$BIN' firewall --dry-run -s 192.0.2.1 > '$TMP/root.out' 2>&1;
        setpriv --reuid=65534 --regid=65534 --clear-groups '$BIN' firewall --dry-run -s 192.0.2.1 \
            > '$TMP/out' 2> '$TMP/err'; echo \$? > '$TMP/rc'"
    rc=$(cat "$TMP/rc")
    check "firewall as root in the namespace: sees the blocking rule" grep -q 'is blocked' "$TMP/root.out"
    check "firewall --dry-run as non-root: not 'none active; nothing to do'" \
        sh -c "! grep -q 'nothing to do' '$TMP/out'"
    check "firewall --dry-run as non-root: not exit 0 (exit $rc)" [ "$rc" -ne 0 ]
    check "firewall --dry-run as non-root: says it cannot tell without root" \
        grep -q 'cannot tell .* without root' "$TMP/err"
    sed 's/^/#   /' "$TMP/out" "$TMP/err"
elif [ "${TE_REQUIRE_ALL:-}" = 1 ]; then
    not_ok "the non-root firewall test needs root, unshare -n, setpriv and nft"
fi

# ---- JSON: every command prints one object with the keys of the man page (JSON OUTPUT) --
if ! command -v python3 >/dev/null 2>&1; then
    [ "${TE_REQUIRE_ALL:-}" = 1 ] && not_ok "python3 is needed for the JSON checks"
    finish
    exit
fi
cat > "$TMP/keys.py" <<'PY'
# keys.py FILE KEY...: FILE holds one JSON object with exactly these keys; the common ones
# (changed, failed: booleans; warnings, errors, notes: lists of strings) have their types,
# and the message keys come in one order everywhere: warnings, errors, notes.
import json, sys
text = open(sys.argv[1]).read()
assert text.endswith("\n") and text.count("\n") == 1, "not one line: %r" % text
obj = json.loads(text)
want = sys.argv[2:]
assert sorted(obj) == sorted(want), "keys %s, expected %s" % (sorted(obj), sorted(want))
for k in ("changed", "failed"):
    assert isinstance(obj[k], bool), k
for k in ("warnings", "errors", "notes"):
    assert isinstance(obj[k], list) and all(isinstance(x, str) for x in obj[k]), k
order = [k for k in obj if k in ("warnings", "errors", "notes")]
assert order == ["warnings", "errors", "notes"], "message keys in the order %s" % order
PY
COMMON="changed failed warnings errors notes"
keys() { # description file key...
    desc=$1; shift
    if python3 "$TMP/keys.py" "$@" 2>"$TMP/keys.err"; then ok "$desc"; else
        not_ok "$desc"; sed 's/^/#   /' "$TMP/keys.err"; fi
}
APPLY_KEYS="$COMMON restored dry_run implementation service root sources sources_from refclock serve local_stratum files synchronized verification
    actions skip_reason"

root=$(fresh_root debian-12)
"$BIN" --root "$root" -s ntp1.example.com --json --dry-run > "$TMP/j" 2>/dev/null
keys "apply --json: its keys" "$TMP/j" $APPLY_KEYS
"$BIN" --root "$root" -s ntp1.example.com --json > "$TMP/j" 2>/dev/null
keys "apply --json (changed): its keys" "$TMP/j" $APPLY_KEYS
"$BIN" detect --root "$root" --json > "$TMP/j" 2>/dev/null
keys "detect --json: its keys" "$TMP/j" $COMMON implementation service config_files conflicts \
    root live distro init platform container implementations
"$BIN" rollback --root "$root" --json > "$TMP/j" 2>/dev/null
keys "rollback --json: its keys" "$TMP/j" $COMMON restored root actions
check "rollback --json: changed" grep -q '^{"changed":true,' "$TMP/j"
"$BIN" rollback --root "$root" --json > "$TMP/j" 2>/dev/null
keys "rollback --json (nothing to do): its keys" "$TMP/j" $COMMON restored root actions
check "rollback --json (nothing to do): a note says so" \
    grep -q '"notes":\["nothing to roll back' "$TMP/j"
printf '{"root": "%s", "bogus": 1}' "$root" > "$TMP/args"
"$BIN" ansible-module "$TMP/args" > "$TMP/j" 2>/dev/null
keys "ansible-module, bad arguments: its keys" "$TMP/j" $COMMON msg
printf '{"root": "%s", "servers": ["ntp1.example.com"], "_ansible_diff": true}' "$root" \
    > "$TMP/args"
"$BIN" ansible-module "$TMP/args" > "$TMP/j" 2>/dev/null
keys "ansible-module: its keys" "$TMP/j" $APPLY_KEYS msg diff

# firewall and check look at the network: in a network namespace of their own, where
# nothing answers and no firewall is set up (root only).
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
    unshare -n "$BIN" firewall --json --dry-run -s 192.0.2.1 > "$TMP/j" 2>/dev/null
    keys "firewall --json: its keys" "$TMP/j" $COMMON command action dry_run firewalls
    unshare -n "$BIN" check --json --timeout 1 127.0.0.1:9 > "$TMP/j" 2>/dev/null
    rc=$?
    check "check --json, no answer: UNKNOWN (3)" [ $rc -eq 3 ]
    keys "check --json: its keys" "$TMP/j" $COMMON state exit_code offset offset_text server \
        warn crit plugin_output servers authenticated daemon diagnosis
    check "check --json, no answer: failed" grep -q '"failed":true' "$TMP/j"
elif [ "${TE_REQUIRE_ALL:-}" = 1 ]; then
    not_ok "firewall and check JSON need root and unshare -n"
fi
"$BIN" check --json 'bad name' > "$TMP/j" 2>/dev/null
keys "check --json, an invalid server: its keys" "$TMP/j" $COMMON state exit_code

# Every implementation --implementation accepts is named where users read about the tool:
# the package descriptions and the shipped settings file.
for impl in chrony ntpd ntpsec timesyncd openntpd; do
    check "the settings file doc/te-ntp-setup.yaml lists implementation $impl" \
        grep -qE "^#implementation: .*\\| $impl( |$)" "$top_srcdir/doc/te-ntp-setup.yaml"
    check "the Debian and RPM package descriptions name $impl" \
        sh -c "sed -n '/^Description:/,\$p' '$top_srcdir/packaging/debian/control' | grep -qi '$impl' &&
               sed -n '/^%description/,/^%prep/p' '$top_srcdir/packaging/rpm/te-ntp-setup.spec' | grep -qi '$impl'"
done

finish
