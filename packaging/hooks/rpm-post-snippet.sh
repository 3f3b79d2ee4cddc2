# SPDX-License-Identifier: Apache-2.0
# te-ntp-setup: a snippet for the post-install scriptlet of an RPM package that needs
# correct time (a monitoring agent). With te-ntp-setup installed first (Requires(post)),
# the scriptlet can be one line: sh /usr/share/te-ntp-setup/hooks/rpm-post-snippet.sh "$1"
# Or paste this file into it: it is safe under "set -e" and holds no percent sign, so rpm
# expands no macro in it.
#
# On install and upgrade ($1 = 1 or 2) it runs "te-ntp-setup --if-needed": a host
# whose NTP client is active and synchronized is left alone; otherwise NTP is set up with
# the settings of /etc/te-ntp-setup/te-ntp-setup.yaml (default servers 0/1.pool.ntp.org).
# It never fails the installation (whatever happens, it returns 0), never asks (stdin is
# /dev/null), never blocks long (timeout 120 s, then KILL 10 s later; the lock and the sync
# wait are short), and logs the outcome to syslog (logger -t te-ntp-setup-hook) and to
# /var/log/te-ntp-setup-hook.log.
#
# Environment, for tests and special installs:
#   TE_NTP_SETUP_HOOK_SKIP=1    do nothing (image builds, containers)
#   TE_NTP_SETUP_HOOK_ARGS      more arguments, split on blanks (e.g. "--root /srv/image")
#   TE_NTP_SETUP_HOOK_LOG       the log file instead of /var/log/te-ntp-setup-hook.log
#   TE_NTP_SETUP_HOOK_TIMEOUT   seconds instead of 120
#   TE_NTP_SETUP                the program instead of /usr/sbin/te-ntp-setup
te_ntp_setup_hook() {
    _te_when=$1
    _te_bin=${TE_NTP_SETUP:-/usr/sbin/te-ntp-setup}
    _te_log=${TE_NTP_SETUP_HOOK_LOG:-/var/log/te-ntp-setup-hook.log}
    _te_timeout=${TE_NTP_SETUP_HOOK_TIMEOUT:-120}

    if [ "${TE_NTP_SETUP_HOOK_SKIP:-}" = 1 ]; then
        _te_hook_log notice "skipped (TE_NTP_SETUP_HOOK_SKIP=1)" ""
        return 0
    fi
    if [ ! -x "$_te_bin" ]; then
        _te_hook_log notice "skipped: $_te_bin is not installed" ""
        return 0
    fi
    set -- "$_te_bin" --if-needed --detailed-exitcodes --lock-timeout 10 --verify-timeout 30
    if command -v timeout >/dev/null 2>&1; then
        set -- timeout -k 10 "$_te_timeout" "$@"
    fi
    # shellcheck disable=SC2086 # TE_NTP_SETUP_HOOK_ARGS is split on purpose
    _te_out=$(set -f; "$@" ${TE_NTP_SETUP_HOOK_ARGS:-} </dev/null 2>&1) && _te_rc=0 || _te_rc=$?
    # The outcome in the program's own words: the source it synchronized to, why not.
    _te_to=$(sed -n 's/^verification: .* is synchronized to \([^ ]*\).*$/\1/p' <<_TE_EOF
$_te_out
_TE_EOF
)
    _te_left=$(sed -n 's/^.* is active and synchronized\(.*\): nothing changed (--if-needed)$/\1/p' <<_TE_EOF
$_te_out
_TE_EOF
)
    _te_why=$(sed -n 's/^te-ntp-setup: warning: .* is configured but not synchronized: \(.*\); run .*$/\1/p' <<_TE_EOF
$_te_out
_TE_EOF
)
    case $_te_rc in
    0|2)
        _te_level=notice
        if [ -n "$_te_left" ]; then
            _te_what="left alone: already synchronized$_te_left (exit $_te_rc)"
        elif [ $_te_rc = 2 ] && [ -n "$_te_to" ]; then
            _te_what="configured, synchronized to $_te_to (exit 2)"
        elif [ $_te_rc = 2 ]; then
            _te_what="configured, not verified (exit 2)"
        elif [ -n "$_te_to" ]; then
            _te_what="nothing to change, synchronized to $_te_to (exit 0)"
        else
            _te_what="nothing to change (exit 0)"
        fi ;;
    5)   _te_level=warning _te_what="configured but not synchronized: ${_te_why:-see below} (exit 5)" ;;
    1)   _te_level=err _te_what="failed and restored: nothing changed (exit 1)" ;;
    3)   _te_level=err _te_what="failed and could not restore: run 'te-ntp-setup rollback' (exit 3)" ;;
    4)   _te_level=warning _te_what="another te-ntp-setup was running: skipped (exit 4)" ;;
    64)  case $_te_out in
         *"this system is a container"*)
              _te_level=notice
              _te_what="in a container that cannot set the clock: nothing to do, the host's NTP sets it (exit 64)" ;;
         *)   _te_level=err _te_what="bad settings, nothing changed (exit 64)" ;;
         esac ;;
    124) _te_level=err _te_what="timed out after ${_te_timeout}s (exit 124)" ;;
    137) _te_level=err _te_what="killed after the timeout (exit 137)" ;;
    *)   _te_level=err _te_what="failed (exit $_te_rc)" ;;
    esac
    _te_hook_log "$_te_level" "$_te_what" "$_te_out"
    return 0
}

# _te_hook_log LEVEL SUMMARY OUTPUT: one line to the log file and syslog, then the output.
_te_hook_log() {
    _te_line="te-ntp-setup hook ($_te_when): $2"
    _te_stamp=$(date -Iseconds 2>/dev/null || date)
    {
        mkdir -p "$(dirname "$_te_log")" &&
        {
            cat <<_TE_EOF
$_te_stamp $_te_line
_TE_EOF
            [ -z "$3" ] || sed 's/^/    /' <<_TE_EOF
$3
_TE_EOF
        } >>"$_te_log"
    } 2>/dev/null || true
    if command -v logger >/dev/null 2>&1; then
        logger -t te-ntp-setup-hook -p "daemon.$1" -- "$_te_line" 2>/dev/null || true
        [ -z "$3" ] || logger -t te-ntp-setup-hook -p "daemon.$1" 2>/dev/null <<_TE_EOF || true
$3
_TE_EOF
    fi
}

case "${1:-}" in
[1-9]*) te_ntp_setup_hook "rpm post-install $1" || true ;;
esac
