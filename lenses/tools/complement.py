#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Print an Augeas regexp for  FIRST REST* - (WORD|WORD|...)  written out as a trie.

A lens that says `key (/[^ \\t\\n#]+/ - /minpoll|maxpoll|.../)` makes Augeas build the
difference with libfa (a DFA, then back to a regexp) every time the module is loaded, and
glibc then compiles that regexp on every aug_text_store/aug_text_retrieve (Augeas frees its
compiled regexps after each). Written out once, the same language costs a fraction of that:
for Tentp_ntp the load and parse of ntp.conf went from 134 to 58 million instructions.

The output is checked against the difference itself with libfa (fa_minus, fa_equals) before
it is printed: the two are the same language, or this exits 1. Maintainer tool; the build
does not run it.

usage: complement.py NAME FIRST REST WORD...
  FIRST, REST: bracket expressions, [^...] or [...] with ranges, e.g. '[^ \\t\\n#]'
  e.g.  lenses/tools/complement.py restrict_flag '[^ \\t\\n#]' '[^ \\t\\n#]' mask ippeerlimit ipv4 ipv6
"""
import ctypes
import ctypes.util
import sys


def unescape(s):
    return s.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r")


def parse_bracket(b):
    """'[^ \\t\\n#]' -> ('neg', ' \\t\\n#'); '[A-Za-z0-9_.-]' -> ('pos', set of chars)."""
    if not (b.startswith("[") and b.endswith("]")):
        sys.exit("complement.py: %s is not a bracket expression" % b)
    inner = b[1:-1]
    if inner.startswith("^"):
        return ("neg", inner[1:])
    chars, i = set(), 0
    while i < len(inner):
        if i + 2 < len(inner) and inner[i + 1] == "-":
            chars.update(chr(x) for x in range(ord(inner[i]), ord(inner[i + 2]) + 1))
            i += 3
        else:
            chars.add(inner[i])
            i += 1
    return ("pos", chars)


def bracket(spec, excl):
    kind, base = spec
    if kind == "neg":
        return "[^" + base + "".join(sorted(excl)) + "]"
    s = sorted(base - set(excl), key=ord)
    dash = "-" in s
    s = [c for c in s if c != "-"]
    out, i = "", 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and ord(s[j + 1]) == ord(s[j]) + 1:
            j += 1
        out += s[i] + "-" + s[j] if j - i >= 2 else "".join(s[i:j + 1])
        i = j + 1
    return "[" + out + ("-" if dash else "") + "]"


def escape(c):
    return "\\" + c if c in ".|()[]*+?\\/^$" else c


def complement(words, first, rest):
    trie = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    star = bracket(rest, "") + "*"

    def walk(node, depth):
        kids = sorted(k for k in node if k)
        # a character no word continues with here, then anything; or a word's next character
        alts = [bracket(first if depth == 0 else rest, kids) + star]
        alts += [escape(k) + walk(node[k], depth + 1) for k in kids]
        body = "(" + "|".join(alts) + ")"
        # a proper prefix of a word is itself allowed (but not the empty string)
        if depth > 0 and "" not in node:
            body += "?"
        return body

    return walk(trie, 0)


def check(first, rest, words, regexp):
    lib = ctypes.CDLL(ctypes.util.find_library("fa") or "libfa.so.1")
    lib.fa_minus.restype = ctypes.c_void_p
    lib.fa_minus.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.fa_equals.argtypes = [ctypes.c_void_p, ctypes.c_void_p]

    def fa(re):
        raw = unescape(re).encode()
        out = ctypes.c_void_p()
        if lib.fa_compile(raw, ctypes.c_size_t(len(raw)), ctypes.byref(out)) != 0:
            sys.exit("complement.py: libfa cannot compile %s" % re)
        return out.value

    base = fa(first + rest + "*")
    diff = lib.fa_minus(base, fa("|".join(escape_word(w) for w in words)))
    return lib.fa_equals(diff, fa(regexp)) == 1


def escape_word(w):
    return "".join(escape(c) for c in w)


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    name, first_b, rest_b, words = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    regexp = complement(words, parse_bracket(first_b), parse_bracket(rest_b))
    if not check(first_b, rest_b, words, regexp):
        sys.exit("complement.py: the regexp is not the difference; not printed")
    print("let %s = /%s/" % (name, regexp))


if __name__ == "__main__":
    main()
