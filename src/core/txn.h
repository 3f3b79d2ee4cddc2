/* SPDX-License-Identifier: Apache-2.0 */
/* txn: backups and a journal of every change, so that a run can be undone later
 * (te-ntp-setup rollback) or after it was interrupted (kill -9, power loss).
 *
 * Layout, under the target's root: /var/lib/te-ntp-setup (0700) holds "current" while a run
 * writes (its journal grows before each change), renamed to "last" when the run ends. */
#ifndef TE_TXN_H
#define TE_TXN_H

#include <stdbool.h>
#include <sys/stat.h>

#include "hostinfo.h"
#include "msgs.h"
#include "strv.h"

#define TXN_DIR "/var/lib/te-ntp-setup"

struct txn;

/* Start recording a run on the target (root NULL: this system). NULL with a message. */
struct txn *txn_begin(const char *root, struct msgs *m);
/* Before a file is written: keep its old text (when it existed, with *st's owner and mode)
 * and the new text, and journal it durably. 0 or -1. */
int txn_record_file(struct txn *t, const char *disk_path, bool existed, const struct stat *st,
                    const char *before, size_t before_len, const char *after,
                    size_t after_len);
/* Journal the implementation the run configures (its --implementation name): a rollback
 * restores only the files te-ntp-setup manages for it. 0 or -1. */
int txn_record_implementation(struct txn *t, const char *name);
struct service_state;
/* Journal a service action ("restart", "stop-disable") done to service, with its state
 * before (may be NULL: unknown), which rollback puts back. 0 or -1. */
int txn_record_service(struct txn *t, const char *action, const char *service,
                       const struct service_state *before);
/* Journal a firewall rule about to be added (a line of firewall_opts.journal), so that
 * rollback deletes it. 0 or -1. */
int txn_record_firewall(struct txn *t, const char *line);
/* The run ended with its changes in place: keep its journal as the last run. 0 or -1. */
int txn_commit(struct txn *t);
/* The run was undone in place (or changed nothing): forget its journal. */
void txn_discard(struct txn *t);
/* Stop recording but keep the journal as "current", as if the run had been interrupted, so
 * that a later rollback can finish what this run could not. */
void txn_abandon(struct txn *t);
/* True when a run was interrupted (its journal is still "current"). */
bool txn_interrupted(const char *root);

/* Whether path (on the target: "/etc/chrony.conf") is one of the files rollback restores for
 * implementation (NULL: for any): a journal names no other, so a run must not write any
 * other. Absolute, without "." or ".." names. */
bool txn_manages(const char *path, const char *implementation);
/* Those files' patterns for implementation, comma-separated, without the firewalls' rule
 * files (for messages; caller frees). */
char *txn_managed_list(const char *implementation);
/* Undo the interrupted run, or else the last run: files first (each only when it still holds
 * what the run wrote), then the journal's services are put back through the init system of
 * h: restarted on the old files when they ran before the run, else stopped, and enabled or
 * disabled as they were (a journal without their state: restarted), and the firewall rules
 * the run added are deleted. What was done goes to actions. 0 when everything was restored, 1 when there was
 * nothing to undo, -1 when something could not be restored. */
int txn_rollback(const struct hostinfo *h, struct strv *actions, struct msgs *m);

/* rollback --all: undo an interrupted run, then put every file the tool ever changed on the
 * target back to what it held before the tool's first run (each only while it still holds
 * what the tool last wrote; files it created are removed), delete every firewall rule it
 * added, and put the services it touched back in their state before it first touched
 * them. Then the history is forgotten. 0 done, 1 nothing recorded, -1 something could not
 * be restored (reported; nothing is forgotten). */
int txn_rollback_all(const struct hostinfo *h, struct strv *actions, struct msgs *m);

#endif
