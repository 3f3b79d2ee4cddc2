/* SPDX-License-Identifier: Apache-2.0 */
/* render: the front end's words for the results the library returns as data (the firewall
 * command's report, as text and as JSON). Appends to a strbuf; never prints. */
#ifndef TE_RENDER_H
#define TE_RENDER_H

#include "firewall.h"
#include "strbuf.h"

/* One finding in words, without newline: "nftables inet filter output: NTP to any address
 * is blocked (policy drop)", "ufw: outgoing policy allow: NTP passes". */
void render_firewall_finding(const struct firewall_finding *f, struct strbuf *out);
/* The firewall command's text report: per firewall its name, its findings and its rules
 * ("added:", "would add:", "removed:", "would remove:"), then the outcome when nothing was
 * done or the run failed. Nothing for FIREWALL_USAGE (the messages say it all). */
void render_firewall_text(const struct firewall_result *r, struct strbuf *out);
/* The firewall command's JSON object (with newline): command, action, dry_run, changed,
 * failed, firewalls (name, chains: the findings in words, rules), warnings, errors, notes.
 * Nothing for FIREWALL_USAGE. */
void render_firewall_json(const struct firewall_result *r, const struct msgs *m,
                          struct strbuf *out);

#endif
