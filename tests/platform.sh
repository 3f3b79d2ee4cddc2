#!/bin/sh
# Where the host runs: containers. Fixture roots carry the markers systemd-detect-virt reads
# (Docker's /.dockerenv, Podman's /run/.containerenv, container= in PID 1's environment,
# /run/systemd/container, /run/host/container-manager); detect --root reports them and
# apply --root edits the image as ever. A live apply in a container without CAP_SYS_TIME is
# refused (exit 64, nothing touched) unless --configure-container (configure_container:
# true, the Ansible key configure_container) says otherwise; with CAP_SYS_TIME it goes on
# with a warning. The live runs are dry runs in a private mount namespace whose /run holds
# the marker, so the result does not depend on this machine's own markers.
. "$(dirname "$0")/lib.sh"

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

# ---- live: a container that cannot set the clock -----------------------------------------
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null 2>&1 ||
   ! command -v setpriv >/dev/null 2>&1; then
    skip_all "the live container checks need root, unshare and setpriv"
fi
# In a private mount namespace whose /run says "podman" (and nothing else of the host's
# /run shows); CAPS "drop" runs the tool without CAP_SYS_TIME. Dry runs: nothing to undo
# even if the refusal failed.
live() { # drop|keep args...
    caps=$1
    shift
    cat > "$TMP/live.sh" <<'SH'
set -e
mount --make-rprivate /
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/systemd
echo podman > /run/systemd/container
caps=$1
shift
if [ "$caps" = drop ]; then
    exec setpriv --inh-caps=-sys_time --bounding-set=-sys_time "$@"
fi
exec "$@"
SH
    unshare -m sh "$TMP/live.sh" "$caps" "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
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

# The refusal is for live runs: --root edits the image even without CAP_SYS_TIME.
r=$(platform_root img .dockerenv=)
live drop --root "$r" --server 192.0.2.1
check "--root, without CAP_SYS_TIME, in a container: the image is edited (exit 0)" \
    eval '[ $rc -eq 0 ] && grep -qx "server 192.0.2.1 iburst" "$r/etc/chrony/sources.d/te-ntp-setup.sources"' ||
    show

finish
