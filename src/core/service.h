/* SPDX-License-Identifier: Apache-2.0 */
/* service: restart, reload and enable a service through the target's init system. */
#ifndef TE_SERVICE_H
#define TE_SERVICE_H

#include "hostinfo.h"
#include "msgs.h"
#include "strv.h"

enum service_outcome {
    SERVICE_DONE,      /* it happened */
    SERVICE_DENIED,    /* the policy (policy-rc.d exit 101) refused it: reported, not an error */
    SERVICE_FAILED,    /* it failed: see the messages */
    SERVICE_SKIPPED,   /* the service manager skipped it (systemd: a condition of the unit
                        * was not met): nothing runs; a warning says which condition */
};

/* A service's state as its init system reports it. */
struct service_state {
    bool known;        /* the init system could be asked */
    bool active;       /* it runs */
    bool enabled;      /* it starts at boot */
};

/* Restart (starting it when stopped) and enable the service. Each step done is described in
 * done ("restarted chrony"). */
enum service_outcome service_restart(const struct hostinfo *h, const char *service,
                                     struct strv *done, struct msgs *m);
/* Stop the service and keep it from starting at boot. Each step done is described in done. */
enum service_outcome service_stop_disable(const struct hostinfo *h, const char *service,
                                          struct strv *done, struct msgs *m);
/* Ask the init system whether the service runs and starts at boot. */
void service_query(const struct hostinfo *h, const char *service, struct service_state *st);
/* Put the service in the state want (start or stop it, enable or disable it) where it is
 * not; each step done is described in done. */
enum service_outcome service_set_state(const struct hostinfo *h, const char *service,
                                       const struct service_state *want, struct strv *done,
                                       struct msgs *m);
/* When systemd skipped the service's last start (ConditionResult=no): the condition not met
 * ("ConditionCapability=CAP_SYS_TIME"; free() it); else NULL. */
char *service_skip_condition(const struct hostinfo *h, const char *service);
/* Run a program (absolute path first) with a timeout; non-zero exit is a failure described
 * in m. Returns the spawn_run code (0 ok, 1 ran but failed, -1 not started) and the exit
 * status in *status (may be NULL). */
int service_run(const char *const argv[], int *status, struct msgs *m);

#endif
