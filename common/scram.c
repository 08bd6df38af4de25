/* saslkey - SCRAM verifiers (RFC 5802, RFC 7677) for the stock SCRAM plugin */
#include "scram.h"
#include "secret.h"
#include "status.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#define SALT_LEN 16

static void b64(const unsigned char *in, size_t n, char *out, size_t cap)
{
	/* EVP_EncodeBlock writes 4 * ceil(n / 3) + 1 bytes */
	if (cap >= 4 * ((n + 2) / 3) + 1)
		EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	else if (cap > 0)
		out[0] = '\0';
}

int sk_scram_verifier_salt(enum sk_scram_hash h, const void *pass, size_t len,
			   const unsigned char *salt, size_t salt_len,
			   unsigned iterations, char *out, size_t cap)
{
	const EVP_MD *md = h == SK_SCRAM_SHA1 ? EVP_sha1() : EVP_sha256();
	const char *name = h == SK_SCRAM_SHA1 ? "SCRAM-SHA-1" : "SCRAM-SHA-256";
	unsigned char salted[EVP_MAX_MD_SIZE], ckey[EVP_MAX_MD_SIZE];
	unsigned char stored[EVP_MAX_MD_SIZE], server[EVP_MAX_MD_SIZE];
	char s_b64[64], st_b64[64], sv_b64[64];
	unsigned int mdlen = (unsigned int)EVP_MD_get_size(md), l = 0;
	int n, r = SK_UNAVAIL;

	if (iterations == 0 || salt_len > 32 || len > 1024)
		return SK_INVALID;
	if (PKCS5_PBKDF2_HMAC(pass, (int)len, salt, (int)salt_len,
			      (int)iterations, md, (int)mdlen, salted) != 1 ||
	    HMAC(md, salted, (int)mdlen, (const unsigned char *)"Client Key",
		 10, ckey, &l) == NULL ||
	    EVP_Digest(ckey, mdlen, stored, NULL, md, NULL) != 1 ||
	    HMAC(md, salted, (int)mdlen, (const unsigned char *)"Server Key",
		 10, server, &l) == NULL)
		goto out;
	b64(salt, salt_len, s_b64, sizeof(s_b64));
	b64(stored, mdlen, st_b64, sizeof(st_b64));
	b64(server, mdlen, sv_b64, sizeof(sv_b64));
	n = snprintf(out, cap, "%s$%u:%s$%s:%s", name, iterations, s_b64,
		     st_b64, sv_b64);
	r = n > 0 && (size_t)n < cap ? SK_OK : SK_INVALID;
out:
	sk_wipe(salted, sizeof(salted));
	sk_wipe(ckey, sizeof(ckey));
	sk_wipe(stored, sizeof(stored));
	sk_wipe(server, sizeof(server));
	return r;
}

int sk_scram_verifier(enum sk_scram_hash h, const void *pass, size_t len,
		      unsigned iterations, char *out, size_t cap)
{
	unsigned char salt[SALT_LEN];

	if (sk_random(salt, sizeof(salt)) != SK_OK)
		return SK_UNAVAIL;
	return sk_scram_verifier_salt(h, pass, len, salt, sizeof(salt),
				      iterations, out, cap);
}
