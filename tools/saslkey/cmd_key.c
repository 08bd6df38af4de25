/* saslkey(8) - API key commands */
#include "cli.h"
#include "cram.h"
#include "scram.h"
#include "secret.h"
#include "status.h"
#include "when.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_SERVICE "smtp"
#define DEFAULT_GRACE (7 * 86400)
/* key ids are 71 random bits; a clash means a broken RNG, not bad luck */
#define ID_ATTEMPTS 4

struct key_opts {
	char services[SK_SERVICES_MAX + 1];
	struct sk_acl acl;
	const char *label;
	bool have_expires;
	int64_t expires;
	int64_t grace;
	bool cram;
	bool scram;
};

enum { OPT_SERVICE = 1, OPT_ALLOW, OPT_EXPIRES, OPT_LABEL, OPT_GRACE,
       OPT_CRAM, OPT_SCRAM };

static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p = list;

	while ((p = strstr(p, w)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

static int key_opt(struct cli *c, int opt, const char *arg, void *ctx)
{
	struct key_opts *o = ctx;
	size_t have;

	switch (opt) {
	case OPT_SERVICE:
		if (!cli_valid_service(arg)) {
			cli_err(c, "bad service name \"%s\" (e.g. smtp, imap, "
				   "pop, sieve; or * for any)", arg);
			return 1;
		}
		if (has_word(o->services, arg))
			return 0;
		have = strlen(o->services);
		if (have + 1 + strlen(arg) >= sizeof(o->services)) {
			cli_err(c, "too many services");
			return 1;
		}
		snprintf(o->services + have, sizeof(o->services) - have, "%s%s",
			 have ? " " : "", arg);
		return 0;
	case OPT_ALLOW:
		return cli_acl_add(c, &o->acl, arg) != CLI_OK;
	case OPT_EXPIRES:
		o->have_expires = true;
		return cli_when(c, arg, &o->expires) != CLI_OK;
	case OPT_LABEL:
		return cli_text(c, arg, SK_LABEL_MAX, "label", &o->label) !=
		       CLI_OK;
	case OPT_CRAM:
		o->cram = true;
		return 0;
	case OPT_SCRAM:
		o->scram = true;
		return 0;
	case OPT_GRACE:
		return cli_duration(c, arg, &o->grace) != CLI_OK;
	}
	return 1;
}

static const struct option key_longopts[] = {
	CLI_COMMON_OPTS,
	{ "service", required_argument, NULL, OPT_SERVICE },
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "expires", required_argument, NULL, OPT_EXPIRES },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "grace", required_argument, NULL, OPT_GRACE },
	{ "cram", no_argument, NULL, OPT_CRAM },
	{ "scram", no_argument, NULL, OPT_SCRAM },
	{ 0 },
};

static int prologue(struct cli *c, int argc, char **argv, struct key_opts *o,
		    int min, int max, const char *use, enum sk_store_mode mode,
		    int *first)
{
	int r = cli_args(c, argc, argv, key_longopts, key_opt, o, min, max,
			 use, first);

	return r == CLI_OK ? cli_open_for(c, mode) : r;
}

static const char *key_state(const struct cli *c, const struct sk_keyrec *k)
{
	if (k->revoked != 0)
		return "revoked";
	if (k->expires != 0 && k->expires <= c->now)
		return "expired";
	return "active";
}

static int get_key(struct cli *c, const char *id, struct sk_keyrec *k)
{
	struct sk_key whole;
	int r;

	/* a whole key pasted instead of its id: never echo the secret */
	if (sk_key_parse(id, strlen(id), &whole) != SK_KEY_NOT_A_KEY) {
		sk_key_wipe(&whole);
		cli_err(c, "that is a whole key, not a key id: give only the "
			   "12 characters between the underscores");
		return CLI_USAGE;
	}
	if (!sk_key_id_valid(id, strlen(id))) {
		cli_err(c, "\"%s\" is not a key id (12 letters and digits; the "
			   "part between the underscores of a key)", id);
		return CLI_USAGE;
	}
	r = c->st->ops->key_get(c->st, id, k);
	if (r == SK_NOTFOUND) {
		cli_err(c, "no key %s", id);
		return CLI_USAGE;
	}
	return cli_status(c, r, "reading key");
}

static json_t *key_json(struct cli *c, const struct sk_keyrec *k)
{
	struct sk_account a;
	const char *acct = "?";

	if (c->st->ops->account_get_id(c->st, k->account_id, &a) == SK_OK)
		acct = a.name;
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}",
			 "id", k->id, "account", acct, "label", k->label,
			 "state", key_state(c, k), "services",
			 cli_json_words(k->services), "allow",
			 cli_json_words(k->allow), "created",
			 cli_json_time(k->created), "expires",
			 cli_json_time(k->expires), "revoked",
			 cli_json_time(k->revoked), "rotated_from",
			 k->rotated_from[0] ? json_string(k->rotated_from) :
					      json_null(),
			 "cram", k->cram_len > 0, "scram",
			 k->scram_sha256[0] != '\0');
}

/*
 * Store a new key built from tmpl and print it: the key alone on the first
 * line of stdout (so `KEY=$(saslkey key create ...)` works), the summary
 * on stderr.  The key is printed only after the commit: a key the store
 * never received must not reach anyone.
 */
/* SCRAM-SHA-1 and -256 verifiers of the whole key, for stock SCRAM */
static int scram_verifiers(struct cli *c, const char *text,
			   struct sk_keyrec *rec)
{
	unsigned n = c->settings.scram_iterations;
	size_t len = strlen(text);

	if (sk_scram_verifier(SK_SCRAM_SHA1, text, len, n, rec->scram_sha1,
			      sizeof(rec->scram_sha1)) != SK_OK ||
	    sk_scram_verifier(SK_SCRAM_SHA256, text, len, n, rec->scram_sha256,
			      sizeof(rec->scram_sha256)) != SK_OK)
		return SK_UNAVAIL;
	return SK_OK;
}

static int issue_key(struct cli *c, struct sk_keyrec *rec,
		     const struct sk_account *a, const char *verb, bool cram,
		     bool scram)
{
	char text[SK_KEY_MAX_LEN + 1], exp[40];
	struct sk_master_key mk = { .loaded = false };
	struct sk_key key;
	int r = SK_EXISTS, i;

	/* CRAM-MD5 needs the key's HMAC state, sealed under the master key */
	if (cram && (r = cli_master_key(c, &mk)) != CLI_OK)
		return cli_end(c, r);
	r = SK_EXISTS;
	for (i = 0; i < ID_ATTEMPTS && r == SK_EXISTS; i++) {
		if (sk_key_generate(c->settings.key_prefix, &key) != SK_OK) {
			cli_err(c, "cannot generate a key: no randomness");
			sk_master_key_wipe(&mk);
			return cli_end(c, CLI_STORE);
		}
		memcpy(rec->id, key.id, sizeof(rec->id));
		rec->cram_len = 0;
		rec->scram_sha1[0] = rec->scram_sha256[0] = '\0';
		sk_key_format(&key, text, sizeof(text));
		r = SK_OK;
		if (cram)
			r = sk_cram_seal(&mk, true, key.id, text, strlen(text),
					 rec->cram, sizeof(rec->cram),
					 &rec->cram_len);
		if (r == SK_OK && scram)
			r = scram_verifiers(c, text, rec);
		sk_wipe(text, sizeof(text));
		if (r != SK_OK || sk_key_hash(&key, rec->hash) != SK_OK) {
			sk_key_wipe(&key);
			sk_master_key_wipe(&mk);
			cli_err(c, "cannot hash or seal the key");
			return cli_end(c, CLI_STORE);
		}
		r = c->st->ops->key_add(c->st, rec);
		if (r != SK_OK)
			sk_key_wipe(&key);
	}
	sk_master_key_wipe(&mk);
	if ((r = cli_end(c, cli_status(c, r, "storing key"))) != CLI_OK) {
		sk_key_wipe(&key);
		return r;
	}
	sk_key_format(&key, text, sizeof(text));
	sk_key_wipe(&key);
	printf("%s\n", text);
	fflush(stdout);
	sk_wipe(text, sizeof(text));
	cli_time(rec->expires, exp, sizeof(exp));
	cli_note("%s key %s for account %s: services %s; allowed from %s; "
		 "expires %s%s%s", verb, rec->id, a->name, rec->services,
		 rec->allow[0] ? rec->allow : "any address", exp,
		 cram ? "; CRAM-MD5 enabled" : "",
		 scram ? "; SCRAM enabled" : "");
	cli_note("The key is shown only this once: store it now.");
	return CLI_OK;
}

static int key_create(struct cli *c, int argc, char **argv)
{
	static const char use[] =
		"key create ACCOUNT [--service NAME]... [--allow CIDR]... "
		"[--expires WHEN] [--label TEXT] [--cram] [--scram]";
	struct key_opts o = { .label = "" };
	struct sk_keyrec rec;
	struct sk_account a;
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 1, 1, use, SK_STORE_WRITE,
			  &first)) != CLI_OK)
		return cli_end(c, r);
	r = c->st->ops->account_get(c->st, argv[first], &a);
	if (r == SK_NOTFOUND) {
		cli_err(c, "no account \"%s\" (create it with \"saslkey account "
			   "add\")", argv[first]);
		return cli_end(c, CLI_USAGE);
	}
	if ((r = cli_status(c, r, "reading account")) != CLI_OK)
		return cli_end(c, r);
	if (o.have_expires && o.expires != 0 && o.expires <= c->now) {
		cli_err(c, "--expires is in the past");
		return cli_end(c, CLI_USAGE);
	}
	memset(&rec, 0, sizeof(rec));
	rec.account_id = a.id;
	snprintf(rec.label, sizeof(rec.label), "%s", o.label);
	snprintf(rec.services, sizeof(rec.services), "%s",
		 o.services[0] ? o.services : DEFAULT_SERVICE);
	if (!sk_acl_format(&o.acl, rec.allow, sizeof(rec.allow))) {
		cli_err(c, "allow-list longer than %d bytes", SK_ACL_TEXT_MAX);
		return cli_end(c, CLI_USAGE);
	}
	rec.created = c->now;
	rec.expires = o.have_expires ? o.expires : 0;
	if (a.disabled)
		cli_note("warning: account %s is disabled; the key will not "
			 "work until it is enabled", a.name);
	return issue_key(c, &rec, &a, "created", o.cram, o.scram);
}

static int print_key_row(void *ctx, const struct sk_keyrec *k)
{
	struct cli *c = ctx;
	struct sk_account a;
	char created[40], expires[40];

	if (c->st->ops->account_get_id(c->st, k->account_id, &a) != SK_OK)
		snprintf(a.name, sizeof(a.name), "?");
	cli_time(k->created, created, sizeof(created));
	cli_time(k->expires, expires, sizeof(expires));
	printf("%-12s  %-16s %-8s %-12s %-20s %-20s %-20s %s\n", k->id, a.name,
	       key_state(c, k), k->services, k->allow[0] ? k->allow : "any",
	       created, expires, k->label);
	return 0;
}

struct json_collect {
	struct cli *c;
	json_t *arr;
};

static int collect_key(void *ctx, const struct sk_keyrec *k)
{
	struct json_collect *jc = ctx;

	json_array_append_new(jc->arr, key_json(jc->c, k));
	return 0;
}

static int key_list(struct cli *c, int argc, char **argv)
{
	static const char use[] = "key list [ACCOUNT] [--json]";
	struct key_opts o = { 0 };
	struct json_collect jc = { .c = c };
	struct sk_account a = { 0 };
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 0, 1, use, SK_STORE_READ,
			  &first)) != CLI_OK)
		return cli_end(c, r);
	if (first < argc &&
	    (r = cli_account_get(c, argv[first], &a)) != CLI_OK)
		return cli_end(c, r);
	if (c->json) {
		jc.arr = json_array();
		r = c->st->ops->key_list(c->st, a.id, collect_key, &jc);
		if (r == SK_OK)
			cli_print_json(jc.arr);
		else
			json_decref(jc.arr);
	} else {
		printf("%-12s  %-16s %-8s %-12s %-20s %-20s %-20s %s\n", "ID",
		       "ACCOUNT", "STATE", "SERVICES", "ALLOW", "CREATED",
		       "EXPIRES", "LABEL");
		r = c->st->ops->key_list(c->st, a.id, print_key_row, c);
	}
	return cli_end(c, cli_status(c, r, "listing keys"));
}

static int key_show(struct cli *c, int argc, char **argv)
{
	static const char use[] = "key show ID [--json]";
	struct key_opts o = { 0 };
	struct sk_keyrec k;
	struct sk_account a;
	char created[40], expires[40], revoked[40];
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 1, 1, use, SK_STORE_READ,
			  &first)) != CLI_OK)
		return cli_end(c, r);
	if ((r = get_key(c, argv[first], &k)) != CLI_OK)
		return cli_end(c, r);
	if (c->json) {
		cli_print_json(key_json(c, &k));
		return cli_end(c, CLI_OK);
	}
	if (c->st->ops->account_get_id(c->st, k.account_id, &a) != SK_OK)
		snprintf(a.name, sizeof(a.name), "?");
	cli_time(k.created, created, sizeof(created));
	cli_time(k.expires, expires, sizeof(expires));
	cli_time(k.revoked, revoked, sizeof(revoked));
	printf("id:           %s\naccount:      %s\nlabel:        %s\n"
	       "state:        %s\nservices:     %s\nallow:        %s\n"
	       "created:      %s\nexpires:      %s\nrevoked:      %s\n"
	       "rotated from: %s\ncram-md5:     %s\nscram:        %s\n",
	       k.id, a.name, k.label, key_state(c, &k), k.services,
	       k.allow[0] ? k.allow : "any", created, expires,
	       k.revoked ? revoked : "no",
	       k.rotated_from[0] ? k.rotated_from : "-",
	       k.cram_len ? "enabled" : "no",
	       k.scram_sha256[0] ? "enabled" : "no");
	return cli_end(c, CLI_OK);
}

static int key_revoke(struct cli *c, int argc, char **argv)
{
	static const char use[] = "key revoke ID";
	struct key_opts o = { 0 };
	struct sk_keyrec k;
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 1, 1, use, SK_STORE_WRITE,
			  &first)) != CLI_OK)
		return cli_end(c, r);
	if ((r = get_key(c, argv[first], &k)) != CLI_OK)
		return cli_end(c, r);
	if (k.revoked != 0) {
		cli_note("key %s was already revoked", k.id);
		return cli_end(c, CLI_OK);
	}
	k.revoked = c->now;
	r = cli_status(c, c->st->ops->key_update(c->st, &k), "revoking key");
	if ((r = cli_end(c, r)) == CLI_OK)
		cli_note("key %s revoked", k.id);
	return r;
}

static int key_expire(struct cli *c, int argc, char **argv)
{
	static const char use[] = "key expire ID WHEN";
	struct key_opts o = { 0 };
	struct sk_keyrec k;
	char when[40];
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 2, 2, use, SK_STORE_WRITE,
			  &first)) != CLI_OK)
		return cli_end(c, r);
	if ((r = get_key(c, argv[first], &k)) != CLI_OK)
		return cli_end(c, r);
	if ((r = cli_when(c, argv[first + 1], &k.expires)) != CLI_OK)
		return cli_end(c, r);
	r = cli_status(c, c->st->ops->key_update(c->st, &k), "updating key");
	cli_time(k.expires, when, sizeof(when));
	if ((r = cli_end(c, r)) == CLI_OK)
		cli_note("key %s expires %s", k.id, when);
	return r;
}

/*
 * A new key with the old one's account, label, services and allow-list;
 * the old key keeps working for the grace period so clients can move.
 */
static int key_rotate(struct cli *c, int argc, char **argv)
{
	static const char use[] = "key rotate ID [--grace DURATION]";
	struct key_opts o = { .grace = DEFAULT_GRACE };
	struct sk_keyrec old, rec;
	struct sk_account a;
	int64_t until;
	char when[40];
	int first, r;

	if ((r = prologue(c, argc, argv, &o, 1, 1, use, SK_STORE_WRITE,
			  &first)) != CLI_OK)
		return cli_end(c, r);
	if ((r = get_key(c, argv[first], &old)) != CLI_OK)
		return cli_end(c, r);
	if (old.revoked != 0) {
		cli_err(c, "key %s is revoked; create a new key instead", old.id);
		return cli_end(c, CLI_USAGE);
	}
	if ((r = cli_status(c, c->st->ops->account_get_id(c->st, old.account_id,
							   &a),
			    "reading account")) != CLI_OK)
		return cli_end(c, r);

	rec = old;
	memset(rec.id, 0, sizeof(rec.id));
	rec.created = c->now;
	rec.revoked = 0;
	/* the same lifetime as the old key, counted from now */
	rec.expires = old.expires ? c->now + (old.expires - old.created) : 0;
	snprintf(rec.rotated_from, sizeof(rec.rotated_from), "%s", old.id);

	until = c->now + o.grace;
	if (old.expires == 0 || old.expires > until) {
		old.expires = until;
		if ((r = cli_status(c, c->st->ops->key_update(c->st, &old),
				    "updating old key")) != CLI_OK)
			return cli_end(c, r);
	}
	cli_time(old.expires, when, sizeof(when));
	r = issue_key(c, &rec, &a, "rotated: new", old.cram_len > 0,
		      old.scram_sha256[0] != '\0');
	if (r == CLI_OK)
		cli_note("old key %s stays valid until %s", old.id, when);
	return r;
}

int cmd_key(struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "create", "key create", key_create },
		{ "list", "key list", key_list },
		{ "show", "key show", key_show },
		{ "revoke", "key revoke", key_revoke },
		{ "expire", "key expire", key_expire },
		{ "rotate", "key rotate", key_rotate },
	};

	return cli_dispatch(c, argc, argv, subs, SK_N_ELEMENTS(subs));
}
