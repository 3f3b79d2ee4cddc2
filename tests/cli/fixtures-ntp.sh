#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fixture roots of ntpd, ntpsec, systemd-timesyncd and OpenNTPD through the built binary:
# exactly the requested sources, every other line unchanged, a second run changes nothing,
# --dry-run writes nothing.
. "$(dirname "$0")/../lib.sh"

FIX=$FIXTURES
NOTE='# te-ntp-setup (replace mode) disabled: '

# run ROOT ARGS...: the binary on ROOT with the test sources; the exit code in $rc
run() {
    r=$1; shift
    "$BIN" --root "$r" -s ntp1.example.com -p pool.example.org --detailed-exitcodes ${ACCEPT:-} "$@" \
        >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

# check NAME FIXTURE CONF EXPECTED-SOURCE-LINES [EXTRA-ADDED-LINES]: an in-place edit
check_edit() {
    name=$1 fixture=$2 conf=$3 want=$4 extra=${5:-}
    f0=$FAILED
    root="$TMP/$name"
    cp -a "$FIX/$fixture" "$root"
    [ -n "${PREPARE:-}" ] && eval "$PREPARE"

    # --dry-run writes nothing (and says it would change: exit 2)
    run "$root" --dry-run
    [ "$rc" = 2 ] || not_ok "$name: --dry-run exited $rc, not 2: $(cat "$TMP/err")"
    cp -a "$FIX/$fixture" "$TMP/pristine"
    [ -n "${PREPARE:-}" ] && root_save=$root && root="$TMP/pristine" && eval "$PREPARE" &&
        root=$root_save
    diff -r "$TMP/pristine" "$root" >/dev/null || not_ok "$name: --dry-run changed files"
    rm -rf "$TMP/pristine"

    cp "$root$conf" "$TMP/before"
    run "$root"
    [ "$rc" = 2 ] || not_ok "$name: first run exited $rc, not 2: $(cat "$TMP/err")"

    # exactly the requested sources are active (reference clocks aside)
    grep -E '^[[:space:]]*(server|servers|pool)[[:space:]]' "$root$conf" |
        grep -v '127\.127\.' >"$TMP/active"
    printf '%s\n' "$want" >"$TMP/want"
    diff -u "$TMP/want" "$TMP/active" || not_ok "$name: active sources differ"

    # every other line is unchanged: undo the disabling notes, drop the added lines
    printf '%s\n' "$want" "$extra" | grep -v '^$' >"$TMP/added"
    sed "s/^\([[:space:]]*\)$NOTE/\1/" "$root$conf" | grep -vxF -f "$TMP/added" >"$TMP/undone"
    diff -u "$TMP/before" "$TMP/undone" || not_ok "$name: lines other than the sources changed"

    # a second run changes nothing
    st1=$(stat -c '%i %Y %y' "$root$conf")
    run "$root"
    [ "$rc" = 0 ] || not_ok "$name: second run exited $rc, not 0: $(cat "$TMP/out" "$TMP/err")"
    st2=$(stat -c '%i %Y %y' "$root$conf")
    [ "$st1" = "$st2" ] || not_ok "$name: second run rewrote $conf"
    grep -q '^nothing to change' "$TMP/out" || not_ok "$name: second run did not say nothing to change"
    [ "$FAILED" = "$f0" ] && ok "$name"
}

NTP_WANT='server ntp1.example.com iburst
pool pool.example.org iburst'

check_edit debian12-ntpsec debian12-ntpsec /etc/ntpsec/ntp.conf "$NTP_WANT"
grep -q '^ntpsec:' "$TMP/out" || not_ok "debian12-ntpsec: not planned for ntpsec"
check_edit centos7-ntp centos7-ntp /etc/ntp.conf "$NTP_WANT"
grep -q '^ntpd:.*service ntpd' "$TMP/out" || not_ok "centos7-ntp: not ntpd with service ntpd"
check_edit ubuntu2004-ntp ubuntu2004-ntp /etc/ntp.conf "$NTP_WANT"
grep -q '^ntpd:.*service ntp,' "$TMP/out" || not_ok "ubuntu2004-ntp: not ntpd with service ntp"
# Its 'server 192.0.2.10 key 5' authenticates: replace mode refuses to drop that (exit 64,
# nothing changed) unless the downgrade is accepted.
cp -a "$FIX/hand-edited-ntp" "$TMP/hand-edited-refused"
run "$TMP/hand-edited-refused"
[ "$rc" = 64 ] || not_ok "hand-edited-ntp: a keyed source replaced without a word (exit $rc)"
grep -q 'ntp.conf:17:2: .server 192.0.2.10 key 5 iburst. authenticates' "$TMP/err" ||
    not_ok "hand-edited-ntp: the refusal does not name the keyed line: $(cat "$TMP/err")"
diff -r "$FIX/hand-edited-ntp" "$TMP/hand-edited-refused" >/dev/null ||
    not_ok "hand-edited-ntp: the refused run changed files"
ACCEPT=--accept-auth-downgrade
check_edit hand-edited-ntp hand-edited-ntp /etc/ntp.conf "$NTP_WANT"
ACCEPT=
# the reference clock, peers, fudge, restrict and tinker lines stay
for l in 'server 127.127.1.0' 'fudge  127.127.1.0 stratum 10' 'tinker panic 0' \
    '  peer 198.51.100.7 minpoll 6 # lab peer'; do
    grep -qxF "$l" "$TMP/hand-edited-ntp/etc/ntp.conf" || not_ok "hand-edited-ntp: lost '$l'"
done

# Without -g in the options file, "tinker panic 0" is added.
PREPARE='sed -i "s/-g -N/-N/" "$root/etc/default/ntpsec"'
check_edit ntpsec-without-g debian12-ntpsec /etc/ntpsec/ntp.conf "$NTP_WANT" \
    '# Correct a clock that is far off instead of giving up (added by te-ntp-setup)
tinker panic 0'
grep -qx 'tinker panic 0' "$TMP/ntpsec-without-g/etc/ntpsec/ntp.conf" ||
    not_ok "ntpsec-without-g: no tinker panic 0"
PREPARE=

check_edit debian12-openntpd debian12-openntpd /etc/openntpd/ntpd.conf \
'server ntp1.example.com
servers pool.example.org'

# timesyncd: one drop-in owned by the tool, nothing else touched.
for fixture in debian12-timesyncd ubuntu2204-timesyncd; do
    name=$fixture
    f0=$FAILED
    root="$TMP/$name"
    cp -a "$FIX/$fixture" "$root"
    dropin="$root/etc/systemd/timesyncd.conf.d/te-ntp-setup.conf"
    run "$root" --dry-run
    [ "$rc" = 2 ] || not_ok "$name: --dry-run exited $rc, not 2"
    diff -r "$FIX/$fixture" "$root" >/dev/null || not_ok "$name: --dry-run changed files"
    run "$root"
    [ "$rc" = 2 ] || not_ok "$name: first run exited $rc, not 2: $(cat "$TMP/err")"
    printf '%s\n' '# Managed by te-ntp-setup: the NTP sources of this host. Local changes are replaced on its next run.' \
        '[Time]' 'NTP=' 'NTP=ntp1.example.com pool.example.org' >"$TMP/want"
    diff -u "$TMP/want" "$dropin" || not_ok "$name: drop-in differs"
    rm "$TMP/want"
    # the journal of the run aside
    rm -rf "$root/var/lib/te-ntp-setup" && rmdir -p "$root/var/lib" 2>/dev/null
    diff -r -x timesyncd.conf.d "$FIX/$fixture" "$root" >/dev/null || not_ok "$name: other files changed"
    st1=$(stat -c '%i %Y %y' "$dropin")
    run "$root" --verbose      # the notes too
    [ "$rc" = 0 ] || not_ok "$name: second run exited $rc, not 0"
    [ "$st1" = "$(stat -c '%i %Y %y' "$dropin")" ] || not_ok "$name: second run rewrote the drop-in"
    grep -q 'systemd-timesyncd has no pools' "$TMP/err" || not_ok "$name: no note about pools"
    [ "$FAILED" = "$f0" ] && ok "$name"
done

# Debian's ntpsec "tos minclock 4 minsane 3" with one server would never synchronize:
# minsane is lowered to 1 after a note quoting the line; a second run changes nothing; with
# a pool (many servers), and in merge mode (the pools stay), the line stays.
name=ntpsec-minsane
f0=$FAILED
root="$TMP/$name"
cp -a "$FIX/debian12-ntpsec" "$root"
conf="$root/etc/ntpsec/ntp.conf"
"$BIN" --root "$root" -s ntp1.example.com --detailed-exitcodes --verbose >"$TMP/out" 2>"$TMP/err"
[ $? = 2 ] || not_ok "$name: first run did not change: $(cat "$TMP/err")"
grep -qx 'tos minclock 4 minsane 1' "$conf" || not_ok "$name: minsane not lowered to 1"
grep -qx '# te-ntp-setup lowered minsane to the 1 configured source (ntpd never synchronizes with fewer), was: tos minclock 4 minsane 3' \
    "$conf" || not_ok "$name: no note quoting the old tos line"
[ "$(grep -c '^tos ' "$conf")" = 2 ] || not_ok "$name: tos lines: $(grep '^tos ' "$conf")"
grep -q 'minsane lowered to 1' "$TMP/err" || not_ok "$name: no note on stderr about minsane"
"$BIN" --root "$root" -s ntp1.example.com --detailed-exitcodes >"$TMP/out" 2>"$TMP/err"
[ $? = 0 ] || not_ok "$name: second run changed: $(cat "$TMP/out")"
"$BIN" --root "$root" -s ntp1.example.com -s ntp2.example.com -s ntp3.example.com \
    -s ntp4.example.com >/dev/null 2>&1 || not_ok "$name: run with four servers failed"
grep -qx 'tos minclock 4 minsane 1' "$conf" || not_ok "$name: minsane changed again with more servers"
for mode in replace merge; do
    cp -a "$FIX/debian12-ntpsec" "$root.$mode"
    if [ $mode = replace ]; then args="-s ntp1.example.com -p pool.example.org"
    else args="-s ntp1.example.com --mode merge"; fi
    "$BIN" --root "$root.$mode" $args >/dev/null 2>&1 || not_ok "$name: $mode: run failed"
    grep -qx 'tos minclock 4 minsane 3' "$root.$mode/etc/ntpsec/ntp.conf" ||
        not_ok "$name: $mode: the tos line changed although pools are configured"
done
# tinker panic 0 goes before the first directive; when that is the tos line being
# replaced, both edits start at one offset.
cp -a "$FIX/debian12-ntpsec" "$root.first"
printf 'tos minsane 3\npool 0.debian.pool.ntp.org iburst\n' > "$root.first/etc/ntpsec/ntp.conf"
sed -i 's/-g -N/-N/' "$root.first/etc/default/ntpsec"
"$BIN" --root "$root.first" -s ntp1.example.com >"$TMP/out" 2>"$TMP/err" ||
    not_ok "$name: tos first: run failed: $(cat "$TMP/err")"
printf '%s\n' '# Correct a clock that is far off instead of giving up (added by te-ntp-setup)' \
    'tinker panic 0' \
    '# te-ntp-setup lowered minsane to the 1 configured source (ntpd never synchronizes with fewer), was: tos minsane 3' \
    'tos minsane 1' "${NOTE}pool 0.debian.pool.ntp.org iburst" 'server ntp1.example.com iburst' \
    > "$TMP/want"
diff -u "$TMP/want" "$root.first/etc/ntpsec/ntp.conf" || not_ok "$name: tos first: unexpected result"
[ "$FAILED" = "$f0" ] && ok "$name"

# detect names the implementation each root would get.
f0=$FAILED
for pair in debian12-ntpsec:ntpsec centos7-ntp:ntpd ubuntu2004-ntp:ntpd hand-edited-ntp:ntpd \
    debian12-openntpd:openntpd debian12-timesyncd:timesyncd ubuntu2204-timesyncd:timesyncd \
    debian-12:chrony; do
    name=detect-${pair%%:*}
    "$BIN" detect --json --root "$FIX/${pair%%:*}" >"$TMP/out" 2>/dev/null ||
        not_ok "$name: detect exited non-zero"
    grep -q "^{\"implementation\":\"${pair#*:}\"," "$TMP/out" ||
        not_ok "$name: detect: not ${pair#*:}: $(cat "$TMP/out")"
done
[ "$FAILED" = "$f0" ] && ok "detect"

finish
