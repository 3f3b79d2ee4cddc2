(* SPDX-License-Identifier: Apache-2.0 *)
(*
Module: Test_tentp_ntp
  Tests for lenses/tentp_ntp.aug.
  Run: augparse -I lenses lenses/tests/test_tentp_ntp.aug

  The default configurations are the verbatim stock files also kept as
  fixtures under tests/fixtures/ (Debian 12 ntpsec, CentOS 7 ntp,
  Ubuntu 20.04 ntp), plus the hand-edited fixture.
*)
module Test_tentp_ntp =

let lns = Tentp_ntp.lns

(************************************************************************
 * Group: Debian 12 ntpsec default (tests/fixtures/debian12-ntpsec)
 ************************************************************************)

let conf_debian12 = "# /etc/ntpsec/ntp.conf, configuration for ntpd; see ntp.conf(5) for help

driftfile /var/lib/ntpsec/ntp.drift
leapfile /usr/share/zoneinfo/leap-seconds.list

# To enable Network Time Security support as a server, obtain a certificate
# (e.g. with Let's Encrypt), configure the paths below, and uncomment:
# nts cert CERT_FILE
# nts key KEY_FILE
# nts enable

# You must create /var/log/ntpsec (owned by ntpsec:ntpsec) to enable logging.
#statsdir /var/log/ntpsec/
#statistics loopstats peerstats clockstats
#filegen loopstats file loopstats type day enable
#filegen peerstats file peerstats type day enable
#filegen clockstats file clockstats type day enable

# This should be maxclock 7, but the pool entries count towards maxclock.
tos maxclock 11

# Comment this out if you have a refclock and want it to be able to discipline
# the clock by itself (e.g. if the system is not connected to the network).
tos minclock 4 minsane 3

# Specify one or more NTP servers.

# Public NTP servers supporting Network Time Security:
# server time.cloudflare.com nts

# pool.ntp.org maps to about 1000 low-stratum NTP servers.  Your server will
# pick a different set every time it starts up.  Please consider joining the
# pool: <https://www.pool.ntp.org/join.html>
pool 0.debian.pool.ntp.org iburst
pool 1.debian.pool.ntp.org iburst
pool 2.debian.pool.ntp.org iburst
pool 3.debian.pool.ntp.org iburst

# Access control configuration; see /usr/share/doc/ntpsec-doc/html/accopt.html
# for details.
#
# Note that \"restrict\" applies to both servers and clients, so a configuration
# that might be intended to block requests from certain clients could also end
# up blocking replies from your own upstream servers.

# By default, exchange time with everybody, but don't allow configuration.
restrict default kod nomodify nopeer noquery limited

# Local users may interrogate the ntp server more closely.
restrict 127.0.0.1
restrict ::1
"

test lns get conf_debian12 =
  { "#comment" = "/etc/ntpsec/ntp.conf, configuration for ntpd; see ntp.conf(5) for help" }
  {  }
  { "driftfile" = "/var/lib/ntpsec/ntp.drift" }
  { "leapfile" = "/usr/share/zoneinfo/leap-seconds.list" }
  {  }
  { "#comment" = "To enable Network Time Security support as a server, obtain a certificate" }
  { "#comment" = "(e.g. with Let's Encrypt), configure the paths below, and uncomment:" }
  { "#comment" = "nts cert CERT_FILE" }
  { "#comment" = "nts key KEY_FILE" }
  { "#comment" = "nts enable" }
  {  }
  { "#comment" = "You must create /var/log/ntpsec (owned by ntpsec:ntpsec) to enable logging." }
  { "#comment" = "statsdir /var/log/ntpsec/" }
  { "#comment" = "statistics loopstats peerstats clockstats" }
  { "#comment" = "filegen loopstats file loopstats type day enable" }
  { "#comment" = "filegen peerstats file peerstats type day enable" }
  { "#comment" = "filegen clockstats file clockstats type day enable" }
  {  }
  { "#comment" = "This should be maxclock 7, but the pool entries count towards maxclock." }
  { "tos"
    { "maxclock" = "11" }
  }
  {  }
  { "#comment" = "Comment this out if you have a refclock and want it to be able to discipline" }
  { "#comment" = "the clock by itself (e.g. if the system is not connected to the network)." }
  { "tos"
    { "minclock" = "4" }
    { "minsane" = "3" }
  }
  {  }
  { "#comment" = "Specify one or more NTP servers." }
  {  }
  { "#comment" = "Public NTP servers supporting Network Time Security:" }
  { "#comment" = "server time.cloudflare.com nts" }
  {  }
  { "#comment" = "pool.ntp.org maps to about 1000 low-stratum NTP servers.  Your server will" }
  { "#comment" = "pick a different set every time it starts up.  Please consider joining the" }
  { "#comment" = "pool: <https://www.pool.ntp.org/join.html>" }
  { "pool" = "0.debian.pool.ntp.org"
    { "iburst" }
  }
  { "pool" = "1.debian.pool.ntp.org"
    { "iburst" }
  }
  { "pool" = "2.debian.pool.ntp.org"
    { "iburst" }
  }
  { "pool" = "3.debian.pool.ntp.org"
    { "iburst" }
  }
  {  }
  { "#comment" = "Access control configuration; see /usr/share/doc/ntpsec-doc/html/accopt.html" }
  { "#comment" = "for details." }
  {  }
  { "#comment" = "Note that \"restrict\" applies to both servers and clients, so a configuration" }
  { "#comment" = "that might be intended to block requests from certain clients could also end" }
  { "#comment" = "up blocking replies from your own upstream servers." }
  {  }
  { "#comment" = "By default, exchange time with everybody, but don't allow configuration." }
  { "restrict" = "default"
    { "kod" }
    { "nomodify" }
    { "nopeer" }
    { "noquery" }
    { "limited" }
  }
  {  }
  { "#comment" = "Local users may interrogate the ntp server more closely." }
  { "restrict" = "127.0.0.1" }
  { "restrict" = "::1" }

(************************************************************************
 * Group: CentOS 7 ntp default (tests/fixtures/centos7-ntp)
 ************************************************************************)

let conf_centos7 = "# For more information about this file, see the man pages
# ntp.conf(5), ntp_acc(5), ntp_auth(5), ntp_clock(5), ntp_misc(5), ntp_mon(5).

driftfile /var/lib/ntp/drift

# Permit time synchronization with our time source, but do not
# permit the source to query or modify the service on this system.
restrict default nomodify notrap nopeer noquery

# Permit all access over the loopback interface.  This could
# be tightened as well, but to do so would effect some of
# the administrative functions.
restrict 127.0.0.1 
restrict ::1

# Hosts on local network are less restricted.
#restrict 192.168.1.0 mask 255.255.255.0 nomodify notrap

# Use public servers from the pool.ntp.org project.
# Please consider joining the pool (http://www.pool.ntp.org/join.html).
server 0.centos.pool.ntp.org iburst
server 1.centos.pool.ntp.org iburst
server 2.centos.pool.ntp.org iburst
server 3.centos.pool.ntp.org iburst

#broadcast 192.168.1.255 autokey\t# broadcast server
#broadcastclient\t\t\t# broadcast client
#broadcast 224.0.1.1 autokey\t\t# multicast server
#multicastclient 224.0.1.1\t\t# multicast client
#manycastserver 239.255.254.254\t\t# manycast server
#manycastclient 239.255.254.254 autokey # manycast client

# Enable public key cryptography.
#crypto

includefile /etc/ntp/crypto/pw

# Key file containing the keys and key identifiers used when operating
# with symmetric key cryptography. 
keys /etc/ntp/keys

# Specify the key identifiers which are trusted.
#trustedkey 4 8 42

# Specify the key identifier to use with the ntpdc utility.
#requestkey 8

# Specify the key identifier to use with the ntpq utility.
#controlkey 8

# Enable writing of statistics records.
#statistics clockstats cryptostats loopstats peerstats

# Disable the monitoring facility to prevent amplification attacks using ntpdc
# monlist command when default restrict does not include the noquery flag. See
# CVE-2013-5211 for more details.
# Note: Monitoring will not be disabled with the limited restriction flag.
disable monitor
"

test lns get conf_centos7 =
  { "#comment" = "For more information about this file, see the man pages" }
  { "#comment" = "ntp.conf(5), ntp_acc(5), ntp_auth(5), ntp_clock(5), ntp_misc(5), ntp_mon(5)." }
  {  }
  { "driftfile" = "/var/lib/ntp/drift" }
  {  }
  { "#comment" = "Permit time synchronization with our time source, but do not" }
  { "#comment" = "permit the source to query or modify the service on this system." }
  { "restrict" = "default"
    { "nomodify" }
    { "notrap" }
    { "nopeer" }
    { "noquery" }
  }
  {  }
  { "#comment" = "Permit all access over the loopback interface.  This could" }
  { "#comment" = "be tightened as well, but to do so would effect some of" }
  { "#comment" = "the administrative functions." }
  { "restrict" = "127.0.0.1" }
  { "restrict" = "::1" }
  {  }
  { "#comment" = "Hosts on local network are less restricted." }
  { "#comment" = "restrict 192.168.1.0 mask 255.255.255.0 nomodify notrap" }
  {  }
  { "#comment" = "Use public servers from the pool.ntp.org project." }
  { "#comment" = "Please consider joining the pool (http://www.pool.ntp.org/join.html)." }
  { "server" = "0.centos.pool.ntp.org"
    { "iburst" }
  }
  { "server" = "1.centos.pool.ntp.org"
    { "iburst" }
  }
  { "server" = "2.centos.pool.ntp.org"
    { "iburst" }
  }
  { "server" = "3.centos.pool.ntp.org"
    { "iburst" }
  }
  {  }
  { "#comment" = "broadcast 192.168.1.255 autokey\t# broadcast server" }
  { "#comment" = "broadcastclient\t\t\t# broadcast client" }
  { "#comment" = "broadcast 224.0.1.1 autokey\t\t# multicast server" }
  { "#comment" = "multicastclient 224.0.1.1\t\t# multicast client" }
  { "#comment" = "manycastserver 239.255.254.254\t\t# manycast server" }
  { "#comment" = "manycastclient 239.255.254.254 autokey # manycast client" }
  {  }
  { "#comment" = "Enable public key cryptography." }
  { "#comment" = "crypto" }
  {  }
  { "includefile" = "/etc/ntp/crypto/pw" }
  {  }
  { "#comment" = "Key file containing the keys and key identifiers used when operating" }
  { "#comment" = "with symmetric key cryptography." }
  { "keys" = "/etc/ntp/keys" }
  {  }
  { "#comment" = "Specify the key identifiers which are trusted." }
  { "#comment" = "trustedkey 4 8 42" }
  {  }
  { "#comment" = "Specify the key identifier to use with the ntpdc utility." }
  { "#comment" = "requestkey 8" }
  {  }
  { "#comment" = "Specify the key identifier to use with the ntpq utility." }
  { "#comment" = "controlkey 8" }
  {  }
  { "#comment" = "Enable writing of statistics records." }
  { "#comment" = "statistics clockstats cryptostats loopstats peerstats" }
  {  }
  { "#comment" = "Disable the monitoring facility to prevent amplification attacks using ntpdc" }
  { "#comment" = "monlist command when default restrict does not include the noquery flag. See" }
  { "#comment" = "CVE-2013-5211 for more details." }
  { "#comment" = "Note: Monitoring will not be disabled with the limited restriction flag." }
  { "disable" = "monitor" }

(************************************************************************
 * Group: Ubuntu 20.04 ntp default (tests/fixtures/ubuntu2004-ntp)
 ************************************************************************)

let conf_ubuntu2004 = "# /etc/ntp.conf, configuration for ntpd; see ntp.conf(5) for help

driftfile /var/lib/ntp/ntp.drift

# Leap seconds definition provided by tzdata
leapfile /usr/share/zoneinfo/leap-seconds.list

# Enable this if you want statistics to be logged.
#statsdir /var/log/ntpstats/

statistics loopstats peerstats clockstats
filegen loopstats file loopstats type day enable
filegen peerstats file peerstats type day enable
filegen clockstats file clockstats type day enable

# Specify one or more NTP servers.

# Use servers from the NTP Pool Project. Approved by Ubuntu Technical Board
# on 2011-02-08 (LP: #104525). See http://www.pool.ntp.org/join.html for
# more information.
pool 0.ubuntu.pool.ntp.org iburst
pool 1.ubuntu.pool.ntp.org iburst
pool 2.ubuntu.pool.ntp.org iburst
pool 3.ubuntu.pool.ntp.org iburst

# Use Ubuntu's ntp server as a fallback.
pool ntp.ubuntu.com

# Access control configuration; see /usr/share/doc/ntp-doc/html/accopt.html for
# details.  The web page <http://support.ntp.org/bin/view/Support/AccessRestrictions>
# might also be helpful.
#
# Note that \"restrict\" applies to both servers and clients, so a configuration
# that might be intended to block requests from certain clients could also end
# up blocking replies from your own upstream servers.

# By default, exchange time with everybody, but don't allow configuration.
restrict -4 default kod notrap nomodify nopeer noquery limited
restrict -6 default kod notrap nomodify nopeer noquery limited

# Local users may interrogate the ntp server more closely.
restrict 127.0.0.1
restrict ::1

# Needed for adding pool entries
restrict source notrap nomodify noquery

# Clients from this (example!) subnet have unlimited access, but only if
# cryptographically authenticated.
#restrict 192.168.123.0 mask 255.255.255.0 notrust


# If you want to provide time to your local subnet, change the next line.
# (Again, the address is an example only.)
#broadcast 192.168.123.255

# If you want to listen to time broadcasts on your local subnet, de-comment the
# next lines.  Please do this only if you trust everybody on the network!
#disable auth
#broadcastclient

#Changes recquired to use pps synchonisation as explained in documentation:
#http://www.ntp.org/ntpfaq/NTP-s-config-adv.htm#AEN3918

#server 127.127.8.1 mode 135 prefer    # Meinberg GPS167 with PPS
#fudge 127.127.8.1 time1 0.0042        # relative to PPS for my hardware

#server 127.127.22.1                   # ATOM(PPS)
#fudge 127.127.22.1 flag3 1            # enable PPS API
"

test lns get conf_ubuntu2004 =
  { "#comment" = "/etc/ntp.conf, configuration for ntpd; see ntp.conf(5) for help" }
  {  }
  { "driftfile" = "/var/lib/ntp/ntp.drift" }
  {  }
  { "#comment" = "Leap seconds definition provided by tzdata" }
  { "leapfile" = "/usr/share/zoneinfo/leap-seconds.list" }
  {  }
  { "#comment" = "Enable this if you want statistics to be logged." }
  { "#comment" = "statsdir /var/log/ntpstats/" }
  {  }
  { "statistics" = "loopstats peerstats clockstats" }
  { "filegen" = "loopstats file loopstats type day enable" }
  { "filegen" = "peerstats file peerstats type day enable" }
  { "filegen" = "clockstats file clockstats type day enable" }
  {  }
  { "#comment" = "Specify one or more NTP servers." }
  {  }
  { "#comment" = "Use servers from the NTP Pool Project. Approved by Ubuntu Technical Board" }
  { "#comment" = "on 2011-02-08 (LP: #104525). See http://www.pool.ntp.org/join.html for" }
  { "#comment" = "more information." }
  { "pool" = "0.ubuntu.pool.ntp.org"
    { "iburst" }
  }
  { "pool" = "1.ubuntu.pool.ntp.org"
    { "iburst" }
  }
  { "pool" = "2.ubuntu.pool.ntp.org"
    { "iburst" }
  }
  { "pool" = "3.ubuntu.pool.ntp.org"
    { "iburst" }
  }
  {  }
  { "#comment" = "Use Ubuntu's ntp server as a fallback." }
  { "pool" = "ntp.ubuntu.com" }
  {  }
  { "#comment" = "Access control configuration; see /usr/share/doc/ntp-doc/html/accopt.html for" }
  { "#comment" = "details.  The web page <http://support.ntp.org/bin/view/Support/AccessRestrictions>" }
  { "#comment" = "might also be helpful." }
  {  }
  { "#comment" = "Note that \"restrict\" applies to both servers and clients, so a configuration" }
  { "#comment" = "that might be intended to block requests from certain clients could also end" }
  { "#comment" = "up blocking replies from your own upstream servers." }
  {  }
  { "#comment" = "By default, exchange time with everybody, but don't allow configuration." }
  { "restrict" = "default"
    { "ipv4" }
    { "kod" }
    { "notrap" }
    { "nomodify" }
    { "nopeer" }
    { "noquery" }
    { "limited" }
  }
  { "restrict" = "default"
    { "ipv6" }
    { "kod" }
    { "notrap" }
    { "nomodify" }
    { "nopeer" }
    { "noquery" }
    { "limited" }
  }
  {  }
  { "#comment" = "Local users may interrogate the ntp server more closely." }
  { "restrict" = "127.0.0.1" }
  { "restrict" = "::1" }
  {  }
  { "#comment" = "Needed for adding pool entries" }
  { "restrict" = "source"
    { "notrap" }
    { "nomodify" }
    { "noquery" }
  }
  {  }
  { "#comment" = "Clients from this (example!) subnet have unlimited access, but only if" }
  { "#comment" = "cryptographically authenticated." }
  { "#comment" = "restrict 192.168.123.0 mask 255.255.255.0 notrust" }
  {  }
  {  }
  { "#comment" = "If you want to provide time to your local subnet, change the next line." }
  { "#comment" = "(Again, the address is an example only.)" }
  { "#comment" = "broadcast 192.168.123.255" }
  {  }
  { "#comment" = "If you want to listen to time broadcasts on your local subnet, de-comment the" }
  { "#comment" = "next lines.  Please do this only if you trust everybody on the network!" }
  { "#comment" = "disable auth" }
  { "#comment" = "broadcastclient" }
  {  }
  { "#comment" = "Changes recquired to use pps synchonisation as explained in documentation:" }
  { "#comment" = "http://www.ntp.org/ntpfaq/NTP-s-config-adv.htm#AEN3918" }
  {  }
  { "#comment" = "server 127.127.8.1 mode 135 prefer    # Meinberg GPS167 with PPS" }
  { "#comment" = "fudge 127.127.8.1 time1 0.0042        # relative to PPS for my hardware" }
  {  }
  { "#comment" = "server 127.127.22.1                   # ATOM(PPS)" }
  { "#comment" = "fudge 127.127.22.1 flag3 1            # enable PPS API" }

(************************************************************************
 * Group: Hand-edited file (tests/fixtures/hand-edited-ntp)
 ************************************************************************)

let conf_hand = "# /etc/ntp.conf - maintained by hand on build-host-07 (ticket OPS-1412)
#
# Do not let ntpd give up when the clock is far off at boot.
tinker panic 0

driftfile /var/lib/ntp/ntp.drift
leapfile /usr/share/zoneinfo/leap-seconds.list
logfile /var/log/ntp.log
statsdir /var/log/ntpstats/
statistics loopstats peerstats
filegen loopstats file loopstats type day enable
filegen peerstats file peerstats type day enable

# Site servers first; the pool is only a fallback.
server -4 ntp1.corp.example iburst prefer   # primary, IPv4 only
server -6 ntp2.corp.example iburst minpoll 4 maxpoll 10
\tserver 192.0.2.10 key 5 iburst
  peer 198.51.100.7 minpoll 6 # lab peer
pool 0.pool.ntp.org iburst
pool --ipv6 2.pool.ntp.org iburst preempt

# NTS (ntpsec)
server time.cloudflare.com nts
server nts.netnod.se nts iburst
server ntske.example.net nts noval ca /etc/ssl/certs/corp-ca.pem aead AES_SIV_CMAC_256
nts enable
nts cert /etc/ntpsec/cert.pem
nts key /etc/ntpsec/key.pem

# Local clock as a last resort
server 127.127.1.0
fudge  127.127.1.0 stratum 10
refclock shm unit 0 refid GPS minpoll 4 prefer

tos minclock 4 minsane 3
tos orphan 10

interface listen eth0
interface ignore wildcard

restrict -4 default kod limited nomodify notrap nopeer noquery
restrict -6 default kod limited nomodify notrap nopeer noquery
restrict source nomodify notrap noquery
restrict 127.0.0.1
restrict ::1
restrict 192.0.2.0 mask 255.255.255.0 nomodify notrap
restrict 2001:db8:: mask ffff:ffff:: nomodify\t# v6 lab

includefile /etc/ntp/crypto/pw
keys /etc/ntp/keys
trustedkey 5
disable monitor
"

test lns get conf_hand =
  { "#comment" = "/etc/ntp.conf - maintained by hand on build-host-07 (ticket OPS-1412)" }
  {  }
  { "#comment" = "Do not let ntpd give up when the clock is far off at boot." }
  { "tinker"
    { "panic" = "0" }
  }
  {  }
  { "driftfile" = "/var/lib/ntp/ntp.drift" }
  { "leapfile" = "/usr/share/zoneinfo/leap-seconds.list" }
  { "logfile" = "/var/log/ntp.log" }
  { "statsdir" = "/var/log/ntpstats/" }
  { "statistics" = "loopstats peerstats" }
  { "filegen" = "loopstats file loopstats type day enable" }
  { "filegen" = "peerstats file peerstats type day enable" }
  {  }
  { "#comment" = "Site servers first; the pool is only a fallback." }
  { "server" = "ntp1.corp.example"
    { "ipv4" }
    { "iburst" }
    { "prefer" }
    { "#comment" = "primary, IPv4 only" }
  }
  { "server" = "ntp2.corp.example"
    { "ipv6" }
    { "iburst" }
    { "minpoll" = "4" }
    { "maxpoll" = "10" }
  }
  { "server" = "192.0.2.10"
    { "key" = "5" }
    { "iburst" }
  }
  { "peer" = "198.51.100.7"
    { "minpoll" = "6" }
    { "#comment" = "lab peer" }
  }
  { "pool" = "0.pool.ntp.org"
    { "iburst" }
  }
  { "pool" = "2.pool.ntp.org"
    { "ipv6" }
    { "iburst" }
    { "preempt" }
  }
  {  }
  { "#comment" = "NTS (ntpsec)" }
  { "server" = "time.cloudflare.com"
    { "nts" }
  }
  { "server" = "nts.netnod.se"
    { "nts" }
    { "iburst" }
  }
  { "server" = "ntske.example.net"
    { "nts" }
    { "noval" }
    { "ca" = "/etc/ssl/certs/corp-ca.pem" }
    { "aead" = "AES_SIV_CMAC_256" }
  }
  { "nts" = "enable" }
  { "nts" = "cert /etc/ntpsec/cert.pem" }
  { "nts" = "key /etc/ntpsec/key.pem" }
  {  }
  { "#comment" = "Local clock as a last resort" }
  { "server" = "127.127.1.0" }
  { "fudge" = "127.127.1.0"
    { "stratum" = "10" }
  }
  { "refclock" = "shm"
    { "unit" = "0" }
    { "refid" = "GPS" }
    { "minpoll" = "4" }
    { "prefer" }
  }
  {  }
  { "tos"
    { "minclock" = "4" }
    { "minsane" = "3" }
  }
  { "tos"
    { "orphan" = "10" }
  }
  {  }
  { "interface"
    { "action" = "listen" }
    { "address" = "eth0" }
  }
  { "interface"
    { "action" = "ignore" }
    { "address" = "wildcard" }
  }
  {  }
  { "restrict" = "default"
    { "ipv4" }
    { "kod" }
    { "limited" }
    { "nomodify" }
    { "notrap" }
    { "nopeer" }
    { "noquery" }
  }
  { "restrict" = "default"
    { "ipv6" }
    { "kod" }
    { "limited" }
    { "nomodify" }
    { "notrap" }
    { "nopeer" }
    { "noquery" }
  }
  { "restrict" = "source"
    { "nomodify" }
    { "notrap" }
    { "noquery" }
  }
  { "restrict" = "127.0.0.1" }
  { "restrict" = "::1" }
  { "restrict" = "192.0.2.0"
    { "mask" = "255.255.255.0" }
    { "nomodify" }
    { "notrap" }
  }
  { "restrict" = "2001:db8::"
    { "mask" = "ffff:ffff::" }
    { "nomodify" }
    { "#comment" = "v6 lab" }
  }
  {  }
  { "includefile" = "/etc/ntp/crypto/pw" }
  { "keys" = "/etc/ntp/keys" }
  { "trustedkey" = "5" }
  { "disable" = "monitor" }

(************************************************************************
 * Group: Single lines
 ************************************************************************)

(* -4/-6 before the host become value-less ipv4/ipv6 children. *)
test lns get "server -4 ntp1.example.org iburst\n" =
  { "server" = "ntp1.example.org"
    { "ipv4" }
    { "iburst" } }

test lns get "pool --ipv6 pool.example.org\n" =
  { "pool" = "pool.example.org"
    { "ipv6" } }

(* Options with a value, in file order; a trailing comment is the last
   child. *)
test lns get "server 192.0.2.1 key 5 minpoll 4 maxpoll 10 prefer # note\n" =
  { "server" = "192.0.2.1"
    { "key" = "5" }
    { "minpoll" = "4" }
    { "maxpoll" = "10" }
    { "prefer" }
    { "#comment" = "note" } }

(* ntpd ends a token at '#', so a comment may follow without a blank. *)
test lns get "server a.example#x\n" =
  { "server" = "a.example"
    { "#comment" = "x" } }

(* An empty trailing comment is dropped into the skeleton. *)
test lns get "server a.example iburst #  \n" =
  { "server" = "a.example"
    { "iburst" } }

(* ntpsec NTS client options. *)
test lns get "server nts.example.net nts ask ntske.example.net:4460 noval\n" =
  { "server" = "nts.example.net"
    { "nts" }
    { "ask" = "ntske.example.net:4460" }
    { "noval" } }

(* ntpsec reference clock. *)
test lns get "refclock nmea path /dev/gps0 baud 9600 flag1 1 time2 0.410\n" =
  { "refclock" = "nmea"
    { "path" = "/dev/gps0" }
    { "baud" = "9600" }
    { "flag1" = "1" }
    { "time2" = "0.410" } }

(* An unknown option still parses, as a flag. *)
test lns get "server a.example xleave someday\n" =
  { "server" = "a.example"
    { "xleave" }
    { "someday" } }

test lns get "restrict -6 ::1 mask ffff:: nomodify\nunrestrict default noquery\n" =
  { "restrict" = "::1"
    { "ipv6" }
    { "mask" = "ffff::" }
    { "nomodify" } }
  { "unrestrict" = "default"
    { "noquery" } }

test lns get "tinker panic 0 step 0\ntos\n" =
  { "tinker"
    { "panic" = "0" }
    { "step" = "0" } }
  { "tos" }

(* An odd trailing word in a name/value list is a value-less node. *)
test lns get "tos orphan 10 cohort\n" =
  { "tos"
    { "orphan" = "10" }
    { "cohort" } }

test lns get "fudge 127.127.1.0 stratum 10 refid LOCL\n" =
  { "fudge" = "127.127.1.0"
    { "stratum" = "10" }
    { "refid" = "LOCL" } }

test lns get "interface listen 192.0.2.0/24\ninterface ignore\n" =
  { "interface"
    { "action" = "listen" }
    { "address" = "192.0.2.0/24" } }
  { "interface"
    { "action" = "ignore" } }

(* Directives the lens does not model: raw rest of the line. *)
test lns get "logconfig =syncall +clockall\nbroadcastclient\nnts cert /etc/a.pem # cert\n" =
  { "logconfig" = "=syncall +clockall" }
  { "broadcastclient" }
  { "nts" = "cert /etc/a.pem"
    { "#comment" = "cert" } }

(* Indentation and blanks are kept. *)
test lns put "  server  a.example\tiburst  \n" after
  set "/server" "b.example" =
  "  server  b.example\tiburst  \n"

(************************************************************************
 * Group: Edits the backends make
 ************************************************************************)

(* Replace the sources: drop the pools, add two servers after the last
   restrict, as te-ntp-setup does in replace mode. *)
test lns put "pool 0.debian.pool.ntp.org iburst
pool 1.debian.pool.ntp.org iburst
restrict default kod nomodify nopeer noquery limited
restrict ::1
" after
  rm "/pool" ;
  insa "server" "/restrict[last()]" ;
  set "/server[last()]" "ntp1.corp.example" ;
  clear "/server[last()]/iburst" ;
  set "/server[last()]/minpoll" "6" ;
  insa "server" "/server[last()]" ;
  set "/server[last()]" "ntp2.corp.example" ;
  clear "/server[last()]/iburst" =
"restrict default kod nomodify nopeer noquery limited
restrict ::1
server ntp1.corp.example iburst minpoll 6
server ntp2.corp.example iburst
"

(* Add a server with options to a file without one. *)
test lns put "driftfile /var/lib/ntp/drift\n" after
  set "/server" "HOST" ;
  clear "/server/iburst" ;
  set "/server/minpoll" "6" =
  "driftfile /var/lib/ntp/drift\nserver HOST iburst minpoll 6\n"

(* Add -4 to a new server: ipv4 must be the first child. *)
test lns put "" after
  set "/server" "HOST" ;
  clear "/server/ipv4" ;
  clear "/server/iburst" =
  "server -4 HOST iburst\n"

(* Remove one server; the other lines keep their text. *)
test lns put "server 0.centos.pool.ntp.org iburst
# second
server 1.centos.pool.ntp.org iburst
server 2.centos.pool.ntp.org iburst # keep
" after
  rm "/server[.='1.centos.pool.ntp.org']" =
"server 0.centos.pool.ntp.org iburst
# second
server 2.centos.pool.ntp.org iburst # keep
"

(* Augeas limitation, shown here on purpose: Augeas reuses formatting
   (blanks, indentation) by label and position, so after removing a
   server in the middle, the next server line takes the blanks of the
   removed one. Values, options and comments are never lost. *)
test lns put "server a  iburst\nserver b\tiburst   # keep\n" after
  rm "/server[1]" =
  "server b  iburst # keep\n"

(* Add an option to a line with a trailing comment: insert it before the
   #comment child. *)
test lns put "server -4 a.example iburst # primary\n" after
  insb "prefer" "/server/#comment" =
  "server -4 a.example iburst prefer # primary\n"

(* A new trailing comment is written as " # text". *)
test lns put "server a.example iburst\n" after
  set "/server/#comment" "added by te-ntp-setup" =
  "server a.example iburst # added by te-ntp-setup\n"

(* Set tinker panic 0 and change tos values. *)
test lns put "tos minclock 4 minsane 3\n" after
  set "/tinker/panic" "0" ;
  set "/tos/minsane" "1" =
  "tos minclock 4 minsane 1\ntinker panic 0\n"

(* The serve block te-ntp-setup builds from nothing (--serve, --local-stratum). *)
test lns put "" after
  set "/restrict[1]" "default" ;
  clear "/restrict[1]/ipv4" ;
  clear "/restrict[1]/noserve" ;
  set "/restrict[2]" "source" ;
  clear "/restrict[2]/nomodify" ;
  clear "/restrict[2]/noquery" ;
  set "/restrict[3]" "2001:db8::" ;
  set "/restrict[3]/mask" "ffff:ffff:ffff:ffff::" ;
  clear "/restrict[3]/nomodify" ;
  clear "/restrict[3]/notrap" ;
  clear "/tos" ;
  set "/tos/orphan" "10" =
  "restrict -4 default noserve\nrestrict source nomodify noquery\nrestrict 2001:db8:: mask ffff:ffff:ffff:ffff:: nomodify notrap\ntos orphan 10\n"

(* New full-line comments are written as "# text". *)
test lns put "server a.example\n" after
  insb "#comment" "/server" ;
  set "/#comment" "managed by te-ntp-setup" =
  "# managed by te-ntp-setup\nserver a.example\n"

(************************************************************************
 * Group: Invalid lines (ntpd rejects them too)
 ************************************************************************)

test lns get "server\n" = *
test lns get "server -4\n" = *
test lns get "server -4 -6 host\n" = *
test lns get "restrict\n" = *
test lns get "fudge\n" = *
test lns get "interface\n" = *
test lns get "-g\n" = *
test lns get "42 server\n" = *

(* A host may not start with '-'. *)
test lns put "server a.example\n" after
  set "/server" "-4x" = *

(* No final newline: the caller appends one before parsing (see
   lenses/README.md). *)
test lns get "server a.example iburst" = *

(* CRLF line ends, as ntpd and ntpsec read them (their scanner takes \r for a blank):
   the same tree as with LF. *)
test Tentp_ntp.lns get "server a.example iburst\r\n# c\r\n\r\nrestrict default nomodify # d\r\ndriftfile /var/lib/ntp/drift\r\n" =
  { "server" = "a.example" { "iburst" } }
  { "#comment" = "c" }
  { }
  { "restrict" = "default" { "nomodify" } { "#comment" = "d" } }
  { "driftfile" = "/var/lib/ntp/drift" }

(* No final line end: the lens wants one (ntpd takes the file; te-ntp-setup adds the line
   end before parsing and leaves the file without it). *)
test Tentp_ntp.lns get "server a iburst" = *

(* Upper case: ntpd and ntpsec match keywords exactly, so SERVER is no server line (ntpd
   rejects it); the lens reads it as a generic directive. *)
test Tentp_ntp.lns get "SERVER a.example iburst\n" =
  { "SERVER" = "a.example iburst" }
