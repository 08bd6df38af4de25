/* saslkey tests - common/secret.c */
#include "secret.h"
#include "status.h"
#include "sktest.h"

#include <stdlib.h>
#include <string.h>

static const char b62[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void test_random_fills(void)
{
	unsigned char a[64], b[64], zero[64];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memset(zero, 0, sizeof(zero));
	CU_ASSERT_EQUAL(sk_random(a, sizeof(a)), SK_OK);
	CU_ASSERT_EQUAL(sk_random(b, sizeof(b)), SK_OK);
	CU_ASSERT(memcmp(a, zero, sizeof(a)) != 0);
	CU_ASSERT(memcmp(a, b, sizeof(a)) != 0);
	/* more than one getrandom() call's worth */
	{
		size_t n = 1 << 20, i, nz = 0;
		unsigned char *big = calloc(1, n);

		CU_ASSERT_FATAL(big != NULL);
		CU_ASSERT_EQUAL(sk_random(big, n), SK_OK);
		/* the last 4 KiB are filled too */
		for (i = n - 4096; i < n; i++)
			nz += big[i] != 0;
		CU_ASSERT(nz > 4000);
		free(big);
	}
}

/* only [0-9A-Za-z], every one of them, and no modulo bias */
static void test_base62_alphabet_and_bias(void)
{
	enum { N = 124000 };
	char *buf = malloc(N + 2);
	unsigned long count[256] = { 0 };
	unsigned long first8 = 0, outside = 0, missing = 0;
	size_t i;

	CU_ASSERT_FATAL(buf != NULL);
	buf[N] = '#';
	buf[N + 1] = '#';
	CU_ASSERT_EQUAL(sk_random_base62(buf, N), SK_OK);
	CU_ASSERT(buf[N] == '#' && buf[N + 1] == '#');	/* no overrun */
	for (i = 0; i < N; i++) {
		unsigned char c = (unsigned char)buf[i];

		count[c]++;
		if (c == '\0' || strchr(b62, c) == NULL)
			outside++;
	}
	for (i = 0; i < 62; i++) {
		missing += count[(unsigned char)b62[i]] == 0;
		if (i < 8)
			first8 += count[(unsigned char)b62[i]];
	}
	CU_ASSERT_EQUAL(outside, 0);
	CU_ASSERT_EQUAL(missing, 0);
	/*
	 * Expected 16000 (8/62 of N, sd ~118).  "byte % 62" without the
	 * rejection step would give the first 8 digits 5/256 each: ~19375.
	 */
	CU_ASSERT(first8 > 15200 && first8 < 16800);
	free(buf);
}

static void test_base62_lengths(void)
{
	char buf[40];

	memset(buf, '#', sizeof(buf));
	CU_ASSERT_EQUAL(sk_random_base62(buf, 0), SK_OK);
	CU_ASSERT_EQUAL(buf[0], '#');
	CU_ASSERT_EQUAL(sk_random_base62(buf, 1), SK_OK);
	CU_ASSERT(strchr(b62, buf[0]) != NULL && buf[0] != '\0');
	CU_ASSERT_EQUAL(buf[1], '#');
	CU_ASSERT_EQUAL(sk_random_base62(buf, 32), SK_OK);
	CU_ASSERT_EQUAL(buf[32], '#');
}

static void test_ct_equal(void)
{
	unsigned char a[32], b[32];
	size_t pos[] = { 0, 15, 31 };
	size_t i;

	memset(a, 0x5a, sizeof(a));
	memcpy(b, a, sizeof(a));
	CU_ASSERT(sk_ct_equal(a, b, sizeof(a)));
	for (i = 0; i < SK_N_ELEMENTS(pos); i++) {
		b[pos[i]] ^= 0x01;
		CU_ASSERT(!sk_ct_equal(a, b, sizeof(a)));
		b[pos[i]] ^= 0x81;	/* high bit differs only */
		CU_ASSERT(!sk_ct_equal(a, b, sizeof(a)));
		b[pos[i]] ^= 0x80;
		CU_ASSERT(sk_ct_equal(a, b, sizeof(a)));
	}
	/* only the first n bytes count */
	b[31] ^= 0xff;
	CU_ASSERT(sk_ct_equal(a, b, 31));
	CU_ASSERT(!sk_ct_equal(a, b, 32));
	CU_ASSERT(sk_ct_equal(a, b, 0));
}

static void test_wipe(void)
{
	unsigned char buf[48];
	size_t i, nz = 0;

	memset(buf, 0xee, sizeof(buf));
	sk_wipe(buf + 8, 32);
	for (i = 8; i < 40; i++)
		nz += buf[i] != 0;
	CU_ASSERT_EQUAL(nz, 0);
	CU_ASSERT(buf[7] == 0xee && buf[40] == 0xee);
}

SK_SUITE(secret, NULL, NULL,
	 SK_TEST(test_random_fills),
	 SK_TEST(test_base62_alphabet_and_bias),
	 SK_TEST(test_base62_lengths),
	 SK_TEST(test_ct_equal),
	 SK_TEST(test_wipe))
