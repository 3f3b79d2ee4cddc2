/* SPDX-License-Identifier: Apache-2.0 */
/* test_spawn: spawn_run runs absolute paths with a fixed environment, captures both outputs,
 * reads nothing from the caller's stdin and stops children at the timeout. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "paths.h"
#include "spawn.h"

#include "cunit_main.h"

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_spawn_captures_output(void)
{
    const char *argv[] = { "/bin/echo", "hello", "world", NULL };
    struct spawn_result res;

    TE_ASSERT_INT_EQ(spawn_run(argv, NULL, 5000, &res), 0);
    TE_ASSERT_STR_EQ(res.out.buf, "hello world\n");
    TE_ASSERT_STR_EQ(res.err.buf, "");
    TE_ASSERT_INT_EQ(res.exit_code, 0);
    TE_ASSERT_INT_EQ(res.signal, 0);
    CU_ASSERT_FALSE(res.timed_out);
    TE_ASSERT_INT_EQ(res.spawn_errno, 0);
    spawn_result_free(&res);
}

static void
test_spawn_exit_status(void)
{
    const char *argv[] = { "/bin/sh", "-c", "exit 3", NULL };
    struct spawn_result res;
    char *how;

    TE_ASSERT_INT_EQ(spawn_run(argv, NULL, 5000, &res), 1);
    TE_ASSERT_INT_EQ(res.exit_code, 3);
    TE_ASSERT_INT_EQ(res.signal, 0);
    CU_ASSERT_FALSE(res.timed_out);
    TE_ASSERT_INT_EQ(res.spawn_errno, 0);
    how = spawn_describe(&res);
    TE_ASSERT_STR_EQ(how, "exited with status 3");
    free(how);
    spawn_result_free(&res);
}

static void
test_spawn_stderr_separate(void)
{
    const char *argv[] = { "/bin/sh", "-c", "echo to-out; echo to-err >&2; echo more-out", NULL };
    struct spawn_result res;

    TE_ASSERT_INT_EQ(spawn_run(argv, NULL, 5000, &res), 0);
    TE_ASSERT_STR_EQ(res.out.buf, "to-out\nmore-out\n");
    TE_ASSERT_STR_EQ(res.err.buf, "to-err\n");
    spawn_result_free(&res);
}

static void
test_spawn_fixed_environment(void)
{
    const char *argv[] = { "/usr/bin/env", NULL };
    struct spawn_result res;

    setenv("TE_SECRET", "1", 1);
    setenv("LD_LIBRARY_PATH", "/nonexistent", 1);
    TE_ASSERT_INT_EQ(spawn_run(argv, NULL, 5000, &res), 0);
    unsetenv("TE_SECRET");
    unsetenv("LD_LIBRARY_PATH");
    TE_ASSERT_STR_EQ(res.out.buf, "PATH=" SPAWN_PATH "\nLC_ALL=C\n");
    TE_ASSERT_NOT_CONTAINS(res.out.buf, "TE_SECRET");
    TE_ASSERT_NOT_CONTAINS(res.out.buf, "LD_LIBRARY_PATH");
    spawn_result_free(&res);
}

static void
test_spawn_extra_env(void)
{
    const char *argv[] = { "/usr/bin/env", NULL };
    const char *env[] = { "TE_ONE=1", "TE_TWO=two words", NULL };
    struct spawn_result res;

    TE_ASSERT_INT_EQ(spawn_run(argv, env, 5000, &res), 0);
    TE_ASSERT_STR_EQ(res.out.buf, "PATH=" SPAWN_PATH "\nLC_ALL=C\nTE_ONE=1\nTE_TWO=two words\n");
    spawn_result_free(&res);
}

static void
test_spawn_relative_path_refused(void)
{
    const char *argv[] = { "echo", "hi", NULL };
    const char *dot[] = { "./echo", NULL };
    const char *none[] = { NULL };
    struct spawn_result res;

    TE_ASSERT_INT_EQ(spawn_run(argv, NULL, 5000, &res), -1);
    TE_ASSERT_INT_EQ(res.spawn_errno, EINVAL);
    TE_ASSERT_STR_EQ(res.out.buf, "");
    spawn_result_free(&res);
    TE_ASSERT_INT_EQ(spawn_run(dot, NULL, 5000, &res), -1);
    TE_ASSERT_INT_EQ(res.spawn_errno, EINVAL);
    spawn_result_free(&res);
    TE_ASSERT_INT_EQ(spawn_run(none, NULL, 5000, &res), -1);
    TE_ASSERT_INT_EQ(res.spawn_errno, EINVAL);
    spawn_result_free(&res);
    TE_ASSERT_INT_EQ(spawn_run(NULL, NULL, 5000, &res), -1);
    TE_ASSERT_INT_EQ(res.spawn_errno, EINVAL);
    spawn_result_free(&res);
}

/* A program that cannot be executed is reported in one of the two ways POSIX allows:
 * posix_spawn itself fails (glibc 2.24 and later, natively: -1 with spawn_errno), or the
 * child's exec fails and it exits with 127 (glibc under valgrind, whose clone emulation
 * cannot hand the exec error back). Either way nothing ran and no output was produced. */
static void
assert_not_started(int rc, const struct spawn_result *res, int err)
{
    char *how = spawn_describe(res);

    if (rc == -1) {
        TE_ASSERT_INT_EQ(res->spawn_errno, err);
        TE_ASSERT_INT_EQ(res->exit_code, -1);
        TE_ASSERT_CONTAINS(how, "could not be started: ");
        TE_ASSERT_CONTAINS(how, strerror(err));
    } else {
        TE_ASSERT_INT_EQ(rc, 1);
        TE_ASSERT_INT_EQ(res->spawn_errno, 0);
        TE_ASSERT_INT_EQ(res->exit_code, 127);
        TE_ASSERT_STR_EQ(how, "exited with status 127");
    }
    CU_ASSERT_FALSE(res->timed_out);
    TE_ASSERT_STR_EQ(res->out.buf, "");
    free(how);
}

static void
test_spawn_missing_program(void)
{
    char *missing = te_path(te_tmpdir(), "no-such-program");
    const char *argv[] = { missing, NULL };
    struct spawn_result res;
    int rc = spawn_run(argv, NULL, 5000, &res);

    assert_not_started(rc, &res, ENOENT);
    spawn_result_free(&res);
    free(missing);
}

static void
test_spawn_not_executable(void)
{
    char *path = te_path(te_tmpdir(), "plain-file");
    const char *argv[] = { path, NULL };
    struct spawn_result res;
    FILE *f = fopen(path, "w");
    int rc;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("#!/bin/sh\necho should not run\n", f);
    fclose(f);
    /* No execute bit: the kernel refuses it, to root as well. */
    chmod(path, 0644);
    rc = spawn_run(argv, NULL, 5000, &res);
    assert_not_started(rc, &res, EACCES);
    spawn_result_free(&res);
    free(path);
}

static void
test_spawn_stdin_is_dev_null(void)
{
    const char *argv[] = { "/bin/cat", NULL };
    struct spawn_result res;
    double t0 = now_s();

    TE_ASSERT_INT_EQ(spawn_run(argv, NULL, 10000, &res), 0);
    CU_ASSERT_TRUE(now_s() - t0 < 4.0);
    CU_ASSERT_FALSE(res.timed_out);
    TE_ASSERT_STR_EQ(res.out.buf, "");
    spawn_result_free(&res);
}

static void
test_spawn_timeout(void)
{
    const char *argv[] = { "/bin/sleep", "5", NULL };
    struct spawn_result res;
    double t0 = now_s(), elapsed;
    char *how;

    TE_ASSERT_INT_EQ(spawn_run(argv, NULL, 200, &res), 1);
    elapsed = now_s() - t0;
    CU_ASSERT_TRUE(res.timed_out);
    /* A bound for correctness (it did not wait for sleep to end), not a benchmark. */
    te_assert_msg(elapsed < 4.0, __LINE__, __FILE__, false, "took %.2f s", elapsed);
    TE_ASSERT_INT_EQ(res.signal, SIGTERM);
    TE_ASSERT_INT_EQ(res.exit_code, -1);
    how = spawn_describe(&res);
    TE_ASSERT_STR_EQ(how, "timed out and was stopped");
    free(how);
    spawn_result_free(&res);
}

/* True when pid is gone or a zombie waiting for its new parent (it can no longer run). */
static bool
process_ended(pid_t pid)
{
    char path[64], state = '?';
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    f = fopen(path, "r");
    if (!f)
        return true;
    if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
        state = '?';
    fclose(f);
    return state == 'Z' || state == 'X';
}

static void
test_spawn_kills_term_ignoring_child(void)
{
    /* The shell and its sleep both ignore TERM; the sleep's pid comes first on stdout. */
    const char *argv[] = { "/bin/sh", "-c", "trap '' TERM; /bin/sleep 10 & echo $!; wait", NULL };
    struct spawn_result res;
    double t0 = now_s(), elapsed;
    long grandchild;

    TE_ASSERT_INT_EQ(spawn_run(argv, NULL, 200, &res), 1);
    elapsed = now_s() - t0;
    CU_ASSERT_TRUE(res.timed_out);
    TE_ASSERT_INT_EQ(res.signal, SIGKILL);
    /* TERM at 0.2 s, KILL after the grace period: far sooner than the 10 s sleep. */
    te_assert_msg(elapsed < 6.0, __LINE__, __FILE__, false, "took %.2f s", elapsed);
    /* The whole process group was killed, not only the shell. */
    grandchild = strtol(res.out.buf, NULL, 10);
    CU_ASSERT_TRUE(grandchild > 1);
    if (grandchild > 1) {
        bool ended = false;

        for (int i = 0; i < 200 && !ended; i++) {
            ended = process_ended((pid_t)grandchild);
            if (!ended)
                usleep(10000);
        }
        te_assert_msg(ended, __LINE__, __FILE__, false, "sleep %ld still runs", grandchild);
        if (!ended)
            kill((pid_t)grandchild, SIGKILL);
    }
    spawn_result_free(&res);
}

static void
test_spawn_output_bounded(void)
{
    /* 3 MB on stdout: the capture stops at its bound but the child is not blocked. */
    const char *argv[] = { "/bin/sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x", NULL };
    struct spawn_result res;

    TE_ASSERT_INT_EQ(spawn_run(argv, NULL, 20000, &res), 0);
    CU_ASSERT_FALSE(res.timed_out);
    CU_ASSERT_TRUE(res.out.len > 0);
    CU_ASSERT_TRUE(res.out.len <= 1024 * 1024);
    spawn_result_free(&res);
}

static void
test_spawn_find_program(void)
{
    char *sh;

    unsetenv("TE_NTP_SETUP_SBIN");
    sh = spawn_find_program("sh");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sh);
    CU_ASSERT_EQUAL(sh[0], '/');
    TE_ASSERT_STR_EQ(strrchr(sh, '/'), "/sh");
    CU_ASSERT_TRUE(is_executable(sh));
    free(sh);
    CU_ASSERT_PTR_NULL(spawn_find_program("te-ntp-setup-no-such-program"));
}

static void
write_script(const char *path, mode_t mode)
{
    FILE *f = fopen(path, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("#!/bin/sh\necho fake\n", f);
    fclose(f);
    chmod(path, mode);
}

static void
test_spawn_find_program_sbin_override(void)
{
    const char *dir = te_tmpdir();
    char *first = te_path(dir, "first"), *second = te_path(dir, "second");
    char *fake_first = te_path(first, "sh"), *fake_second = te_path(second, "sh");
    char *dirs = malloc(strlen(first) + strlen(second) + 32);
    char *found;

    mkdir(first, 0755);
    mkdir(second, 0755);
    write_script(fake_first, 0644);        /* not executable: skipped */
    write_script(fake_second, 0755);

    /* A relative entry is ignored, the non-executable one is skipped. */
    sprintf(dirs, "relative:%s:%s", first, second);
    setenv("TE_NTP_SETUP_SBIN", dirs, 1);
    found = spawn_find_program("sh");
    TE_ASSERT_STR_EQ(found, fake_second);
    free(found);

    /* A name only in the override directory. */
    {
        char *only = te_path(first, "te-fake-chronyd");

        write_script(only, 0755);
        found = spawn_find_program("te-fake-chronyd");
        TE_ASSERT_STR_EQ(found, only);
        free(found);
        free(only);
    }

    /* Without the variable the system's sh is found again. */
    unsetenv("TE_NTP_SETUP_SBIN");
    found = spawn_find_program("sh");
    CU_ASSERT_PTR_NOT_NULL(found);
    if (found)
        TE_ASSERT_NOT_CONTAINS(found, dir);
    free(found);
    free(dirs);
    free(first);
    free(second);
    free(fake_first);
    free(fake_second);
}

static void
test_spawn_runs_found_program(void)
{
    const char *dir = te_tmpdir();
    char *script = te_path(dir, "te-fake-tool");
    const char *argv[] = { NULL, "a b", NULL };
    struct spawn_result res;
    FILE *f = fopen(script, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("#!/bin/sh\nprintf '%s|' \"$#\" \"$1\"\n", f);
    fclose(f);
    chmod(script, 0755);
    argv[0] = script;
    /* Arguments are passed as they are: no shell splits them. */
    TE_ASSERT_INT_EQ(spawn_run(argv, NULL, 5000, &res), 0);
    TE_ASSERT_STR_EQ(res.out.buf, "1|a b|");
    spawn_result_free(&res);
    free(script);
}

static const struct te_test spawn_tests[] = {
    TE_TEST(test_spawn_captures_output),
    TE_TEST(test_spawn_exit_status),
    TE_TEST(test_spawn_stderr_separate),
    TE_TEST(test_spawn_fixed_environment),
    TE_TEST(test_spawn_extra_env),
    TE_TEST(test_spawn_relative_path_refused),
    TE_TEST(test_spawn_missing_program),
    TE_TEST(test_spawn_not_executable),
    TE_TEST(test_spawn_stdin_is_dev_null),
    TE_TEST(test_spawn_timeout),
    TE_TEST(test_spawn_kills_term_ignoring_child),
    TE_TEST(test_spawn_output_bounded),
    TE_TEST(test_spawn_find_program),
    TE_TEST(test_spawn_find_program_sbin_override),
    TE_TEST(test_spawn_runs_found_program),
    TE_TESTS_END,
};

static const struct te_suite suites[] = {
    { "spawn", spawn_tests },
    TE_SUITES_END,
};

TE_CUNIT_MAIN(suites)
