/* saslkey - HMAC-MD5 for CRAM-MD5 (RFC 2195) from precomputed state */

/*
 * Starting an MD5 from a stored chaining value needs the MD5_CTX fields,
 * which OpenSSL 3 only offers through its deprecated low-level MD5 API
 * (EVP cannot import a digest state).  This file is the one place that
 * uses it.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "cram.h"
#include "strbuf.h"
#include "secret.h"
#include "status.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

#include <openssl/evp.h>
#include <openssl/md5.h>

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void save(const MD5_CTX *c, unsigned char *out)
{
	put32(out, c->A);
	put32(out + 4, c->B);
	put32(out + 8, c->C);
	put32(out + 12, c->D);
}

/* an MD5 context that has already absorbed one 64-byte block */
static void restore(MD5_CTX *c, const unsigned char *in)
{
	MD5_Init(c);
	c->A = get32(in);
	c->B = get32(in + 4);
	c->C = get32(in + 8);
	c->D = get32(in + 12);
	c->Nl = 512;
	c->Nh = 0;
}

int sk_cram_state(const void *secret, size_t len,
		  unsigned char state[SK_CRAM_STATE_LEN])
{
	unsigned char k[64], pad[64];
	MD5_CTX c;
	size_t i;

	if (len > SK_CRAM_SECRET_MAX)
		return SK_INVALID;
	memset(k, 0, sizeof(k));
	/* RFC 2104: keys longer than a block are hashed first */
	if (len > sizeof(k))
		MD5(secret, len, k);
	else
		memcpy(k, secret, len);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	MD5_Init(&c);
	MD5_Update(&c, pad, 64);
	save(&c, state);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	MD5_Init(&c);
	MD5_Update(&c, pad, 64);
	save(&c, state + 16);
	sk_wipe(k, sizeof(k));
	sk_wipe(pad, sizeof(pad));
	sk_wipe(&c, sizeof(c));
	return SK_OK;
}

int sk_cram_digest(const unsigned char state[SK_CRAM_STATE_LEN],
		   const void *challenge, size_t len,
		   unsigned char digest[SK_CRAM_DIGEST_LEN])
{
	unsigned char inner[MD5_DIGEST_LENGTH];
	MD5_CTX c;

	restore(&c, state);
	MD5_Update(&c, challenge, len);
	MD5_Final(inner, &c);
	restore(&c, state + 16);
	MD5_Update(&c, inner, sizeof(inner));
	MD5_Final(digest, &c);
	sk_wipe(inner, sizeof(inner));
	sk_wipe(&c, sizeof(c));
	return SK_OK;
}

_Static_assert(SK_CRAM_STATE_LEN + SK_SEAL_OVERHEAD <= SK_SEALED_MAX,
	       "a sealed CRAM state fits the store's column");

size_t sk_cram_aad(bool is_key, const char *id, char *out, size_t cap)
{
	struct sk_strbuf sb;

	/* "saslkey-cram" NUL "key"|"secret" NUL id (no formatter: per attempt) */
	sk_strbuf_init(&sb, out, cap);
	sk_strbuf_append(&sb, "saslkey-cram", sizeof("saslkey-cram"));
	if (is_key)
		sk_strbuf_append(&sb, "key", sizeof("key"));
	else
		sk_strbuf_append(&sb, "secret", sizeof("secret"));
	sk_strbuf_puts(&sb, id);
	return sb.overflow ? 0 : sb.len;
}

int sk_cram_seal(const struct sk_master_key *mk, bool is_key, const char *id,
		 const void *secret, size_t len, unsigned char *out,
		 size_t outcap, size_t *outlen)
{
	unsigned char state[SK_CRAM_STATE_LEN];
	char aad[64];
	size_t aadlen = sk_cram_aad(is_key, id, aad, sizeof(aad));
	int r;

	*outlen = 0;
	if (aadlen == 0)
		return SK_INVALID;
	if ((r = sk_cram_state(secret, len, state)) == SK_OK)
		r = sk_seal(mk, aad, aadlen, state, sizeof(state), out, outcap,
			    outlen);
	sk_wipe(state, sizeof(state));
	return r;
}
