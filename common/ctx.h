/* saslkey - the per-process context (for common/ modules only) */
#ifndef SK_CTX_H
#define SK_CTX_H

#include <pthread.h>
#include <time.h>

#include "audit.h"
#include "gencache.h"
#include "oauth.h"
#include "reason.h"
#include "seal.h"
#include "request.h"
#include "store.h"

/*
 * Private to the request layer and the credential modules beside it
 * (request_*.c).  Mechanisms and hosts only see request.h.
 */
struct sk_ctx {
	struct sk_settings s;
	struct sk_logger proc_lg;	/* the host's process-wide logger */
	struct sk_logger fwd_lg;	/* to cur_lg during an attempt */
	const struct sk_logger *cur_lg;
	struct sk_store *st;		/* NULL until the first good open */
	struct sk_audit *audit;
	struct sk_master_key mk;	/* CRAM-MD5; loaded when possible */
	struct sk_oauth *oauth;		/* issuers and the token cache */
	/* store answers for one generation (gencache.h) */
	struct sk_gencache *keys;	/* key id: struct sk_keyent */
	struct sk_gencache *accounts;	/* account name: struct sk_account */
	struct sk_gencache *cram;	/* CRAM-MD5 user: its candidates */
	uint64_t mk_gen;		/* mk matched the store in this... */
	bool mk_ok;			/* ...generation */
	pthread_mutex_t lock;		/* recursive: accept() may re-enter */
};

/*
 * One attempt in flight: begun by req_begin(), finished by exactly one
 * req_end() (which emits the audit event and returns the SASL code).
 */
struct req {
	struct sk_ctx *ctx;
	const struct sk_attempt *a;
	struct sk_audit_event ev;
	struct timespec t0;
	int64_t now;
	uint64_t gen;			/* the store's, once req_store() */
	char account[SK_NAME_MAX + 1];
	char key_id[64];
	bool override;			/* report result, not the reason's */
	int result;
};

void req_begin(struct req *r, struct sk_ctx *ctx, const struct sk_attempt *a,
	       const char *credential);
int req_end(struct req *r, enum sk_reason why);
/* the same, reporting code instead of the reason's usual result */
int req_end_code(struct req *r, enum sk_reason why, int code);
/* finish without an audit event (an allowed auxprop lookup) */
void req_end_silent(struct req *r);
/* the store, opened or re-checked for this attempt; NULL if unavailable */
struct sk_store *req_store(struct req *r);
/*
 * The store's records for this attempt, from the generation's cache or
 * the store (through st = req_store()); valid until the attempt ends.
 * SK_OK, SK_NOTFOUND or SK_UNAVAIL.
 */
struct sk_keyent {
	struct sk_keyrec k;
	struct sk_account a;		/* the key's account */
};
int req_key(struct req *r, struct sk_store *st, const char *id,
	    const struct sk_keyent **out);
int req_account(struct req *r, struct sk_store *st, const char *name,
		const struct sk_account **out);
/* the host accepts identity; ends the attempt either way */
int req_accept(struct req *r, const char *identity);
/* snprintf(dst, cap, "%s", src) without the formatter */
void req_copy(char *dst, size_t cap, const char *src);
/* is the presented user identity (exact bytes)? */
bool req_user_is(const struct req *r, const char *identity);
/* empty authzid, or equal to identity */
bool req_authzid_ok(const struct req *r, const char *identity);

#endif
