/* SPDX-License-Identifier: Apache-2.0 */
/* timeit: run a command many times; print the spread of its wall and CPU time and its peak
 * memory. Used by bench/run.sh (make bench); not installed, not part of make check.
 *
 * usage: timeit [-n RUNS] [-w WARMUP] [-x EXIT] [-p PREP] [-e STDERR] -- COMMAND [ARG...]
 *   -n RUNS    timed runs (default 30)
 *   -w WARMUP  untimed runs first (default 1)
 *   -x EXIT    the exit status every run must have (default 0); any other status is counted
 *              in "bad" and makes timeit exit 1
 *   -p PREP    a shell command run (untimed, through /bin/sh -c) before every run, e.g. to
 *              lay down a fresh copy of a fixture
 *   -e FILE    the last run's standard error goes to FILE (otherwise /dev/null)
 * COMMAND is started with posix_spawn, its output to /dev/null; the time is taken from just
 * before the spawn to the return of wait4. Its rusage (wait4) gives the CPU time (user +
 * system) and the peak RSS, which, as for /usr/bin/time -f %M, is the largest of the process
 * and the children it waited for (te-ntp-setup's chronyd -p).
 *
 * Output, one line: runs=N bad=N wall_med=MS wall_min=MS wall_p10=MS wall_p90=MS
 * wall_max=MS cpu_med=MS cpu_p10=MS cpu_p90=MS rss_kib=KIB (the largest over the runs). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


extern char **environ;

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The q-quantile of n sorted values, linearly interpolated. */
static double
quantile(const double *v, int n, double q)
{
    double pos = q * (n - 1);
    int i = (int)pos;

    if (i >= n - 1)
        return v[n - 1];
    return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

static int
run_shell(const char *cmd)
{
    pid_t pid;
    int status;
    char sh[] = "sh", c[] = "-c", *script = strdup(cmd);
    char *argv[] = { sh, c, script, NULL };
    int rc;

    if (!script)
        return -1;
    rc = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
    free(script);
    if (rc != 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* One run: wall ms, CPU ms, peak RSS KiB. The exit status, or -1. */
static int
run_once(char **argv, const char *errfile, double *wall, double *cpu, long *rss)
{
    posix_spawn_file_actions_t fa;
    struct rusage ru;
    pid_t pid;
    int status, rc;
    double t0, t1;

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, errfile ? errfile : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    t0 = now_ms();
    rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        fprintf(stderr, "timeit: %s: %s\n", argv[0], strerror(rc));
        return -1;
    }
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR)
            return -1;
    t1 = now_ms();
    *wall = t1 - t0;
    *cpu = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 +
           ru.ru_stime.tv_usec / 1e3;
    *rss = ru.ru_maxrss;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
main(int argc, char **argv)
{
    int runs = 30, warmup = 1, expect = 0, opt, bad = 0;
    const char *prep = NULL, *errfile = NULL;
    double *wall, *cpu;
    long rss_max = 0;

    while ((opt = getopt(argc, argv, "+n:w:x:p:e:")) != -1) {
        switch (opt) {
        case 'n': runs = atoi(optarg); break;
        case 'w': warmup = atoi(optarg); break;
        case 'x': expect = atoi(optarg); break;
        case 'p': prep = optarg; break;
        case 'e': errfile = optarg; break;
        default:
            fputs("usage: timeit [-n RUNS] [-w WARMUP] [-x EXIT] [-p PREP] [-e STDERR] -- "
                  "COMMAND [ARG...]\n", stderr);
            return 64;
        }
    }
    if (optind >= argc || runs < 1 || warmup < 0) {
        fputs("timeit: no command, or a bad count\n", stderr);
        return 64;
    }
    wall = calloc((size_t)runs, sizeof(*wall));
    cpu = calloc((size_t)runs, sizeof(*cpu));
    if (!wall || !cpu)
        return 70;
    for (int i = -warmup; i < runs; i++) {
        double w, c;
        long r;
        int st;

        if (prep && run_shell(prep) != 0) {
            fprintf(stderr, "timeit: the preparation failed: %s\n", prep);
            return 1;
        }
        st = run_once(argv + optind, i == runs - 1 ? errfile : NULL, &w, &c, &r);
        if (i < 0)
            continue;
        if (st != expect)
            bad++;
        wall[i] = w;
        cpu[i] = c;
        if (r > rss_max)
            rss_max = r;
    }
    qsort(wall, (size_t)runs, sizeof(*wall), cmp_double);
    qsort(cpu, (size_t)runs, sizeof(*cpu), cmp_double);
    printf("runs=%d bad=%d wall_med=%.2f wall_min=%.2f wall_p10=%.2f wall_p90=%.2f "
           "wall_max=%.2f cpu_med=%.2f cpu_p10=%.2f cpu_p90=%.2f rss_kib=%ld\n",
           runs, bad, quantile(wall, runs, 0.5), wall[0], quantile(wall, runs, 0.1),
           quantile(wall, runs, 0.9), wall[runs - 1], quantile(cpu, runs, 0.5),
           quantile(cpu, runs, 0.1), quantile(cpu, runs, 0.9), rss_max);
    free(wall);
    free(cpu);
    return bad ? 1 : 0;
}
