# SPDX-License-Identifier: Apache-2.0
# Shared helpers of the shell tests. Source it; it sets: BIN (the built program),
# FIXTURES, TMP (a private directory removed on exit), and the functions below.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
BIN="$top_builddir/src/te-ntp-setup"
FIXTURES="$top_srcdir/tests/fixtures"
TESTDEPS=${TE_TESTDEPS:-/opt/te-ntp-setup-testdeps}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/te-ntp-setup-test.XXXXXX")
PASSED=0
FAILED=0
cleanup_hooks=""
trap 'for h in $cleanup_hooks; do $h; done; rm -rf "$TMP"' EXIT

# Record a passed check.
ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
# Record a failed check (the test goes on, and fails at the end).
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }
# Check that a command succeeds.
check() { desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; return 1; fi; }
# A prerequisite is missing: skip (77), unless TE_REQUIRE_ALL is set (CI): then fail (99).
skip_all() {
    if [ "${TE_REQUIRE_ALL:-}" = 1 ]; then
        echo "FAIL: prerequisite missing in a run that requires everything: $*"
        exit 99
    fi
    echo "SKIP: $*"
    exit 77
}
# A part of the test cannot run here (the rest can): a failed check when TE_REQUIRE_ALL is
# set (CI), else a note that it was skipped.
skip_part() {
    if [ "${TE_REQUIRE_ALL:-}" = 1 ]; then
        not_ok "prerequisite missing in a run that requires everything: $*"
    else
        echo "# SKIP: $*"
    fi
}
# End the test with the closing line that counts.
finish() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}
# The path of a daemon binary: the host's, else the unpacked test copy; empty when none.
find_daemon() { # name package
    for d in /usr/sbin /usr/bin /sbin "$TESTDEPS/$2/usr/sbin" "$TESTDEPS/$2/usr/bin"; do
        if [ -x "$d/$1" ]; then echo "$d/$1"; return 0; fi
    done
    return 1
}
# Copy a fixture root to a fresh directory and print its path.
fresh_root() { # fixture-name
    dst="$TMP/root.$1.$$.$(date +%s%N)"
    cp -a "$FIXTURES/$1" "$dst"
    echo "$dst"
}
# A listing of every file under a root with its content hash, inode and mtime.
snapshot() {
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r stat -c '%n %i %Y %a' &&
     find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}
# In a private mount namespace (unshare -m): a fresh /dev holding only the usual character
# devices and /dev/fd, so /dev/log is the test's to make or to leave out. Made afresh
# (mknod), never bind-mounted from the host's /dev.
private_dev() {
    mount -t tmpfs -o mode=0755 tmpfs /dev &&
    mknod -m 0666 /dev/null c 1 3 &&
    mknod -m 0666 /dev/zero c 1 5 &&
    mknod -m 0666 /dev/full c 1 7 &&
    mknod -m 0666 /dev/random c 1 8 &&
    mknod -m 0666 /dev/urandom c 1 9 &&
    ln -s /proc/self/fd /dev/fd
}
