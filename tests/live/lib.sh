# SPDX-License-Identifier: Apache-2.0
# The one namespace and container harness of the live tests (tests/live/*.sh). Source it
# after tests/lib.sh. Nothing here can set the host clock: every daemon it starts runs without
# CAP_SYS_TIME (in its bounding set, so no child can get it back), and every container is
# booted by systemd-nspawn, which keeps CAP_SYS_TIME out (live_boot proves it before the
# container's init runs). Traffic stays inside the network namespaces made here
# (192.0.2.0/24, 198.51.100.0/24).
#
# Network:
#   live_net_pair A B           network namespaces A (192.0.2.1) and B (192.0.2.2) joined
#                               by a veth pair; removed on exit
#   live_ntp_server NS NAME [ADDRESS [CONF-LINE...]]
#                               a chronyd NTP server (-x, no CAP_SYS_TIME) in NS serving
#                               the local clock at stratum 8 on ADDRESS (192.0.2.1); its pid
#                               file is $TMP/NAME.pid, its log $TMP/NAME.log; ended on exit
# Roots (cached under $LIVE_CACHE, default /var/cache/te-ntp-setup-test, kept between runs):
#   live_base SUITE PACKAGES    a debootstrap --variant=minbase root of Debian SUITE with the
#                               comma-separated PACKAGES ($LIVE_CACHE/base-SUITE); prints
#                               its directory
#   live_layer NAME LOWER SCRIPT
#                               an overlay layer over LOWER (directories, colon-separated,
#                               top first) made by running the sh SCRIPT in the root with
#                               systemd-nspawn (not booted; the host's network: apt-get
#                               reaches Debian's archive); prints "LAYER:LOWER", the lower
#                               directories of a root that has it
# Containers:
#   live_boot NAME LOWER FILES NETNS INIT
#                               boot the root LOWER (+ the files under FILES) with
#                               systemd-nspawn -b over a private overlay, in network
#                               namespace NETNS; INIT is the name of its PID 1 (systemd,
#                               init); sets LEADER (PID 1's pid on the host). Returns 1 when
#                               it did not come up.
#   in_ctr CMD...               run CMD in the container (its namespaces, no CAP_SYS_TIME)
#   live_wait_systemd           wait until systemd in the container has finished booting
#   live_stop                   power the container off (also done on exit)
#   live_install_tool DIR       the built te-ntp-setup and its libraries, lenses, under DIR
#                               (copied into the container by live_boot): it runs with the
#                               host's C library in any Debian root (bullseye's is older)
# Timing:
#   cell_begin NAME / cell_end  print what ran and how long it took ("# cell NAME: ...")
# A real NTP client on the configuration te-ntp-setup wrote (sync-*.sh, serve-netns.sh):
#   sync_init           requires root, ip, setpriv, unshare and chronyd (skip_all when one is
#                       missing); sets SRV and CLI (namespace names) and SERVER_CHRONYD
#   sync_start_server   two network namespaces SRV (192.0.2.1) and CLI (192.0.2.2) joined by
#                       a veth pair, and a local chronyd NTP server in SRV (-x, without
#                       CAP_SYS_TIME); everything is removed and ended (by PID) on exit
#   private_etc ROOT [NAME...]
#                       make ROOT/etc usable as /etc: the host's user database,
#                       /etc/services and nsswitch.conf copied in, and an /etc/hosts that
#                       resolves each NAME to a silent address of 198.51.100.0/24, so
#                       that a source the tool should have disabled shows up in the
#                       daemon's view (there is no DNS in the namespaces)
#   in_client SCRIPT    run the sh script in CLI in a private mount namespace
set -u

LIVE_CACHE=${TE_NSPAWN_CACHE:-/var/cache/te-ntp-setup-test}
# Run a command that cannot set the clock (no CAP_SYS_TIME, not even inheritable).
NO_SYS_TIME="setpriv --inh-caps=-sys_time --bounding-set=-sys_time"
LIVE_NETNS=""
LIVE_PIDFILES=""
LIVE_NSPAWN=""
LIVE_TIMER=""
LEADER=""
live_cleanup() {
    live_stop
    for f in $LIVE_PIDFILES; do
        [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
    done
    for ns in $LIVE_NETNS; do ip netns del "$ns" 2>/dev/null; done
}
cleanup_hooks="$cleanup_hooks live_cleanup"
# On a signal too, go through lib.sh's EXIT trap (which runs the cleanup hooks).
trap 'exit 1' INT TERM HUP

# Skip (or fail in CI) unless every tool is there.
live_require() { # tool...
    [ "$(id -u)" -eq 0 ] || skip_all "needs root (network and mount namespaces, containers)"
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 ||
            skip_all "$tool not found (packaging/build-deps --test installs it)"
    done
}

# ---- network ---------------------------------------------------------------------------
live_net_pair() { # a b
    ip netns add "$1" || skip_all "cannot create network namespaces"
    LIVE_NETNS="$LIVE_NETNS $1"
    ip netns add "$2" || skip_all "cannot create network namespaces"
    LIVE_NETNS="$LIVE_NETNS $2"
    # veth names: at most 15 characters
    v=tl$$$(echo "$1" | cksum | cut -c1-4)
    ip link add "${v}a" type veth peer name "${v}b" || skip_all "cannot create a veth pair"
    ip link set "${v}a" netns "$1"
    ip link set "${v}b" netns "$2"
    ip -n "$1" addr add 192.0.2.1/24 dev "${v}a"
    ip -n "$2" addr add 192.0.2.2/24 dev "${v}b"
    for ns in "$1" "$2"; do ip -n "$ns" link set lo up; done
    ip -n "$1" link set "${v}a" up
    ip -n "$2" link set "${v}b" up
    LIVE_VETH_A=${v}a
}

live_ntp_server() { # ns name [address [conf-line...]]
    ns=$1 name=$2 addr=${3:-192.0.2.1}
    shift 2
    [ $# -gt 0 ] && shift
    chronyd=$(find_daemon chronyd chrony) ||
        skip_all "chronyd (the local NTP server) not found (packaging/build-deps --test)"
    {
        echo "local stratum 8"
        echo "allow"
        echo "bindaddress $addr"
        echo "pidfile $TMP/$name.pid"
        echo "cmdport 0"
        for l in "$@"; do echo "$l"; done
    } > "$TMP/$name.conf"
    LIVE_PIDFILES="$LIVE_PIDFILES $TMP/$name.pid"
    ip netns exec "$ns" $NO_SYS_TIME ${LIVE_SERVER_WRAPPER:-} "$chronyd" -x -u root \
        -f "$TMP/$name.conf" -l "$TMP/$name.log"
    i=0
    while [ ! -s "$TMP/$name.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    [ -s "$TMP/$name.pid" ]
}

# ---- roots -----------------------------------------------------------------------------
# The Debian mirror apt is configured with here (deb822 .sources or one-line .list), else
# Debian's own; TE_DEBIAN_MIRROR overrides.
debian_mirror() {
    if [ -n "${TE_DEBIAN_MIRROR:-}" ]; then
        echo "$TE_DEBIAN_MIRROR"
        return
    fi
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && awk '
            function done_para() { if (!found && deb && bw && uri != "") { print uri; found = 1 }
                                   deb = bw = 0; uri = "" }
            /^[ \t]*$/ { done_para(); next }
            /^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+$/) bw = 1 }
            /^URIs:/ { if ($2 !~ /security/) uri = $2 }
            END { done_para() }' "$f"
    done
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed 's/\[[^]]*\]//' | awk '$1 == "deb" && $3 !~ /security/ { print $2 }'
    echo http://deb.debian.org/debian
}

# Build DIR with COMMAND (run with the path of a fresh directory) unless DIR holds the
# stamp STAMP. Under a lock of its own, so that two tests do not build it at once; made
# aside and renamed into place, so an interrupted build leaves nothing half made.
live_cached() { # dir stamp command...
    dir=$1 stamp=$2
    shift 2
    mkdir -p "$LIVE_CACHE" || return 1
    (
        flock -w 2400 9 || { echo "# the lock on $dir stayed taken" >&2; exit 1; }
        [ -f "$dir/.te-ntp-setup-root" ] && [ "$(cat "$dir/.te-ntp-setup-root")" = "$stamp" ] &&
            exit 0
        rm -rf "$dir".new.*
        new=$dir.new.$$
        mkdir -p "$new"
        t0=$(date +%s)
        if ! "$@" "$new" >&2; then
            rm -rf "$new"
            exit 1
        fi
        echo "$stamp" > "$new/.te-ntp-setup-root"
        rm -rf "$dir" && mv "$new" "$dir"
        echo "# built $dir in $(($(date +%s) - t0)) s (cached for later runs)" >&2
    ) 9>"$dir.lock"
}

live_debootstrap() { # suite packages dir
    mirror=$(debian_mirror | head -n 1)
    echo "# debootstrap $1 ($2) from $mirror"
    if ! timeout 2400 nice debootstrap --variant=minbase --include="$2" "$1" "$3" "$mirror" \
            >"$TMP/debootstrap-$1.log" 2>&1; then
        tail -n 15 "$TMP/debootstrap-$1.log" | sed 's/^/#   /'
        return 1
    fi
    # The image's apt lists are the layers' business; debootstrap's are kept (fast installs).
}

live_base() { # suite packages
    live_cached "$LIVE_CACHE/base-$1" "$1 minbase $2" live_debootstrap "$1" "$2" || return 1
    echo "$LIVE_CACHE/base-$1"
}

# Run SCRIPT in a root made of the layers LOWER with UPPER as the writable layer.
live_layer_build() { # lower script upper-parent
    up=$3
    mkdir -p "$up/upper" "$up/work" "$up/merged"
    cat > "$up/build.sh" <<SH
set -e
mount --make-rprivate /
mount -t tmpfs -o mode=0755 tmpfs /run/systemd/nspawn 2>/dev/null || true
mount -t overlay overlay -o 'lowerdir=$1,upperdir=$up/upper,workdir=$up/work' '$up/merged'
exec timeout 1800 systemd-nspawn -q -D '$up/merged' --register=no --keep-unit --pipe \
    -E DEBIAN_FRONTEND=noninteractive -E LC_ALL=C /bin/sh -ec "\$(cat '$up/script.sh')"
SH
    printf '%s\n' "$2" > "$up/script.sh"
    mkdir -p /run/systemd/nspawn
    if ! unshare -m --propagation private sh "$up/build.sh" >"$up/build.log" 2>&1 </dev/null; then
        tail -n 20 "$up/build.log" | sed 's/^/#   /'
        return 1
    fi
    # The layer is the upper directory alone.
    rm -rf "$up/work" "$up/merged"
    mv "$up/upper" "$up/layer"
}

live_layer() { # name lower script
    stamp="$2 $(printf '%s' "$3" | cksum)"
    d=$LIVE_CACHE/layer-$1
    live_cached "$d" "$stamp" live_layer_make "$2" "$3" || return 1
    echo "$d/layer:$2"
}
live_layer_make() { # lower script dir
    live_layer_build "$1" "$2" "$3/build" || return 1
    mv "$3/build/layer" "$3/layer.tmp" && rm -rf "$3/build" && mv "$3/layer.tmp" "$3/layer"
}

# ---- the tool inside a container -------------------------------------------------------
live_install_tool() { # dir
    lib=$1/usr/local/lib/te-ntp-setup
    mkdir -p "$lib" "$1/usr/local/sbin" "$1/usr/local/share/te-ntp-setup/lenses"
    cp "$BIN" "$lib/te-ntp-setup"
    cp "$top_srcdir"/lenses/*.aug "$1/usr/local/share/te-ntp-setup/lenses/"
    # Its libraries and loader from this host (a libtool wrapper is not expected: libte is
    # a convenience library).
    ldd "$BIN" | awk '/=> \// { print $3 } /^[ \t]*\/[^ ]*ld-linux/ { print $1 }' |
        while read -r l; do cp -L "$l" "$lib/"; done
    ld=$(cd "$lib" && ls ld-linux* 2>/dev/null | head -n 1)
    [ -n "$ld" ] || return 1
    cat > "$1/usr/local/sbin/te-ntp-setup" <<SH
#!/bin/sh
# tests/live/lib.sh: the te-ntp-setup under test, with the C library it was built with.
exec /usr/local/lib/te-ntp-setup/$ld --library-path /usr/local/lib/te-ntp-setup \\
    /usr/local/lib/te-ntp-setup/te-ntp-setup "\$@"
SH
    chmod 0755 "$1/usr/local/sbin/te-ntp-setup"
    # The build-tree marker keeps the copy a test build, which honours TE_NTP_SETUP_LENSDIR
    # (an installed program ignores it; README, Security). The program runs through the
    # loader, so /proc/self/exe names the loader: the marker stands in the loader's
    # directory, which is the program's too.
    echo /usr/local/share/te-ntp-setup/lenses > "$lib/te-ntp-setup.build-tree"
    chmod 0644 "$lib/te-ntp-setup.build-tree"
}

# ---- containers ------------------------------------------------------------------------
live_boot() { # name lower files netns init
    name=$1 lower=$2 files=$3 netns=$4 init=$5
    LIVE_INIT=$init
    W=$TMP/ctr-$name
    mkdir -p "$W/upper" "$W/work" "$W/merged"
    # CAP_NET_ADMIN: nspawn grants it with a private network of its own making, not with
    # --network-namespace-path; the container's firewall (firewalld, nftables) needs it,
    # and it reaches only the container's own network namespace.
    nspawn_opts="-D $W/merged --register=no --keep-unit --network-namespace-path=/run/netns/$netns"
    nspawn_opts="$nspawn_opts --capability=CAP_NET_ADMIN"
    cat > "$W/mount.sh" <<SH
mount --make-rprivate /
mount -t tmpfs -o mode=0755 tmpfs /run/systemd/nspawn
mount -t overlay overlay -o 'lowerdir=$lower,upperdir=$W/upper,workdir=$W/work' '$W/merged'
cp -a '$files/.' '$W/merged/'
SH
    # Proof before any daemon can start: the same nspawn, not booted, runs a shell as the
    # container's PID 1: its bounding set must lack CAP_SYS_TIME (bit 25).
    cat > "$W/probe.sh" <<SH
set -e
. '$W/mount.sh'
exec systemd-nspawn -q $nspawn_opts --pipe /bin/sh -c 'sed -n "s/^CapBnd:[[:space:]]*//p" /proc/1/status'
SH
    mkdir -p /run/systemd/nspawn
    capbnd=$(unshare -m --propagation private sh "$W/probe.sh" 2>"$W/probe.err" </dev/null)
    rm -rf "$W/upper" "$W/work" && mkdir -p "$W/upper" "$W/work"
    check "$name: before boot, the container's PID 1 has no CAP_SYS_TIME (CapBnd ${capbnd:-?})" \
        eval '[ -n "$capbnd" ] && [ $(((0x$capbnd >> 25) & 1)) -eq 0 ]' ||
        { sed 's/^/#   /' "$W/probe.err"; return 1; }
    # nspawn -b would start systemd wherever it is installed: another init is named.
    boot=-b
    [ "$init" = systemd ] || boot=/sbin/$init
    cat > "$W/boot.sh" <<SH
set -e
. '$W/mount.sh'
# The container powers off after 20 minutes even if this test is killed and cannot clean up.
exec timeout -k 30 1200 systemd-nspawn $nspawn_opts -M '$name' --console=read-only $boot
SH
    boot_started=$(date +%s)
    unshare -m --propagation private sh "$W/boot.sh" >"$W/console.log" 2>&1 </dev/null &
    LIVE_TIMER=$!
    LIVE_NSPAWN= LEADER=
    i=0
    while [ $i -lt 300 ] && kill -0 "$LIVE_TIMER" 2>/dev/null; do
        [ -n "$LIVE_NSPAWN" ] || LIVE_NSPAWN=$(pgrep -P "$LIVE_TIMER" -x systemd-nspawn | head -n 1)
        [ -n "$LIVE_NSPAWN" ] && LEADER=$(pgrep -P "$LIVE_NSPAWN" -x "$init" | head -n 1)
        [ -n "$LEADER" ] && break
        sleep 0.1
        i=$((i + 1))
    done
    if [ -z "$LEADER" ]; then
        sed 's/^/#   /' "$W/console.log"
        not_ok "$name: systemd-nspawn started the container's $init"
        return 1
    fi
    capbnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$LEADER/status")
    check "$name: the container's $init (PID 1) has no CAP_SYS_TIME either (CapBnd $capbnd)" \
        eval '[ $(((0x$capbnd >> 25) & 1)) -eq 0 ]'
    check "$name: the container has its own network namespace" \
        [ "$(readlink "/proc/$LEADER/ns/net")" != "$(readlink /proc/self/ns/net)" ]
}

live_stop() {
    # Only systemd powers off on nspawn's signal: another init is ended with the container.
    [ "${LIVE_INIT:-systemd}" != systemd ] && [ -n "$LEADER" ] && kill -KILL "$LEADER" 2>/dev/null
    if [ -n "$LIVE_NSPAWN" ] && kill -0 "$LIVE_NSPAWN" 2>/dev/null; then
        kill -TERM "$LIVE_NSPAWN" 2>/dev/null        # nspawn powers the container off
        i=0
        while kill -0 "$LIVE_NSPAWN" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
        kill -KILL "$LIVE_NSPAWN" 2>/dev/null
    fi
    # The container's PID 1: killing it ends every process of the container.
    [ -n "$LEADER" ] && kill -KILL "$LEADER" 2>/dev/null
    [ -n "$LIVE_TIMER" ] && kill -KILL "$LIVE_TIMER" 2>/dev/null
    [ -n "$LIVE_TIMER" ] && wait "$LIVE_TIMER" 2>/dev/null
    LIVE_NSPAWN= LEADER= LIVE_TIMER=
}

# A command in the container: its namespaces and root, a clean environment, and no
# CAP_SYS_TIME either.
in_ctr() {
    $NO_SYS_TIME nsenter -t "$LEADER" -m -u -i -n -p -C -r -w \
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
        TE_NTP_SETUP_LENSDIR=/usr/local/share/te-ntp-setup/lenses "$@"
}

live_wait_systemd() {
    state=
    i=0
    while [ $i -lt 240 ]; do
        state=$(in_ctr systemctl is-system-running 2>/dev/null)
        case $state in running|degraded) break ;; esac
        sleep 0.5
        i=$((i + 1))
    done
    # "degraded" (a unit of the container failed) is shown but allowed.
    [ "$state" = degraded ] && in_ctr systemctl --failed --no-legend 2>&1 | sed 's/^/# failed: /'
    [ "$state" = running ] || [ "$state" = degraded ]
}

# ---- timing ----------------------------------------------------------------------------
CELL=
cell_begin() { # name what
    CELL=$1
    cell_t0=$(date +%s)
    cell_failed0=$FAILED
    echo "# cell $1: $2"
}
cell_end() {
    [ -n "$CELL" ] || return 0
    r=ok
    [ "$FAILED" -gt "$cell_failed0" ] && r="$((FAILED - cell_failed0)) failed"
    echo "# cell $CELL: $r, $(($(date +%s) - cell_t0)) s"
    CELL=
}

# ---- a real NTP client on te-ntp-setup's configuration (sync-*.sh, serve-netns.sh) ----
sync_init() {
    live_require ip setpriv unshare
    SERVER_CHRONYD=$(find_daemon chronyd chrony) ||
        skip_all "chronyd (the local NTP server) not found (packaging/build-deps --test)"
    sync_id=$$
    SRV=te-srv-$sync_id
    CLI=te-cli-$sync_id
}

sync_start_server() {
    live_net_pair "$SRV" "$CLI"
    # 198.51.100.0/24 (the names private_etc resolves) leads to SRV, which does not forward:
    # a daemon can send to those addresses, and gets no answer.
    ip -n "$CLI" route add 198.51.100.0/24 via 192.0.2.1
    live_ntp_server "$SRV" srv 192.0.2.1
    check "local NTP server started on 192.0.2.1" [ -s "$TMP/srv.pid" ]
}

private_etc() { # root name...
    etc=$1/etc
    shift
    cp /etc/passwd /etc/group "$etc/"
    for f in services nsswitch.conf; do
        [ -f "/etc/$f" ] && cp "/etc/$f" "$etc/"
    done
    printf '127.0.0.1 localhost\n::1 localhost\n' > "$etc/hosts"
    n=10
    for name in "$@"; do
        echo "198.51.100.$n $name" >> "$etc/hosts"
        n=$((n + 1))
    done
}

in_client() { # script
    ip netns exec "$CLI" unshare -m --propagation private sh "$1"
}
