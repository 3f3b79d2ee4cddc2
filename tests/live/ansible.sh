#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# te-ntp-setup as an Ansible module: first the protocol by hand (an args file, one JSON
# object out), then the real ansible-playbook (Debian's ansible-core) running the example
# playbook packaging/ansible/binary/site.yml against localhost (-c local) on a --root copy of
# the debian-12 fixture: check mode changes nothing and shows the diff, the first run changes,
# the second does not, bad arguments fail with a message naming them.
. "$(dirname "$0")/../lib.sh"

if CHRONYD=$(find_daemon chronyd chrony); then
    export TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")     # chronyd -p checks the result
fi
root=$(fresh_root debian-12)

# ---- the protocol, without Ansible -------------------------------------------------
cp "$BIN" "$TMP/AnsiballZ_te_ntp_setup"
cp "$BIN" "$TMP/te_ntp_setup"
# The build-tree marker next to the copies keeps them test builds (the source tree's lenses).
cp "$top_builddir/src/te-ntp-setup.build-tree" "$TMP/"
printf '{"servers": ["ntp1.example.com"], "root": "%s", "_ansible_check_mode": true,
  "_ansible_diff": true, "_ansible_verbosity": 0, "_ansible_module_name": "te_ntp_setup"}\n' \
    "$root" > "$TMP/args"
snapshot "$root" > "$TMP/snap0"

"$TMP/AnsiballZ_te_ntp_setup" "$TMP/args" > "$TMP/out" 2> "$TMP/err"
rc=$?
check "AnsiballZ_te_ntp_setup ARGS: exit 0" [ $rc -eq 0 ]
check "AnsiballZ_te_ntp_setup ARGS: one JSON object, changed (check mode)" \
    grep -q '^{"changed":true,"failed":false,.*"dry_run":true,' "$TMP/out"
check "AnsiballZ_te_ntp_setup ARGS: a diff per file" \
    grep -q '"diff":\[{"before_header":"[^"]*/etc/chrony/chrony.conf"' "$TMP/out"
check "AnsiballZ_te_ntp_setup ARGS: nothing on stderr" [ ! -s "$TMP/err" ]
"$TMP/te_ntp_setup" "$TMP/args" > "$TMP/out" 2>&1
check "te_ntp_setup ARGS (older ansible): module mode" grep -q '^{"changed":true,' "$TMP/out"
"$BIN" ansible-module "$TMP/args" > "$TMP/out" 2>&1
check "te-ntp-setup ansible-module ARGS: module mode" grep -q '^{"changed":true,' "$TMP/out"
"$BIN" "$TMP/args" > "$TMP/out" 2>&1
rc=$?
check "te-ntp-setup ARGS (the program's own name): not module mode (exit 64)" [ $rc -eq 64 ]
echo 'servers: []' > "$TMP/notjson"
"$TMP/te_ntp_setup" "$TMP/notjson" > "$TMP/out" 2>&1
rc=$?
check "te_ntp_setup FILE that is not JSON: not module mode (exit 64)" [ $rc -eq 64 ]
printf '{"servers": "ntp1.example.com", "root": "%s", "bogus": 1}' "$root" > "$TMP/bad"
"$TMP/AnsiballZ_te_ntp_setup" "$TMP/bad" > "$TMP/out" 2>&1
rc=$?
check "bad argument: exit 1 with failed:true" \
    sh -c "[ $rc -eq 1 ] && grep -q '^{\"changed\":false,\"failed\":true,' '$TMP/out'"
check "bad argument: the message names it" \
    grep -q '"msg":"Unsupported parameters for (te_ntp_setup) module: bogus\.' "$TMP/out"
snapshot "$root" > "$TMP/snap1"
check "the protocol checks changed nothing" cmp -s "$TMP/snap0" "$TMP/snap1"
if command -v python3 >/dev/null 2>&1; then
    "$TMP/AnsiballZ_te_ntp_setup" "$TMP/args" > "$TMP/out" 2>&1
    check "the module's output parses as JSON" \
        python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/out"
fi

# The README's table of arguments has a row for each of the settings table's.
"$BIN" settings-table | awk -F '\t' '$1 == "setting" && $6 != "-" && $6 !~ /^_ansible_/ { print $6 }' \
    > "$TMP/args-of-table"
check "the settings table has Ansible arguments" [ -s "$TMP/args-of-table" ]
while read -r a; do
    check "packaging/ansible/README.md documents the argument $a" \
        grep -q "^| $a |" "$top_srcdir/packaging/ansible/README.md"
done < "$TMP/args-of-table"

# ---- ansible-playbook --------------------------------------------------------------
command -v ansible-playbook >/dev/null 2>&1 ||
    skip_all "ansible-playbook not found (packaging/build-deps --test installs ansible-core)"

# Quiet, fast and private: no colour, no retry files, no facts, Ansible's own files under
# TMP, no ansible.cfg from the working directory.
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0
export ANSIBLE_HOME="$TMP/ansible-home" ANSIBLE_LOCAL_TEMP="$TMP/ansible-home/tmp"
export ANSIBLE_REMOTE_TEMP="$TMP/ansible-home/remote"
export ANSIBLE_CONFIG="$TMP/ansible.cfg" ANSIBLE_LOCALHOST_WARNING=0
export ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_STDOUT_CALLBACK=default
: > "$TMP/ansible.cfg"

cp -r "$top_srcdir/packaging/ansible/binary" "$TMP/pb"
chmod -R u+w "$TMP/pb"
sh "$TMP/pb/install-module.sh" "$BIN" >/dev/null
env -u TE_NTP_SETUP_LENSDIR "$TMP/pb/roles/te_ntp_setup/library/te_ntp_setup" --version \
    > "$TMP/lensdir.out"
check "install-module.sh installs the program as the role's module" \
    cmp -s "$BIN" "$TMP/pb/roles/te_ntp_setup/library/te_ntp_setup"

# The example playbook, aimed at localhost and the fixture root; become is off (the test
# already runs as whoever it runs as).
cat > "$TMP/vars.json" <<EOF
{"te_ntp_hosts": "localhost", "ansible_become": false, "te_ntp_setup_root": "$root",
 "te_ntp_setup_servers": ["ntp1.example.com", {"host": "ntp2.example.com", "prefer": true}]}
EOF
# Ansible runs the binary module from a temporary directory, outside the build tree: like
# an installed program it reads its lenses from the installed directory only. In a private
# mount namespace (the host sees nothing) the source tree's lenses are mounted there, as
# the package would install them.
LENSDIR=$(sed -n 's/^lenses: //p' "$TMP/lensdir.out")
[ "$(id -u)" -eq 0 ] || skip_all "root needed: the module's lenses are mounted in a private mount namespace"
top=$LENSDIR
while [ ! -d "$top" ]; do top=$(dirname "$top"); done
[ "$top" != / ] || skip_all "no directory of $LENSDIR exists: configure another prefix"
for p in "$TMP" "$top_builddir" "$top_srcdir" "$HOME"; do
    case $p/ in
    "$top"/*) skip_all "the lens directory $LENSDIR would hide $p: configure another prefix" ;;
    esac
done
with_lenses() { # command...
    unshare -m --propagation private sh -c '
        lensdir=$1 top=$2 src=$3; shift 3
        if [ "$top" != "$lensdir" ]; then
            mount -t tmpfs -o mode=0755 te-ntp-setup-lenses "$top" && mkdir -p "$lensdir"
        fi && mount --bind "$src" "$lensdir" && exec "$@"' sh "$LENSDIR" "$top" \
        "$top_srcdir/lenses" "$@"
}
playbook() { # output-file ansible-playbook-options...
    out=$1; shift
    (cd "$TMP" && with_lenses ansible-playbook -i localhost, -c local "$TMP/pb/site.yml" \
        -e "@$TMP/vars.json" "$@") > "$out" 2>&1
}
recap() { grep -E '^localhost +:' "$1"; }
recap_has() { recap "$1" | grep -qE "$2"; }   # output-file regex
etc_snapshot() { (cd "$1" && find etc -type f -print0 | sort -z | xargs -0 sha256sum); }

etc_snapshot "$root" > "$TMP/etc0"
playbook "$TMP/check.out" --check --diff
rc=$?
check "check mode: ansible-playbook succeeds" [ $rc -eq 0 ] || sed 's/^/#   /' "$TMP/check.out"
check "check mode: reports changed" recap_has "$TMP/check.out" 'changed=1 ' ||
    recap "$TMP/check.out"
etc_snapshot "$root" > "$TMP/etc1"
check "check mode: no file changed" cmp -s "$TMP/etc0" "$TMP/etc1"
check "check mode: the diff is shown" grep -q '^+server ntp1.example.com iburst$' "$TMP/check.out"

playbook "$TMP/first.out" --diff
rc=$?
check "first run: ansible-playbook succeeds" [ $rc -eq 0 ] || sed 's/^/#   /' "$TMP/first.out"
check "first run: changed" recap_has "$TMP/first.out" 'ok=2 +changed=1 .*failed=0 ' ||
    recap "$TMP/first.out"
check "first run: --diff shows the file headers" \
    grep -q "^+++ after: $root/etc/chrony/sources.d/te-ntp-setup.sources$" "$TMP/first.out"
check "first run: --diff shows the disabled pool" \
    grep -q '^-pool 2.debian.pool.ntp.org iburst$' "$TMP/first.out"
check "first run: --diff shows the new servers" \
    grep -q '^+server ntp2.example.com iburst prefer$' "$TMP/first.out"
check "first run: the sources file is written" \
    grep -qx 'server ntp2.example.com iburst prefer' "$root/etc/chrony/sources.d/te-ntp-setup.sources"
check "first run: the role shows what was done" \
    grep -q '"msg": "changed .*/etc/chrony/chrony.conf; created ' "$TMP/first.out"

etc_snapshot "$root" > "$TMP/etc2"
playbook "$TMP/second.out"
rc=$?
check "second run: ansible-playbook succeeds" [ $rc -eq 0 ] || sed 's/^/#   /' "$TMP/second.out"
check "second run: nothing changed" recap_has "$TMP/second.out" 'changed=0 .*failed=0 ' ||
    recap "$TMP/second.out"
etc_snapshot "$root" > "$TMP/etc3"
check "second run: no file changed" cmp -s "$TMP/etc2" "$TMP/etc3"

# Bad arguments: a task of its own, with the module found through ANSIBLE_LIBRARY.
cat > "$TMP/bad.yml" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - te_ntp_setup:
        root: "$root"
        servers: [ntp1.example.com]
        bogus: 1
EOF
cat > "$TMP/badname.yml" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - te_ntp_setup:
        root: "$root"
        servers: ["bad name.example.com"]
EOF
cat > "$TMP/badvalues.yml" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - te_ntp_setup:
        root: "$root"
        restart: maybe
        mode: sometimes
EOF
for pb in bad badname badvalues; do
    (cd "$TMP" && ANSIBLE_LIBRARY="$TMP/pb/roles/te_ntp_setup/library" \
        with_lenses ansible-playbook -i localhost, -c local "$TMP/$pb.yml") > "$TMP/$pb.out" 2>&1
    echo $? > "$TMP/$pb.rc"
done
check "unknown argument: the play fails" [ "$(cat "$TMP/bad.rc")" -eq 2 ]
check "unknown argument: the message names it" \
    grep -q 'Unsupported parameters for (te_ntp_setup) module: bogus\.' "$TMP/bad.out" ||
    sed 's/^/#   /' "$TMP/bad.out"
check "bad server name: the play fails" [ "$(cat "$TMP/badname.rc")" -eq 2 ]
check "bad server name: the message names it" \
    grep -qF 'invalid server name \"bad name.example.com\": it contains whitespace' \
    "$TMP/badname.out" || sed 's/^/#   /' "$TMP/badname.out"
check "bad values: the play fails" [ "$(cat "$TMP/badvalues.rc")" -eq 2 ]
check "bad values: every message is shown" \
    grep -qF 'mode must be replace or merge, not \"sometimes\"; restart must be true or false, not \"maybe\"' \
    "$TMP/badvalues.out" || sed 's/^/#   /' "$TMP/badvalues.out"
etc_snapshot "$root" > "$TMP/etc4"
check "bad arguments: no file changed" cmp -s "$TMP/etc3" "$TMP/etc4"

finish
