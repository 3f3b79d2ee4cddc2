#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The daemon's own check of the planned configuration (chronyd -p, OpenNTPD's ntpd -n) sees
# only the image: an include in an image's drop-in never makes it read a file of the host,
# a file that would block it cannot stall the run, a check that does not finish says why,
# and every complaint names the real file and its line (not the file the daemon was given,
# /proc/PID/fd/N, and not the line number of the planned text).
. "$(dirname "$0")/../lib.sh"

CHRONYD=$(find_daemon chronyd chrony) || skip_all "chronyd not found (packaging/build-deps --test)"
OPENNTPD=$(find_daemon openntpd openntpd) ||
    skip_all "openntpd not found (packaging/build-deps --test)"
SERVERS="-s ntp1.example.com -s ntp2.example.com"
TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")
export TE_NTP_SETUP_SBIN

# 1. An include of a host file in a drop-in of the image: chronyd must not read the host's
#    file (here one it would reject, outside the image).
printf 'this-is-the-hosts-file 1\n' > "$TMP/host.conf"
for word in include INCLUDE confdir; do
    root=$(fresh_root debian-12)
    case $word in
    confdir) mkdir "$TMP/hostdir" 2>/dev/null; cp "$TMP/host.conf" "$TMP/hostdir/x.conf"
             printf '%s %s\n' "$word" "$TMP/hostdir" > "$root/etc/chrony/conf.d/evil.conf" ;;
    *) printf '# a drop-in\n  %s %s\n' "$word" "$TMP/host.conf" > "$root/etc/chrony/conf.d/evil.conf" ;;
    esac
    "$BIN" --root "$root" $SERVERS >"$TMP/out" 2>&1
    rc=$?
    check "chrony: '$word HOSTFILE' in a drop-in: the host's file is not read" \
        sh -c "! grep -q 'this-is-the-hosts-file\|$TMP/host' '$TMP/out'"
    check "chrony: '$word HOSTFILE' in a drop-in: the run succeeds (exit $rc)" [ $rc -eq 0 ]
    [ $rc -eq 0 ] || sed 's/^/#   /' "$TMP/out"
done

# A line longer than chronyd's line buffer (2048 bytes) would continue as a new line for an
# older chronyd (4.3 refuses it: "String too long"): an include hidden there is not followed.
root=$(fresh_root debian-12)
{ printf '#'; head -c 2046 /dev/zero | tr '\0' x; printf 'include %s\n' "$TMP/host.conf"; } \
    > "$root/etc/chrony/conf.d/long.conf"
"$BIN" --root "$root" $SERVERS >"$TMP/out" 2>&1
rc=$?
check "chrony: an include after 2047 bytes of a line is not followed (exit $rc)" \
    sh -c "! grep -q 'this-is-the-hosts-file\|$TMP/host' '$TMP/out'"

# 2. A device that never ends (include /dev/zero) cannot stall the run.
root=$(fresh_root debian-12)
printf 'include /dev/zero\n' > "$root/etc/chrony/conf.d/zero.conf"
start=$(date +%s)
"$BIN" --root "$root" $SERVERS >"$TMP/out" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
check "chrony: include /dev/zero does not stall the check (${secs} s, exit $rc)" \
    sh -c "[ $secs -lt 5 ] && [ $rc -eq 0 ] && ! grep -q 'timed out' '$TMP/out'"

# 3. A checker that does not finish: the run fails after the time limit and says why.
mkdir -p "$TMP/hang"
printf '#!/bin/sh\nexec sleep 60\n' > "$TMP/hang/chronyd"
chmod +x "$TMP/hang/chronyd"
root=$(fresh_root debian-12)
snapshot "$root" > "$TMP/snap1"
TE_NTP_SETUP_SBIN=$TMP/hang "$BIN" --root "$root" $SERVERS >"$TMP/out" 2>&1
rc=$?
snapshot "$root" > "$TMP/snap2"
check "a hanging check: exit 1, nothing written" \
    sh -c "[ $rc -eq 1 ] && cmp -s '$TMP/snap1' '$TMP/snap2'"
check "a hanging check: says it did not finish within the limit and why that may be" \
    grep -q 'did not finish within 10 s' "$TMP/out"
grep 'error' "$TMP/out" | sed 's/^/#   /'

# 4. Complaints name the real file and its line in the original, not the temporary file
#    nor the planned text's numbering (the run adds lines before the bad one).
root=$(fresh_root rhel-9)
printf 'makestep one two\n' >> "$root/etc/chrony.conf"
line=$(wc -l < "$root/etc/chrony.conf")
"$BIN" --root "$root" $SERVERS >"$TMP/out" 2>&1
rc=$?
check "chrony: a bad line after added ones: exit 1" [ $rc -eq 1 ]
check "chrony: the complaint names $root/etc/chrony.conf:$line" \
    grep -q "$root/etc/chrony.conf:$line: chronyd rejects the planned configuration: " "$TMP/out"
check "chrony: the complaint does not name the temporary file" \
    sh -c "! grep -q 'te-ntp-setup-check\\|/proc/[0-9]*/fd/' '$TMP/out'"
grep 'error' "$TMP/out" | sed 's/^/#   /'

root=$(fresh_root debian-12)
printf '# one\n# two\nmakestep one two\n' > "$root/etc/chrony/conf.d/broken.conf"
"$BIN" --root "$root" $SERVERS >"$TMP/out" 2>&1
check "chrony: a bad drop-in line is named with its own file and line" \
    grep -q "$root/etc/chrony/conf.d/broken.conf:3: chronyd rejects the planned configuration: .*at line 3 in file $root/etc/chrony/conf.d/broken.conf" "$TMP/out"
grep 'error' "$TMP/out" | sed 's/^/#   /'

TE_NTP_SETUP_SBIN=$(dirname "$OPENNTPD")
root=$(fresh_root debian12-openntpd)
conf=$root/etc/openntpd/ntpd.conf
printf 'listen on bogus bogus bogus\n' >> "$conf"
line=$(wc -l < "$conf")
"$BIN" --root "$root" -i openntpd $SERVERS >"$TMP/out" 2>&1
rc=$?
check "openntpd: a bad line after added ones: exit 1" [ $rc -eq 1 ]
check "openntpd: the complaint names $conf:$line" \
    grep -q "$conf:$line: OpenNTPD rejects the planned configuration: syntax error" "$TMP/out"
check "openntpd: the complaint does not name the temporary file" \
    sh -c "! grep -q 'te-ntp-setup-check\\|/proc/[0-9]*/fd/' '$TMP/out'"
grep 'error' "$TMP/out" | sed 's/^/#   /'


# ntpd (classic, --saveconfigquit): the lines that make it open a file (includefile, keys,
# logfile, driftfile, ...) are not followed either. No classic ntpd is installed here, so a
# stand-in plays its part: it offers --saveconfigquit and fails when the file it checks
# holds such a line (centos7's ntp.conf has includefile, keys and driftfile).
mkdir -p "$TMP/ntpd"
cat > "$TMP/ntpd/ntpd" <<'SH'
#!/bin/sh
[ "$1" = --help ] && { echo "  --saveconfigquit=FILE  save the configuration and quit"; exit 0; }
[ "$1" = -n ] && [ "$2" = -c ] || { echo "usage: ntpd -n -c FILE --saveconfigquit=F" >&2; exit 2; }
n=$(grep -nE '^[[:space:]]*(includefile|keys|logfile|leapfile|driftfile|statsdir|saveconfigdir)[[:space:]]' "$3" |
    head -n 1 | cut -d: -f1)
[ -z "$n" ] || { echo "$3:$n: would read $(sed -n "${n}p" "$3")" >&2; exit 1; }
exit 0
SH
chmod +x "$TMP/ntpd/ntpd"
root=$(fresh_root centos7-ntp)
grep -q '^includefile /etc/ntp/crypto/pw' "$root/etc/ntp.conf" ||
    not_ok "centos7-ntp fixture: its includefile line is gone"
TE_NTP_SETUP_SBIN=$TMP/ntpd "$BIN" --root "$root" -i ntpd $SERVERS -v >"$TMP/out" 2>&1
rc=$?
check "ntpd: no file the image names is opened by the check (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || sed 's/^/#   /' "$TMP/out"
# ... and a complaint names the real file and line.
root=$(fresh_root centos7-ntp)
cat > "$TMP/ntpd/ntpd" <<'SH'
#!/bin/sh
[ "$1" = --help ] && { echo "  --saveconfigquit=FILE  save the configuration and quit"; exit 0; }
n=$(grep -n '^tinker panic 0' "$3" | head -n 1 | cut -d: -f1)
[ -z "$n" ] || { echo "line $n column 1 syntax error, unexpected T_Panic" >&2; exit 1; }
exit 0
SH
printf 'tinker panic 0\n' >> "$root/etc/ntp.conf"
line=$(wc -l < "$root/etc/ntp.conf")
TE_NTP_SETUP_SBIN=$TMP/ntpd "$BIN" --root "$root" -i ntpd $SERVERS >"$TMP/out" 2>&1
check "ntpd: a complaint names $root/etc/ntp.conf:$line" \
    grep -q "$root/etc/ntp.conf:$line: ntpd rejects the planned configuration: line $line column 1" "$TMP/out"
grep 'error' "$TMP/out" | sed 's/^/#   /'


# A complaint about a line the run itself writes says so (a stand-in chronyd that rejects the
# first "server ntp1.example.com" line: a line of the planned text only).
mkdir -p "$TMP/fake"
cat > "$TMP/fake/chronyd" <<'SH'
#!/bin/sh
n=$(grep -n '^server ntp1\.example\.com' "$3" | head -n 1 | cut -d: -f1)
[ -z "$n" ] || { echo "Fatal error : Invalid directive at line $n in file $3" >&2; exit 1; }
exit 0
SH
chmod +x "$TMP/fake/chronyd"
root=$(fresh_root rhel-9)
TE_NTP_SETUP_SBIN=$TMP/fake "$BIN" --root "$root" $SERVERS >"$TMP/out" 2>&1
check "a complaint about a line the run writes names it as such" \
    grep -q "$root/etc/chrony.conf, line [0-9]* of its planned text (a line te-ntp-setup writes): chronyd rejects the planned configuration: Invalid directive at line [0-9]* of the planned $root/etc/chrony.conf" "$TMP/out"
grep 'error' "$TMP/out" | sed 's/^/#   /'

finish
