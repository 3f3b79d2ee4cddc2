(* SPDX-License-Identifier: Apache-2.0 *)
(*
Module: Test_tentp_timesyncd
  Tests for lenses/tentp_timesyncd.aug.
  Run: augparse -I lenses lenses/tests/test_tentp_timesyncd.aug

  The default configurations are the verbatim stock files also kept as
  fixtures (Debian 12: systemd 252, Ubuntu 22.04: systemd 249).
*)
module Test_tentp_timesyncd =

let lns = Tentp_timesyncd.lns

(************************************************************************
 * Group: Debian 12 default (tests/fixtures/debian12-timesyncd)
 ************************************************************************)

let conf_debian12 = "#  This file is part of systemd.
#
#  systemd is free software; you can redistribute it and/or modify it under the
#  terms of the GNU Lesser General Public License as published by the Free
#  Software Foundation; either version 2.1 of the License, or (at your option)
#  any later version.
#
# Entries in this file show the compile time defaults. Local configuration
# should be created by either modifying this file, or by creating \"drop-ins\" in
# the timesyncd.conf.d/ subdirectory. The latter is generally recommended.
# Defaults can be restored by simply deleting this file and all drop-ins.
#
# See timesyncd.conf(5) for details.

[Time]
#NTP=
#FallbackNTP=0.debian.pool.ntp.org 1.debian.pool.ntp.org 2.debian.pool.ntp.org 3.debian.pool.ntp.org
#RootDistanceMaxSec=5
#PollIntervalMinSec=32
#PollIntervalMaxSec=2048
#ConnectionRetrySec=30
#SaveIntervalSec=60
"

test lns get conf_debian12 =
  { "#comment" = "This file is part of systemd." }
  {  }
  { "#comment" = "systemd is free software; you can redistribute it and/or modify it under the" }
  { "#comment" = "terms of the GNU Lesser General Public License as published by the Free" }
  { "#comment" = "Software Foundation; either version 2.1 of the License, or (at your option)" }
  { "#comment" = "any later version." }
  {  }
  { "#comment" = "Entries in this file show the compile time defaults. Local configuration" }
  { "#comment" = "should be created by either modifying this file, or by creating \"drop-ins\" in" }
  { "#comment" = "the timesyncd.conf.d/ subdirectory. The latter is generally recommended." }
  { "#comment" = "Defaults can be restored by simply deleting this file and all drop-ins." }
  {  }
  { "#comment" = "See timesyncd.conf(5) for details." }
  {  }
  { "Time"
    { "#comment" = "NTP=" }
    { "#comment" = "FallbackNTP=0.debian.pool.ntp.org 1.debian.pool.ntp.org 2.debian.pool.ntp.org 3.debian.pool.ntp.org" }
    { "#comment" = "RootDistanceMaxSec=5" }
    { "#comment" = "PollIntervalMinSec=32" }
    { "#comment" = "PollIntervalMaxSec=2048" }
    { "#comment" = "ConnectionRetrySec=30" }
    { "#comment" = "SaveIntervalSec=60" }
  }

(************************************************************************
 * Group: Ubuntu 22.04 default (tests/fixtures/ubuntu2204-timesyncd)
 ************************************************************************)

let conf_ubuntu2204 = "#  This file is part of systemd.
#
#  systemd is free software; you can redistribute it and/or modify it under the
#  terms of the GNU Lesser General Public License as published by the Free
#  Software Foundation; either version 2.1 of the License, or (at your option)
#  any later version.
#
# Entries in this file show the compile time defaults. Local configuration
# should be created by either modifying this file, or by creating \"drop-ins\" in
# the timesyncd.conf.d/ subdirectory. The latter is generally recommended.
# Defaults can be restored by simply deleting this file and all drop-ins.
#
# See timesyncd.conf(5) for details.

[Time]
#NTP=
#FallbackNTP=ntp.ubuntu.com
#RootDistanceMaxSec=5
#PollIntervalMinSec=32
#PollIntervalMaxSec=2048
"

test lns get conf_ubuntu2204 =
  { "#comment" = "This file is part of systemd." }
  {  }
  { "#comment" = "systemd is free software; you can redistribute it and/or modify it under the" }
  { "#comment" = "terms of the GNU Lesser General Public License as published by the Free" }
  { "#comment" = "Software Foundation; either version 2.1 of the License, or (at your option)" }
  { "#comment" = "any later version." }
  {  }
  { "#comment" = "Entries in this file show the compile time defaults. Local configuration" }
  { "#comment" = "should be created by either modifying this file, or by creating \"drop-ins\" in" }
  { "#comment" = "the timesyncd.conf.d/ subdirectory. The latter is generally recommended." }
  { "#comment" = "Defaults can be restored by simply deleting this file and all drop-ins." }
  {  }
  { "#comment" = "See timesyncd.conf(5) for details." }
  {  }
  { "Time"
    { "#comment" = "NTP=" }
    { "#comment" = "FallbackNTP=ntp.ubuntu.com" }
    { "#comment" = "RootDistanceMaxSec=5" }
    { "#comment" = "PollIntervalMinSec=32" }
    { "#comment" = "PollIntervalMaxSec=2048" }
  }

(************************************************************************
 * Group: Syntax
 ************************************************************************)

(* Values are raw strings; blanks around '=' and at the end are dropped
   from the value but kept in the file. *)
test lns get "[Time]\nNTP = a.example  b.example \nFallbackNTP=\n; old\n  #\n\nRootDistanceMaxSec=5s\n" =
  { "Time"
    { "NTP" = "a.example  b.example" }
    { "FallbackNTP" = "" }
    { "#comment" = "old" }
    {  }
    {  }
    { "RootDistanceMaxSec" = "5s" } }

(* '#' inside a value is not a comment for systemd. *)
test lns get "[Time]\nNTP=a#b\n" =
  { "Time"
    { "NTP" = "a#b" } }

(* Comments before the first section, several sections (a drop-in may
   carry other sections; timesyncd ignores them with a warning). *)
test lns get "# drop-in\n[Time]\nNTP=a\n[Other]\nX=1\n" =
  { "#comment" = "drop-in" }
  { "Time"
    { "NTP" = "a" } }
  { "Other"
    { "X" = "1" } }

(************************************************************************
 * Group: Edits the backend makes
 ************************************************************************)

(* Create a drop-in from nothing. *)
test lns put "" after
  set "/Time/NTP" "a b" =
  "[Time]\nNTP=a b\n"

test lns put "" after
  set "/#comment" "Managed by te-ntp-setup" ;
  set "/Time/NTP" "ntp1.corp.example ntp2.corp.example" ;
  set "/Time/FallbackNTP" "" =
  "# Managed by te-ntp-setup\n[Time]\nNTP=ntp1.corp.example ntp2.corp.example\nFallbackNTP=\n"

(* Set NTP= in the stock file right after the commented-out default. *)
test lns put "[Time]\n#NTP=\n#FallbackNTP=ntp.ubuntu.com\n" after
  insa "NTP" "/Time/#comment[.='NTP=']" ;
  set "/Time/NTP" "ntp1.corp.example" =
  "[Time]\n#NTP=\nNTP=ntp1.corp.example\n#FallbackNTP=ntp.ubuntu.com\n"

(* A node without a value is also written as an empty assignment. *)
test lns put "[Time]\n" after
  clear "/Time/NTP" =
  "[Time]\nNTP=\n"

(* Replace and remove values. *)
test lns put "[Time]\nNTP = old.example\nPollIntervalMinSec=32\n" after
  set "/Time/NTP" "new.example" ;
  rm "/Time/PollIntervalMinSec" =
  "[Time]\nNTP = new.example\n"

(************************************************************************
 * Group: Invalid input
 ************************************************************************)

(* An assignment outside any section (timesyncd ignores it). *)
test lns get "NTP=a\n[Time]\n" = *
(* A line without '='. *)
test lns get "[Time]\nNTP\n" = *
(* An unterminated section header. *)
test lns get "[Time\nNTP=a\n" = *

(* No final newline: the caller appends one before parsing (see
   lenses/README.md). *)
test lns get "[Time]\nNTP=a" = *
