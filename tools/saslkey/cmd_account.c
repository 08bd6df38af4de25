/* saslkey(8) - account commands */
#include "cli.h"
#include "status.h"

#include <stdio.h>
#include <string.h>

struct account_opts {
	struct sk_acl acl;
	const char *note;
	bool with_keys;
	int status;
};

enum { OPT_ALLOW = 1, OPT_NOTE, OPT_WITH_KEYS };

static int account_opt(struct cli *c, int opt, const char *arg, void *ctx)
{
	struct account_opts *o = ctx;

	switch (opt) {
	case OPT_ALLOW:
		return cli_acl_add(c, &o->acl, arg) != CLI_OK;
	case OPT_NOTE:
		return cli_text(c, arg, SK_NOTE_MAX, "note", &o->note) != CLI_OK;
	case OPT_WITH_KEYS:
		o->with_keys = true;
		return 0;
	}
	return 1;
}

static const struct option account_longopts[] = {
	CLI_COMMON_OPTS,
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "note", required_argument, NULL, OPT_NOTE },
	{ "with-keys", no_argument, NULL, OPT_WITH_KEYS },
	{ 0 },
};

/* options, then nargs arguments (nargs < 0: at least -nargs), the store */
static int prologue(struct cli *c, int argc, char **argv, struct account_opts *o,
		    int nargs, const char *use, enum sk_store_mode mode,
		    int *first)
{
	int r = cli_args(c, argc, argv, account_longopts, account_opt, o,
			 nargs < 0 ? -nargs : nargs, nargs < 0 ? -1 : nargs,
			 use, first);

	return r == CLI_OK ? cli_open_for(c, mode) : r;
}

static json_t *account_json(struct cli *c, const struct sk_account *a)
{
	size_t nkeys = 0;

	c->st->ops->key_count(c->st, a->id, &nkeys);
	return json_pack("{s:s, s:b, s:o, s:o, s:s, s:I}", "name", a->name,
			 "disabled", a->disabled, "allow",
			 cli_json_words(a->allow), "created",
			 cli_json_time(a->created), "note", a->note, "keys",
			 (json_int_t)nkeys);
}

static int account_add(struct cli *c, int argc, char **argv)
{
	static const char use[] = "account add NAME [--allow CIDR]... [--note TEXT]";
	struct account_opts o = { .note = "" };
	struct sk_account a;
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 1, use, SK_STORE_WRITE, &first)) !=
	    CLI_OK)
		return cli_end(c, r);
	if (!cli_valid_name(argv[first])) {
		cli_err(c, "bad account name (1-%d bytes, no spaces or "
			   "control characters)", SK_NAME_MAX);
		return cli_end(c, CLI_USAGE);
	}
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", argv[first]);
	if (!sk_acl_format(&o.acl, a.allow, sizeof(a.allow))) {
		cli_err(c, "allow-list longer than %d bytes", SK_ACL_TEXT_MAX);
		return cli_end(c, CLI_USAGE);
	}
	snprintf(a.note, sizeof(a.note), "%s", o.note);
	a.created = c->now;
	r = c->st->ops->account_add(c->st, &a);
	if (r == SK_EXISTS) {
		cli_err(c, "account \"%s\" already exists", a.name);
		return cli_end(c, CLI_USAGE);
	}
	if ((r = cli_end(c, cli_status(c, r, "adding account"))) == CLI_OK)
		cli_note("account %s added%s%s", a.name,
			 a.allow[0] ? "; allowed from " : "", a.allow);
	return r;
}

static int print_account_row(void *ctx, const struct sk_account *a)
{
	struct cli *c = ctx;
	char created[40];
	size_t nkeys = 0;

	c->st->ops->key_count(c->st, a->id, &nkeys);
	cli_time(a->created, created, sizeof(created));
	printf("%-24s %-8s %4zu  %-20s %s  %s\n", a->name,
	       a->disabled ? "disabled" : "enabled", nkeys,
	       a->allow[0] ? a->allow : "any", created, a->note);
	return 0;
}

struct json_collect {
	struct cli *c;
	json_t *arr;
};

static int collect_account(void *ctx, const struct sk_account *a)
{
	struct json_collect *jc = ctx;

	json_array_append_new(jc->arr, account_json(jc->c, a));
	return 0;
}

static int account_list(struct cli *c, int argc, char **argv)
{
	static const char use[] = "account list [--json]";
	struct account_opts o = { 0 };
	struct json_collect jc = { .c = c };
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 0, use, SK_STORE_READ, &first)) !=
	    CLI_OK)
		return cli_end(c, r);
	if (c->json) {
		jc.arr = json_array();
		r = c->st->ops->account_list(c->st, collect_account, &jc);
		if (r == SK_OK)
			cli_print_json(jc.arr);
		else
			json_decref(jc.arr);
	} else {
		printf("%-24s %-8s %4s  %-20s %-20s  %s\n", "NAME", "STATE",
		       "KEYS", "ALLOW", "CREATED", "NOTE");
		r = c->st->ops->account_list(c->st, print_account_row, c);
	}
	return cli_end(c, cli_status(c, r, "listing accounts"));
}

static int account_show(struct cli *c, int argc, char **argv)
{
	static const char use[] = "account show NAME [--json]";
	struct account_opts o = { 0 };
	struct sk_account a;
	char created[40];
	size_t nkeys = 0;
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 1, use, SK_STORE_READ, &first)) !=
	    CLI_OK)
		return cli_end(c, r);
	if ((r = cli_account_get(c, argv[first], &a)) != CLI_OK)
		return cli_end(c, r);
	if (c->json) {
		cli_print_json(account_json(c, &a));
	} else {
		c->st->ops->key_count(c->st, a.id, &nkeys);
		cli_time(a.created, created, sizeof(created));
		printf("name:     %s\nstate:    %s\nallow:    %s\n"
		       "created:  %s\nkeys:     %zu\nnote:     %s\n",
		       a.name, a.disabled ? "disabled" : "enabled",
		       a.allow[0] ? a.allow : "any", created, nkeys, a.note);
	}
	return cli_end(c, CLI_OK);
}

static int account_set_disabled(struct cli *c, int argc, char **argv,
				bool disabled)
{
	const char *use = disabled ? "account disable NAME" :
				     "account enable NAME";
	struct account_opts o = { 0 };
	struct sk_account a;
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 1, use, SK_STORE_WRITE, &first)) !=
	    CLI_OK)
		return cli_end(c, r);
	if ((r = cli_account_get(c, argv[first], &a)) != CLI_OK)
		return cli_end(c, r);
	a.disabled = disabled;
	r = cli_status(c, c->st->ops->account_update(c->st, &a),
		       "updating account");
	if ((r = cli_end(c, r)) == CLI_OK)
		cli_note("account %s %s", a.name,
			 disabled ? "disabled" : "enabled");
	return r;
}

static int account_disable(struct cli *c, int argc, char **argv)
{
	return account_set_disabled(c, argc, argv, true);
}

static int account_enable(struct cli *c, int argc, char **argv)
{
	return account_set_disabled(c, argc, argv, false);
}

/* allow: add entries; disallow: remove entries that must be present */
static int account_change_acl(struct cli *c, int argc, char **argv, bool add)
{
	const char *use = add ? "account allow NAME CIDR..." :
				"account disallow NAME CIDR...";
	struct account_opts o = { 0 };
	struct sk_account a;
	struct sk_acl cur, chg;
	const char *err = NULL;
	int first, r, i;
	size_t j, k;

	if ((r = prologue(c, argc, argv, &o, -2, use, SK_STORE_WRITE, &first)) !=
	    CLI_OK)
		return cli_end(c, r);
	if ((r = cli_account_get(c, argv[first], &a)) != CLI_OK)
		return cli_end(c, r);
	if (sk_acl_parse(a.allow, strlen(a.allow), &cur, &err) != SK_OK) {
		cli_err(c, "stored allow-list is corrupt: %s", err);
		return cli_end(c, CLI_STORE);
	}
	memset(&chg, 0, sizeof(chg));
	for (i = first + 1; i < argc; i++)
		if ((r = cli_acl_add(c, &chg, argv[i])) != CLI_OK)
			return cli_end(c, r);
	for (j = 0; j < chg.n; j++) {
		for (k = 0; k < cur.n; k++)
			if (memcmp(&cur.e[k], &chg.e[j], sizeof(chg.e[j])) == 0)
				break;
		if (add) {
			if (k < cur.n)
				continue;
			if (cur.n == SK_ACL_MAX) {
				cli_err(c, "more than %d allow-list entries",
					SK_ACL_MAX);
				return cli_end(c, CLI_USAGE);
			}
			cur.e[cur.n++] = chg.e[j];
		} else {
			char t[SK_ADDR_TEXT_MAX + 8];

			if (k == cur.n) {
				sk_cidr_format(&chg.e[j], t, sizeof(t));
				cli_err(c, "%s is not in the allow-list of %s",
					t, a.name);
				return cli_end(c, CLI_USAGE);
			}
			memmove(&cur.e[k], &cur.e[k + 1],
				(cur.n - k - 1) * sizeof(cur.e[0]));
			cur.n--;
		}
	}
	if (!sk_acl_format(&cur, a.allow, sizeof(a.allow))) {
		cli_err(c, "allow-list longer than %d bytes", SK_ACL_TEXT_MAX);
		return cli_end(c, CLI_USAGE);
	}
	r = cli_status(c, c->st->ops->account_update(c->st, &a),
		       "updating account");
	if ((r = cli_end(c, r)) == CLI_OK)
		cli_note("account %s allowed from %s", a.name,
			 a.allow[0] ? a.allow : "any address");
	return r;
}

static int account_allow(struct cli *c, int argc, char **argv)
{
	return account_change_acl(c, argc, argv, true);
}

static int account_disallow(struct cli *c, int argc, char **argv)
{
	return account_change_acl(c, argc, argv, false);
}

/* keys and account secrets are credentials: removed together or not at all */
static int account_remove(struct cli *c, int argc, char **argv)
{
	static const char use[] = "account remove NAME [--with-keys]";
	struct account_opts o = { 0 };
	struct sk_account a;
	size_t nkeys = 0, nsecrets = 0;
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 1, use, SK_STORE_WRITE, &first)) !=
	    CLI_OK)
		return cli_end(c, r);
	if ((r = cli_account_get(c, argv[first], &a)) != CLI_OK)
		return cli_end(c, r);
	if ((r = cli_status(c, c->st->ops->key_count(c->st, a.id, &nkeys),
			    "counting keys")) != CLI_OK ||
	    (r = cli_status(c, c->st->ops->secret_count(c->st, a.id,
							 &nsecrets),
			    "counting secrets")) != CLI_OK)
		return cli_end(c, r);
	if (nkeys + nsecrets > 0 && !o.with_keys) {
		cli_err(c, "account %s still has %zu key%s and %zu secret%s "
			   "(revoke them, or use --with-keys to delete them "
			   "too)", a.name, nkeys, nkeys == 1 ? "" : "s",
			nsecrets, nsecrets == 1 ? "" : "s");
		return cli_end(c, CLI_USAGE);
	}
	if (nkeys > 0)
		r = cli_status(c, c->st->ops->key_remove_all(c->st, a.id),
			       "removing keys");
	if (r == CLI_OK && nsecrets > 0)
		r = cli_status(c, c->st->ops->secret_remove_all(c->st, a.id),
			       "removing secrets");
	if (r == CLI_OK)
		r = cli_status(c, c->st->ops->account_remove(c->st, a.id),
			       "removing account");
	if ((r = cli_end(c, r)) == CLI_OK)
		cli_note("account %s removed (%zu key%s, %zu secret%s deleted)",
			 a.name, nkeys, nkeys == 1 ? "" : "s", nsecrets,
			 nsecrets == 1 ? "" : "s");
	return r;
}

int cmd_account(struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "add", "account add", account_add },
		{ "list", "account list", account_list },
		{ "show", "account show", account_show },
		{ "disable", "account disable", account_disable },
		{ "enable", "account enable", account_enable },
		{ "allow", "account allow", account_allow },
		{ "disallow", "account disallow", account_disallow },
		{ "remove", "account remove", account_remove },
	};

	return cli_dispatch(c, argc, argv, subs, SK_N_ELEMENTS(subs));
}
