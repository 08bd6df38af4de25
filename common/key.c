/* saslkey - API key format */
#define OPENSSL_SUPPRESS_DEPRECATED	/* SHA256_Init: see sk_key_hash */
#include "key.h"
#include "secret.h"
#include "status.h"

#include <string.h>

#include <openssl/sha.h>

static const char b62[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static bool is_b62(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z');
}

static bool is_prefix_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

static bool all_b62(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_b62((unsigned char)s[i]))
			return false;
	return true;
}

uint32_t sk_crc32(const void *buf, size_t n)
{
	static uint32_t table[256];
	static bool ready;
	const unsigned char *p = buf;
	uint32_t crc = 0xffffffffu;
	size_t i;

	if (!ready) {
		/* idempotent: a racing thread computes the same table */
		for (i = 0; i < 256; i++) {
			uint32_t c = (uint32_t)i;
			int k;

			for (k = 0; k < 8; k++)
				c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		ready = true;
	}
	for (i = 0; i < n; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}

static void crc_b62(uint32_t crc, char out[SK_KEY_CRC_LEN])
{
	int i;

	for (i = SK_KEY_CRC_LEN - 1; i >= 0; i--) {
		out[i] = b62[crc % 62];
		crc /= 62;
	}
}

bool sk_key_prefix_valid(const char *prefix)
{
	size_t i, n = strlen(prefix);

	if (n == 0 || n > SK_KEY_PREFIX_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!is_prefix_char((unsigned char)prefix[i]))
			return false;
	return true;
}

bool sk_key_id_valid(const char *s, size_t n)
{
	return n == SK_KEY_ID_LEN && all_b62(s, n);
}

size_t sk_key_loggable_len(const char *s, size_t n)
{
	const char *u = s, *end = s + n;

	/* whatever the prefix (a key with a typo or another prefix is still
	 * a secret): an id between two '_' and anything after it */
	while ((u = memchr(u, '_', (size_t)(end - u))) != NULL) {
		if ((size_t)(end - u) > SK_KEY_ID_LEN + 2 &&
		    u[SK_KEY_ID_LEN + 1] == '_' && all_b62(u + 1, SK_KEY_ID_LEN))
			return (size_t)(u - s) + SK_KEY_ID_LEN + 2;
		u++;
	}
	return n;
}

void sk_key_wipe(struct sk_key *k)
{
	sk_wipe(k, sizeof(*k));
}

enum sk_key_parse sk_key_parse(const char *s, size_t n, struct sk_key *out)
{
	size_t plen = 0, body;
	char crc[SK_KEY_CRC_LEN];
	const char *id, *sec;

	memset(out, 0, sizeof(*out));
	while (plen < n && plen < SK_KEY_PREFIX_MAX &&
	       is_prefix_char((unsigned char)s[plen]))
		plen++;
	/* "starts like a key": prefix, '_', a full id, '_' */
	if (plen == 0 || n < plen + 1 + SK_KEY_ID_LEN + 1 || s[plen] != '_')
		return SK_KEY_NOT_A_KEY;
	id = s + plen + 1;
	if (!all_b62(id, SK_KEY_ID_LEN) || id[SK_KEY_ID_LEN] != '_')
		return SK_KEY_NOT_A_KEY;

	sec = id + SK_KEY_ID_LEN + 1;
	body = n - (size_t)(sec - s);
	if (body != SK_KEY_SECRET_LEN + SK_KEY_CRC_LEN ||
	    !all_b62(sec, body))
		return SK_KEY_MALFORMED;
	crc_b62(sk_crc32(s, n - SK_KEY_CRC_LEN), crc);
	/* the checksum is public information: an ordinary compare is fine */
	if (memcmp(crc, sec + SK_KEY_SECRET_LEN, SK_KEY_CRC_LEN) != 0)
		return SK_KEY_MALFORMED;

	memcpy(out->prefix, s, plen);
	memcpy(out->id, id, SK_KEY_ID_LEN);
	memcpy(out->secret, sec, SK_KEY_SECRET_LEN);
	return SK_KEY_OK;
}

int sk_key_generate(const char *prefix, struct sk_key *out)
{
	memset(out, 0, sizeof(*out));
	if (!sk_key_prefix_valid(prefix))
		return SK_INVALID;
	memcpy(out->prefix, prefix, strlen(prefix));
	if (sk_random_base62(out->id, SK_KEY_ID_LEN) != SK_OK ||
	    sk_random_base62(out->secret, SK_KEY_SECRET_LEN) != SK_OK) {
		sk_key_wipe(out);
		return SK_UNAVAIL;
	}
	return SK_OK;
}

void sk_key_format(const struct sk_key *k, char *out, size_t cap)
{
	size_t plen = strlen(k->prefix), n;
	char buf[SK_KEY_MAX_LEN + 1];

	n = 0;
	memcpy(buf, k->prefix, plen);
	n += plen;
	buf[n++] = '_';
	memcpy(buf + n, k->id, SK_KEY_ID_LEN);
	n += SK_KEY_ID_LEN;
	buf[n++] = '_';
	memcpy(buf + n, k->secret, SK_KEY_SECRET_LEN);
	n += SK_KEY_SECRET_LEN;
	crc_b62(sk_crc32(buf, n), buf + n);
	n += SK_KEY_CRC_LEN;
	buf[n] = '\0';
	if (cap > 0) {
		size_t c = n < cap - 1 ? n : cap - 1;

		memcpy(out, buf, c);
		out[c] = '\0';
	}
	sk_wipe(buf, sizeof(buf));
}

/*
 * The low-level SHA-256 on a stack context: the same asm block function
 * EVP dispatches to, without EVP_MD_CTX_new/free and the provider calls
 * around it (~1,500 of ~6,000 instructions per key; the two compression
 * blocks are the rest).  OpenSSL 3 marks these functions deprecated but
 * keeps them; cram.c relies on its MD5 sibling for the same reason.  The
 * context holds secret bytes: it is wiped.
 */
int sk_key_hash(const struct sk_key *k, unsigned char out[SK_KEY_HASH_LEN])
{
	static const char domain[] = "saslkey-key-v1";
	SHA256_CTX c;
	int ok;

	ok = SHA256_Init(&c) && SHA256_Update(&c, domain, sizeof(domain)) &&
	     SHA256_Update(&c, k->id, SK_KEY_ID_LEN + 1) &&
	     SHA256_Update(&c, k->secret, SK_KEY_SECRET_LEN) &&
	     SHA256_Final(out, &c);
	sk_wipe(&c, sizeof(c));
	return ok ? SK_OK : SK_UNAVAIL;
}
