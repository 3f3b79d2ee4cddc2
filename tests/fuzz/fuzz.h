/* SPDX-License-Identifier: Apache-2.0 */
/* The entry point every fuzz target defines. The same target source is linked two ways:
 * with libFuzzer (clang -fsanitize=fuzzer, built by `make fuzz` in a build configured with
 * --enable-fuzzing), and with replay.c (any compiler, run by `make check` on the seed
 * corpus and on every input that once crashed). A target reports a failed property with
 * fuzz_fail, which aborts, so both drivers see a crash. */
#ifndef TE_FUZZ_H
#define TE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print what went wrong (printf-style) and abort. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
