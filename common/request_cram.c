/* saslkey - CRAM-MD5 attempts: shared secrets and CRAM-enabled keys */
#include "cram.h"
#include "ctx.h"
#include "mkstore.h"
#include "policy.h"
#include "seal.h"
#include "secret.h"
#include "status.h"

#include <stdio.h>
#include <string.h>

#include <sasl/sasl.h>

/*
 * The user is an account name (its CRAM secrets and CRAM-enabled keys are
 * candidates; several may be active during a rotation) or a key id (that
 * key alone).  The digest is checked against each candidate; the first
 * that matches is the credential whose policy then applies.
 */
#define MAX_CANDIDATES 32

struct cand {
	bool is_key;
	char id[SK_KEY_ID_LEN + 1];
	unsigned char sealed[SK_SEALED_MAX];
	size_t sealed_len;
	int64_t expires;
	int64_t revoked;
	char services[SK_SERVICES_MAX + 1];
	char allow[SK_ACL_TEXT_MAX + 1];
};

struct cands {
	struct cand c[MAX_CANDIDATES];
	size_t n;
};

/* what a user name resolves to, kept per store generation (ctx->cram) */
struct cram_set {
	struct sk_account acct;
	size_t n;
	struct cand c[];
};

static void add_key(struct cands *cs, const struct sk_keyrec *k)
{
	struct cand *c;

	if (k->cram_len == 0 || cs->n == MAX_CANDIDATES)
		return;
	c = &cs->c[cs->n++];
	c->is_key = true;
	memcpy(c->id, k->id, sizeof(c->id));
	memcpy(c->sealed, k->cram, k->cram_len);
	c->sealed_len = k->cram_len;
	req_copy(c->services, sizeof(c->services), k->services);
	req_copy(c->allow, sizeof(c->allow), k->allow);
	c->expires = k->expires;
	c->revoked = k->revoked;
}

static int collect_key(void *ctx, const struct sk_keyrec *k)
{
	add_key(ctx, k);
	return 0;
}

static int collect_secret(void *ctx, const struct sk_secret *s)
{
	struct cands *cs = ctx;
	struct cand *c;

	if (s->cram_len == 0 || cs->n == MAX_CANDIDATES)
		return 0;
	c = &cs->c[cs->n++];
	c->is_key = false;
	memcpy(c->id, s->id, sizeof(c->id));
	memcpy(c->sealed, s->cram, s->cram_len);
	c->sealed_len = s->cram_len;
	c->expires = s->expires;
	c->revoked = s->revoked;
	return 0;
}

static bool load_master_key(struct sk_ctx *ctx)
{
	char path[PATH_MAX], err[512];

	sk_settings_master_key_path(&ctx->s, path, sizeof(path));
	if (sk_master_key_load(path, &ctx->mk, err, sizeof(err)) != SK_OK) {
		sk_log(&ctx->fwd_lg, SK_LOG_ERR,
		       "saslkey: CRAM-MD5 unavailable: %s", err);
		return false;
	}
	return true;
}

/*
 * The master key is read at start-up (the host is usually still root
 * then) and again on use when that failed or when it no longer matches the
 * fingerprint the store recorded (the file was replaced since), so a wrong
 * key file is reported as exactly that.
 */
static bool master_key_ready(struct req *r, struct sk_store *st)
{
	struct sk_ctx *ctx = r->ctx;
	int rc = SK_UNAVAIL, tries;

	/* the key in memory was checked against this very store content */
	if (ctx->mk_ok && ctx->mk.loaded && ctx->mk_gen == r->gen)
		return true;
	ctx->mk_ok = false;
	for (tries = 0; tries < 2; tries++) {
		if (!ctx->mk.loaded && !load_master_key(ctx))
			return false;
		rc = sk_master_key_verify(st, &ctx->mk, false);
		if (rc == SK_OK || rc == SK_NOTFOUND) {
			/* NOTFOUND: nothing sealed yet */
			ctx->mk_ok = true;
			ctx->mk_gen = r->gen;
			return true;
		}
		if (rc != SK_CONFLICT)
			return false;
		sk_master_key_wipe(&ctx->mk);
	}
	sk_log(&ctx->fwd_lg, SK_LOG_ERR,
	       "saslkey: CRAM-MD5 unavailable: the master key does not match "
	       "the store %s (wrong saslkey_master_key?)", ctx->s.db);
	return false;
}

/* 1 = match, 0 = no match, -1 = could not open the sealed state */
static int try_candidate(struct req *r, const struct cand *c,
			 const void *chal, size_t chlen,
			 const unsigned char digest[SK_CRAM_DIGEST_LEN])
{
	unsigned char state[SK_CRAM_STATE_LEN], d[SK_CRAM_DIGEST_LEN];
	char aad[64];
	size_t aadlen, n = 0;
	int match;

	aadlen = sk_cram_aad(c->is_key, c->id, aad, sizeof(aad));
	if (sk_unseal(&r->ctx->mk, aad, aadlen, c->sealed, c->sealed_len,
		      state, sizeof(state), &n) != SK_OK ||
	    n != sizeof(state)) {
		sk_log(&r->ctx->fwd_lg, SK_LOG_ERR,
		       "saslkey: cannot decrypt the CRAM-MD5 state of %s %s "
		       "(wrong master key, or a damaged store)",
		       c->is_key ? "key" : "secret", c->id);
		return -1;
	}
	sk_cram_digest(state, chal, chlen, d);
	match = sk_ct_equal(d, digest, sizeof(d));
	sk_wipe(state, sizeof(state));
	sk_wipe(d, sizeof(d));
	return match;
}

/*
 * The user's candidates from the store, kept in ctx->cram for this
 * generation (sealed state: nothing usable without the master key).
 */
static int load_set(struct req *r, struct sk_store *st, const char *user,
		    size_t len, const struct cram_set **out)
{
	static struct cands cs;		/* under ctx->lock; too big for stacks */
	struct cram_set *set;
	struct sk_account acct;
	struct sk_keyrec k;
	int rc;

	cs.n = 0;
	rc = st->ops->account_get(st, user, &acct);
	if (rc == SK_OK) {
		rc = st->ops->secret_list(st, acct.id, collect_secret, &cs);
		if (rc == SK_OK)
			rc = st->ops->key_list(st, acct.id, collect_key, &cs);
	} else if (rc == SK_NOTFOUND && sk_key_id_valid(user, len)) {
		rc = st->ops->auth_key(st, user, &k, &acct);
		if (rc == SK_OK)
			add_key(&cs, &k);
	}
	if (rc == SK_OK) {
		set = sk_gencache_put(r->ctx->cram, user, len,
				      sizeof(*set) + cs.n * sizeof(cs.c[0]));
		if (set == NULL) {
			rc = SK_UNAVAIL;
		} else {
			set->acct = acct;
			set->n = cs.n;
			memcpy(set->c, cs.c, cs.n * sizeof(cs.c[0]));
			sk_gencache_keep(r->ctx->cram, user, len, r->gen);
			*out = set;
		}
	}
	return rc;
}

int sk_request_cram(struct sk_ctx *ctx, const struct sk_attempt *a,
		    const char *challenge, size_t chlen,
		    const unsigned char digest[SK_CRAM_DIGEST_LEN])
{
	const struct cram_set *set;
	struct sk_credential cred;
	struct sk_store *st;
	const struct cand *hit = NULL;
	struct req r;
	enum sk_reason why;
	char user[SK_FIELD_MAX + 1];
	size_t i;
	int rc;

	req_begin(&r, ctx, a, "cram_secret");
	if (a->user_len == 0 || a->user_len > SK_FIELD_MAX ||
	    memchr(a->user, '\0', a->user_len) != NULL)
		return req_end(&r, SK_R_MALFORMED_REQUEST);
	memcpy(user, a->user, a->user_len);
	user[a->user_len] = '\0';
	if ((st = req_store(&r)) == NULL)
		return req_end(&r, SK_R_STORE_UNAVAILABLE);

	set = sk_gencache_get(ctx->cram, r.gen, user, a->user_len);
	if (set == NULL &&
	    (rc = load_set(&r, st, user, a->user_len, &set)) != SK_OK)
		return req_end(&r, rc == SK_NOTFOUND ? SK_R_UNKNOWN_USER :
						       SK_R_STORE_UNAVAILABLE);
	req_copy(r.account, sizeof(r.account), set->acct.name);
	if (set->n == 0)
		return req_end(&r, SK_R_NO_SECRET);
	if (!master_key_ready(&r, st))
		return req_end(&r, SK_R_MASTER_KEY_UNAVAILABLE);

	for (i = 0; i < set->n && hit == NULL; i++) {
		int m = try_candidate(&r, &set->c[i], challenge, chlen, digest);

		if (m < 0)
			return req_end(&r, SK_R_MASTER_KEY_UNAVAILABLE);
		if (m == 1)
			hit = &set->c[i];
	}
	if (hit == NULL)
		return req_end(&r, SK_R_BAD_SECRET);
	req_copy(r.key_id, sizeof(r.key_id), hit->id);
	r.ev.credential = hit->is_key ? "api_key" : "cram_secret";
	/* an account secret is the account's password: any service */
	cred = (struct sk_credential){
		.expires = hit->expires,
		.revoked = hit->revoked,
		.services = hit->is_key ? hit->services : NULL,
		.allow = hit->is_key ? hit->allow : NULL,
	};
	why = sk_policy_check(&set->acct, &cred, a->service, &r.ev.client,
			      r.now);
	if (why != SK_R_OK)
		return req_end(&r, why);
	/* r.account, not set: the host's canon_user may re-enter the caches */
	return req_accept(&r, r.account);
}
