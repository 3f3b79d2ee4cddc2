#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# dhcp: keep | ignore on the fixture roots (--root): with ignore, chrony's sourcedir of the
# DHCP servers is commented out after a note and ntpsec's IGNORE_DHCP is set to "yes",
# every other line unchanged, chronyd -p accepts the result, a second run changes nothing;
# keep (the default) leaves all of it as it is; the others say what would stop DHCP servers.
. "$(dirname "$0")/../lib.sh"

CHRONYD=$(find_daemon chronyd chrony) || skip_all "chronyd not found (packaging/build-deps --test)"
export TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")
DHCP_NOTE='# te-ntp-setup (dhcp: ignore) disabled: '

# The lines of a file that are not in the other one ("< " removed, "> " added).
changes() { # old new
    diff "$1" "$2" | grep '^[<>]'
}

for spec in debian-12:/etc/chrony/chrony.conf rhel-9:/etc/chrony.conf; do
    fx=${spec%%:*}; conf=${spec#*:}

    # keep, the default, and given: the DHCP sourcedir stays.
    for how in default --dhcp=keep; do
        root=$(fresh_root "$fx")
        if [ $how = default ]; then set --; else set -- "$how"; fi
        "$BIN" --root "$root" -s ntp1.example.com "$@" >"$TMP/out" 2>&1
        check "$fx: $how: runs" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/out"
        check "$fx: $how: sourcedir /run/chrony-dhcp stays" \
            grep -qx 'sourcedir /run/chrony-dhcp' "$root$conf"
    done

    # ignore: only that line changes (besides the sources), to the note and the old line.
    root=$(fresh_root "$fx")
    "$BIN" --root "$root" -s ntp1.example.com --dhcp ignore --detailed-exitcodes >"$TMP/out" 2>&1
    check "$fx: ignore: first run changes (exit 2)" [ $? -eq 2 ] || sed 's/^/#   /' "$TMP/out"
    check "$fx: ignore: chronyd -p checked it" sh -c "! grep -q 'not checked' '$TMP/out'"
    check "$fx: ignore: the DHCP sourcedir is commented out after the note" \
        grep -qx "${DHCP_NOTE}sourcedir /run/chrony-dhcp" "$root$conf"
    check "$fx: ignore: no DHCP sourcedir is active" \
        sh -c "! grep -rqsE '^[[:space:]]*sourcedir[[:space:]]+(/var)?/run/chrony-dhcp' '$root/etc'"
    # The same without the source changes: the root with keep.
    keep=$(fresh_root "$fx")
    "$BIN" --root "$keep" -s ntp1.example.com >/dev/null 2>&1
    changes "$keep$conf" "$root$conf" > "$TMP/d"
    printf '%s\n' '< sourcedir /run/chrony-dhcp' "> ${DHCP_NOTE}sourcedir /run/chrony-dhcp" \
        > "$TMP/want"
    check "$fx: ignore: nothing else differs from keep" cmp -s "$TMP/want" "$TMP/d" ||
        sed 's/^/#   /' "$TMP/d"
    check "$fx: ignore: no other file differs from keep" \
        diff -r -x te-ntp-setup -x "$(basename "$conf")" "$keep/etc" "$root/etc"
    if [ "$fx" = debian-12 ]; then
        check "$fx: ignore: the sources.d sourcedir stays" \
            grep -qx 'sourcedir /etc/chrony/sources.d' "$root$conf"
    fi

    snapshot "$root" > "$TMP/snap1"
    "$BIN" --root "$root" -s ntp1.example.com --dhcp ignore --detailed-exitcodes >"$TMP/out" 2>&1
    check "$fx: ignore: second run changes nothing (exit 0)" [ $? -eq 0 ] ||
        sed 's/^/#   /' "$TMP/out"
    "$BIN" --root "$root" -s ntp1.example.com --detailed-exitcodes >"$TMP/out" 2>&1
    check "$fx: keep after ignore leaves the commented line as it is (exit 0)" [ $? -eq 0 ] ||
        sed 's/^/#   /' "$TMP/out"
    snapshot "$root" > "$TMP/snap2"
    check "$fx: ignore: those runs wrote nothing" cmp -s "$TMP/snap1" "$TMP/snap2"

    root=$(fresh_root "$fx")
    snapshot "$root" > "$TMP/snap1"
    "$BIN" --root "$root" -s ntp1.example.com --dhcp ignore --dry-run --diff >"$TMP/out" 2>&1
    snapshot "$root" > "$TMP/snap2"
    check "$fx: ignore --dry-run --diff shows the change" \
        grep -qx "+${DHCP_NOTE}sourcedir /run/chrony-dhcp" "$TMP/out"
    check "$fx: ignore --dry-run writes nothing" cmp -s "$TMP/snap1" "$TMP/snap2"
done

# The settings file's key does the same; the command line wins over it.
printf 'servers: [ntp1.example.com]\ndhcp: ignore\n' > "$TMP/s.yaml"
root=$(fresh_root rhel-9)
"$BIN" --root "$root" -c "$TMP/s.yaml" >"$TMP/out" 2>&1
check "yaml dhcp: ignore comments out the DHCP sourcedir" \
    grep -qx "${DHCP_NOTE}sourcedir /run/chrony-dhcp" "$root/etc/chrony.conf"
root=$(fresh_root rhel-9)
"$BIN" --root "$root" -c "$TMP/s.yaml" --dhcp keep >"$TMP/out" 2>&1
check "--dhcp keep overrides the file's dhcp: ignore" \
    grep -qx 'sourcedir /run/chrony-dhcp' "$root/etc/chrony.conf"

# ntpsec: IGNORE_DHCP="yes" in /etc/default/ntpsec, only that value changed.
root=$(fresh_root debian12-ntpsec)
"$BIN" --root "$root" -s ntp1.example.com --dhcp ignore --detailed-exitcodes >"$TMP/out" 2>&1
check "ntpsec: ignore: first run changes (exit 2)" [ $? -eq 2 ] || sed 's/^/#   /' "$TMP/out"
changes "$FIXTURES/debian12-ntpsec/etc/default/ntpsec" "$root/etc/default/ntpsec" > "$TMP/d"
printf '%s\n' '< IGNORE_DHCP=""' '> IGNORE_DHCP="yes"' > "$TMP/want"
check "ntpsec: ignore: only IGNORE_DHCP changes in /etc/default/ntpsec" cmp -s "$TMP/want" "$TMP/d" ||
    sed 's/^/#   /' "$TMP/d"
"$BIN" --root "$root" -s ntp1.example.com --dhcp ignore --detailed-exitcodes >"$TMP/out" 2>&1
check "ntpsec: ignore: second run changes nothing" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/out"
root=$(fresh_root debian12-ntpsec)
"$BIN" --root "$root" -s ntp1.example.com >"$TMP/out" 2>&1
check "ntpsec: keep leaves /etc/default/ntpsec alone" \
    cmp -s "$FIXTURES/debian12-ntpsec/etc/default/ntpsec" "$root/etc/default/ntpsec"
# Without an assignment, one is added at the end after a comment.
root=$(fresh_root debian12-ntpsec)
sed -i '/^IGNORE_DHCP=/d' "$root/etc/default/ntpsec"
cp "$root/etc/default/ntpsec" "$TMP/before"
"$BIN" --root "$root" -s ntp1.example.com --dhcp ignore >"$TMP/out" 2>&1
changes "$TMP/before" "$root/etc/default/ntpsec" > "$TMP/d"
printf '%s\n' '> # Ignore the NTP servers from DHCP (set by te-ntp-setup, dhcp: ignore)' \
    '> IGNORE_DHCP="yes"' > "$TMP/want"
check "ntpsec: ignore: IGNORE_DHCP added when missing" cmp -s "$TMP/want" "$TMP/d" ||
    sed 's/^/#   /' "$TMP/d"

# The classic ntpd, timesyncd and OpenNTPD: a note says what would stop DHCP servers.
root=$(fresh_root ubuntu2004-ntp)
mkdir -p "$root/etc/dhcp/dhclient-exit-hooks.d"
printf '# hook\n' > "$root/etc/dhcp/dhclient-exit-hooks.d/ntp"
"$BIN" --root "$root" -s ntp1.example.com --dhcp ignore >"$TMP/out" 2>&1
check "ntpd: ignore: a warning names the dhclient hook" \
    grep -q 'warning: dhcp: ignore: /etc/dhcp/dhclient-exit-hooks.d/ntp exists' "$TMP/out"
root=$(fresh_root debian12-timesyncd)
"$BIN" --root "$root" -s ntp1.example.com --dhcp ignore >"$TMP/out" 2>&1
check "timesyncd: ignore: a warning names UseNTP=no" grep -q 'warning: dhcp: ignore: .*UseNTP=no' "$TMP/out"
root=$(fresh_root debian12-timesyncd)
"$BIN" --root "$root" -s ntp1.example.com >"$TMP/out" 2>&1
check "timesyncd: keep: no DHCP note" sh -c "! grep -q 'dhcp' '$TMP/out'"
finish
