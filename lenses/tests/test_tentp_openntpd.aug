(* SPDX-License-Identifier: Apache-2.0 *)
(*
Module: Test_tentp_openntpd
  Tests for lenses/tentp_openntpd.aug.
  Run: augparse -I lenses lenses/tests/test_tentp_openntpd.aug

  The default configuration is the verbatim stock file from Debian 12's
  openntpd 6.2p3 package, also kept as tests/fixtures/debian12-openntpd.
*)
module Test_tentp_openntpd =

let lns = Tentp_openntpd.lns

(************************************************************************
 * Group: Debian 12 default (tests/fixtures/debian12-openntpd)
 ************************************************************************)

let conf_debian12 = "# $OpenBSD: ntpd.conf,v 1.14 2015/07/15 20:28:37 ajacoutot Exp $
# sample ntpd configuration file, see ntpd.conf(5)

# Addresses to listen on (ntpd does not listen by default)
#listen on *
#listen on 127.0.0.1
#listen on ::1

# sync to a single server
#server ntp.example.org

# use a random selection of NTP Pool Time Servers
# see http://support.ntp.org/bin/view/Servers/NTPPoolServers
#servers pool.ntp.org

# Choose servers announced from Debian NTP Pool
servers 0.debian.pool.ntp.org
servers 1.debian.pool.ntp.org
servers 2.debian.pool.ntp.org
servers 3.debian.pool.ntp.org

# use a specific local timedelta sensor (radio clock, etc)
#sensor nmea0

# use all detected timedelta sensors
#sensor *
"

test lns get conf_debian12 =
  { "#comment" = "$OpenBSD: ntpd.conf,v 1.14 2015/07/15 20:28:37 ajacoutot Exp $" }
  { "#comment" = "sample ntpd configuration file, see ntpd.conf(5)" }
  {  }
  { "#comment" = "Addresses to listen on (ntpd does not listen by default)" }
  { "#comment" = "listen on *" }
  { "#comment" = "listen on 127.0.0.1" }
  { "#comment" = "listen on ::1" }
  {  }
  { "#comment" = "sync to a single server" }
  { "#comment" = "server ntp.example.org" }
  {  }
  { "#comment" = "use a random selection of NTP Pool Time Servers" }
  { "#comment" = "see http://support.ntp.org/bin/view/Servers/NTPPoolServers" }
  { "#comment" = "servers pool.ntp.org" }
  {  }
  { "#comment" = "Choose servers announced from Debian NTP Pool" }
  { "servers" = "0.debian.pool.ntp.org" }
  { "servers" = "1.debian.pool.ntp.org" }
  { "servers" = "2.debian.pool.ntp.org" }
  { "servers" = "3.debian.pool.ntp.org" }
  {  }
  { "#comment" = "use a specific local timedelta sensor (radio clock, etc)" }
  { "#comment" = "sensor nmea0" }
  {  }
  { "#comment" = "use all detected timedelta sensors" }
  { "#comment" = "sensor *" }

(************************************************************************
 * Group: Syntax
 ************************************************************************)

test lns get "server 192.0.2.1 trusted weight 5 rtable 0 # lab\nservers pool.ntp.org weight 2\n" =
  { "server" = "192.0.2.1"
    { "trusted" }
    { "weight" = "5" }
    { "rtable" = "0" }
    { "#comment" = "lab" } }
  { "servers" = "pool.ntp.org"
    { "weight" = "2" } }

test lns get "sensor nmea0 correction 70000 refid GPS stratum 2 trusted\nsensor *\n" =
  { "sensor" = "nmea0"
    { "correction" = "70000" }
    { "refid" = "GPS" }
    { "stratum" = "2" }
    { "trusted" } }
  { "sensor" = "*" }

test lns get "listen on *\nlisten on 127.0.0.1 rtable 4\nquery from 2001:db8::1\n" =
  { "listen" = "*" }
  { "listen" = "127.0.0.1"
    { "rtable" = "4" } }
  { "query" = "2001:db8::1" }

(* Constraint URLs are always quoted; the quotes are not in the value. *)
test lns get "constraint from \"9.9.9.9\" \"2620:fe::fe\"\nconstraints from \"https://www.google.com/search?q=openntpd\"\n" =
  { "constraint" = "9.9.9.9"
    { "ip" = "\"2620:fe::fe\"" } }
  { "constraints" = "https://www.google.com/search?q=openntpd" }

(* Quoted tokens are kept raw; '#' inside quotes is not a comment. *)
test lns get "server \"ntp#1.example\" # real comment\n" =
  { "server" = "\"ntp#1.example\""
    { "#comment" = "real comment" } }

(* Macros and anything else: generic nodes with the raw rest. *)
test lns get "corp = \"ntp.corp.example\"\nserver $corp\n" =
  { "corp" = "= \"ntp.corp.example\"" }
  { "server" = "$corp" }

(* Indentation and blanks are kept. *)
test lns put "  servers\tpool.ntp.org   weight 1\n" after
  set "/servers/weight" "3" =
  "  servers\tpool.ntp.org   weight 3\n"

(************************************************************************
 * Group: Edits the backend makes
 ************************************************************************)

(* Replace the Debian pool entries with two servers. *)
test lns put "# Choose servers announced from Debian NTP Pool
servers 0.debian.pool.ntp.org
servers 1.debian.pool.ntp.org

#sensor *
" after
  rm "/servers" ;
  insa "server" "/#comment[1]" ;
  set "/server[1]" "ntp1.corp.example" ;
  insa "server" "/server[1]" ;
  set "/server[2]" "ntp2.corp.example" ;
  set "/server[2]/weight" "2" =
"# Choose servers announced from Debian NTP Pool
server ntp1.corp.example
server ntp2.corp.example weight 2

#sensor *
"

(* Add to an empty file. *)
test lns put "" after
  set "/servers" "pool.ntp.org" ;
  clear "/servers/trusted" ;
  set "/constraint" "https://www.example.com/" =
  "servers pool.ntp.org trusted\nconstraint from \"https://www.example.com/\"\n"

(* The serve line te-ntp-setup builds from nothing (--serve). *)
test lns put "" after
  set "/listen" "*" =
  "listen on *\n"

(* Remove one source. *)
test lns put "server a.example\nserver b.example # b\nserver c.example # c\n" after
  rm "/server[.='b.example']" =
  "server a.example\nserver c.example # c\n"

(************************************************************************
 * Group: Invalid lines (ntpd rejects them too)
 ************************************************************************)

test lns get "server\n" = *
test lns get "listen 127.0.0.1\n" = *
test lns get "query 192.0.2.1\n" = *
test lns get "constraint from https\n" = *
test lns get "server \"unterminated\n" = *

(* No final newline: the caller appends one before parsing (see
   lenses/README.md). *)
test lns get "servers pool.ntp.org" = *

(* CRLF: OpenNTPD's lexer takes \r for a character, not a blank, and rejects the line
   ("syntax error"); the lens keeps it in the token the same way. te-ntp-setup hands
   Augeas LF line ends, and the daemon's own check (openntpd -n) refuses such a file. *)
test Tentp_openntpd.lns get "server a.example\r\n" = { "server" = "a.example\r" }

(* No final line end: OpenNTPD rejects it ("syntax error"), and so does the lens. *)
test Tentp_openntpd.lns get "server a.example" = *

(* Upper case: OpenNTPD's keyword lookup is a bsearch with strcmp: SERVER is no keyword
   (a syntax error there); the lens reads it as a generic line. *)
test Tentp_openntpd.lns get "SERVER a.example\n" = { "SERVER" = "a.example" }
