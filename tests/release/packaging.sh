#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The packages, from this tree's release tarball (`make dist`): the .deb builds
# (dpkg-buildpackage), lintian finds no error, it installs on this machine, the installed
# program finds its lenses and works on a fixture root, `dpkg -r` leaves nothing behind but
# the conffile, a reinstall keeps a changed conffile, `dpkg -P` purges it; the .rpm builds
# (rpmbuild --nodeps) with the settings file as %config(noreplace), its file list and
# scriptlets are checked with rpm -qlp / -qp --scripts. Reproducible: the program built twice
# from the tarball in two directories, and the .deb built twice, are byte-identical, and
# neither holds a path of the build. The Ansible role tentp.ntp_setup.te_ntp_setup installs
# the .deb (te_ntp_setup_package_file) and runs the module with the installed program.
#
# Root on Debian/Ubuntu: it installs its tools (packaging/build-deps --packaging) and
# installs and purges the te-ntp-setup package. Not part of `make check` (it builds the
# whole tree twice more): run `make check-packaging`, which makes the tarball first. Alone:
# `tests/release/packaging.sh` from a configured tree (TE_DIST_TARBALL names a tarball to use).
. "$(dirname "$0")/../lib.sh"

PKG=te-ntp-setup
CONFFILE=/etc/te-ntp-setup/te-ntp-setup.yaml
LENSDIR=/usr/share/te-ntp-setup/lenses

[ "$(id -u)" -eq 0 ] || skip_all "root needed: it installs and purges the package"
command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 ||
    skip_all "Debian or Ubuntu needed (apt-get, dpkg)"

# A step the rest depends on failed: report and stop.
give_up() { not_ok "$*"; finish; exit 1; }
# The tail of a log, as comments.
show() { tail -n "${2:-40}" "$1" | sed 's/^/#   /'; }

"$top_srcdir/packaging/build-deps" --packaging >"$TMP/build-deps.log" 2>&1 ||
    { show "$TMP/build-deps.log"; give_up "packaging/build-deps --packaging"; }
ok "packaging/build-deps --packaging"

VERSION=$(sed -n 's/^AC_INIT(\[te-ntp-setup\], *\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
[ -n "$VERSION" ] || give_up "the version in configure.ac's AC_INIT"
tarball=${TE_DIST_TARBALL:-$top_builddir/$PKG-$VERSION.tar.gz}
if [ -z "${TE_DIST_TARBALL:-}" ]; then
    make -C "$top_builddir" dist >"$TMP/dist.log" 2>&1 || { show "$TMP/dist.log"; give_up "make dist"; }
fi
[ -f "$tarball" ] || give_up "the release tarball $tarball"

# ---- versions --------------------------------------------------------------------------
mkdir "$TMP/deb"
tar -xzf "$tarball" -C "$TMP/deb" || give_up "unpack $tarball"
src=$TMP/deb/$PKG-$VERSION
[ -d "$src" ] || give_up "$tarball holds $PKG-$VERSION/"
v=$(dpkg-parsechangelog -l "$src/packaging/debian/changelog" -S Version)
check "debian/changelog version ($v) is configure.ac's ($VERSION)" [ "$v" = "$VERSION" ]
v=$(sed -n 's/^Version: *//p' "$src/packaging/rpm/$PKG.spec")
check "the rpm spec's version ($v) is configure.ac's ($VERSION)" [ "$v" = "$VERSION" ]

# ---- the .deb ----------------------------------------------------------------------------
cp -r "$src/packaging/debian" "$src/debian"
(cd "$src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >"$TMP/deb.log" 2>&1
arch=$(dpkg --print-architecture)
deb=$TMP/deb/${PKG}_${VERSION}_$arch.deb
changes=$TMP/deb/${PKG}_${VERSION}_$arch.changes
[ -f "$deb" ] || { show "$TMP/deb.log" 60; give_up "dpkg-buildpackage builds ${deb##*/}"; }
ok "dpkg-buildpackage builds ${deb##*/}"

lintian --fail-on error --display-info "$changes" >"$TMP/lintian.log" 2>&1
rc=$?
sed 's/^/# lintian: /' "$TMP/lintian.log"
echo "# lintian: $(grep -c '^E:' "$TMP/lintian.log") errors, $(grep -c '^W:' "$TMP/lintian.log") warnings"
check "lintian reports no error" [ $rc -eq 0 ]

depends=$(dpkg-deb -f "$deb" Depends)
echo "# Depends: $depends"
for d in augeas-lenses libaugeas0 libyaml-0-2; do
    check "Depends names $d" sh -c "echo '$depends' | grep -qE '(^|, )$d( |,|\$)'"
done
check "no NTP daemon in Depends" sh -c "! echo '$depends' | grep -qE 'chrony|ntp|time-daemon'"
check "Suggests chrony" [ "$(dpkg-deb -f "$deb" Suggests)" = chrony ]

# ---- reproducible --------------------------------------------------------------------------
# The same source built in another directory (deeper, other name): the same .deb, byte for
# byte (SOURCE_DATE_EPOCH comes from debian/changelog), and the same unstripped program from
# a plain configure && make.
mkdir -p "$TMP/deb2/elsewhere/deeper"
tar -xzf "$tarball" -C "$TMP/deb2/elsewhere/deeper" || give_up "unpack $tarball again"
src2=$TMP/deb2/elsewhere/deeper/$PKG-$VERSION
cp -r "$src2/packaging/debian" "$src2/debian"
(cd "$src2" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >"$TMP/deb2.log" 2>&1
deb2=$TMP/deb2/elsewhere/deeper/${PKG}_${VERSION}_$arch.deb
check "the .deb built in another directory is byte-identical" cmp "$deb" "$deb2" ||
    { show "$TMP/deb2.log" 20; command -v diffoscope >/dev/null &&
      diffoscope "$deb" "$deb2" 2>&1 | head -40 | sed 's/^/#   /'; }
for dbg in "$TMP"/deb/${PKG}-dbgsym_*.deb; do
    [ -f "$dbg" ] || continue
    check "the debug symbols (${dbg##*/}) are byte-identical too" \
        cmp "$dbg" "$TMP/deb2/elsewhere/deeper/${dbg##*/}"
done
dpkg-deb -x "$deb" "$TMP/deb-x"
check "the packaged program holds no build path" \
    sh -c "! grep -q -e '$TMP' -e '$top_builddir' -e '$top_srcdir' '$TMP/deb-x/usr/sbin/te-ntp-setup'"
for d in one two/three; do
    mkdir -p "$TMP/plain/$d"
    tar -xzf "$tarball" -C "$TMP/plain/$d" &&
    (cd "$TMP/plain/$d/$PKG-$VERSION" && ./configure --prefix=/usr && make -j2 src/te-ntp-setup) \
        >"$TMP/plain.log" 2>&1 || { show "$TMP/plain.log"; give_up "configure && make in $TMP/plain/$d"; }
done
check "configure && make in two directories: byte-identical programs (debug information too)" \
    cmp "$TMP/plain/one/$PKG-$VERSION/src/te-ntp-setup" "$TMP/plain/two/three/$PKG-$VERSION/src/te-ntp-setup"
check "the plain build's program holds no build path" \
    sh -c "! grep -q '$TMP' '$TMP/plain/one/$PKG-$VERSION/src/te-ntp-setup'"
rm -rf "$TMP/plain" "$TMP/deb2"

# ---- installed -------------------------------------------------------------------------
status=$(dpkg-query -W -f='${db:Status-Status}' $PKG 2>/dev/null) || status=not-installed
[ "$status" = not-installed ] ||
    give_up "$PKG is not on this machine beforehand (it is $status: dpkg -P $PKG first)"
installed=no
purge_on_exit() { [ $installed = no ] || dpkg -P $PKG >/dev/null 2>&1; }
cleanup_hooks="purge_on_exit $cleanup_hooks"
dpkg -i "$deb" </dev/null >"$TMP/install.log" 2>&1 ||
    { show "$TMP/install.log"; give_up "dpkg -i ${deb##*/}"; }
installed=yes
ok "dpkg -i ${deb##*/}"

dpkg -L $PKG | sort >"$TMP/files"
for f in /usr/sbin/te-ntp-setup /usr/share/man/man8/te-ntp-setup.8.gz "$CONFFILE" \
    /usr/share/doc/$PKG/examples/te-ntp-setup.yaml \
    /usr/share/bash-completion/completions/te-ntp-setup \
    /usr/share/te-ntp-setup/hooks/postinst-snippet.sh \
    /usr/share/te-ntp-setup/hooks/rpm-post-snippet.sh \
    $(cd "$src" && ls lenses/*.aug | sed "s|^lenses|$LENSDIR|")
do
    check "installs $f" sh -c "grep -qx '$f' '$TMP/files' && test -f '$f'"
done
check "$CONFFILE is a conffile" sh -c \
    "dpkg-query -W -f='\${Conffiles}\n' $PKG | grep -q '^ $CONFFILE [0-9a-f]*\$'"
check "$CONFFILE is the example settings file" cmp -s "$CONFFILE" "$src/doc/te-ntp-setup.yaml"
check "the bash completion parses" bash -n /usr/share/bash-completion/completions/te-ntp-setup
check "the build-tree marker is not installed" sh -c "! grep -q 'build-tree' '$TMP/files'"
check "/usr/share/doc/$PKG/copyright says Apache-2.0" \
    grep -qx 'License: Apache-2.0' /usr/share/doc/$PKG/copyright
TE_NTP_SETUP_LENSDIR=$TMP/nowhere AUGEAS_LENS_LIB=$TMP/nowhere /usr/sbin/te-ntp-setup --version \
    >"$TMP/version-env" 2>&1
check "the installed program ignores TE_NTP_SETUP_LENSDIR (no test build)" sh -c \
    "grep -qx 'lenses: $LENSDIR' '$TMP/version-env' && ! grep -q '^test build' '$TMP/version-env'"

env -u TE_NTP_SETUP_LENSDIR /usr/sbin/te-ntp-setup --version >"$TMP/version" 2>&1
rc=$?
sed 's/^/#   /' "$TMP/version"
check "te-ntp-setup --version exits 0" [ $rc -eq 0 ]
check "--version says $VERSION" grep -qx "te-ntp-setup $VERSION" "$TMP/version"
check "--version says the lenses are $LENSDIR" grep -qx "lenses: $LENSDIR" "$TMP/version"

root=$(fresh_root debian-12)
snapshot "$root" >"$TMP/before"
env -u TE_NTP_SETUP_LENSDIR /usr/sbin/te-ntp-setup --root "$root" --dry-run --diff \
    >"$TMP/dry" 2>&1
rc=$?
check "installed te-ntp-setup --root debian-12 --dry-run --diff exits 0" [ $rc -eq 0 ] ||
    show "$TMP/dry"
check "it shows the new te-ntp-setup.sources" \
    grep -q "^+++ $root/etc/chrony/sources.d/te-ntp-setup.sources\$" "$TMP/dry"
check "it shows the default servers" grep -qx '+server 0.pool.ntp.org iburst' "$TMP/dry"
snapshot "$root" >"$TMP/after"
check "--dry-run wrote nothing" cmp -s "$TMP/before" "$TMP/after"
# The installed settings file changes nothing: same report with it as without.
env -u TE_NTP_SETUP_LENSDIR /usr/sbin/te-ntp-setup --config "$CONFFILE" --root "$root" \
    --dry-run --diff >"$TMP/dry-conf" 2>&1
check "the installed $CONFFILE is valid and changes nothing" cmp -s "$TMP/dry" "$TMP/dry-conf" ||
    diff "$TMP/dry" "$TMP/dry-conf" | sed 's/^/#   /'

# ---- removed, reinstalled, purged --------------------------------------------------------
echo '# a local change' >>"$CONFFILE"
dpkg -r $PKG </dev/null >"$TMP/remove.log" 2>&1
check "dpkg -r $PKG" [ $? -eq 0 ] || show "$TMP/remove.log"
left=
while read -r f; do
    case $f in
    "$CONFFILE") test -e "$f" || left="$left (conffile gone: $f)" ;;
    /etc/te-ntp-setup) ;;
    *te-ntp-setup*) ! test -e "$f" || left="$left $f" ;;
    *) test -d "$f" || ! test -e "$f" || left="$left $f" ;;
    esac
done <"$TMP/files"
check "dpkg -r leaves only the conffile behind" [ -z "$left" ] || echo "# left:$left"
check "the conffile keeps its local change" grep -qx '# a local change' "$CONFFILE"
check "the package is in state config-files" \
    [ "$(dpkg-query -W -f='${db:Status-Status}' $PKG)" = config-files ]

dpkg -i "$deb" </dev/null >"$TMP/reinstall.log" 2>&1
check "dpkg -i again" [ $? -eq 0 ] || show "$TMP/reinstall.log"
check "the reinstall keeps the changed conffile" grep -qx '# a local change' "$CONFFILE"

dpkg -P $PKG </dev/null >"$TMP/purge.log" 2>&1
check "dpkg -P $PKG" [ $? -eq 0 ] || show "$TMP/purge.log"
installed=no
left=
while read -r f; do
    case $f in
    *te-ntp-setup*) ! test -e "$f" || left="$left $f" ;;
    esac
done <"$TMP/files"
check "dpkg -P leaves nothing behind" [ -z "$left" ] || echo "# left:$left"
status=$(dpkg-query -W -f='${db:Status-Status}' $PKG 2>/dev/null) || status=not-installed
check "the package is purged" [ "$status" = not-installed ]

# ---- the Ansible role installs the .deb ---------------------------------------------------
# The collection from the tarball, installed; its role installs the package from the .deb
# file (apt, on this Debian machine) and runs the module with the installed program on a
# fixture root. The RHEL-family path (dnf/yum) cannot run here.
if command -v ansible-playbook >/dev/null 2>&1; then
    export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_HOME="$TMP/ansible-home"
    export ANSIBLE_LOCAL_TEMP="$TMP/ansible-home/tmp" ANSIBLE_REMOTE_TEMP="$TMP/ansible-home/remote"
    export ANSIBLE_CONFIG="$TMP/ansible.cfg" ANSIBLE_LOCALHOST_WARNING=0
    export ANSIBLE_COLLECTIONS_PATH="$TMP/collections" ANSIBLE_DEPRECATION_WARNINGS=0
    : >"$TMP/ansible.cfg"
    (cd "$src/packaging/ansible" && ansible-galaxy collection build --output-path "$TMP/coll" &&
     ansible-galaxy collection install -p "$TMP/collections" "$TMP"/coll/*.tar.gz) \
        >"$TMP/coll.log" 2>&1
    check "the collection builds and installs from the release tarball" [ $? -eq 0 ] ||
        show "$TMP/coll.log"
    root=$(fresh_root debian-12)
    cat >"$TMP/role-vars.json" <<EOF
{"te_ntp_hosts": "localhost", "ansible_become": false, "ansible_python_interpreter": "/usr/bin/python3",
 "te_ntp_setup_package_file": "$deb", "te_ntp_setup_root": "$root",
 "te_ntp_setup_servers": ["ntp1.example.com"]}
EOF
    installed=yes   # from here on, purge on exit
    (cd "$TMP" && ansible-playbook -i localhost, -c local -e "@$TMP/role-vars.json" \
        "$src/packaging/ansible/site.yml") </dev/null >"$TMP/role.log" 2>&1
    rc=$?
    check "the role installs the .deb and runs the module: changed" sh -c "[ $rc -eq 0 ] &&
        grep -E '^localhost +:' '$TMP/role.log' | grep -qE 'changed=[1-9].*failed=0 '" ||
        show "$TMP/role.log" 60
    check "the role installed the package" \
        [ "$(dpkg-query -W -f='${db:Status-Status}' $PKG 2>/dev/null)" = installed ]
    check "the installed program configured the root" \
        grep -qx 'server ntp1.example.com iburst' "$root/etc/chrony/sources.d/te-ntp-setup.sources"
    (cd "$TMP" && ansible-playbook -i localhost, -c local -e "@$TMP/role-vars.json" \
        "$src/packaging/ansible/site.yml") </dev/null >"$TMP/role2.log" 2>&1
    check "the role's second run changes nothing" sh -c "[ $? -eq 0 ] &&
        grep -E '^localhost +:' '$TMP/role2.log' | grep -qE 'changed=0 .*failed=0 '" ||
        show "$TMP/role2.log" 60
    dpkg -P $PKG </dev/null >"$TMP/purge2.log" 2>&1
    check "dpkg -P after the role" [ $? -eq 0 ] || show "$TMP/purge2.log"
    installed=no
else
    not_ok "ansible-playbook not found (packaging/build-deps --test installs ansible-core)"
fi

# ---- the .rpm ----------------------------------------------------------------------------
# Debian has no packages of the spec's BuildRequires' names: --nodeps, the build uses
# this machine's libraries.
top=$TMP/rpm
mkdir -p "$top/SOURCES" "$top/SPECS"
cp "$tarball" "$top/SOURCES/"
tar -xzf "$tarball" -O "$PKG-$VERSION/packaging/rpm/$PKG.spec" >"$top/SPECS/$PKG.spec"
rpmbuild --nodeps -bb --define "_topdir $top" "$top/SPECS/$PKG.spec" >"$TMP/rpm.log" 2>&1
rc=$?
rpm=$(ls "$top"/RPMS/*/$PKG-$VERSION-1*.rpm 2>/dev/null | head -n 1)
check "rpmbuild -bb builds $PKG-$VERSION-1" test $rc -eq 0 -a -n "$rpm" || show "$TMP/rpm.log" 60
if [ -n "$rpm" ]; then
    echo "# ${rpm##*/}"
    rpm -qlp "$rpm" 2>/dev/null >"$TMP/rpm-files"
    for f in /usr/sbin/te-ntp-setup "$CONFFILE" "$LENSDIR/tentp_chrony.aug" \
        /usr/share/bash-completion/completions/te-ntp-setup \
        /usr/share/te-ntp-setup/hooks/rpm-post-snippet.sh; do
        check "the rpm holds $f" grep -qx "$f" "$TMP/rpm-files"
    done
    check "the rpm has $CONFFILE as %config(noreplace)" sh -c \
        "rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' '$rpm' 2>/dev/null |
         grep -qx 'cn $CONFFILE'"
    # Exactly these files (and directories), nothing of the build tree.
    (cd "$src" && ls lenses/*.aug lenses/tests/*.aug) | sed "s|^lenses|$LENSDIR|" >"$TMP/rpm-want"
    cat >>"$TMP/rpm-want" <<EOF
$CONFFILE
/etc/te-ntp-setup
/usr/sbin/te-ntp-setup
/usr/share/bash-completion/completions/te-ntp-setup
/usr/share/te-ntp-setup/hooks/postinst-snippet.sh
/usr/share/te-ntp-setup/hooks/rpm-post-snippet.sh
/usr/share/licenses/$PKG/LICENSE
/usr/share/doc/$PKG/README.md
/usr/share/doc/$PKG/examples/te-ntp-setup.yaml
EOF
    # Debian's rpm macros put the documentation and licence under NAME-VERSION (Fedora's
    # under NAME); the build-id links are rpm's own.
    sed "s|^\(/usr/share/[a-z]*/$PKG\)-$VERSION|\1|" "$TMP/rpm-files" |
        grep -v -e '^/usr/share/man/' -e '^/usr/lib/\.build-id' -e '/$' |
        grep -v -x -e /usr/share/te-ntp-setup -e "$LENSDIR" -e "$LENSDIR/tests" \
            -e /usr/share/te-ntp-setup/hooks -e /usr/share/bash-completion \
            -e /usr/share/bash-completion/completions -e /usr/share/doc/$PKG \
            -e /usr/share/doc/$PKG/examples -e /usr/share/licenses/$PKG |
        sort >"$TMP/rpm-have"
    sort -o "$TMP/rpm-want" "$TMP/rpm-want"
    check "the rpm holds exactly the expected files" cmp -s "$TMP/rpm-want" "$TMP/rpm-have" ||
        diff "$TMP/rpm-want" "$TMP/rpm-have" | sed 's/^/#   /'
    check "the rpm holds the man page" grep -q '^/usr/share/man/man8/te-ntp-setup.8' "$TMP/rpm-files"
    check "the rpm marks LICENSE as %license" sh -c \
        "rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' '$rpm' 2>/dev/null |
         grep -qE '^l /usr/share/licenses/$PKG(-$VERSION)?/LICENSE\$'"
    check "the rpm's License is Apache-2.0" [ "$(rpm -qp --qf '%{LICENSE}' "$rpm" 2>/dev/null)" = Apache-2.0 ]
    # No scriptlets: installing or removing the package runs nothing (the hooks are
    # snippets for other packages' %post).
    rpm -qp --scripts "$rpm" >"$TMP/rpm-scripts" 2>&1
    check "the rpm has no scriptlets" [ ! -s "$TMP/rpm-scripts" ] || sed 's/^/#   /' "$TMP/rpm-scripts"
    rpm -qp --requires "$rpm" 2>/dev/null >"$TMP/rpm-requires"
    check "the rpm requires augeas-libs" grep -q '^augeas-libs' "$TMP/rpm-requires"
    mkdir "$TMP/rpm-x"
    (cd "$TMP/rpm-x" && rpm2cpio "$rpm" | cpio -idm --quiet) 2>/dev/null
    check "the rpm's program holds no build path" \
        sh -c "test -f '$TMP/rpm-x/usr/sbin/te-ntp-setup' && ! grep -q '$TMP' '$TMP/rpm-x/usr/sbin/te-ntp-setup'"
fi

finish
