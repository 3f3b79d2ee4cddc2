/* apply: carry out a plan: check it, write the files, activate; undo on failure. */
#ifndef TE_APPLY_H
#define TE_APPLY_H

#include "plan.h"

enum apply_status {
    APPLY_UNCHANGED,           /* nothing to change */
    APPLY_CHANGED,             /* changed (or, in a dry run, would change) */
    APPLY_FAILED_RESTORED,     /* failed; the system is as it was */
    APPLY_FAILED_UNRESTORED,   /* failed and could not be restored: needs a person */
    APPLY_INVALID,             /* the settings ask what the implementation cannot do;
                                * nothing was touched (exit 64) */
};

/* Check, write and activate the plan as the settings say (dry run, no restart). What was
 * done is appended to actions, problems to the plan's messages. */
enum apply_status apply_run(struct plan *p, struct strv *actions);

#endif
