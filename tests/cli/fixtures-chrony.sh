#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The built te-ntp-setup on realistic chrony roots of each distro family (--root):
# exactly the requested sources, every other line kept, a second run changes nothing,
# --dry-run writes nothing, merge mode keeps the existing sources, and the real chronyd
# accepts the result.
. "$(dirname "$0")/../lib.sh"

CHRONYD=$(find_daemon chronyd chrony) || skip_all "chronyd not found (packaging/build-deps --test)"
export TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")
SERVERS="-s ntp1.example.com -s ntp2.example.com"
NOTE='te-ntp-setup (replace mode) disabled: '
NOTE_RE='te-ntp-setup \(replace mode\) disabled(, makestep steps the clock instead)?: '

# The server/pool lines chrony would use: every file of the root's chrony configuration.
active_sources() {
    find "$1/etc" -path "$1/etc/chrony*" -type f \( -name '*.conf' -o -name '*.sources' \) \
        -exec grep -hE '^[[:space:]]*(server|pool)[[:space:]]' {} + | sed 's/^[[:space:]]*//' | sort
}

# Every difference between the original and the result is one of ours.
only_our_changes() { # orig-root new-root
    rc=0
    for f in $(cd "$2" && find . -type f | sort); do
        if [ ! -f "$1/$f" ]; then
            case $f in
            ./var/lib/te-ntp-setup/*) continue ;;     # the journal of the run
            */te-ntp-setup.sources|*/te-ntp-setup.conf) continue ;;
            *) echo "# unexpected new file $f"; rc=1; continue ;;
            esac
        fi
        diff "$1/$f" "$2/$f" > "$TMP/d" && continue
        # A line of a requested server may be rewritten with the requested options.
        removed=$(grep '^<' "$TMP/d" | grep -vcE '^< [[:space:]]*server ntp[12]\.example\.com ')
        bad_removed=$(grep '^<' "$TMP/d" | grep -vcE '^< [[:space:]]*(server|pool|initstepslew)[[:space:]]')
        notes=$(grep -cE "^> [[:space:]]*# $NOTE_RE" "$TMP/d")
        bad_added=$(grep '^>' "$TMP/d" | grep -vE "^> [[:space:]]*# $NOTE_RE" |
            grep -vcE '^> (server ntp[12]\.example\.com iburst|# Step the clock when it is off by more than 1 s in the first 3 updates \(added by te-ntp-setup\)|makestep 1\.0 3)$')
        if [ "$bad_removed" -ne 0 ] || [ "$bad_added" -ne 0 ] || [ "$notes" -ne "$removed" ]; then
            echo "# unexpected change in $f:"; sed 's/^/#   /' "$TMP/d"; rc=1
        fi
        # Each note holds the line it replaced.
        grep '^<' "$TMP/d" | sed 's/^< [[:space:]]*//' | grep -v '^server ntp[12]\.example\.com ' > "$TMP/old"
        grep -E "^> [[:space:]]*# $NOTE_RE" "$TMP/d" | sed -E "s/^> [[:space:]]*# $NOTE_RE//" > "$TMP/noted"
        cmp -s "$TMP/old" "$TMP/noted" || { echo "# notes in $f do not quote the old lines"; rc=1; }
    done
    return $rc
}

# chronyd -p reads the result as the daemon would: the root's /etc over /etc in a private
# mount namespace (root only).
chronyd_accepts() { # root main-conf
    unshare -m --propagation private sh -c \
        "mount --bind '$1/etc' /etc && '$CHRONYD' -p -f '$2'" >"$TMP/p.out" 2>&1 ||
        { sed 's/^/#   /' "$TMP/p.out"; return 1; }
}

can_unshare=no
if [ "$(id -u)" -eq 0 ] && unshare -m --propagation private true 2>/dev/null; then
    can_unshare=yes
elif [ "${TE_REQUIRE_ALL:-}" = 1 ]; then
    not_ok "chronyd -p checks need root and unshare -m"
fi

for spec in \
    debian-12:/etc/chrony/chrony.conf:/etc/chrony/sources.d/te-ntp-setup.sources \
    ubuntu-24.04:/etc/chrony/chrony.conf:/etc/chrony/sources.d/te-ntp-setup.sources \
    rhel-9:/etc/chrony.conf:/etc/chrony.conf \
    amazonlinux-2023:/etc/chrony.conf:/etc/chrony.d/te-ntp-setup.sources \
    sles-15:/etc/chrony.conf:/etc/chrony.d/te-ntp-setup.conf \
    alpine-3.20:/etc/chrony/chrony.conf:/etc/chrony/chrony.conf \
    hand-edited-chrony:/etc/chrony.conf:/etc/chrony.conf
do
    fx=${spec%%:*}; rest=${spec#*:}; main=${rest%%:*}; target=${rest#*:}
    root=$(fresh_root "$fx")

    "$BIN" --root "$root" $SERVERS --detailed-exitcodes >"$TMP/out" 2>&1
    rc=$?
    check "$fx: first run exits 2 (changed)" [ $rc -eq 2 ] || cat "$TMP/out"
    ntp1='server ntp1.example.com iburst'
    # A requested server's existing line keeps its options.
    [ "$fx" = hand-edited-chrony ] && ntp1='server ntp1.example.com iburst minpoll 4 maxpoll 8 prefer'
    printf '%s\nserver ntp2.example.com iburst\n' "$ntp1" > "$TMP/want"
    active_sources "$root" > "$TMP/got"
    check "$fx: exactly the requested sources are active" cmp -s "$TMP/want" "$TMP/got" ||
        sed 's/^/#   /' "$TMP/got"
    check "$fx: the sources are in $target" grep -qxF "$ntp1" "$root$target"
    check "$fx: every other line is unchanged" only_our_changes "$FIXTURES/$fx" "$root"
    grep -rqs '^[[:space:]]*makestep' "$root/etc/chrony.conf" "$root/etc/chrony" "$root/etc/chrony.d"
    check "$fx: a makestep rule is present" [ $? -eq 0 ]
    if [ $can_unshare = yes ]; then
        check "$fx: chronyd -p accepts the result" chronyd_accepts "$root" "$main"
    fi

    snapshot "$root" > "$TMP/snap1"
    "$BIN" --root "$root" $SERVERS --detailed-exitcodes >"$TMP/out" 2>&1
    rc=$?
    check "$fx: second run exits 0" [ $rc -eq 0 ]
    check "$fx: second run says nothing changed" grep -q '^nothing to change' "$TMP/out"
    snapshot "$root" > "$TMP/snap2"
    check "$fx: second run writes nothing (same inodes and mtimes)" cmp -s "$TMP/snap1" "$TMP/snap2"

    root=$(fresh_root "$fx")
    snapshot "$root" > "$TMP/snap1"
    "$BIN" --root "$root" $SERVERS --dry-run --diff --detailed-exitcodes >"$TMP/out" 2>&1
    rc=$?
    snapshot "$root" > "$TMP/snap2"
    check "$fx: --dry-run exits 2" [ $rc -eq 2 ]
    check "$fx: --dry-run writes nothing" cmp -s "$TMP/snap1" "$TMP/snap2"
    check "$fx: --diff shows the new server" grep -qE '^\+([[:space:]]*# te-ntp-setup .*server 192.0.2.10 iburst|server ntp1.example.com iburst)$' "$TMP/out"

    root=$(fresh_root "$fx")
    active_sources "$FIXTURES/$fx" > "$TMP/before"
    "$BIN" --root "$root" $SERVERS --mode merge >/dev/null 2>&1
    active_sources "$root" > "$TMP/after"
    check "$fx: merge keeps every existing source" sh -c "comm -23 '$TMP/before' '$TMP/after' | grep -q . && exit 1 || exit 0"
    check "$fx: merge adds the servers" grep -qx 'server ntp2.example.com iburst' "$TMP/after"
done

# JSON: one object with the files and their diffs.
root=$(fresh_root debian-12)
"$BIN" --root "$root" $SERVERS --json --dry-run > "$TMP/json" 2>/dev/null
check "json: one object naming chrony" grep -q '"implementation":"chrony"' "$TMP/json"
check "json: changed is true" grep -q '"changed":true' "$TMP/json"
check "json: the new file is listed with its diff" grep -q 'te-ntp-setup.sources","created":true,"diff":"--- /dev/null' "$TMP/json"
if command -v python3 >/dev/null 2>&1; then
    check "json: parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/json"
fi

# A configuration chronyd rejects is never written.
root=$(fresh_root debian-12)
printf 'makestep one two\n' > "$root/etc/chrony/conf.d/broken.conf"
snapshot "$root" > "$TMP/snap1"
"$BIN" --root "$root" $SERVERS >"$TMP/out" 2>&1
rc=$?
snapshot "$root" > "$TMP/snap2"
check "rejected config: exit 1" [ $rc -eq 1 ]
check "rejected config: names the file and line" grep -q 'conf.d/broken.conf:1: chronyd rejects' "$TMP/out"
check "rejected config: nothing written" cmp -s "$TMP/snap1" "$TMP/snap2"

# A file that does not parse is reported with its position, and nothing is written.
root=$(fresh_root rhel-9)
printf 'server\n' >> "$root/etc/chrony.conf"
snapshot "$root" > "$TMP/snap1"
"$BIN" --root "$root" $SERVERS >"$TMP/out" 2>&1
rc=$?
snapshot "$root" > "$TMP/snap2"
check "unparsable config: exit 1" [ $rc -eq 1 ]
check "unparsable config: file:line:char" grep -qE 'etc/chrony.conf:[0-9]+:[0-9]+: this line cannot be read: .*Tentp_chrony.lns cannot parse' "$TMP/out"
check "unparsable config: nothing written" cmp -s "$TMP/snap1" "$TMP/snap2"
"$BIN" --root "$root" $SERVERS --json >"$TMP/json" 2>/dev/null
check "unparsable config: the JSON still names the implementation" \
    grep -q '"failed":true.*"implementation":"chrony","service":"chronyd"' "$TMP/json"
finish
