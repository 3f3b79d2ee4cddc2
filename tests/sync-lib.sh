# SPDX-License-Identifier: Apache-2.0
# Shared part of the tests that run a real NTP client on the configuration te-ntp-setup
# wrote (tests/sync-*.sh, tests/serve-netns.sh): a thin layer over the live harness
# tests/live-lib.sh, which it sources. Source it after lib.sh. It provides:
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
#   NO_SYS_TIME, SERVER_CHRONYD
#                       the prefix that runs a command without CAP_SYS_TIME; the chronyd
# Requires root, ip, setpriv, unshare and chronyd; skips (skip_all) when one is missing.
. "$(dirname "$0")/live-lib.sh"

live_require ip setpriv unshare
SERVER_CHRONYD=$(find_daemon chronyd chrony) ||
    skip_all "chronyd (the local NTP server) not found (packaging/build-deps --test)"

sync_id=$$
SRV=te-srv-$sync_id
CLI=te-cli-$sync_id

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
