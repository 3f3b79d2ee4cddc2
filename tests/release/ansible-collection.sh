#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The Ansible collection tentp.ntp_setup (packaging/ansible): `ansible-galaxy collection
# build` makes the tarball and `ansible-galaxy collection install` installs it;
# `ansible-doc` shows every option of the binary module and the new ones; the sanity tests
# of Debian's ansible-test that run without a network (those needing a virtual environment
# from PyPI are run directly with Debian's validate-modules, pylint, pycodestyle and
# yamllint, as ansible-test configures them); then real playbooks with the installed
# collection against localhost (-c local) on a --root copy of the debian-12 fixture: check
# mode changes nothing and shows the diff, the first run changes, the second does not, bad
# arguments fail with Ansible's or the program's message; the program's exit statuses
# (a stand-in program for 3, 4 and 5) map onto failed/changed/warnings; the role runs the
# module (its install step is tested by tests/release/packaging.sh with the real .deb).
. "$(dirname "$0")/../lib.sh"

for t in ansible-playbook ansible-galaxy ansible-doc ansible-test; do
    command -v $t >/dev/null 2>&1 ||
        skip_all "$t not found (packaging/build-deps --test installs ansible-core)"
done
PY=/usr/bin/python3     # Debian's, which has ansible-core's modules
[ -x $PY ] && $PY -c 'import ansible' 2>/dev/null || skip_all "$PY cannot import ansible"
if CHRONYD=$(find_daemon chronyd chrony); then
    export TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")     # chronyd -p checks the result
fi

export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0
export ANSIBLE_HOME="$TMP/ansible-home" ANSIBLE_LOCAL_TEMP="$TMP/ansible-home/tmp"
export ANSIBLE_REMOTE_TEMP="$TMP/ansible-home/remote"
export ANSIBLE_CONFIG="$TMP/ansible.cfg" ANSIBLE_LOCALHOST_WARNING=0
export ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_STDOUT_CALLBACK=default
export ANSIBLE_COLLECTIONS_PATH="$TMP/collections" ANSIBLE_GALAXY_DISABLE_GPG_VERIFY=1
: > "$TMP/ansible.cfg"
MODULE=tentp.ntp_setup.te_ntp_setup

# ---- build and install ---------------------------------------------------------------
cp -r "$top_srcdir/packaging/ansible" "$TMP/src"
chmod -R u+w "$TMP/src"
VERSION=$(sed -n 's/^AC_INIT(\[te-ntp-setup\], *\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
check "galaxy.yml's version is configure.ac's ($VERSION)" grep -qx "version: $VERSION" "$TMP/src/galaxy.yml"
check "galaxy.yml's license is Apache-2.0" grep -qx '  - Apache-2.0' "$TMP/src/galaxy.yml"
(cd "$TMP/src" && ansible-galaxy collection build --output-path "$TMP/dist") > "$TMP/build.out" 2>&1
tarball=$TMP/dist/tentp-ntp_setup-$VERSION.tar.gz
check "ansible-galaxy collection build makes ${tarball##*/}" test -f "$tarball" ||
    sed 's/^/#   /' "$TMP/build.out"
tar -tzf "$tarball" > "$TMP/contents" 2>/dev/null
for f in galaxy.yml MANIFEST.json meta/runtime.yml plugins/modules/te_ntp_setup.py \
    roles/te_ntp_setup/tasks/main.yml README.md CHANGELOG.md; do
    [ "$f" = galaxy.yml ] && continue      # build turns it into MANIFEST.json
    check "the tarball holds $f" grep -qx "$f" "$TMP/contents"
done
check "the tarball holds no binary module" sh -c "! grep -q '^binary' '$TMP/contents'"
ansible-galaxy collection install -p "$TMP/collections" "$tarball" > "$TMP/install.out" 2>&1
check "ansible-galaxy collection install" \
    test -f "$TMP/collections/ansible_collections/tentp/ntp_setup/plugins/modules/te_ntp_setup.py" ||
    sed 's/^/#   /' "$TMP/install.out"

# ---- ansible-doc: every option of the binary module, and the new ones -------------------
ansible-doc --json "$MODULE" > "$TMP/doc.json" 2> "$TMP/doc.err"
check "ansible-doc $MODULE" [ -s "$TMP/doc.json" ] || sed 's/^/#   /' "$TMP/doc.err"
# The program's settings table (te-ntp-setup settings-table): its Ansible arguments are the
# binary module's, and the Python module must take each the same way.
"$BIN" settings-table > "$TMP/table"
awk -F '\t' '$1 == "setting" && $6 != "-" && $6 !~ /^_ansible_/ { print $6 }' "$TMP/table" \
    > "$TMP/binary-args"
check "read the binary module's $(wc -l < "$TMP/binary-args") arguments" [ -s "$TMP/binary-args" ]
for a in $(cat "$TMP/binary-args") executable; do
    check "ansible-doc documents $a" $PY -c '
import json, sys
doc = json.load(open(sys.argv[1]))[sys.argv[2]]["doc"]
o = doc["options"][sys.argv[3]]
assert o.get("description") and o.get("type"), o' "$TMP/doc.json" "$MODULE" "$a"
done
cat > "$TMP/table-check.py" <<'EOF'
"""The Python module (OPTIONS, SOURCE_KEYS, DOCUMENTATION) against the settings table."""
import importlib.util
import json
import sys

table, module_path, doc_json, module_name = sys.argv[1:5]
spec = importlib.util.spec_from_file_location('te_ntp_setup_module', module_path)
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
doc = json.load(open(doc_json))[module_name]['doc']['options']
problems = []
settings, sources = {}, {}
for line in open(table):
    if line.startswith('#'):
        continue
    kind, option, short, argument, yaml, ansible, typ, values, negated = line.rstrip('\n').split('\t')
    row = dict(option=option, type=typ, values=values, negated=negated == 'negated')
    if kind == 'setting' and ansible != '-' and not ansible.startswith('_ansible_'):
        settings[ansible] = row
    elif kind == 'source':
        sources[yaml] = row
PY_TYPE = dict(flag='bool', int='int', choice='str', directory='path', config='path',
               sources='list', networks='list')
options = dict((name, (argspec, how, flag)) for name, argspec, how, flag in mod.OPTIONS)
own = set(['executable'])        # the Python module's own, not the program's
if set(options) - own != set(settings):
    problems.append('OPTIONS %s, the table %s' % (sorted(set(options) - own), sorted(settings)))


def description(name):
    return ' '.join(doc.get(name, {}).get('description') or [])


for name, row in sorted(settings.items()):
    if name not in options:
        continue
    argspec, how, flag = options[name]
    want = PY_TYPE[row['type']]
    if argspec.get('type') != want or doc.get(name, {}).get('type') != want:
        problems.append('%s: type %s (documented %s), the table says %s' % (
            name, argspec.get('type'), doc.get(name, {}).get('type'), want))
    if row['type'] == 'choice':
        choices = row['values'].split('|')
        if argspec.get('choices') != choices or doc.get(name, {}).get('choices') != choices:
            problems.append('%s: choices %s (documented %s), the table says %s' % (
                name, argspec.get('choices'), doc.get(name, {}).get('choices'), choices))
    if row['type'] == 'int':
        lo, hi = row['values'].split('..')
        if '%s to %s' % (lo, hi) not in description(name):
            problems.append('%s: the description does not say "%s to %s"' % (name, lo, hi))
    if row['option'] == '-':
        want_how, want_flag = mod.MODULE, None
    elif row['type'] in ('sources', 'networks'):
        want_how, want_flag = mod.REPEAT, row['option']
    elif row['type'] == 'flag':
        want_how = mod.NEGATED if row['negated'] else mod.FLAG
        want_flag = row['option']
        if argspec.get('default') is not row['negated']:
            problems.append('%s: default %s, the program\'s is %s' % (
                name, argspec.get('default'), row['negated']))
    else:
        want_how, want_flag = mod.VALUE, row['option']
    if (how, flag) != (want_how, want_flag):
        problems.append('%s: passed as %s %s, the table says %s %s' % (
            name, how, flag, want_how, want_flag))
if set(mod.SOURCE_KEYS) != set(sources):
    problems.append('SOURCE_KEYS %s, the table %s' % (sorted(mod.SOURCE_KEYS), sorted(sources)))
for key, row in sorted(sources.items()):
    if row['type'] == 'int':
        lo, hi = row['values'].split('..')
        if '%s to %s' % (lo, hi) not in description('servers'):
            problems.append('servers: the description does not give %s as %s to %s' % (key, lo, hi))
for p in problems:
    print('#   ' + p)
sys.exit(1 if problems else 0)
EOF
check "the Python module takes every argument as the settings table says (type, choices, range, flag)" \
    $PY "$TMP/table-check.py" "$TMP/table" "$TMP/src/plugins/modules/te_ntp_setup.py" \
    "$TMP/doc.json" "$MODULE"
check "ansible-doc has EXAMPLES and RETURN" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))[sys.argv[2]]
assert d["examples"].strip() and d["return"]["msg"], d.keys()' "$TMP/doc.json" "$MODULE"
check "the role tentp.ntp_setup.te_ntp_setup is installed" \
    test -f "$TMP/collections/ansible_collections/tentp/ntp_setup/roles/te_ntp_setup/tasks/main.yml"

# ---- sanity ------------------------------------------------------------------------------
S=$($PY -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_util/controller/sanity
coll=$TMP/sanity/ansible_collections/tentp/ntp_setup
mkdir -p "$TMP/sanity/ansible_collections/tentp"
cp -r "$TMP/src" "$coll"
# Tests that need a virtual environment from PyPI cannot run here; they are run below.
venv_tests="ansible-doc changelog import pep8 pylint validate-modules yamllint runtime-metadata pslint"
skip=
for t in $venv_tests; do skip="$skip --skip-test $t"; done
# shellcheck disable=SC2086
(cd "$coll" && ansible-test sanity --python "$($PY -c 'import sys; print("%d.%d" % sys.version_info[:2])')" \
    --color no $skip) > "$TMP/sanity.out" 2>&1
rc=$?
grep '^Running sanity test' "$TMP/sanity.out" | sed 's/^Running sanity test /# ansible-test sanity: /'
check "ansible-test sanity (the tests without a virtual environment)" [ $rc -eq 0 ] ||
    sed 's/^/#   /' "$TMP/sanity.out"
(cd "$coll" && PYTHONPATH="$TMP/sanity" $PY "$S/validate-modules/validate.py" --format json \
    --arg-spec plugins/modules/te_ntp_setup.py --collection ansible_collections/tentp/ntp_setup \
    --collection-version "$VERSION") > "$TMP/validate.json" 2>&1
check "validate-modules: no error but the GPLv3 header (ignored: tests/sanity/ignore-*.txt)" $PY -c '
import json, sys
r = json.load(open(sys.argv[1]))
for path, res in r.items():
    errs = [e for e in res["errors"] if e["code"] != "missing-gplv3-license"]
    assert not errs and not res["traces"], errs or res["traces"]' "$TMP/validate.json" ||
    sed 's/^/#   /' "$TMP/validate.json"
check "pycodestyle (ansible-test pep8)" pycodestyle --max-line-length 160 \
    --ignore "$(paste -sd, "$S/pep8/current-ignore.txt")" "$coll/plugins/modules/te_ntp_setup.py"
(cd "$coll" && ANSIBLE_TEST_MODULES_PATH="$coll/plugins/modules/" \
    ANSIBLE_TEST_MODULE_UTILS_PATH="$coll/plugins/module_utils/" \
    PYTHONPATH="$TMP/sanity:$S/pylint/plugins" PYLINTHOME="$TMP/pylint" \
    pylint --rcfile "$S/pylint/config/collection.cfg" \
    --load-plugins deprecated,string_format,unwanted,pylint.extensions.mccabe \
    --max-line-length 160 --max-complexity 20 --reports n plugins/modules/te_ntp_setup.py) \
    > "$TMP/pylint.out" 2>&1
check "pylint (ansible-test's collection configuration and plugins)" [ $? -eq 0 ] ||
    sed 's/^/#   /' "$TMP/pylint.out"
(cd "$coll" && PYTHONPATH="$TMP/sanity" $PY "$S/yamllint/yamllinter.py" \
    $(find . \( -name '*.yml' -o -name '*.py' \) | sed 's|^\./||' | sort)) > "$TMP/yamllint.json" 2>&1
check "yamllint (ansible-test's, the module's documentation too)" $PY -c '
import json, sys
assert json.load(open(sys.argv[1]))["messages"] == []' "$TMP/yamllint.json" ||
    sed 's/^/#   /' "$TMP/yamllint.json"

# ---- playbooks on a root ----------------------------------------------------------------
root=$(fresh_root debian-12)
task() { # file module-options-yaml (indented 8) [play options]
    cat > "$1" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - $MODULE:
        executable: "$BIN"
        root: "$root"
$2
      register: r
    - ansible.builtin.debug:
        var: r
EOF
}
play() { # output-file playbook options...
    out=$1; shift
    (cd "$TMP" && ansible-playbook -i localhost, -c local \
        -e ansible_python_interpreter=$PY "$@") > "$out" 2>&1
    echo $? > "$out.rc"
}
rc_of() { cat "$1.rc"; }
recap_has() { grep -E '^localhost +:' "$1" | grep -qE "$2"; }
etc_snapshot() { (cd "$1" && find etc -type f -print0 | sort -z | xargs -0 sha256sum); }

task "$TMP/apply.yml" '        servers:
          - ntp1.example.com
          - host: ntp2.example.com
            prefer: true'
etc_snapshot "$root" > "$TMP/etc0"
play "$TMP/check.out" "$TMP/apply.yml" --check --diff
check "check mode: succeeds" [ "$(rc_of "$TMP/check.out")" -eq 0 ] || sed 's/^/#   /' "$TMP/check.out"
check "check mode: changed" recap_has "$TMP/check.out" 'changed=1 '
check "check mode: the diff is shown" grep -q '^+server ntp2.example.com iburst prefer$' "$TMP/check.out"
check "check mode: says what would change" grep -q '"msg": "would change .*/etc/chrony/chrony.conf' "$TMP/check.out"
etc_snapshot "$root" > "$TMP/etc1"
check "check mode: no file changed" cmp -s "$TMP/etc0" "$TMP/etc1"

play "$TMP/first.out" "$TMP/apply.yml" --diff
check "first run: succeeds" [ "$(rc_of "$TMP/first.out")" -eq 0 ] || sed 's/^/#   /' "$TMP/first.out"
check "first run: changed" recap_has "$TMP/first.out" 'changed=1 .*failed=0 '
check "first run: the diff names the new file" \
    grep -q "^+++ $root/etc/chrony/sources.d/te-ntp-setup.sources$" "$TMP/first.out"
check "first run: the sources file is written" \
    grep -qx 'server ntp2.example.com iburst prefer' "$root/etc/chrony/sources.d/te-ntp-setup.sources"
check "first run: the result has the program's JSON" \
    grep -q '"implementation": "chrony"' "$TMP/first.out"
etc_snapshot "$root" > "$TMP/etc2"
play "$TMP/second.out" "$TMP/apply.yml"
check "second run: succeeds, nothing changed" sh -c "[ $(rc_of "$TMP/second.out") -eq 0 ] &&
    grep -E '^localhost +:' '$TMP/second.out' | grep -qE 'changed=0 .*failed=0 '" ||
    sed 's/^/#   /' "$TMP/second.out"
check "second run: says nothing to change" grep -q '"msg": "nothing to change: chrony already uses' "$TMP/second.out"
etc_snapshot "$root" > "$TMP/etc3"
check "second run: no file changed" cmp -s "$TMP/etc2" "$TMP/etc3"

# A settings file with servers given as mappings: its other settings still count (merge
# keeps Debian's pool line, which replace would disable), its servers are replaced.
root1=$root
root=$(fresh_root debian-12)
printf 'mode: merge\nservers: [old.example.com]\n' > "$TMP/settings.yaml"
task "$TMP/merge.yml" "        config: $TMP/settings.yaml
        servers: [{host: ntp3.example.com, iburst: false}]"
play "$TMP/merge.out" "$TMP/merge.yml" --check --diff
check "mappings with a settings file: its mode (merge) applies, its servers are replaced" \
    sh -c "[ $(rc_of "$TMP/merge.out") -eq 0 ] && grep -q '^+server ntp3.example.com$' '$TMP/merge.out' &&
    ! grep -q 'old.example.com' '$TMP/merge.out' && ! grep -q '^-pool 2.debian' '$TMP/merge.out'" ||
    sed 's/^/#   /' "$TMP/merge.out"
root=$root1

# ---- bad arguments ------------------------------------------------------------------------
bad() { # name expected-message options-yaml
    task "$TMP/$1.yml" "$3"
    play "$TMP/$1.out" "$TMP/$1.yml"
    check "$1: the play fails" [ "$(rc_of "$TMP/$1.out")" -eq 2 ]
    check "$1: the message says why" grep -qF "$2" "$TMP/$1.out" || sed 's/^/#   /' "$TMP/$1.out"
}
bad unknown 'Unsupported parameters for (tentp.ntp_setup.te_ntp_setup) module: bogus' \
    '        bogus: 1'
bad badname 'invalid server name \"bad name.example.com\": it contains whitespace' \
    '        servers: ["bad name.example.com"]'
bad badstratum 'local-stratum' '        serve: [192.0.2.0/24]
        local_stratum: 99'
bad badmode 'value of mode must be one of: replace, merge, got: sometimes' \
    '        mode: sometimes'
bad badkey 'servers[0]: unknown key colour' '        servers: [{host: a.example.com, colour: red}]'
etc_snapshot "$root" > "$TMP/etc4"
check "bad arguments: no file changed" cmp -s "$TMP/etc3" "$TMP/etc4"
cat > "$TMP/noexe.yml" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - $MODULE:
        executable: "$TMP/nowhere/te-ntp-setup"
EOF
play "$TMP/noexe.out" "$TMP/noexe.yml"
check "not installed: fails and says to install the package" sh -c "[ $(rc_of "$TMP/noexe.out") -eq 2 ] &&
    grep -q 'te-ntp-setup is not installed on this host' '$TMP/noexe.out'" || sed 's/^/#   /' "$TMP/noexe.out"

# ---- exit statuses: a stand-in program answers as te-ntp-setup would --------------------
fake() { # exit-status changed
    if [ "$1" -eq 0 ]; then failed=false errors=; else failed=true errors='"what went wrong"'; fi
    cat > "$TMP/fake" <<EOF
#!/bin/sh
echo "\$*" > "$TMP/fake.args"
cat <<'JSON'
{"changed":$2,"failed":$failed,"restored":true,"dry_run":false,"implementation":"chrony","service":"chrony","root":"/","sources":[],"serve":[],"local_stratum":null,"files":[],"verification":null,"actions":["restarted chrony"],"skip_reason":null,"warnings":["a warning from the program"],"errors":[$errors],"notes":[]}
JSON
exit $1
EOF
    chmod 0755 "$TMP/fake"
}
fake_task() { # file options-yaml
    cat > "$1" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - $MODULE:
        executable: "$TMP/fake"
        servers: [ntp1.example.com]
$2
EOF
}
fake 0 true
fake_task "$TMP/f0.yml" '        restart: false
        if_needed: true
        verify_timeout: 7'
play "$TMP/f0.out" "$TMP/f0.yml"
check "exit 0, changed: ok, changed, the program's warning shown" sh -c "[ $(rc_of "$TMP/f0.out") -eq 0 ] &&
    grep -E '^localhost +:' '$TMP/f0.out' | grep -q 'changed=1' &&
    grep -q 'a warning from the program' '$TMP/f0.out'" || sed 's/^/#   /' "$TMP/f0.out"
check "the options reach the command line" grep -qx \
    'apply --json --server ntp1.example.com --no-restart --verify-timeout 7 --if-needed' "$TMP/fake.args" ||
    sed 's/^/#   args: /' "$TMP/fake.args"
fake 5 true
fake_task "$TMP/f5.yml" ''
play "$TMP/f5.out" "$TMP/f5.yml"
check "exit 5 (not synchronized): fails by default, says so and how to accept it" sh -c "
    [ $(rc_of "$TMP/f5.out") -eq 2 ] && grep -q 'configured, but not synchronized: what went wrong' '$TMP/f5.out' &&
    grep -q 'accept_unsynchronized: true accepts it' '$TMP/f5.out'" || sed 's/^/#   /' "$TMP/f5.out"
fake_task "$TMP/f5a.yml" '        accept_unsynchronized: true'
play "$TMP/f5a.out" "$TMP/f5a.yml"
check "exit 5 with accept_unsynchronized: ok, changed, a warning" sh -c "[ $(rc_of "$TMP/f5a.out") -eq 0 ] &&
    grep -E '^localhost +:' '$TMP/f5a.out' | grep -q 'changed=1' &&
    grep -q 'WARNING.*not synchronized.*accepted' '$TMP/f5a.out'" || sed 's/^/#   /' "$TMP/f5a.out"
fake 3 false
play "$TMP/f3.out" "$TMP/f5.yml"
check "exit 3: fails, says a person must look" sh -c "[ $(rc_of "$TMP/f3.out") -eq 2 ] &&
    grep -q 'could not be restored (a person must look' '$TMP/f3.out'" || sed 's/^/#   /' "$TMP/f3.out"
fake 4 false
play "$TMP/f4.out" "$TMP/f5.yml"
check "exit 4: fails, names the lock" sh -c "[ $(rc_of "$TMP/f4.out") -eq 2 ] &&
    grep -q 'another te-ntp-setup holds the lock' '$TMP/f4.out'" || sed 's/^/#   /' "$TMP/f4.out"
fake 1 false
play "$TMP/f1.out" "$TMP/f5.yml"
check "exit 1: fails with the program's errors" sh -c "[ $(rc_of "$TMP/f1.out") -eq 2 ] &&
    grep -q '\"msg\": \"what went wrong\"' '$TMP/f1.out'" || sed 's/^/#   /' "$TMP/f1.out"

# ---- the role, its install step off (tests/release/packaging.sh installs the real .deb with it) ----
root2=$(fresh_root debian-12)
cat > "$TMP/vars.json" <<EOF
{"te_ntp_hosts": "localhost", "ansible_become": false, "te_ntp_setup_install": false,
 "te_ntp_setup_executable": "$BIN", "te_ntp_setup_root": "$root2",
 "ansible_python_interpreter": "$PY",
 "te_ntp_setup_servers": ["ntp1.example.com", {"host": "ntp2.example.com", "prefer": true}]}
EOF
play "$TMP/site1.out" "$TMP/src/site.yml" -e "@$TMP/vars.json"
check "site.yml with the role: first run changed" sh -c "[ $(rc_of "$TMP/site1.out") -eq 0 ] &&
    grep -E '^localhost +:' '$TMP/site1.out' | grep -qE 'changed=1 .*failed=0 '" ||
    sed 's/^/#   /' "$TMP/site1.out"
play "$TMP/site2.out" "$TMP/src/site.yml" -e "@$TMP/vars.json"
check "site.yml with the role: second run unchanged" sh -c "[ $(rc_of "$TMP/site2.out") -eq 0 ] &&
    grep -E '^localhost +:' '$TMP/site2.out' | grep -qE 'changed=0 .*failed=0 '" ||
    sed 's/^/#   /' "$TMP/site2.out"

finish
