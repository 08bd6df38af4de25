/* saslkey - base64url (RFC 4648 §5) without padding, strict */
#include "b64url.h"
#include "status.h"

#include <stdint.h>
#include <string.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* 0..63, or -1 for anything outside [A-Za-z0-9_-] (including '=' and NUL) */
static int value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

size_t sk_b64url_decoded_len(size_t inlen)
{
	static const size_t tail[4] = { 0, 0, 1, 2 };

	return inlen / 4 * 3 + tail[inlen % 4];
}

int sk_b64url_decode(const char *in, size_t inlen, unsigned char *out,
		     size_t outcap, size_t *outlen)
{
	size_t need = sk_b64url_decoded_len(inlen), i, o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	*outlen = 0;
	/* one leftover character carries 6 bits: no encoder emits that */
	if (inlen % 4 == 1 || need > outcap)
		return SK_INVALID;
	for (i = 0; i < inlen; i++) {
		int v = value((unsigned char)in[i]);

		if (v < 0)
			return SK_INVALID;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/*
	 * The 2 or 4 bits left over must be zero: otherwise several texts
	 * decode to the same bytes (e.g. "QQ" and "QR" both give "A").
	 */
	if (acc != 0)
		return SK_INVALID;
	*outlen = o;
	return SK_OK;
}

size_t sk_b64url_encoded_len(size_t n)
{
	static const size_t tail[3] = { 0, 2, 3 };

	if (n / 3 > (SIZE_MAX - 3) / 4)
		return SIZE_MAX;
	return n / 3 * 4 + tail[n % 3];
}

size_t sk_b64url_encode(const unsigned char *in, size_t n, char *out,
			size_t outcap)
{
	size_t need = sk_b64url_encoded_len(n), i, o = 0;

	if (need == SIZE_MAX || need >= outcap) {
		if (outcap > 0)
			out[0] = '\0';
		return 0;
	}
	for (i = 0; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
			     in[i + 2];

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
	}
	out[o] = '\0';
	return o;
}
