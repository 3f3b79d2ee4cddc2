#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The program outside its build tree (no build-tree marker next to it, as when installed):
# it ignores TE_NTP_SETUP_LENSDIR, TE_NTP_SETUP_SBIN and AUGEAS_LENS_LIB, and when its
# lenses are not installed it says where it looked and how to fix it, exits 1 and touches
# nothing (text, --json and the Ansible binary module alike). The program in the build
# tree, with the marker, honours the variables (the control that this test can fail).
. "$(dirname "$0")/../lib.sh"

mkdir "$TMP/bin"
COPY=$TMP/bin/te-ntp-setup
cp "$BIN" "$COPY"
export TE_NTP_SETUP_LENSDIR="$top_srcdir/lenses"

# ---- --version: which lenses, which kind of build ----------------------------------------
"$BIN" --version > "$TMP/v-tree"
check "build tree: --version says test build" grep -q '^test build: ' "$TMP/v-tree"
check "build tree: TE_NTP_SETUP_LENSDIR is honoured" \
    grep -qx "lenses: $top_srcdir/lenses" "$TMP/v-tree"
"$COPY" --version > "$TMP/v-copy"
sed 's/^/#   /' "$TMP/v-copy"
check "copy: no test build" sh -c "! grep -q '^test build' '$TMP/v-copy'"
LENSDIR=$(sed -n 's/^lenses: //p' "$TMP/v-copy")
check "copy: TE_NTP_SETUP_LENSDIR is ignored (lenses: the installed directory)" \
    sh -c "[ -n '$LENSDIR' ] && [ '$LENSDIR' != '$top_srcdir/lenses' ]"
check "copy: no build path in the lens directory" \
    sh -c "case '$LENSDIR' in '$top_srcdir'*|'$top_builddir'*) false ;; esac"
# A marker that anybody may write does not make a test build.
cp "$top_builddir/src/te-ntp-setup.build-tree" "$TMP/bin/"
chmod 0666 "$TMP/bin/te-ntp-setup.build-tree"
check "copy with a marker writable by others: no test build" \
    sh -c "! '$COPY' --version | grep -q '^test build'"
chmod 0644 "$TMP/bin/te-ntp-setup.build-tree"
check "copy with a sound marker: a test build" sh -c "'$COPY' --version | grep -q '^test build'"
rm "$TMP/bin/te-ntp-setup.build-tree"

# ---- TE_NTP_SETUP_SBIN: the programs run as root ------------------------------------------
# Fake firewall tools that leave a witness; firewall --dry-run only lists rules.
mkdir "$TMP/fakebin"
for p in nft iptables-save iptables-nft-save iptables-legacy-save ufw firewall-cmd; do
    printf '#!/bin/sh\necho "$0" >> "%s/witness"\n' "$TMP" > "$TMP/fakebin/$p"
    chmod 0755 "$TMP/fakebin/$p"
done
TE_NTP_SETUP_SBIN=$TMP/fakebin "$BIN" firewall --dry-run > /dev/null 2>&1
check "build tree: TE_NTP_SETUP_SBIN is honoured (a fake firewall tool ran)" test -s "$TMP/witness"
rm -f "$TMP/witness"
TE_NTP_SETUP_SBIN=$TMP/fakebin "$COPY" firewall --dry-run > /dev/null 2>&1
check "copy: TE_NTP_SETUP_SBIN is ignored (no fake tool ran)" test ! -e "$TMP/witness"

# ---- no lenses: where it looked, how to fix it, exit 1, nothing touched -------------------
if [ -e "$LENSDIR/tentp_chrony.aug" ]; then
    # Installed on this machine (make install, the package): a copy finds them.
    skip_all "the lenses are installed in $LENSDIR: cannot check the message for missing ones"
fi
root=$(fresh_root debian-12)
snapshot "$root" > "$TMP/before"
AUGEAS_LENS_LIB="$top_srcdir/lenses" "$COPY" --root "$root" -s ntp1.example.com \
    > "$TMP/out" 2> "$TMP/err"
rc=$?
sed 's/^/#   /' "$TMP/out" "$TMP/err"
check "no lenses: exit 1" [ $rc -eq 1 ]
check "no lenses: says which file is missing, where" \
    grep -qF "error: the Augeas lenses are missing: \"$LENSDIR/tentp_" "$TMP/err"
check "no lenses: says where it looks" grep -qF "looks for its lenses in \"$LENSDIR\"" "$TMP/err"
check "no lenses: says how to fix it" grep -qF "install the te-ntp-setup package" "$TMP/err"
check "no lenses: no parse error" sh -c "! grep -qi 'cannot parse' '$TMP/out' '$TMP/err'"
snapshot "$root" > "$TMP/after"
check "no lenses: nothing in the root changed" cmp -s "$TMP/before" "$TMP/after"
check "no lenses: no journal" test ! -e "$root/var/lib/te-ntp-setup"

"$COPY" --root "$root" --json -s ntp1.example.com > "$TMP/json" 2> "$TMP/err"
rc=$?
check "no lenses, --json: exit 1" [ $rc -eq 1 ]
check "no lenses, --json: failed, with the message in errors" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["failed"] is True and r["changed"] is False, r
assert any("the Augeas lenses are missing" in e for e in r["errors"]), r["errors"]' "$TMP/json"

cp "$BIN" "$TMP/bin/AnsiballZ_te_ntp_setup"
printf '{"servers": ["ntp1.example.com"], "root": "%s"}\n' "$root" > "$TMP/args"
"$TMP/bin/AnsiballZ_te_ntp_setup" "$TMP/args" > "$TMP/mod" 2>&1
rc=$?
check "no lenses, binary module: exit 1, failed, msg says so" sh -c "[ $rc -eq 1 ] &&
    grep -q '^{\"changed\":false,\"failed\":true,.*\"msg\":\"the Augeas lenses are missing' '$TMP/mod'" ||
    sed 's/^/#   /' "$TMP/mod"
snapshot "$root" > "$TMP/after"
check "no lenses: still nothing in the root changed" cmp -s "$TMP/before" "$TMP/after"

finish
