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
	struct sk_credential cred;
	char services[SK_SERVICES_MAX + 1];
	char allow[SK_ACL_TEXT_MAX + 1];
};

struct cands {
	struct cand c[MAX_CANDIDATES];
	size_t n;
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
	snprintf(c->services, sizeof(c->services), "%s", k->services);
	snprintf(c->allow, sizeof(c->allow), "%s", k->allow);
	c->cred = (struct sk_credential){ .expires = k->expires,
					  .revoked = k->revoked,
					  .services = c->services,
					  .allow = c->allow };
}

/*
 * Candidates hold sealed (encrypted) state and policy text, nothing
 * usable without the master key; wiped anyway, as far as they were used
 * (the table is ~85 KiB: clearing all of it per attempt cost more than
 * the rest of the attempt).
 */
static void wipe_cands(struct cands *cs)
{
	sk_wipe(cs->c, cs->n * sizeof(cs->c[0]));
	cs->n = 0;
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
	/* an account secret is the account's password: any service */
	c->cred = (struct sk_credential){ .expires = s->expires,
					  .revoked = s->revoked };
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

	for (tries = 0; tries < 2; tries++) {
		if (!ctx->mk.loaded && !load_master_key(ctx))
			return false;
		rc = sk_master_key_verify(st, &ctx->mk, false);
		if (rc == SK_OK || rc == SK_NOTFOUND)
			return true;	/* NOTFOUND: nothing sealed yet */
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

int sk_request_cram(struct sk_ctx *ctx, const struct sk_attempt *a,
		    const char *challenge, size_t chlen,
		    const unsigned char digest[SK_CRAM_DIGEST_LEN])
{
	static struct cands cs;		/* under ctx->lock; too big for stacks */
	struct sk_account acct;
	struct sk_keyrec k;
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

	cs.n = 0;
	rc = st->ops->account_get(st, user, &acct);
	if (rc == SK_OK) {
		rc = st->ops->secret_list(st, acct.id, collect_secret, &cs);
		if (rc == SK_OK)
			rc = st->ops->key_list(st, acct.id, collect_key, &cs);
	} else if (rc == SK_NOTFOUND && sk_key_id_valid(user, a->user_len)) {
		rc = st->ops->auth_key(st, user, &k, &acct);
		if (rc == SK_OK)
			add_key(&cs, &k);
	}
	if (rc == SK_NOTFOUND)
		return req_end(&r, SK_R_UNKNOWN_USER);
	if (rc != SK_OK)
		return req_end(&r, SK_R_STORE_UNAVAILABLE);
	snprintf(r.account, sizeof(r.account), "%s", acct.name);
	if (cs.n == 0)
		return req_end(&r, SK_R_NO_SECRET);
	if (!master_key_ready(&r, st))
		return req_end(&r, SK_R_MASTER_KEY_UNAVAILABLE);

	for (i = 0; i < cs.n && hit == NULL; i++) {
		int m = try_candidate(&r, &cs.c[i], challenge, chlen, digest);

		if (m < 0) {
			wipe_cands(&cs);
			return req_end(&r, SK_R_MASTER_KEY_UNAVAILABLE);
		}
		if (m == 1)
			hit = &cs.c[i];
	}
	if (hit == NULL) {
		wipe_cands(&cs);
		return req_end(&r, SK_R_BAD_SECRET);
	}
	snprintf(r.key_id, sizeof(r.key_id), "%s", hit->id);
	r.ev.credential = hit->is_key ? "api_key" : "cram_secret";
	why = sk_policy_check(&acct, &hit->cred, a->service, &r.ev.client,
			      r.now);
	wipe_cands(&cs);
	if (why != SK_R_OK)
		return req_end(&r, why);
	return req_accept(&r, acct.name);
}
