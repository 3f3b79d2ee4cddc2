/* SPDX-License-Identifier: Apache-2.0 */
/* firewall: find the active firewall(s), decide from their rules whether NTP client
 * traffic passes, and add (or remove) accept rules tagged "te-ntp-setup" where it does not.
 * A host that serves time (serve networks) also needs the requests of the clients in those
 * networks to pass inbound, and its replies outbound: the "serve" kind of rule.
 *
 * Model: every base chain on the output or input hook must let a packet through (netfilter
 * evaluates them all; an accept in one does not skip the next), so each such chain is judged
 * on its own. A chain lets NTP through when, walking its rules in order, an accept rule
 * surely matching the packet comes before any drop/reject rule that may match it, or when
 * no rule decides and the policy is accept. Rules we cannot read (unknown matches, jumps)
 * never count as accepting, so the verdict errs towards "blocked", and the rule we add goes
 * first in the chain. */
#ifndef TE_FIREWALL_H
#define TE_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>

#include "msgs.h"
#include "strbuf.h"
#include "strv.h"

/* The tag on every rule this tool adds; --remove deletes exactly the rules carrying it. */
#define FIREWALL_TAG "te-ntp-setup"

/* How a rule's matches compare with a packet. */
enum fw_match {
    FW_NO = 0,      /* the rule surely does not match */
    FW_YES,         /* the rule surely matches */
    FW_MAYBE,       /* it has a match we cannot decide */
};

enum fw_verdict {
    FW_V_NONE = 0,  /* no verdict (counter, log, ...): go on with the next rule */
    FW_V_ACCEPT,
    FW_V_DROP,      /* drop or reject */
    FW_V_JUMP,      /* jump or goto to target */
    FW_V_RETURN,
};

/* What the parsers record about a rule before it is compared with a packet. */
struct fw_rule_spec {
    int proto;                  /* 0 any, 17 udp, -1 something else, -2 undecidable */
    char *dport, *sport;        /* port specs ("123", "1:1024", "123,323", "{ 123, 323 }") */
    char *daddr, *saddr;        /* address specs (CIDR or set), NULL for any */
    char *ct;                   /* conntrack states ("ESTABLISHED,RELATED"), NULL for any */
    char *oif, *iif;            /* interface names, NULL for any */
    int family;                 /* 0 any, 4 or 6 (meta nfproto, ip/ip6 payload) */
    bool unknown;               /* some match could not be understood (or was negated) */
    enum fw_verdict verdict;
    char *target;               /* the chain jumped to */
    bool tagged;
    long handle;                /* nft rule handle, or -1 */
    char *text;                 /* the rule as listed (iptables: the words after -A CHAIN) */
};

/* A chain on the output or input path. */
struct fw_chain {
    char *family;               /* "ip", "ip6", "inet" (nft) or "ipv4"/"ipv6" (iptables) */
    char *table;
    char *name;
    bool base;                  /* a base chain on the input or output hook */
    bool output;                /* output hook (else input); only for base chains */
    bool policy_drop;
    struct fw_rule_spec *rules;
    size_t n_rules;
};

/* A parsed ruleset: the filter chains (base chains on input/output and the chains they
 * can jump to). */
struct fw_ruleset {
    struct fw_chain *chains;
    size_t n;
};

/* One rule to add (or that was removed). */
struct firewall_rule {
    const struct firewall_ops *fw;
    int family;                 /* 4, 6, or 0 for both (nft inet) */
    char *nft_family;           /* nft: "ip", "ip6" or "inet"; NULL otherwise */
    char *table;
    char *chain;
    bool output;
    bool serve;                 /* lets the clients of network server reach our NTP server
                                 * (else: lets NTP to and from server through) */
    char *server;               /* address literal, or NULL for any address; for serve
                                 * rules the network (CIDR) */
    char *zone;                 /* firewalld: the zone of a serve rule, the policy of another */
    char *text;                 /* the command or rule, shown by --dry-run */
    struct strv argv;           /* the command adding (or removing) it */
};

/* What a firewall was found to do with one kind of NTP traffic at one place (a chain, a
 * zone, a policy): the front end words it ("nftables inet filter output: NTP to any address
 * is blocked (policy drop)"). */
struct firewall_finding {
    char *where;                /* the chain, zone or policy judged: "nftables inet filter
                                 * output", "firewalld zone public", "ufw: outgoing policy
                                 * deny" */
    int family;                 /* 4 or 6; 0 both (nft inet, ufw, firewalld) */
    bool output;                /* the outbound path (else inbound) */
    bool serve;                 /* the clients of a serve network (else the servers) */
    bool all;                   /* the whole path, whatever the address (a policy) */
    char *target;               /* the server address or the serve network; NULL: any
                                 * address (ignored when all) */
    bool blocked;
    char *why;                  /* a short reason ("policy drop"), or NULL */
};

/* Whether a firewall's rules outlive a reload or a reboot, once rules were added. */
enum firewall_kept {
    FIREWALL_KEPT_NONE = 0,     /* nothing added (or a dry run, or --remove) */
    FIREWALL_KEPT_BY_FIREWALL,  /* the firewall keeps them itself (firewalld permanent, ufw) */
    FIREWALL_KEPT_SAVED,        /* in the boot rules file(s) of saved_in */
    FIREWALL_KEPT_RUNTIME,      /* (some) not saved: runtime rules that a reboot drops (a
                                 * warning says why) */
};

/* A firewall's plan: which rules to add or remove; once run, what was found and done. */
struct firewall_plan {
    const struct firewall_ops *fw;
    const struct strv *servers; /* validated server names or addresses */
    const struct strv *serve;   /* networks (canonical CIDR) this host serves; may be NULL */
    struct firewall_rule *rules;    /* added, would be added, removed or would be removed */
    size_t n;
    struct firewall_finding *findings;  /* what each chain (zone, policy) does with NTP */
    size_t n_findings;
    enum firewall_kept kept;
    struct strv saved_in;       /* the boot rules files that hold the rules added */
};

struct firewall_opts;

/* One firewall's driver. */
struct firewall_ops {
    const char *name;
    /* 1 when this firewall is active on the host, 0 when not, -1 on error. */
    int (*detect)(struct msgs *m);
    /* Read the live rules; 1 when NTP to some server is blocked, 0 when it passes, -1 on
     * error. What each chain does goes to p->findings (firewall_plan_find). */
    int (*blocked)(struct firewall_plan *p, struct msgs *m);
    /* Fill p->rules with the rules that let NTP through where it is blocked. */
    int (*plan_rules)(struct firewall_plan *p, struct msgs *m);
    /* Add the planned rules; 0 or -1. */
    int (*add)(struct firewall_plan *p, struct msgs *m);
    /* Fill p->rules with the tagged rules and, unless dry_run, delete them; 0 or -1. */
    int (*remove)(struct firewall_plan *p, bool dry_run, struct msgs *m);
    /* Delete one rule this tool added, given its family and the words of the command that
     * added it, without the program (as journaled by firewall_run); only a rule carrying
     * the tag is deleted. 0 deleted, 1 not there any more, -1 error (in m). */
    int (*undo)(int family, const struct strv *words, struct msgs *m);
    /* Make the rules just added last past a reload or a reboot, in the file the distro's
     * boot service loads (through o->persist_file); where there is none, a warning says
     * so. Sets p->kept (SAVED or RUNTIME) and the files in p->saved_in. NULL: the
     * firewall keeps its rules itself (firewalld permanent, ufw). */
    void (*persist)(struct firewall_plan *p, const struct firewall_opts *o, struct msgs *m);
};

extern const struct firewall_ops firewall_firewalld;
extern const struct firewall_ops firewall_ufw;
extern const struct firewall_ops firewall_iptables;
extern const struct firewall_ops firewall_iptables_legacy;
extern const struct firewall_ops firewall_nftables;

/* Options of the firewall command. */
struct firewall_opts {
    struct strv servers;        /* as given; defaults applied by firewall_run */
    struct strv serve;          /* networks this host serves time to (CIDR, as given) */
    bool dry_run;
    bool remove;
    /* Called before rules are added, once per rule, with a line naming it (the firewall,
     * the family, the words of its command) for firewall_undo_line; a non-zero return
     * stops the run before anything is added. NULL: nothing is journaled. */
    int (*journal)(void *ctx, const char *line);
    void *journal_ctx;
    /* Replace the text of a firewall's saved rules file (path, its text before, its text
     * after), journaled; 0 or -1. NULL: the rules are not saved (a warning says so). */
    int (*persist_file)(void *ctx, const char *path, const char *before, size_t before_len,
                        const char *after, size_t after_len);
};

/* The result of the firewall command. */
enum firewall_status {
    FIREWALL_NOTHING = 0,       /* no firewall, or NTP already passes, or nothing to remove */
    FIREWALL_CHANGED,           /* rules were added or removed (or would be, with dry_run) */
    FIREWALL_FAILED,
    FIREWALL_USAGE,             /* invalid input; nothing touched */
};

/* What the firewall command found and did, for the front end to render. */
struct firewall_result {
    enum firewall_status status;
    bool remove;                /* rules were removed (--remove), else added */
    bool dry_run;               /* nothing was changed: the rules would be added/removed */
    bool no_root;               /* no firewall could be read: not run as root */
    struct firewall_plan *firewalls;    /* the active firewalls, in the order tried */
    size_t n;
    struct strv servers;        /* the servers judged (validated, defaults applied) */
    struct strv serve;          /* the serve networks judged (canonical CIDR) */
};

/* Run the firewall command: detect, decide, plan, apply (or remove); what was found and
 * done goes to res (free it with firewall_result_free), messages for the user to m.
 * Returns res->status; FIREWALL_USAGE (the bad value named in m) touches nothing. */
enum firewall_status firewall_run(const struct firewall_opts *o, struct firewall_result *res,
                                  struct msgs *m);
/* Free what firewall_run put in res. */
void firewall_result_free(struct firewall_result *res);
/* How many rules the run added, removed (or would) over all firewalls. */
size_t firewall_result_rules(const struct firewall_result *res);

/* Delete the rule a journal line of firewall_run names (see firewall_opts.journal); what was
 * done goes to done. 0 deleted or already gone, -1 error (in m). */
int firewall_undo_line(const char *line, struct strv *done, struct msgs *m);
/* The text of saved-rules file path, its lines to add (each once; lines already there
 * are left), and where: before the first line that begins with anchor (NULL: at the end).
 * Calls o->persist_file; the note or warning of what happened goes to m. True when the
 * lines are (now) in the file. */
bool firewall_persist_lines(const struct firewall_opts *o, const char *fw, const char *path,
                            const struct strv *lines, const char *section, const char *anchor,
                            const char *check_prog, struct msgs *m);
/* Whether the words of a rule's command carry the tag as its comment (drivers' undo). */
bool firewall_words_tagged(const struct strv *words);

/* Run program name (found with spawn_find_program) with args (NULL-terminated, after
 * argv[0]); its output goes to out when out is not NULL. 0 when it exited 0, 1 when it ran
 * and failed (quiet: no message), -1 when it could not be run or timed out (message in m).
 * A missing program is -1 with no message when missing_ok. */
int firewall_exec(const char *name, const char *const args[], struct strbuf *out,
                  struct strbuf *err, bool missing_ok, struct msgs *m);
/* Run an argv vector (argv[0] a program name) and record a message on failure; 0 or -1. */
int firewall_exec_strv(const struct strv *argv, struct msgs *m);
/* Add a server's address-or-any rule to p->rules (used by the drivers). */
struct firewall_rule *firewall_plan_add(struct firewall_plan *p);
/* Add what a chain, zone or policy (where, newly allocated, taken over) does with NTP to
 * p->findings; the caller fills the rest (why, newly allocated, is freed with the plan). */
struct firewall_finding *firewall_plan_find(struct firewall_plan *p, char *where);
/* Free a plan's rules, findings and saved files. */
void firewall_plan_free(struct firewall_plan *p);

/* Parse iptables-save output of one family (4 or 6) into the filter INPUT/OUTPUT chains. */
int firewall_parse_iptables_save(const char *text, int family, struct fw_ruleset *rs);
/* Parse `nft -a list ruleset` output into its filter base chains on the input/output hooks,
 * leaving out the tables iptables-nft manages. */
int firewall_parse_nft(const char *text, struct fw_ruleset *rs);
/* The chain family/table/name of rs, added (empty, policy accept) when missing. */
struct fw_chain *firewall_ruleset_chain(struct fw_ruleset *rs, const char *family,
                                        const char *table, const char *name);
/* Look a chain up; NULL when rs has none by that name. */
const struct fw_chain *firewall_ruleset_find(const struct fw_ruleset *rs, const char *family,
                                             const char *table, const char *name);
/* Append an empty rule (proto any, no matches, no verdict, handle -1) to c. */
struct fw_rule_spec *firewall_chain_add_rule(struct fw_chain *c);
/* Free a parsed ruleset. */
void firewall_ruleset_free(struct fw_ruleset *rs);

/* Whether base chain c of ruleset rs lets NTP through for server (an address literal, or
 * NULL for a name whose addresses are unknown): true when it passes; *why gets a short,
 * newly allocated reason. */
bool firewall_chain_passes(const struct fw_ruleset *rs, const struct fw_chain *c,
                           const char *server, char **why);
/* firewalld: whether a zone's --list-all listing lets NTP requests in from network (target
 * ACCEPT, service ntp, port 123/udp, or an accepting rich rule for the network). */
bool firewall_firewalld_zone_serves(const char *listing, const char *network);
/* firewalld: the direct rules of one family (fam "ipv4 filter " or "ipv6 filter ") of a
 * --direct --get-all-rules listing as iptables-save "-A CHAIN ARGS" lines appended to text,
 * lowest priority first (firewall-cmd lists them in the order they were added). */
void firewall_firewalld_direct_rules(const char *rules, const char *fam, struct strbuf *text);
/* firewalld: whether a rich rule is exactly of the form this tool adds for a network. */
bool firewall_firewalld_rich_rule_is_ours(const char *rule);
/* firewalld: whether the policies of a --list-all-policies listing that filter the host's
 * own traffic (active, ingress zone HOST) block NTP to server (an address literal, or NULL
 * for a name): 1 blocked (*policy gets the name of the policy that decides), 0 passes;
 * *why gets a short reason. Both newly allocated. */
int firewall_firewalld_policy_blocks(const char *listing, const char *server, char **policy,
                                     char **why);
/* firewalld: the rich rule this tool adds to a policy to let NTP to server (or, NULL, to any
 * address) through, first in the policy (priority -32768), and whether a rule is exactly
 * of that form. */
char *firewall_firewalld_policy_rule(const char *server);
bool firewall_firewalld_policy_rule_is_ours(const char *rule);
/* Whether base chain c of rs lets the NTP requests of the clients in network (CIDR) in
 * (input chain), or this host's replies to them out (output chain). */
bool firewall_chain_serves(const struct fw_ruleset *rs, const struct fw_chain *c,
                           const char *network, char **why);
/* The address family of a server (or a network in CIDR notation): 4, 6, or 0 for a host
 * name. */
int firewall_server_family(const char *server);
/* For every base chain of rs that applies to family (4 or 6; 0 for any) and every target
 * server (and serve network), add a rule to p where the chain blocks NTP and a note where
 * it passes; 1 when something was blocked, else 0. */
int firewall_judge_ruleset(struct firewall_plan *p, const struct fw_ruleset *rs, int family);

#endif
