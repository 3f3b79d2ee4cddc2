#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# dhcp: ignore as the real consumers see it, in namespaces made here:
# - chronyd on Debian 12's configuration, with a DHCP-provided server in /run/chrony-dhcp
#   (198.51.100.10, silent): with --dhcp keep chronyd has both sources, with --dhcp ignore
#   only 192.0.2.1, to which it synchronizes (-x, without CAP_SYS_TIME);
# - Debian's ntpsec start wrapper (from the package) sourcing the /etc/default/ntpsec the
#   tool edited, with a /run/ntpsec/ntp.conf.dhcp present: with ignore it starts ntpd on
#   /etc/ntpsec/ntp.conf, with keep on the DHCP file (ntpd itself is replaced by a script
#   that records its arguments).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
sync_init

CHRONYD=$SERVER_CHRONYD
CHRONYC=$(dirname "$(dirname "$CHRONYD")")/bin/chronyc
[ -x "$CHRONYC" ] || CHRONYC=$(command -v chronyc) || skip_all "chronyc not found"
WRAPPER=$TESTDEPS/ntpsec/usr/libexec/ntpsec/ntp-systemd-wrapper
[ -f /usr/libexec/ntpsec/ntp-systemd-wrapper ] && WRAPPER=/usr/libexec/ntpsec/ntp-systemd-wrapper
[ -f "$WRAPPER" ] || skip_all "ntpsec's ntp-systemd-wrapper not found (packaging/build-deps --test)"
command -v flock >/dev/null 2>&1 || skip_all "flock not found (the ntpsec wrapper uses it)"
export TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")

sync_start_server

for dhcp in keep ignore; do
    root=$(fresh_root debian-12)
    "$BIN" --root "$root" --server 192.0.2.1 --dhcp $dhcp >"$TMP/out" 2>&1
    check "chrony, $dhcp: te-ntp-setup configured the local server" [ $? -eq 0 ] ||
        sed 's/^/#   /' "$TMP/out"
    private_etc "$root"
    cat > "$TMP/client.sh" <<SH
set -e
mount --make-rprivate /
mount --bind '$root/etc' /etc
mount -t tmpfs tmpfs /run && mkdir -m 0750 /run/chrony
# What the DHCP hooks would write: a server from DHCP.
mkdir /run/chrony-dhcp && echo 'server 198.51.100.10 iburst' > /run/chrony-dhcp/tev1.sources
mount -t tmpfs tmpfs /var/lib && mkdir -p /var/lib/chrony
mount -t tmpfs tmpfs /var/log && mkdir -p /var/log/chrony
$NO_SYS_TIME '$CHRONYD' -x -u root -f /etc/chrony/chrony.conf -l '$TMP/chronyd-$dhcp.log'
i=0
while [ ! -S /run/chrony/chronyd.sock ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
rc=0
'$CHRONYC' -h /run/chrony/chronyd.sock waitsync 30 0 0 1 >/dev/null || rc=\$?
'$CHRONYC' -h /run/chrony/chronyd.sock -n sources
kill \$(cat /run/chrony/chronyd.pid)
exit \$rc
SH
    in_client "$TMP/client.sh" >"$TMP/sync-$dhcp.out" 2>&1
    rc=$?
    check "chrony, $dhcp: chronyd synchronized to 192.0.2.1" [ $rc -eq 0 ] ||
        sed 's/^/#   /' "$TMP/sync-$dhcp.out" "$TMP/chronyd-$dhcp.log"
    check "chrony, $dhcp: the selected source is 192.0.2.1" \
        grep -q '^\^\* 192\.0\.2\.1 ' "$TMP/sync-$dhcp.out"
    n=$(grep -cE '^\^[-*+?x~ ]' "$TMP/sync-$dhcp.out")
    if [ $dhcp = keep ]; then
        check "chrony, keep: the DHCP server is a source too" \
            grep -q '^\^. 198\.51\.100\.10 ' "$TMP/sync-$dhcp.out"
        check "chrony, keep: two sources" [ "$n" -eq 2 ] || sed 's/^/#   /' "$TMP/sync-$dhcp.out"
    else
        check "chrony, ignore: 192.0.2.1 is the only source" [ "$n" -eq 1 ] ||
            sed 's/^/#   /' "$TMP/sync-$dhcp.out"
    fi
done

# Debian's ntpsec wrapper: which configuration it starts ntpd on.
for dhcp in keep ignore; do
    root=$(fresh_root debian12-ntpsec)
    "$BIN" --root "$root" --server 192.0.2.1 --dhcp $dhcp >"$TMP/out" 2>&1
    check "ntpsec, $dhcp: te-ntp-setup configured the local server" [ $? -eq 0 ] ||
        sed 's/^/#   /' "$TMP/out"
    printf '#!/bin/sh\necho "$@" > %s\n' "$TMP/args-$dhcp" > "$TMP/ntpd"
    chmod +x "$TMP/ntpd"
    sed "s|^DAEMON=.*|DAEMON=$TMP/ntpd|" "$WRAPPER" > "$TMP/wrapper"
    cat > "$TMP/client.sh" <<SH
set -e
mount --make-rprivate /
mount --bind '$root/etc' /etc
mount -t tmpfs tmpfs /run && mkdir -p /run/lock /run/ntpsec
echo 'server 198.51.100.10 iburst' > /run/ntpsec/ntp.conf.dhcp
timeout 30 sh '$TMP/wrapper'
SH
    in_client "$TMP/client.sh" >"$TMP/wrapper-$dhcp.out" 2>&1
    check "ntpsec, $dhcp: the package's wrapper ran" [ -s "$TMP/args-$dhcp" ] ||
        sed 's/^/#   /' "$TMP/wrapper-$dhcp.out"
    if [ $dhcp = keep ]; then
        want='-c /run/ntpsec/ntp.conf.dhcp'
    else
        want='-c /etc/ntpsec/ntp.conf'
    fi
    check "ntpsec, $dhcp: ntpd would start with $want" grep -q -- "$want" "$TMP/args-$dhcp" ||
        sed 's/^/#   /' "$TMP/args-$dhcp"
done
finish
