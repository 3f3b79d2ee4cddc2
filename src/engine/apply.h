/* SPDX-License-Identifier: Apache-2.0 */
/* apply: carry out a plan: check it, write the files, activate; undo on failure. */
#ifndef TE_APPLY_H
#define TE_APPLY_H

#include <signal.h>

#include "plan.h"

enum apply_status {
    APPLY_UNCHANGED,           /* nothing to change */
    APPLY_CHANGED,             /* changed (or, in a dry run, would change) */
    APPLY_FAILED_RESTORED,     /* failed; the system is as it was */
    APPLY_FAILED_UNRESTORED,   /* failed and could not be restored: needs a person */
    APPLY_INVALID,             /* the settings ask what the implementation cannot do;
                                * nothing was touched (exit 64) */
};

/* Set (to the signal's number) by the program's SIGTERM/SIGINT handler once the write
 * phase has begun: the run puts back what it wrote, at the next file, and stops; after the
 * service was restarted, it finishes without waiting to verify. */
extern volatile sig_atomic_t apply_stop;
/* Set when the write phase (of a run, or of the undo of an interrupted one) begins, and
 * never cleared: from then on a signal only sets apply_stop, before it the program may end
 * at once. */
extern volatile sig_atomic_t apply_writing;

/* Check, write and activate the plan as the settings say (dry run, no restart). What was
 * done is appended to actions, problems to the plan's messages. */
enum apply_status apply_run(struct plan *p, struct strv *actions);

#endif
