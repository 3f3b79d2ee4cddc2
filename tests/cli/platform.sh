#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Where the host runs: containers. Fixture roots carry the markers systemd-detect-virt reads
# (Docker's /.dockerenv, Podman's /run/.containerenv, container= in PID 1's environment,
# /run/systemd/container, /run/host/container-manager); detect --root reports them and
# apply --root edits the image as ever. A live apply in a container without CAP_SYS_TIME is
# refused (exit 64, nothing touched) unless --configure-container (configure_container:
# true, the Ansible key configure_container) says otherwise; with CAP_SYS_TIME it goes on
# with a warning. The live runs are dry runs in a private mount namespace whose /run holds
# the marker, so the result does not depend on this machine's own markers.
. "$(dirname "$0")/../lib.sh"

# A fixture root: the debian-12 image plus the files given as PATH=CONTENT.
platform_root() { # name [path=content]...
    r=$(fresh_root debian-12)
    shift
    for kv in "$@"; do
        p=${kv%%=*}
        mkdir -p "$r/$(dirname "$p")"
        printf '%b' "${kv#*=}" > "$r/$p"
    done
    echo "$r"
}
show() { sed 's/^/#   /' "$TMP/out" "$TMP/err"; }

# ---- container markers under --root ------------------------------------------------------
for case in \
    "docker|.dockerenv=|/.dockerenv" \
    "podman|run/.containerenv=engine=\"podman-4.3.1\"\\n|/run/.containerenv" \
    "lxc|proc/1/environ=PATH=/sbin:/bin\\0container=lxc\\0TERM=linux\\0|container= in the environment of PID 1" \
    "systemd-nspawn|run/host/container-manager=systemd-nspawn\\n|/run/host/container-manager" \
    "systemd-nspawn|run/systemd/container=systemd-nspawn\\n|/run/systemd/container"; do
    want=${case%%|*}
    rest=${case#*|}
    file=${rest%%|*}
    evidence=${rest#*|}
    r=$(platform_root "$want" "$file")
    "$BIN" detect --root "$r" >"$TMP/out" 2>"$TMP/err"
    check "detect --root: $evidence says $want" \
        grep -qxF "container:      $want ($evidence)" "$TMP/out" || show
    "$BIN" detect --root "$r" --json >"$TMP/out" 2>"$TMP/err"
    check "detect --root --json: container $want" \
        grep -qF "\"container\":{\"runtime\":\"$want\",\"evidence\":\"$evidence\"" "$TMP/out" || show
    "$BIN" --root "$r" --server 192.0.2.1 --no-firewall >"$TMP/out" 2>"$TMP/err"
    rc=$?
    check "apply --root on a $want image edits the image as ever (exit 0)" [ $rc -eq 0 ] || show
    check "apply --root on a $want image: the sources are written" \
        grep -qx 'server 192.0.2.1 iburst' "$r/etc/chrony/sources.d/te-ntp-setup.sources"
done
# An empty container= is systemd's "not a container"; oci names no runtime (the files do).
r=$(platform_root none 'proc/1/environ=container=\0' .dockerenv=)
"$BIN" detect --root "$r" --json >"$TMP/out" 2>"$TMP/err"
check "detect --root: an empty container= in PID 1's environment means no container" \
    grep -qF '"container":null' "$TMP/out" || show
r=$(platform_root oci 'proc/1/environ=container=oci\0' run/.containerenv=)
"$BIN" detect --root "$r" >"$TMP/out" 2>"$TMP/err"
check "detect --root: container=oci is decided by the files (podman)" \
    grep -qxF 'container:      podman (/run/.containerenv)' "$TMP/out" || show
r=$(platform_root plain)
"$BIN" detect --root "$r" >"$TMP/out" 2>"$TMP/err"
check "detect --root: no marker, no container" grep -qxF 'container:      none' "$TMP/out" || show
# A marker that is a symbolic link out of the root is not read.
r=$(platform_root link)
mkdir -p "$r/run/systemd" "$TMP/outside"
echo lxc > "$TMP/outside/container"
ln -s "$TMP/outside/container" "$r/run/systemd/container"
"$BIN" detect --root "$r" >"$TMP/out" 2>"$TMP/err"
check "detect --root: a marker linking out of the root is ignored" \
    grep -qxF 'container:      none' "$TMP/out" || show

# ---- clouds: detect, and the servers apply chooses when none is named ---------------------
# DMI as each provider's instances show it (sys/class/dmi/id), in a debian-12 image (chrony).
D=sys/class/dmi/id
AWS_NITRO="$D/sys_vendor=Amazon EC2|$D/product_name=m5.large|$D/bios_vendor=Amazon EC2|$D/board_asset_tag=i-0123456789abcdef0"
AWS_XEN="$D/sys_vendor=Xen|$D/product_name=HVM domU|$D/product_version=4.11.amazon|$D/bios_version=4.11.amazon"
GCE="$D/sys_vendor=Google|$D/product_name=Google Compute Engine|$D/bios_vendor=Google"
AZURE="$D/sys_vendor=Microsoft Corporation|$D/product_name=Virtual Machine|$D/chassis_asset_tag=7783-7084-3265-9085-8269-3286-77"
ORACLE="$D/sys_vendor=QEMU|$D/product_name=Standard PC (i440FX + PIIX, 1996)|$D/chassis_asset_tag=OracleCloud.com"
HYPERV="$D/sys_vendor=Microsoft Corporation|$D/product_name=Virtual Machine|$D/chassis_asset_tag=None"
METAL="$D/sys_vendor=Dell Inc.|$D/product_name=PowerEdge R640"
# dmi_root "path=value|path=value|..." [fixture]: a fresh root with those DMI files.
dmi_root() {
    r=$(fresh_root "${2:-debian-12}")
    echo "$1" | tr '|' '\n' | while IFS= read -r kv; do
        mkdir -p "$r/$(dirname "${kv%%=*}")"
        printf '%s\n' "${kv#*=}" > "$r/${kv%%=*}"
    done
    echo "$r"
}
SRC=etc/chrony/sources.d/te-ntp-setup.sources
sources_of() { grep -E '^(server|pool) ' "$1/$SRC" | tr '\n' ' '; }
cloud_case() { # name dmi id cloud-line platform-line server
    name=$1 dmi=$2 id=$3 cloud=$4 platform=$5 server=$6
    r=$(dmi_root "$dmi")
    "$BIN" detect --root "$r" >"$TMP/out" 2>"$TMP/err"
    check "detect --root $name: cloud: $cloud" grep -qxF "cloud:          $cloud" "$TMP/out" || show
    check "detect --root $name: platform: $platform" \
        grep -qxF "platform:       $platform" "$TMP/out" || show
    "$BIN" detect --root "$r" --json >"$TMP/out" 2>"$TMP/err"
    check "detect --root --json $name: cloud id $id" \
        grep -qF "\"cloud\":{\"id\":\"$id\"" "$TMP/out" || show
    "$BIN" --root "$r" --no-firewall >"$TMP/out" 2>"$TMP/err"
    rc=$?
    check "apply --root $name, no server named: exit 0" [ $rc -eq 0 ] || show
    check "apply --root $name: the provider's $server is the only source" \
        [ "$(sources_of "$r")" = "server $server iburst " ] || cat "$r/$SRC"
    check "apply --root $name: the output says the platform chose it" \
        grep -qF "sources chosen for the platform (${cloud%% (*}: " "$TMP/out" || show
    "$BIN" --root "$r" --no-firewall --json --dry-run >"$TMP/out" 2>"$TMP/err"
    check "apply --root $name --json: sources_from is $id" \
        grep -qF "\"sources_from\":\"$id\"" "$TMP/out" || show
    r=$(dmi_root "$dmi")
    "$BIN" --root "$r" --no-firewall --platform none >"$TMP/out" 2>"$TMP/err"
    check "apply --root $name --platform none: the public pool" \
        [ "$(sources_of "$r")" = "server 0.pool.ntp.org iburst server 1.pool.ntp.org iburst " ] ||
        { show; cat "$r/$SRC"; }
}
cloud_case aws-nitro "$AWS_NITRO" aws "Amazon EC2 (sys_vendor: Amazon EC2)" \
    "virtual machine (amazon; sys_vendor: Amazon EC2)" 169.254.169.123
cloud_case aws-xen "$AWS_XEN" aws "Amazon EC2 (bios_version: 4.11.amazon)" \
    "virtual machine (xen; sys_vendor: Xen)" 169.254.169.123
cloud_case gce "$GCE" gce "Google Compute Engine (product_name: Google Compute Engine)" \
    "virtual machine (google; sys_vendor: Google)" metadata.google.internal
cloud_case oracle "$ORACLE" oracle "Oracle Cloud Infrastructure (chassis_asset_tag: OracleCloud.com)" \
    "virtual machine (qemu; sys_vendor: QEMU)" 169.254.169.254

# The user's servers win over the platform's.
r=$(dmi_root "$GCE")
"$BIN" --root "$r" --no-firewall --server 192.0.2.1 --json >"$TMP/out" 2>"$TMP/err"
check "gce with --server: the given server, sources_from given" \
    eval '[ "$(sources_of "$r")" = "server 192.0.2.1 iburst " ] &&
          grep -qF "\"sources_from\":\"given\"" "$TMP/out"' || show
printf 'servers: [192.0.2.2]\n' > "$TMP/servers.yaml"
r=$(dmi_root "$AWS_NITRO")
"$BIN" --root "$r" --no-firewall -c "$TMP/servers.yaml" >"$TMP/out" 2>"$TMP/err"
check "aws with servers in the settings file: those" \
    [ "$(sources_of "$r")" = "server 192.0.2.2 iburst " ] || show
printf 'platform: none\n' > "$TMP/none.yaml"
r=$(dmi_root "$AWS_NITRO")
"$BIN" --root "$r" --no-firewall -c "$TMP/none.yaml" --json >"$TMP/out" 2>"$TMP/err"
check "aws with platform: none in the settings file: the pool, sources_from default" \
    eval 'grep -qx "server 0.pool.ntp.org iburst" "$r/$SRC" &&
          grep -qF "\"sources_from\":\"default\"" "$TMP/out"' || show
r=$(dmi_root "$AWS_NITRO")
printf '{"root": "%s", "platform": "none", "firewall": false}' "$r" > "$TMP/args.json"
"$BIN" ansible-module "$TMP/args.json" >"$TMP/out" 2>"$TMP/err"
check "Ansible platform: none: the pool" grep -qx 'server 0.pool.ntp.org iburst' "$r/$SRC" || show
r=$(dmi_root "$AWS_NITRO")
printf '{"root": "%s", "firewall": false}' "$r" > "$TMP/args.json"
"$BIN" ansible-module "$TMP/args.json" >"$TMP/out" 2>"$TMP/err"
check "Ansible without platform: the Amazon Time Sync Service" \
    grep -qx 'server 169.254.169.123 iburst' "$r/$SRC" || show
"$BIN" --root "$r" --platform cloudy >"$TMP/out" 2>"$TMP/err"
rc=$?
check "--platform cloudy: exit 64, naming the value" \
    eval '[ $rc -eq 64 ] && grep -q "platform must be auto or none, not \"cloudy\"" "$TMP/err"' || show
# No cloud: the public pool, as ever.
for dmi in "$METAL" "$HYPERV"; do
    r=$(dmi_root "$dmi")
    "$BIN" --root "$r" --no-firewall --json >"$TMP/out" 2>"$TMP/err"
    check "no cloud (${dmi#*=}): the public pool, sources_from default" \
        eval 'grep -qx "server 0.pool.ntp.org iburst" "$r/$SRC" &&
              grep -qF "\"sources_from\":\"default\"" "$TMP/out"' || show
done
r=$(dmi_root "$METAL")
"$BIN" detect --root "$r" >"$TMP/out" 2>"$TMP/err"
check "detect --root: Dell DMI, bare metal, no cloud" \
    eval 'grep -qxF "platform:       bare metal" "$TMP/out" &&
          grep -qxF "cloud:          none known" "$TMP/out"' || show
r=$(dmi_root "$HYPERV")
"$BIN" detect --root "$r" >"$TMP/out" 2>"$TMP/err"
check "detect --root: Hyper-V without Azure's asset tag: microsoft, no cloud" \
    eval 'grep -qxF "platform:       virtual machine (microsoft; sys_vendor: Microsoft Corporation, product_name: Virtual Machine)" "$TMP/out" &&
          grep -qxF "cloud:          none known" "$TMP/out"' || show
r=$(fresh_root debian-12)
"$BIN" detect --root "$r" --json >"$TMP/out" 2>"$TMP/err"
check "detect --root: nothing readable, platform unknown" \
    grep -qF '"platform":{"kind":"unknown","hypervisor":null,"evidence":null,"cloud":null' \
    "$TMP/out" || show

# Azure: chrony gets the host's PTP clock where the image has /dev/ptp_hyperv; the others,
# and chrony without the device, the public pool with a note.
r=$(dmi_root "$AZURE")
mkdir -p "$r/dev" && : > "$r/dev/ptp_hyperv"
# chronyd -p checks the planned configuration, refclock line included.
CHRONYD=$(find_daemon chronyd chrony) || skip_all "chronyd not found (packaging/build-deps --test)"
TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD") "$BIN" --root "$r" --no-firewall --json -v \
    >"$TMP/out" 2>"$TMP/err"
check "azure, chrony: refclock PHC /dev/ptp_hyperv in chrony's configuration" \
    grep -qx 'refclock PHC /dev/ptp_hyperv poll 3 dpoll -2 offset 0 stratum 2' \
    "$r/etc/chrony/conf.d/te-ntp-setup.conf" || { show; ls -R "$r/etc/chrony"; }
check "azure, chrony: chronyd -p accepted it" \
    eval '! grep -q "not checked by chronyd" "$TMP/out" "$TMP/err"' || show
check "azure, chrony: sources_from azure" grep -qF '"sources_from":"azure"' "$TMP/out" || show
"$BIN" --root "$r" --no-firewall --detailed-exitcodes >"$TMP/out" 2>"$TMP/err"
rc=$?
check "azure, chrony: a second run changes nothing (exit 0)" [ $rc -eq 0 ] || show
"$BIN" --root "$r" --no-firewall --platform none >"$TMP/out" 2>"$TMP/err"
check "azure, --platform none: the refclock goes" \
    eval '! grep -qs refclock "$r/etc/chrony/conf.d/te-ntp-setup.conf"' || show
r=$(dmi_root "$AZURE")
"$BIN" --root "$r" --no-firewall -v >"$TMP/out" 2>"$TMP/err"
check "azure, chrony, no /dev/ptp_hyperv: the pool, with a note" \
    eval 'grep -qx "server 0.pool.ntp.org iburst" "$r/$SRC" &&
          grep -q "note: Microsoft Azure: .*/dev/ptp_hyperv" "$TMP/err"' || show
r=$(dmi_root "$AZURE" debian12-timesyncd)
mkdir -p "$r/dev" && : > "$r/dev/ptp_hyperv"
"$BIN" --root "$r" --no-firewall -v >"$TMP/out" 2>"$TMP/err"
check "azure, timesyncd: the public pool, with a note that Azure documents chrony" \
    eval 'grep -q "^NTP=0.pool.ntp.org 1.pool.ntp.org" "$r/etc/systemd/timesyncd.conf.d/te-ntp-setup.conf" &&
          grep -q "note: Microsoft Azure: .*chrony" "$TMP/err"' || show

# ---- leap smear: never mixed ----------------------------------------------------------------
r=$(fresh_root debian-12)
snap=$(snapshot "$r")
"$BIN" --root "$r" --server metadata.google.internal --server 0.pool.ntp.org >"$TMP/out" 2>"$TMP/err"
rc=$?
check "smeared + unsmeared: exit 64" [ $rc -eq 64 ] || show
check "smeared + unsmeared: the error names both and the option" \
    eval 'grep -q "metadata.google.internal .*smear" "$TMP/err" &&
          grep -q "0.pool.ntp.org" "$TMP/err" && grep -q -- "--allow-leap-smear-mix" "$TMP/err"' ||
    show
check "smeared + unsmeared: nothing changed" [ "$(snapshot "$r")" = "$snap" ]
"$BIN" --root "$r" --server 169.254.169.123 --pool pool.example.org >"$TMP/out" 2>"$TMP/err"
rc=$?
check "Amazon's + a pool: exit 64" [ $rc -eq 64 ] || show
"$BIN" --root "$r" --server time.google.com --server time.aws.com >"$TMP/out" 2>"$TMP/err"
rc=$?
check "two smeared services: allowed (exit 0)" [ $rc -eq 0 ] || show
"$BIN" --root "$r" --server metadata.google.internal --server 0.pool.ntp.org \
    --allow-leap-smear-mix >"$TMP/out" 2>"$TMP/err"
rc=$?
check "--allow-leap-smear-mix: allowed (exit 0)" [ $rc -eq 0 ] || show
printf 'servers: [time1.google.com, 192.0.2.5]\nallow_leap_smear_mix: true\n' > "$TMP/mix.yaml"
"$BIN" --root "$r" -c "$TMP/mix.yaml" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "allow_leap_smear_mix: true in the settings file: allowed" [ $rc -eq 0 ] || show
printf 'servers: [time1.google.com, 192.0.2.5]\n' > "$TMP/mix.yaml"
"$BIN" --root "$r" -c "$TMP/mix.yaml" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "the settings file's mix without the key: exit 64" [ $rc -eq 64 ] || show
printf '{"root": "%s", "servers": ["time.google.com", "192.0.2.5"]}' "$r" > "$TMP/args.json"
"$BIN" ansible-module "$TMP/args.json" >"$TMP/out" 2>"$TMP/err"
check "Ansible: the mix fails the task" \
    eval 'grep -q "\"failed\":true" "$TMP/out" && grep -q "smear" "$TMP/out"' || show
printf '{"root": "%s", "servers": ["time.google.com", "192.0.2.5"], "allow_leap_smear_mix": true}' \
    "$r" > "$TMP/args.json"
"$BIN" ansible-module "$TMP/args.json" >"$TMP/out" 2>"$TMP/err"
check "Ansible allow_leap_smear_mix: true: allowed" grep -q '"failed":false' "$TMP/out" || show

# ---- live: a container that cannot set the clock -----------------------------------------
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null 2>&1 ||
   ! command -v setpriv >/dev/null 2>&1; then
    skip_all "the live container checks need root, unshare and setpriv"
fi
# In a private mount namespace whose /run says "podman" (and nothing else of the host's
# /run shows; HOSTS_FILE, when set, is its /etc/hosts); CAPS "drop" runs the command without
# CAP_SYS_TIME. live runs the tool, live_cmd any command. Dry runs: nothing to undo even if
# the refusal failed.
live() { # drop|keep args...
    caps=$1
    shift
    live_cmd "$caps" "$BIN" "$@"
}
live_cmd() { # drop|keep command args...
    caps=$1
    shift
    cat > "$TMP/live.sh" <<'SH'
set -e
mount --make-rprivate /
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/systemd
echo podman > /run/systemd/container
[ -z "${HOSTS_FILE:-}" ] || mount --bind "$HOSTS_FILE" /etc/hosts
caps=$1
shift
if [ "$caps" = drop ]; then
    exec setpriv --inh-caps=-sys_time --bounding-set=-sys_time "$@"
fi
exec "$@"
SH
    unshare -m sh "$TMP/live.sh" "$caps" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}
live drop --dry-run --server 192.0.2.1 --no-firewall
check "live, container without CAP_SYS_TIME: apply refused with exit 64" [ $rc -eq 64 ] || show
check "live, refused: the error names the container and its marker" \
    grep -q 'error: this system is a container (podman: /run/systemd/container) that cannot set the clock' \
    "$TMP/err" || show
check "live, refused: says the clock is the host's and what to run there" \
    eval 'grep -q "the clock belongs to the host" "$TMP/err" &&
          grep -q "Run te-ntp-setup on the host" "$TMP/err"' || show
check "live, refused: names the override" grep -q -- '--configure-container' "$TMP/err" || show
live drop --dry-run --server 192.0.2.1 --no-firewall --json
check "live, refused, --json: exit 64 and failed:true" \
    eval '[ $rc -eq 64 ] && grep -q "\"failed\":true" "$TMP/out"' || show

live drop --dry-run --server 192.0.2.1 --no-firewall --configure-container -v
check "live, --configure-container: the dry run goes on (exit 0)" [ $rc -eq 0 ] || show
check "live, --configure-container: a note says the daemon cannot set the clock" \
    grep -q 'note: this system is a container (podman: /run/systemd/container) without CAP_SYS_TIME' \
    "$TMP/err" || show

printf 'configure_container: true\nservers: [192.0.2.1]\n' > "$TMP/settings.yaml"
live drop --dry-run --no-firewall -c "$TMP/settings.yaml"
check "live, configure_container: true in the settings file: goes on (exit 0)" [ $rc -eq 0 ] || show

printf '{"servers": ["192.0.2.1"], "firewall": false, "configure_container": true, "_ansible_check_mode": true}' \
    > "$TMP/args.json"
live drop ansible-module "$TMP/args.json"
check "live, Ansible configure_container: true: goes on" \
    eval '[ $rc -eq 0 ] && grep -q "\"failed\":false" "$TMP/out"' || show
printf '{"servers": ["192.0.2.1"], "firewall": false, "_ansible_check_mode": true}' > "$TMP/args.json"
live drop ansible-module "$TMP/args.json"
check "live, Ansible without configure_container: failed, with the reason" \
    eval 'grep -q "\"failed\":true" "$TMP/out" && grep -q "cannot set the clock" "$TMP/out"' || show

live keep --dry-run --server 192.0.2.1 --no-firewall
check "live, container with CAP_SYS_TIME: configured (exit 0)" [ $rc -eq 0 ] || show
check "live, container with CAP_SYS_TIME: warns that it sets the host's clock" \
    grep -q 'warning: this system is a container (podman: /run/systemd/container) that can set the clock (CAP_SYS_TIME): the NTP daemon configured here sets the clock of the host' \
    "$TMP/err" || show

# check in a container: it still measures, and says the host's NTP sets this clock. Two
# loopback test servers, one of them named time.google.com in the namespace's /etc/hosts:
# the answering sources mix a smeared service with an unsmeared one.
SERVER=$top_builddir/tests/tools/ntp-test-server
"$SERVER" -l 30 >"$TMP/srv1.out" 2>/dev/null &
srv1=$!
"$SERVER" -l 30 >"$TMP/srv2.out" 2>/dev/null &
srv2=$!
srv_cleanup() { kill "$srv1" "$srv2" 2>/dev/null; }
cleanup_hooks="srv_cleanup"
i=0
while { [ ! -s "$TMP/srv1.out" ] || [ ! -s "$TMP/srv2.out" ]; } && [ $i -lt 100 ]; do
    sleep 0.05
    i=$((i + 1))
done
p1=$(head -n 1 "$TMP/srv1.out")
p2=$(head -n 1 "$TMP/srv2.out")
printf '127.0.0.1 localhost\n127.0.0.1 time.google.com\n' > "$TMP/hosts"
HOSTS_FILE="$TMP/hosts" live drop check "time.google.com:$p1" "127.0.0.1:$p2"
check "check in a container: it measures (exit 0, OK)" \
    eval '[ $rc -eq 0 ] && grep -q "^NTP OK" "$TMP/out"' || show
check "check in a container: notes that the host's NTP client sets this clock" \
    grep -q "note: this system is a container (podman: /run/systemd/container): its clock is the host's" \
    "$TMP/err" || show
check "check: warns that the answering sources mix leap smearing" \
    grep -q "warning: the sources that answered mix .*time.google.com.* smears leap seconds.*127.0.0.1" \
    "$TMP/err" || show
HOSTS_FILE="$TMP/hosts" live drop check --json "time.google.com:$p1" "127.0.0.1:$p2"
check "check --json: the container note and the smear warning are in the object" \
    eval 'grep -q "\"notes\":\[.*its clock is the host" "$TMP/out" &&
          grep -q "\"warnings\":\[.*smears leap seconds" "$TMP/out"' || show
# The smeared one silent (a port nothing listens on): the mix is in the servers asked.
HOSTS_FILE="$TMP/hosts" live drop check --timeout 1 "time.google.com:9" "127.0.0.1:$p2"
check "check: warns when the servers asked mix leap smearing, though one is silent" \
    grep -q "warning: the sources that were asked mix .*time.google.com" "$TMP/err" || show
HOSTS_FILE="$TMP/hosts" live drop check "127.0.0.1:$p1" "127.0.0.1:$p2"
check "check: no smear warning without a smeared source" \
    eval '[ $rc -eq 0 ] && ! grep -q "smear" "$TMP/err"' || show
srv_cleanup

# The package hook in such a container: logs it and succeeds (a dry run, to be safe).
for spec in postinst-snippet.sh:configure rpm-post-snippet.sh:1; do
    : > "$TMP/hook.log"
    TE_NTP_SETUP="$BIN" TE_NTP_SETUP_HOOK_LOG="$TMP/hook.log" TE_NTP_SETUP_HOOK_ARGS=--dry-run \
        live_cmd drop sh "$top_srcdir/packaging/hooks/${spec%%:*}" "${spec#*:}"
    check "${spec%%:*} in a container without CAP_SYS_TIME: exit 0, the container logged" \
        eval '[ $rc -eq 0 ] && grep -q "in a container that cannot set the clock: nothing to do" "$TMP/hook.log"' ||
        sed 's/^/#   /' "$TMP/hook.log"
done

# The refusal is for live runs: --root edits the image even without CAP_SYS_TIME.
r=$(platform_root img .dockerenv=)
live drop --root "$r" --server 192.0.2.1
check "--root, without CAP_SYS_TIME, in a container: the image is edited (exit 0)" \
    eval '[ $rc -eq 0 ] && grep -qx "server 192.0.2.1 iburst" "$r/etc/chrony/sources.d/te-ntp-setup.sources"' ||
    show

finish
