/* saslkey - base64url (RFC 4648 §5) without padding, strict */
#include "b64url.h"
#include "status.h"

#include <stdint.h>
#include <string.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/*
 * Each character's value plus one; 0 for anything outside [A-Za-z0-9_-]
 * (including '=' and NUL).  A table: the decoder runs over every byte of
 * every bearer token.
 */
static const unsigned char dec[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17,
	['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
	['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27,
	['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
	['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37,
	['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47,
	['v'] = 48, ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52,
	['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
	['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62,
	['-'] = 63, ['_'] = 64
};

size_t sk_b64url_decoded_len(size_t inlen)
{
	static const size_t tail[4] = { 0, 0, 1, 2 };

	return inlen / 4 * 3 + tail[inlen % 4];
}

int sk_b64url_decode(const char *in, size_t inlen, unsigned char *out,
		     size_t outcap, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t need = sk_b64url_decoded_len(inlen), i, o = 0;
	unsigned a, b, c, d;
	uint32_t v;

	*outlen = 0;
	/* one leftover character carries 6 bits: no encoder emits that */
	if (inlen % 4 == 1 || need > outcap)
		return SK_INVALID;
	for (i = 0; i + 4 <= inlen; i += 4) {
		a = dec[p[i]];
		b = dec[p[i + 1]];
		c = dec[p[i + 2]];
		d = dec[p[i + 3]];
		if (a == 0 || b == 0 || c == 0 || d == 0)
			return SK_INVALID;
		v = (a - 1) << 18 | (b - 1) << 12 | (c - 1) << 6 | (d - 1);
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
		out[o++] = (unsigned char)v;
	}
	/*
	 * 2 or 3 characters left: 1 or 2 bytes, and the 4 or 2 bits left
	 * over must be zero - otherwise several texts decode to the same
	 * bytes (e.g. "QQ" and "QR" both give "A").
	 */
	if (inlen - i >= 2) {
		a = dec[p[i]];
		b = dec[p[i + 1]];
		c = inlen - i == 3 ? dec[p[i + 2]] : 1;
		if (a == 0 || b == 0 || c == 0)
			return SK_INVALID;
		v = (a - 1) << 18 | (b - 1) << 12 | (c - 1) << 6;
		if (inlen - i == 2 ? (v & 0xffff) != 0 : (v & 0xff) != 0)
			return SK_INVALID;
		out[o++] = (unsigned char)(v >> 16);
		if (inlen - i == 3)
			out[o++] = (unsigned char)(v >> 8);
	}
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
