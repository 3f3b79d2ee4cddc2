(* SPDX-License-Identifier: Apache-2.0 *)
module Test_tentp_chrony =

let conf = "# Welcome to the chrony configuration file.
! legacy comment
; another
% and another

pool 2.debian.pool.ntp.org iburst
server ntp1.example.com iburst minpoll 4 maxpoll 8 prefer
  server 2001:db8::123 iburst
peer 192.0.2.10 key 5
sourcedir /run/chrony-dhcp
keyfile /etc/chrony/chrony.keys
makestep 1 3
rtcsync
refclock SHM 0 refid GPS precision 1e-1 offset 0.9999 delay 0.2
log measurements statistics tracking
leapseclist /usr/share/zoneinfo/leap-seconds.list
"

test Tentp_chrony.lns get conf =
  { "#comment" = "Welcome to the chrony configuration file." }
  { "#comment" = "legacy comment" }
  { "#comment" = "another" }
  { "#comment" = "and another" }
  { }
  { "pool" = "2.debian.pool.ntp.org" { "iburst" } }
  { "server" = "ntp1.example.com" { "iburst" } { "minpoll" = "4" }
      { "maxpoll" = "8" } { "prefer" } }
  { "server" = "2001:db8::123" { "iburst" } }
  { "peer" = "192.0.2.10" { "key" = "5" } }
  { "sourcedir" = "/run/chrony-dhcp" }
  { "keyfile" = "/etc/chrony/chrony.keys" }
  { "makestep" = "1 3" }
  { "rtcsync" }
  { "refclock" = "SHM 0 refid GPS precision 1e-1 offset 0.9999 delay 0.2" }
  { "log" = "measurements statistics tracking" }
  { "leapseclist" = "/usr/share/zoneinfo/leap-seconds.list" }

(* Trailing blanks and an unknown future flag round-trip. *)
test Tentp_chrony.lns get "server a.example.org iburst futureflag  \n" =
  { "server" = "a.example.org" { "iburst" } { "futureflag" } }

(* Build a source line from nothing. *)
test Tentp_chrony.lns put "" after
  set "server" "ntp1.example.com";
  set "server/iburst" "";
  clear "server/iburst";
  set "server/minpoll" "6"
  = "server ntp1.example.com iburst minpoll 6\n"

(* Replace a pool by a commented note and a new server, keep the rest. *)
test Tentp_chrony.lns put "pool 2.debian.pool.ntp.org iburst\nrtcsync\n" after
  insb "#comment" "pool";
  set "#comment" "te-ntp-setup: pool 2.debian.pool.ntp.org iburst";
  rm "pool"
  = "# te-ntp-setup: pool 2.debian.pool.ntp.org iburst\nrtcsync\n"

(* The serve block te-ntp-setup builds from nothing (--serve, --local-stratum). *)
test Tentp_chrony.lns put "" after
  set "#comment" "te-ntp-setup (serve) begin";
  set "allow[1]" "192.0.2.0/24";
  set "allow[2]" "2001:db8::/64";
  set "local" "stratum 10 orphan";
  set "#comment[2]" "te-ntp-setup (serve) end"
  = "# te-ntp-setup (serve) begin\nallow 192.0.2.0/24\nallow 2001:db8::/64\nlocal stratum 10 orphan\n# te-ntp-setup (serve) end\n"

(* A source without its host is not chrony. *)
test Tentp_chrony.lns get "server\n" = *
test Tentp_chrony.lns get "server  \n" = *

(* CRLF line ends, as chronyd reads them: the same tree as with LF. *)
test Tentp_chrony.lns get "server a.example iburst\r\n# c\r\n\r\nmakestep 1 3\r\n" =
  { "server" = "a.example" { "iburst" } }
  { "#comment" = "c" }
  { }
  { "makestep" = "1 3" }

(* An existing CRLF line keeps its line end; a new line gets LF (te-ntp-setup
   writes CRLF in a CRLF file itself). *)
test Tentp_chrony.lns put "server a.example\r\n" after
  set "makestep" "1 3"
  = "server a.example\r\nmakestep 1 3\n"

(* No final line end: the lens wants one (te-ntp-setup adds it before parsing and
   leaves the file without it). *)
test Tentp_chrony.lns get "server a iburst\nmakestep 1 3" = *
test Tentp_chrony.lns get "server a iburst\nmakestep 1 3\n" =
  { "server" = "a" { "iburst" } }
  { "makestep" = "1 3" }

(* Upper case, parsed as written: generic directives (te-ntp-setup lower-cases the
   keywords of the text it hands Augeas, as chronyd reads them without case). *)
test Tentp_chrony.lns get "SERVER a.example IBURST\nMAKESTEP 1.0 3\n" =
  { "SERVER" = "a.example IBURST" }
  { "MAKESTEP" = "1.0 3" }
test Tentp_chrony.lns get "server a.example IBURST KEY 5\n" =
  { "server" = "a.example" { "IBURST" } { "KEY" } { "5" } }
