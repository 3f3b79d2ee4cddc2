#!/bin/sh
# The real chronyd reads the configuration te-ntp-setup wrote and synchronizes to a local
# NTP server, inside network namespaces made here (192.0.2.0/24), without touching the host
# clock: both daemons run with -x and without CAP_SYS_TIME.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root for network and mount namespaces"
CHRONYD=$(find_daemon chronyd chrony) || skip_all "chronyd not found (packaging/build-deps --test)"
CHRONYC=$(dirname "$(dirname "$CHRONYD")")/bin/chronyc
[ -x "$CHRONYC" ] || CHRONYC=$(command -v chronyc) || skip_all "chronyc not found"
command -v ip >/dev/null 2>&1 || skip_all "ip (iproute2) not found"
command -v setpriv >/dev/null 2>&1 || skip_all "setpriv not found"
export TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")

id=$$
SRV=te-srv-$id
CLI=te-cli-$id
ns_cleanup() {
    [ -f "$TMP/srv.pid" ] && kill "$(cat "$TMP/srv.pid")" 2>/dev/null
    ip netns del "$SRV" 2>/dev/null
    ip netns del "$CLI" 2>/dev/null
}
cleanup_hooks="ns_cleanup"
ip netns add "$SRV" && ip netns add "$CLI" || skip_all "cannot create network namespaces"
ip link add "tev0-$id" type veth peer name "tev1-$id"
ip link set "tev0-$id" netns "$SRV"
ip link set "tev1-$id" netns "$CLI"
ip -n "$SRV" addr add 192.0.2.1/24 dev "tev0-$id"
ip -n "$CLI" addr add 192.0.2.2/24 dev "tev1-$id"
for ns in "$SRV" "$CLI"; do ip -n "$ns" link set lo up; done
ip -n "$SRV" link set "tev0-$id" up
ip -n "$CLI" link set "tev1-$id" up

# The local NTP server.
cat > "$TMP/server.conf" <<CONF
local stratum 8
allow 192.0.2.0/24
bindaddress 192.0.2.1
pidfile $TMP/srv.pid
cmdport 0
CONF
ip netns exec "$SRV" setpriv --inh-caps=-sys_time --bounding-set=-sys_time \
    "$CHRONYD" -x -u root -f "$TMP/server.conf" -l "$TMP/server.log"
check "local NTP server started" [ -s "$TMP/srv.pid" ] || sleep 1

# For each chrony layout: configure it with te-ntp-setup, then run the real chronyd on it.
for spec in debian-12:/etc/chrony/chrony.conf rhel-9:/etc/chrony.conf; do
    fx=${spec%%:*}; conf=${spec#*:}
    root=$(fresh_root "$fx")
    "$BIN" --root "$root" --server 192.0.2.1 >"$TMP/out" 2>&1
    check "$fx: te-ntp-setup configured the local server" [ $? -eq 0 ]
    # The root's /etc (plus the host's user database) over the host's, private /run and
    # /var, in a private mount namespace.
    cp /etc/passwd /etc/group "$root/etc/"
    cat > "$TMP/client.sh" <<SH
set -e
mount --make-rprivate /
mount --bind '$root/etc' /etc
mount -t tmpfs tmpfs /run && mkdir -m 0750 /run/chrony
mount -t tmpfs tmpfs /var/lib && mkdir -p /var/lib/chrony
mount -t tmpfs tmpfs /var/log && mkdir -p /var/log/chrony
setpriv --inh-caps=-sys_time --bounding-set=-sys_time '$CHRONYD' -x -u root -f '$conf' \
    -l '$TMP/client-$fx.log'
i=0
while [ ! -S /run/chrony/chronyd.sock ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
rc=0
'$CHRONYC' -h /run/chrony/chronyd.sock waitsync 30 0 0 1 >/dev/null || rc=\$?
'$CHRONYC' -h /run/chrony/chronyd.sock -n sources
kill \$(cat /run/chrony/chronyd.pid)
exit \$rc
SH
    ip netns exec "$CLI" unshare -m sh "$TMP/client.sh" >"$TMP/sync.out" 2>&1
    rc=$?
    check "$fx: chronyd synchronized to 192.0.2.1 with the written configuration" [ $rc -eq 0 ] ||
        sed 's/^/#   /' "$TMP/sync.out" "$TMP/client-$fx.log"
    check "$fx: the selected source is 192.0.2.1" grep -q '^\^\* 192\.0\.2\.1 ' "$TMP/sync.out"
    check "$fx: no other source is configured" \
        [ "$(grep -cE '^\^[-*+?x~ ]' "$TMP/sync.out")" -eq 1 ]
done
finish
