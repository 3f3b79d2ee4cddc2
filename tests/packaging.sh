#!/bin/sh
# The packages, from this tree's release tarball (`make dist`): the .deb builds
# (dpkg-buildpackage), lintian finds no error, it installs on this machine, the installed
# program finds its lenses and works on a fixture root, `dpkg -r` leaves nothing behind but
# the conffile, a reinstall keeps a changed conffile, `dpkg -P` purges it; the .rpm builds
# (rpmbuild --nodeps) with the settings file as %config(noreplace).
#
# Root on Debian/Ubuntu: it installs its tools (packaging/build-deps --packaging) and
# installs and purges the te-ntp-setup package. Not part of `make check` (it builds the
# whole tree twice more): run `make check-packaging`, which makes the tarball first. Alone:
# `tests/packaging.sh` from a configured tree (TE_DIST_TARBALL names a tarball to use).
. "$(dirname "$0")/lib.sh"

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
fi

finish
