/* saslkey - HMAC-MD5 for CRAM-MD5 (RFC 2195) from precomputed state */
#ifndef SK_CRAM_H
#define SK_CRAM_H

#include <stdbool.h>
#include <stddef.h>

#include "seal.h"

/*
 * HMAC-MD5(K, m) = MD5(K ^ opad, MD5(K ^ ipad, m)).  After one 64-byte
 * block, each MD5 has a 16-byte chaining value; those two values are all a
 * verifier needs, and all we store (sealed): the secret itself is never
 * kept.  They are password-equivalent - whoever has them can answer any
 * challenge - which is why seal.h encrypts them at rest.
 *
 * State layout: inner A B C D, outer A B C D, each a 32-bit word in
 * network byte order (the layout of Cyrus SASL's HMAC_MD5_STATE).
 */
#define SK_CRAM_STATE_LEN	32
#define SK_CRAM_DIGEST_LEN	16
#define SK_CRAM_SECRET_MAX	1024

int sk_cram_state(const void *secret, size_t len,
		  unsigned char state[SK_CRAM_STATE_LEN]);
int sk_cram_digest(const unsigned char state[SK_CRAM_STATE_LEN],
		   const void *challenge, size_t len,
		   unsigned char digest[SK_CRAM_DIGEST_LEN]);

/*
 * The sealed form stored for a CRAM-enabled key (is_key) or an account
 * secret, bound to its row by the additional data "saslkey-cram\0key\0<id>"
 * (or "...\0secret\0<id>").
 */
size_t sk_cram_aad(bool is_key, const char *id, char *out, size_t cap);
int sk_cram_seal(const struct sk_master_key *mk, bool is_key, const char *id,
		 const void *secret, size_t len, unsigned char *out,
		 size_t outcap, size_t *outlen);

#endif
