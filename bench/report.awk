# SPDX-License-Identifier: Apache-2.0
# bench/report.awk: the records of bench/run.sh -> a plain table on stdout and JSON in `out`.
# A record: KIND NAME CASE key=value ... (timeit's fields, ir=instructions, offset=s, or
# meta fields with ~ for spaces).
function num(x) { return x == "" ? "null" : x + 0 }
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function ms(x) { return x == "" ? "-" : sprintf("%.1f", x) }
function mib(k) { return k == "" ? "-" : sprintf("%.1f", k / 1024) }
function mir(n) { return n == "" ? "-" : sprintf("%.1f", n / 1e6) }
function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "" : sprintf("%.2f", a / b) }
function abs(x) { return x < 0 ? -x : x }
function get(k, n, c, f) { return ((k SUBSEP n SUBSEP c SUBSEP f) in v) ? v[k, n, c, f] : "" }
function spread(k, n, c) {
    if (get(k, n, c, "wall_med") == "") return sprintf("%-24s", "-")
    return sprintf("%6s [%5s-%6s]%s", ms(get(k, n, c, "wall_med")), ms(get(k, n, c, "wall_p10")),
                   ms(get(k, n, c, "wall_p90")), get(k, n, c, "bad") + 0 ? "!" : " ")
}
function jcase(k, n, c,   s) {
    if (get(k, n, c, "runs") == "" && get(k, n, c, "ir") == "") return "null"
    s = "{\"runs\":" num(get(k, n, c, "runs")) ",\"failed_runs\":" num(get(k, n, c, "bad"))
    s = s ",\"wall_ms\":{\"median\":" num(get(k, n, c, "wall_med")) ",\"min\":" num(get(k, n, c, "wall_min"))
    s = s ",\"p10\":" num(get(k, n, c, "wall_p10")) ",\"p90\":" num(get(k, n, c, "wall_p90"))
    s = s ",\"max\":" num(get(k, n, c, "wall_max")) "}"
    s = s ",\"cpu_ms\":{\"median\":" num(get(k, n, c, "cpu_med")) ",\"p10\":" num(get(k, n, c, "cpu_p10"))
    s = s ",\"p90\":" num(get(k, n, c, "cpu_p90")) "}"
    s = s ",\"max_rss_kib\":" num(get(k, n, c, "rss_kib")) ",\"instructions\":" num(get(k, n, c, "ir")) "}"
    return s
}
function median(arr, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && arr[j - 1] > arr[j]; j--) { t = arr[j]; arr[j] = arr[j - 1]; arr[j - 1] = t }
    return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
}

{
    kind = $1; name = $2; c = $3
    if (kind == "apply" && !(name in seen)) { seen[name] = 1; order[++nfix] = name }
    if (kind == "scale" && !(("scale" SUBSEP name) in seen)) { seen["scale", name] = 1; sorder[++nscale] = name }
    if (kind == "accuracy") {
        split($4, kv, "="); acc[name, ++nacc[name]] = kv[2] - 754.3
        if (!(name in accseen)) { accseen[name] = 1; accorder[++ntool] = name }
        next
    }
    for (i = 4; i <= NF; i++) {
        p = index($i, "="); if (!p) continue
        key = substr($i, 1, p - 1); val = substr($i, p + 1); gsub(/~/, " ", val)
        v[kind, name, c, key] = val
    }
}

END {
    printf "te-ntp-setup benchmark, %s, revision %s\n", date, rev
    printf "machine: %s x%s, %s, %s, kernel %s, augeas %s; load average %s before, %s after\n",
           cpu, ncpu, mem, os, kernel, aug, load1, load2
    printf "wall = elapsed ms, median [p10-p90] of %d runs (augtool with every lens and chronyd -Q: %d);\n", runs, slow
    printf "cpu = user+system ms (median); RSS = peak MiB (process and waited-for children);\n"
    printf "Ir = instructions of one run (valgrind callgrind, millions; children not counted).\n"
    printf "! = some runs did not exit as expected.\n\n"

    printf "1. te-ntp-setup --root FIXTURE -s ntp1.example.com -s ntp2.example.com --no-verify\n"
    printf "   change = fresh copy each run; checked = the daemon's parser found (validator), unchecked =\n"
    printf "   TE_NTP_SETUP_SBIN=empty dir, so it is not; no change = the second run, again and again.\n"
    printf "%-19s %-10s %-24s %6s %6s %7s  %s\n", "fixture", "case", "wall ms", "cpu", "RSS", "Ir M", "validator"
    split("change_validate change_novalidate nochange", cases, " ")
    split("changed,checked changed nochange", labels, " ")
    maxnc = 0; maxrss = 0; maxratio = 0; maxiratio = 0
    for (f = 1; f <= nfix; f++) {
        n = order[f]
        for (i = 1; i <= 3; i++) {
            c = cases[i]
            printf "%-19s %-10s %s %6s %6s %7s  %s\n", i == 1 ? n : "", labels[i], spread("apply", n, c),
                   ms(get("apply", n, c, "cpu_med")), mib(get("apply", n, c, "rss_kib")),
                   mir(get("apply", n, c, "ir")), i == 1 ? get("meta", n, "-", "validator") : ""
            if (get("apply", n, c, "rss_kib") + 0 > maxrss) maxrss = get("apply", n, c, "rss_kib") + 0
        }
        if (get("apply", n, "nochange", "wall_med") + 0 > maxnc) { maxnc = get("apply", n, "nochange", "wall_med") + 0; maxncname = n }
        if (get("apply", n, "nochange", "cpu_med") + 0 > maxnccpu) { maxnccpu = get("apply", n, "nochange", "cpu_med") + 0; maxnccpuname = n }
        if (get("apply", n, "nochange", "wall_min") + 0 > maxncmin) { maxncmin = get("apply", n, "nochange", "wall_min") + 0; maxncminname = n }
    }

    printf "\n2. Side by side, the same edit with the stock lens: augtool -A -r ROOT --transform 'LENS incl\n"
    printf "   FILE' -f EDIT (one lens, the floor of any Augeas-based tool) and augtool -r ROOT -f EDIT (every\n"
    printf "   lens autoloaded). ratio = te-ntp-setup no change / augtool one lens no change.\n"
    printf "%-19s %-24s %-24s %-24s %7s %7s  %s\n", "fixture", "te-ntp-setup no change", "augtool 1 lens no chg",
           "augtool all, no change", "wall x", "Ir x", "Ir M te / 1 lens"
    for (f = 1; f <= nfix; f++) {
        n = order[f]
        if (get("meta", n, "-", "augtool") != "") {
            printf "%-19s %s %s\n", n, spread("apply", n, "nochange"), get("meta", n, "-", "augtool")
            continue
        }
        rw = ratio(get("apply", n, "nochange", "wall_med"), get("augtool_lens", n, "nochange", "wall_med"))
        ri = ratio(get("apply", n, "nochange", "ir"), get("augtool_lens", n, "nochange", "ir"))
        ratios[n] = rw; iratios[n] = ri
        if (rw != "" && rw + 0 > maxratio) { maxratio = rw + 0; maxrationame = n }
        if (ri != "" && ri + 0 > maxiratio) { maxiratio = ri + 0; maxiration = n }
        printf "%-19s %s %s %s %7s %7s  %s / %s\n", n, spread("apply", n, "nochange"),
               spread("augtool_lens", n, "nochange"), spread("augtool_all", n, "nochange"),
               rw == "" ? "-" : rw, ri == "" ? "-" : ri, mir(get("apply", n, "nochange", "ir")),
               mir(get("augtool_lens", n, "nochange", "ir"))
    }
    printf "%-19s %-24s %-24s %-24s\n", "(changing run)", "", "", ""
    for (f = 1; f <= nfix; f++) {
        n = order[f]
        if (get("meta", n, "-", "augtool") != "") continue
        printf "%-19s %s %s %s\n", n, spread("apply", n, "change_novalidate"),
               spread("augtool_lens", n, "change"), spread("augtool_all", n, "change")
    }
    for (f = 1; f <= nfix; f++)
        if (get("augtool_all", order[f], "nochange", "ir") != "")
            printf "augtool with every lens, one run: %s M instructions (%s)\n",
                   mir(get("augtool_all", order[f], "nochange", "ir")), order[f]

    printf "\n3. te-ntp-setup check against 4 local ntp-test-server instances\n"
    printf "%-44s %-24s %6s %6s\n", "", "wall ms", "cpu", "RSS"
    printf "%-44s %s %6s %6s  Ir %s M\n", "te-ntp-setup check 127.0.0.1:P1 .. :P4", spread("check", "four", "te-ntp-setup"),
           ms(get("check", "four", "te-ntp-setup", "cpu_med")), mib(get("check", "four", "te-ntp-setup", "rss_kib")),
           mir(get("check", "four", "te-ntp-setup", "ir"))
    printf "%-44s %s %6s %6s\n", "chronyd -Q, 4 x 'server 127.0.0.1 port P iburst'", spread("check", "four", "chronyd_Q"),
           ms(get("check", "four", "chronyd_Q", "cpu_med")), mib(get("check", "four", "chronyd_Q", "rss_kib"))
    if (get("check", "ns", "ntpdig", "runs") != "") {
        printf "in a network namespace, 4 servers on 127.0.0.1-4 port 123:\n"
        printf "%-44s %s %6s %6s\n", "te-ntp-setup check 127.0.0.1 .. 127.0.0.4", spread("check", "ns", "te-ntp-setup"),
               ms(get("check", "ns", "te-ntp-setup", "cpu_med")), mib(get("check", "ns", "te-ntp-setup", "rss_kib"))
        printf "%-44s %s %6s %6s\n", "ntpdig -t 2 127.0.0.1 .. 127.0.0.4", spread("check", "ns", "ntpdig"),
               ms(get("check", "ns", "ntpdig", "cpu_med")), mib(get("check", "ns", "ntpdig", "rss_kib"))
        printf "%-44s %s %6s %6s\n", "chronyd -Q, 4 x 'server 127.0.0.X iburst'", spread("check", "ns", "chronyd_Q"),
               ms(get("check", "ns", "chronyd_Q", "cpu_med")), mib(get("check", "ns", "chronyd_Q", "rss_kib"))
    } else {
        printf "ntpdig: not measured (%s)\n", get("meta", "ntpdig", "-", "skipped")
    }
    printf "error against a server 754.3 s ahead (measured - 754.3 s), microseconds:\n"
    printf "%-44s %4s %10s %10s %10s\n", "", "n", "median", "min", "max"
    for (t = 1; t <= ntool; t++) {
        tool = accorder[t]; n = nacc[tool]; lo = hi = acc[tool, 1]
        for (i = 1; i <= n; i++) { e[i] = acc[tool, i]; if (e[i] < lo) lo = e[i]; if (e[i] > hi) hi = e[i] }
        med = median(e, n); accmed[tool] = med; acclo[tool] = lo; acchi[tool] = hi
        printf "%-44s %4d %10.1f %10.1f %10.1f\n", tool, n, med * 1e6, lo * 1e6, hi * 1e6
    }

    # the targets
    chk = get("check", "four", "te-ntp-setup", "wall_med")
    t1 = maxratio != 0 && maxratio <= 1.5
    t2 = maxnc != 0 && maxnc < 30
    t3 = maxrss != 0 && maxrss < 16 * 1024
    t4 = chk != "" && chk + 0 < 5
    if (nscale) {
        printf "\n4. Scale: te-ntp-setup --root ROOT ... --no-verify on generated inputs (no daemon check)\n"
        printf "%-26s %-10s %-24s %8s %8s\n", "input", "case", "wall ms", "cpu ms", "RSS MiB"
        for (i = 1; i <= nscale; i++) {
            n = sorder[i]
            printf "%-26s %-10s %s %8s %8s\n", n, "change", spread("scale", n, "change"),
                   ms(get("scale", n, "change", "cpu_med")), mib(get("scale", n, "change", "rss_kib"))
            printf "%-26s %-10s %s %8s %8s\n", "", "no change", spread("scale", n, "nochange"),
                   ms(get("scale", n, "nochange", "cpu_med")), mib(get("scale", n, "nochange", "rss_kib"))
            if (get("scale", n, "floor", "runs") != "")
                printf "%-26s %-10s %s %8s %8s\n", "", "floor", spread("scale", n, "floor"),
                       ms(get("scale", n, "floor", "cpu_med")), mib(get("scale", n, "floor", "rss_kib"))
            if (get("scale", n, "augfloor", "runs") != "")
                printf "%-26s %-10s %s %8s %8s\n", "", "aug floor", spread("scale", n, "augfloor"),
                       ms(get("scale", n, "augfloor", "cpu_med")), mib(get("scale", n, "augfloor", "rss_kib"))
        }
        printf "floor = the same files only rewritten crash-safe (bench/writefloor: temporary file,\n"
        printf "fsync, rename; no backup, no journal), the least any tool changing them must do;\n"
        printf "aug floor = the files only parsed by Augeas (bench/augfloor: aug_set, aug_text_store),\n"
        printf "the least any Augeas-based tool reading them must do.\n"
    }
    printf "\nTargets:\n"
    printf "  no change within 1.5x of augtool with one lens: %s (worst wall ratio %.2f, %s; worst Ir ratio %s)\n",
           t1 ? "met" : "MISSED", maxratio, maxrationame,
           maxiratio ? sprintf("%.2f, %s", maxiratio, maxiration) : "not counted"
    printf "  no change under 30 ms: %s (worst median wall %.1f ms, %s; worst median CPU %.1f ms, %s;\n", t2 ? "met" : "MISSED", maxnc, maxncname, maxnccpu, maxnccpuname
    printf "    worst fastest run %.1f ms, %s; the wall times depend on the load, see above)\n", maxncmin, maxncminname
    printf "  peak RSS under 16 MiB: %s (largest %.1f MiB, any apply case)\n", t3 ? "met" : "MISSED", maxrss / 1024
    printf "  check of 4 local servers in one round trip + a few ms (< 5 ms): %s (median %.1f ms)\n",
           t4 ? "met" : "MISSED", chk

    # JSON
    printf "{\"date\":%s,\"revision\":%s,", jstr(date), jstr(rev) > out
    printf "\"machine\":{\"cpu\":%s,\"cpus\":%s,\"memory\":%s,\"os\":%s,\"kernel\":%s,\"augeas\":%s,\"load_before\":%s,\"load_after\":%s},",
           jstr(cpu), num(ncpu), jstr(mem), jstr(os), jstr(kernel), jstr(aug), jstr(load1), jstr(load2) > out
    printf "\"runs\":%d,\"slow_runs\":%d,\"apply\":[", runs, slow > out
    for (f = 1; f <= nfix; f++) {
        n = order[f]
        printf "%s{\"fixture\":%s,\"config\":%s,\"validator\":%s,", (f > 1 ? "," : ""), jstr(n),
               jstr(get("meta", n, "-", "conf")), jstr(get("meta", n, "-", "validator")) > out
        printf "\"change_checked\":%s,\"change_unchecked\":%s,\"nochange\":%s,", jcase("apply", n, "change_validate"),
               jcase("apply", n, "change_novalidate"), jcase("apply", n, "nochange") > out
        printf "\"augtool_one_lens\":{\"change\":%s,\"nochange\":%s},", jcase("augtool_lens", n, "change"),
               jcase("augtool_lens", n, "nochange") > out
        printf "\"augtool_all_lenses\":{\"change\":%s,\"nochange\":%s},", jcase("augtool_all", n, "change"),
               jcase("augtool_all", n, "nochange") > out
        printf "\"augtool_note\":%s,", get("meta", n, "-", "augtool") == "" ? "null" : jstr(get("meta", n, "-", "augtool")) > out
        printf "\"ratio_nochange_to_augtool_one_lens\":{\"wall\":%s,\"instructions\":%s}}", num(ratios[n]), num(iratios[n]) > out
    }
    printf "],\"check\":{\"four_ports\":{\"te_ntp_setup\":%s,\"chronyd_Q\":%s},", jcase("check", "four", "te-ntp-setup"),
           jcase("check", "four", "chronyd_Q") > out
    printf "\"four_netns_port_123\":{\"te_ntp_setup\":%s,\"ntpdig\":%s,\"chronyd_Q\":%s},", jcase("check", "ns", "te-ntp-setup"),
           jcase("check", "ns", "ntpdig"), jcase("check", "ns", "chronyd_Q") > out
    printf "\"error_vs_754_3_s_us\":{" > out
    for (t = 1; t <= ntool; t++)
        printf "%s%s:{\"n\":%d,\"median\":%.1f,\"min\":%.1f,\"max\":%.1f}", (t > 1 ? "," : ""), jstr(accorder[t]),
               nacc[accorder[t]], accmed[accorder[t]] * 1e6, acclo[accorder[t]] * 1e6, acchi[accorder[t]] * 1e6 > out
    printf "}},\"scale\":{" > out
    for (i = 1; i <= nscale; i++)
        printf "%s%s:{\"change\":%s,\"nochange\":%s,\"floor\":%s,\"augeas_floor\":%s}", (i > 1 ? "," : ""), jstr(sorder[i]),
               jcase("scale", sorder[i], "change"), jcase("scale", sorder[i], "nochange"),
               jcase("scale", sorder[i], "floor"), jcase("scale", sorder[i], "augfloor") > out
    printf "},\"targets\":{\"nochange_within_1_5x_augtool_one_lens\":{\"met\":%s,\"worst_wall_ratio\":%s,\"worst_instruction_ratio\":%s},",
           t1 ? "true" : "false", num(maxratio), num(maxiratio) > out
    printf "\"nochange_under_30_ms\":{\"met\":%s,\"worst_median_ms\":%s,\"worst_median_cpu_ms\":%s,\"worst_min_ms\":%s},", t2 ? "true" : "false", num(maxnc), num(maxnccpu), num(maxncmin) > out
    printf "\"peak_rss_under_16_mib\":{\"met\":%s,\"largest_kib\":%s},", t3 ? "true" : "false", num(maxrss) > out
    printf "\"check_4_servers_under_5_ms\":{\"met\":%s,\"median_ms\":%s}}}\n", t4 ? "true" : "false", num(chk) > out
    close(out)
    printf "\nJSON: %s\n", out
}
