(* SPDX-License-Identifier: Apache-2.0 *)
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
let token     = /[^ \t\r\n#]+/

(* A host or address: a token that does not start with '-' so that the
   -4/-6 qualifiers stay distinct. *)
let host      = token - /-.*/

(* The raw rest of a line: starts and ends with a non-blank, stops before
   a trailing comment. *)
let rest      = /[^ \t\r\n#]([^\r\n#]*[^ \t\r\n#])?/

let sep       = Util.del_ws_spc
let indent    = Util.indent

(************************************************************************
 * Group: Comments and end of line
 ************************************************************************)

let comment_re = /[^ \t\r\n]([^\r\n]*[^ \t\r\n])?/

(* Full-line comment; trailing blanks are kept in the skeleton. *)
let comment = [ indent . label "#comment" . del /#[ \t]*/ "# "
              . store comment_re . Util.doseol ]

(* Blank line, or a line holding only '#'. *)
let empty = Util.empty_generic /[ \t]*#?[ \t]*\r?/

(* End of a directive line: optional trailing comment, kept as the last
   child "#comment" of the directive node. *)
let eol = [ label "#comment" . del /[ \t]*#[ \t]*/ " # "
          . store comment_re . Util.doseol ]
        | del /[ \t]*(#[ \t]*)?\r?\n/ "\n"

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

(* A flag: any token that is not an option taking a value, nor ipv4/ipv6.
   The same language as  token - valued - /ipv4|ipv6/  written out: Augeas
   would otherwise rebuild that difference (libfa) on every load, and the
   big regexp it makes on every parse, several times the cost of the rest of
   the lens. Generated and checked equal to the difference by
     lenses/tools/complement.py assoc_flag '[^ \t\r\n#]' '[^ \t\r\n#]' \
       key minpoll maxpoll version ttl mode bias subtype unit time1 time2 \
       stratum refid path ppspath baud flag1 flag2 flag3 flag4 ca aead ask \
       require ident ipv4 ipv6
     lenses/tools/complement.py restrict_flag '[^ \t\r\n#]' '[^ \t\r\n#]' \
       mask ippeerlimit ipv4 ipv6
   Regenerate both when assoc_valued or the restrict options change. *)
let assoc_flag = /([^ \t\r\n#abcfikmprstuv][^ \t\r\n#]*|a([^ \t\r\n#es][^ \t\r\n#]*|e([^ \t\r\n#a][^ \t\r\n#]*|a([^ \t\r\n#d][^ \t\r\n#]*|d([^ \t\r\n#][^ \t\r\n#]*))?)?|s([^ \t\r\n#k][^ \t\r\n#]*|k([^ \t\r\n#][^ \t\r\n#]*))?)?|b([^ \t\r\n#ai][^ \t\r\n#]*|a([^ \t\r\n#u][^ \t\r\n#]*|u([^ \t\r\n#d][^ \t\r\n#]*|d([^ \t\r\n#][^ \t\r\n#]*))?)?|i([^ \t\r\n#a][^ \t\r\n#]*|a([^ \t\r\n#s][^ \t\r\n#]*|s([^ \t\r\n#][^ \t\r\n#]*))?)?)?|c([^ \t\r\n#a][^ \t\r\n#]*|a([^ \t\r\n#][^ \t\r\n#]*))?|f([^ \t\r\n#l][^ \t\r\n#]*|l([^ \t\r\n#a][^ \t\r\n#]*|a([^ \t\r\n#g][^ \t\r\n#]*|g([^ \t\r\n#1234][^ \t\r\n#]*|1([^ \t\r\n#][^ \t\r\n#]*)|2([^ \t\r\n#][^ \t\r\n#]*)|3([^ \t\r\n#][^ \t\r\n#]*)|4([^ \t\r\n#][^ \t\r\n#]*))?)?)?)?|i([^ \t\r\n#dp][^ \t\r\n#]*|d([^ \t\r\n#e][^ \t\r\n#]*|e([^ \t\r\n#n][^ \t\r\n#]*|n([^ \t\r\n#t][^ \t\r\n#]*|t([^ \t\r\n#][^ \t\r\n#]*))?)?)?|p([^ \t\r\n#v][^ \t\r\n#]*|v([^ \t\r\n#46][^ \t\r\n#]*|4([^ \t\r\n#][^ \t\r\n#]*)|6([^ \t\r\n#][^ \t\r\n#]*))?)?)?|k([^ \t\r\n#e][^ \t\r\n#]*|e([^ \t\r\n#y][^ \t\r\n#]*|y([^ \t\r\n#][^ \t\r\n#]*))?)?|m([^ \t\r\n#aio][^ \t\r\n#]*|a([^ \t\r\n#x][^ \t\r\n#]*|x([^ \t\r\n#p][^ \t\r\n#]*|p([^ \t\r\n#o][^ \t\r\n#]*|o([^ \t\r\n#l][^ \t\r\n#]*|l([^ \t\r\n#l][^ \t\r\n#]*|l([^ \t\r\n#][^ \t\r\n#]*))?)?)?)?)?|i([^ \t\r\n#n][^ \t\r\n#]*|n([^ \t\r\n#p][^ \t\r\n#]*|p([^ \t\r\n#o][^ \t\r\n#]*|o([^ \t\r\n#l][^ \t\r\n#]*|l([^ \t\r\n#l][^ \t\r\n#]*|l([^ \t\r\n#][^ \t\r\n#]*))?)?)?)?)?|o([^ \t\r\n#d][^ \t\r\n#]*|d([^ \t\r\n#e][^ \t\r\n#]*|e([^ \t\r\n#][^ \t\r\n#]*))?)?)?|p([^ \t\r\n#ap][^ \t\r\n#]*|a([^ \t\r\n#t][^ \t\r\n#]*|t([^ \t\r\n#h][^ \t\r\n#]*|h([^ \t\r\n#][^ \t\r\n#]*))?)?|p([^ \t\r\n#s][^ \t\r\n#]*|s([^ \t\r\n#p][^ \t\r\n#]*|p([^ \t\r\n#a][^ \t\r\n#]*|a([^ \t\r\n#t][^ \t\r\n#]*|t([^ \t\r\n#h][^ \t\r\n#]*|h([^ \t\r\n#][^ \t\r\n#]*))?)?)?)?)?)?|r([^ \t\r\n#e][^ \t\r\n#]*|e([^ \t\r\n#fq][^ \t\r\n#]*|f([^ \t\r\n#i][^ \t\r\n#]*|i([^ \t\r\n#d][^ \t\r\n#]*|d([^ \t\r\n#][^ \t\r\n#]*))?)?|q([^ \t\r\n#u][^ \t\r\n#]*|u([^ \t\r\n#i][^ \t\r\n#]*|i([^ \t\r\n#r][^ \t\r\n#]*|r([^ \t\r\n#e][^ \t\r\n#]*|e([^ \t\r\n#][^ \t\r\n#]*))?)?)?)?)?)?|s([^ \t\r\n#tu][^ \t\r\n#]*|t([^ \t\r\n#r][^ \t\r\n#]*|r([^ \t\r\n#a][^ \t\r\n#]*|a([^ \t\r\n#t][^ \t\r\n#]*|t([^ \t\r\n#u][^ \t\r\n#]*|u([^ \t\r\n#m][^ \t\r\n#]*|m([^ \t\r\n#][^ \t\r\n#]*))?)?)?)?)?|u([^ \t\r\n#b][^ \t\r\n#]*|b([^ \t\r\n#t][^ \t\r\n#]*|t([^ \t\r\n#y][^ \t\r\n#]*|y([^ \t\r\n#p][^ \t\r\n#]*|p([^ \t\r\n#e][^ \t\r\n#]*|e([^ \t\r\n#][^ \t\r\n#]*))?)?)?)?)?)?|t([^ \t\r\n#it][^ \t\r\n#]*|i([^ \t\r\n#m][^ \t\r\n#]*|m([^ \t\r\n#e][^ \t\r\n#]*|e([^ \t\r\n#12][^ \t\r\n#]*|1([^ \t\r\n#][^ \t\r\n#]*)|2([^ \t\r\n#][^ \t\r\n#]*))?)?)?|t([^ \t\r\n#l][^ \t\r\n#]*|l([^ \t\r\n#][^ \t\r\n#]*))?)?|u([^ \t\r\n#n][^ \t\r\n#]*|n([^ \t\r\n#i][^ \t\r\n#]*|i([^ \t\r\n#t][^ \t\r\n#]*|t([^ \t\r\n#][^ \t\r\n#]*))?)?)?|v([^ \t\r\n#e][^ \t\r\n#]*|e([^ \t\r\n#r][^ \t\r\n#]*|r([^ \t\r\n#s][^ \t\r\n#]*|s([^ \t\r\n#i][^ \t\r\n#]*|i([^ \t\r\n#o][^ \t\r\n#]*|o([^ \t\r\n#n][^ \t\r\n#]*|n([^ \t\r\n#][^ \t\r\n#]*))?)?)?)?)?)?)/
let restrict_flag = /([^ \t\r\n#im][^ \t\r\n#]*|i([^ \t\r\n#p][^ \t\r\n#]*|p([^ \t\r\n#pv][^ \t\r\n#]*|p([^ \t\r\n#e][^ \t\r\n#]*|e([^ \t\r\n#e][^ \t\r\n#]*|e([^ \t\r\n#r][^ \t\r\n#]*|r([^ \t\r\n#l][^ \t\r\n#]*|l([^ \t\r\n#i][^ \t\r\n#]*|i([^ \t\r\n#m][^ \t\r\n#]*|m([^ \t\r\n#i][^ \t\r\n#]*|i([^ \t\r\n#t][^ \t\r\n#]*|t([^ \t\r\n#][^ \t\r\n#]*))?)?)?)?)?)?)?)?|v([^ \t\r\n#46][^ \t\r\n#]*|4([^ \t\r\n#][^ \t\r\n#]*)|6([^ \t\r\n#][^ \t\r\n#]*))?)?)?|m([^ \t\r\n#a][^ \t\r\n#]*|a([^ \t\r\n#s][^ \t\r\n#]*|s([^ \t\r\n#k][^ \t\r\n#]*|k([^ \t\r\n#][^ \t\r\n#]*))?)?)?)/

let option (valued:regexp) (flag:regexp) =
    [ key valued . sep . store token ]
  | [ key flag ]

let assoc_kw = /server|pool|peer|broadcast|manycastclient|refclock/

(* View: assoc
   server [-4|-6] HOST [OPTION ...] *)
let assoc = [ indent . key assoc_kw . (sep . ipfam)? . sep . store host
            . (sep . option assoc_valued assoc_flag)* . eol ]

(* View: restrict
   restrict [-4|-6] ADDRESS [mask MASK] [FLAG ...] *)
let restrict_kw = /restrict|unrestrict/
let restrict = [ indent . key restrict_kw . (sep . ipfam)? . sep . store host
               . (sep . option /mask|ippeerlimit/ restrict_flag)* . eol ]

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
(* A directive word that is none of structured_kw: the same language as
     /[A-Za-z][A-Za-z0-9_.-]*/ - structured_kw
   written out, generated and checked by
     lenses/tools/complement.py generic_kw '[A-Za-z]' '[A-Za-z0-9_.-]' \
       server pool peer broadcast manycastclient refclock restrict \
       unrestrict tinker tos fudge interface
   Regenerate it when structured_kw changes. *)
let generic_kw = /([A-Zac-eghj-lnoqv-z][.0-9A-Z_a-z-]*|b([.0-9A-Z_a-qs-z-][.0-9A-Z_a-z-]*|r([.0-9A-Z_a-np-z-][.0-9A-Z_a-z-]*|o([.0-9A-Z_b-z-][.0-9A-Z_a-z-]*|a([.0-9A-Z_a-ce-z-][.0-9A-Z_a-z-]*|d([.0-9A-Z_abd-z-][.0-9A-Z_a-z-]*|c([.0-9A-Z_b-z-][.0-9A-Z_a-z-]*|a([.0-9A-Z_a-rt-z-][.0-9A-Z_a-z-]*|s([.0-9A-Z_a-su-z-][.0-9A-Z_a-z-]*|t([.0-9A-Z_a-z-][.0-9A-Z_a-z-]*))?)?)?)?)?)?)?)?|f([.0-9A-Z_a-tv-z-][.0-9A-Z_a-z-]*|u([.0-9A-Z_a-ce-z-][.0-9A-Z_a-z-]*|d([.0-9A-Z_a-fh-z-][.0-9A-Z_a-z-]*|g([.0-9A-Z_a-df-z-][.0-9A-Z_a-z-]*|e([.0-9A-Z_a-z-][.0-9A-Z_a-z-]*))?)?)?)?|i([.0-9A-Z_a-mo-z-][.0-9A-Z_a-z-]*|n([.0-9A-Z_a-su-z-][.0-9A-Z_a-z-]*|t([.0-9A-Z_a-df-z-][.0-9A-Z_a-z-]*|e([.0-9A-Z_a-qs-z-][.0-9A-Z_a-z-]*|r([.0-9A-Z_a-eg-z-][.0-9A-Z_a-z-]*|f([.0-9A-Z_b-z-][.0-9A-Z_a-z-]*|a([.0-9A-Z_abd-z-][.0-9A-Z_a-z-]*|c([.0-9A-Z_a-df-z-][.0-9A-Z_a-z-]*|e([.0-9A-Z_a-z-][.0-9A-Z_a-z-]*))?)?)?)?)?)?)?)?|m([.0-9A-Z_b-z-][.0-9A-Z_a-z-]*|a([.0-9A-Z_a-mo-z-][.0-9A-Z_a-z-]*|n([.0-9A-Z_a-xz-][.0-9A-Z_a-z-]*|y([.0-9A-Z_abd-z-][.0-9A-Z_a-z-]*|c([.0-9A-Z_b-z-][.0-9A-Z_a-z-]*|a([.0-9A-Z_a-rt-z-][.0-9A-Z_a-z-]*|s([.0-9A-Z_a-su-z-][.0-9A-Z_a-z-]*|t([.0-9A-Z_abd-z-][.0-9A-Z_a-z-]*|c([.0-9A-Z_a-km-z-][.0-9A-Z_a-z-]*|l([.0-9A-Z_a-hj-z-][.0-9A-Z_a-z-]*|i([.0-9A-Z_a-df-z-][.0-9A-Z_a-z-]*|e([.0-9A-Z_a-mo-z-][.0-9A-Z_a-z-]*|n([.0-9A-Z_a-su-z-][.0-9A-Z_a-z-]*|t([.0-9A-Z_a-z-][.0-9A-Z_a-z-]*))?)?)?)?)?)?)?)?)?)?)?)?)?|p([.0-9A-Z_a-df-np-z-][.0-9A-Z_a-z-]*|e([.0-9A-Z_a-df-z-][.0-9A-Z_a-z-]*|e([.0-9A-Z_a-qs-z-][.0-9A-Z_a-z-]*|r([.0-9A-Z_a-z-][.0-9A-Z_a-z-]*))?)?|o([.0-9A-Z_a-np-z-][.0-9A-Z_a-z-]*|o([.0-9A-Z_a-km-z-][.0-9A-Z_a-z-]*|l([.0-9A-Z_a-z-][.0-9A-Z_a-z-]*))?)?)?|r([.0-9A-Z_a-df-z-][.0-9A-Z_a-z-]*|e([.0-9A-Z_a-eg-rt-z-][.0-9A-Z_a-z-]*|f([.0-9A-Z_abd-z-][.0-9A-Z_a-z-]*|c([.0-9A-Z_a-km-z-][.0-9A-Z_a-z-]*|l([.0-9A-Z_a-np-z-][.0-9A-Z_a-z-]*|o([.0-9A-Z_abd-z-][.0-9A-Z_a-z-]*|c([.0-9A-Z_a-jl-z-][.0-9A-Z_a-z-]*|k([.0-9A-Z_a-z-][.0-9A-Z_a-z-]*))?)?)?)?)?|s([.0-9A-Z_a-su-z-][.0-9A-Z_a-z-]*|t([.0-9A-Z_a-qs-z-][.0-9A-Z_a-z-]*|r([.0-9A-Z_a-hj-z-][.0-9A-Z_a-z-]*|i([.0-9A-Z_abd-z-][.0-9A-Z_a-z-]*|c([.0-9A-Z_a-su-z-][.0-9A-Z_a-z-]*|t([.0-9A-Z_a-z-][.0-9A-Z_a-z-]*))?)?)?)?)?)?)?|s([.0-9A-Z_a-df-z-][.0-9A-Z_a-z-]*|e([.0-9A-Z_a-qs-z-][.0-9A-Z_a-z-]*|r([.0-9A-Z_a-uw-z-][.0-9A-Z_a-z-]*|v([.0-9A-Z_a-df-z-][.0-9A-Z_a-z-]*|e([.0-9A-Z_a-qs-z-][.0-9A-Z_a-z-]*|r([.0-9A-Z_a-z-][.0-9A-Z_a-z-]*))?)?)?)?)?|t([.0-9A-Z_a-hj-np-z-][.0-9A-Z_a-z-]*|i([.0-9A-Z_a-mo-z-][.0-9A-Z_a-z-]*|n([.0-9A-Z_a-jl-z-][.0-9A-Z_a-z-]*|k([.0-9A-Z_a-df-z-][.0-9A-Z_a-z-]*|e([.0-9A-Z_a-qs-z-][.0-9A-Z_a-z-]*|r([.0-9A-Z_a-z-][.0-9A-Z_a-z-]*))?)?)?)?|o([.0-9A-Z_a-rt-z-][.0-9A-Z_a-z-]*|s([.0-9A-Z_a-z-][.0-9A-Z_a-z-]*))?)?|u([.0-9A-Z_a-mo-z-][.0-9A-Z_a-z-]*|n([.0-9A-Z_a-qs-z-][.0-9A-Z_a-z-]*|r([.0-9A-Z_a-df-z-][.0-9A-Z_a-z-]*|e([.0-9A-Z_a-rt-z-][.0-9A-Z_a-z-]*|s([.0-9A-Z_a-su-z-][.0-9A-Z_a-z-]*|t([.0-9A-Z_a-qs-z-][.0-9A-Z_a-z-]*|r([.0-9A-Z_a-hj-z-][.0-9A-Z_a-z-]*|i([.0-9A-Z_abd-z-][.0-9A-Z_a-z-]*|c([.0-9A-Z_a-su-z-][.0-9A-Z_a-z-]*|t([.0-9A-Z_a-z-][.0-9A-Z_a-z-]*))?)?)?)?)?)?)?)?)?)/

let generic = [ indent . key generic_kw
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
