/* saslkey - SCRAM verifiers (RFC 5802, RFC 7677) for the stock SCRAM plugin */
#ifndef SK_SCRAM_H
#define SK_SCRAM_H

#include <stddef.h>

/*
 * What a SCRAM server needs instead of the password:
 *
 *   SaltedPassword = PBKDF2-HMAC-H(password, salt, iterations)
 *   StoredKey      = H(HMAC(SaltedPassword, "Client Key"))
 *   ServerKey      = HMAC(SaltedPassword, "Server Key")
 *
 * written in the RFC 5803 authPassword form that Cyrus SASL's stock SCRAM
 * plugin reads through an auxprop:
 *
 *   SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>
 *
 * A verifier cannot answer a challenge without the PBKDF2 work per guess,
 * so unlike CRAM-MD5 state it is stored as is.  The salt is 16 random bytes.
 */
#define SK_SCRAM_VERIFIER_MAX	192

enum sk_scram_hash { SK_SCRAM_SHA1, SK_SCRAM_SHA256 };

int sk_scram_verifier(enum sk_scram_hash h, const void *pass, size_t len,
		      unsigned iterations, char *out, size_t cap);

/* the same with a given salt (for test vectors) */
int sk_scram_verifier_salt(enum sk_scram_hash h, const void *pass, size_t len,
			   const unsigned char *salt, size_t salt_len,
			   unsigned iterations, char *out, size_t cap);

#endif
