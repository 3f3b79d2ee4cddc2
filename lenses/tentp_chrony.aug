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
*)
module Tentp_chrony =
  autoload xfm

let eol = Util.eol
let indent = Util.indent
let space = Sep.space

let comment = Util.comment_generic /[ \t]*[!;#%][ \t]*/ "# "
let empty = Util.empty_generic /[ \t]*[!;#%]?[ \t]*/

(* A word: anything but blanks and line ends. *)
let word = /[^ \t\r\n]+/

(* Source options that take a value; every other word is a flag. *)
let opt_valued = /minpoll|maxpoll|key|maxdelay|maxdelayratio|maxdelaydevratio|maxdelayquant|mindelay|asymmetry|offset|minsamples|maxsamples|filter|polltarget|port|presend|minstratum|version|extfield|certset|maxsources|maxunreach|ntsport/

let opt_flag = word - opt_valued

let source_option =
    [ space . key opt_valued . space . store word ]
  | [ space . key opt_flag ]

let source_kw = /server|pool|peer/

let source = [ indent . key source_kw . space . store word
               . source_option* . eol ]

(* Directive words: start with a letter, never a comment character. *)
let directive_kw = /[A-Za-z_][A-Za-z0-9_]*/ - source_kw

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
