/* saslkey - OAuth issuers in memory, and the verified-token cache */
#ifndef SK_OAUTH_H
#define SK_OAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jwk.h"
#include "jws.h"
#include "log.h"
#include "reason.h"
#include "store.h"

/*
 * The issuers live in the store (so a fleet shares them); a process keeps
 * them, with their keys imported as EVP_PKEYs, for as long as the store's
 * generation is unchanged, and reloads them when it changes (an admin ran
 * "saslkey issuer update" or "token revoke").
 *
 * The token cache remembers tokens whose signature and claims verified,
 * keyed by SHA-256 of the whole token (never by user: a cache keyed by
 * anything an attacker can choose is Dovecot's CVE-2025-30189).  An entry
 * is used only while the store generation is the one it was verified
 * under - so a revocation takes effect on the next attempt - and only
 * before the token's exp.  The user's account is not part of an entry:
 * the request layer reads it like any other (req_account, cached for
 * the same generation), and the client address is checked on every
 * attempt.
 */
struct sk_oauth_issuer {
	struct sk_issuer cfg;
	enum sk_jwk_alg algs[SK_ALG_COUNT];
	size_t nalgs;
	struct sk_jwk *keys;
	size_t nkeys;
	bool unusable;		/* a stored key no longer imports */
};

struct sk_oauth;

int sk_oauth_new(struct sk_oauth **out);
void sk_oauth_free(struct sk_oauth *o);

/* reload the issuers if gen differs from what was loaded */
int sk_oauth_sync(struct sk_oauth *o, struct sk_store *st, uint64_t gen,
		  const struct sk_logger *lg);
/* the issuer whose "issuer" equals iss exactly, or NULL */
const struct sk_oauth_issuer *sk_oauth_find(const struct sk_oauth *o,
					    const char *iss);
/* the issuer, if exactly one is configured (for error challenges) */
const struct sk_oauth_issuer *sk_oauth_only(const struct sk_oauth *o);

/*
 * The key a token names: by kid, an opaque string compared byte for byte;
 * without a kid only when the issuer has exactly one key pinned to the
 * token's algorithm.  SK_R_UNKNOWN_KID otherwise.
 */
enum sk_reason sk_oauth_select_key(const struct sk_oauth_issuer *i,
				   const struct sk_jws *jws,
				   const struct sk_jwk **key);

#define SK_OAUTH_CACHE_SIZE 64

struct sk_oauth_entry {
	unsigned char hash[32];
	uint64_t gen;
	int64_t exp;
	char issuer[SK_NAME_MAX + 1];
	char user[256];
	char sub[256];
	char jti[256];
	char kid[SK_JWK_KID_MAX + 1];
	char alg[16];
	char scope[SK_ISSUER_TEXT_MAX + 1];	/* for an error challenge */
	char openid_configuration[SK_ISSUER_TEXT_MAX + 1];
	bool used;
};

const struct sk_oauth_entry *sk_oauth_cache_get(struct sk_oauth *o,
						const unsigned char hash[32],
						uint64_t gen, int64_t now);
void sk_oauth_cache_put(struct sk_oauth *o, const struct sk_oauth_entry *e);

#endif
