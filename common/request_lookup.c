/* saslkey - the auxprop gate: our policy for stock mechanisms */
#include "ctx.h"
#include "key.h"
#include "policy.h"
#include "status.h"

#include <stdio.h>
#include <string.h>

#include <sasl/sasl.h>

/*
 * Which SCRAM verifiers to serve for an account name: stock SCRAM uses
 * only the first verifier per hash it finds, so we pick one credential -
 * the account password (saslpasswd2) if there is one, else the newest
 * usable SCRAM-enabled key or secret.  A key id as the user picks that key.
 */
struct pick {
	const struct req *r;
	const struct sk_attempt *a;
	struct sk_lookup *out;
	int rank;		/* 2 = password, 1 = key or secret */
	int64_t created;
};

static void offer(struct pick *p, int rank, int64_t created,
		  const char *sha1, const char *sha256)
{
	if (sha1[0] == '\0' && sha256[0] == '\0')
		return;
	if (rank < p->rank || (rank == p->rank && created < p->created))
		return;
	p->rank = rank;
	p->created = created;
	req_copy(p->out->scram_sha1, sizeof(p->out->scram_sha1), sha1);
	req_copy(p->out->scram_sha256, sizeof(p->out->scram_sha256), sha256);
}

static int pick_secret(void *ctx, const struct sk_secret *s)
{
	struct pick *p = ctx;
	struct sk_credential cred = { .expires = s->expires,
				      .revoked = s->revoked };

	if (sk_policy_check(NULL, &cred, p->a->service, &p->r->ev.client,
			    p->r->now) == SK_R_OK)
		offer(p, s->kind == SK_SECRET_PASSWORD ? 2 : 1, s->created,
		      s->scram_sha1, s->scram_sha256);
	return 0;
}

static int pick_key(void *ctx, const struct sk_keyrec *k)
{
	struct pick *p = ctx;
	struct sk_credential cred = sk_key_credential(k);

	if (sk_policy_check(NULL, &cred, p->a->service, &p->r->ev.client,
			    p->r->now) == SK_R_OK)
		offer(p, 1, k->created, k->scram_sha1, k->scram_sha256);
	return 0;
}

/* the account by name; "name@realm" also as "name" when realm is ours */
static int find_account(struct req *r, struct sk_store *st,
			const char *user, const struct sk_account **acct)
{
	const char *at = strrchr(user, '@');
	const struct sk_attempt *a = r->a;
	char local[SK_FIELD_MAX + 1];
	int rc = req_account(r, st, user, acct);

	if (rc != SK_NOTFOUND || at == NULL || a->realm == NULL ||
	    strcmp(at + 1, a->realm) != 0)
		return rc;
	snprintf(local, sizeof(local), "%.*s", (int)(at - user), user);
	return req_account(r, st, local, acct);
}

/*
 * A refused lookup: SASL_DISABLED, whatever the reason, so the stock
 * mechanism fails; an outage stays SASL_UNAVAIL (temporary).
 */
static int end_lookup(struct req *r, enum sk_reason why)
{
	int code = sk_reason_result(why) == SASL_UNAVAIL ? SASL_UNAVAIL :
							   SASL_DISABLED;

	return req_end_code(r, why, code);
}

int sk_request_lookup(struct sk_ctx *ctx, const struct sk_attempt *a,
		      struct sk_lookup *out)
{
	struct pick p = { .a = a, .out = out };
	struct sk_credential cred = { 0 };
	char user[SK_FIELD_MAX + 1];
	const struct sk_account *acct = NULL;
	const struct sk_keyent *e = NULL;
	struct sk_store *st;
	struct req r;
	enum sk_reason why;
	bool by_key = false;
	int rc;

	memset(out, 0, sizeof(*out));
	req_begin(&r, ctx, a, "lookup");
	r.ev.action = "lookup";
	p.r = &r;
	if (a->user_len == 0 || a->user_len > SK_FIELD_MAX ||
	    memchr(a->user, '\0', a->user_len) != NULL) {
		req_end_silent(&r);
		return SASL_NOUSER;	/* not a name we could hold */
	}
	memcpy(user, a->user, a->user_len);
	user[a->user_len] = '\0';
	if ((st = req_store(&r)) == NULL)
		return end_lookup(&r, SK_R_STORE_UNAVAILABLE);

	rc = find_account(&r, st, user, &acct);
	if (rc == SK_NOTFOUND && sk_key_id_valid(user, a->user_len) &&
	    (rc = req_key(&r, st, user, &e)) == SK_OK) {
		acct = &e->a;
		by_key = true;
	}
	if (rc == SK_NOTFOUND) {
		req_end_silent(&r);
		return SASL_NOUSER;	/* someone else's user */
	}
	if (rc != SK_OK)
		return end_lookup(&r, SK_R_STORE_UNAVAILABLE);
	req_copy(r.account, sizeof(r.account), acct->name);
	req_copy(out->account, sizeof(out->account), acct->name);

	if (by_key) {
		req_copy(r.key_id, sizeof(r.key_id), e->k.id);
		cred = sk_key_credential(&e->k);
	}
	why = sk_policy_check(acct, &cred, a->service, &r.ev.client, r.now);
	if (why != SK_R_OK)
		return end_lookup(&r, why);

	if (by_key) {
		offer(&p, 1, e->k.created, e->k.scram_sha1, e->k.scram_sha256);
	} else if ((rc = st->ops->secret_list(st, acct->id, pick_secret, &p)) !=
			   SK_OK ||
		   (rc = st->ops->key_list(st, acct->id, pick_key, &p)) !=
			   SK_OK) {
		memset(out, 0, sizeof(*out));
		return end_lookup(&r, SK_R_STORE_UNAVAILABLE);
	}
	req_end_silent(&r);
	return SASL_OK;
}
