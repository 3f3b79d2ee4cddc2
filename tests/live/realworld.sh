#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Real configurations nobody here wrote (tests/fixtures/realworld, origins in SOURCES.md;
# each case is a root tree whose /.case names the implementation and the main file), and
# the project's own cases of the same shape (tests/fixtures/realworld-own). For each:
# detect picks the implementation; replace gives exactly the requested sources and merge
# the old plus the requested ones, as the daemon reads them (chronyd -p for chrony,
# includefile followed as ntpsec does for ntp.conf); the daemon's parser accepts the result
# wherever it accepted the original (chronyd -p, OpenNTPD's ntpd -n); every line the tool
# did not write or disable is byte for byte as it was (CRLF and a missing final newline
# included); a second run changes nothing. A configuration that authenticates its sources
# is refused in replace mode (exit 64, nothing touched) unless the downgrade is accepted.
# A case whose /.case says expect=refused must be refused with nothing touched.
. "$(dirname "$0")/../lib.sh"

CHRONYD=$(find_daemon chronyd chrony) || skip_all "chronyd not found (packaging/build-deps --test)"
OPENNTPD=$(find_daemon openntpd openntpd) || OPENNTPD=$TESTDEPS/openntpd/usr/sbin/ntpd
[ -x "$OPENNTPD" ] || skip_all "OpenNTPD not found (packaging/build-deps --test)"
export TE_NTP_SETUP_SBIN
[ "$(id -u)" -eq 0 ] && unshare -m --propagation private true 2>/dev/null ||
    skip_all "the daemons' parsers read the roots in a private mount namespace: needs root"
WANT_HOSTS="ntp1.example.com ntp2.example.com"
SERVERS="-s ntp1.example.com -s ntp2.example.com"

# Run a command with the root's /etc over /etc, in a private mount namespace.
in_root() { # root command...
    r=$1; shift
    unshare -m --propagation private sh -c 'mount --bind "$0/etc" /etc && exec "$@"' "$r" "$@"
}

# The sources chronyd reads: its own print of the configuration (includes and confdir
# followed), then the *.sources files of each sourcedir.
chrony_sources() { # root conf
    in_root "$1" "$CHRONYD" -p -f "$2" > "$TMP/cp.out" 2>&1 || return 0
    { awk 'tolower($1) == "server" || tolower($1) == "pool" { print tolower($1), $2 }' \
          "$TMP/cp.out"
      awk 'tolower($1) == "sourcedir" { for (i = 2; i <= NF; i++) print $i }' "$TMP/cp.out" |
          while read -r d; do
              for f in "$1$d"/*.sources; do
                  [ -f "$f" ] && awk 'tolower($1) == "server" || tolower($1) == "pool" {
                      print tolower($1), $2 }' "$f"
              done
          done; } | tr -d '\r' | sort -u
}

# ntp.conf as ntpd/ntpsec read it: includefile (relative to the including file's directory,
# a directory meaning its *.conf files) spliced in, nested up to 5 deep.
ntp_lines() { # root file depth
    [ "$3" -gt 5 ] && return 0
    tr -d '\r' < "$1$2" | sed 's/#.*//' | while read -r kw arg rest; do
        if [ "$kw" = includefile ]; then
            case $arg in /*) inc=$arg ;; *) inc=$(dirname "$2")/$arg ;; esac
            if [ -d "$1$inc" ]; then
                for f in "$1$inc"/*.conf; do
                    [ -f "$f" ] && ntp_lines "$1" "${f#$1}" $(($3 + 1))
                done
            else
                [ -f "$1$inc" ] && ntp_lines "$1" "$inc" $(($3 + 1))
            fi
        else
            echo "$kw $arg $rest"
        fi
    done
}
ntp_sources() { # root conf
    ntp_lines "$1" "$2" 0 | awk '$1 == "server" || $1 == "pool" {
        h = $2; if (h == "-4" || h == "-6" || h == "--ipv4" || h == "--ipv6") h = $3
        if (h !~ /^127\.127\./) print $1, h }' | sort -u
}
openntpd_sources() { # root conf
    tr -d '\r' < "$1$2" | sed 's/#.*//' |
        awk '$1 == "server" || $1 == "servers" { gsub(/"/, "", $2); print $1, $2 }' | sort -u
}
timesyncd_sources() { # root conf
    { cat "$1$2"; for f in "$1$2.d"/*.conf; do [ -f "$f" ] && cat "$f"; done; } |
        tr -d '\r' | awk -F= '$1 == "NTP" { if ($2 == "") v = ""; else v = v " " $2 }
        END { n = split(v, w, /[ \t]+/); for (i = 1; i <= n; i++) if (w[i] != "") print "server", w[i] }' |
        sort -u
}
sources() { # impl root conf
    case $1 in
    chrony) chrony_sources "$2" "$3" ;;
    ntpd|ntpsec) ntp_sources "$2" "$3" ;;
    openntpd) openntpd_sources "$2" "$3" ;;
    timesyncd) timesyncd_sources "$2" "$3" ;;
    esac
}
# 0 when the daemon's own parser accepts the configuration; 2 when it has none here.
parser_accepts() { # impl root conf
    case $1 in
    chrony) in_root "$2" "$CHRONYD" -p -f "$3" > "$TMP/pa.out" 2>&1 ;;
    openntpd) in_root "$2" "$OPENNTPD" -n -f "$3" > "$TMP/pa.out" 2>&1 ;;
    *) return 2 ;;
    esac
}
# The configuration authenticates its sources: the tool must not quietly drop that.
authenticates() { # impl root
    case $1 in
    chrony) find "$2/etc" -type f | xargs cat 2>/dev/null | tr -d '\r' |
                grep -qiE '^[[:space:]]*((server|pool|peer)[[:space:]].*[[:space:]](nts|key)([[:space:]]|$)|authselectmode[[:space:]]+require)' ;;
    ntpd|ntpsec) find "$2/etc" -type f | xargs cat 2>/dev/null | tr -d '\r' | sed 's/#.*//' |
                grep -qE '^[[:space:]]*((server|pool|peer)[[:space:]].*[[:space:]](nts|key)([[:space:]]|$)|restrict[[:space:]].*[[:space:]]notrust)' ;;
    *) return 1 ;;
    esac
}

# Every requested server has a line already that authenticates it (NTS or a key): that line
# is kept, so replacing the others weakens nothing.
requested_authenticated() { # root
    for h in $WANT_HOSTS; do
        find "$1/etc" -type f | xargs cat 2>/dev/null | tr -d '\r' |
            grep -qiE "^[[:space:]]*server[[:space:]]+$h[[:space:]]+(.*[[:space:]])?(nts|key)([[:space:]]|\$)" ||
            return 1
    done
}

# Every line that differs is one the tool wrote or disabled (a disabled line is quoted
# whole in the note that replaces it), new files are the tool's own, a CRLF file stays
# CRLF, and a file without a final newline gets none unless its last line is the tool's.
only_tool_changes() { # orig-root new-root
    rc=0
    for f in $(cd "$2" && find . -type f ! -name .case | sort); do
        if [ ! -f "$1/$f" ]; then
            case $f in
            ./var/lib/te-ntp-setup/*|*/te-ntp-setup.sources|*/te-ntp-setup.conf) continue ;;
            *) echo "# unexpected new file $f"; rc=1; continue ;;
            esac
        fi
        cmp -s "$1/$f" "$2/$f" && continue
        if grep -q "$(printf '\r')\$" "$1/$f" && ! grep -qv "$(printf '\r')\$" "$1/$f" &&
           grep -qv "$(printf '\r')\$" "$2/$f"; then
            echo "# $f: a CRLF file got LF line ends"; rc=1
        fi
        diff "$1/$f" "$2/$f" | tr -d '\r' > "$TMP/d"
        grep '^>' "$TMP/d" | sed 's/^> [[:space:]]*//' > "$TMP/added"
        grep '^<' "$TMP/d" | sed 's/^< [[:space:]]*//' > "$TMP/removed"
        # A last line without a line end gets one when the tool adds lines after it.
        grep -vxF -f "$TMP/removed" "$TMP/added" > "$TMP/added.new"; mv "$TMP/added.new" "$TMP/added"
        while IFS= read -r old; do
            case $old in *ntp1.example.com*|*ntp2.example.com*) continue ;; esac
            [ "$(tail -c 1 "$1/$f")" != "" ] && [ "$old" = "$(tail -n 1 "$1/$f" | tr -d '\r' |
                sed 's/^[[:space:]]*//')" ] && grep -qxF -- "$old" "$TMP/removed" &&
                [ "$(grep '^>' "$TMP/d" | sed 's/^> [[:space:]]*//' | grep -cxF -- "$old")" -gt 0 ] &&
                continue
            grep -F -- "$old" "$TMP/added" | grep -q 'te-ntp-setup' ||
                { echo "# $f: line removed without a note quoting it: $old"; echo x >> "$TMP/bad"; }
        done < "$TMP/removed"
        grep -vE '^(#.*te-ntp-setup.*|.*ntp[12]\.example\.com.*|makestep 1\.0 3|tinker panic 0|minsources [0-9]+|tos .*minsane [0-9]+.*|initstepslew .*|)$' \
            "$TMP/added" > "$TMP/alien" &&
            { echo "# $f: lines added that are not the tool's:"; sed 's/^/#   /' "$TMP/alien"; rc=1; }
        if [ -s "$TMP/bad" ]; then rc=1; rm -f "$TMP/bad"; fi
        [ $rc -eq 0 ] || sed 's/^/#   /' "$TMP/d"
    done
    return $rc
}

settings_yaml() { # file mode nts accept
    { echo "mode: $2"
      [ "$4" = yes ] && echo "accept_auth_downgrade: true"
      echo "sources:"
      for h in $WANT_HOSTS; do
          echo "  - host: $h"
          [ "$3" = yes ] && echo "    nts: true"
      done; } > "$1"
}

run_case() { # case-dir
    name=$(basename "$1")
    impl=; conf=; expect=
    while IFS='=' read -r k v; do
        case $k in impl) impl=$v ;; conf) conf=$v ;; expect) expect=$v ;; esac
    done < "$1/.case"
    case $impl in
    openntpd) TE_NTP_SETUP_SBIN=$(dirname "$OPENNTPD") ;;
    *) TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD") ;;
    esac
    orig="$TMP/orig.$name"; root="$TMP/root.$name"
    rm -rf "$orig" "$root"; cp -a "$1" "$orig"; chmod -R u+w "$orig"; cp -a "$orig" "$root"

    "$BIN" detect --root "$root" --json > "$TMP/detect" 2>&1
    got_impl=$(sed -n 's/^{"implementation":"\([a-z]*\)".*/\1/p' "$TMP/detect")
    check "$name: detect picks $impl" [ "$got_impl" = "$impl" ] || sed 's/^/#   /' "$TMP/detect"

    parser_accepts "$impl" "$orig" "$conf"; orig_ok=$?
    snapshot "$root" > "$TMP/snap0"

    if [ "$expect" = refused ] || [ $orig_ok -eq 1 ]; then
        "$BIN" --root "$root" $SERVERS > "$TMP/out" 2>&1; rc=$?
        check "$name: refused (the daemon refuses it too), exit $rc" [ $rc -ne 0 ] && [ $rc -ne 2 ]
        snapshot "$root" > "$TMP/snap1"
        check "$name: nothing touched by the refused run" cmp -s "$TMP/snap0" "$TMP/snap1"
        check "$name: the refusal names the real file" grep -q "$root$conf\|$root/etc" "$TMP/out" ||
            sed 's/^/#   /' "$TMP/out"
        return
    fi
    old_sources=$(sources "$impl" "$orig" "$conf")
    want=$(for h in $WANT_HOSTS; do echo "server $h"; done | sort -u)
    extra=
    if authenticates "$impl" "$orig" && ! requested_authenticated "$orig"; then
        "$BIN" --root "$root" $SERVERS > "$TMP/out" 2>&1; rc=$?
        check "$name: replace with unauthenticated servers refused (exit 64)" [ $rc -eq 64 ] ||
            sed 's/^/#   /' "$TMP/out"
        snapshot "$root" > "$TMP/snap1"
        check "$name: nothing touched by the refused run" cmp -s "$TMP/snap0" "$TMP/snap1"
        check "$name: the refusal says how to proceed" grep -q 'accept-auth-downgrade' "$TMP/out"
        check "$name: the refusal names the real file:line:column" \
            grep -qE "error: $root/[^:]+:[0-9]+:[0-9]+: " "$TMP/out" || sed 's/^/#   /' "$TMP/out"
        extra=--accept-auth-downgrade
        if [ "$impl" = chrony ]; then
            # With NTS on the new servers nothing is weakened: no refusal.
            nts="$TMP/nts.$name"; rm -rf "$nts"; cp -a "$orig" "$nts"
            "$BIN" --root "$nts" $SERVERS --nts --detailed-exitcodes > "$TMP/out" 2>&1; rc=$?
            check "$name: replace with --nts goes ahead (exit $rc)" [ $rc -eq 2 ] ||
                sed 's/^/#   /' "$TMP/out"
            check "$name: --nts: the new servers use NTS" grep -rqiE \
                '^[[:space:]]*server[[:space:]]+ntp1\.example\.com[[:space:]].*nts' "$nts/etc"
            [ $orig_ok -eq 0 ] && { check "$name: --nts: the daemon's parser accepts the result" \
                parser_accepts "$impl" "$nts" "$conf" || sed 's/^/#   /' "$TMP/pa.out"; }
            rm -rf "$nts"
        fi
    fi

    # replace
    "$BIN" --root "$root" $SERVERS $extra --detailed-exitcodes > "$TMP/out" 2>&1; rc=$?
    check "$name: replace exits 2 (changed)" [ $rc -eq 2 ] || sed 's/^/#   /' "$TMP/out"
    got=$(sources "$impl" "$root" "$conf")
    check "$name: replace leaves exactly the requested sources" [ "$got" = "$want" ] ||
        { echo "# want: $want" | tr '\n' ' '; echo; echo "# got: $got" | tr '\n' ' '; echo; }
    if [ $orig_ok -eq 0 ]; then
        check "$name: the daemon's parser accepts the result" parser_accepts "$impl" "$root" "$conf" ||
            sed 's/^/#   /' "$TMP/pa.out"
    fi
    check "$name: every other line byte for byte" only_tool_changes "$orig" "$root"
    # A requested server's existing line keeps every word it had (its options).
    for h in $WANT_HOSTS; do
        grep -rhiE "^[[:space:]]*server[[:space:]]+$h([[:space:]]|\$)" "$orig/etc" 2>/dev/null | tr -d '\r' |
        while read -r line; do
            new=$(grep -rhiE "^[[:space:]]*server[[:space:]]+$h([[:space:]]|\$)" "$root/etc" | tr -d '\r' | head -n 1)
            for w in $line; do
                case " $new " in *" $w "*) ;; *) echo "# $name: '$line' lost '$w': now '$new'"; echo x >> "$TMP/lost" ;; esac
            done
        done
    done
    check "$name: the requested servers' existing lines keep their options" [ ! -s "$TMP/lost" ]
    rm -f "$TMP/lost"
    if [ "$impl" = chrony ]; then
        in_root "$root" "$CHRONYD" -p -f "$conf" > "$TMP/cp.out" 2>&1
        check "$name: minsources is not above the sources left" awk -v n=2 '
            tolower($1) == "minsources" && $2 + 0 > n { bad = 1 } END { exit bad }' "$TMP/cp.out" ||
            grep -i '^minsources' "$TMP/cp.out"
        check "$name: initstepslew names no old server" awk '
            tolower($1) == "initstepslew" { for (i = 3; i <= NF; i++)
                if ($i != "ntp1.example.com" && $i != "ntp2.example.com") bad = 1 }
            END { exit bad }' "$TMP/cp.out" || grep -i '^initstepslew' "$TMP/cp.out"
    fi
    snapshot "$root" > "$TMP/snap1"
    "$BIN" --root "$root" $SERVERS $extra --detailed-exitcodes > "$TMP/out" 2>&1; rc=$?
    snapshot "$root" > "$TMP/snap2"
    check "$name: a second run changes nothing (exit $rc)" [ $rc -eq 0 ] ||
        sed 's/^/#   /' "$TMP/out"
    check "$name: a second run leaves every file as it was" cmp -s "$TMP/snap1" "$TMP/snap2"

    # merge
    rm -rf "$root"; cp -a "$orig" "$root"
    "$BIN" --root "$root" $SERVERS $extra --mode merge > "$TMP/out" 2>&1; rc=$?
    check "$name: merge exits 0" [ $rc -eq 0 ] || sed 's/^/#   /' "$TMP/out"
    got=$(sources "$impl" "$root" "$conf")
    wantm=$({ [ -n "$old_sources" ] && echo "$old_sources"; echo "$want"; } |
        awk '{ k = $2; if (!(k in seen)) { seen[k] = 1; print } }' | sort -u)
    gotm=$(echo "$got" | awk '{ k = $2; if (!(k in seen)) { seen[k] = 1; print } }' | sort -u)
    check "$name: merge keeps the old sources and adds the requested ones" [ "$gotm" = "$wantm" ] ||
        { echo "# want: $wantm" | tr '\n' ' '; echo; echo "# got: $gotm" | tr '\n' ' '; echo; }
    if [ $orig_ok -eq 0 ]; then
        check "$name: the daemon's parser accepts the merge result" \
            parser_accepts "$impl" "$root" "$conf" || sed 's/^/#   /' "$TMP/pa.out"
    fi
    check "$name: merge: every other line byte for byte" only_tool_changes "$orig" "$root"
    snapshot "$root" > "$TMP/snap1"
    "$BIN" --root "$root" $SERVERS $extra --mode merge --detailed-exitcodes > "$TMP/out" 2>&1; rc=$?
    snapshot "$root" > "$TMP/snap2"
    check "$name: merge: a second run changes nothing (exit $rc)" [ $rc -eq 0 ] &&
        cmp -s "$TMP/snap1" "$TMP/snap2" || sed 's/^/#   /' "$TMP/out"
}

n=0
for dir in "$FIXTURES"/realworld/*/ "$FIXTURES"/realworld-own/*/; do
    [ -f "$dir/.case" ] || continue
    case " ${REALWORLD_ONLY:-$(basename "$dir")} " in *" $(basename "$dir") "*) ;; *) continue ;; esac
    run_case "${dir%/}"
    n=$((n + 1))
done
echo "# $n cases"
check "the cases were found" [ "$n" -gt 20 ] || [ -n "${REALWORLD_ONLY:-}" ]
finish
