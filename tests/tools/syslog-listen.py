# syslog-listen.py SOCKET OUTPUT STOPFILE: a stand-in syslog daemon for the tests that read
# the audit log (tests/cli/audit-log.sh, tests/live/audit-syslog.sh). Binds a datagram socket
# at SOCKET (the tests' own /dev/log, in a private mount namespace) and writes each datagram
# received as a line of OUTPUT, until STOPFILE exists (or 60 s have passed).
import os, socket, sys, time
sock, out, stop = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock)
s.settimeout(0.1)
deadline = time.time() + 60
with open(out, "w") as f:
    while time.time() < deadline:
        try:
            f.write(s.recv(65536).decode("utf-8", "replace").rstrip("\0\n") + "\n")
            f.flush()
        except socket.timeout:
            if os.path.exists(stop):
                break
