/* saslkey tests - common/strbuf.c: bounded builder, JSON, log tokens */
#include "strbuf.h"
#include "status.h"
#include "sktest.h"

#include <stdint.h>
#include <string.h>

#include <jansson.h>

static void test_append_fits(void)
{
	char buf[12];
	struct sk_strbuf sb;

	sk_strbuf_init(&sb, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(sk_strbuf_str(&sb), "");
	sk_strbuf_puts(&sb, "hello");
	sk_strbuf_putc(&sb, ' ');
	sk_strbuf_append(&sb, "worldXXX", 5);
	CU_ASSERT_STRING_EQUAL(buf, "hello world");	/* exactly 11 + NUL */
	CU_ASSERT_EQUAL(sb.len, 11);
	CU_ASSERT(!sb.overflow);
}

static void test_append_overflow(void)
{
	char buf[16];
	struct sk_strbuf sb;

	memset(buf, '#', sizeof(buf));
	sk_strbuf_init(&sb, buf, 8);
	sk_strbuf_puts(&sb, "hello world");
	CU_ASSERT(sb.overflow);
	CU_ASSERT_EQUAL(sb.len, 7);
	CU_ASSERT_STRING_EQUAL(buf, "hello w");
	CU_ASSERT_EQUAL(buf[8], '#');		/* nothing past cap */
	/* later appends change nothing and keep the flag */
	sk_strbuf_puts(&sb, "more");
	sk_strbuf_putc(&sb, 'x');
	sk_strbuf_put_u64(&sb, 42);
	sk_strbuf_printf(&sb, "%d", 7);
	CU_ASSERT(sb.overflow);
	CU_ASSERT_STRING_EQUAL(buf, "hello w");
	CU_ASSERT_EQUAL(buf[8], '#');
	/* reset starts over */
	sk_strbuf_reset(&sb);
	CU_ASSERT(!sb.overflow);
	CU_ASSERT_EQUAL(sb.len, 0);
	sk_strbuf_puts(&sb, "ok");
	CU_ASSERT_STRING_EQUAL(buf, "ok");
}

/* the last byte of room: one more character overflows */
static void test_putc_boundary(void)
{
	char buf[4] = "###";
	struct sk_strbuf sb;

	sk_strbuf_init(&sb, buf, 3);
	sk_strbuf_putc(&sb, 'a');
	sk_strbuf_putc(&sb, 'b');
	CU_ASSERT(!sb.overflow);
	CU_ASSERT_STRING_EQUAL(buf, "ab");
	sk_strbuf_putc(&sb, 'c');
	CU_ASSERT(sb.overflow);
	CU_ASSERT_STRING_EQUAL(buf, "ab");
}

static void test_zero_capacity(void)
{
	char guard = '#';
	struct sk_strbuf sb;

	sk_strbuf_init(&sb, &guard, 0);
	CU_ASSERT(sb.overflow);
	sk_strbuf_puts(&sb, "x");
	sk_strbuf_printf(&sb, "%s", "y");
	sk_strbuf_put_json(&sb, "z", 1);
	CU_ASSERT_EQUAL(guard, '#');
}

static void test_printf(void)
{
	char buf[16];
	struct sk_strbuf sb;

	sk_strbuf_init(&sb, buf, sizeof(buf));
	sk_strbuf_printf(&sb, "%s=%d", "n", 42);
	CU_ASSERT_STRING_EQUAL(buf, "n=42");
	CU_ASSERT_EQUAL(sb.len, 4);
	CU_ASSERT(!sb.overflow);
	sk_strbuf_printf(&sb, "%s", "0123456789abcdef");
	CU_ASSERT(sb.overflow);
	CU_ASSERT_EQUAL(sb.len, 15);
	CU_ASSERT_EQUAL(strlen(buf), 15);
	CU_ASSERT_STRING_EQUAL(buf, "n=420123456789a");
}

static void test_integers(void)
{
	static const struct {
		bool sign;
		int64_t i;
		uint64_t u;
		const char *want;
	} cases[] = {
		{ false, 0, 0, "0" },
		{ false, 0, 7, "7" },
		{ false, 0, 1234567890, "1234567890" },
		{ false, 0, UINT64_MAX, "18446744073709551615" },
		{ true, 0, 0, "0" },
		{ true, -1, 0, "-1" },
		{ true, INT64_MAX, 0, "9223372036854775807" },
		{ true, INT64_MIN, 0, "-9223372036854775808" },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		char buf[32];
		struct sk_strbuf sb;

		sk_strbuf_init(&sb, buf, sizeof(buf));
		if (cases[i].sign)
			sk_strbuf_put_i64(&sb, cases[i].i);
		else
			sk_strbuf_put_u64(&sb, cases[i].u);
		CU_ASSERT_STRING_EQUAL(buf, cases[i].want);
	}
}

struct json_case {
	const char *in;
	size_t n;
	const char *want;	/* the literal, quotes included */
};

#define J(s, w) { s, sizeof(s) - 1, w }

static const struct json_case json_cases[] = {
	J("abc", "\"abc\""),
	J("", "\"\""),
	J("a\"b", "\"a\\\"b\""),
	J("a\\b", "\"a\\\\b\""),
	J("\\\"", "\"\\\\\\\"\""),
	J("/", "\"/\""),
	J("a\nb\r\t", "\"a\\u000ab\\u000d\\u0009\""),
	J("\x01\x1f ", "\"\\u0001\\u001f \""),
	J("~\x7f", "\"~\\u007f\""),
	/* NUL: U+FFFD, as many JSON consumers refuse \u0000 */
	J("a\0b", "\"a\\ufffdb\""),
	/* valid multibyte UTF-8 is kept */
	J("caf\xc3\xa9", "\"caf\xc3\xa9\""),
	J("\xe2\x82\xac", "\"\xe2\x82\xac\""),
	J("\xef\xbf\xbf", "\"\xef\xbf\xbf\""),
	J("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""),
	J("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""),		/* U+10FFFF */
	J("\xed\x9f\xbf", "\"\xed\x9f\xbf\""),			/* U+D7FF */
	J("\xee\x80\x80", "\"\xee\x80\x80\""),			/* U+E000 */
	J("\xc2\x80", "\"\xc2\x80\""),				/* U+0080 */
	J("\xe0\xa0\x80", "\"\xe0\xa0\x80\""),			/* U+0800 */
	J("\xf0\x90\x80\x80", "\"\xf0\x90\x80\x80\""),		/* U+10000 */
	/* invalid: every offending byte becomes U+FFFD */
	J("\xff", "\"\\ufffd\""),
	J("a\xfe" "b", "\"a\\ufffdb\""),
	J("\x80", "\"\\ufffd\""),
	J("\xc3", "\"\\ufffd\""),
	J("\xc3" "a", "\"\\ufffda\""),
	J("\xe2\x82", "\"\\ufffd\\ufffd\""),
	/* overlong encodings */
	J("\xc0\xaf", "\"\\ufffd\\ufffd\""),
	J("\xc1\xbf", "\"\\ufffd\\ufffd\""),
	J("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\""),
	J("\xe0\x9f\xbf", "\"\\ufffd\\ufffd\\ufffd\""),
	J("\xf0\x80\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""),
	J("\xf0\x8f\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""),
	/* UTF-16 surrogates */
	J("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""),
	J("\xed\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\""),
	/* past U+10FFFF */
	J("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""),
	J("\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""),
};

static void test_json_escaping(void)
{
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(json_cases); i++) {
		const struct json_case *c = &json_cases[i];
		char buf[128];
		struct sk_strbuf sb;
		json_t *j;
		json_error_t jerr;

		sk_strbuf_init(&sb, buf, sizeof(buf));
		sk_strbuf_put_json(&sb, c->in, c->n);
		CU_ASSERT(!sb.overflow);
		if (strcmp(buf, c->want) != 0)
			fprintf(stderr, "  json case %zu: %s\n", i, buf);
		CU_ASSERT_STRING_EQUAL(buf, c->want);
		/* and a JSON parser agrees it is one valid string */
		j = json_loads(buf, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
		CU_ASSERT(j != NULL && json_is_string(j));
		json_decref(j);
	}
}

/* valid text survives a round trip through a real JSON parser */
static void test_json_round_trip(void)
{
	static const char in[] = "q\"b\\s/\x01\n\x7f \xc3\xa9\xf0\x9f\x98\x80"
				 "end";
	char buf[256];
	struct sk_strbuf sb;
	json_t *j;

	sk_strbuf_init(&sb, buf, sizeof(buf));
	sk_strbuf_put_json(&sb, in, sizeof(in) - 1);
	j = json_loads(buf, JSON_DECODE_ANY, NULL);
	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_EQUAL(json_string_length(j), sizeof(in) - 1);
	CU_ASSERT(memcmp(json_string_value(j), in, sizeof(in) - 1) == 0);
	json_decref(j);
	/* a NUL comes back as U+FFFD, readable without JSON_ALLOW_NUL */
	sk_strbuf_reset(&sb);
	sk_strbuf_put_json(&sb, "a\0b", 3);
	j = json_loads(buf, JSON_DECODE_ANY, NULL);
	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_STRING_EQUAL(json_string_value(j), "a\xef\xbf\xbd" "b");
	json_decref(j);
}

/* escaping that does not fit keeps a NUL-terminated prefix */
static void test_json_overflow(void)
{
	char buf[10];
	struct sk_strbuf sb;

	memset(buf, '#', sizeof(buf));
	sk_strbuf_init(&sb, buf, 8);
	sk_strbuf_put_json(&sb, "\x01\x02", 2);
	CU_ASSERT(sb.overflow);
	CU_ASSERT_EQUAL(strlen(buf), 7);
	CU_ASSERT_EQUAL(buf[8], '#');
}

struct token_case {
	const char *in;
	size_t n, max;
	const char *want;
};

#define T(s, m, w) { s, sizeof(s) - 1, m, w }

static const struct token_case token_cases[] = {
	T("smtp", 32, "smtp"),
	T("", 32, "-"),
	T("a b", 32, "a?b"),
	T("a=b", 32, "a?b"),
	T("a\"b", 32, "a?b"),
	T("a\tb\nc\rd", 32, "a?b?c?d"),
	T("a\0b", 32, "a?b"),
	T("~\x7f", 32, "~?"),
	T("caf\xc3\xa9", 32, "caf??"),
	T("\xff", 32, "?"),
	T("user@example.com", 32, "user@example.com"),
	T("a'b[c]d\\e", 32, "a'b[c]d\\e"),
	/* cut with "..." */
	T("abcd", 4, "abcd"),
	T("abcde", 4, "abcd..."),
	T("a=b c=d", 3, "a?b..."),
	T("x", 0, "..."),
};

static void test_token(void)
{
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(token_cases); i++) {
		const struct token_case *c = &token_cases[i];
		char buf[64];
		struct sk_strbuf sb;

		sk_strbuf_init(&sb, buf, sizeof(buf));
		sk_strbuf_put_token(&sb, c->in, c->n, c->max);
		if (strcmp(buf, c->want) != 0)
			fprintf(stderr, "  token case %zu: %s\n", i, buf);
		CU_ASSERT_STRING_EQUAL(buf, c->want);
	}
}

/* whatever comes in, a token is printable ASCII without space, = or " */
static void test_token_all_bytes(void)
{
	char in[256], buf[300];
	struct sk_strbuf sb;
	size_t i, bad = 0;

	for (i = 0; i < 256; i++)
		in[i] = (char)i;
	sk_strbuf_init(&sb, buf, sizeof(buf));
	sk_strbuf_put_token(&sb, in, sizeof(in), sizeof(in));
	CU_ASSERT_EQUAL(sb.len, 256);
	for (i = 0; i < sb.len; i++) {
		unsigned char c = (unsigned char)buf[i];

		bad += c <= ' ' || c >= 0x7f || c == '=' || c == '"';
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* the printable ones other than = and " pass unchanged */
	CU_ASSERT_EQUAL(buf['A'], 'A');
	CU_ASSERT_EQUAL(buf['['], '[');
	CU_ASSERT_EQUAL(buf['='], '?');
}

SK_SUITE(strbuf, NULL, NULL,
	 SK_TEST(test_append_fits),
	 SK_TEST(test_append_overflow),
	 SK_TEST(test_putc_boundary),
	 SK_TEST(test_zero_capacity),
	 SK_TEST(test_printf),
	 SK_TEST(test_integers),
	 SK_TEST(test_json_escaping),
	 SK_TEST(test_json_round_trip),
	 SK_TEST(test_json_overflow),
	 SK_TEST(test_token),
	 SK_TEST(test_token_all_bytes))
