/* service: restart, reload and enable a service through the target's init system. */
#ifndef TE_SERVICE_H
#define TE_SERVICE_H

#include "hostinfo.h"
#include "util.h"

enum service_outcome {
    SERVICE_DONE,      /* it happened */
    SERVICE_DENIED,    /* the policy (policy-rc.d exit 101) refused it: reported, not an error */
    SERVICE_FAILED,    /* it failed: see the messages */
};

/* Restart (starting it when stopped) and enable the service. Each step done is described in
 * done ("restarted chrony"). */
enum service_outcome service_restart(const struct hostinfo *h, const char *service,
                                     struct strv *done, struct msgs *m);
/* Stop the service and keep it from starting at boot. Each step done is described in done. */
enum service_outcome service_stop_disable(const struct hostinfo *h, const char *service,
                                          struct strv *done, struct msgs *m);
/* Run a program (absolute path first) with a timeout; non-zero exit is a failure described
 * in m. Returns the spawn_run code (0 ok, 1 ran but failed, -1 not started) and the exit
 * status in *status (may be NULL). */
int service_run(const char *const argv[], int *status, struct msgs *m);

#endif
