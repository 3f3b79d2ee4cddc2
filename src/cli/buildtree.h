/* SPDX-License-Identifier: Apache-2.0 */
/* buildtree: tell a test build (the program in its build tree) from an installed program.
 *
 * Only a test build honours the variables the test suite uses to point the program at the
 * source tree's lenses and at unpacked daemons (TE_NTP_SETUP_LENSDIR, TE_NTP_SETUP_SBIN)
 * and libaugeas' AUGEAS_LENS_LIB: an installed program clears them before anything reads
 * them. A program is a test build when the file BUILDTREE_MARKER stands next to it (make
 * writes src/te-ntp-setup.build-tree; make install and the packages never install it). */
#ifndef TE_BUILDTREE_H
#define TE_BUILDTREE_H

#include <stdbool.h>

#define BUILDTREE_MARKER "te-ntp-setup.build-tree"

/* The variables that only a test build honours, NULL-terminated. */
extern const char *const buildtree_test_vars[];

/* True when exe (an absolute path) has the marker next to it: a regular file (not a
 * symbolic link) owned by exe's owner, writable by nobody else, whose first line is an
 * absolute directory: the lens directory of that build, put in *lensdir (newly allocated)
 * when lensdir is not NULL. */
bool buildtree_marker(const char *exe, char **lensdir);

/* Decide for the program whose file is exe (NULL: not known, so installed): in a test build,
 * the lens directory is $TE_NTP_SETUP_LENSDIR when set, else the marker's; otherwise every
 * variable of buildtree_test_vars is removed from the environment and the lens directory is
 * installed_lensdir. Returns the lens directory (newly allocated); *test_build says which. */
char *buildtree_setup(const char *exe, const char *installed_lensdir, bool *test_build);

#endif
