#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/run.sh (make bench): how fast and how lean te-ntp-setup is, side by side with augtool,
# chronyd -Q and ntpdig, all measured in this one run on this machine. Prints a table and
# writes the same figures as JSON. Never part of make check: nothing here passes or fails on
# a number. See bench/README.md.
#
# Environment: BENCH_RUNS (timed runs per case, default 30), BENCH_SLOW_RUNS (for augtool with
# every lens and for chronyd -Q, default 5), BENCH_CALLGRIND=0 (skip the instruction counts),
# BENCH_OUT (the JSON, default $top_builddir/bench/results.json), BENCH_SECTIONS (which of
# "apply check scale" to run, default all), BENCH_SCALE_RUNS (runs per scale case, default
# 3), TE_TESTDEPS (where
# packaging/build-deps --test unpacked chrony, ntpsec and openntpd).
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
BIN=$top_builddir/src/te-ntp-setup
TIMEIT=$top_builddir/bench/timeit
WRITEFLOOR=$top_builddir/bench/writefloor
AUGFLOOR=$top_builddir/bench/augfloor
SERVER=$top_builddir/tests/tools/ntp-test-server
FIXTURES=$top_srcdir/tests/fixtures
TESTDEPS=${TE_TESTDEPS:-/opt/te-ntp-setup-testdeps}
RUNS=${BENCH_RUNS:-30}
SLOW=${BENCH_SLOW_RUNS:-5}
CALLGRIND=${BENCH_CALLGRIND:-1}
OUT=${BENCH_OUT:-$top_builddir/bench/results.json}
SECTIONS=${BENCH_SECTIONS:-apply check scale}
want() { case " $SECTIONS " in *" $1 "*) return 0;; esac; return 1; }
: "${TE_NTP_SETUP_LENSDIR:=$top_srcdir/lenses}"
export TE_NTP_SETUP_LENSDIR

for b in "$BIN" "$TIMEIT" "$SERVER"; do
    [ -x "$b" ] || { echo "bench: $b is not built (run make bench)" >&2; exit 1; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/te-ntp-setup-bench.XXXXXX")
pids=
cleanup() {
    for p in $pids; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
REC=$TMP/records            # one line per measurement: KIND NAME CASE key=value...
: >"$REC"
EMPTY=$TMP/empty-sbin       # TE_NTP_SETUP_SBIN=$EMPTY: no daemon is found there
mkdir -p "$EMPTY"
SERVERS="-s ntp1.example.com -s ntp2.example.com"
have() { command -v "$1" >/dev/null 2>&1; }
say() { echo "bench: $*" >&2; }

# timed KIND NAME CASE [timeit options] -- COMMAND...: one timeit line, recorded.
timed() {
    kind=$1 name=$2 case=$3
    shift 3
    line=$("$TIMEIT" "$@" 2>"$TMP/timeit.err")
    [ -n "$line" ] || line="runs=0 bad=-1"
    case $line in *"bad=0 "*) ;; *) say "$name $case: some runs failed: $(head -c 300 "$TMP/timeit.err")";; esac
    echo "$kind $name $case $line" >>"$REC"
}

# counted KIND NAME CASE COMMAND...: the instructions (callgrind) of one run, recorded.
counted() {
    kind=$1 name=$2 case=$3
    shift 3
    [ "$CALLGRIND" = 1 ] && have valgrind || return 0
    n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' | tail -n 1)
    [ -n "$n" ] && echo "$kind $name $case ir=$n" >>"$REC"
}

# ---- the machine ------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
# shellcheck disable=SC1091
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
augver=$(augtool --version 2>&1 | sed -n '1s/^augtool \([^ ]*\).*/\1/p')
rev=$(git -C "$top_srcdir" rev-parse --short HEAD 2>/dev/null || echo unknown)
say "$cpu x$ncpu, $os, load $load_before; $RUNS runs per case"

# ---- apply on every fixture root -------------------------------------------------------
if want apply; then
# name | main configuration | stock lens for augtool | how augtool sets the servers |
# the daemon directory whose program checks the configuration ("-": none)
fixtures='debian-12 /etc/chrony/chrony.conf Chrony.lns server chrony
ubuntu-24.04 /etc/chrony/chrony.conf Chrony.lns server chrony
rhel-9 /etc/chrony.conf Chrony.lns server chrony
amazonlinux-2023 /etc/chrony.conf Chrony.lns server chrony
sles-15 /etc/chrony.conf Chrony.lns server chrony
alpine-3.20 /etc/chrony/chrony.conf Chrony.lns server chrony
hand-edited-chrony /etc/chrony.conf Chrony.lns server chrony
debian12-ntpsec /etc/ntpsec/ntp.conf Ntp.lns server ntpsec
debian12-timesyncd /etc/systemd/timesyncd.conf Systemd.lns ntpvalue -
debian12-openntpd /etc/openntpd/ntpd.conf Ntpd.lns address openntpd
centos7-ntp /etc/ntp.conf Ntp.lns server ntpsec'

# The augtool script doing te-ntp-setup's edit (replace mode) with the stock lens.
aug_script() { # conf style
    c=/files$1
    if [ "$2" = ntpvalue ]; then
        printf 'set %s/Time/NTP/value[1] ntp1.example.com\nset %s/Time/NTP/value[2] ntp2.example.com\nsave\n' "$c" "$c"
        return
    fi
    printf 'rm %s/server\nrm %s/pool\nrm %s/servers\n' "$c" "$c" "$c"
    for h in ntp1.example.com ntp2.example.com; do
        if [ "$2" = address ]; then
            printf 'set %s/server[last()+1]/address %s\n' "$c" "$h"
        else
            printf 'set %s/server[last()+1] %s\nclear %s/server[last()]/iburst\n' "$c" "$h" "$c"
        fi
    done
    echo save
}

# Does the stock lens parse the fixture's file? (It cannot parse every one.)
aug_parses() { # root conf lens
    ! augtool -A -r "$1" --transform "$3 incl $2" 'print /augeas//error' 2>&1 | grep -q .
}

# Where a program is found outside TE_NTP_SETUP_SBIN (then the runs "without" still use it).
on_host() { # program
    for d in /usr/sbin /usr/bin /sbin /bin /usr/local/sbin /usr/local/bin; do
        [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }
    done
    return 1
}

echo "$fixtures" | while read -r name conf lens style daemon; do
    fix=$FIXTURES/$name
    [ -d "$fix" ] || { say "no fixture $name"; continue; }
    say "apply: $name"
    root=$TMP/root
    prep="rm -rf '$root' && cp -a '$fix' '$root'"
    sbin=$EMPTY
    validator=none
    if [ "$daemon" != - ] && [ -d "$TESTDEPS/$daemon/usr/sbin" ]; then
        sbin=$TESTDEPS/$daemon/usr/sbin
        case $daemon in
        chrony) validator="chronyd -p" ;;
        openntpd) validator="openntpd -n" ;;
        ntpsec) if [ "$name" = centos7-ntp ]; then validator="ntpd --help (no --saveconfigquit: lens only)"; else validator="none (ntpsec has no check)"; fi ;;
        esac
    fi
    for p in chronyd openntpd; do
        h=$(on_host "$p") && [ "$daemon" != - ] && validator="$validator; $h found outside TE_NTP_SETUP_SBIN: also used by the runs without"
    done
    echo "meta $name - validator=$(echo "$validator" | tr ' ' '~') conf=$conf" >>"$REC"
    # shellcheck disable=SC2086
    (
        TE_NTP_SETUP_SBIN=$sbin; export TE_NTP_SETUP_SBIN
        timed apply "$name" change_validate -n "$RUNS" -p "$prep" -- "$BIN" --root "$root" $SERVERS --no-verify
        eval "$prep"
        counted apply "$name" change_validate "$BIN" --root "$root" $SERVERS --no-verify
        # the second run, again and again: nothing to change
        timed apply "$name" nochange -n "$RUNS" -- "$BIN" --root "$root" $SERVERS --no-verify
        counted apply "$name" nochange "$BIN" --root "$root" $SERVERS --no-verify
        TE_NTP_SETUP_SBIN=$EMPTY
        timed apply "$name" change_novalidate -n "$RUNS" -p "$prep" -- "$BIN" --root "$root" $SERVERS --no-verify
        eval "$prep"
        counted apply "$name" change_novalidate "$BIN" --root "$root" $SERVERS --no-verify
    )

    have augtool || continue
    if ! aug_parses "$fix" "$conf" "$lens"; then
        echo "meta $name - augtool=stock~$lens~cannot~parse~$conf" >>"$REC"
        continue
    fi
    aug_script "$conf" "$style" >"$TMP/edit.aug"
    # The stock Chrony lens reads /etc/chrony.conf only: name Debian's path too.
    extra=
    [ "$conf" = /etc/chrony.conf ] || [ "$lens" != Chrony.lns ] || extra="$lens incl $conf"
    # augtool with one lens: the floor of any Augeas-based tool.
    timed augtool_lens "$name" change -n "$RUNS" -p "$prep" -- augtool -A -r "$root" --transform "$lens incl $conf" -f "$TMP/edit.aug"
    eval "$prep"
    augtool -A -r "$root" --transform "$lens incl $conf" -f "$TMP/edit.aug" >/dev/null 2>&1
    timed augtool_lens "$name" nochange -n "$RUNS" -- augtool -A -r "$root" --transform "$lens incl $conf" -f "$TMP/edit.aug"
    counted augtool_lens "$name" nochange augtool -A -r "$root" --transform "$lens incl $conf" -f "$TMP/edit.aug"
    # augtool as it comes: every stock lens autoloaded.
    if [ -n "$extra" ]; then
        set -- --transform "$extra"
    else
        set --
    fi
    timed augtool_all "$name" change -n "$SLOW" -w 0 -p "$prep" -- augtool -r "$root" "$@" -f "$TMP/edit.aug"
    timed augtool_all "$name" nochange -n "$SLOW" -w 0 -- augtool -r "$root" "$@" -f "$TMP/edit.aug"
    # every lens costs the same whatever the fixture: counted once
    [ "$name" = rhel-9 ] && counted augtool_all "$name" nochange augtool -r "$root" "$@" -f "$TMP/edit.aug"
done
fi

# ---- check: four local servers, and the error against a known offset ----------------------
if want check; then
CHRONYD=
for d in /usr/sbin "$TESTDEPS/chrony/usr/sbin"; do
    [ -x "$d/chronyd" ] && { CHRONYD=$d/chronyd; break; }
done
NOCAP=
have setpriv && NOCAP="setpriv --bounding-set -sys_time --inh-caps -sys_time"

# start_server OUTFILE ARGS...: a test server in the background (killed on exit), its port
# in $port. Not in a command substitution: its pid must reach $pids in this shell.
start_server() {
    f=$1
    shift
    : >"$f"
    "$SERVER" "$@" >"$f" 2>/dev/null &
    pids="$pids $!"
    i=0
    while [ -z "$(head -n 1 "$f")" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    port=$(head -n 1 "$f")
}

# chronyd_conf FILE HOST:PORT...: a chronyd -Q configuration naming the servers.
chronyd_conf() {
    f=$1
    shift
    : >"$f"
    for hp in "$@"; do echo "server ${hp%:*} port ${hp#*:} iburst" >>"$f"; done
    printf 'pidfile %s/q.pid\ncmdport 0\n' "$TMP" >>"$f"
}

say "check: 4 servers on 127.0.0.1"
targets=
for i in 1 2 3 4; do
    start_server "$TMP/ts$i.out" -l 300
    targets="$targets 127.0.0.1:$port"
done
# shellcheck disable=SC2086
timed check four te-ntp-setup -n "$RUNS" -- "$BIN" check $targets
# shellcheck disable=SC2086
counted check four te-ntp-setup "$BIN" check $targets
if [ -n "$CHRONYD" ]; then
    # shellcheck disable=SC2086
    chronyd_conf "$TMP/q4.conf" $targets
    # shellcheck disable=SC2086
    timed check four chronyd_Q -n "$SLOW" -w 0 -- $NOCAP "$CHRONYD" -Q -u root -t 20 -f "$TMP/q4.conf"
fi

# ntpdig asks port 123 only: in a network namespace of our own, four servers on
# 127.0.0.1-4:123, and te-ntp-setup check and chronyd -Q on the same four for comparison.
if have ntpdig && have unshare && unshare -n true 2>/dev/null; then
    say "check: 4 servers on 127.0.0.1-4:123 in a network namespace (ntpdig)"
    # shellcheck disable=SC2016
    TIMEIT=$TIMEIT SERVER=$SERVER BIN=$BIN TMP=$TMP RUNS=$RUNS SLOW=$SLOW CHRONYD=$CHRONYD \
    NOCAP=$NOCAP timeout 900 unshare -n sh -c '
        ip link set lo up 2>/dev/null || exit 99
        p=
        for i in 1 2 3 4; do "$SERVER" -a 127.0.0.$i -p 123 -l 300 >/dev/null 2>&1 & p="$p $!"; done
        sleep 0.3
        h="127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4"
        echo "check ns te-ntp-setup $("$TIMEIT" -n "$RUNS" -- "$BIN" check $h)"
        echo "check ns ntpdig $("$TIMEIT" -n "$RUNS" -- ntpdig -t 2 $h)"
        if [ -n "$CHRONYD" ]; then
            : >"$TMP/qns.conf"
            for a in $h; do echo "server $a iburst" >>"$TMP/qns.conf"; done
            printf "pidfile %s/qns.pid\ncmdport 0\n" "$TMP" >>"$TMP/qns.conf"
            echo "check ns chronyd_Q $("$TIMEIT" -n "$SLOW" -w 0 -- $NOCAP "$CHRONYD" -Q -u root -t 20 -f "$TMP/qns.conf")"
        fi
        kill $p 2>/dev/null
        wait
        # the error against a server 754.3 s ahead
        "$SERVER" -p 123 -o 754.3 -l 300 >/dev/null 2>&1 &
        p=$!
        sleep 0.2
        i=0
        while [ $i -lt "$SLOW" ]; do
            ntpdig -j -t 2 127.0.0.1 2>/dev/null |
                sed -n "s/.*\"offset\": *\(-\{0,1\}[0-9.e+-]*\).*/accuracy ntpdig - offset=\1/p"
            i=$((i + 1))
        done
        kill $p 2>/dev/null
        wait
    ' >>"$REC" 2>"$TMP/ns.err" || say "the namespace part failed: $(head -c 300 "$TMP/ns.err")"
else
    echo "meta ntpdig - skipped=no~ntpdig~or~no~unshare~-n" >>"$REC"
fi

say "check: the error against a server 754.3 s ahead"
start_server "$TMP/off.out" -o 754.3 -l 300
i=0
while [ $i -lt "$RUNS" ]; do
    "$BIN" check --json "127.0.0.1:$port" 2>/dev/null |
        sed -n 's/^{"state":"[A-Z]*","exit_code":[0-9]*,"offset":\(-\{0,1\}[0-9.e+-]*\),.*/accuracy te-ntp-setup - offset=\1/p' >>"$REC"
    i=$((i + 1))
done
if [ -n "$CHRONYD" ]; then
    chronyd_conf "$TMP/q1.conf" "127.0.0.1:$port"
    i=0
    while [ $i -lt "$SLOW" ]; do
        # shellcheck disable=SC2086
        timeout 30 $NOCAP "$CHRONYD" -Q -u root -t 20 -f "$TMP/q1.conf" 2>&1 |
            sed -n 's/.*System clock wrong by \(-\{0,1\}[0-9.]*\) seconds.*/accuracy chronyd_Q - offset=\1/p' |
            head -n 1 >>"$REC"
        i=$((i + 1))
    done
fi
fi

# ---- scale: the cost grows with the input, linearly ---------------------------------------
if want scale; then
# Generated inputs (chronyd is out of reach, so the figures are te-ntp-setup's own): a
# chrony.conf of 1,000 to 20,000 lines (one in ten a server, the rest directives and
# comments), an ntp.conf of 4.1 MB (under the 4 MiB limit, with room for the notes), 10,000
# one-server files in a sourcedir, 1,000 -s. Each a changing run (a fresh copy before each)
# and the run that changes nothing after it.
SCALE_RUNS=${BENCH_SCALE_RUNS:-3}
scale_root() { # name base-fixture
    rm -rf "$TMP/scale.$1"
    cp -a "$FIXTURES/$2" "$TMP/scale.$1"
    chmod -R u+w "$TMP/scale.$1"
}
chrony_lines() { # n
    awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) {
        if (i % 10 == 0) printf "server s%d.example.org iburst\n", i
        else if (i % 10 == 5) printf "# comment %d\n", i
        else printf "logchange%d 0.%d\n", i, i } }'
}
scale_case() { # name root args...
    name=$1 root=$2
    shift 2
    cp -a "$root" "$root.orig"
    (
        TE_NTP_SETUP_SBIN=$EMPTY; export TE_NTP_SETUP_SBIN
        timed scale "$name" change -n "$SCALE_RUNS" -p "rm -rf '$root' && cp -a '$root.orig' '$root'" \
            -- "$BIN" --root "$root" "$@" --no-verify
        "$BIN" --root "$root" "$@" --no-verify >/dev/null 2>&1
        timed scale "$name" nochange -n "$SCALE_RUNS" -- "$BIN" --root "$root" "$@" --no-verify
    )
    rm -rf "$root.orig"
}
for n in 1000 5000 10000 20000; do
    scale_root "chrony$n" rhel-9
    chrony_lines "$n" > "$TMP/scale.chrony$n/etc/chrony.conf"
    say "scale: chrony.conf of $n lines"
    # shellcheck disable=SC2086
    scale_case "chrony.conf_${n}_lines" "$TMP/scale.chrony$n" $SERVERS
    rm -rf "$TMP/scale.chrony$n"
done
scale_root ntp4m centos7-ntp
awk 'BEGIN { while (size < 4100000) {
        l = (i % 100 == 0) ? sprintf("server s%d.example.org iburst minpoll 6 maxpoll 10 # c%d", i, i) \
                         : sprintf("restrict 192.0.2.%d mask 255.255.255.255 nomodify notrap", i % 250)
        print l; size += length(l) + 1; i++ } }' > "$TMP/scale.ntp4m/etc/ntp.conf"
say "scale: ntp.conf of 4.1 MB"
# shellcheck disable=SC2086
scale_case "ntp.conf_4.1MB" "$TMP/scale.ntp4m" $SERVERS
rm -rf "$TMP/scale.ntp4m"
scale_root dropins debian-12
mkdir -p "$TMP/scale.dropins/etc/chrony/sources.d"
(cd "$TMP/scale.dropins/etc/chrony/sources.d" &&
 awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "server s%d.example.org iburst\n", i > ("s" i ".sources") }')
say "scale: 10,000 files in a sourcedir"
# The floor of the changing run: the same files rewritten crash-safe and nothing else
# (bench/writefloor: temporary file, fsync, rename each; no backup, no journal).
cp -a "$TMP/scale.dropins" "$TMP/scale.floor"
timed scale "10000_sourcedir_files" floor -n "$SCALE_RUNS" \
    -p "rm -rf '$TMP/scale.floor' && cp -a '$TMP/scale.dropins' '$TMP/scale.floor'" \
    -- "$WRITEFLOOR" "$TMP/scale.floor/etc/chrony/sources.d"
rm -rf "$TMP/scale.floor"
# shellcheck disable=SC2086
scale_case "10000_sourcedir_files" "$TMP/scale.dropins" $SERVERS
# The floor of the run that changes nothing: Augeas parsing the files, nothing else
# (bench/augfloor: aug_set and aug_text_store each, the trees grouped as te-ntp-setup does).
timed scale "10000_sourcedir_files" augfloor -n "$SCALE_RUNS" \
    -- "$AUGFLOOR" "$top_srcdir/lenses" Tentp_chrony.lns "$TMP/scale.dropins/etc/chrony/sources.d" .sources
rm -rf "$TMP/scale.dropins"
scale_root many rhel-9
say "scale: 1,000 -s"
# shellcheck disable=SC2046
scale_case "1000_servers_-s" "$TMP/scale.many" $(awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "-s s%d.example.net ", i }')
rm -rf "$TMP/scale.many"

fi
# ---- the table and the JSON ---------------------------------------------------------------
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$(dirname "$OUT")"
awk -v out="$OUT" -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" -v rev="$rev" -v cpu="$cpu" \
    -v ncpu="$ncpu" -v mem="$mem" -v os="$os" -v kernel="$(uname -r)" -v aug="$augver" \
    -v load1="$load_before" -v load2="$load_after" -v runs="$RUNS" -v slow="$SLOW" \
    -f "$top_srcdir/bench/report.awk" "$REC"
