/* saslkey tests - common/b64url.c: strict unpadded base64url */
#include "b64url.h"
#include "status.h"
#include "sktest.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* decode s from an exact-size heap copy, so an over-read is caught */
static int dec(const char *s, size_t n, unsigned char *out, size_t cap,
	       size_t *outlen)
{
	char *copy = malloc(n > 0 ? n : 1);
	int st;

	CU_ASSERT_FATAL(copy != NULL);
	memcpy(copy, s, n);
	st = sk_b64url_decode(copy, n, out, cap, outlen);
	free(copy);
	return st;
}

static int dec_str(const char *s, unsigned char *out, size_t cap, size_t *ol)
{
	return dec(s, strlen(s), out, cap, ol);
}

/* RFC 4648 §10, with the padding removed as RFC 7515 §2 does */
static void test_rfc4648_vectors(void)
{
	static const struct {
		const char *plain, *enc;
	} v[] = {
		{ "", "" },		{ "f", "Zg" },
		{ "fo", "Zm8" },	{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg" },	{ "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
	};
	unsigned char out[16];
	char enc[16];
	size_t i, n;

	for (i = 0; i < SK_N_ELEMENTS(v); i++) {
		size_t pl = strlen(v[i].plain);

		CU_ASSERT_EQUAL(sk_b64url_encoded_len(pl), strlen(v[i].enc));
		CU_ASSERT_EQUAL(sk_b64url_encode((const unsigned char *)v[i].plain,
						 pl, enc, sizeof(enc)),
				strlen(v[i].enc));
		CU_ASSERT_STRING_EQUAL(enc, v[i].enc);
		CU_ASSERT_EQUAL(dec_str(v[i].enc, out, sizeof(out), &n), SK_OK);
		CU_ASSERT_EQUAL(n, pl);
		CU_ASSERT(memcmp(out, v[i].plain, pl) == 0);
		CU_ASSERT_EQUAL(sk_b64url_decoded_len(strlen(v[i].enc)), pl);
	}
}

/* the two characters that differ from standard base64 */
static void test_url_alphabet(void)
{
	static const unsigned char bytes[] = { 0xfb, 0xff, 0xbf };
	unsigned char out[4];
	char enc[8];
	size_t n;

	CU_ASSERT_EQUAL(sk_b64url_encode(bytes, 3, enc, sizeof(enc)), 4);
	CU_ASSERT_STRING_EQUAL(enc, "-_-_");
	CU_ASSERT_EQUAL(dec_str("-_-_", out, sizeof(out), &n), SK_OK);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT(memcmp(out, bytes, 3) == 0);
	/* the standard alphabet's spelling of the same bytes */
	CU_ASSERT_EQUAL(dec_str("+/+/", out, sizeof(out), &n), SK_INVALID);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(dec_str("-/-_", out, sizeof(out), &n), SK_INVALID);
}

/* every rejection rule, each right after an accepted neighbour */
static void test_rejections(void)
{
	static const struct {
		const char *in;
		size_t len;	/* 0: strlen */
		int st;
	} v[] = {
		/* padding */
		{ "Zg", 0, SK_OK },
		{ "Zg==", 0, SK_INVALID },
		{ "Zg=", 0, SK_INVALID },
		{ "Zm9v", 0, SK_OK },
		{ "Zm9v=", 0, SK_INVALID },
		{ "Zm9v====", 0, SK_INVALID },
		{ "Zm9vYg", 0, SK_OK },
		{ "Zm=vYg", 0, SK_INVALID },
		/* characters outside the alphabet */
		{ "Zm9vYmFy", 0, SK_OK },
		{ "Zm9v YmFy", 0, SK_INVALID },
		{ "Zm9vYmF ", 0, SK_INVALID },
		{ " Zm9vYmF", 0, SK_INVALID },
		{ "Zm9vYmF\n", 0, SK_INVALID },
		{ "Zm9vYm+y", 0, SK_INVALID },
		{ "Zm9vYm/y", 0, SK_INVALID },
		{ "Zm9vYm.y", 0, SK_INVALID },
		{ "Zm9vYm\xc3\xa9", 0, SK_INVALID },
		{ "Zm\0vYmFy", 8, SK_INVALID },
		/* lengths no encoder produces */
		{ "Zm9vY", 0, SK_INVALID },
		{ "Z", 0, SK_INVALID },
		{ "Zm9vYmFyZ", 0, SK_INVALID },
		/* non-zero unused bits: "Zh" and "Zg" would both be "f" */
		{ "Zg", 0, SK_OK },
		{ "Zh", 0, SK_INVALID },
		{ "Zv", 0, SK_INVALID },
		{ "Zm8", 0, SK_OK },
		{ "Zm9", 0, SK_INVALID },
		{ "Zm-", 0, SK_INVALID },
		{ "AA", 0, SK_OK },
		{ "AB", 0, SK_INVALID },
		{ "AAA", 0, SK_OK },
		{ "AAB", 0, SK_INVALID },
		{ "", 0, SK_OK },
	};
	unsigned char out[16];
	size_t i, n;

	for (i = 0; i < SK_N_ELEMENTS(v); i++) {
		size_t len = v[i].len ? v[i].len : strlen(v[i].in);
		int st = dec(v[i].in, len, out, sizeof(out), &n);

		if (st != v[i].st)
			fprintf(stderr, "  b64url row %zu: got %d, want %d\n", i,
				st, v[i].st);
		CU_ASSERT_EQUAL(st, v[i].st);
		if (v[i].st != SK_OK)
			CU_ASSERT_EQUAL(n, 0);
	}
}

/* the output size is checked before a byte is written */
static void test_outcap(void)
{
	unsigned char out[8];
	size_t n;

	memset(out, 0xa5, sizeof(out));
	CU_ASSERT_EQUAL(dec_str("Zm9vYmFy", out, 6, &n), SK_OK);
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT_EQUAL(out[6], 0xa5);
	memset(out, 0xa5, sizeof(out));
	CU_ASSERT_EQUAL(dec_str("Zm9vYmFy", out, 5, &n), SK_INVALID);
	CU_ASSERT_EQUAL(out[0], 0xa5);
	CU_ASSERT_EQUAL(dec_str("Zm9vYmE", out, 5, &n), SK_OK);
	CU_ASSERT_EQUAL(dec_str("Zm9vYmE", out, 4, &n), SK_INVALID);
	CU_ASSERT_EQUAL(dec_str("", NULL, 0, &n), SK_OK);
	CU_ASSERT_EQUAL(n, 0);
}

/*
 * Canonical: every accepted 2- and 3-character text re-encodes to itself,
 * and exactly the texts whose unused bits are zero are accepted.
 */
static void test_exhaustive_short(void)
{
	char in[4], enc[8];
	unsigned char out[4];
	size_t a, b, c, n, accepted = 0, checked = 0;
	bool mismatch = false;

	for (a = 0; a < 64; a++)
		for (b = 0; b < 64; b++) {
			int st;

			in[0] = alphabet[a];
			in[1] = alphabet[b];
			st = dec(in, 2, out, sizeof(out), &n);
			mismatch |= (st == SK_OK) != ((b & 15) == 0);
			if (st == SK_OK) {
				sk_b64url_encode(out, n, enc, sizeof(enc));
				mismatch |= memcmp(enc, in, 2) != 0 || n != 1;
				accepted++;
			}
			for (c = 0; c < 64; c++) {
				in[2] = alphabet[c];
				st = sk_b64url_decode(in, 3, out, sizeof(out),
						      &n);
				mismatch |= (st == SK_OK) != ((c & 3) == 0);
				if (st == SK_OK) {
					sk_b64url_encode(out, n, enc,
							 sizeof(enc));
					mismatch |= memcmp(enc, in, 3) != 0 ||
						    n != 2;
				}
				checked++;
			}
		}
	CU_ASSERT_FALSE(mismatch);
	CU_ASSERT_EQUAL(accepted, 64 * 4);
	CU_ASSERT_EQUAL(checked, 64 * 64 * 64);
	/* and one byte outside the alphabet in each position is refused */
	for (a = 0; a < 256; a++) {
		if (a != 0 && strchr(alphabet, (int)a) != NULL)
			continue;
		in[0] = 'A';
		in[1] = 'A';
		in[2] = 'A';
		in[3] = (char)a;
		CU_ASSERT_EQUAL(sk_b64url_decode(in, 4, out, sizeof(out), &n),
				SK_INVALID);
	}
}

static void test_round_trip_random(void)
{
	unsigned char in[200], out[200];
	char enc[300];
	size_t len, n, e;
	unsigned seed = 12345;

	for (len = 0; len < sizeof(in); len++) {
		size_t i;

		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (unsigned char)(seed >> 16);
		}
		e = sk_b64url_encode(in, len, enc, sizeof(enc));
		CU_ASSERT_EQUAL(e, sk_b64url_encoded_len(len));
		CU_ASSERT_EQUAL(strlen(enc), e);
		CU_ASSERT_EQUAL(strcspn(enc, "=+/"), e);
		CU_ASSERT_EQUAL(dec(enc, e, out, len, &n), SK_OK);
		CU_ASSERT_EQUAL(n, len);
		CU_ASSERT(memcmp(in, out, len) == 0);
	}
}

static void test_encode_capacity(void)
{
	static const unsigned char foo[] = "foobar";
	char out[9];

	CU_ASSERT_EQUAL(sk_b64url_encode(foo, 6, out, 9), 8);
	CU_ASSERT_STRING_EQUAL(out, "Zm9vYmFy");
	/* no room for the NUL */
	memset(out, 'x', sizeof(out));
	CU_ASSERT_EQUAL(sk_b64url_encode(foo, 6, out, 8), 0);
	CU_ASSERT_EQUAL(out[0], '\0');
	CU_ASSERT_EQUAL(sk_b64url_encode(foo, 6, NULL, 0), 0);
	CU_ASSERT_EQUAL(sk_b64url_encode(foo, 0, out, 1), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(sk_b64url_encoded_len(0), 0);
	CU_ASSERT_EQUAL(sk_b64url_encoded_len(1), 2);
	CU_ASSERT_EQUAL(sk_b64url_encoded_len(2), 3);
	CU_ASSERT_EQUAL(sk_b64url_encoded_len(3), 4);
	CU_ASSERT_EQUAL(sk_b64url_encoded_len(256), 342);
	CU_ASSERT_EQUAL(sk_b64url_encoded_len(SIZE_MAX), SIZE_MAX);
	CU_ASSERT_EQUAL(sk_b64url_decoded_len(342), 256);
	CU_ASSERT_EQUAL(sk_b64url_decoded_len(5), 3);	/* invalid anyway */
}

SK_SUITE(jose_b64url, NULL, NULL,
	 SK_TEST(test_rfc4648_vectors),
	 SK_TEST(test_url_alphabet),
	 SK_TEST(test_rejections),
	 SK_TEST(test_outcap),
	 SK_TEST(test_exhaustive_short),
	 SK_TEST(test_round_trip_random),
	 SK_TEST(test_encode_capacity))
