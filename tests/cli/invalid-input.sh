#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Bad input: a clear message naming the bad value, exit 64, and nothing on disk changed.
. "$(dirname "$0")/../lib.sh"

root=$(fresh_root debian-12)
snapshot "$root" > "$TMP/snap0"

# expect_usage DESCRIPTION EXPECTED-MESSAGE ARGS...
expect_usage() {
    desc=$1; want=$2; shift 2
    "$BIN" --root "$root" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    snapshot "$root" > "$TMP/snap"
    if [ $rc -eq 64 ] && grep -qF -- "$want" "$TMP/err" && cmp -s "$TMP/snap0" "$TMP/snap"; then
        ok "$desc"
    else
        not_ok "$desc (exit $rc)"
        sed 's/^/#   /' "$TMP/err"
    fi
}

tab=$(printf '\t')
ctl=$(printf 'a\001b')
long=$(printf '%0254d' 0 | tr 0 a)
label64=$(printf '%064d' 0 | tr 0 b).example.com

expect_usage "empty name" 'invalid server name "": it is empty' -s ''
expect_usage "too long" 'is longer than 253 characters' -s "$long"
expect_usage "label too long" 'has a label longer than 63 characters' -s "$label64"
expect_usage "leading dash" "invalid server name \"-iburst.example\": it starts with '-'" --server=-iburst.example
expect_usage "whitespace" 'invalid server name "ntp .example.com": it contains whitespace' -s 'ntp .example.com'
expect_usage "tab" 'invalid server name "ntp\t.example.com": it contains' -s "ntp${tab}.example.com"
expect_usage "control character" 'invalid server name "a\x01b": it contains a control character' -s "$ctl"
expect_usage "hash" 'invalid server name "ntp#1": it contains a character' -s 'ntp#1'
expect_usage "semicolon" 'invalid server name "ntp;rm": it contains a character' -s 'ntp;rm'
expect_usage "backslash" 'invalid server name "ntp\\x": it contains a character' -s 'ntp\x'
expect_usage "double quote" 'invalid server name "ntp\"x": it contains a character' -s 'ntp"x'
expect_usage "single quote" "invalid server name \"ntp'x\": it contains a character" -s "ntp'x"
expect_usage "keyword" 'invalid server name "iburst": it is a configuration keyword' -s iburst
expect_usage "keyword as pool" 'invalid pool name "server": it is a configuration keyword' -p server
expect_usage "bad IPv6" 'invalid server name "2001:db8::zz": it is not a valid IPv6 address' -s 2001:db8::zz
expect_usage "all digits" 'is all digits but not an IPv4 address' -s 256.1.1.1
expect_usage "duplicate" 'server "ntp1.example.com" is given twice' -s ntp1.example.com -s ntp1.example.com
expect_usage "bad mode" '--mode must be replace or merge, not "sideways"' -m sideways
expect_usage "bad implementation" 'unknown implementation "ntpx"' -i ntpx
expect_usage "bad dhcp" '--dhcp must be keep or ignore, not "sometimes"' --dhcp sometimes
expect_usage "unknown option" "unrecognized option '--frobnicate'" --frobnicate
expect_usage "unknown command" "unknown command or argument 'frobnicate'" frobnicate
expect_usage "missing settings file" "$TMP/nope.yaml: cannot read the settings file" -c "$TMP/nope.yaml"

# YAML settings files: every error as file:line:col: message, all of them reported.
yaml() { printf '%s\n' "$@" > "$TMP/s.yaml"; }
yaml 'servers:' '  - ntp1.example.com' 'colour: blue'
expect_usage "yaml: unknown key" "$TMP/s.yaml:3:1: unknown key \"colour\"" -c "$TMP/s.yaml"
yaml 'servers:' '  - host: ntp1.example.com' '    burst: true'
expect_usage "yaml: unknown server key" "$TMP/s.yaml:3:5: unknown key \"burst\" in an entry of 'servers'" -c "$TMP/s.yaml"
yaml 'servers: ntp1.example.com'
expect_usage "yaml: servers not a list" "$TMP/s.yaml:1:10: 'servers' must be a list, not a scalar" -c "$TMP/s.yaml"
yaml 'servers:' '  - host: ntp1.example.com' '    iburst: maybe'
expect_usage "yaml: bad bool" "$TMP/s.yaml:3:13: 'iburst' must be true or false, not \"maybe\"" -c "$TMP/s.yaml"
yaml 'servers:' '  - host: ntp1.example.com' '    minpoll: 99'
expect_usage "yaml: minpoll range" "$TMP/s.yaml:3:14: 'minpoll' must be an integer from -6 to 24, not \"99\"" -c "$TMP/s.yaml"
yaml 'servers:' '  - iburst: true'
expect_usage "yaml: no host" "$TMP/s.yaml:2:5: an entry of 'servers' has no 'host'" -c "$TMP/s.yaml"
yaml 'servers:' '  - ntp1.example.com' 'dhcp: off'
expect_usage "yaml: bad dhcp" "$TMP/s.yaml:3:7: 'dhcp' must be keep or ignore, not \"off\"" -c "$TMP/s.yaml"
yaml 'servers: [ntp1.example.com'
expect_usage "yaml: syntax error" "$TMP/s.yaml:2:1: did not find expected ',' or ']'" -c "$TMP/s.yaml"
yaml 'servers:' '  - "bad name"'
expect_usage "yaml: bad name" 'invalid server name "bad name": it contains whitespace' -c "$TMP/s.yaml"
yaml 'mode: sideways' 'implementation: ntpx' 'extra: 1'
"$BIN" --root "$root" -c "$TMP/s.yaml" >/dev/null 2>"$TMP/err"
check "yaml: all three errors are reported" [ "$(grep -c "$TMP/s.yaml:[0-9]*:[0-9]*:" "$TMP/err")" -eq 3 ]
yaml 'servers: [ntp1.example.com]' 'mode: merge' 'servers: [ntp2.example.com]'
expect_usage "yaml: a key given twice" "$TMP/s.yaml:3:1: duplicate key \"servers\" (first at line 1)" -c "$TMP/s.yaml"
yaml 'servers: ["ntp1.example.com\0.evil"]'
expect_usage "yaml: a NUL in a name" "$TMP/s.yaml:1:11: the string \"ntp1.example.com\" is followed by a NUL" -c "$TMP/s.yaml"
yaml 'servers: []'
expect_usage "yaml: an empty servers list" "$TMP/s.yaml:1:10: 'servers' is empty" -c "$TMP/s.yaml"

# A write error on standard output is an error (not exit 0 with the output lost).
if [ -w /dev/full ]; then
    for cmd in "detect --root $root" "--root $root -s ntp1.example.com --dry-run" \
               "check --timeout 1 127.0.0.1:9" "--help"; do
        # shellcheck disable=SC2086
        "$BIN" $cmd >/dev/full 2>"$TMP/err"
        rc=$?
        check "'$cmd > /dev/full': exit $rc is not 0" [ $rc -ne 0 ]
        check "'$cmd > /dev/full': says it cannot write" \
            grep -q 'cannot write to standard output' "$TMP/err"
    done
    "$BIN" detect --root "$root" --json >/dev/full 2>"$TMP/err"
    check "'detect --json > /dev/full': exit 1" [ $? -eq 1 ]
    # A run that changed the system keeps its status: exit 1 would say it was put back.
    w=$(fresh_root debian-12)
    "$BIN" --root "$w" -s ntp1.example.com --detailed-exitcodes >/dev/full 2>"$TMP/err"
    rc=$?
    check "'apply > /dev/full' that changed files: exit 2 (changed), not 1 (put back)" \
        [ $rc -eq 2 ] || sed 's/^/#   /' "$TMP/err"
    check "'apply > /dev/full' that changed files: says it cannot write, and that the change stays" \
        grep -q 'cannot write to standard output.*exit status 2, and what it did stays done' \
        "$TMP/err"
    check "'apply > /dev/full' that changed files: the change is in place" \
        grep -q 'ntp1.example.com' "$w/etc/chrony/sources.d/te-ntp-setup.sources"
fi
finish
