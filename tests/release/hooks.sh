#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The package hooks packaging/hooks/postinst-snippet.sh (deb) and rpm-post-snippet.sh (rpm):
# run as the package manager would, pointed at fixture roots (TE_NTP_SETUP_HOOK_ARGS) and a
# private log (TE_NTP_SETUP_HOOK_LOG): they configure the root, always exit 0 (also when
# te-ntp-setup fails, is missing or hangs), log the outcome, give the program no terminal
# input, and are safe to paste into a "set -e" maintainer script.
. "$(dirname "$0")/../lib.sh"

HOOKS="$top_srcdir/packaging/hooks"
if CHRONYD=$(find_daemon chronyd chrony); then
    export TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")
fi
export TE_NTP_SETUP="$BIN"
LOG="$TMP/hook.log"
export TE_NTP_SETUP_HOOK_LOG="$LOG"

# hook NAME SNIPPET ARG: run the snippet as its package manager does; its exit status.
hook() {
    sh "$HOOKS/$2" "$3" >"$TMP/$1.out" 2>&1
}

check "the rpm snippet has no percent sign (rpm would expand macros)" \
    sh -c "! grep -q '%' '$HOOKS/rpm-post-snippet.sh'"
# Each snippet is pasted whole into a maintainer script, so each carries its own copy of
# the hook's functions: the two copies must stay the same (only the header comment and the
# dispatch on the package manager's argument differ).
hook_body() { sed -n '/^te_ntp_setup_hook() {$/,/^case /p' "$HOOKS/$1"; }
hook_body postinst-snippet.sh > "$TMP/deb.body"
hook_body rpm-post-snippet.sh > "$TMP/rpm.body"
check "the deb and rpm snippets carry the same hook functions" \
    sh -c "[ -s '$TMP/deb.body' ] && cmp -s '$TMP/deb.body' '$TMP/rpm.body'"

for spec in postinst-snippet.sh:configure rpm-post-snippet.sh:1; do
    snippet=${spec%%:*}; arg=${spec#*:}
    name=${snippet%-snippet.sh}
    : > "$LOG"

    # It configures the root.
    root=$(fresh_root debian-12)
    TE_NTP_SETUP_HOOK_ARGS="--root $root -s ntp1.example.com" hook "$name" "$snippet" "$arg"
    rc=$?
    check "$name: exit 0" [ $rc -eq 0 ]
    check "$name: prints nothing" [ ! -s "$TMP/$name.out" ]
    check "$name: configured the root" \
        grep -qx 'server ntp1.example.com iburst' "$root/etc/chrony/sources.d/te-ntp-setup.sources"
    check "$name: logged the outcome" \
        grep -qE '^[0-9-]+T[0-9:+-]+ te-ntp-setup hook \((postinst configure|rpm post-install 1)\): configured, not verified \(exit 2\)$' "$LOG" ||
        sed 's/^/#   /' "$LOG"

    # te-ntp-setup fails (a configuration it cannot parse): still exit 0, and logged.
    root=$(fresh_root rhel-9)
    printf 'server\n' >> "$root/etc/chrony.conf"
    snapshot "$root" > "$TMP/snap0"
    : > "$LOG"
    TE_NTP_SETUP_HOOK_ARGS="--root $root -s ntp1.example.com" hook "$name" "$snippet" "$arg"
    rc=$?
    snapshot "$root" > "$TMP/snap1"
    check "$name: exit 0 when te-ntp-setup fails" [ $rc -eq 0 ]
    check "$name: the failure is logged" grep -q 'failed and restored: nothing changed (exit 1)$' "$LOG"
    check "$name: the error is logged" grep -q '^    te-ntp-setup: error: .*chrony.conf:' "$LOG" ||
        sed 's/^/#   /' "$LOG"
    check "$name: nothing changed" cmp -s "$TMP/snap0" "$TMP/snap1"

    # Bad settings (usage error, 64).
    : > "$LOG"
    TE_NTP_SETUP_HOOK_ARGS="--root $TMP/nonexistent" hook "$name" "$snippet" "$arg"
    check "$name: exit 0 on a usage error" [ $? -eq 0 ]
    check "$name: the usage error is logged" grep -q 'bad settings, nothing changed (exit 64)$' "$LOG"

    # The program is not installed.
    : > "$LOG"
    TE_NTP_SETUP="$TMP/nonexistent/te-ntp-setup" hook "$name" "$snippet" "$arg"
    check "$name: exit 0 without te-ntp-setup" [ $? -eq 0 ]
    check "$name: says it is not installed" grep -q 'skipped: .* is not installed$' "$LOG"

    # Skipped on request.
    : > "$LOG"
    TE_NTP_SETUP_HOOK_SKIP=1 TE_NTP_SETUP="$TMP/must-not-run" hook "$name" "$snippet" "$arg"
    check "$name: TE_NTP_SETUP_HOOK_SKIP=1 skips" grep -q 'skipped (TE_NTP_SETUP_HOOK_SKIP=1)$' "$LOG"

    # A fake te-ntp-setup that records its arguments and standard input, then hangs: the
    # hook kills it after the timeout and still exits 0, quickly.
    cat > "$TMP/fake" <<EOF
#!/bin/sh
echo "\$@" > "$TMP/fake.args"
readlink /proc/self/fd/0 > "$TMP/fake.stdin"
exec sleep 60
EOF
    chmod +x "$TMP/fake"
    : > "$LOG"
    start=$(date +%s)
    # The hook's own stdin is a file: the program must get /dev/null instead.
    echo yes > "$TMP/stdin"
    TE_NTP_SETUP="$TMP/fake" TE_NTP_SETUP_HOOK_TIMEOUT=1 hook "$name" "$snippet" "$arg" \
        < "$TMP/stdin"
    rc=$?
    took=$(($(date +%s) - start))
    check "$name: exit 0 when te-ntp-setup hangs" [ $rc -eq 0 ]
    check "$name: the hang is cut short by the timeout (${took}s)" [ "$took" -lt 15 ]
    check "$name: the timeout is logged" grep -q 'timed out after 1s (exit 124)$' "$LOG" ||
        sed 's/^/#   /' "$LOG"
    check "$name: runs te-ntp-setup --if-needed --detailed-exitcodes with short waits" \
        grep -q '^--if-needed --detailed-exitcodes --lock-timeout 10 --verify-timeout 30$' "$TMP/fake.args"

    # One line per outcome, from the program's exit status and its words (a stand-in
    # program prints what te-ntp-setup prints in each case; tests/live/outcome-live.sh checks
    # that te-ntp-setup does).
    outcome() { # description exit-status expected-line program-output...
        desc=$1 st=$2 want=$3; shift 3
        { echo '#!/bin/sh'; for l in "$@"; do printf "echo '%s'\n" "$l"; done; echo "exit $st"; } \
            > "$TMP/fake"
        : > "$LOG"
        TE_NTP_SETUP="$TMP/fake" hook "$name" "$snippet" "$arg"
        check "$name: $desc: exit 0" [ $? -eq 0 ]
        check "$name: $desc: logged as '$want'" grep -qF -- "): $want" "$LOG" ||
            sed 's/^/#   /' "$LOG"
    }
    outcome "synchronized" 2 "configured, synchronized to 192.0.2.1 (exit 2)" \
        "chrony: /etc/chrony/chrony.conf (service chrony, systemd)" "restarted chrony.service" \
        "verification: chrony is synchronized to 192.0.2.1 (2 ms ahead; 1 of 1 source reachable) [chronyc tracking and sources]"
    outcome "nothing to change, synchronized" 0 "nothing to change, synchronized to 192.0.2.1 (exit 0)" \
        "verification: chrony is synchronized to 192.0.2.1 (2 ms ahead) [chronyc tracking and sources]" \
        "nothing to change: 192.0.2.1 already configured"
    outcome "not synchronized" 5 "configured but not synchronized: no reply from any source (unreachable, or udp 123 blocked on the way) (exit 5)" \
        "verification: chrony is NOT synchronized (0 of 1 source reachable): no reply from any source (unreachable, or udp 123 blocked on the way) [chronyc tracking and sources]" \
        "te-ntp-setup: warning: chrony is configured but not synchronized: no reply from any source (unreachable, or udp 123 blocked on the way); run 'te-ntp-setup check' to see more"
    outcome "left alone" 0 "left alone: already synchronized to 192.0.2.1 (exit 0)" \
        "chrony is active and synchronized to 192.0.2.1: nothing changed (--if-needed)"
    outcome "could not restore" 3 "failed and could not restore: run 'te-ntp-setup rollback' (exit 3)" \
        "te-ntp-setup: error: something"
    check "$name: the program's stdin is /dev/null" grep -qx /dev/null "$TMP/fake.stdin"
done

# Other invocations do nothing: postinst abort-upgrade, rpm %post with no argument.
: > "$LOG"
TE_NTP_SETUP="$TMP/must-not-run" hook postinst postinst-snippet.sh abort-upgrade
check "postinst abort-upgrade: exit 0, nothing run" sh -c "[ $? -eq 0 ] && [ ! -s '$LOG' ]"

# Pasted into a "set -e" maintainer script, a failure does not end the script.
for snippet in postinst-snippet.sh:configure rpm-post-snippet.sh:1; do
    arg=${snippet#*:}; snippet=${snippet%%:*}
    { echo '#!/bin/sh'; echo 'set -e'; cat "$HOOKS/$snippet"; echo 'echo "after the snippet"'; } \
        > "$TMP/maint.sh"
    TE_NTP_SETUP_HOOK_ARGS="--root $TMP/nonexistent" sh "$TMP/maint.sh" "$arg" > "$TMP/maint.out" 2>&1
    rc=$?
    check "$snippet in a set -e script: the script goes on and exits 0" \
        sh -c "[ $rc -eq 0 ] && grep -qx 'after the snippet' '$TMP/maint.out'"
done

finish
