/* saslkey - handling of secret bytes */
#define OPENSSL_SUPPRESS_DEPRECATED	/* SHA256_Init: see sk_sha256 */
#include "secret.h"
#include "status.h"

#include <errno.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

static const char b62[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

int sk_random(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return SK_UNAVAIL;
		}
		p += r;
		n -= (size_t)r;
	}
	return SK_OK;
}

int sk_random_base62(char *out, size_t n)
{
	unsigned char pool[64];
	size_t have = 0, used = 0, i = 0;

	while (i < n) {
		if (used == have) {
			if (sk_random(pool, sizeof(pool)) != SK_OK) {
				sk_wipe(pool, sizeof(pool));
				return SK_UNAVAIL;
			}
			have = sizeof(pool);
			used = 0;
		}
		/* 248 = 4 * 62: bytes above it would favour the first digits */
		if (pool[used] < 248)
			out[i++] = b62[pool[used] % 62];
		used++;
	}
	sk_wipe(pool, sizeof(pool));
	return SK_OK;
}

bool sk_ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void sk_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

/*
 * The low-level SHA-256, like sk_key_hash (key.c): the same block
 * function as EVP_Digest without the context allocation and provider
 * calls around it.  The context keeps the input's last block: wiped.
 */
int sk_sha256(const void *data, size_t n, unsigned char out[32])
{
	SHA256_CTX c;
	int ok;

	ok = SHA256_Init(&c) && SHA256_Update(&c, data, n) &&
	     SHA256_Final(out, &c);
	sk_wipe(&c, sizeof(c));
	return ok ? SK_OK : SK_UNAVAIL;
}
