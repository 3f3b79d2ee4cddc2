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
#include "util.h"

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
/* Journal a service action ("restart", "stop-disable") done to service. 0 or -1. */
int txn_record_service(struct txn *t, const char *action, const char *service);
/* The run ended with its changes in place: keep its journal as the last run. 0 or -1. */
int txn_commit(struct txn *t);
/* The run was undone in place (or changed nothing): forget its journal. */
void txn_discard(struct txn *t);
/* Stop recording but keep the journal as "current", as if the run had been interrupted, so
 * that a later rollback can finish what this run could not. */
void txn_abandon(struct txn *t);
/* True when a run was interrupted (its journal is still "current"). */
bool txn_interrupted(const char *root);
/* Undo the interrupted run, or else the last run: files first (each only when it still holds
 * what the run wrote), then the journal's services are restarted through the init system of
 * h. What was done goes to actions. 0 when everything was restored, 1 when there was
 * nothing to undo, -1 when something could not be restored. */
int txn_rollback(const struct hostinfo *h, struct strv *actions, struct msgs *m);

#endif
