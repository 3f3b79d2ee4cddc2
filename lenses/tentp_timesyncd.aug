(* SPDX-License-Identifier: Apache-2.0 *)
(*
Module: Tentp_timesyncd
  Parses systemd-timesyncd's configuration and its drop-ins.

  Reads: /etc/systemd/timesyncd.conf, /etc/systemd/timesyncd.conf.d/*.conf,
  /run/systemd/timesyncd.conf.d/*.conf, /usr/lib/systemd/timesyncd.conf
  and /usr/lib/systemd/timesyncd.conf.d/*.conf.

  The syntax is systemd's ini dialect (systemd.syntax(7)): "[Section]"
  headers, "Key=value" assignments with blanks around '=' ignored, and
  whole-line comments starting with '#' or ';' (no trailing comments:
  a '#' inside a value is part of the value).

  Tree shape (see lenses/README.md):
    Time                    one node per "[Time]" header
      NTP = "a b c"         raw value, blanks around it stripped
      FallbackNTP = ""      an empty assignment ("NTP=") has value ""
      #comment = "NTP="     commented-out defaults are plain comments
  An assignment before the first header (which timesyncd ignores with a
  warning) does not parse.
*)

module Tentp_timesyncd =
  autoload xfm

let indent = Util.indent
let eol    = Util.eol

(* View: comment
   '#' or ';' comment; new comments are written as "# text". *)
let comment = [ indent . label "#comment" . del /[#;][ \t]*/ "# "
              . store /[^ \t\n].*[^ \t\n]|[^ \t\n]/ . eol ]

(* View: empty
   Blank line, or a line holding only '#' or ';'. *)
let empty = [ del /[ \t]*([#;][ \t]*)?\n/ "\n" ]

let entry_key = /[A-Za-z0-9_.-]+/

(* View: entry
   Key=value; "Key=" (reset a list) is stored with the value "". *)
let entry = [ indent . key entry_key . del /[ \t]*=[ \t]*/ "="
            . store /[^ \t\n]([^\n]*[^ \t\n])?/ . eol ]
          | [ indent . key entry_key . del /[ \t]*=[ \t]*\n/ "=\n"
            . value "" ]

(* View: section
   "[Name]" followed by its entries, comments and blank lines. *)
let section = [ indent . del "[" "[" . key /[^]\n\/]+/ . del /\][ \t]*\n/ "]\n"
              . (entry | comment | empty)* ]

let lns = (comment | empty)* . section*

let filter = incl "/etc/systemd/timesyncd.conf"
           . incl "/etc/systemd/timesyncd.conf.d/*.conf"
           . incl "/run/systemd/timesyncd.conf.d/*.conf"
           . incl "/usr/lib/systemd/timesyncd.conf"
           . incl "/usr/lib/systemd/timesyncd.conf.d/*.conf"

let xfm = transform lns filter
