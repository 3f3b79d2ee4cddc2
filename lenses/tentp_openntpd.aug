(* SPDX-License-Identifier: Apache-2.0 *)
(*
Module: Tentp_openntpd
  Parses OpenNTPD's ntpd.conf.

  Reads: /etc/ntpd.conf (OpenBSD, Alpine, Arch) and
  /etc/openntpd/ntpd.conf (Debian, Ubuntu).

  Permissive like the daemon's own parser: '#' starts a comment anywhere
  outside a double-quoted string, tokens may be quoted, and a line with a
  keyword the lens does not model (for example a macro definition
  'name = "value"') parses as a generic node, so every file round-trips
  byte for byte.

  Tree shape (see lenses/README.md):
    server/servers = ADDRESS     (raw token: quotes, if any, are kept)
      trusted                    (value-less flag)
      weight = "5", rtable = "0" (options with a value)
      #comment = TEXT            (trailing "# text", always the last child)
    sensor = DEVICE              children correction, refid, stratum,
                                 weight, trusted
    listen = ADDRESS             for "listen on ADDRESS [rtable N]"
    query = ADDRESS              for "query from ADDRESS"
    constraint/constraints = URL for 'constraint(s) from "URL" [IP ...]'
                                 (URL without its quotes)
      ip = IP                    one per extra address (raw token)
    anything else                KEYWORD = "raw rest of line"
*)

module Tentp_openntpd =
  autoload xfm

(************************************************************************
 * Group: Tokens and separators
 ************************************************************************)

(* One character of a token, or a whole double-quoted string. *)
let tok_part = /[^" \t\n#]|"[^"\n]*"/
let token    = tok_part+

(* The raw rest of a line: starts and ends with a non-blank, stops before
   a trailing comment outside quotes. *)
let rest     = tok_part . ((/[^"\n#]|"[^"\n]*"/)* . tok_part)?

let sep      = Util.del_ws_spc
let indent   = Util.indent

(************************************************************************
 * Group: Comments and end of line
 ************************************************************************)

let comment_re = /[^ \t\n].*[^ \t\n]|[^ \t\n]/

let comment = [ indent . label "#comment" . del /#[ \t]*/ "# "
              . store comment_re . Util.eol ]

let empty = Util.empty

let eol = [ label "#comment" . del /[ \t]*#[ \t]*/ " # "
          . store comment_re . Util.eol ]
        | del /[ \t]*(#[ \t]*)?\n/ "\n"

(************************************************************************
 * Group: Sources
 ************************************************************************)

let valued = /weight|rtable|correction|refid|stratum/

let option = [ key valued . sep . store token ]
           | [ key (/[A-Za-z][A-Za-z0-9_-]*/ - valued) ]

(* View: source
   server|servers ADDRESS [trusted] [weight N] [rtable N]
   sensor DEVICE [correction N] [refid ID] [stratum N] [trusted] [weight N] *)
let source = [ indent . key /server|servers|sensor/ . sep . store token
             . (sep . option)* . eol ]

(* View: listen
   listen on ADDRESS [rtable N] *)
let listen = [ indent . key "listen" . sep . del "on" "on" . sep
             . store token . (sep . option)* . eol ]

(* View: query
   query from ADDRESS *)
let query = [ indent . key "query" . sep . del "from" "from" . sep
            . store token . (sep . option)* . eol ]

(* View: constraint
   constraint from "URL" [IP ...] / constraints from "URL"
   ntpd's lexer does not allow '/' in an unquoted string, so the URL is
   always quoted; the quotes are not part of the value. *)
let constraint = [ indent . key /constraints?/ . sep . del "from" "from" . sep
                 . Util.del_str "\"" . store /[^"\n]*/ . Util.del_str "\""
                 . (sep . [ label "ip" . store token ])* . eol ]

(************************************************************************
 * Group: Everything else
 ************************************************************************)

let structured_kw = /server|servers|sensor|listen|query|constraint|constraints/

let generic = [ indent . key (/[A-Za-z_][A-Za-z0-9_.-]*/ - structured_kw)
              . (sep . store rest)? . eol ]

(************************************************************************
 * Group: Lens and filter
 ************************************************************************)

let lns = ( empty | comment | source | listen | query | constraint
          | generic )*

let filter = incl "/etc/ntpd.conf"
           . incl "/etc/openntpd/ntpd.conf"

let xfm = transform lns filter
