/* saslkey(8) - CRAM-MD5 shared secrets of an account */
#include "cli.h"
#include "cram.h"
#include "scram.h"
#include "mkstore.h"
#include "seal.h"
#include "secret.h"
#include "status.h"
#include "when.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define GENERATED_LEN 24	/* base62: ~143 bits */
#define DEFAULT_GRACE (7 * 86400)

struct cram_opts {
	bool from_stdin;
	bool have_expires;
	int64_t expires;
	int64_t grace;
	const char *label;
};

enum { OPT_STDIN = 1, OPT_EXPIRES, OPT_GRACE, OPT_LABEL };

static int cram_opt(struct cli *c, int opt, const char *arg, void *ctx)
{
	struct cram_opts *o = ctx;

	switch (opt) {
	case OPT_STDIN:
		o->from_stdin = true;
		return 0;
	case OPT_EXPIRES:
		o->have_expires = true;
		return cli_when(c, arg, &o->expires) != CLI_OK;
	case OPT_GRACE:
		return cli_duration(c, arg, &o->grace) != CLI_OK;
	case OPT_LABEL:
		return cli_text(c, arg, SK_LABEL_MAX, "label", &o->label) !=
		       CLI_OK;
	}
	return 1;
}

static const struct option cram_longopts[] = {
	CLI_COMMON_OPTS,
	{ "stdin", no_argument, NULL, OPT_STDIN },
	{ "expires", required_argument, NULL, OPT_EXPIRES },
	{ "grace", required_argument, NULL, OPT_GRACE },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ 0 },
};

/*
 * The master key from saslkey_master_key (default: beside the store),
 * checked against the fingerprint the store recorded - or recorded now,
 * if this is the first secret ever sealed in this store.
 */
int cli_master_key(struct cli *c, struct sk_master_key *mk)
{
	char path[PATH_MAX], err[512];
	int r;

	sk_settings_master_key_path(&c->settings, path, sizeof(path));
	if (sk_master_key_load(path, mk, err, sizeof(err)) != SK_OK) {
		cli_err(c, "%s (\"saslkey init\" creates one)", err);
		return CLI_STORE;
	}
	r = sk_master_key_verify(c->st, mk, true);
	if (r == SK_CONFLICT) {
		cli_err(c, "master key %s does not match this store", path);
		return CLI_STORE;
	}
	return cli_status(c, r, "checking the master key");
}

/* a secret from stdin: one line, 1-1024 bytes, no NUL */
static int read_secret(struct cli *c, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	ssize_t r;

	while (n < cap && (r = read(STDIN_FILENO, buf + n, cap - n)) > 0)
		n += (size_t)r;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n == 0 || n > SK_CRAM_SECRET_MAX || memchr(buf, '\0', n) ||
	    memchr(buf, '\n', n)) {
		sk_wipe(buf, cap);
		cli_err(c, "the secret on stdin must be one line of 1-%d bytes",
			SK_CRAM_SECRET_MAX);
		return CLI_USAGE;
	}
	*len = n;
	return CLI_OK;
}

static const char *secret_state(const struct cli *c, const struct sk_secret *s)
{
	if (s->revoked != 0)
		return "revoked";
	if (s->expires != 0 && s->expires <= c->now)
		return "expired";
	return "active";
}

/* add one secret to account a; print it if we generated it */
static int add_secret(struct cli *c, const struct sk_account *a,
		      const struct cram_opts *o, struct sk_master_key *mk)
{
	char secret[SK_CRAM_SECRET_MAX + 2];
	struct sk_secret s;
	size_t len = GENERATED_LEN;
	int r;

	memset(&s, 0, sizeof(s));
	if (o->from_stdin) {
		if ((r = read_secret(c, secret, sizeof(secret), &len)) != CLI_OK)
			return r;
	} else if (sk_random_base62(secret, GENERATED_LEN) != SK_OK) {
		cli_err(c, "no randomness");
		return CLI_STORE;
	}
	s.account_id = a->id;
	s.created = c->now;
	s.expires = o->have_expires ? o->expires : 0;
	snprintf(s.label, sizeof(s.label), "%s", o->label ? o->label : "");
	r = SK_EXISTS;
	for (int i = 0; i < 4 && r == SK_EXISTS; i++) {
		/* the same secret also serves stock SCRAM, through the auxprop */
		if (sk_random_base62(s.id, SK_KEY_ID_LEN) != SK_OK ||
		    sk_cram_seal(mk, false, s.id, secret, len, s.cram,
				 sizeof(s.cram), &s.cram_len) != SK_OK ||
		    sk_scram_verifier(SK_SCRAM_SHA1, secret, len,
				      c->settings.scram_iterations, s.scram_sha1,
				      sizeof(s.scram_sha1)) != SK_OK ||
		    sk_scram_verifier(SK_SCRAM_SHA256, secret, len,
				      c->settings.scram_iterations,
				      s.scram_sha256,
				      sizeof(s.scram_sha256)) != SK_OK) {
			sk_wipe(secret, sizeof(secret));
			cli_err(c, "cannot seal the secret");
			return CLI_STORE;
		}
		r = c->st->ops->secret_add(c->st, &s);
	}
	if ((r = cli_status(c, r, "storing the secret")) != CLI_OK ||
	    (r = cli_end(c, r)) != CLI_OK) {
		sk_wipe(secret, sizeof(secret));
		return r;
	}
	if (!o->from_stdin) {
		printf("%.*s\n", GENERATED_LEN, secret);
		fflush(stdout);
	}
	sk_wipe(secret, sizeof(secret));
	cli_note("CRAM-MD5 secret %s added to account %s%s", s.id, a->name,
		 o->from_stdin ? "" : "; shown only this once");
	return CLI_OK;
}

static int prologue(struct cli *c, int argc, char **argv, struct cram_opts *o,
		    int nargs, const char *use, enum sk_store_mode mode,
		    int *first)
{
	int r = cli_args(c, argc, argv, cram_longopts, cram_opt, o, nargs,
			 nargs, use, first);

	return r == CLI_OK ? cli_open_for(c, mode) : r;
}

static int cram_set(struct cli *c, int argc, char **argv)
{
	static const char use[] = "cram set ACCOUNT [--stdin] [--expires WHEN] "
				  "[--label TEXT]";
	struct cram_opts o = { 0 };
	struct sk_master_key mk;
	struct sk_account a;
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 1, use, SK_STORE_WRITE, &first)) !=
	    CLI_OK)
		return cli_end(c, r);
	if ((r = cli_account_get(c, argv[first], &a)) != CLI_OK)
		return cli_end(c, r);
	if (o.have_expires && o.expires != 0 && o.expires <= c->now) {
		cli_err(c, "--expires is in the past");
		return cli_end(c, CLI_USAGE);
	}
	if ((r = cli_master_key(c, &mk)) != CLI_OK)
		return cli_end(c, r);
	r = add_secret(c, &a, &o, &mk);
	sk_master_key_wipe(&mk);
	return cli_end(c, r);
}

struct list_ctx {
	struct cli *c;
	json_t *arr;
};

static int list_one(void *ctx, const struct sk_secret *s)
{
	struct list_ctx *l = ctx;
	char created[40], expires[40];

	if (l->arr != NULL) {
		json_array_append_new(l->arr, json_pack(
			"{s:s, s:s, s:s, s:o, s:o, s:o}", "id", s->id, "label",
			s->label, "state", secret_state(l->c, s), "created",
			cli_json_time(s->created), "expires",
			cli_json_time(s->expires), "revoked",
			cli_json_time(s->revoked)));
		return 0;
	}
	cli_time(s->created, created, sizeof(created));
	cli_time(s->expires, expires, sizeof(expires));
	printf("%-12s  %-8s %-20s %-20s %s\n", s->id, secret_state(l->c, s),
	       created, expires, s->label);
	return 0;
}

static int cram_list(struct cli *c, int argc, char **argv)
{
	static const char use[] = "cram list ACCOUNT [--json]";
	struct cram_opts o = { 0 };
	struct list_ctx l = { .c = c };
	struct sk_account a;
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 1, use, SK_STORE_READ, &first)) !=
	    CLI_OK)
		return cli_end(c, r);
	if ((r = cli_account_get(c, argv[first], &a)) != CLI_OK)
		return cli_end(c, r);
	if (c->json)
		l.arr = json_array();
	else
		printf("%-12s  %-8s %-20s %-20s %s\n", "ID", "STATE", "CREATED",
		       "EXPIRES", "LABEL");
	r = c->st->ops->secret_list(c->st, a.id, list_one, &l);
	if (l.arr != NULL) {
		if (r == SK_OK)
			cli_print_json(l.arr);
		else
			json_decref(l.arr);
	}
	return cli_end(c, cli_status(c, r, "listing secrets"));
}

static int cram_revoke(struct cli *c, int argc, char **argv)
{
	static const char use[] = "cram revoke ACCOUNT ID";
	struct cram_opts o = { 0 };
	struct sk_account a;
	struct sk_secret s;
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 2, use, SK_STORE_WRITE, &first)) !=
	    CLI_OK)
		return cli_end(c, r);
	if ((r = cli_account_get(c, argv[first], &a)) != CLI_OK)
		return cli_end(c, r);
	r = c->st->ops->secret_get(c->st, argv[first + 1], &s);
	if (r == SK_NOTFOUND || (r == SK_OK && s.account_id != a.id)) {
		cli_err(c, "account %s has no secret %s", a.name, argv[first + 1]);
		return cli_end(c, CLI_USAGE);
	}
	if ((r = cli_status(c, r, "reading secret")) != CLI_OK)
		return cli_end(c, r);
	if (s.revoked != 0) {
		cli_note("secret %s was already revoked", s.id);
		return cli_end(c, CLI_OK);
	}
	s.revoked = c->now;
	r = cli_status(c, c->st->ops->secret_update(c->st, &s),
		       "revoking secret");
	if ((r = cli_end(c, r)) == CLI_OK)
		cli_note("CRAM-MD5 secret %s of account %s revoked", s.id, a.name);
	return r;
}

struct rotate_ctx {
	struct cli *c;
	int64_t until;
	int status;
	unsigned n;
};

static int expire_one(void *ctx, const struct sk_secret *s)
{
	struct rotate_ctx *rc = ctx;
	struct sk_secret t = *s;

	if (t.revoked != 0 || (t.expires != 0 && t.expires <= rc->until))
		return 0;
	t.expires = rc->until;
	rc->status = rc->c->st->ops->secret_update(rc->c->st, &t);
	rc->n++;
	return rc->status != SK_OK;
}

/* a new secret; the others stay valid for the grace period */
static int cram_rotate(struct cli *c, int argc, char **argv)
{
	static const char use[] = "cram rotate ACCOUNT [--grace DURATION] "
				  "[--stdin] [--expires WHEN] [--label TEXT]";
	struct cram_opts o = { .grace = DEFAULT_GRACE };
	struct rotate_ctx rc = { .c = c };
	struct sk_master_key mk;
	struct sk_account a;
	char when[40];
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 1, use, SK_STORE_WRITE, &first)) !=
	    CLI_OK)
		return cli_end(c, r);
	if ((r = cli_account_get(c, argv[first], &a)) != CLI_OK)
		return cli_end(c, r);
	if ((r = cli_master_key(c, &mk)) != CLI_OK)
		return cli_end(c, r);
	rc.until = c->now + o.grace;
	r = c->st->ops->secret_list(c->st, a.id, expire_one, &rc);
	if (r == SK_OK)
		r = rc.status;
	if ((r = cli_status(c, r, "expiring old secrets")) != CLI_OK) {
		sk_master_key_wipe(&mk);
		return cli_end(c, r);
	}
	r = add_secret(c, &a, &o, &mk);
	sk_master_key_wipe(&mk);
	cli_time(rc.until, when, sizeof(when));
	if (r == CLI_OK)
		cli_note("%u older secret%s of %s stay%s valid until %s", rc.n,
			 rc.n == 1 ? "" : "s", a.name, rc.n == 1 ? "s" : "",
			 when);
	return cli_end(c, r);
}

int cmd_cram(struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "set", "cram set", cram_set },
		{ "list", "cram list", cram_list },
		{ "revoke", "cram revoke", cram_revoke },
		{ "rotate", "cram rotate", cram_rotate },
	};

	return cli_dispatch(c, argc, argv, subs, SK_N_ELEMENTS(subs));
}
