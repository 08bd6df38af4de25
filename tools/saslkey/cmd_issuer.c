/* saslkey(8) - OAuth 2.0 token issuers: settings and public keys */
#include "cli.h"
#include "jwk.h"
#include "status.h"
#include "when.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_ALGS	"RS256 ES256 EdDSA"
#define DEFAULT_CLAIM	"email"
#define DEFAULT_LEEWAY	60
#define LEEWAY_MAX	3600
#define CLAIM_MAX	63
#define SUPPORTED_ALGS	"RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 " \
			"ES512 EdDSA"

struct issuer_opts {
	const char *issuer;
	const char *audience;
	const char *jwks;
	const char *claim;
	const char *scope;		/* normalised into scope_buf */
	const char *openid;
	bool have_leeway;
	int64_t leeway;
	enum sk_jwk_alg algs[SK_ALG_COUNT];
	size_t nalgs;			/* 0: --alg not given */
	char scope_buf[SK_ISSUER_TEXT_MAX + 1];
};

enum { OPT_ISSUER = 1, OPT_AUDIENCE, OPT_JWKS, OPT_ALG, OPT_CLAIM,
       OPT_SCOPE, OPT_LEEWAY, OPT_OPENID };

/*
 * Text from the command line or a JWKS file, made safe for a one-line
 * message: at most 32 bytes of printable ASCII, anything else as '?'.
 */
static const char *show(const char *s, size_t n, char buf[40])
{
	size_t i;

	for (i = 0; i < n && i < 32; i++) {
		unsigned char ch = (unsigned char)s[i];

		buf[i] = ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\' ?
				 '?' :
				 (char)ch;
	}
	if (n > 32)
		memcpy(buf + i, "...", 3), i += 3;
	buf[i] = '\0';
	return buf;
}

/*
 * Printable UTF-8 without whitespace or control characters, min..max
 * bytes: issuer URLs, audiences, discovery URLs.  cli_valid_text() lets
 * the C1 controls (U+0080-U+009F, NEL among them) and U+00A0 through.
 */
static bool valid_word(const char *s, size_t min, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i;

	if (n < min || !cli_valid_text(s, max, false))
		return false;
	for (i = 0; i + 1 < n; i++)
		if (p[i] == 0xc2 && p[i + 1] <= 0xa0)
			return false;
	return true;
}

static bool valid_claim(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= CLAIM_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789_.:-") == n;
}

/* space-separated scope words, runs of spaces collapsed; "" = none */
static bool normalise_scope(const char *s, char *out, size_t cap)
{
	char word[SK_ISSUER_TEXT_MAX + 1];
	size_t len = 0, n;
	const char *p = s;

	if (strlen(s) > SK_ISSUER_TEXT_MAX || !cli_valid_text(s, cap - 1, true))
		return false;
	out[0] = '\0';
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n == 0)
			break;
		memcpy(word, p, n);
		word[n] = '\0';
		if (!valid_word(word, 1, SK_ISSUER_TEXT_MAX))
			return false;
		len += (size_t)snprintf(out + len, cap - len, "%s%s",
					len ? " " : "", word);
		p += n;
	}
	return true;
}

static int add_alg(struct cli *c, struct issuer_opts *o, const char *s,
		   size_t n)
{
	enum sk_jwk_alg a = sk_jwk_alg_parse(s, n);
	char buf[40];
	size_t i;
	int k;

	if (a == SK_ALG_NONE) {
		if (n == 4 && strncasecmp(s, "none", 4) == 0) {
			cli_err(c, "alg \"none\" is never allowed: it accepts "
				   "unsigned tokens");
			return 1;
		}
		if (n >= 2 && strncasecmp(s, "HS", 2) == 0) {
			cli_err(c, "alg %s refused: HMAC algorithms need a "
				   "shared secret; only public-key algorithms "
				   "(" SUPPORTED_ALGS ") are supported",
				show(s, n, buf));
			return 1;
		}
		for (k = SK_ALG_NONE + 1; k < SK_ALG_COUNT; k++) {
			const char *name = sk_jwk_alg_name((enum sk_jwk_alg)k);

			if (strlen(name) == n && strncasecmp(name, s, n) == 0) {
				cli_err(c, "unknown alg \"%s\" (names are "
					   "case-sensitive: %s)",
					show(s, n, buf), name);
				return 1;
			}
		}
		cli_err(c, "unknown alg \"%s\" (supported: " SUPPORTED_ALGS ")",
			show(s, n, buf));
		return 1;
	}
	for (i = 0; i < o->nalgs; i++)
		if (o->algs[i] == a)
			return 0;	/* given twice: the first place counts */
	o->algs[o->nalgs++] = a;
	return 0;
}

/* --alg RS256, also --alg "RS256 ES256" or --alg RS256,ES256 */
static int add_algs(struct cli *c, struct issuer_opts *o, const char *arg)
{
	const char *p = arg;
	size_t n, words = 0;

	while (*p != '\0') {
		p += strspn(p, " ,");
		n = strcspn(p, " ,");
		if (n == 0)
			break;
		if (add_alg(c, o, p, n) != 0)
			return 1;
		words++;
		p += n;
	}
	if (words == 0) {
		cli_err(c, "--alg needs an algorithm name (supported: "
			   SUPPORTED_ALGS ")");
		return 1;
	}
	return 0;
}

static int issuer_opt(struct cli *c, int opt, const char *arg, void *ctx)
{
	struct issuer_opts *o = ctx;

	switch (opt) {
	case OPT_ISSUER:
		if (!valid_word(arg, 1, SK_ISSUER_URL_MAX)) {
			cli_err(c, "bad --issuer: 1-%d bytes of printable "
				   "UTF-8 without spaces (the exact \"iss\" of "
				   "the tokens)", SK_ISSUER_URL_MAX);
			return 1;
		}
		o->issuer = arg;
		return 0;
	case OPT_AUDIENCE:
		if (!valid_word(arg, 1, SK_ISSUER_URL_MAX)) {
			cli_err(c, "bad --audience: 1-%d bytes of printable "
				   "UTF-8 without spaces", SK_ISSUER_URL_MAX);
			return 1;
		}
		o->audience = arg;
		return 0;
	case OPT_JWKS:
		if (arg[0] == '\0') {
			cli_err(c, "--jwks needs a file name (or - for "
				   "standard input)");
			return 1;
		}
		o->jwks = arg;
		return 0;
	case OPT_ALG:
		return add_algs(c, o, arg);
	case OPT_CLAIM:
		if (!valid_claim(arg)) {
			cli_err(c, "bad --username-claim: 1-%d of the "
				   "characters A-Z a-z 0-9 _ . : -", CLAIM_MAX);
			return 1;
		}
		o->claim = arg;
		return 0;
	case OPT_SCOPE:
		if (!normalise_scope(arg, o->scope_buf, sizeof(o->scope_buf))) {
			cli_err(c, "bad --scope: at most %d bytes of printable "
				   "UTF-8, scopes separated by spaces",
				SK_ISSUER_TEXT_MAX);
			return 1;
		}
		o->scope = o->scope_buf;
		return 0;
	case OPT_LEEWAY:
		if (sk_duration_parse(arg, &o->leeway) != SK_OK ||
		    o->leeway > LEEWAY_MAX) {
			cli_err(c, "bad --leeway: give 0-%d seconds (e.g. 60, "
				   "2m)", LEEWAY_MAX);
			return 1;
		}
		o->have_leeway = true;
		return 0;
	case OPT_OPENID:
		if (!valid_word(arg, 0, SK_ISSUER_TEXT_MAX)) {
			cli_err(c, "bad --openid-configuration: at most %d "
				   "bytes of printable UTF-8 without spaces",
				SK_ISSUER_TEXT_MAX);
			return 1;
		}
		o->openid = arg;
		return 0;
	}
	return 1;
}

static const struct option issuer_longopts[] = {
	CLI_COMMON_OPTS,
	{ "issuer", required_argument, NULL, OPT_ISSUER },
	{ "audience", required_argument, NULL, OPT_AUDIENCE },
	{ "jwks", required_argument, NULL, OPT_JWKS },
	{ "alg", required_argument, NULL, OPT_ALG },
	{ "username-claim", required_argument, NULL, OPT_CLAIM },
	{ "scope", required_argument, NULL, OPT_SCOPE },
	{ "leeway", required_argument, NULL, OPT_LEEWAY },
	{ "openid-configuration", required_argument, NULL, OPT_OPENID },
	{ 0 },
};

/* parse options and check the positional count; the store is not open */
static int parse(struct cli *c, int argc, char **argv, struct issuer_opts *o,
		 int nargs, const char *use, int *first)
{
	if (cli_args(c, argc, argv, issuer_longopts, issuer_opt, o, nargs,
		     nargs, use, first) != CLI_OK)
		return CLI_USAGE;
	if (nargs > 0 && !cli_valid_name(argv[*first])) {
		cli_err(c, "bad issuer name (1-%d bytes, no spaces or control "
			   "characters)", SK_NAME_MAX);
		return CLI_USAGE;
	}
	return CLI_OK;
}

int cli_get_issuer(struct cli *c, const char *name, struct sk_issuer *out)
{
	int r = c->st->ops->issuer_get(c->st, name, out);

	if (r == SK_NOTFOUND) {
		cli_err(c, "no issuer \"%s\" (see \"saslkey issuer list\")",
			name);
		return CLI_USAGE;
	}
	return cli_status(c, r, "reading issuer");
}

static void format_algs(const enum sk_jwk_alg *algs, size_t n, char *out,
			size_t cap)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s",
					i ? " " : "", sk_jwk_alg_name(algs[i]));
}

/* the stored list back into algorithms (unknown names are dropped) */
static size_t parse_algs(const char *s, enum sk_jwk_alg *algs)
{
	size_t n = 0, len;
	enum sk_jwk_alg a;

	while (*s != '\0') {
		s += strspn(s, " ");
		len = strcspn(s, " ");
		if (len == 0)
			break;
		a = sk_jwk_alg_parse(s, len);
		if (a != SK_ALG_NONE && n < SK_ALG_COUNT)
			algs[n++] = a;
		s += len;
	}
	return n;
}

/* ---- JWKS files ---- */

struct jwks {
	struct sk_jwk *keys;
	size_t n;
	size_t skipped;
	char *notes;		/* one line per skipped key, printed on success */
};

static void jwks_free(struct jwks *j)
{
	sk_jwks_free(j->keys, j->n);
	free(j->notes);
	memset(j, 0, sizeof(*j));
}

/* at most SK_JWKS_MAX_LEN bytes of path ("-": standard input) */
static int read_jwks_file(struct cli *c, const char *path, char **buf,
			  size_t *len)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	size_t n = 0, r;
	char *b;

	if (f == NULL) {
		cli_err(c, "cannot read JWKS file %s: %s", path,
			strerror(errno));
		return CLI_USAGE;
	}
	b = malloc(SK_JWKS_MAX_LEN + 2);
	if (b == NULL) {
		if (!is_stdin)
			fclose(f);
		cli_err(c, "out of memory");
		return CLI_STORE;
	}
	while (n <= SK_JWKS_MAX_LEN &&
	       (r = fread(b + n, 1, SK_JWKS_MAX_LEN + 1 - n, f)) > 0)
		n += r;
	if (ferror(f)) {
		cli_err(c, "cannot read JWKS file %s: %s", path,
			strerror(errno ? errno : EIO));
		n = SIZE_MAX;
	} else if (n > SK_JWKS_MAX_LEN) {
		cli_err(c, "JWKS file %s is larger than %d KiB", path,
			SK_JWKS_MAX_LEN / 1024);
		n = SIZE_MAX;
	}
	if (!is_stdin)
		fclose(f);
	if (n == SIZE_MAX) {
		free(b);
		return CLI_USAGE;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return CLI_OK;
}

/* the members only a private or symmetric key has (see jwk.c) */
static bool has_private_member(const json_t *jwk)
{
	static const char *const members[] = {
		"d", "p", "q", "dp", "dq", "qi", "oth", "k",
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(members); i++)
		if (json_object_get(jwk, members[i]) != NULL)
			return true;
	return false;
}

/*
 * An encryption key ("use": "enc") that is safe to leave out: IdPs such as
 * Keycloak publish their RSA-OAEP keys in the same JWKS as the signing
 * keys.  One that carries private material is not skipped: the import
 * refuses it, so that the operator notices the leak.
 */
static bool skippable_enc_key(const json_t *jwk)
{
	const json_t *use = json_object_get(jwk, "use");

	return json_is_object(jwk) && json_is_string(use) &&
	       strcmp(json_string_value(use), "enc") == 0 &&
	       !has_private_member(jwk);
}

static void add_note(struct jwks *j, size_t idx, const json_t *jwk)
{
	const json_t *kid = json_object_get(jwk, "kid");
	char buf[40], line[160], *p;
	size_t have = j->notes ? strlen(j->notes) : 0;
	int n;

	if (json_is_string(kid))
		n = snprintf(line, sizeof(line),
			     "skipped key %zu (kid \"%s\"): an encryption key "
			     "(\"use\": \"enc\")\n",
			     idx,
			     show(json_string_value(kid),
				  json_string_length(kid), buf));
	else
		n = snprintf(line, sizeof(line),
			     "skipped key %zu (no kid): an encryption key "
			     "(\"use\": \"enc\")\n",
			     idx);
	p = realloc(j->notes, have + (size_t)n + 1);
	if (p == NULL)
		return;
	memcpy(p + have, line, (size_t)n + 1);
	j->notes = p;
}

/*
 * sk_jwks_import() numbers the keys it was given; after skipping
 * encryption keys, put the file's own numbers back into its message.
 */
static void renumber(const char *err, const size_t *map, size_t nmap,
		     char *out, size_t cap)
{
	static const char *const marks[] = { "key ", "(also key " };
	size_t len = 0, i;
	const char *p = err;

	out[0] = '\0';
	while (*p != '\0' && len + 1 < cap) {
		bool done = false;

		for (i = 0; i < SK_N_ELEMENTS(marks) && !done; i++) {
			size_t ml = strlen(marks[i]);
			char *end;
			unsigned long v;

			if (strncmp(p, marks[i], ml) != 0 ||
			    (i == 0 && p != err) || p[ml] < '0' || p[ml] > '9')
				continue;
			errno = 0;
			v = strtoul(p + ml, &end, 10);
			if (errno != 0 || v >= nmap)
				continue;
			len += (size_t)snprintf(out + len, cap - len, "%s%zu",
						marks[i], map[v]);
			p = end;
			done = true;
		}
		if (!done && len + 1 < cap) {
			out[len++] = *p++;
			out[len] = '\0';
		}
	}
	if (len >= cap)
		out[cap - 1] = '\0';
}

/*
 * Import the JWKS read from path with the issuer's algorithm list.  All or
 * nothing, except that encryption keys are skipped (noted in j->notes).
 */
static int load_jwks(struct cli *c, const char *path, const char *buf,
		     size_t len, const enum sk_jwk_alg *algs, size_t nalgs,
		     struct jwks *j)
{
	char err[512], msg[600], *text;
	size_t tlen, i, *map = NULL, nmap = 0;
	json_t *root, *list, *keep = NULL;
	int r, st;

	memset(j, 0, sizeof(*j));
	text = (char *)buf;
	tlen = len;
	/* a document sk_jwks_import() refuses anyway is passed on as is */
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	list = json_object_get(root, "keys");
	if (json_is_object(root) && list == NULL && skippable_enc_key(root)) {
		cli_err(c, "JWKS file %s holds only an encryption key (\"use\": "
			   "\"enc\"); the issuer's signature keys are needed",
			path);
		r = CLI_USAGE;
		goto out;
	}
	if (json_is_array(list)) {
		keep = json_array();
		map = calloc(json_array_size(list) + 1, sizeof(*map));
		if (keep == NULL || map == NULL) {
			cli_err(c, "out of memory");
			r = CLI_STORE;
			goto out;
		}
		for (i = 0; i < json_array_size(list); i++) {
			json_t *k = json_array_get(list, i);

			if (skippable_enc_key(k)) {
				add_note(j, i, k);
				j->skipped++;
				continue;
			}
			map[nmap++] = i;
			json_array_append(keep, k);
		}
	}
	if (j->skipped > 0) {
		json_t *doc;

		if (nmap == 0) {
			cli_err(c, "JWKS file %s has no signature keys (%zu "
				   "encryption key%s skipped)",
				path, j->skipped, j->skipped == 1 ? "" : "s");
			r = CLI_USAGE;
			goto out;
		}
		doc = json_pack("{s:O}", "keys", keep);
		text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
		json_decref(doc);
		if (text == NULL) {
			cli_err(c, "out of memory");
			r = CLI_STORE;
			goto out;
		}
		tlen = strlen(text);
	}
	st = sk_jwks_import(text, tlen, algs, nalgs, &j->keys, &j->n, err,
			    sizeof(err));
	if (st != SK_OK) {
		if (j->skipped > 0) {
			renumber(err, map, nmap, msg, sizeof(msg));
			cli_err(c, "JWKS file %s: %s", path, msg);
		} else {
			cli_err(c, "JWKS file %s: %s", path, err);
		}
		r = st == SK_NOMEM ? CLI_STORE : CLI_USAGE;
		goto out;
	}
	for (i = 0; i < j->n; i++) {
		if (strlen(j->keys[i].json) > SK_JWK_JSON_MAX) {
			cli_err(c, "JWKS file %s: key %zu is larger than %d "
				   "bytes", path, nmap ? map[i] : i,
				SK_JWK_JSON_MAX);
			r = CLI_USAGE;
			goto out;
		}
	}
	r = CLI_OK;
out:
	if (text != buf)
		free(text);
	free(map);
	json_decref(keep);
	json_decref(root);
	if (r != CLI_OK)
		jwks_free(j);
	return r;
}

static int store_keys(struct cli *c, int64_t issuer_id, const struct jwks *j)
{
	static struct sk_issuer_key k;	/* 8 KiB */
	size_t i;
	int r;

	for (i = 0; i < j->n; i++) {
		memset(&k, 0, sizeof(k));
		k.issuer_id = issuer_id;
		snprintf(k.kid, sizeof(k.kid), "%s",
			 j->keys[i].has_kid ? j->keys[i].kid : "");
		snprintf(k.alg, sizeof(k.alg), "%s",
			 sk_jwk_alg_name(j->keys[i].alg));
		snprintf(k.jwk, sizeof(k.jwk), "%s", j->keys[i].json);
		r = cli_status(c, c->st->ops->issuer_key_add(c->st, &k),
			       "storing issuer key");
		if (r != CLI_OK)
			return r;
	}
	return CLI_OK;
}

/* "rsa-1 (RS256), ec-1 (ES256)" for the summary line */
static void key_summary(const struct jwks *j, char *out, size_t cap)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < j->n && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s (%s)",
					i ? ", " : "",
					j->keys[i].has_kid ? j->keys[i].kid :
							     "no kid",
					sk_jwk_alg_name(j->keys[i].alg));
}

struct url_check {
	const char *url;
	int64_t except;
	char owner[SK_NAME_MAX + 1];
};

static int url_one(void *ctx, const struct sk_issuer *i)
{
	struct url_check *u = ctx;

	if (i->id != u->except && strcmp(i->issuer, u->url) == 0) {
		snprintf(u->owner, sizeof(u->owner), "%s", i->name);
		return 1;
	}
	return 0;
}

/* two issuers with one "iss" would make the key choice ambiguous */
static int check_url_unique(struct cli *c, const char *url, int64_t except)
{
	struct url_check u = { .url = url, .except = except };
	int r;

	r = cli_status(c, c->st->ops->issuer_list(c->st, url_one, &u),
		       "listing issuers");
	if (r != CLI_OK)
		return r;
	if (u.owner[0] != '\0') {
		cli_err(c, "issuer %s already has the issuer URL %s (tokens "
			   "name one issuer in \"iss\")", u.owner, url);
		return CLI_USAGE;
	}
	return CLI_OK;
}

static void print_notes(const struct jwks *j)
{
	if (j->notes != NULL)
		fputs(j->notes, stderr);
}

static int issuer_add(struct cli *c, int argc, char **argv)
{
	static const char use[] =
		"issuer add NAME --issuer URL --audience AUD --jwks FILE "
		"[--alg ALG]... [--username-claim CLAIM] [--scope SCOPE] "
		"[--leeway SECONDS] [--openid-configuration URL]";
	struct issuer_opts o = { 0 };
	struct sk_issuer is;
	struct jwks j = { 0 };
	char keys[1024], *buf;
	size_t len;
	int first, r;

	if ((r = parse(c, argc, argv, &o, 1, use, &first)) != CLI_OK)
		return r;
	if (o.issuer == NULL || o.audience == NULL || o.jwks == NULL) {
		cli_err(c, "missing %s", o.issuer == NULL ? "--issuer URL" :
					 o.audience == NULL ? "--audience AUD" :
							      "--jwks FILE");
		cli_note("usage: saslkey %s", use);
		return CLI_USAGE;
	}
	if (o.nalgs == 0)
		o.nalgs = parse_algs(DEFAULT_ALGS, o.algs);

	memset(&is, 0, sizeof(is));
	snprintf(is.name, sizeof(is.name), "%s", argv[first]);
	snprintf(is.issuer, sizeof(is.issuer), "%s", o.issuer);
	snprintf(is.audience, sizeof(is.audience), "%s", o.audience);
	format_algs(o.algs, o.nalgs, is.algs, sizeof(is.algs));
	snprintf(is.username_claim, sizeof(is.username_claim), "%s",
		 o.claim ? o.claim : DEFAULT_CLAIM);
	snprintf(is.scope, sizeof(is.scope), "%s", o.scope ? o.scope : "");
	snprintf(is.openid_configuration, sizeof(is.openid_configuration), "%s",
		 o.openid ? o.openid : "");
	is.leeway = o.have_leeway ? o.leeway : DEFAULT_LEEWAY;
	is.created = c->now;

	if ((r = read_jwks_file(c, o.jwks, &buf, &len)) != CLI_OK)
		return r;
	r = load_jwks(c, o.jwks, buf, len, o.algs, o.nalgs, &j);
	free(buf);
	if (r != CLI_OK)
		return r;
	if ((r = cli_open_for(c, SK_STORE_WRITE)) != CLI_OK)
		goto out;
	{
		struct sk_issuer old;

		r = c->st->ops->issuer_get(c->st, is.name, &old);
		if (r == SK_OK) {
			cli_err(c, "issuer \"%s\" already exists (change it "
				   "with \"saslkey issuer update\")", is.name);
			r = CLI_USAGE;
			goto out;
		}
		if (r != SK_NOTFOUND &&
		    (r = cli_status(c, r, "reading issuer")) != CLI_OK)
			goto out;
	}
	if ((r = check_url_unique(c, is.issuer, 0)) != CLI_OK)
		goto out;
	r = c->st->ops->issuer_add(c->st, &is);
	if (r == SK_EXISTS) {
		cli_err(c, "issuer \"%s\" already exists", is.name);
		r = CLI_USAGE;
		goto out;
	}
	if ((r = cli_status(c, r, "adding issuer")) != CLI_OK)
		goto out;
	r = store_keys(c, is.id, &j);
out:
	if ((r = cli_end(c, r)) == CLI_OK) {
		print_notes(&j);
		key_summary(&j, keys, sizeof(keys));
		cli_note("issuer %s added: iss %s, audience %s, %zu key%s: %s",
			 is.name, is.issuer, is.audience, j.n,
			 j.n == 1 ? "" : "s", keys);
	}
	jwks_free(&j);
	return r;
}

/* ---- listing ---- */

struct key_collect {
	json_t *arr;		/* kid + alg of each key, or NULL */
	size_t n;
};

static int collect_key(void *ctx, const struct sk_issuer_key *k)
{
	struct key_collect *kc = ctx;

	if (kc->arr != NULL)
		json_array_append_new(
			kc->arr,
			json_pack("{s:o, s:s}", "kid",
				  k->kid[0] ? json_string(k->kid) : json_null(),
				  "alg", k->alg));
	kc->n++;
	return 0;
}

static int count_deny(void *ctx, enum sk_deny_kind kind, const char *value,
		      int64_t created)
{
	size_t *n = ctx;

	(void)kind;
	(void)value;
	(void)created;
	(*n)++;
	return 0;
}

static int issuer_counts(struct cli *c, const struct sk_issuer *is,
			 struct key_collect *kc, size_t *ndeny)
{
	int r;

	*ndeny = 0;
	r = cli_status(c, c->st->ops->issuer_key_list(c->st, is->id,
						       collect_key, kc),
		       "listing issuer keys");
	if (r == CLI_OK)
		r = cli_status(c, c->st->ops->deny_list(c->st, is->id,
							count_deny, ndeny),
			       "listing revoked tokens");
	return r;
}

static json_t *opt_string(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

static int issuer_json(struct cli *c, const struct sk_issuer *is,
		       json_t **out)
{
	struct key_collect kc = { .arr = json_array() };
	size_t ndeny;
	int r;

	*out = NULL;
	if ((r = issuer_counts(c, is, &kc, &ndeny)) != CLI_OK) {
		json_decref(kc.arr);
		return r;
	}
	*out = json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:I, s:o, s:o, s:o,"
			 " s:I}",
			 "name", is->name, "issuer", is->issuer, "audience",
			 is->audience, "algorithms", cli_json_words(is->algs),
			 "username_claim", is->username_claim, "scope",
			 opt_string(is->scope), "leeway",
			 (json_int_t)is->leeway, "openid_configuration",
			 opt_string(is->openid_configuration), "created",
			 cli_json_time(is->created), "keys", kc.arr,
			 "revoked_tokens", (json_int_t)ndeny);
	if (*out == NULL) {
		cli_err(c, "out of memory");
		return CLI_STORE;
	}
	return CLI_OK;
}

struct issuer_array {
	struct sk_issuer *v;
	size_t n, cap;
	bool nomem;
};

static int collect_issuer(void *ctx, const struct sk_issuer *i)
{
	struct issuer_array *a = ctx;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		struct sk_issuer *v = realloc(a->v, cap * sizeof(*v));

		if (v == NULL) {
			a->nomem = true;
			return 1;
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = *i;
	return 0;
}

static int issuer_list(struct cli *c, int argc, char **argv)
{
	static const char use[] = "issuer list [--json]";
	struct issuer_opts o = { 0 };
	struct issuer_array a = { 0 };
	json_t *arr = NULL, *one;
	size_t i, ndeny;
	int first, r;

	if ((r = parse(c, argc, argv, &o, 0, use, &first)) != CLI_OK)
		return r;
	if ((r = cli_open_for(c, SK_STORE_READ)) != CLI_OK)
		return cli_end(c, r);
	/* collected first: no other query runs inside the listing */
	r = cli_status(c, c->st->ops->issuer_list(c->st, collect_issuer, &a),
		       "listing issuers");
	if (r == CLI_OK && a.nomem) {
		cli_err(c, "out of memory");
		r = CLI_STORE;
	}
	if (r == CLI_OK && c->json) {
		arr = json_array();
		for (i = 0; i < a.n && r == CLI_OK; i++)
			if ((r = issuer_json(c, &a.v[i], &one)) == CLI_OK)
				json_array_append_new(arr, one);
		if (r == CLI_OK)
			cli_print_json(arr);
		else
			json_decref(arr);
	} else if (r == CLI_OK) {
		printf("%-16s %-40s %-32s %4s %7s  %s\n", "NAME", "ISSUER",
		       "AUDIENCE", "KEYS", "REVOKED", "ALGORITHMS");
		for (i = 0; i < a.n && r == CLI_OK; i++) {
			struct key_collect kc = { 0 };

			if ((r = issuer_counts(c, &a.v[i], &kc, &ndeny)) !=
			    CLI_OK)
				break;
			printf("%-16s %-40s %-32s %4zu %7zu  %s\n", a.v[i].name,
			       a.v[i].issuer, a.v[i].audience, kc.n, ndeny,
			       a.v[i].algs);
		}
	}
	free(a.v);
	return cli_end(c, r);
}

static int print_key_row(void *ctx, const struct sk_issuer_key *k)
{
	(void)ctx;
	printf("  %-8s %s\n", k->alg, k->kid[0] ? k->kid : "(no kid)");
	return 0;
}

static int issuer_show(struct cli *c, int argc, char **argv)
{
	static const char use[] = "issuer show NAME [--json]";
	struct issuer_opts o = { 0 };
	struct key_collect kc = { 0 };
	struct sk_issuer is;
	char created[40];
	size_t ndeny;
	json_t *j;
	int first, r;

	if ((r = parse(c, argc, argv, &o, 1, use, &first)) != CLI_OK)
		return r;
	if ((r = cli_open_for(c, SK_STORE_READ)) != CLI_OK ||
	    (r = cli_get_issuer(c, argv[first], &is)) != CLI_OK)
		return cli_end(c, r);
	if (c->json) {
		if ((r = issuer_json(c, &is, &j)) == CLI_OK)
			cli_print_json(j);
		return cli_end(c, r);
	}
	if ((r = issuer_counts(c, &is, &kc, &ndeny)) != CLI_OK)
		return cli_end(c, r);
	cli_time(is.created, created, sizeof(created));
	printf("name:                 %s\n"
	       "issuer:               %s\n"
	       "audience:             %s\n"
	       "algorithms:           %s\n"
	       "username claim:       %s\n"
	       "scope:                %s\n"
	       "leeway:               %llds\n"
	       "openid-configuration: %s\n"
	       "created:              %s\n"
	       "revoked tokens:       %zu\n"
	       "keys:                 %zu\n",
	       is.name, is.issuer, is.audience, is.algs, is.username_claim,
	       is.scope[0] ? is.scope : "-", (long long)is.leeway,
	       is.openid_configuration[0] ? is.openid_configuration : "-",
	       created, ndeny, kc.n);
	r = cli_status(c, c->st->ops->issuer_key_list(c->st, is.id,
						       print_key_row, NULL),
		       "listing issuer keys");
	return cli_end(c, r);
}

/* ---- update, remove ---- */

struct refit {
	struct cli *c;
	const enum sk_jwk_alg *algs;
	size_t nalgs;
	size_t n;
	char err[400];
};

/* does a stored key still import under the new algorithm list? */
static int refit_one(void *ctx, const struct sk_issuer_key *k)
{
	struct refit *f = ctx;
	char kerr[200], buf[40];
	struct sk_jwk jwk;
	json_t *j;
	int st;

	j = json_loads(k->jwk, JSON_REJECT_DUPLICATES, NULL);
	st = j ? sk_jwk_import(j, f->algs, f->nalgs, &jwk, kerr, sizeof(kerr)) :
		 SK_INVALID;
	if (j == NULL)
		snprintf(kerr, sizeof(kerr), "stored key is not valid JSON");
	json_decref(j);
	if (st == SK_OK) {
		sk_jwk_clear(&jwk);
		f->n++;
		return 0;
	}
	snprintf(f->err, sizeof(f->err), "key %s (%s) would no longer be "
		 "usable: %s; give the new keys with --jwks as well",
		 k->kid[0] ? show(k->kid, strlen(k->kid), buf) : "without kid",
		 k->alg, kerr);
	return 1;
}

static int issuer_update(struct cli *c, int argc, char **argv)
{
	static const char use[] =
		"issuer update NAME [--issuer URL] [--audience AUD] "
		"[--jwks FILE] [--alg ALG]... [--username-claim CLAIM] "
		"[--scope SCOPE] [--leeway SECONDS] "
		"[--openid-configuration URL]";
	struct issuer_opts o = { 0 };
	struct sk_issuer is;
	struct jwks j = { 0 };
	enum sk_jwk_alg algs[SK_ALG_COUNT];
	char keys[1024], *buf = NULL;
	size_t nalgs, len = 0;
	int first, r;

	if ((r = parse(c, argc, argv, &o, 1, use, &first)) != CLI_OK)
		return r;
	if (o.issuer == NULL && o.audience == NULL && o.jwks == NULL &&
	    o.nalgs == 0 && o.claim == NULL && o.scope == NULL &&
	    !o.have_leeway && o.openid == NULL) {
		cli_err(c, "nothing to change: give at least one option");
		cli_note("usage: saslkey %s", use);
		return CLI_USAGE;
	}
	/* read before the transaction: stdin must not hold the lock */
	if (o.jwks != NULL &&
	    (r = read_jwks_file(c, o.jwks, &buf, &len)) != CLI_OK)
		return r;
	if ((r = cli_open_for(c, SK_STORE_WRITE)) != CLI_OK ||
	    (r = cli_get_issuer(c, argv[first], &is)) != CLI_OK) {
		free(buf);
		return cli_end(c, r);
	}

	if (o.nalgs > 0) {
		memcpy(algs, o.algs, sizeof(algs));
		nalgs = o.nalgs;
	} else {
		nalgs = parse_algs(is.algs, algs);
	}
	if (o.issuer != NULL && strcmp(o.issuer, is.issuer) != 0) {
		if ((r = check_url_unique(c, o.issuer, is.id)) != CLI_OK) {
			free(buf);
			return cli_end(c, r);
		}
		snprintf(is.issuer, sizeof(is.issuer), "%s", o.issuer);
	}
	if (o.audience != NULL)
		snprintf(is.audience, sizeof(is.audience), "%s", o.audience);
	if (o.claim != NULL)
		snprintf(is.username_claim, sizeof(is.username_claim), "%s",
			 o.claim);
	if (o.scope != NULL)
		snprintf(is.scope, sizeof(is.scope), "%s", o.scope);
	if (o.openid != NULL)
		snprintf(is.openid_configuration,
			 sizeof(is.openid_configuration), "%s", o.openid);
	if (o.have_leeway)
		is.leeway = o.leeway;
	format_algs(algs, nalgs, is.algs, sizeof(is.algs));

	if (o.jwks != NULL) {
		/* key rotation: the new set replaces every stored key */
		r = load_jwks(c, o.jwks, buf, len, algs, nalgs, &j);
		free(buf);
		if (r != CLI_OK)
			return cli_end(c, r);
		r = cli_status(c, c->st->ops->issuer_keys_clear(c->st, is.id),
			       "removing old keys");
		if (r == CLI_OK)
			r = store_keys(c, is.id, &j);
	} else if (o.nalgs > 0) {
		struct refit f = { .c = c, .algs = algs, .nalgs = nalgs };

		r = c->st->ops->issuer_key_list(c->st, is.id, refit_one, &f);
		if ((r = cli_status(c, r, "listing issuer keys")) == CLI_OK &&
		    f.err[0] != '\0') {
			cli_err(c, "--alg %s: %s", is.algs, f.err);
			r = CLI_USAGE;
		}
	}
	if (r == CLI_OK)
		r = cli_status(c, c->st->ops->issuer_update(c->st, &is),
			       "updating issuer");
	if ((r = cli_end(c, r)) == CLI_OK) {
		print_notes(&j);
		if (o.jwks != NULL) {
			key_summary(&j, keys, sizeof(keys));
			cli_note("issuer %s updated; keys replaced by %zu "
				 "key%s: %s", is.name, j.n,
				 j.n == 1 ? "" : "s", keys);
		} else {
			cli_note("issuer %s updated", is.name);
		}
	}
	jwks_free(&j);
	return r;
}

static int issuer_remove(struct cli *c, int argc, char **argv)
{
	static const char use[] = "issuer remove NAME";
	struct issuer_opts o = { 0 };
	struct key_collect kc = { 0 };
	struct sk_issuer is;
	size_t ndeny = 0;
	int first, r;

	if ((r = parse(c, argc, argv, &o, 1, use, &first)) != CLI_OK)
		return r;
	if ((r = cli_open_for(c, SK_STORE_WRITE)) != CLI_OK ||
	    (r = cli_get_issuer(c, argv[first], &is)) != CLI_OK ||
	    (r = issuer_counts(c, &is, &kc, &ndeny)) != CLI_OK)
		return cli_end(c, r);
	r = cli_status(c, c->st->ops->issuer_remove(c->st, is.id),
		       "removing issuer");
	if ((r = cli_end(c, r)) == CLI_OK)
		cli_note("issuer %s removed (%zu key%s, %zu revoked-token "
			 "entr%s deleted)", is.name, kc.n,
			 kc.n == 1 ? "" : "s", ndeny, ndeny == 1 ? "y" : "ies");
	return r;
}

int cmd_issuer(struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "add", "issuer add", issuer_add },
		{ "list", "issuer list", issuer_list },
		{ "show", "issuer show", issuer_show },
		{ "update", "issuer update", issuer_update },
		{ "remove", "issuer remove", issuer_remove },
	};

	return cli_dispatch(c, argc, argv, subs, SK_N_ELEMENTS(subs));
}
