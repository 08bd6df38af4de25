/* saslkey - the master key, and secrets sealed under it */
#ifndef SK_SEAL_H
#define SK_SEAL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * CRAM-MD5 cannot work from a one-way hash: the verifier needs the
 * HMAC-MD5 state, which is password-equivalent.  So that state is stored
 * sealed with AES-256-GCM under a master key kept in a separate file
 * (mode 0600, 64 hex digits).  A copy of the store without that file
 * reveals no usable secret.
 *
 * Sealed blob: version (1) | nonce (12) | ciphertext | tag (16).  The
 * additional data binds a blob to its row ("cram\0<kind>\0<id>"), so a
 * blob copied to another row does not open.
 *
 * The store records a fingerprint of the master key, so a wrong key file
 * is reported as exactly that instead of as "bad password" for everyone.
 */
#define SK_MASTER_KEY_LEN	32
#define SK_SEAL_OVERHEAD	(1 + 12 + 16)
#define SK_MASTER_FPR_LEN	16

struct sk_master_key {
	unsigned char k[SK_MASTER_KEY_LEN];
	bool loaded;
};

/* SK_OK, SK_UNAVAIL (missing/unreadable/malformed/too open: err says) */
int sk_master_key_load(const char *path, struct sk_master_key *mk, char *err,
		       size_t errlen);
/* a new random key file, mode 0600; SK_EXISTS if one is there */
int sk_master_key_create(const char *path, char *err, size_t errlen);
/* HMAC-SHA256(key, "saslkey master key fingerprint"), first 16 bytes */
int sk_master_key_fingerprint(const struct sk_master_key *mk,
			      unsigned char out[SK_MASTER_FPR_LEN]);
void sk_master_key_wipe(struct sk_master_key *mk);

/* out needs inlen + SK_SEAL_OVERHEAD bytes */
int sk_seal(const struct sk_master_key *mk, const void *aad, size_t aadlen,
	    const void *in, size_t inlen, unsigned char *out, size_t outcap,
	    size_t *outlen);
/* SK_OK, SK_INVALID (does not authenticate: wrong key or wrong row) */
int sk_unseal(const struct sk_master_key *mk, const void *aad, size_t aadlen,
	      const unsigned char *in, size_t inlen, void *out, size_t outcap,
	      size_t *outlen);
/* drop the cached AES-256-GCM cipher (the plugin, before it is unloaded) */
void sk_seal_release(void);

#endif
