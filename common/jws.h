/* saslkey - compact JWS (RFC 7515) parsing and signature verification */
#ifndef SK_JWS_H
#define SK_JWS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "jwk.h"
#include "reason.h"

/*
 * Only the compact serialisation "b64(header).b64(payload).b64(sig)" of a
 * signed JWT is accepted: no JSON serialisation, no JWE, no unsigned
 * token.  Parsing is separate from verification so that the caller can
 * read "kid" (and the unverified "iss") to choose the key; nothing parsed
 * here may be trusted before sk_jws_verify() returned SK_R_OK.
 *
 * The header members "jku", "x5u", "jwk" and "x5c" are ignored: they are
 * never fetched, never used to find or build a key and never compared
 * with anything.  A token cannot bring its own key (RFC 8725 §3.10);
 * keys come only from the issuer's configured JWKS.  "kid" is an opaque
 * lookup string, never part of a path, URL or query.
 */

#define SK_JWT_MAX_LEN		16384
#define SK_JWS_SIG_MAX		1024	/* RSA-8192 */

struct sk_jws {
	json_t *header;			/* owned */
	json_t *claims;			/* owned */
	enum sk_jwk_alg alg;		/* from the header */
	char kid[SK_JWK_KID_MAX + 1];
	bool has_kid;
	const char *signing_input;	/* in the token: "hdr.payload" */
	size_t signing_input_len;
	unsigned char sig[SK_JWS_SIG_MAX];
	size_t sig_len;
};

/*
 * Parse token[0..len) without verifying.  SK_OK with *why = SK_R_OK;
 * SK_INVALID with *why:
 *
 * SK_R_TOKEN_MALFORMED: len 0 or > SK_JWT_MAX_LEN (checked before
 *   anything else); not exactly three segments; an empty header, payload
 *   or signature; anything but strict unpadded base64url; header or
 *   payload not a JSON object, not UTF-8, with a duplicate member name or
 *   a NUL in a string; no string "alg"; "kid" not a string, longer than
 *   SK_JWK_KID_MAX or with control characters; any "crit"; "typ" present
 *   and not, ignoring case, "JWT", "at+jwt", "application/at+jwt" or
 *   "application/jwt"; a signature longer than SK_JWS_SIG_MAX.
 * SK_R_ALG_NOT_ALLOWED: "alg" is "none" (any case), HS256/384/512, a
 *   lower-case spelling or anything else unknown.  This is decided right
 *   after "alg" is read, so an alg-none token reports as such even when
 *   its signature segment is empty.
 *
 * or SK_NOMEM with *why = SK_R_INTERNAL.
 *
 * token is not copied: jws->signing_input points into it.  On failure
 * *out holds nothing that needs sk_jws_clear (calling it is harmless).
 */
int sk_jws_parse(const char *token, size_t len, struct sk_jws *out,
		 enum sk_reason *why);

/*
 * Verify the signature with one key chosen by the caller.  SK_R_OK,
 * SK_R_BAD_SIGNATURE, SK_R_ALG_NOT_ALLOWED (jws->alg is not exactly the
 * key's pinned algorithm, or the key does not fit it) or SK_R_INTERNAL
 * (no key given, or OpenSSL could not allocate: "could not decide").
 *
 * RS*: PKCS#1 v1.5; PS*: PSS, MGF1 with the same hash, salt length equal
 * to the digest length; both require a signature exactly as long as the
 * modulus.  ES*: raw r||s of exactly twice the coordinate size (RFC 7518
 * §3.4), not DER.  EdDSA: Ed25519 over the signing input.  OpenSSL
 * rejects r or s equal to 0 or >= n.  High-S ECDSA signatures are
 * accepted (OpenSSL does not normalise S), so one set of claims has
 * several valid token texts: replay detection must key on "jti" or on
 * header and payload, never on the signature or the whole token.
 */
enum sk_reason sk_jws_verify(const struct sk_jws *jws,
			     const struct sk_jwk *key);

void sk_jws_clear(struct sk_jws *jws);

#endif
