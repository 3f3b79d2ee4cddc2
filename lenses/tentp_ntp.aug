(*
Module: Tentp_ntp
  Parses ntp.conf for classic ntpd (ntp.org 4.2.x) and ntpsec.

  Reads: /etc/ntp.conf, /etc/ntp/ntp.conf, /etc/ntpsec/ntp.conf and the
  ntpsec drop-in directory /etc/ntpsec/ntp.d/*.conf.

  Unlike the stock Ntp lens this one is permissive: a line with a
  directive the lens does not model still parses, as a generic node
  (label = directive word, value = the raw rest of the line), so every
  file the daemon accepts round-trips byte for byte.

  Tree shape (see lenses/README.md):
    server/pool/peer/broadcast/manycastclient/refclock = HOST
      ipv4 | ipv6        (value-less, only for a leading -4/--ipv4, -6/--ipv6)
      FLAG               (value-less: iburst, prefer, nts, ...)
      OPTION = VALUE     (minpoll, maxpoll, key, version, mode, ...)
      #comment = TEXT    (trailing "# text", always the last child)
    restrict/unrestrict = ADDRESS   (same children; "mask" has a value)
    tinker/tos           children NAME = VALUE
    fudge = ADDRESS      children NAME = VALUE
    interface            children action, address
    anything else        DIRECTIVE = "raw rest of line"
*)

module Tentp_ntp =
  autoload xfm

(************************************************************************
 * Group: Tokens and separators
 ************************************************************************)

(* A whitespace-separated token. ntpd ends a token at '#' (start of a
   comment), so '#' never appears inside one. *)
let token     = /[^ \t\n#]+/

(* A host or address: a token that does not start with '-' so that the
   -4/-6 qualifiers stay distinct. *)
let host      = token - /-.*/

(* The raw rest of a line: starts and ends with a non-blank, stops before
   a trailing comment. *)
let rest      = /[^ \t\n#]([^\n#]*[^ \t\n#])?/

let sep       = Util.del_ws_spc
let indent    = Util.indent

(************************************************************************
 * Group: Comments and end of line
 ************************************************************************)

let comment_re = /[^ \t\n].*[^ \t\n]|[^ \t\n]/

(* Full-line comment; trailing blanks are kept in the skeleton. *)
let comment = [ indent . label "#comment" . del /#[ \t]*/ "# "
              . store comment_re . Util.eol ]

(* Blank line, or a line holding only '#'. *)
let empty = Util.empty

(* End of a directive line: optional trailing comment, kept as the last
   child "#comment" of the directive node. *)
let eol = [ label "#comment" . del /[ \t]*#[ \t]*/ " # "
          . store comment_re . Util.eol ]
        | del /[ \t]*(#[ \t]*)?\n/ "\n"

(************************************************************************
 * Group: Association lines
 ************************************************************************)

(* Leading address-family qualifier. *)
let ipfam = [ label "ipv4" . del /-4|--ipv4/ "-4" ]
          | [ label "ipv6" . del /-6|--ipv6/ "-6" ]

(* Options that always take one argument (ntp.org and ntpsec). *)
let assoc_valued = /key|minpoll|maxpoll|version|ttl|mode|bias|subtype|unit/
                 | /time1|time2|stratum|refid|path|ppspath|baud/
                 | /flag1|flag2|flag3|flag4|ca|aead|ask|require|ident/

let option (valued:regexp) =
    [ key valued . sep . store token ]
  | [ key (token - valued - /ipv4|ipv6|#comment/) ]

let assoc_kw = /server|pool|peer|broadcast|manycastclient|refclock/

(* View: assoc
   server [-4|-6] HOST [OPTION ...] *)
let assoc = [ indent . key assoc_kw . (sep . ipfam)? . sep . store host
            . (sep . option assoc_valued)* . eol ]

(* View: restrict
   restrict [-4|-6] ADDRESS [mask MASK] [FLAG ...] *)
let restrict_kw = /restrict|unrestrict/
let restrict = [ indent . key restrict_kw . (sep . ipfam)? . sep . store host
               . (sep . option /mask|ippeerlimit/)* . eol ]

(************************************************************************
 * Group: Name/value lists
 ************************************************************************)

(* NAME VALUE pairs; an odd trailing word becomes a value-less node. *)
let pairs = (sep . [ key token . sep . store token ])*
          . (sep . [ key token ])?

(* View: tinker_tos
   tinker panic 0 / tos minclock 4 minsane 3 *)
let tinker_tos = [ indent . key /tinker|tos/ . pairs . eol ]

(* View: fudge
   fudge ADDRESS [stratum N] [refid ID] ... *)
let fudge = [ indent . key "fudge" . sep . store host . pairs . eol ]

(* View: interface
   interface listen|ignore|drop [all|ipv4|ipv6|wildcard|NAME|ADDRESS] *)
let interface = [ indent . key "interface"
                . sep . [ label "action" . store token ]
                . (sep . [ label "address" . store token ])? . eol ]

(************************************************************************
 * Group: Everything else
 ************************************************************************)

let structured_kw = assoc_kw | restrict_kw | /tinker|tos|fudge|interface/

(* View: generic
   Any other directive: label = directive, value = raw rest of line. *)
let generic = [ indent . key (/[A-Za-z][A-Za-z0-9_.-]*/ - structured_kw)
              . (sep . store rest)? . eol ]

(************************************************************************
 * Group: Lens and filter
 ************************************************************************)

let lns = ( empty | comment | assoc | restrict | tinker_tos | fudge
          | interface | generic )*

let filter = incl "/etc/ntp.conf"
           . incl "/etc/ntp/ntp.conf"
           . incl "/etc/ntpsec/ntp.conf"
           . incl "/etc/ntpsec/ntp.d/*.conf"

let xfm = transform lns filter
