/* saslkey(8) - the admin CLI: shared state and helpers */
#ifndef SK_CLI_H
#define SK_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "acl.h"
#include "config.h"
#include "seal.h"
#include "store.h"

/* exit statuses, part of the interface scripts rely on */
enum {
	CLI_OK = 0,
	CLI_USAGE = 1,	/* usage or input error; nothing changed */
	CLI_STORE = 2,	/* the store could not be used */
};

struct cli {
	const char *db_opt;	/* --db */
	const char *config_opt;	/* --config */
	bool json;
	struct sk_settings settings;
	struct sk_logger lg;	/* to stderr */
	struct sk_store *st;
	bool in_txn;
	int64_t now;
	const char *cmd;	/* "key create", for messages */
};

/* options every command accepts besides its own */
enum { OPT_DB = 1000, OPT_CONFIG, OPT_JSON, OPT_HELP };
#define CLI_COMMON_OPTS                                        \
	{ "db", required_argument, NULL, OPT_DB },             \
	{ "config", required_argument, NULL, OPT_CONFIG },     \
	{ "json", no_argument, NULL, OPT_JSON },               \
	{ "help", no_argument, NULL, OPT_HELP }

/*
 * Run getopt_long over a command's arguments.  handle() gets each of the
 * command's own options; the common ones are dealt with here.  Returns the
 * index of the first positional argument, or -1 after a usage message.
 */
typedef int cli_opt_fn(struct cli *c, int opt, const char *arg, void *ctx);
int cli_getopt(struct cli *c, int argc, char **argv,
	       const struct option *longopts, cli_opt_fn *handle, void *ctx,
	       const char *usage);

/* exactly n positional arguments left? else usage error */
bool cli_nargs(struct cli *c, int argc, int first, int n, const char *usage);

/*
 * cli_getopt, then between min and max positional arguments (max < 0: no
 * upper limit).  CLI_OK with *first set, or CLI_USAGE after a message.
 */
int cli_args(struct cli *c, int argc, char **argv,
	     const struct option *longopts, cli_opt_fn *handle, void *ctx,
	     int min, int max, const char *usage, int *first);

/* open the store; a writing command also begins its one transaction */
int cli_open_for(struct cli *c, enum sk_store_mode mode);

/* "saslkey account add ...": run the subcommand argv[1] names */
struct cli_sub {
	const char *name;		/* "add" */
	const char *full;		/* "account add", for messages */
	int (*fn)(struct cli *c, int argc, char **argv);
};
int cli_dispatch(struct cli *c, int argc, char **argv,
		 const struct cli_sub *subs, size_t n);

/* settings from --config, $SASLKEY_DB and --db */
int cli_open_settings_only(struct cli *c);
/* settings from --config, then open the store (printing any error) */
int cli_open(struct cli *c, enum sk_store_mode mode);
/* begin a transaction: every command changes the store atomically */
int cli_begin(struct cli *c);
/* commit if status is CLI_OK, else roll back; closes the store */
int cli_end(struct cli *c, int status);
/* map a store status to an exit code, printing what failed */
int cli_status(struct cli *c, int st, const char *what);

void cli_err(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* input validation shared by the commands */
bool cli_valid_name(const char *s);
bool cli_valid_text(const char *s, size_t max, bool allow_space);
bool cli_valid_service(const char *s);
/* add the CIDRs in text (space/comma separated) to acl, deduplicated */
int cli_acl_add(struct cli *c, struct sk_acl *acl, const char *text);
int cli_when(struct cli *c, const char *s, int64_t *out);
/* the account by name; "no account" is a usage error */
int cli_account_get(struct cli *c, const char *name, struct sk_account *a);
/* a DURATION (--grace): 7d, 12h, 0 */
int cli_duration(struct cli *c, const char *s, int64_t *out);
/* free text of at most max bytes (--label, --note); what names it */
int cli_text(struct cli *c, const char *s, size_t max, const char *what,
	     const char **out);

/* output */
void cli_print_json(json_t *j);	/* steals the reference */
json_t *cli_json_time(int64_t t);	/* null for 0 */
json_t *cli_json_words(const char *s);	/* "a b c" -> ["a","b","c"] */
void cli_time(int64_t t, char *out, size_t cap);

int cmd_init(struct cli *c, int argc, char **argv);
int cmd_account(struct cli *c, int argc, char **argv);
int cmd_key(struct cli *c, int argc, char **argv);
int cmd_doctor(struct cli *c, int argc, char **argv);
int cmd_cram(struct cli *c, int argc, char **argv);
int cmd_issuer(struct cli *c, int argc, char **argv);
int cmd_token(struct cli *c, int argc, char **argv);

/* the OAuth issuer called name from the open store; unknown: usage error */
int cli_get_issuer(struct cli *c, const char *name, struct sk_issuer *out);

/* the master key, checked against (or recorded in) the open store */
int cli_master_key(struct cli *c, struct sk_master_key *mk);

#endif
