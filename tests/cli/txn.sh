#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Transactions on fixture roots (--root): rollback, the lock, an interrupted run, kill -9 at
# any moment, and faults (full disk, read-only and bind-mounted files, an external edit
# between read and write). In each case nothing is lost: every file is old or new, never
# partial, and a failed run leaves the root as it was.
. "$(dirname "$0")/../lib.sh"

CHRONYD=$(find_daemon chronyd chrony) || skip_all "chronyd not found (packaging/build-deps --test)"
export TE_NTP_SETUP_SBIN=$(dirname "$CHRONYD")
SERVERS="-s ntp1.example.com -s ntp2.example.com"
CONF=/etc/chrony/chrony.conf
NEW=/etc/chrony/sources.d/te-ntp-setup.sources
# LeakSanitizer cannot work under ptrace: off for the runs under strace.
NO_LSAN="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# The chrony files of a root, with mode and owner, for exact comparisons.
state() {
    (cd "$1/etc/chrony" && for f in $(find . -type f | sort); do
        printf '%s %s\n' "$(stat -c '%a %u %g' "$f")" "$f"; sha256sum < "$f"; done)
}

# --- rollback ----------------------------------------------------------------------------
root=$(fresh_root debian-12)
chmod 0640 "$root$CONF"
state "$root" > "$TMP/orig"
"$BIN" --root "$root" $SERVERS >/dev/null 2>&1
check "rollback: apply changed the root" [ -f "$root$NEW" ]
"$BIN" rollback --root "$root" > "$TMP/out" 2>&1
rc=$?
check "rollback: exits 0" [ $rc -eq 0 ]
state "$root" > "$TMP/now"
check "rollback: every file back, byte for byte, with its mode" cmp -s "$TMP/orig" "$TMP/now"
check "rollback: says what it did" grep -q "^restored $root$CONF" "$TMP/out"
"$BIN" rollback --root "$root" > "$TMP/out" 2>&1
check "rollback twice: nothing to roll back" grep -q '^nothing to roll back' "$TMP/out"

# A file outside those rollback may restore (here one chrony.conf includes from /etc): replace
# mode would disable its server line, and rollback would then refuse to put it back (a journal
# names only the files the tool manages). So the run refuses, exit 64, naming the file and
# what to do, with nothing changed; merge mode leaves that file alone and rolls back whole.
root=$(fresh_root debian-12)
printf 'server old.example.org iburst\n' > "$root/etc/extra-servers.conf"
printf 'include /etc/extra-servers.conf\n' >> "$root$CONF"
state "$root" > "$TMP/orig"
sha256sum < "$root/etc/extra-servers.conf" > "$TMP/extra.orig"
"$BIN" --root "$root" --mode replace $SERVERS > "$TMP/out" 2>"$TMP/err"
rc=$?
state "$root" > "$TMP/now"
check "an included file outside the managed ones, replace mode: exit 64" [ $rc -eq 64 ] ||
    sed 's/^/#   /' "$TMP/out" "$TMP/err"
check "an included file outside the managed ones, replace mode: nothing changed" \
    eval 'cmp -s "$TMP/orig" "$TMP/now" && sha256sum < "$root/etc/extra-servers.conf" | cmp -s - "$TMP/extra.orig" &&
          [ ! -d "$root/var/lib/te-ntp-setup/last" ]'
check "an included file outside the managed ones, replace mode: the error names it and the way out" \
    eval 'grep -q "/etc/extra-servers.conf: .*rollback could not put it back.*--mode merge" "$TMP/err"' ||
    sed 's/^/#   /' "$TMP/err"
"$BIN" --root "$root" --mode merge $SERVERS > "$TMP/out" 2>"$TMP/err"
rc=$?
"$BIN" rollback --root "$root" > "$TMP/out2" 2>&1
rc2=$?
state "$root" > "$TMP/now"
check "an included file outside the managed ones, merge mode: exit 0, then rollback exit 0, all back" \
    eval '[ $rc -eq 0 ] && [ $rc2 -eq 0 ] && cmp -s "$TMP/orig" "$TMP/now" &&
          sha256sum < "$root/etc/extra-servers.conf" | cmp -s - "$TMP/extra.orig"' ||
    sed 's/^/#   /' "$TMP/err" "$TMP/out2"

root=$(fresh_root debian-12)
"$BIN" --root "$root" $SERVERS >/dev/null 2>&1
echo "# an admin's edit" >> "$root$CONF"
"$BIN" rollback --root "$root" --json > "$TMP/out" 2>"$TMP/err"
rc=$?
check "rollback after an external edit: exit 3" [ $rc -eq 3 ]
check "rollback after an external edit: the edit is kept" grep -q "an admin's edit" "$root$CONF"
check "rollback after an external edit: names the file" grep -q "$CONF: changed since" "$TMP/err"
check "rollback after an external edit: JSON says failed" grep -q '"failed":true' "$TMP/out"
check "rollback after an external edit: the backups stay" [ -f "$root/var/lib/te-ntp-setup/last/journal" ]

# A run that cannot put the originals back (the second write fails, then so does every undo:
# strace fails renameat from the 2nd call on) exits 3, and its advice names the image: the
# backups under the root, and 'rollback --root ROOT', which then restores.
if command -v strace >/dev/null 2>&1; then
    root=$(fresh_root debian-12)
    state "$root" > "$TMP/orig"
    ASAN_OPTIONS=$NO_LSAN strace -o /dev/null -e trace=renameat,rename \
        -e inject=renameat:error=EIO:when=2+ "$BIN" --root "$root" $SERVERS >"$TMP/out" 2>&1
    rc=$?
    check "exit 3 on an image: the message names the backups under the root and 'rollback --root'" \
        sh -c "[ $rc -eq 3 ] && grep -q 'backups and journal are in $root/var/lib/te-ntp-setup/current' '$TMP/out' &&
               grep -qF \"te-ntp-setup rollback --root $root'\" '$TMP/out'" || sed 's/^/#   /' "$TMP/out"
    "$BIN" rollback --root "$root" >/dev/null 2>&1
    state "$root" > "$TMP/now"
    check "exit 3 on an image: the advised rollback restores every file" cmp -s "$TMP/orig" "$TMP/now"
fi

# --- the lock ----------------------------------------------------------------------------
if command -v flock >/dev/null 2>&1; then
    root=$(fresh_root debian-12)
    state "$root" > "$TMP/orig"
    flock "$root" sleep 5 &
    holder=$!
    sleep 0.3
    "$BIN" --root "$root" $SERVERS --lock-timeout 1 >/dev/null 2>"$TMP/err"
    rc=$?
    kill $holder 2>/dev/null; wait $holder 2>/dev/null
    check "lock: a second instance exits 4" [ $rc -eq 4 ]
    check "lock: and says why" grep -q 'another te-ntp-setup is running' "$TMP/err"
    state "$root" > "$TMP/now"
    check "lock: nothing changed" cmp -s "$TMP/orig" "$TMP/now"
else
    not_ok "flock(1) is needed for the lock test"
fi

# A root that is this system under another name takes this system's lock (in a private
# mount namespace, with /run and /var/lib on private tmpfs, so the host is not touched).
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null && command -v flock >/dev/null 2>&1; then
    for r in // /. /proc/self/root; do
        unshare -m sh -c "mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib &&
            { flock /run/te-ntp-setup.lock sleep 3 & sleep 0.3;
              '$BIN' rollback --root '$r' --lock-timeout 1; echo \$? > '$TMP/rc'; }" \
            >/dev/null 2>"$TMP/err"
        check "root $r is this system: it waits for this system's lock (exit 4)" \
            [ "$(cat "$TMP/rc")" = 4 ]
    done
else
    [ "${TE_REQUIRE_ALL:-}" = 1 ] && not_ok "the lock test of / needs root, unshare -m and flock"
fi

# --- an interrupted run is undone first --------------------------------------------------
root=$(fresh_root debian-12)
state "$root" > "$TMP/orig"
"$BIN" --root "$root" $SERVERS >/dev/null 2>&1
mv "$root/var/lib/te-ntp-setup/last" "$root/var/lib/te-ntp-setup/current"   # as if killed
"$BIN" --root "$root" -s ntp3.example.com > "$TMP/out" 2>"$TMP/err"
check "interrupted: the next run says so" grep -q 'an earlier run was interrupted' "$TMP/err"
check "interrupted: and then applies its own change" grep -qx 'server ntp3.example.com iburst' "$root$NEW"
"$BIN" rollback --root "$root" >/dev/null 2>&1
state "$root" > "$TMP/now"
check "interrupted: a rollback then gives the original back" cmp -s "$TMP/orig" "$TMP/now"

# --- kill -9 while the recovery removes the journal of the run it undid ------------------
# Whichever unlink or rmdir the kill lands on, what is left is either a journal with all its
# backups or no journal at all: the next run and rollback succeed.
if command -v strace >/dev/null 2>&1; then
    for sc in unlink rmdir; do  # (each kill: a fresh root)
        for n in 1 2 3 4 5; do
            root=$(fresh_root debian-12)
            "$BIN" --root "$root" $SERVERS >/dev/null 2>&1
            mv "$root/var/lib/te-ntp-setup/last" "$root/var/lib/te-ntp-setup/current"
            ASAN_OPTIONS="$NO_LSAN" strace -o /dev/null -e trace=$sc \
                -e inject=$sc:signal=SIGKILL:when=$n \
                "$BIN" rollback --root "$root" >/dev/null 2>&1
            "$BIN" rollback --root "$root" > "$TMP/out" 2>&1
            rc=$?
            check "kill -9 at $sc #$n of the recovery's cleanup: the next rollback exits 0" \
                [ $rc -eq 0 ] || cat "$TMP/out"
            check "kill -9 at $sc #$n of the recovery's cleanup: the originals are back" \
                cmp -s "$FIXTURES/debian-12$CONF" "$root$CONF"
        done
    done
else
    not_ok "strace is needed for the cleanup test"
fi

# --- SIGTERM ---------------------------------------------------------------------------
# Before the write phase (here: while a slow daemon parser checks the files) the run ends at
# once, exit 1, nothing changed.
mkdir -p "$TMP/slowbin"
printf '#!/bin/sh\nsleep 4\nexit 0\n' > "$TMP/slowbin/chronyd"
chmod +x "$TMP/slowbin/chronyd"
root=$(fresh_root debian-12)
state "$root" > "$TMP/orig"
TE_NTP_SETUP_SBIN="$TMP/slowbin" "$BIN" --root "$root" $SERVERS > "$TMP/out" 2>"$TMP/err" &
pid=$!
sleep 1
start=$(date +%s)
kill -TERM $pid
wait $pid
rc=$?
took=$(($(date +%s) - start))
state "$root" > "$TMP/now"
check "SIGTERM before the write phase: the run ends at once (${took}s)" [ "$took" -le 2 ]
check "SIGTERM before the write phase: exit 1" [ $rc -eq 1 ]
check "SIGTERM before the write phase: nothing changed" cmp -s "$TMP/orig" "$TMP/now"
check "SIGTERM before the write phase: and it says so" grep -q 'stopped by a signal' "$TMP/err"
# kill -9 while the daemon's parser checks the planned configuration: the file it was given
# to read must not outlive the run (it once stayed in /tmp, one per killed run). This
# parser says which file it got and what it read there, then takes its time.
printf '#!/bin/sh\necho $$ > "%s"\necho "$3" > "%s"\ncat "$3" > "%s"\nexec sleep 30\n' \
    "$TMP/check-pid" "$TMP/check-file" "$TMP/check-read" > "$TMP/slowbin/chronyd"
root=$(fresh_root debian-12)
state "$root" > "$TMP/orig"
TE_NTP_SETUP_SBIN="$TMP/slowbin" "$BIN" --root "$root" $SERVERS > "$TMP/out" 2>"$TMP/err" &
pid=$!
i=0
while [ ! -s "$TMP/check-read" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $pid
wait $pid 2>/dev/null
kill "$(cat "$TMP/check-pid")" 2>/dev/null
file=$(cat "$TMP/check-file" 2>/dev/null)
state "$root" > "$TMP/now"
check "kill -9 during the daemon's check: the parser read the planned configuration" \
    grep -q '^server ntp1\.example\.com iburst' "$TMP/check-read"
check "kill -9 during the daemon's check: nothing is left of the file it read (${file:-?})" \
    eval '[ -n "$file" ] && [ ! -e "$file" ] && [ ! -L "$file" ]'
check "kill -9 during the daemon's check: nothing changed" cmp -s "$TMP/orig" "$TMP/now"
# During the write phase (the signal arrives as the first file is renamed into place): the
# files written are put back, exit 1.
if command -v strace >/dev/null 2>&1; then
    root=$(fresh_root debian-12)
    state "$root" > "$TMP/orig"
    ASAN_OPTIONS="$NO_LSAN" strace -o /dev/null -e trace=renameat \
        -e inject=renameat:signal=SIGTERM:when=1 \
        "$BIN" --root "$root" $SERVERS > "$TMP/out" 2>"$TMP/err"
    rc=$?
    state "$root" > "$TMP/now"
    check "SIGTERM while writing: exit 1" [ $rc -eq 1 ]
    check "SIGTERM while writing: the originals are back" cmp -s "$TMP/orig" "$TMP/now"
    check "SIGTERM while writing: and it says so" grep -q 'stopped by signal 15 while writing' "$TMP/err"
    "$BIN" --root "$root" $SERVERS > /dev/null 2>&1
    check "SIGTERM while writing: the next run succeeds" grep -q 'ntp1.example.com' "$root$NEW"
fi

# --- kill -9 at any moment ---------------------------------------------------------------
KILLS=${TE_KILL_LOOPS:-200}
root=$(fresh_root debian-12)
cp -a "$root/etc" "$TMP/etc.orig"
"$BIN" --root "$root" $SERVERS >/dev/null 2>&1
cp -a "$root/etc" "$TMP/etc.new"
bad=0
i=0
while [ $i -lt "$KILLS" ]; do
    rm -rf "$root"
    root=$(fresh_root debian-12)
    "$BIN" --root "$root" $SERVERS >/dev/null 2>&1 &
    pid=$!
    # A delay of 0 to ~20 ms: the kill lands anywhere from start-up to exit.
    sleep "0.0$((i % 20))" 2>/dev/null || sleep 0
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    for f in $CONF $NEW; do
        if [ -f "$root$f" ] && ! cmp -s "$root$f" "$TMP/etc.orig${f#/etc}" &&
           ! cmp -s "$root$f" "$TMP/etc.new${f#/etc}"; then
            echo "# iteration $i: $f is neither old nor new"; bad=$((bad + 1))
        fi
    done
    # What the next run finds: it finishes or undoes, and leaves no temporary file.
    "$BIN" --root "$root" $SERVERS >/dev/null 2>&1
    if [ -n "$(find "$root/etc" -name '.*.te-ntp-setup.*')" ]; then
        echo "# iteration $i: a temporary file was left"; bad=$((bad + 1))
    fi
    if ! cmp -s "$root$CONF" "$TMP/etc.new/chrony/chrony.conf" ||
       ! cmp -s "$root$NEW" "$TMP/etc.new/chrony/sources.d/te-ntp-setup.sources"; then
        echo "# iteration $i: the run after the kill did not reach the new state"; bad=$((bad + 1))
    fi
    i=$((i + 1))
done
check "kill -9 x$KILLS: every file old or new, then consistent, no stray files" [ $bad -eq 0 ]

# --- faults (root only: mounts in a private mount namespace) -----------------------------
if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
    [ "${TE_REQUIRE_ALL:-}" = 1 ] && not_ok "fault tests need root and unshare -m"
    finish; exit $?
fi

# A file bind-mounted read-only over the configuration: rename fails, nothing changes.
root=$(fresh_root debian-12)
state "$root" > "$TMP/orig"
unshare -m sh -c "mount --bind '$root$CONF' '$root$CONF' &&
    mount -o remount,ro,bind '$root$CONF' &&
    '$BIN' --root '$root' $SERVERS" > "$TMP/out" 2>"$TMP/err"
rc=$?
state "$root" > "$TMP/now"
check "bind-mounted file: exit 1" [ $rc -eq 1 ]
check "bind-mounted file: the reason is shown" grep -q 'cannot replace it' "$TMP/err"
check "bind-mounted file: nothing changed" cmp -s "$TMP/orig" "$TMP/now"

# A read-only file system.
root=$(fresh_root debian-12)
state "$root" > "$TMP/orig"
unshare -m sh -c "mount --bind '$root/etc' '$root/etc' && mount -o remount,ro,bind '$root/etc' &&
    '$BIN' --root '$root' $SERVERS" > "$TMP/out" 2>"$TMP/err"
rc=$?
state "$root" > "$TMP/now"
check "read-only /etc: exit 1" [ $rc -eq 1 ]
check "read-only /etc: nothing changed" cmp -s "$TMP/orig" "$TMP/now"

# A full disk: the root on a small tmpfs, filled up.
unshare -m sh -c "
    mount -t tmpfs -o size=256k tmpfs '$TMP/small' 2>/dev/null || { mkdir -p '$TMP/small' &&
        mount -t tmpfs -o size=256k tmpfs '$TMP/small'; }
    cp -a '$FIXTURES/debian-12/.' '$TMP/small/'
    dd if=/dev/zero of='$TMP/small/filler' bs=1k count=1024 2>/dev/null
    (cd '$TMP/small/etc/chrony' && for f in \$(find . -type f | sort); do
        printf '%s %s\n' \"\$(stat -c '%a %u %g' \"\$f\")\" \"\$f\"; sha256sum < \"\$f\"; done) > '$TMP/orig'
    '$BIN' --root '$TMP/small' $SERVERS > '$TMP/out' 2> '$TMP/err'
    echo \$? > '$TMP/rc'
    (cd '$TMP/small/etc/chrony' && for f in \$(find . -type f | sort); do
        printf '%s %s\n' \"\$(stat -c '%a %u %g' \"\$f\")\" \"\$f\"; sha256sum < \"\$f\"; done) > '$TMP/now'
    find '$TMP/small' -name '.*.te-ntp-setup.*' > '$TMP/stray'
    umount '$TMP/small'"
check "full disk: exit 1" [ "$(cat "$TMP/rc")" = 1 ]
check "full disk: no space is the reason" grep -q 'No space left on device' "$TMP/err"
check "full disk: nothing changed" cmp -s "$TMP/orig" "$TMP/now"
check "full disk: no temporary file left" [ ! -s "$TMP/stray" ]

# Someone edits the file between read and write (here: while chronyd -p checks it).
root=$(fresh_root debian-12)
mkdir -p "$TMP/fakebin"
cat > "$TMP/fakebin/chronyd" <<SH
#!/bin/sh
echo '# edited meanwhile' >> '$root$CONF'
exit 0
SH
chmod +x "$TMP/fakebin/chronyd"
TE_NTP_SETUP_SBIN="$TMP/fakebin" "$BIN" --root "$root" $SERVERS > "$TMP/out" 2>"$TMP/err"
rc=$?
check "concurrent edit: exit 1" [ $rc -eq 1 ]
check "concurrent edit: detected" grep -q 'changed by someone else since it was read' "$TMP/err"
check "concurrent edit: the other edit is kept" grep -q 'edited meanwhile' "$root$CONF"
check "concurrent edit: the new file was not left behind" [ ! -e "$root$NEW" ]
finish
