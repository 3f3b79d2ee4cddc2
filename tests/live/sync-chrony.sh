#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The real chronyd reads the configuration te-ntp-setup wrote and synchronizes to a local
# NTP server, inside network namespaces made here (192.0.2.0/24), without touching the host
# clock: both daemons run with -x and without CAP_SYS_TIME.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
sync_init

CHRONYD=$SERVER_CHRONYD
CHRONYC=$(dirname "$(dirname "$CHRONYD")")/bin/chronyc
[ -x "$CHRONYC" ] || CHRONYC=$(command -v chronyc) || skip_all "chronyc not found"
export TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")

sync_start_server

# For each chrony layout: configure it with te-ntp-setup, then run the real chronyd on it.
for spec in debian-12:/etc/chrony/chrony.conf rhel-9:/etc/chrony.conf; do
    fx=${spec%%:*}; conf=${spec#*:}
    root=$(fresh_root "$fx")
    "$BIN" --root "$root" --server 192.0.2.1 >"$TMP/out" 2>&1
    check "$fx: te-ntp-setup configured the local server" [ $? -eq 0 ]
    # The pools the tool disabled resolve (to silent addresses): were they still
    # configured, chronyc would list them.
    private_etc "$root" 2.debian.pool.ntp.org 2.rhel.pool.ntp.org
    # The root's /etc over the host's, private /run and /var.
    cat > "$TMP/client.sh" <<SH
set -e
mount --bind '$root/etc' /etc
mount -t tmpfs tmpfs /run && mkdir -m 0750 /run/chrony
mount -t tmpfs tmpfs /var/lib && mkdir -p /var/lib/chrony
mount -t tmpfs tmpfs /var/log && mkdir -p /var/log/chrony
$NO_SYS_TIME '$CHRONYD' -x -u root -f '$conf' -l '$TMP/client-$fx.log'
i=0
while [ ! -S /run/chrony/chronyd.sock ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
rc=0
'$CHRONYC' -h /run/chrony/chronyd.sock waitsync 30 0 0 1 >/dev/null || rc=\$?
'$CHRONYC' -h /run/chrony/chronyd.sock -n sources
kill \$(cat /run/chrony/chronyd.pid)
exit \$rc
SH
    in_client "$TMP/client.sh" >"$TMP/sync.out" 2>&1
    rc=$?
    check "$fx: chronyd synchronized to 192.0.2.1 with the written configuration" [ $rc -eq 0 ] ||
        sed 's/^/#   /' "$TMP/sync.out" "$TMP/client-$fx.log"
    check "$fx: the selected source is 192.0.2.1" grep -q '^\^\* 192\.0\.2\.1 ' "$TMP/sync.out"
    check "$fx: no other source is configured" \
        [ "$(grep -cE '^\^[-*+?x~ ]' "$TMP/sync.out")" -eq 1 ]
done
finish
