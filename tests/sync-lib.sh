# Shared part of the tests that run a real NTP client on the configuration te-ntp-setup
# wrote (tests/sync-*.sh). Source it after lib.sh. It provides:
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
# Requires root, ip, setpriv, unshare and chronyd; skips (skip_all) when one is missing.

[ "$(id -u)" -eq 0 ] || skip_all "needs root for network and mount namespaces"
command -v ip >/dev/null 2>&1 || skip_all "ip (iproute2) not found"
command -v setpriv >/dev/null 2>&1 || skip_all "setpriv not found"
command -v unshare >/dev/null 2>&1 || skip_all "unshare not found"
SERVER_CHRONYD=$(find_daemon chronyd chrony) ||
    skip_all "chronyd (the local NTP server) not found (packaging/build-deps --test)"

# Run a command that cannot set the clock (no CAP_SYS_TIME, not even inheritable).
NO_SYS_TIME="setpriv --inh-caps=-sys_time --bounding-set=-sys_time"

sync_id=$$
SRV=te-srv-$sync_id
CLI=te-cli-$sync_id
sync_cleanup() {
    [ -f "$TMP/srv.pid" ] && kill "$(cat "$TMP/srv.pid")" 2>/dev/null
    ip netns del "$SRV" 2>/dev/null
    ip netns del "$CLI" 2>/dev/null
}

sync_start_server() {
    cleanup_hooks="$cleanup_hooks sync_cleanup"
    # On a signal too, go through lib.sh's EXIT trap (which runs the cleanup hooks).
    trap 'exit 1' INT TERM HUP
    ip netns add "$SRV" && ip netns add "$CLI" || skip_all "cannot create network namespaces"
    ip link add "tev0-$sync_id" type veth peer name "tev1-$sync_id" ||
        skip_all "cannot create a veth pair"
    ip link set "tev0-$sync_id" netns "$SRV"
    ip link set "tev1-$sync_id" netns "$CLI"
    ip -n "$SRV" addr add 192.0.2.1/24 dev "tev0-$sync_id"
    ip -n "$CLI" addr add 192.0.2.2/24 dev "tev1-$sync_id"
    for ns in "$SRV" "$CLI"; do ip -n "$ns" link set lo up; done
    ip -n "$SRV" link set "tev0-$sync_id" up
    ip -n "$CLI" link set "tev1-$sync_id" up
    # 198.51.100.0/24 (the names private_etc resolves) leads to SRV, which does not forward:
    # a daemon can send to those addresses, and gets no answer.
    ip -n "$CLI" route add 198.51.100.0/24 via 192.0.2.1
    cat > "$TMP/server.conf" <<CONF
local stratum 8
allow 192.0.2.0/24
bindaddress 192.0.2.1
pidfile $TMP/srv.pid
cmdport 0
CONF
    ip netns exec "$SRV" $NO_SYS_TIME "$SERVER_CHRONYD" -x -u root -f "$TMP/server.conf" \
        -l "$TMP/server.log"
    i=0
    while [ ! -s "$TMP/srv.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
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
