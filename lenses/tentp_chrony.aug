(* SPDX-License-Identifier: Apache-2.0 *)
(*
Module: Tentp_chrony
  A permissive lens for chrony's configuration: /etc/chrony.conf,
  /etc/chrony/chrony.conf and the drop-ins it reads (conf.d/*.conf,
  sources.d/*.sources, /etc/chrony.d/*.conf).

  Unlike the stock Chrony lens it accepts every directive, known or not:
  a directive chrony adds tomorrow parses as a generic node, so a file
  always round-trips byte for byte.

Tree:
  - comments ("!", ";", "#", "%" at the start of a line): #comment nodes
  - server|pool|peer HOST OPTIONS: a node labelled by the directive whose
    value is HOST; each option is a child in file order, a flag without a
    value (iburst, prefer, nts, ...) or an option with its value
    (minpoll = "6", key = "5", ...)
  - any other directive: a node labelled by the directive whose value is
    the rest of the line, verbatim (absent when the directive stands alone)

  Line ends: LF or CRLF. The last line needs its line end (te-ntp-setup hands
  Augeas a file without one with one added, and keeps the file as it was).
  Keywords are matched as written: chronyd reads them without case, and
  te-ntp-setup hands Augeas the directive and option words in lower case (the
  file keeps its spelling); parsed as is, SERVER is a generic directive.
*)
module Tentp_chrony =
  autoload xfm

(* A line ends in LF or CRLF, as chronyd reads it (new lines get LF; te-ntp-setup
   itself writes CRLF in a CRLF file). *)
let eol = Util.doseol
let indent = Util.indent
let space = Sep.space

let comment = Util.comment_generic /[ \t]*[!;#%][ \t]*/ "# "
let empty = Util.empty_generic /[ \t]*[!;#%]?[ \t]*\r?/

(* A word: anything but blanks and line ends. *)
let word = /[^ \t\r\n]+/

(* Source options that take a value; every other word is a flag. *)
let opt_valued = /minpoll|maxpoll|key|maxdelay|maxdelayratio|maxdelaydevratio|maxdelayquant|mindelay|asymmetry|offset|minsamples|maxsamples|filter|polltarget|port|presend|minstratum|version|extfield|certset|maxsources|maxunreach|ntsport/

(* A flag: any word that is not an option taking a value. The same
   language as  word - opt_valued  written out: Augeas would otherwise
   rebuild that difference (libfa) on every load and compile the big
   regexp it makes on every parse. Generated and checked equal to the
   difference by
     lenses/tools/complement.py opt_flag '[^ \t\r\n]' '[^ \t\r\n]' \
       minpoll maxpoll key maxdelay maxdelayratio maxdelaydevratio \
       maxdelayquant mindelay asymmetry offset minsamples \
       maxsamples filter polltarget port presend minstratum \
       version extfield certset maxsources maxunreach ntsport
   Regenerate it when opt_valued changes. *)
let opt_flag = /([^ \t\r\nacefkmnopv][^ \t\r\n]*|a([^ \t\r\ns][^ \t\r\n]*|s([^ \t\r\ny][^ \t\r\n]*|y([^ \t\r\nm][^ \t\r\n]*|m([^ \t\r\nm][^ \t\r\n]*|m([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\nr][^ \t\r\n]*|r([^ \t\r\ny][^ \t\r\n]*|y([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?)?)?)?|c([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\nr][^ \t\r\n]*|r([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\ns][^ \t\r\n]*|s([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?)?|e([^ \t\r\nx][^ \t\r\n]*|x([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\nf][^ \t\r\n]*|f([^ \t\r\ni][^ \t\r\n]*|i([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\nl][^ \t\r\n]*|l([^ \t\r\nd][^ \t\r\n]*|d([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?)?)?|f([^ \t\r\ni][^ \t\r\n]*|i([^ \t\r\nl][^ \t\r\n]*|l([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\nr][^ \t\r\n]*|r([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?|k([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\ny][^ \t\r\n]*|y([^ \t\r\n][^ \t\r\n]*))?)?|m([^ \t\r\nai][^ \t\r\n]*|a([^ \t\r\nx][^ \t\r\n]*|x([^ \t\r\ndpsu][^ \t\r\n]*|d([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\nl][^ \t\r\n]*|l([^ \t\r\na][^ \t\r\n]*|a([^ \t\r\ny][^ \t\r\n]*|y([^ \t\r\ndqr][^ \t\r\n]*|d([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\nv][^ \t\r\n]*|v([^ \t\r\nr][^ \t\r\n]*|r([^ \t\r\na][^ \t\r\n]*|a([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\ni][^ \t\r\n]*|i([^ \t\r\no][^ \t\r\n]*|o([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?)?)?|q([^ \t\r\nu][^ \t\r\n]*|u([^ \t\r\na][^ \t\r\n]*|a([^ \t\r\nn][^ \t\r\n]*|n([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\n][^ \t\r\n]*))?)?)?)?|r([^ \t\r\na][^ \t\r\n]*|a([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\ni][^ \t\r\n]*|i([^ \t\r\no][^ \t\r\n]*|o([^ \t\r\n][^ \t\r\n]*))?)?)?)?))?)?)?)?|p([^ \t\r\no][^ \t\r\n]*|o([^ \t\r\nl][^ \t\r\n]*|l([^ \t\r\nl][^ \t\r\n]*|l([^ \t\r\n][^ \t\r\n]*))?)?)?|s([^ \t\r\nao][^ \t\r\n]*|a([^ \t\r\nm][^ \t\r\n]*|m([^ \t\r\np][^ \t\r\n]*|p([^ \t\r\nl][^ \t\r\n]*|l([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\ns][^ \t\r\n]*|s([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?|o([^ \t\r\nu][^ \t\r\n]*|u([^ \t\r\nr][^ \t\r\n]*|r([^ \t\r\nc][^ \t\r\n]*|c([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\ns][^ \t\r\n]*|s([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?)?|u([^ \t\r\nn][^ \t\r\n]*|n([^ \t\r\nr][^ \t\r\n]*|r([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\na][^ \t\r\n]*|a([^ \t\r\nc][^ \t\r\n]*|c([^ \t\r\nh][^ \t\r\n]*|h([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?)?)?)?|i([^ \t\r\nn][^ \t\r\n]*|n([^ \t\r\ndps][^ \t\r\n]*|d([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\nl][^ \t\r\n]*|l([^ \t\r\na][^ \t\r\n]*|a([^ \t\r\ny][^ \t\r\n]*|y([^ \t\r\n][^ \t\r\n]*))?)?)?)?|p([^ \t\r\no][^ \t\r\n]*|o([^ \t\r\nl][^ \t\r\n]*|l([^ \t\r\nl][^ \t\r\n]*|l([^ \t\r\n][^ \t\r\n]*))?)?)?|s([^ \t\r\nat][^ \t\r\n]*|a([^ \t\r\nm][^ \t\r\n]*|m([^ \t\r\np][^ \t\r\n]*|p([^ \t\r\nl][^ \t\r\n]*|l([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\ns][^ \t\r\n]*|s([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?|t([^ \t\r\nr][^ \t\r\n]*|r([^ \t\r\na][^ \t\r\n]*|a([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\nu][^ \t\r\n]*|u([^ \t\r\nm][^ \t\r\n]*|m([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?)?)?)?)?|n([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\ns][^ \t\r\n]*|s([^ \t\r\np][^ \t\r\n]*|p([^ \t\r\no][^ \t\r\n]*|o([^ \t\r\nr][^ \t\r\n]*|r([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?)?|o([^ \t\r\nf][^ \t\r\n]*|f([^ \t\r\nf][^ \t\r\n]*|f([^ \t\r\ns][^ \t\r\n]*|s([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?|p([^ \t\r\nor][^ \t\r\n]*|o([^ \t\r\nlr][^ \t\r\n]*|l([^ \t\r\nl][^ \t\r\n]*|l([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\na][^ \t\r\n]*|a([^ \t\r\nr][^ \t\r\n]*|r([^ \t\r\ng][^ \t\r\n]*|g([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?)?)?|r([^ \t\r\nt][^ \t\r\n]*|t([^ \t\r\n][^ \t\r\n]*))?)?|r([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\ns][^ \t\r\n]*|s([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\nn][^ \t\r\n]*|n([^ \t\r\nd][^ \t\r\n]*|d([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?)?|v([^ \t\r\ne][^ \t\r\n]*|e([^ \t\r\nr][^ \t\r\n]*|r([^ \t\r\ns][^ \t\r\n]*|s([^ \t\r\ni][^ \t\r\n]*|i([^ \t\r\no][^ \t\r\n]*|o([^ \t\r\nn][^ \t\r\n]*|n([^ \t\r\n][^ \t\r\n]*))?)?)?)?)?)?)/

let source_option =
    [ space . key opt_valued . space . store word ]
  | [ space . key opt_flag ]

let source_kw = /server|pool|peer/

let source = [ indent . key source_kw . space . store word
               . source_option* . eol ]

(* Directive words: start with a letter, never a comment character. *)
(* The same language as  /[A-Za-z_][A-Za-z0-9_]*/ - source_kw  written out,
   generated and checked by
     lenses/tools/complement.py directive_kw '[A-Za-z_]' '[A-Za-z0-9_]' \
       server pool peer
   Regenerate it when source_kw changes. *)
let directive_kw = /([A-Z_a-oqrt-z][0-9A-Z_a-z]*|p([0-9A-Z_a-df-np-z][0-9A-Z_a-z]*|e([0-9A-Z_a-df-z][0-9A-Z_a-z]*|e([0-9A-Z_a-qs-z][0-9A-Z_a-z]*|r([0-9A-Z_a-z][0-9A-Z_a-z]*))?)?|o([0-9A-Z_a-np-z][0-9A-Z_a-z]*|o([0-9A-Z_a-km-z][0-9A-Z_a-z]*|l([0-9A-Z_a-z][0-9A-Z_a-z]*))?)?)?|s([0-9A-Z_a-df-z][0-9A-Z_a-z]*|e([0-9A-Z_a-qs-z][0-9A-Z_a-z]*|r([0-9A-Z_a-uw-z][0-9A-Z_a-z]*|v([0-9A-Z_a-df-z][0-9A-Z_a-z]*|e([0-9A-Z_a-qs-z][0-9A-Z_a-z]*|r([0-9A-Z_a-z][0-9A-Z_a-z]*))?)?)?)?)?)/

(* The raw rest of a line: starts and ends with a non-blank. *)
let rest = /[^ \t\r\n]([^\r\n]*[^ \t\r\n])?/

let directive = [ indent . key directive_kw . (space . store rest)? . eol ]

let lns = (empty | comment | source | directive)*

let filter = incl "/etc/chrony.conf"
           . incl "/etc/chrony/chrony.conf"
           . incl "/etc/chrony/conf.d/*.conf"
           . incl "/etc/chrony/sources.d/*.sources"
           . incl "/etc/chrony.d/*.conf"
           . incl "/etc/chrony.d/*.sources"

let xfm = transform lns filter
