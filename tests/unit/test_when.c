/* saslkey tests - common/when.c: times and durations */
#include "when.h"
#include "status.h"
#include "sktest.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define NOW	1767225600LL	/* 2026-01-01T00:00:00Z */
#define BAD	(-12345)	/* "must be refused" */

struct when_case {
	const char *in;
	int64_t want;		/* BAD = refused */
};

/* each refused form right after the accepted form it is a variation of */
static const struct when_case when_table[] = {
	{ "now", NOW },
	{ "now ", BAD },
	{ "Now", BAD },
	{ "never", 0 },
	{ "never!", BAD },
	{ "", BAD },
	/* durations from now */
	{ "90d", NOW + 90 * 86400LL },
	{ "90dx", BAD },
	{ "90 d", BAD },
	{ " 90d", BAD },
	{ "-90d", BAD },
	{ "90D", BAD },
	{ "9.5d", BAD },
	{ "d", BAD },
	{ "12h", NOW + 12 * 3600LL },
	{ "12x", BAD },
	{ "2w", NOW + 14 * 86400LL },
	{ "30m", NOW + 1800 },
	{ "45s", NOW + 45 },
	{ "0d", NOW },
	/* about 100 years at most, in any unit */
	{ "3650000000s", NOW + 3650000000LL },
	{ "3650000001s", BAD },
	{ "42245d", NOW + 42245 * 86400LL },
	{ "42246d", BAD },
	{ "6035w", NOW + 6035 * 7 * 86400LL },
	{ "6036w", BAD },
	{ "999999999999d", BAD },
	{ "99999999999999999999d", BAD },
	/* dates, midnight UTC */
	{ "2026-03-01", 1772323200LL },
	{ "2026-03-01x", BAD },
	{ "2026-3-01", BAD },
	{ "2026/03/01", BAD },
	{ "2026-02-28", 1772323200LL - 86400 },
	{ "2026-02-29", BAD },
	{ "2026-02-31", BAD },
	{ "2026-04-31", BAD },
	{ "2026-13-01", BAD },
	{ "2026-00-10", BAD },
	{ "2026-01-00", BAD },
	{ "2028-02-29", 1835395200LL },
	{ "1970-01-02", 86400 },
	{ "1969-12-31", BAD },
	{ "-2026-03-01", BAD },
	/* date and time */
	{ "2026-03-01T12:34:56Z", 1772368496LL },
	{ "2026-03-01T12:34:56Zx", BAD },
	{ "2026-03-01T12:34:56", BAD },
	{ "2026-03-01 12:34:56Z", BAD },
	{ "2026-03-01T12:34:56+00:00", BAD },
	{ "2026-03-01T24:00:00Z", BAD },
	{ "2026-03-01T12:60:00Z", BAD },
	{ "2026-02-31T12:34:56Z", BAD },
	{ "2026-03-01T12:34Z", 1772368440LL },
	{ "2026-03-01T12:34", BAD },
	{ "2026-03-01T12:3Z", BAD },
	/* unix seconds */
	{ "@1767225600", NOW },
	{ "@0", 0 },
	{ "@", BAD },
	{ "@-1", BAD },
	{ "@+1", BAD },
	{ "@12x", BAD },
	{ "@ 12", BAD },
	{ "@253402300799", 253402300799LL },
	{ "@253402300800", BAD },
	{ "@99999999999999999999", BAD },
};

static void test_when_parse(void)
{
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(when_table); i++) {
		const struct when_case *c = &when_table[i];
		int64_t out = 777;
		int r = sk_when_parse(c->in, NOW, &out);

		if (c->want == BAD) {
			if (r != SK_INVALID)
				fprintf(stderr, "  when \"%s\" accepted as %lld\n",
					c->in, (long long)out);
			CU_ASSERT_EQUAL(r, SK_INVALID);
			CU_ASSERT_EQUAL(out, 777);	/* untouched */
		} else {
			if (r != SK_OK || out != c->want)
				fprintf(stderr, "  when \"%s\": %d, %lld\n",
					c->in, r, (long long)out);
			CU_ASSERT_EQUAL(r, SK_OK);
			CU_ASSERT_EQUAL(out, c->want);
		}
	}
}

/* relative forms are relative to the now given, not the clock */
static void test_when_uses_now(void)
{
	int64_t out = 0;

	CU_ASSERT_EQUAL(sk_when_parse("1h", 1000, &out), SK_OK);
	CU_ASSERT_EQUAL(out, 4600);
	CU_ASSERT_EQUAL(sk_when_parse("now", 1000, &out), SK_OK);
	CU_ASSERT_EQUAL(out, 1000);
	CU_ASSERT_EQUAL(sk_when_parse("2026-03-01", 1000, &out), SK_OK);
	CU_ASSERT_EQUAL(out, 1772323200LL);
}

static void test_duration_parse(void)
{
	static const struct when_case cases[] = {
		{ "3600", 3600 },
		{ "36x0", BAD },
		{ "0", 0 },
		{ "7d", 7 * 86400 },
		{ "7dd", BAD },
		{ "12h", 12 * 3600 },
		{ "-12h", BAD },
		{ "2w", 14 * 86400 },
		{ "90m", 5400 },
		{ "90s", 90 },
		{ "", BAD },
		{ "s", BAD },
		{ "1.5h", BAD },
		{ "3650000000", 3650000000LL },
		{ "3650000001", BAD },
		{ "1000000000000", BAD },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		int64_t out = 777;
		int r = sk_duration_parse(cases[i].in, &out);

		if (cases[i].want == BAD) {
			CU_ASSERT_EQUAL(r, SK_INVALID);
			CU_ASSERT_EQUAL(out, 777);
		} else {
			CU_ASSERT_EQUAL(r, SK_OK);
			CU_ASSERT_EQUAL(out, cases[i].want);
		}
	}
}

static void test_when_format(void)
{
	char buf[40];
	int64_t back = 0;

	sk_when_format(0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "never");
	sk_when_format(NOW, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2026-01-01T00:00:00Z");
	sk_when_format(1772368496LL, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2026-03-01T12:34:56Z");
	/* what is printed parses back to the same time */
	CU_ASSERT_EQUAL(sk_when_parse(buf, NOW, &back), SK_OK);
	CU_ASSERT_EQUAL(back, 1772368496LL);
	sk_when_format(0, buf, sizeof(buf));
	CU_ASSERT_EQUAL(sk_when_parse(buf, NOW, &back), SK_OK);
	CU_ASSERT_EQUAL(back, 0);
}

static void test_when_format_ms(void)
{
	char buf[40];

	sk_when_format_ms(NOW, 123456789, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2026-01-01T00:00:00.123Z");
	sk_when_format_ms(1772368496LL, 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2026-03-01T12:34:56.000Z");
	sk_when_format_ms(1772368496LL, 999999999, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2026-03-01T12:34:56.999Z");
}

/*
 * The day-number arithmetic of sk_when_format_ms against gmtime_r and
 * snprintf over its whole fast range: every leap-year rule, the epoch,
 * negative times, both ends of years 0000-9999; and the general path
 * beyond them, and for a small buffer.
 */
static void ref_ms(int64_t sec, long nsec, char *out, size_t cap)
{
	struct tm tm;
	time_t tt = (time_t)sec;

	if (gmtime_r(&tt, &tm) == NULL) {
		snprintf(out, cap, "@%lld", (long long)sec);
		return;
	}
	snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, nsec / 1000000);
}

static void test_when_format_ms_matches_gmtime(void)
{
	static const int64_t edges[] = {
		0, -1, 1, 86399, 86400, -86400, -86401, 951782400,
		951868799, 4107542400LL, 4107628799LL, -2203891200LL,
		-62167219200LL, -62167219199LL, 253402300799LL,
		253402300800LL, -62167219201LL, 1772368496LL,
	};
	char got[64], want[64];
	uint64_t x = 88172645463325252u;
	size_t i, bad = 0;

	for (i = 0; i < SK_N_ELEMENTS(edges) + 200000; i++) {
		int64_t sec;
		long nsec;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		sec = i < SK_N_ELEMENTS(edges) ?
			      edges[i] :
			      (int64_t)(x % 315569520000ULL) - 62167219200LL;
		nsec = (long)(x >> 34) % 1000000000L;
		sk_when_format_ms(sec, nsec, got, sizeof(got));
		ref_ms(sec, nsec, want, sizeof(want));
		if (strcmp(got, want) != 0 && bad++ < 5)
			fprintf(stderr, "\n  %lld.%09ld: %s, want %s\n",
				(long long)sec, nsec, got, want);
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* a buffer too small for the whole: the general path cuts it */
	sk_when_format_ms(1772368496LL, 0, got, 10);
	ref_ms(1772368496LL, 0, want, 10);
	CU_ASSERT_STRING_EQUAL(got, want);
}

SK_SUITE(when, NULL, NULL,
	 SK_TEST(test_when_parse),
	 SK_TEST(test_when_uses_now),
	 SK_TEST(test_duration_parse),
	 SK_TEST(test_when_format),
	 SK_TEST(test_when_format_ms),
	 SK_TEST(test_when_format_ms_matches_gmtime))
