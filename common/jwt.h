/* saslkey - JWT access-token claims (RFC 7519, RFC 9068, RFC 8725) */
#ifndef SK_JWT_H
#define SK_JWT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "reason.h"

/*
 * The claims checks that follow a good signature.  Every claim is treated
 * as attacker-controlled until then; sk_jwt_peek_issuer() exists only to
 * choose which issuer's keys to try.
 */

/* issuer, audience and username_claim are required */
struct sk_jwt_policy {
	const char *issuer;		/* exact match to "iss", at most
					 * SK_JWT_CLAIM_MAX bytes */
	const char *audience;		/* "aud", or an element of it */
	const char *username_claim;	/* "email", "sub", ... */
	/*
	 * Required scope, NULL or "" for none.  Several space-separated
	 * scopes are all required.  Found as a whole word in "scope" (a
	 * space-separated string, RFC 9068 §2.2.3) or "scp" (an array of
	 * strings, as Entra ID issues it, or a space-separated string).
	 */
	const char *scope;
	int64_t leeway;			/* seconds; < 0 counts as 0 */
	int64_t now;			/* injectable for tests */
};

#define SK_JWT_CLAIM_MAX	255
/* 9999-12-31T23:59:59Z, the largest date anyone issues */
#define SK_JWT_TIME_MAX		INT64_C(253402300799)

struct sk_jwt_claims {
	char user[SK_JWT_CLAIM_MAX + 1];	/* the username claim */
	char iss[SK_JWT_CLAIM_MAX + 1];
	char sub[SK_JWT_CLAIM_MAX + 1];		/* "" if absent */
	char jti[SK_JWT_CLAIM_MAX + 1];		/* "" if absent */
	int64_t exp, nbf, iat;		/* 0 if absent (not exp) */
};

/*
 * Checks in this order, stopping at the first failure:
 *
 *  "iss" missing or not a string          SK_R_TOKEN_MALFORMED
 *  "iss" != issuer                        SK_R_WRONG_ISSUER
 *  "exp" missing                          SK_R_TOKEN_MALFORMED
 *  exp/nbf/iat present but not a JSON number, negative or beyond
 *  SK_JWT_TIME_MAX (reals are floored)    SK_R_TOKEN_MALFORMED
 *  now >= exp + leeway                    SK_R_TOKEN_EXPIRED
 *  nbf > now + leeway, iat > now + leeway SK_R_NOT_YET_VALID
 *  "aud" missing, not a string or a non-empty array of strings, or
 *  without the audience                   SK_R_WRONG_AUDIENCE
 *  a required scope missing               SK_R_MISSING_SCOPE
 *  username claim missing, not a non-empty string, longer than
 *  SK_JWT_CLAIM_MAX, or with control characters
 *                                         SK_R_TOKEN_MALFORMED
 *  "sub"/"jti" present and not a string of at most SK_JWT_CLAIM_MAX bytes
 *  without NUL                            SK_R_TOKEN_MALFORMED
 *
 * A policy without issuer, audience or username_claim gives SK_R_INTERNAL
 * (a configuration error must not turn into "skip the check").  *out is
 * filled only on SK_R_OK; otherwise it is zeroed.
 */
enum sk_reason sk_jwt_check_claims(const json_t *claims,
				   const struct sk_jwt_policy *p,
				   struct sk_jwt_claims *out);

/*
 * The unverified "iss", to pick the issuer whose keys to try: a
 * non-empty string without NUL that fits in cap (with its NUL), copied
 * to out; otherwise SK_R_TOKEN_MALFORMED and out = "".
 */
enum sk_reason sk_jwt_peek_issuer(const json_t *claims, char *out, size_t cap);

#endif
