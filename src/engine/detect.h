/* SPDX-License-Identifier: Apache-2.0 */
/* detect: what the target runs for time synchronization, as text or JSON. */
#ifndef TE_DETECT_H
#define TE_DETECT_H

#include <stdbool.h>

#include "hostinfo.h"
#include "msgs.h"
#include "strbuf.h"
#include "strv.h"

struct ntp_backend;

/* Describe the target: distro, init system, every implementation with its state, and the one
 * chosen (implementation: NULL or "auto" to detect, else that one) with its configuration
 * files and service. Appends text or one JSON object to out. 0, or -1 when none can be
 * chosen (the reason in m; the report is still written, "implementation" null). */
int detect_report(const struct hostinfo *h, const char *implementation, bool json,
                  struct strbuf *out, struct msgs *m);

/* The server and pool names the backend b's configuration on the target uses now, read
 * through its lenses (lensdir), in order, each once. 0, or -1 with the reason in m. */
int detect_configured_sources(const struct ntp_backend *b, const struct hostinfo *h,
                              const char *lensdir, struct strv *out, struct msgs *m);

#endif
