/* saslkey(8) - revoked OAuth 2.0 tokens of an issuer */
#include "cli.h"
#include "status.h"

#include <stdio.h>
#include <string.h>

/* a "jti" or "sub" claim: the verifier takes at most this many bytes */
#define CLAIM_VALUE_MAX 255

struct token_opts {
	const char *issuer;
	const char *jti;
	const char *sub;
};

enum { OPT_ISSUER = 1, OPT_JTI, OPT_SUB };

static int token_opt(struct cli *c, int opt, const char *arg, void *ctx)
{
	struct token_opts *o = ctx;
	const char *name = opt == OPT_JTI ? "--jti" : "--sub";

	switch (opt) {
	case OPT_ISSUER:
		o->issuer = arg;
		return 0;
	case OPT_JTI:
	case OPT_SUB:
		if (arg[0] == '\0' || !cli_valid_text(arg, CLAIM_VALUE_MAX, true)) {
			cli_err(c, "bad %s: 1-%d bytes of printable UTF-8 (the "
				   "token's \"%s\" claim)", name,
				CLAIM_VALUE_MAX, name + 2);
			return 1;
		}
		if ((opt == OPT_JTI ? o->jti : o->sub) != NULL) {
			cli_err(c, "%s given twice: revoke one value at a time",
				name);
			return 1;
		}
		*(opt == OPT_JTI ? &o->jti : &o->sub) = arg;
		return 0;
	}
	return 1;
}

static const struct option token_longopts[] = {
	CLI_COMMON_OPTS,
	{ "issuer", required_argument, NULL, OPT_ISSUER },
	{ "jti", required_argument, NULL, OPT_JTI },
	{ "sub", required_argument, NULL, OPT_SUB },
	{ 0 },
};

/* options, no positional arguments, --issuer given */
static int parse(struct cli *c, int argc, char **argv, struct token_opts *o,
		 const char *use)
{
	int first;

	if (cli_args(c, argc, argv, token_longopts, token_opt, o, 0, 0, use,
		     &first) != CLI_OK)
		return CLI_USAGE;
	if (o->issuer == NULL) {
		cli_err(c, "missing --issuer NAME");
		cli_note("usage: saslkey %s", use);
		return CLI_USAGE;
	}
	if (!cli_valid_name(o->issuer)) {
		cli_err(c, "bad issuer name (1-%d bytes, no spaces or control "
			   "characters)", SK_NAME_MAX);
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* the store, a transaction for writes, and the issuer of --issuer */
static int open_issuer(struct cli *c, const struct token_opts *o,
		       enum sk_store_mode mode, struct sk_issuer *is)
{
	int r;

	if ((r = cli_open_for(c, mode)) != CLI_OK)
		return r;
	return cli_get_issuer(c, o->issuer, is);
}

struct find_ctx {
	enum sk_deny_kind kind;
	const char *value;
	bool found;
};

static int find_one(void *ctx, enum sk_deny_kind kind, const char *value,
		    int64_t created)
{
	struct find_ctx *f = ctx;

	(void)created;
	if (kind == f->kind && strcmp(value, f->value) == 0) {
		f->found = true;
		return 1;
	}
	return 0;
}

static int token_revoke(struct cli *c, int argc, char **argv)
{
	static const char use[] =
		"token revoke --issuer NAME (--jti ID | --sub SUBJECT)";
	struct token_opts o = { 0 };
	struct sk_issuer is;
	struct find_ctx f;
	int r;

	if ((r = parse(c, argc, argv, &o, use)) != CLI_OK)
		return r;
	if ((o.jti == NULL) == (o.sub == NULL)) {
		cli_err(c, "give exactly one of --jti ID (one token) and --sub "
			   "SUBJECT (every token of a subject)");
		cli_note("usage: saslkey %s", use);
		return CLI_USAGE;
	}
	if ((r = open_issuer(c, &o, SK_STORE_WRITE, &is)) != CLI_OK)
		return cli_end(c, r);
	f = (struct find_ctx){
		.kind = o.jti ? SK_DENY_JTI : SK_DENY_SUB,
		.value = o.jti ? o.jti : o.sub,
	};
	r = cli_status(c, c->st->ops->deny_list(c->st, is.id, find_one, &f),
		       "listing revoked tokens");
	if (r == CLI_OK && !f.found)
		r = cli_status(c, c->st->ops->deny_add(c->st, is.id, f.kind,
						       f.value, c->now),
			       "revoking token");
	if ((r = cli_end(c, r)) != CLI_OK)
		return r;
	if (f.found)
		cli_note("%s \"%s\" of issuer %s was already revoked",
			 o.jti ? "jti" : "sub", f.value, is.name);
	else if (o.jti)
		cli_note("token with jti \"%s\" of issuer %s revoked", f.value,
			 is.name);
	else
		cli_note("every token with sub \"%s\" from issuer %s revoked",
			 f.value, is.name);
	return CLI_OK;
}

struct list_ctx {
	json_t *arr;
};

static int list_one(void *ctx, enum sk_deny_kind kind, const char *value,
		    int64_t created)
{
	struct list_ctx *l = ctx;
	const char *k = kind == SK_DENY_JTI ? "jti" : "sub";
	char when[40];

	if (l->arr != NULL) {
		json_array_append_new(l->arr,
				      json_pack("{s:s, s:s, s:o}", "kind", k,
						"value", value, "revoked",
						cli_json_time(created)));
		return 0;
	}
	cli_time(created, when, sizeof(when));
	printf("%-4s %-20s %s\n", k, when, value);
	return 0;
}

static int token_list(struct cli *c, int argc, char **argv)
{
	static const char use[] = "token list --issuer NAME [--json]";
	struct token_opts o = { 0 };
	struct list_ctx l = { 0 };
	struct sk_issuer is;
	int r;

	if ((r = parse(c, argc, argv, &o, use)) != CLI_OK)
		return r;
	if (o.jti != NULL || o.sub != NULL) {
		cli_err(c, "--jti and --sub are for \"token revoke\"");
		cli_note("usage: saslkey %s", use);
		return CLI_USAGE;
	}
	if ((r = open_issuer(c, &o, SK_STORE_READ, &is)) != CLI_OK)
		return cli_end(c, r);
	if (c->json)
		l.arr = json_array();
	else
		printf("%-4s %-20s %s\n", "KIND", "REVOKED", "VALUE");
	r = cli_status(c, c->st->ops->deny_list(c->st, is.id, list_one, &l),
		       "listing revoked tokens");
	if (l.arr != NULL) {
		if (r == CLI_OK)
			cli_print_json(l.arr);
		else
			json_decref(l.arr);
	}
	return cli_end(c, r);
}

int cmd_token(struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "revoke", "token revoke", token_revoke },
		{ "list", "token list", token_list },
	};

	return cli_dispatch(c, argc, argv, subs, SK_N_ELEMENTS(subs));
}
