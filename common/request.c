/* saslkey - the request layer */
#include "ctx.h"
#include "key.h"
#include "policy.h"
#include "secret.h"
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sasl/sasl.h>

/*
 * snprintf(dst, cap, "%s", src) without the formatter: a dozen copies per
 * attempt went through vfprintf (bench/RESULTS.md).  Same truncation.
 */
void req_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- the context ---- */

/* store diagnostics go to the connection in flight, else the process log */
static void fwd_emit(void *c, enum sk_log_level level, const char *msg)
{
	struct sk_ctx *ctx = c;
	const struct sk_logger *lg = ctx->cur_lg ? ctx->cur_lg : &ctx->proc_lg;

	if (lg->emit != NULL)
		lg->emit(lg->ctx, level, msg);
}

static void free_caches(struct sk_ctx *ctx)
{
	sk_gencache_free(ctx->keys);
	sk_gencache_free(ctx->accounts);
	sk_gencache_free(ctx->cram);
	ctx->keys = ctx->accounts = ctx->cram = NULL;
}

int sk_ctx_new(const struct sk_settings *s, const struct sk_logger *lg,
	       struct sk_ctx **out)
{
	pthread_mutexattr_t attr;
	struct sk_ctx *ctx;
	int r;

	*out = NULL;
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return SK_NOMEM;
	ctx->s = *s;
	if (lg != NULL)
		ctx->proc_lg = *lg;
	ctx->fwd_lg.emit = fwd_emit;
	ctx->fwd_lg.ctx = ctx;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&ctx->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	r = sk_audit_open(&ctx->audit, s->audit_file, s->audit_syslog,
			  s->audit_syslog_socket, &ctx->fwd_lg);
	if (r == SK_OK && (r = sk_oauth_new(&ctx->oauth)) != SK_OK)
		sk_audit_close(ctx->audit);
	/* a few busy keys and accounts per process: see gencache.h */
	if (r == SK_OK &&
	    ((ctx->keys = sk_gencache_new(64)) == NULL ||
	     (ctx->accounts = sk_gencache_new(64)) == NULL ||
	     (ctx->cram = sk_gencache_new(16)) == NULL)) {
		free_caches(ctx);
		sk_oauth_free(ctx->oauth);
		sk_audit_close(ctx->audit);
		r = SK_NOMEM;
	}
	/*
	 * The master key now, while the host may still be root (Postfix
	 * initialises SASL before dropping privileges); a site without
	 * CRAM-MD5 has none, so failing here is silent and retried on use.
	 */
	{
		char path[PATH_MAX], err[256];

		sk_settings_master_key_path(s, path, sizeof(path));
		sk_master_key_load(path, &ctx->mk, err, sizeof(err));
	}
	if (r != SK_OK) {
		pthread_mutex_destroy(&ctx->lock);
		free(ctx);
		return r;
	}
	*out = ctx;
	return SK_OK;
}

void sk_ctx_free(struct sk_ctx *ctx)
{
	if (ctx == NULL)
		return;
	sk_store_close(ctx->st);
	sk_audit_close(ctx->audit);
	sk_oauth_free(ctx->oauth);
	free_caches(ctx);
	sk_master_key_wipe(&ctx->mk);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
}

const struct sk_settings *sk_ctx_settings(const struct sk_ctx *ctx)
{
	return &ctx->s;
}

/* ---- one attempt ---- */

void req_begin(struct req *r, struct sk_ctx *ctx, const struct sk_attempt *a,
	       const char *credential)
{
	const struct sk_attempt *at = a;

	memset(r, 0, sizeof(*r));
	pthread_mutex_lock(&ctx->lock);
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	r->ctx = ctx;
	r->a = at;
	r->now = (int64_t)time(NULL);
	ctx->cur_lg = at->host && at->host->lg ? at->host->lg : NULL;

	r->ev.action = "sasl-auth";
	r->ev.mech = at->mech;
	r->ev.service = at->service;
	r->ev.credential = credential;
	r->ev.user = at->user;
	r->ev.user_len = at->user_len;
	/*
	 * A client that typed its API key as the user name (as LOGIN users
	 * do, answering "Username:" with the key) must not get it written to
	 * the audit trail or syslog: only its public "<prefix>_<id>_" is.
	 */
	if (at->user != NULL)
		r->ev.user_len = sk_key_loggable_len(at->user, at->user_len);
	/* libsasl2 validated the syntax; an odd string just means "unknown" */
	if (at->remote != NULL &&
	    sk_ipport_parse(at->remote, at->remote_len, &r->ev.client,
			    &r->ev.client_port) != SK_OK)
		memset(&r->ev.client, 0, sizeof(r->ev.client));
	if (at->local != NULL &&
	    sk_ipport_parse(at->local, at->local_len, &r->ev.server,
			    &r->ev.server_port) != SK_OK)
		memset(&r->ev.server, 0, sizeof(r->ev.server));
}

int req_end_code(struct req *r, enum sk_reason why, int code)
{
	r->override = true;
	r->result = code;
	return req_end(r, why);
}

void req_end_silent(struct req *r)
{
	r->ctx->cur_lg = NULL;
	pthread_mutex_unlock(&r->ctx->lock);
}

int req_end(struct req *r, enum sk_reason why)
{
	struct sk_ctx *ctx = r->ctx;
	struct timespec t1;
	int result = r->override ? r->result : sk_reason_result(why);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	clock_gettime(CLOCK_REALTIME, &r->ev.when);
	r->ev.duration_ns = (int64_t)(t1.tv_sec - r->t0.tv_sec) * 1000000000 +
			    (t1.tv_nsec - r->t0.tv_nsec);
	r->ev.success = why == SK_R_OK;
	r->ev.reason = sk_reason_str(why);
	r->ev.code = result;
	r->ev.account = r->account;
	r->ev.key_id = r->key_id;
	sk_audit_emit(ctx->audit, &r->ev);
	if (result == SASL_UNAVAIL)
		sk_log(&ctx->fwd_lg, SK_LOG_ERR,
		       "saslkey: %s attempt could not be decided: %s",
		       r->a->mech ? r->a->mech : "?", r->ev.reason);
	ctx->cur_lg = NULL;
	pthread_mutex_unlock(&ctx->lock);
	return result;
}

/*
 * The store for this attempt, and its generation: what the caches below
 * compare with.  A store whose generation cannot be read is unavailable:
 * nothing cached may be used for it either.
 */
struct sk_store *req_store(struct req *r)
{
	struct sk_ctx *ctx = r->ctx;

	if (ctx->st == NULL) {
		if (sk_store_open(ctx->s.db, SK_STORE_READ, &ctx->fwd_lg,
				  &ctx->st) != SK_OK)
			return NULL;
	} else if (ctx->st->ops->check(ctx->st) != SK_OK) {
		return NULL;
	}
	if (ctx->st->ops->generation(ctx->st, &r->gen) != SK_OK)
		return NULL;
	return ctx->st;
}

/*
 * A found record is kept for the generation read before the query (by
 * req_store): a commit racing the query moves the generation, so the
 * next attempt asks again - an answer is never kept past a change.
 */
int req_key(struct req *r, struct sk_store *st, const char *id,
	    const struct sk_keyent **out)
{
	size_t len = strlen(id);
	struct sk_keyent *e;
	int rc;

	if ((*out = sk_gencache_get(r->ctx->keys, r->gen, id, len)) != NULL)
		return SK_OK;
	if ((e = sk_gencache_put(r->ctx->keys, id, len, sizeof(*e))) == NULL)
		return SK_UNAVAIL;
	if ((rc = st->ops->auth_key(st, id, &e->k, &e->a)) != SK_OK)
		return rc;
	sk_gencache_keep(r->ctx->keys, id, len, r->gen);
	*out = e;
	return SK_OK;
}

int req_account(struct req *r, struct sk_store *st, const char *name,
		const struct sk_account **out)
{
	/*
	 * "No such account" is kept too: the auxprop gate is asked about
	 * every user of every mechanism, most of them someone else's.
	 */
	struct acctent {
		bool found;
		struct sk_account a;
	} *e;
	size_t len = strlen(name);
	int rc;

	*out = NULL;
	if ((e = sk_gencache_get(r->ctx->accounts, r->gen, name, len)) ==
	    NULL) {
		e = sk_gencache_put(r->ctx->accounts, name, len, sizeof(*e));
		if (e == NULL)
			return SK_UNAVAIL;
		rc = st->ops->account_get(st, name, &e->a);
		if (rc != SK_OK && rc != SK_NOTFOUND)
			return rc;
		e->found = rc == SK_OK;
		sk_gencache_keep(r->ctx->accounts, name, len, r->gen);
	}
	if (!e->found)
		return SK_NOTFOUND;
	*out = &e->a;
	return SK_OK;
}

int req_accept(struct req *r, const char *identity)
{
	const struct sk_host *h = r->a->host;
	int rc;

	if (h == NULL || h->accept == NULL)
		return req_end(r, SK_R_OK);
	rc = h->accept(h->hctx, identity);
	if (rc != SASL_OK)
		return req_end_code(r, SK_R_CANON_FAILED, rc);
	return req_end(r, SK_R_OK);
}

bool req_user_is(const struct req *r, const char *identity)
{
	size_t n = strlen(identity);

	return r->a->user_len == n && memcmp(r->a->user, identity, n) == 0;
}

bool req_authzid_ok(const struct req *r, const char *identity)
{
	size_t n = strlen(identity);

	return r->a->authzid_len == 0 ||
	       (r->a->authzid_len == n &&
		memcmp(r->a->authzid, identity, n) == 0);
}

static void set_account(struct req *r, const char *name)
{
	req_copy(r->account, sizeof(r->account), name);
}

/* ---- passwords ---- */

/*
 * saslkey_fallback: a password that is not a key goes to the host's own
 * verifier (pwcheck_method); our account policy still applies when the
 * user is one of our accounts, and the audit event is ours as always.
 */
static int fallback(struct req *r, const char *pass, size_t plen)
{
	const struct sk_attempt *a = r->a;
	struct sk_credential cred = { 0 };
	const struct sk_account *acct = NULL;
	struct sk_store *st;
	char user[SK_FIELD_MAX + 1];
	enum sk_reason why;
	int rc;

	r->ev.credential = "password";
	if (a->user_len == 0 || a->user_len > SK_FIELD_MAX)
		return req_end(r, SK_R_MALFORMED_REQUEST);
	memcpy(user, a->user, a->user_len);
	user[a->user_len] = '\0';

	rc = a->host->checkpass(a->host->hctx, a->user, a->user_len, pass,
				plen);
	switch (rc) {
	case SASL_OK:
		break;
	case SASL_FAIL:
	case SASL_UNAVAIL:
	case SASL_TRYAGAIN:
	case SASL_NOMEM:
		return req_end(r, SK_R_FALLBACK_UNAVAILABLE);
	default:
		return req_end(r, SK_R_BAD_PASSWORD);
	}
	if ((st = req_store(r)) == NULL)
		return req_end(r, SK_R_STORE_UNAVAILABLE);
	rc = req_account(r, st, user, &acct);
	if (rc != SK_OK && rc != SK_NOTFOUND)
		return req_end(r, SK_R_STORE_UNAVAILABLE);
	if (acct != NULL)
		set_account(r, acct->name);
	if (!req_authzid_ok(r, user))
		return req_end(r, SK_R_AUTHZID_MISMATCH);
	why = sk_policy_check(acct, &cred, a->service, &r->ev.client,
			      r->now);
	if (why != SK_R_OK)
		return req_end(r, why);
	return req_accept(r, user);
}

int sk_request_password(struct sk_ctx *ctx, const struct sk_attempt *a,
			const char *pass, size_t pass_len)
{
	unsigned char hash[SK_KEY_HASH_LEN];
	const struct sk_keyent *e;
	struct sk_credential cred;
	struct sk_key key;
	struct sk_store *st;
	struct req r;
	enum sk_reason why;
	int rc;

	req_begin(&r, ctx, a, "api_key");
	if (pass_len == 0 || pass_len > SK_FIELD_MAX || a->user_len == 0 ||
	    a->user_len > SK_FIELD_MAX || a->authzid_len > SK_FIELD_MAX)
		return req_end(&r, SK_R_MALFORMED_REQUEST);

	switch (sk_key_parse(pass, pass_len, &key)) {
	case SK_KEY_OK:
		break;
	case SK_KEY_NOT_A_KEY:
		if (ctx->s.fallback && a->host != NULL &&
		    a->host->checkpass != NULL)
			return fallback(&r, pass, pass_len);
		/* fall through */
	case SK_KEY_MALFORMED:
		return req_end(&r, SK_R_MALFORMED_KEY);
	}
	req_copy(r.key_id, sizeof(r.key_id), key.id);

	if ((st = req_store(&r)) == NULL) {
		sk_key_wipe(&key);
		return req_end(&r, SK_R_STORE_UNAVAILABLE);
	}
	rc = req_key(&r, st, key.id, &e);
	if (rc != SK_OK) {
		sk_key_wipe(&key);
		return req_end(&r, rc == SK_NOTFOUND ? SK_R_UNKNOWN_KEY :
						       SK_R_STORE_UNAVAILABLE);
	}
	set_account(&r, e->a.name);
	rc = sk_key_hash(&key, hash);
	sk_key_wipe(&key);
	if (rc != SK_OK)
		return req_end(&r, SK_R_INTERNAL);
	/* both sides are SK_KEY_HASH_LEN bytes: the length is public */
	if (!sk_ct_equal(hash, e->k.hash, SK_KEY_HASH_LEN))
		return req_end(&r, SK_R_BAD_SECRET);
	if (!req_user_is(&r, ctx->s.key_username) &&
	    !req_user_is(&r, e->k.id) && !req_user_is(&r, e->a.name))
		return req_end(&r, SK_R_USER_MISMATCH);
	if (!req_authzid_ok(&r, e->a.name))
		return req_end(&r, SK_R_AUTHZID_MISMATCH);

	cred = sk_key_credential(&e->k);
	why = sk_policy_check(&e->a, &cred, a->service, &r.ev.client, r.now);
	if (why != SK_R_OK)
		return req_end(&r, why);
	/* r.account, not e: the host's canon_user may re-enter the caches */
	return req_accept(&r, r.account);
}

int sk_request_malformed(struct sk_ctx *ctx, const struct sk_attempt *a)
{
	struct req r;

	req_begin(&r, ctx, a, NULL);
	return req_end(&r, SK_R_MALFORMED_REQUEST);
}
