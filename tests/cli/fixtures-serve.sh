#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A site time server (--serve, --local-stratum) on the fixture roots through the built
# binary: the exact lines for chrony (Debian 12: its own conf.d file; RHEL 9: a marked block
# in chrony.conf), ntpsec (a marked restrict block), OpenNTPD (listen); a second run changes
# nothing; another --serve replaces only the tool's own lines, the admin's stay; a run
# without --serve takes them out again; --dry-run, --diff and --json as for sources;
# timesyncd, bad networks and a local stratum without serve are refused (exit 64) with
# nothing written. The daemons' own checks accept the results where they are installed.
. "$(dirname "$0")/../lib.sh"

CHRONYD=$(find_daemon chronyd chrony) || CHRONYD=
NTPSEC=$(find_daemon ntpd ntpsec) || NTPSEC=
[ -n "$NTPSEC" ] && ! "$NTPSEC" --version 2>/dev/null | grep -q ntpsec &&
    NTPSEC=$TESTDEPS/ntpsec/usr/sbin/ntpd
[ -x "$NTPSEC" ] || NTPSEC=
OPENNTPD=$(find_daemon openntpd openntpd) || OPENNTPD=
[ -n "$CHRONYD" ] && export TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")
if [ "${TE_REQUIRE_ALL:-}" = 1 ] && { [ -z "$CHRONYD" ] || [ -z "$NTPSEC" ] || [ -z "$OPENNTPD" ]; }; then
    not_ok "chronyd, ntpsec's ntpd and openntpd are needed (packaging/build-deps --test)"
fi
BEGIN='# te-ntp-setup (serve) begin: the lines that serve time to other hosts; replaced by its next run'
END='# te-ntp-setup (serve) end'
SERVE="--serve 192.0.2.7/24 --serve 2001:db8::/64 --local-stratum 10"

# run ROOT ARGS...: the binary on ROOT; exit code in $rc, stdout in $TMP/out, stderr $TMP/err
run() {
    r=$1; shift
    "$BIN" --root "$r" --detailed-exitcodes "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}
# the block of FILE, markers included
block() { sed -n "/^# te-ntp-setup (serve) begin/,/^# te-ntp-setup (serve) end/p" "$1"; }
# the same file with the block taken out
without_block() { sed "/^# te-ntp-setup (serve) begin/,/^# te-ntp-setup (serve) end/d" "$1"; }
# a second identical run writes nothing
second_run_idle() { # desc root args...
    desc=$1 r=$2; shift 2
    snapshot "$r" > "$TMP/snap1"
    run "$r" "$@"
    snapshot "$r" > "$TMP/snap2"
    check "$desc: a second run exits 0" [ "$rc" -eq 0 ] || sed 's/^/#   /' "$TMP/out" "$TMP/err"
    check "$desc: a second run writes nothing" cmp -s "$TMP/snap1" "$TMP/snap2"
}
# chronyd -p on the root's configuration (the root's /etc over /etc, private mounts).
# Without chronyd or root it cannot tell: it passes, but not in a run that requires
# everything (TE_REQUIRE_ALL=1, as CI runs).
chronyd_accepts() { # root main-conf
    if [ -z "$CHRONYD" ] || [ "$(id -u)" -ne 0 ]; then
        [ "${TE_REQUIRE_ALL:-}" = 1 ] || return 0
        echo "#   chronyd -p needs chronyd and root in a run that requires everything"
        return 1
    fi
    unshare -m --propagation private sh -c \
        "mount --bind '$1/etc' /etc && '$CHRONYD' -p -f '$2'" >"$TMP/p.out" 2>&1 ||
        { sed 's/^/#   /' "$TMP/p.out"; return 1; }
    grep -q '^allow 192.0.2.0/24$' "$TMP/p.out" ||
        { echo "#   chronyd -p does not list the allow line:"; sed 's/^/#   /' "$TMP/p.out"; return 1; }
}

# ---- chrony, Debian 12: sources in sources.d, the serve lines in conf.d ----------------
root=$(fresh_root debian-12)
snapshot "$root" > "$TMP/snap0"
run "$root" -s 192.0.2.1 $SERVE --dry-run --diff --verbose
check "debian-12: --dry-run exits 2" [ "$rc" -eq 2 ]
snapshot "$root" > "$TMP/snap"
check "debian-12: --dry-run writes nothing" cmp -s "$TMP/snap0" "$TMP/snap"
check "debian-12: --diff shows the new conf.d file" \
    grep -qx '+++ .*/etc/chrony/conf.d/te-ntp-setup.conf' "$TMP/out"
check "debian-12: --diff shows the allow line" grep -qx '+allow 192.0.2.0/24' "$TMP/out"
check "debian-12: the host bits are noted" \
    grep -q 'note: serve network 192.0.2.7/24 has host bits set: it stands for the network 192.0.2.0/24' "$TMP/err"

run "$root" -s 192.0.2.1 $SERVE
check "debian-12: first run exits 2" [ "$rc" -eq 2 ] || sed 's/^/#   /' "$TMP/err"
cat > "$TMP/want" <<'EOF'
# Managed by te-ntp-setup: the networks this host serves time to. Local changes are replaced on its next run.
allow 192.0.2.0/24
allow 2001:db8::/64
local stratum 10 orphan
EOF
check "debian-12: conf.d/te-ntp-setup.conf holds exactly the serve lines" \
    cmp -s "$TMP/want" "$root/etc/chrony/conf.d/te-ntp-setup.conf"
check "debian-12: the sources file holds no allow line (a sourcedir file cannot)" \
    sh -c "! grep -q '^allow' '$root/etc/chrony/sources.d/te-ntp-setup.sources'"
check "debian-12: chrony.conf has no serve block" sh -c "! grep -q 'serve' '$root/etc/chrony/chrony.conf'"
check "debian-12: chronyd -p accepts the result" chronyd_accepts "$root" /etc/chrony/chrony.conf
second_run_idle debian-12 "$root" -s 192.0.2.1 $SERVE

run "$root" -s 192.0.2.1 --serve 198.51.100.0/24
check "debian-12: other networks: exit 2" [ "$rc" -eq 2 ]
printf '%s\n' '# Managed by te-ntp-setup: the networks this host serves time to. Local changes are replaced on its next run.' \
    'allow 198.51.100.0/24' > "$TMP/want"
check "debian-12: other networks replace the file's lines" \
    cmp -s "$TMP/want" "$root/etc/chrony/conf.d/te-ntp-setup.conf"
run "$root" -s 192.0.2.1
check "debian-12: without --serve: exit 2" [ "$rc" -eq 2 ]
check "debian-12: without --serve the file serves nobody" \
    sh -c "! grep -q '^allow' '$root/etc/chrony/conf.d/te-ntp-setup.conf'"
root=$(fresh_root debian-12)
run "$root" -s 192.0.2.1
check "debian-12: a run that never served creates no serve file" \
    [ ! -e "$root/etc/chrony/conf.d/te-ntp-setup.conf" ]

# ---- chrony, RHEL 9: everything in chrony.conf; the serve lines in a marked block -------
root=$(fresh_root rhel-9)
conf=$root/etc/chrony.conf
printf '\n# the admin'"'"'s own clients\nallow 198.51.100.0/24\n' >> "$conf"
cp "$conf" "$TMP/admin"
run "$root" -s 192.0.2.1 --verbose
cp "$conf" "$TMP/sources-only"
run "$root" -s 192.0.2.1 $SERVE --verbose
check "rhel-9: first serve run exits 2" [ "$rc" -eq 2 ] || sed 's/^/#   /' "$TMP/err"
printf '%s\n' "$BEGIN" 'allow 192.0.2.0/24' 'allow 2001:db8::/64' 'local stratum 10 orphan' "$END" \
    > "$TMP/want"
block "$conf" > "$TMP/got"
check "rhel-9: the block holds exactly the serve lines" cmp -s "$TMP/want" "$TMP/got" ||
    diff "$TMP/want" "$TMP/got" | sed 's/^/#   /'
check "rhel-9: the block is the end of the file" [ "$(tail -n 1 "$conf")" = "$END" ]
check "rhel-9: every line outside the block is as before" \
    sh -c "without_block() { sed '/^# te-ntp-setup (serve) begin/,/^# te-ntp-setup (serve) end/d' \"\$1\"; }; without_block '$conf' | cmp -s - '$TMP/sources-only'"
check "rhel-9: the admin's allow line stays" grep -qx 'allow 198.51.100.0/24' "$conf"
check "rhel-9: a note names the admin's allow line" \
    grep -q "note: .*chrony.conf has 'allow 198.51.100.0/24' (not te-ntp-setup's, kept)" "$TMP/err"
check "rhel-9: chronyd -p accepts the result" chronyd_accepts "$root" /etc/chrony.conf
second_run_idle rhel-9 "$root" -s 192.0.2.1 $SERVE

run "$root" -s 192.0.2.1 --serve 2001:db8:1::/48
check "rhel-9: other networks: exit 2" [ "$rc" -eq 2 ]
printf '%s\n' "$BEGIN" 'allow 2001:db8:1::/48' "$END" > "$TMP/want"
block "$conf" > "$TMP/got"
check "rhel-9: other networks replace only the block" cmp -s "$TMP/want" "$TMP/got"
check "rhel-9: ... and the admin's allow line stays" grep -qx 'allow 198.51.100.0/24' "$conf"
second_run_idle "rhel-9 (other networks)" "$root" -s 192.0.2.1 --serve 2001:db8:1::/48
run "$root" -s 192.0.2.1
check "rhel-9: without --serve the block goes, byte for byte" cmp -s "$conf" "$TMP/sources-only"
# --mode merge governs the sources only: the block is the tool's own either way.
run "$root" -s 192.0.2.1 --serve 192.0.2.0/24 --mode merge
check "rhel-9: merge mode writes the block too" grep -qx 'allow 192.0.2.0/24' "$conf"

# A block whose end line was deleted is not guessed at.
root=$(fresh_root rhel-9)
printf '%s\n' "$BEGIN" 'allow 192.0.2.0/24' >> "$root/etc/chrony.conf"
snapshot "$root" > "$TMP/snap0"
run "$root" -s 192.0.2.1 --serve 192.0.2.0/24
snapshot "$root" > "$TMP/snap"
check "broken block: exit 1" [ "$rc" -eq 1 ]
check "broken block: the message says what is missing" \
    grep -q "the te-ntp-setup serve block has no end line ('# te-ntp-setup (serve) end')" "$TMP/err"
check "broken block: nothing written" cmp -s "$TMP/snap0" "$TMP/snap"

# ---- JSON -----------------------------------------------------------------------------------
root=$(fresh_root rhel-9)
"$BIN" --root "$root" -s 192.0.2.1 --serve 192.0.2.0/24 --json --dry-run > "$TMP/json" 2>/dev/null
check "json: changed" grep -q '"changed":true' "$TMP/json"
check "json: the diff holds the allow line" grep -q '+allow 192.0.2.0/24' "$TMP/json"
if command -v python3 >/dev/null 2>&1; then
    check "json: parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/json"
fi

# ---- ntpsec, Debian 12: a restrict block in ntp.conf -----------------------------------------
root=$(fresh_root debian12-ntpsec)
conf=$root/etc/ntpsec/ntp.conf
run "$root" -s 192.0.2.1 -s ntp.example.com
cp "$conf" "$TMP/sources-only"
run "$root" -s 192.0.2.1 -s ntp.example.com $SERVE
check "ntpsec: first serve run exits 2" [ "$rc" -eq 2 ] || sed 's/^/#   /' "$TMP/err"
cat > "$TMP/want" <<EOF
$BEGIN
restrict -4 default noserve
restrict -6 default noserve
restrict source nomodify noquery
restrict 192.0.2.1 nomodify noquery
restrict ntp.example.com nomodify noquery
restrict 192.0.2.0 mask 255.255.255.0 nomodify noquery
restrict 2001:db8:: mask ffff:ffff:ffff:ffff:: nomodify noquery
tos orphan 10
$END
EOF
block "$conf" > "$TMP/got"
check "ntpsec: the block holds exactly the restrict and orphan lines" cmp -s "$TMP/want" "$TMP/got" ||
    diff "$TMP/want" "$TMP/got" | sed 's/^/#   /'
check "ntpsec: the admin's restrict default line stays as it was" \
    grep -qx 'restrict default kod nomodify nopeer noquery limited' "$conf"
check "ntpsec: every line outside the block is as before" \
    sh -c "sed '/^# te-ntp-setup (serve) begin/,/^# te-ntp-setup (serve) end/d' '$conf' | cmp -s - '$TMP/sources-only'"
second_run_idle ntpsec "$root" -s 192.0.2.1 -s ntp.example.com $SERVE
run "$root" -s 192.0.2.1 -s ntp.example.com --serve 198.51.100.0/24
block "$conf" > "$TMP/got"
check "ntpsec: other networks replace the block" \
    sh -c "grep -qx 'restrict 198.51.100.0 mask 255.255.255.0 nomodify noquery' '$TMP/got' && ! grep -q '192.0.2.0 mask\|orphan' '$TMP/got'"
run "$root" -s 192.0.2.1 -s ntp.example.com
check "ntpsec: without --serve the block goes, byte for byte" cmp -s "$conf" "$TMP/sources-only"
if [ -n "$NTPSEC" ] && [ "$(id -u)" -eq 0 ]; then
    # ntpsec has no check mode: a short run in a throwaway network namespace tells by its
    # CONFIG lines whether it took every line. The serve block must add none to those of
    # the same file without it (Debian's own "restrict default ... nopeer" draws one).
    ntpsec_config() { # conf log
        printf 'disable ntp\n' >> "$1"
        unshare -n sh -c "ip link set lo up; timeout 2 setpriv --inh-caps=-sys_time \
            --bounding-set=-sys_time '$NTPSEC' -n -c '$1' -l '$2' -p '$TMP/ntpsec.pid'" \
            >/dev/null 2>&1
        grep -o 'CONFIG: .*' "$2" | grep -v 'parsing file' > "$2.config"
    }
    # (server addresses only: names do not resolve in the namespace)
    root=$(fresh_root debian12-ntpsec)
    conf=$root/etc/ntpsec/ntp.conf
    run "$root" -s 192.0.2.1
    cp "$conf" "$TMP/plain.conf"
    ntpsec_config "$TMP/plain.conf" "$TMP/plain.log"
    run "$root" -s 192.0.2.1 $SERVE
    ntpsec_config "$conf" "$TMP/serve.log"
    check "ntpsec: ntpd read the file" grep -q 'CONFIG: readconfig: parsing file' "$TMP/serve.log"
    check "ntpsec: ntpd took every serve line (no CONFIG message of its own)" \
        cmp -s "$TMP/plain.log.config" "$TMP/serve.log.config" ||
        diff "$TMP/plain.log.config" "$TMP/serve.log.config" | sed 's/^/#   /'
else
    skip_part "ntpsec: ntpd's own reading of the serve block needs ntpsec and root"
fi

# ---- classic ntpd (CentOS 7): the same block with ntpd's flags ---------------------------------
root=$(fresh_root centos7-ntp)
run "$root" -s 192.0.2.1 --serve 192.0.2.0/24
block "$root/etc/ntp.conf" > "$TMP/got"
check "ntpd: the networks get nomodify notrap nopeer noquery" \
    grep -qx 'restrict 192.0.2.0 mask 255.255.255.0 nomodify notrap nopeer noquery' "$TMP/got"
check "ntpd: the servers' entries keep answering" \
    grep -qx 'restrict 192.0.2.1 nomodify notrap noquery' "$TMP/got"
second_run_idle ntpd "$root" -s 192.0.2.1 --serve 192.0.2.0/24

# ---- OpenNTPD: listen on *, no access rule, no local stratum ------------------------------
root=$(fresh_root debian12-openntpd)
conf=$root/etc/openntpd/ntpd.conf
run "$root" -s 192.0.2.1 --serve 192.0.2.0/24
check "openntpd: first run exits 2" [ "$rc" -eq 2 ]
printf '%s\n' "$BEGIN" 'listen on *' "$END" > "$TMP/want"
block "$conf" > "$TMP/got"
check "openntpd: the block holds 'listen on *'" cmp -s "$TMP/want" "$TMP/got"
check "openntpd: a warning says it has no access rule" \
    grep -q 'warning: OpenNTPD has no access rule' "$TMP/err"
if [ -n "$OPENNTPD" ]; then
    check "openntpd: ntpd -n accepts the result" \
        sh -c "'$OPENNTPD' -n -f '$conf' >'$TMP/o.out' 2>&1" || sed 's/^/#   /' "$TMP/o.out"
fi
second_run_idle openntpd "$root" -s 192.0.2.1 --serve 192.0.2.0/24
snapshot "$root" > "$TMP/snap0"
run "$root" -s 192.0.2.1 --serve 192.0.2.0/24 --local-stratum 10
snapshot "$root" > "$TMP/snap"
check "openntpd: --local-stratum is refused with exit 64" [ "$rc" -eq 64 ]
check "openntpd: the message says so" grep -q 'OpenNTPD has no local stratum or orphan mode' "$TMP/err"
check "openntpd: nothing written" cmp -s "$TMP/snap0" "$TMP/snap"

# ---- refused: timesyncd, bad networks, a local stratum alone ---------------------------------
root=$(fresh_root debian12-timesyncd)
snapshot "$root" > "$TMP/snap0"
run "$root" -s 192.0.2.1 --serve 192.0.2.0/24
snapshot "$root" > "$TMP/snap"
check "timesyncd: --serve is refused with exit 64" [ "$rc" -eq 64 ]
check "timesyncd: the message names chrony" \
    grep -q 'systemd-timesyncd is an NTP client only and cannot serve time to other hosts: install chrony, then run again with --implementation chrony' "$TMP/err"
check "timesyncd: nothing written" cmp -s "$TMP/snap0" "$TMP/snap"
"$BIN" --root "$root" -s 192.0.2.1 --serve 192.0.2.0/24 --json >"$TMP/json" 2>/dev/null
check "timesyncd: --json exits 64 too" [ $? -eq 64 ]
check "timesyncd: --json says failed" grep -q '"failed":true' "$TMP/json"

root=$(fresh_root debian-12)
snapshot "$root" > "$TMP/snap0"
expect_refused() { # desc message args...
    desc=$1 msg=$2; shift 2
    run "$root" "$@"
    snapshot "$root" > "$TMP/snap"
    if [ "$rc" -eq 64 ] && grep -qF -- "$msg" "$TMP/err" && cmp -s "$TMP/snap0" "$TMP/snap"; then
        ok "$desc"
    else
        not_ok "$desc (exit $rc)"
        sed 's/^/#   /' "$TMP/err"
    fi
}
expect_refused "no prefix length" 'invalid serve network "192.0.2.1": it has no prefix length' \
    --serve 192.0.2.1
expect_refused "prefix too long" 'invalid serve network "192.0.2.0/33": it has a prefix length above 32' \
    --serve 192.0.2.0/33
expect_refused "a name" 'invalid serve network "ntp.example.com/24": it is not an IPv4 or IPv6 address' \
    --serve ntp.example.com/24
expect_refused "a control character, escaped" 'invalid serve network "192.0.2.0/24\nx": it contains whitespace, a control character' \
    --serve "$(printf '192.0.2.0/24\nx')"
expect_refused "shell syntax" 'invalid serve network "192.0.2.0/24;reboot": it has a prefix length that is not a decimal number' \
    --serve '192.0.2.0/24;reboot'
expect_refused "the same network twice" 'serve network 192.0.2.0/24 is given twice' \
    --serve 192.0.2.0/24 --serve 192.0.2.9/24
expect_refused "local stratum alone" 'local stratum 10 is only for a host that serves time' \
    --local-stratum 10
expect_refused "local stratum out of range" '--local-stratum must be a whole number from 1 to 15, not "16"' \
    --serve 192.0.2.0/24 --local-stratum 16
"$BIN" firewall --serve '192.0.2.0/24;reboot' --dry-run >"$TMP/out" 2>"$TMP/err"
check "firewall --serve with a bad network: exit 64" [ $? -eq 64 ]
check "firewall --serve: the message names the value" \
    grep -qF -- '--serve "192.0.2.0/24;reboot": it has a prefix length that is not a decimal number' "$TMP/err"
printf 'serve: 192.0.2.0/24\n' > "$TMP/bad.yaml"
expect_refused "serve in the settings file: not a list" "$TMP/bad.yaml:1:8: 'serve' must be a list" \
    --config "$TMP/bad.yaml"
printf 'serve:\n  - 192.0.2.0/24\nlocal_stratum: 10\n' > "$TMP/good.yaml"
run "$root" --config "$TMP/good.yaml" -s 192.0.2.1
check "serve and local_stratum from the settings file" \
    grep -qx 'local stratum 10 orphan' "$root/etc/chrony/conf.d/te-ntp-setup.conf"
finish
