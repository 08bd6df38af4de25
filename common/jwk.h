/* saslkey - JSON Web Keys (RFC 7517, 7518 §6, 8037) for JWT verification */
#ifndef SK_JWK_H
#define SK_JWK_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <openssl/evp.h>

/*
 * An issuer's public signing keys, each pinned to exactly one algorithm
 * at import time.  The token's "alg" header only ever has to equal the pin
 * of the key its "kid" selected; it never chooses how a key is used.  That
 * closes the algorithm-confusion family (RFC 8725 §2.1, §3.1): HS256 with
 * an RSA public key as HMAC secret, RS256 on a key meant for PS256, ES384
 * on a P-256 key.
 *
 * Only public asymmetric signature keys are accepted: RSA >= 2048 bits,
 * EC P-256/P-384/P-521, OKP Ed25519.  Symmetric ("oct") keys, private keys,
 * encryption keys and other curves are refused with a one-line reason that
 * never contains key material.
 */

enum sk_jwk_alg {
	SK_ALG_NONE = 0,	/* "none", HS*, unknown: never verifies */
	SK_ALG_RS256,
	SK_ALG_RS384,
	SK_ALG_RS512,
	SK_ALG_PS256,
	SK_ALG_PS384,
	SK_ALG_PS512,
	SK_ALG_ES256,
	SK_ALG_ES384,
	SK_ALG_ES512,
	SK_ALG_EDDSA,
	SK_ALG_COUNT
};

enum sk_jwk_kty {
	SK_KTY_NONE = 0,
	SK_KTY_RSA,
	SK_KTY_EC,
	SK_KTY_OKP,
};

/* what an algorithm needs from its key and from the verifier */
struct sk_jwk_alg_info {
	const char *name;	/* JOSE name: "RS256", ..., "EdDSA" */
	enum sk_jwk_kty kty;
	bool pss;		/* RSA: PSS instead of PKCS#1 v1.5 */
	const char *md;		/* OpenSSL digest name; NULL for EdDSA */
	const char *crv;	/* JWK "crv" (EC, OKP); NULL for RSA */
	const char *group;	/* OpenSSL group name (EC only) */
	size_t coord_len;	/* EC: bytes per coordinate and per r, s */
};

/* NULL for SK_ALG_NONE and out-of-range values */
const struct sk_jwk_alg_info *sk_jwk_alg_info(enum sk_jwk_alg a);
/* "RS256", ..., "EdDSA"; "none" for SK_ALG_NONE and out-of-range values */
const char *sk_jwk_alg_name(enum sk_jwk_alg a);
/* exact, case-sensitive; "none", "HS256", "rs256", unknown -> SK_ALG_NONE */
enum sk_jwk_alg sk_jwk_alg_parse(const char *s, size_t n);

#define SK_JWK_KID_MAX		128
#define SK_JWK_RSA_MIN_BITS	2048
#define SK_JWK_RSA_MAX_BITS	16384	/* OpenSSL's own RSA ceiling */
#define SK_JWKS_MAX_KEYS	64
#define SK_JWKS_MAX_LEN		(256 * 1024)

struct sk_jwk {
	char kid[SK_JWK_KID_MAX + 1];	/* "" when the JWK has none */
	bool has_kid;
	enum sk_jwk_alg alg;		/* the ONE algorithm it verifies */
	EVP_PKEY *pkey;
	/*
	 * The public JWK re-serialised with only kty, kid, alg, use, n, e,
	 * crv, x, y (malloc'd, compact JSON).  "alg" is always the pinned
	 * algorithm, so a stored key re-imports to the same pin, or is
	 * refused if the issuer's allowed list no longer contains it.
	 */
	char *json;
};

/*
 * Import one JWK object.  allowed[] is the issuer's algorithm list in
 * preference order.  The pin is the JWK's "alg" if present (it must be in
 * allowed[] and fit the key); otherwise RSA takes the first RS* or PS* in
 * allowed[], EC its curve's algorithm (P-256 ES256, P-384 ES384, P-521
 * ES512) and Ed25519 EdDSA, which must be in allowed[].
 *
 * "kid", when present, is a non-empty string of at most SK_JWK_KID_MAX
 * bytes without control characters.  "use" must be "sig" if present,
 * "key_ops" must contain "verify" if present.
 *
 * SK_OK, SK_INVALID (err says why, one line) or SK_NOMEM.  On failure
 * *out is cleared.  err may be NULL.
 */
int sk_jwk_import(const json_t *jwk, const enum sk_jwk_alg *allowed,
		  size_t nallowed, struct sk_jwk *out, char *err,
		  size_t errlen);

/*
 * A JWKS document {"keys":[...]} or a single JWK object, at most
 * SK_JWKS_MAX_LEN bytes and SK_JWKS_MAX_KEYS keys.  All or nothing: one
 * bad key, or two keys with the same kid, fails the whole import and err
 * names the key's index and kid.  An empty "keys" array is refused too.
 * *keys (free with sk_jwks_free) and *nkeys are set only on SK_OK.
 */
int sk_jwks_import(const char *json, size_t len,
		   const enum sk_jwk_alg *allowed, size_t nallowed,
		   struct sk_jwk **keys, size_t *nkeys, char *err,
		   size_t errlen);

void sk_jwk_clear(struct sk_jwk *k);
void sk_jwks_free(struct sk_jwk *keys, size_t n);

#endif
