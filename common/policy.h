/* saslkey - account and credential policy */
#ifndef SK_POLICY_H
#define SK_POLICY_H

#include <stdint.h>

#include "acl.h"
#include "reason.h"
#include "store.h"

/*
 * What a verified credential may do.  One function decides for every kind
 * of credential (API key, CRAM secret, bearer token, fallback password),
 * so the rules cannot drift apart between mechanisms.
 *
 * A credential that belongs to no store record (a token for a user the
 * store does not know, with saslkey_oauth_require_account off) passes
 * account == NULL; fields of cred that do not apply are 0/NULL.
 */
struct sk_credential {
	int64_t expires;	/* 0 = never */
	int64_t revoked;	/* 0 = not revoked */
	const char *services;	/* space-separated; NULL = any service */
	const char *allow;	/* the credential's own allow-list or NULL */
};

/* an API key's policy fields, as a credential */
static inline struct sk_credential sk_key_credential(const struct sk_keyrec *k)
{
	return (struct sk_credential){ .expires = k->expires,
				       .revoked = k->revoked,
				       .services = k->services,
				       .allow = k->allow };
}

/*
 * Checks, in this order, each with its own reason: revoked, expired,
 * account disabled, service not in the credential's services, client
 * outside the account's allow-list, client outside the credential's
 * allow-list (both apply when both are set), no client address while any
 * allow-list exists (fail closed).  A stored allow-list that does not
 * parse is treated as a store fault (SK_R_STORE_UNAVAILABLE): never as
 * "no restriction".
 */
enum sk_reason sk_policy_check(const struct sk_account *account,
			       const struct sk_credential *cred,
			       const char *service,
			       const struct sk_addr *client, int64_t now);

/* is word in the space-separated list?  "*" in the list matches all */
bool sk_policy_service_allowed(const char *services, const char *service);

#endif
