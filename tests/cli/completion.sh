#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The bash completion packaging/bash-completion/te-ntp-setup, loaded with bash-completion
# the way an interactive shell loads it: the commands, each command's options (exactly the
# long options its part of --help lists), and the values of the options that have some.
. "$(dirname "$0")/../lib.sh"

BASH_COMPLETION=${TE_BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}
[ -n "${BASH_VERSION:-}" ] || skip_all "not running under bash"
[ -r "$BASH_COMPLETION" ] ||
    skip_all "bash-completion not installed (packaging/build-deps --test installs it)"

# shellcheck disable=SC1090
. "$BASH_COMPLETION"
# shellcheck disable=SC1091
. "$top_srcdir/packaging/bash-completion/te-ntp-setup"

# complete WORD...: the sorted completions of the last word, on one line; COMP_WORDS as
# bash splits the line (COMP_WORDBREAKS: "--mode=m" is --mode = m).
complete_line() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=${LINE:-$*}            # as typed (LINE: when a word holds '=')
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _te_ntp_setup te-ntp-setup "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}
# expect DESCRIPTION "COMPLETIONS" WORD...
expect() {
    local desc=$1 want=$2 got
    shift 2
    got=$(complete_line "$@")
    if [ "$got" = "$want" ]; then ok "$desc"; else
        not_ok "$desc: got '$got', expected '$want'"; fi
}

registered() { complete -p te-ntp-setup >/dev/null 2>&1; }
check "the completion is registered for te-ntp-setup" registered

IMPLS="auto chrony ntpd ntpsec openntpd timesyncd"
expect "the commands" "apply check detect firewall rollback" te-ntp-setup ''
expect "a command by its start" "detect" te-ntp-setup de
expect "--implementation" "$IMPLS" te-ntp-setup --implementation ''
expect "-i, by its start" "ntpd ntpsec" te-ntp-setup -i nt
expect "--mode" "merge replace" te-ntp-setup --mode ''
LINE="te-ntp-setup --mode=m" expect "--mode=VALUE" "merge" te-ntp-setup --mode = m
expect "detect -i" "$IMPLS" te-ntp-setup detect -i ''
expect "--quiet by its start" "--quiet" te-ntp-setup --q
expect "--if-needed by its start" "--if-needed" te-ntp-setup --if
expect "--version only as the first word" "--verbose --verify-timeout --version" te-ntp-setup --ver
expect "firewall --remove" "--remove" te-ntp-setup firewall --re
expect "--serve takes a network: nothing to complete" "" te-ntp-setup --serve ''
expect "--platform" "auto none" te-ntp-setup --platform ''
expect "--configure-container by its start" "--configure-container" te-ntp-setup --configure
expect "--local-stratum 1..." "1 10 11 12 13 14 15" te-ntp-setup --local-stratum 1
expect "check -c is --crit: a number, not a file" "" te-ntp-setup check -c ''
expect "--lock-timeout takes seconds" "" te-ntp-setup rollback --lock-timeout ''
expect "apply after options" "apply" te-ntp-setup --dry-run ''
expect "nothing after apply" "" te-ntp-setup apply --dry-run ''

# Files and directories.
mkdir -p "$TMP/cwd/img" && touch "$TMP/cwd/a.yaml" "$TMP/cwd/b.txt"
cd "$TMP/cwd" || exit 99
expect "--root completes directories" "img" te-ntp-setup --root ''
expect "--config completes YAML files (and directories)" "a.yaml img" te-ntp-setup --config ''
expect "check -c does not complete files" "" te-ntp-setup check -c ''
cd - >/dev/null || exit 99

# The values offered for apply's options are the program's own: the choices and ranges of
# its settings table (te-ntp-setup settings-table).
"$BIN" settings-table > "$TMP/table"
check "the settings table has options with choices" grep -q '^setting	--[a-z-]*	.*	choice	' "$TMP/table"
while IFS="$(printf '\t')" read -r table option short argument yaml ansible type values negated; do
    [ "$table" = setting ] && [ "$option" != - ] || continue
    case $type in
    choice) want=$(printf '%s\n' "${values//|/ }" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//') ;;
    int) want=$(seq "${values%..*}" "${values#*..}" | sort | tr '\n' ' ' | sed 's/ $//')
        [ "${values#*..}" -le 100 ] || want= ;;   # seconds: nothing to offer
    *) continue ;;
    esac
    expect "$option offers the table's values" "$want" te-ntp-setup "$option" ''
    [ "$short" = - ] || expect "$short offers the table's values" "$want" te-ntp-setup "$short" ''
done < "$TMP/table"

# Each command's options are exactly the long options its part of --help lists.
"$BIN" --help > "$TMP/help"
for cmd in apply detect rollback firewall check; do
    help_opts=$(awk -v cmd="$cmd" '
        /^Usage: te-ntp-setup / {
            c = $3; if (c ~ /^\[/) c = "apply"; inside = (c == cmd)
        }
        inside' "$TMP/help" | grep -oE -- '--[a-z][a-z-]*' | sort -u | tr '\n' ' ')
    help_opts=$(printf '%s\n' $help_opts --help | sort -u | tr '\n' ' ' | sed 's/ $//')
    expect "$cmd: every option of --help, no other" "$help_opts" te-ntp-setup "$cmd" --
done

finish
