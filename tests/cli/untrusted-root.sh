#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# --root on an image that may come from anyone: what the image holds must not make
# te-ntp-setup write outside it. Its journal (var/lib/te-ntp-setup) names files on the
# target, relative to the root, so a crafted journal cannot reach a host file, and an image
# can be rolled back wherever it is mounted.
. "$(dirname "$0")/../lib.sh"

# A host file outside the image, whose content the image's author knows.
mkdir "$TMP/host"
reset_victim() {
    printf 'known content\n' > "$TMP/host/victim"
    chmod 0644 "$TMP/host/victim"
}
victim_intact() {
    [ "$(cat "$TMP/host/victim")" = "known content" ] &&
        [ "$(stat -c %a "$TMP/host/victim")" = 644 ]
}

# craft_journal ROOT PATH: an "interrupted run" that claims to have written PATH.
craft_journal() {
    j=$1/var/lib/te-ntp-setup/current
    mkdir -p "$j/files"
    chmod 0700 "$1/var/lib/te-ntp-setup"
    printf '#!/bin/sh\necho owned\n' > "$j/files/0.old"
    printf 'known content\n' > "$j/files/0.new"
    printf 'te-ntp-setup journal 1\nfile 0 1 4755 0 0 %s\n' "$2" > "$j/journal"
}

for p in "$TMP/host/victim" "/../../../../../..$TMP/host/victim"; do
    reset_victim
    root=$(fresh_root debian-12)
    craft_journal "$root" "$p"
    "$BIN" rollback --root "$root" >"$TMP/out" 2>&1
    check "rollback --root: a journal naming $p leaves the host file alone" victim_intact
    reset_victim
    root=$(fresh_root debian-12)
    craft_journal "$root" "$p"
    "$BIN" --root "$root" -s ntp1.example.com >"$TMP/out" 2>&1
    check "apply --root (undoing an interrupted run): a journal naming $p leaves the host file alone" victim_intact
done

# The journal of a real run names target paths, and rollback works after the image moved.
root=$(fresh_root debian-12)
"$BIN" --root "$root" -s ntp1.example.com >"$TMP/out" 2>&1
check "the journal names /etc/chrony/chrony.conf, not the path under the root" \
    grep -q ' /etc/chrony/chrony\.conf$' "$root/var/lib/te-ntp-setup/last/journal"
mv "$root" "$root.moved"
"$BIN" rollback --root "$root.moved" >"$TMP/out" 2>&1
rc=$?
check "rollback of a moved image exits 0" [ $rc -eq 0 ]
check "rollback of a moved image restores its chrony.conf" \
    cmp -s "$FIXTURES/debian-12/etc/chrony/chrony.conf" "$root.moved/etc/chrony/chrony.conf"
check "rollback of a moved image removes the file the run created" \
    [ ! -e "$root.moved/etc/chrony/sources.d/te-ntp-setup.sources" ]
# Symbolic links in the image that lead out of it: an absolute link (resolved on the host)
# and a relative one that climbs out. Nothing outside the image is read, written or kept.
for link in "$TMP/outside" "../../../../../../../../../..$TMP/outside"; do
    rm -rf "$TMP/outside"
    cp -a "$FIXTURES/debian-12/etc/chrony" "$TMP/outside"
    before=$(cd "$TMP/outside" && find . -type f | sort | xargs sha256sum)
    root=$(fresh_root debian-12)
    rm -rf "$root/etc/chrony"
    ln -s "$link" "$root/etc/chrony"
    "$BIN" --root "$root" -s ntp1.example.com >"$TMP/out" 2>&1
    rc=$?
    check "a link out of the image ($link): apply exits 1" [ $rc -eq 1 ]
    check "a link out of the image ($link): it says so" grep -q 'leads out of' "$TMP/out"
    after=$(cd "$TMP/outside" && find . -type f | sort | xargs sha256sum)
    check "a link out of the image ($link): the files outside are untouched" \
        [ "$before" = "$after" ]
done
# The backup directory through a link out of the image.
rm -rf "$TMP/outside" && mkdir "$TMP/outside"
root=$(fresh_root debian-12)
mkdir -p "$root/var"
ln -s "$TMP/outside" "$root/var/lib"
"$BIN" --root "$root" -s ntp1.example.com >"$TMP/out" 2>&1
rc=$?
check "backups through a link out of the image: apply exits 1" [ $rc -eq 1 ]
check "backups through a link out of the image: nothing is kept outside" \
    [ -z "$(ls -A "$TMP/outside")" ]
check "backups through a link out of the image: the configuration is unchanged" \
    cmp -s "$FIXTURES/debian-12/etc/chrony/chrony.conf" "$root/etc/chrony/chrony.conf"
# A journal planted in the image by another user (here: nobody, who may write only
# var/lib/te-ntp-setup): not obeyed, and /etc/passwd never becomes a set-user-ID file.
planted() { # ROOT OWNER PATH MODE
    j=$1/var/lib/te-ntp-setup/current
    mkdir -p "$j/files"
    printf 'root:x:0:0:attacker text\n' > "$j/files/0.old"
    cp "$1$3" "$j/files/0.new" 2>/dev/null || : > "$j/files/0.new"
    printf 'te-ntp-setup journal 1\nfile 0 1 %s 0 0 %s\n' "$4" "$3" > "$j/journal"
    chmod 0700 "$1/var/lib/te-ntp-setup" "$j" "$j/files"
    chown -R "$2" "$1/var/lib/te-ntp-setup"
}
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
    for cmd in apply rollback; do
        root=$(fresh_root debian-12)
        printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
        cp "$root/etc/passwd" "$TMP/passwd.orig"
        planted "$root" nobody /etc/passwd 4755
        if [ $cmd = apply ]; then
            "$BIN" --root "$root" -s ntp1.example.com >"$TMP/out" 2>&1
        else
            "$BIN" rollback --root "$root" >"$TMP/out" 2>&1
        fi
        rc=$?
        check "$cmd: a journal owned by another user is not obeyed" \
            cmp -s "$TMP/passwd.orig" "$root/etc/passwd"
        check "$cmd: nor does it make a set-user-ID file" \
            [ "$(stat -c %a "$root/etc/passwd")" = 644 ]
        check "$cmd: exit 3 (a person must look) and the reason" \
            sh -c "[ $rc -eq 3 ] && grep -q 'not trusted: owned by another user' '$TMP/out'"
    done
else
    skip_part "a journal planted by another user: needs root and the user nobody"
fi
# A journal of this user, but writable by others, or naming a file the tool does not
# manage, or asking for a set-user-ID bit on one that it does.
root=$(fresh_root debian-12)
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
cp "$root/etc/passwd" "$TMP/passwd.orig"
planted "$root" "$(id -u)" /etc/passwd 4755
chmod 0777 "$root/var/lib/te-ntp-setup/current"
"$BIN" rollback --root "$root" >"$TMP/out" 2>&1
rc=$?
check "rollback: a journal directory writable by others is not obeyed (exit 3)" \
    sh -c "[ $rc -eq 3 ] && cmp -s '$TMP/passwd.orig' '$root/etc/passwd' && grep -q 'not trusted: writable by others' '$TMP/out'"
chmod 0700 "$root/var/lib/te-ntp-setup/current"
chmod 0666 "$root/var/lib/te-ntp-setup/current/journal"
"$BIN" rollback --root "$root" >"$TMP/out" 2>&1
rc=$?
check "rollback: a journal file writable by others is not obeyed (exit 3)" \
    sh -c "[ $rc -eq 3 ] && cmp -s '$TMP/passwd.orig' '$root/etc/passwd' && grep -q 'journal: not trusted: writable by others' '$TMP/out'"
chmod 0600 "$root/var/lib/te-ntp-setup/current/journal"
"$BIN" rollback --root "$root" >"$TMP/out" 2>&1
rc=$?
check "rollback: a journal naming a file the tool does not manage: exit 3, file untouched" \
    sh -c "[ $rc -eq 3 ] && cmp -s '$TMP/passwd.orig' '$root/etc/passwd' && grep -q 'not a file te-ntp-setup manages' '$TMP/out'"
root=$(fresh_root debian-12)
"$BIN" --root "$root" -s ntp1.example.com >/dev/null 2>&1
sed -i 's/^file 0 1 [0-7]* /file 0 1 6755 /' "$root/var/lib/te-ntp-setup/last/journal"
"$BIN" rollback --root "$root" >"$TMP/out" 2>&1
rc=$?
check "rollback: restores the content of a managed file" \
    sh -c "[ $rc -eq 0 ] && cmp -s '$FIXTURES/debian-12/etc/chrony/chrony.conf' '$root/etc/chrony/chrony.conf'"
check "rollback: but never a set-user-ID or set-group-ID bit the journal asks for" \
    [ "$(stat -c %a "$root/etc/chrony/chrony.conf")" = \
      "$(stat -c %a "$FIXTURES/debian-12/etc/chrony/chrony.conf")" ]
# rollback --all reads the originals' index (var/lib/te-ntp-setup/original): one planted by
# another user, or naming a file the tool does not manage, is not obeyed either.
planted_original() { # ROOT OWNER PATH
    o=$1/var/lib/te-ntp-setup/original
    mkdir -p "$o"
    printf 'root:x:0:0:attacker text\n' > "$o/0.orig"
    cp "$1$3" "$o/0.latest"
    printf 'file 0 1 4755 %s\n' "$3" > "$o/index"
    chmod 0700 "$1/var/lib/te-ntp-setup" "$o"
    chmod 0600 "$o"/*
    chown -R "$2" "$1/var/lib/te-ntp-setup"
}
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
    root=$(fresh_root debian-12)
    printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
    cp "$root/etc/passwd" "$TMP/passwd.orig"
    planted_original "$root" nobody /etc/passwd
    "$BIN" rollback --all --root "$root" >"$TMP/out" 2>&1
    rc=$?
    check "rollback --all: originals owned by another user are not obeyed" \
        sh -c "[ $rc -eq 3 ] && cmp -s '$TMP/passwd.orig' '$root/etc/passwd' && grep -q 'not trusted: owned by another user' '$TMP/out'" ||
        sed 's/^/#   /' "$TMP/out"
    check "rollback --all: nor do they make a set-user-ID file" \
        [ "$(stat -c %a "$root/etc/passwd")" = 644 ]
else
    skip_part "an index of originals planted by another user: needs root and the user nobody"
fi
root=$(fresh_root debian-12)
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
cp "$root/etc/passwd" "$TMP/passwd.orig"
planted_original "$root" "$(id -u)" /etc/passwd
chmod 0666 "$root/var/lib/te-ntp-setup/original/index"
"$BIN" rollback --all --root "$root" >"$TMP/out" 2>&1
rc=$?
check "rollback --all: an index writable by others is not obeyed (exit 3)" \
    sh -c "[ $rc -eq 3 ] && cmp -s '$TMP/passwd.orig' '$root/etc/passwd' && grep -q 'index: not trusted: writable by others' '$TMP/out'" ||
    sed 's/^/#   /' "$TMP/out"
chmod 0600 "$root/var/lib/te-ntp-setup/original/index"
"$BIN" rollback --all --root "$root" >"$TMP/out" 2>&1
rc=$?
check "rollback --all: an index naming a file the tool does not manage: exit 3, file untouched" \
    sh -c "[ $rc -eq 3 ] && cmp -s '$TMP/passwd.orig' '$root/etc/passwd' && grep -q 'not a file te-ntp-setup manages' '$TMP/out'" ||
    sed 's/^/#   /' "$TMP/out"
# Files that are not regular files: refused at once, by path, never waited on.
root=$(fresh_root debian-12)
rm -f "$root/etc/os-release" && mkfifo "$root/etc/os-release"
timeout 20 "$BIN" detect --root "$root" >"$TMP/out" 2>&1
rc=$?
check "a FIFO as the image's os-release: detect does not hang" [ $rc -ne 124 ]
check "a FIFO as the image's os-release: named, as not a regular file" \
    grep -q "etc/os-release: cannot read: not a regular file" "$TMP/out"
root=$(fresh_root debian12-ntpsec)
rm -f "$root/etc/default/ntpsec" && mkfifo "$root/etc/default/ntpsec"
timeout 20 "$BIN" --root "$root" -i ntpsec -s ntp1.example.com --dhcp ignore >"$TMP/out" 2>&1
rc=$?
check "a FIFO as the image's /etc/default/ntpsec: no hang, exit 1" [ $rc -eq 1 ]
check "a FIFO as the image's /etc/default/ntpsec: named" \
    grep -q "etc/default/ntpsec: \(cannot read: \)\?not a regular file" "$TMP/out"
mkfifo "$TMP/fifo"
timeout 20 "$BIN" --root "$(fresh_root debian-12)" --config "$TMP/fifo" >"$TMP/out" 2>&1
rc=$?
check "--config FIFO: no hang, refused by name" \
    sh -c "[ $rc -ne 124 ] && [ $rc -ne 0 ] && grep -q '$TMP/fifo: cannot read the settings file: not a regular file' '$TMP/out'"
timeout 20 "$BIN" ansible-module "$TMP/fifo" >"$TMP/out" 2>&1
rc=$?
check "ansible-module FIFO: no hang, refused by name" \
    sh -c "[ $rc -ne 124 ] && grep -q 'fifo.*not a regular file' '$TMP/out'"
# A defaults file (the daemon's options) that exists but cannot be read is an error naming
# it, not "not set" (which would plan as if the daemon had no -g or -s); one linking out of
# the image is read inside it.
for fx in "debian12-ntpsec ntpsec etc/ntpsec/ntp.conf" "debian12-openntpd openntpd etc/openntpd/ntpd.conf"; do
    set -- $fx
    for kind in directory fifo; do
        root=$(fresh_root "$1")
        rm -f "$root/etc/default/$2"
        if [ $kind = directory ]; then mkdir "$root/etc/default/$2"; why='Is a directory'
        else mkfifo "$root/etc/default/$2"; why='not a regular file'; fi
        timeout 20 "$BIN" --root "$root" -s ntp1.example.com --json >"$TMP/out" 2>/dev/null
        rc=$?
        check "a $kind as the image's /etc/default/$2: exit 1, the JSON error names it, nothing written" \
            sh -c "[ $rc -eq 1 ] && grep -q '\"errors\":\[\"[^]]*etc/default/$2: cannot read: $why' '$TMP/out' &&
                   cmp -s '$FIXTURES/$1/$3' '$root/$3'" || sed 's/^/#   /' "$TMP/out"
    done
done
printf 'DAEMON_OPTS="-s"\n' > "$TMP/openntpd.outside"
root=$(fresh_root debian12-openntpd)
rm -f "$root/etc/default/openntpd"
ln -s "$TMP/openntpd.outside" "$root/etc/default/openntpd"
mkdir -p "$root$TMP"
printf 'DAEMON_OPTS="-f /etc/openntpd/ntpd.conf"\n' > "$root$TMP/openntpd.outside"
"$BIN" --root "$root" -s ntp1.example.com --dry-run --json >"$TMP/out" 2>/dev/null
check "a defaults file linking to /x reads the image's /x, not the host's" \
    grep -q 'OpenNTPD without -s' "$TMP/out"
# os-release as a link to a file outside the image: read inside the image, or not at all.
printf 'ID=outside\nPRETTY_NAME="Outside The Image"\n' > "$TMP/os-release.outside"
root=$(fresh_root debian-12)
rm -f "$root/etc/os-release" "$root/usr/lib/os-release"
ln -s "$TMP/os-release.outside" "$root/etc/os-release"
"$BIN" detect --root "$root" >"$TMP/out" 2>&1
check "os-release linking out of the image is not followed out" \
    sh -c "! grep -q 'Outside The Image' '$TMP/out'"
mkdir -p "$root$TMP"
printf 'ID=inside\nPRETTY_NAME="Inside The Image"\n' > "$root$TMP/os-release.outside"
"$BIN" detect --root "$root" >"$TMP/out" 2>&1
check "os-release linking to /x reads the image's /x" grep -q 'Inside The Image' "$TMP/out"
# The main configuration as a dangling link, or a loop of links: a clear error, in the text
# and in the JSON, not an empty failure.
root=$(fresh_root debian-12)
rm "$root/etc/chrony/chrony.conf"
ln -s /nonexistent "$root/etc/chrony/chrony.conf"
"$BIN" --root "$root" -s ntp1.example.com >"$TMP/out" 2>&1
rc=$?
check "dangling link as chrony.conf: exit 1, says so" \
    sh -c "[ $rc -eq 1 ] && grep -q 'chrony.conf: a symbolic link to \"/nonexistent\", which does not exist' '$TMP/out'"
ln -sf chrony.conf "$root/etc/chrony/chrony.conf"
"$BIN" --root "$root" -s ntp1.example.com --json >"$TMP/out" 2>/dev/null
rc=$?
check "looping link as chrony.conf: exit 1, the JSON errors say so" \
    sh -c "[ $rc -eq 1 ] && grep -q '\"errors\":\[\"[^]]*chrony.conf: cannot read: Too many levels of symbolic links' '$TMP/out'"
# A drop-in directory that cannot be read is reported, not skipped in silence (as nobody, on
# a copy nobody owns: root reads any directory).
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1; then
    root=$(fresh_root debian-12)
    chmod 0755 "$TMP"
    chown -R nobody "$root"
    chmod 000 "$root/etc/chrony/sources.d"
    setpriv --reuid nobody --regid nogroup --clear-groups \
        "$BIN" --root "$root" -s ntp1.example.com >"$TMP/out" 2>&1
    check "an unreadable drop-in directory is named" \
        grep -q 'etc/chrony/sources.d: cannot read the directory: Permission denied' "$TMP/out"
    # ntpd's and ntpsec's "includefile DIR/": the same
    root=$(fresh_root debian12-ntpsec)
    mkdir "$root/etc/ntpsec/ntp.d"
    printf 'server ntp9.example.com\n' > "$root/etc/ntpsec/ntp.d/extra.conf"
    printf 'includefile /etc/ntpsec/ntp.d/\n' >> "$root/etc/ntpsec/ntp.conf"
    chown -R nobody "$root"
    chmod 000 "$root/etc/ntpsec/ntp.d"
    setpriv --reuid nobody --regid nogroup --clear-groups \
        "$BIN" --root "$root" -i ntpsec -s ntp1.example.com --dhcp ignore >"$TMP/out" 2>&1
    check "an unreadable includefile directory is named" \
        grep -q 'etc/ntpsec/ntp.d/\?: cannot read the directory: Permission denied' "$TMP/out" ||
        sed 's/^/#   /' "$TMP/out"
    chmod 0700 "$TMP"
else
    skip_part "an unreadable drop-in directory: needs root, the user nobody and setpriv"
fi
# The journal names the implementation; it restores only that implementation's files.
root=$(fresh_root debian-12)
"$BIN" --root "$root" -s ntp1.example.com >/dev/null 2>&1
check "the journal names the implementation" \
    grep -qx 'implementation chrony' "$root/var/lib/te-ntp-setup/last/journal"
printf 'server old.example.com\n' > "$root/var/lib/te-ntp-setup/last/files/9.old"
cp "$root/etc/ntp.conf" "$root/var/lib/te-ntp-setup/last/files/9.new" 2>/dev/null ||
    { printf 'server new.example.com\n' > "$root/etc/ntp.conf"
      cp "$root/etc/ntp.conf" "$root/var/lib/te-ntp-setup/last/files/9.new"; }
chmod 0600 "$root/var/lib/te-ntp-setup/last/files/9."*
cp "$root/etc/ntp.conf" "$TMP/ntp.conf.before"
printf 'file 9 1 644 0 0 /etc/ntp.conf\n' >> "$root/var/lib/te-ntp-setup/last/journal"
"$BIN" rollback --root "$root" >"$TMP/out" 2>&1
rc=$?
check "a chrony journal naming /etc/ntp.conf: exit 3, ntp.conf untouched" \
    sh -c "[ $rc -eq 3 ] && cmp -s '$TMP/ntp.conf.before' '$root/etc/ntp.conf' &&
           grep -q 'not a file te-ntp-setup manages for chrony' '$TMP/out'"
# A link swapped in after the checks (here: while the daemon's parser runs): the write is
# resolved inside the image, so nothing lands outside it.
rm -rf "$TMP/outside2" && mkdir "$TMP/outside2"
root=$(fresh_root debian-12)
mkdir -p "$TMP/swapbin"
cat > "$TMP/swapbin/chronyd" <<SH
#!/bin/sh
rm -rf '$root/etc/chrony/sources.d'
ln -s '$TMP/outside2' '$root/etc/chrony/sources.d'
exit 0
SH
chmod +x "$TMP/swapbin/chronyd"
TE_NTP_SETUP_SBIN="$TMP/swapbin" "$BIN" --root "$root" -s ntp1.example.com >"$TMP/out" 2>&1
rc=$?
check "a link swapped in after the checks: nothing is written outside the image" \
    [ -z "$(ls -A "$TMP/outside2")" ]
check "a link swapped in after the checks: exit 1, chrony.conf as it was" \
    sh -c "[ $rc -eq 1 ] && cmp -s '$FIXTURES/debian-12/etc/chrony/chrony.conf' '$root/etc/chrony/chrony.conf'"
# The backup directory's parent swapped for a link out of the image while the run writes
# (the run stopped, by strace, at the journal's second fsync, after every check): the
# backups and the journal still go where they were checked to be, never outside.
if command -v strace >/dev/null 2>&1; then
    rm -rf "$TMP/outside3" && mkdir -p "$TMP/outside3/te-ntp-setup/current/files"
    chmod -R 0700 "$TMP/outside3"
    root=$(fresh_root debian-12)
    mkdir -p "$TMP/no-daemons"
    # (LeakSanitizer cannot run under ptrace: off in the ASan build)
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    TE_NTP_SETUP_SBIN="$TMP/no-daemons" strace -f -o /dev/null -e trace=fsync \
        -e inject=fsync:signal=SIGSTOP:when=2 \
        "$BIN" --root "$root" -s ntp1.example.com >"$TMP/out" 2>&1 &
    tracer=$!
    # stopped: in fsync (74 on x86_64, 82 on aarch64), with the journal's second line written.
    # Wait for that (a loaded machine may take long), never resume it before: a SIGCONT sent
    # before the stop is lost and the run would wait for ever.
    child= stopped=false
    for i in $(seq 1200); do
        child=${child:-$(pgrep -P $tracer | head -1)}
        [ -n "$child" ] && grep -q '^implementation' "$root/var/lib/te-ntp-setup/current/journal" 2>/dev/null &&
            grep -q 'State:.*t' /proc/$child/status 2>/dev/null &&
            grep -Eq '^(74|82) ' /proc/$child/syscall 2>/dev/null && { stopped=true; break; }
        kill -0 $tracer 2>/dev/null || break
        sleep 0.1
    done
    if $stopped; then
        mv "$root/var/lib" "$root/var/lib.moved"
        ln -s "$TMP/outside3" "$root/var/lib"
        kill -CONT "$child" 2>/dev/null
        wait $tracer
        rc=$?
    else
        kill -9 $tracer $child 2>/dev/null
        wait $tracer
        rc=-1
        echo "# the run did not stop at the journal's second fsync within 120 s:"
        sed 's/^/#   /' "$TMP/out"
    fi
    check "the backup directory swapped for a link out during the run: nothing written outside" \
        sh -c "$stopped && [ -z \"\$(find '$TMP/outside3' -type f)\" ]" ||
        { ls -lR "$TMP/outside3" | sed 's/^/#   /'; sed 's/^/#   /' "$TMP/out"; }
    check "the backup directory swapped during the run: the journal is where it was checked" \
        sh -c "[ $rc -eq 0 ] && grep -q ' /etc/chrony/chrony.conf\$' '$root/var/lib.moved/te-ntp-setup/last/journal'"
fi
# A backup directory that another user owns: no backup is kept there, nothing is written.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
    root=$(fresh_root debian-12)
    mkdir -p "$root/var/lib/te-ntp-setup"
    chown nobody "$root/var/lib/te-ntp-setup"
    "$BIN" --root "$root" -s ntp1.example.com >"$TMP/out" 2>&1
    rc=$?
    check "a backup directory owned by another user: exit 1, named, nothing written" \
        sh -c "[ $rc -eq 1 ] && grep -q 'var/lib/te-ntp-setup: not trusted: owned by another user' '$TMP/out' &&
               cmp -s '$FIXTURES/debian-12/etc/chrony/chrony.conf' '$root/etc/chrony/chrony.conf' &&
               [ -z \"\$(ls -A '$root/var/lib/te-ntp-setup')\" ]"
else
    skip_part "a backup directory owned by another user: needs root and the user nobody"
fi
finish
