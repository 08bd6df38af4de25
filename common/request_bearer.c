/* saslkey - OAuth 2.0 bearer tokens (OAUTHBEARER, XOAUTH2) */
#include "ctx.h"
#include "jwt.h"
#include "oauth.h"
#include "policy.h"
#include "secret.h"
#include "status.h"

#include <stdio.h>
#include <string.h>

#include <sasl/sasl.h>

/*
 * A token is checked in this order, each failure its own audit reason:
 * the compact JWS parses (malformed / alg_not_allowed), its "iss" names a
 * configured issuer (wrong_issuer), the issuer's keys import
 * (issuer_keys_unavailable: temporary), its kid selects a key
 * (unknown_kid), the signature verifies with that key's pinned algorithm
 * (alg_not_allowed / bad_signature), the claims hold (wrong_issuer,
 * expired, not_yet_valid, wrong_audience, missing_scope, malformed), the
 * token is not revoked (revoked), the SASL user equals the username claim
 * (user_mismatch), and the account, if there is one, allows the attempt.
 *
 * Claims are read before the signature only to pick the issuer; nothing
 * from an unverified token reaches a decision or the audit trail except
 * as that attempt's untrusted detail.
 */

struct bearer {
	struct req r;
	struct sk_bearer_challenge *ch;
	struct sk_oauth_entry e;	/* what we learn, cached on success */
};

static void challenge_from(struct bearer *b, const struct sk_oauth_issuer *is)
{
	if (is == NULL)
		return;
	req_copy(b->ch->scope, sizeof(b->ch->scope), is->cfg.scope);
	req_copy(b->ch->openid_configuration,
		 sizeof(b->ch->openid_configuration),
		 is->cfg.openid_configuration);
}

/* audit fields point into b->e, which lives until req_end */
static void audit_fields(struct bearer *b)
{
	struct sk_audit_event *ev = &b->r.ev;

	ev->issuer = b->e.issuer[0] ? b->e.issuer : NULL;
	ev->sub = b->e.sub[0] ? b->e.sub : NULL;
	ev->jti = b->e.jti[0] ? b->e.jti : NULL;
	ev->kid = b->e.kid[0] ? b->e.kid : NULL;
	ev->alg = b->e.alg[0] ? b->e.alg : NULL;
}

static int end(struct bearer *b, enum sk_reason why)
{
	audit_fields(b);
	return req_end(&b->r, why);
}

/* verify a token the cache did not know; fills b->e */
static enum sk_reason verify(struct bearer *b, struct sk_store *st,
			     const char *token, size_t len)
{
	struct sk_ctx *ctx = b->r.ctx;
	const struct sk_oauth_issuer *is;
	const struct sk_jwk *key;
	struct sk_jwt_claims cl;
	struct sk_jwt_policy pol;
	struct sk_jws jws;
	char iss[SK_JWT_CLAIM_MAX + 1];
	enum sk_reason why;
	int rc;

	challenge_from(b, sk_oauth_only(ctx->oauth));
	memset(&jws, 0, sizeof(jws));
	if (sk_jws_parse(token, len, &jws, &why) != SK_OK)
		return why;
	req_copy(b->e.alg, sizeof(b->e.alg), sk_jwk_alg_name(jws.alg));
	if (jws.has_kid)
		req_copy(b->e.kid, sizeof(b->e.kid), jws.kid);
	if ((why = sk_jwt_peek_issuer(jws.claims, iss, sizeof(iss))) != SK_R_OK)
		goto out;
	if ((is = sk_oauth_find(ctx->oauth, iss)) == NULL) {
		why = SK_R_WRONG_ISSUER;	/* not an issuer we trust */
		goto out;
	}
	challenge_from(b, is);
	req_copy(b->e.issuer, sizeof(b->e.issuer), is->cfg.name);
	if (is->unusable) {
		why = SK_R_ISSUER_KEYS_UNAVAILABLE;
		goto out;
	}
	if ((why = sk_oauth_select_key(is, &jws, &key)) != SK_R_OK ||
	    (why = sk_jws_verify(&jws, key)) != SK_R_OK)
		goto out;

	pol = (struct sk_jwt_policy){
		.issuer = is->cfg.issuer,
		.audience = is->cfg.audience,
		.username_claim = is->cfg.username_claim,
		.scope = is->cfg.scope,
		.leeway = is->cfg.leeway,
		.now = b->r.now,
	};
	why = sk_jwt_check_claims(jws.claims, &pol, &cl);
	/* identify the token in the audit trail even when it is refused */
	req_copy(b->e.sub, sizeof(b->e.sub), cl.sub);
	req_copy(b->e.jti, sizeof(b->e.jti), cl.jti);
	if (why != SK_R_OK)
		goto out;

	rc = st->ops->deny_check(st, is->cfg.id, cl.jti, cl.sub);
	if (rc == SK_OK) {
		why = SK_R_TOKEN_REVOKED;
		goto out;
	}
	if (rc != SK_NOTFOUND) {
		why = SK_R_STORE_UNAVAILABLE;
		goto out;
	}
	req_copy(b->e.user, sizeof(b->e.user), cl.user);
	b->e.exp = cl.exp;
	req_copy(b->e.scope, sizeof(b->e.scope), is->cfg.scope);
	req_copy(b->e.openid_configuration,
		 sizeof(b->e.openid_configuration),
		 is->cfg.openid_configuration);
out:
	sk_jws_clear(&jws);
	return why;
}

int sk_request_bearer(struct sk_ctx *ctx, const struct sk_attempt *a,
		      const char *token, size_t len,
		      struct sk_bearer_challenge *ch)
{
	static struct bearer b;		/* under ctx->lock; 7 KiB */
	const struct sk_oauth_entry *hit;
	struct sk_credential cred = { 0 };
	const struct sk_account *acct;
	struct sk_store *st;
	enum sk_reason why;
	int rc;

	memset(&b, 0, sizeof(b));
	memset(ch, 0, sizeof(*ch));
	b.ch = ch;
	req_begin(&b.r, ctx, a, "bearer");
	if (len == 0 || len > SK_JWT_MAX_LEN || a->user_len > SK_FIELD_MAX)
		return end(&b, SK_R_TOKEN_MALFORMED);
	if ((st = req_store(&b.r)) == NULL ||
	    sk_oauth_sync(ctx->oauth, st, b.r.gen, &ctx->fwd_lg) != SK_OK)
		return end(&b, SK_R_STORE_UNAVAILABLE);
	if (sk_sha256(token, len, b.e.hash) != SK_OK)
		return end(&b, SK_R_INTERNAL);

	if ((hit = sk_oauth_cache_get(ctx->oauth, b.e.hash, b.r.gen, b.r.now)) !=
	    NULL) {
		b.e = *hit;
		req_copy(ch->scope, sizeof(ch->scope), b.e.scope);
		req_copy(ch->openid_configuration,
			 sizeof(ch->openid_configuration),
			 b.e.openid_configuration);
	} else {
		why = verify(&b, st, token, len);
		if (why != SK_R_OK)
			return end(&b, why);
		b.e.gen = b.r.gen;
		sk_oauth_cache_put(ctx->oauth, &b.e);
	}

	/* the token's user's account, if saslkey has one (its policy) */
	rc = req_account(&b.r, st, b.e.user, &acct);
	if (rc != SK_OK && rc != SK_NOTFOUND)
		return end(&b, SK_R_STORE_UNAVAILABLE);
	/* the user the client named must be the token's user */
	if (a->user_len > 0 && !req_user_is(&b.r, b.e.user))
		return end(&b, SK_R_USER_MISMATCH);
	if (acct != NULL)
		req_copy(b.r.account, sizeof(b.r.account), acct->name);
	else if (ctx->s.oauth_require_account)
		return end(&b, SK_R_NO_ACCOUNT);
	why = sk_policy_check(acct, &cred, a->service, &b.r.ev.client,
			      b.r.now);
	if (why != SK_R_OK)
		return end(&b, why);
	audit_fields(&b);
	return req_accept(&b.r, b.e.user);
}
