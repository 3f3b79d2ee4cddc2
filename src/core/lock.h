/* SPDX-License-Identifier: Apache-2.0 */
/* lock: one instance at a time. */
#ifndef TE_LOCK_H
#define TE_LOCK_H

#include "msgs.h"

#define LOCK_PATH "/run/te-ntp-setup.lock"

/* Take the lock (LOCK_PATH on this system; the root directory itself for an image),
 * waiting at most timeout_ms. Returns the open
 * descriptor (keep it open to hold the lock), -1 on error, -2 when another instance kept
 * it for the whole wait. */
int lock_take(const char *root, int timeout_ms, struct msgs *m);
/* Release the lock. */
void lock_release(int fd);

#endif
