/* saslkey tests - common/jws.c: compact JWS parsing (no keys needed) */
#include "b64url.h"
#include "jws.h"
#include "reason.h"
#include "status.h"
#include "sktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR	"{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"at+jwt\"}"
#define PAY	"{\"sub\":\"x\",\"exp\":1}"
#define SIG	"AAAA"	/* 3 zero bytes: parsing does not verify */

static char *b64(const void *p, size_t n)
{
	size_t cap = sk_b64url_encoded_len(n) + 1;
	char *s = malloc(cap);

	CU_ASSERT_FATAL(s != NULL);
	sk_b64url_encode(p, n, s, cap);
	return s;
}

/* "<b64 hdr>.<b64 payload>.<sig>" from JSON texts; sig is already b64 */
static char *token_n(const char *hdr, size_t hl, const char *pay, size_t pl,
		     const char *sig)
{
	char *h = b64(hdr, hl), *p = b64(pay, pl), *t;
	size_t n = strlen(h) + strlen(p) + strlen(sig) + 3;

	t = malloc(n);
	CU_ASSERT_FATAL(t != NULL);
	snprintf(t, n, "%s.%s.%s", h, p, sig);
	free(h);
	free(p);
	return t;
}

static char *token(const char *hdr, const char *pay, const char *sig)
{
	return token_n(hdr, strlen(hdr), pay, strlen(pay), sig);
}

/* parse from an exact-size heap copy (no NUL after it) */
static int parse_copy(const char *tok, size_t len, struct sk_jws *j,
		      enum sk_reason *why)
{
	char *copy = malloc(len > 0 ? len : 1);
	int st;

	CU_ASSERT_FATAL(copy != NULL);
	memcpy(copy, tok, len);
	st = sk_jws_parse(copy, len, j, why);
	if (st == SK_OK)
		CU_ASSERT_PTR_EQUAL(j->signing_input, copy);
	sk_jws_clear(j);
	free(copy);
	return st;
}

static enum sk_reason why_of(const char *tok, size_t len)
{
	struct sk_jws j;
	enum sk_reason why = SK_R_COUNT;
	int st = parse_copy(tok, len, &j, &why);

	CU_ASSERT_EQUAL(st == SK_OK, why == SK_R_OK);
	return why;
}

struct row {
	const char *name;
	const char *hdr;	/* NULL: HDR */
	const char *pay;	/* NULL: PAY */
	const char *sig;	/* NULL: SIG */
	enum sk_reason want;
};

static void run_rows(const struct row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *t = token(rows[i].hdr ? rows[i].hdr : HDR,
				rows[i].pay ? rows[i].pay : PAY,
				rows[i].sig ? rows[i].sig : SIG);
		enum sk_reason r = why_of(t, strlen(t));

		if (r != rows[i].want)
			fprintf(stderr, "  jws row %s: got %s, want %s\n",
				rows[i].name, sk_reason_str(r),
				sk_reason_str(rows[i].want));
		CU_ASSERT_EQUAL(r, rows[i].want);
		free(t);
	}
}

static void test_parse_fields(void)
{
	char *t = token(HDR, PAY, "AQID");
	struct sk_jws j;
	enum sk_reason why;
	size_t len = strlen(t);

	CU_ASSERT_EQUAL_FATAL(sk_jws_parse(t, len, &j, &why), SK_OK);
	CU_ASSERT_EQUAL(why, SK_R_OK);
	CU_ASSERT_EQUAL(j.alg, SK_ALG_RS256);
	CU_ASSERT(j.has_kid);
	CU_ASSERT_STRING_EQUAL(j.kid, "k1");
	CU_ASSERT_PTR_EQUAL(j.signing_input, t);
	CU_ASSERT_EQUAL(j.signing_input_len, (size_t)(strrchr(t, '.') - t));
	CU_ASSERT_EQUAL(j.sig_len, 3);
	CU_ASSERT(j.sig[0] == 1 && j.sig[1] == 2 && j.sig[2] == 3);
	CU_ASSERT(json_is_object(j.header));
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j.claims,
								 "sub")),
			       "x");
	sk_jws_clear(&j);
	CU_ASSERT_PTR_NULL(j.header);
	CU_ASSERT_PTR_NULL(j.claims);
	sk_jws_clear(&j);	/* twice is harmless */
	free(t);

	/* no kid */
	t = token("{\"alg\":\"EdDSA\"}", PAY, SIG);
	CU_ASSERT_EQUAL_FATAL(sk_jws_parse(t, strlen(t), &j, &why), SK_OK);
	CU_ASSERT_EQUAL(j.alg, SK_ALG_EDDSA);
	CU_ASSERT_FALSE(j.has_kid);
	CU_ASSERT_STRING_EQUAL(j.kid, "");
	sk_jws_clear(&j);
	free(t);

	/* a refused token leaves nothing behind */
	t = token("{\"alg\":\"RS256\",\"crit\":[\"x\"]}", PAY, SIG);
	CU_ASSERT_EQUAL(sk_jws_parse(t, strlen(t), &j, &why), SK_INVALID);
	CU_ASSERT_EQUAL(why, SK_R_TOKEN_MALFORMED);
	CU_ASSERT_PTR_NULL(j.header);
	CU_ASSERT_PTR_NULL(j.claims);
	free(t);
}

static void test_alg(void)
{
	static const struct row rows[] = {
		{ "control", NULL, NULL, NULL, SK_R_OK },
		{ "none", "{\"alg\":\"none\"}", NULL, NULL, SK_R_ALG_NOT_ALLOWED },
		{ "None", "{\"alg\":\"None\"}", NULL, NULL, SK_R_ALG_NOT_ALLOWED },
		{ "NONE", "{\"alg\":\"NONE\"}", NULL, NULL, SK_R_ALG_NOT_ALLOWED },
		{ "nOnE", "{\"alg\":\"nOnE\"}", NULL, NULL, SK_R_ALG_NOT_ALLOWED },
		{ "HS256", "{\"alg\":\"HS256\",\"kid\":\"k1\"}", NULL, NULL,
		  SK_R_ALG_NOT_ALLOWED },
		{ "HS384", "{\"alg\":\"HS384\"}", NULL, NULL,
		  SK_R_ALG_NOT_ALLOWED },
		{ "HS512", "{\"alg\":\"HS512\"}", NULL, NULL,
		  SK_R_ALG_NOT_ALLOWED },
		{ "rs256", "{\"alg\":\"rs256\"}", NULL, NULL,
		  SK_R_ALG_NOT_ALLOWED },
		{ "RS256-space", "{\"alg\":\"RS256 \"}", NULL, NULL,
		  SK_R_ALG_NOT_ALLOWED },
		{ "RS25", "{\"alg\":\"RS25\"}", NULL, NULL, SK_R_ALG_NOT_ALLOWED },
		{ "empty", "{\"alg\":\"\"}", NULL, NULL, SK_R_ALG_NOT_ALLOWED },
		{ "ES256K", "{\"alg\":\"ES256K\"}", NULL, NULL,
		  SK_R_ALG_NOT_ALLOWED },
		{ "Ed25519", "{\"alg\":\"Ed25519\"}", NULL, NULL,
		  SK_R_ALG_NOT_ALLOWED },
		{ "RSA-OAEP", "{\"alg\":\"RSA-OAEP\"}", NULL, NULL,
		  SK_R_ALG_NOT_ALLOWED },
		{ "EdDSA", "{\"alg\":\"EdDSA\"}", NULL, NULL, SK_R_OK },
		{ "ES512", "{\"alg\":\"ES512\"}", NULL, NULL, SK_R_OK },
		{ "PS384", "{\"alg\":\"PS384\"}", NULL, NULL, SK_R_OK },
		{ "missing", "{\"kid\":\"k1\"}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "number", "{\"alg\":256}", NULL, NULL, SK_R_TOKEN_MALFORMED },
		{ "null", "{\"alg\":null}", NULL, NULL, SK_R_TOKEN_MALFORMED },
		{ "array", "{\"alg\":[\"RS256\"]}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
	};
	static const char *const algs[] = {
		"RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
		"ES256", "ES384", "ES512", "EdDSA",
	};
	size_t i;

	run_rows(rows, SK_N_ELEMENTS(rows));
	/* every supported algorithm parses to its enum */
	for (i = 0; i < SK_N_ELEMENTS(algs); i++) {
		char hdr[64], *t;
		struct sk_jws j;
		enum sk_reason why;

		snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\"}", algs[i]);
		t = token(hdr, PAY, SIG);
		CU_ASSERT_EQUAL(sk_jws_parse(t, strlen(t), &j, &why), SK_OK);
		CU_ASSERT_EQUAL(j.alg, (enum sk_jwk_alg)(SK_ALG_RS256 + i));
		CU_ASSERT_STRING_EQUAL(sk_jwk_alg_name(j.alg), algs[i]);
		sk_jws_clear(&j);
		free(t);
	}
}

/* alg "none" is named as such even with the empty signature it comes with */
static void test_alg_none_empty_signature(void)
{
	char *t = token("{\"alg\":\"none\",\"typ\":\"JWT\"}", PAY, "");

	CU_ASSERT_EQUAL(why_of(t, strlen(t)), SK_R_ALG_NOT_ALLOWED);
	free(t);
	t = token("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", PAY, "");
	CU_ASSERT_EQUAL(why_of(t, strlen(t)), SK_R_TOKEN_MALFORMED);
	free(t);
	t = token("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", PAY, SIG);
	CU_ASSERT_EQUAL(why_of(t, strlen(t)), SK_R_OK);
	free(t);
}

static void test_typ_crit(void)
{
	static const struct row rows[] = {
		{ "absent", "{\"alg\":\"RS256\"}", NULL, NULL, SK_R_OK },
		{ "JWT", "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", NULL, NULL,
		  SK_R_OK },
		{ "jwt", "{\"alg\":\"RS256\",\"typ\":\"jwt\"}", NULL, NULL,
		  SK_R_OK },
		{ "at+jwt", "{\"alg\":\"RS256\",\"typ\":\"at+jwt\"}", NULL, NULL,
		  SK_R_OK },
		{ "at+JWT", "{\"alg\":\"RS256\",\"typ\":\"at+JWT\"}", NULL, NULL,
		  SK_R_OK },
		{ "application/at+jwt",
		  "{\"alg\":\"RS256\",\"typ\":\"application/at+jwt\"}", NULL,
		  NULL, SK_R_OK },
		{ "Application/AT+JWT",
		  "{\"alg\":\"RS256\",\"typ\":\"Application/AT+JWT\"}", NULL,
		  NULL, SK_R_OK },
		{ "application/jwt",
		  "{\"alg\":\"RS256\",\"typ\":\"application/jwt\"}", NULL, NULL,
		  SK_R_OK },
		{ "JOSE", "{\"alg\":\"RS256\",\"typ\":\"JOSE\"}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "dpop+jwt", "{\"alg\":\"RS256\",\"typ\":\"dpop+jwt\"}", NULL,
		  NULL, SK_R_TOKEN_MALFORMED },
		{ "at+jwt-space", "{\"alg\":\"RS256\",\"typ\":\"at+jwt \"}",
		  NULL, NULL, SK_R_TOKEN_MALFORMED },
		{ "at+jw", "{\"alg\":\"RS256\",\"typ\":\"at+jw\"}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "JWTX", "{\"alg\":\"RS256\",\"typ\":\"JWTX\"}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "empty", "{\"alg\":\"RS256\",\"typ\":\"\"}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "number", "{\"alg\":\"RS256\",\"typ\":1}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "null", "{\"alg\":\"RS256\",\"typ\":null}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "array", "{\"alg\":\"RS256\",\"typ\":[\"JWT\"]}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		/* crit: never understood, so always refused */
		{ "crit-control", "{\"alg\":\"RS256\",\"b64\":false}", NULL,
		  NULL, SK_R_OK },
		{ "crit-b64", "{\"alg\":\"RS256\",\"b64\":false,"
			      "\"crit\":[\"b64\"]}",
		  NULL, NULL, SK_R_TOKEN_MALFORMED },
		{ "crit-empty", "{\"alg\":\"RS256\",\"crit\":[]}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "crit-null", "{\"alg\":\"RS256\",\"crit\":null}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "crit-string", "{\"alg\":\"RS256\",\"crit\":\"exp\"}", NULL,
		  NULL, SK_R_TOKEN_MALFORMED },
		/* key-bearing headers are ignored, not refused */
		{ "jku", "{\"alg\":\"RS256\",\"jku\":\"https://a.example/k\"}",
		  NULL, NULL, SK_R_OK },
		{ "x5u", "{\"alg\":\"RS256\",\"x5u\":\"https://a.example/c\"}",
		  NULL, NULL, SK_R_OK },
		{ "jwk", "{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"oct\","
			 "\"k\":\"AAAA\"}}",
		  NULL, NULL, SK_R_OK },
		{ "x5c", "{\"alg\":\"RS256\",\"x5c\":[\"AAAA\"]}", NULL, NULL,
		  SK_R_OK },
	};

	run_rows(rows, SK_N_ELEMENTS(rows));
}

static void test_kid(void)
{
	static const struct row rows[] = {
		{ "control", "{\"alg\":\"RS256\",\"kid\":\"k1\"}", NULL, NULL,
		  SK_R_OK },
		{ "path", "{\"alg\":\"RS256\",\"kid\":\"../../dev/null\"}", NULL,
		  NULL, SK_R_OK },
		{ "quotes", "{\"alg\":\"RS256\",\"kid\":\"a\\\"b'c\"}", NULL,
		  NULL, SK_R_OK },
		{ "empty", "{\"alg\":\"RS256\",\"kid\":\"\"}", NULL, NULL,
		  SK_R_OK },
		{ "utf8", "{\"alg\":\"RS256\",\"kid\":\"k\\u00e9\"}", NULL, NULL,
		  SK_R_OK },
		{ "number", "{\"alg\":\"RS256\",\"kid\":1}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "null", "{\"alg\":\"RS256\",\"kid\":null}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "object", "{\"alg\":\"RS256\",\"kid\":{}}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "newline", "{\"alg\":\"RS256\",\"kid\":\"k\\n1\"}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "del", "{\"alg\":\"RS256\",\"kid\":\"k\\u007f\"}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "nul", "{\"alg\":\"RS256\",\"kid\":\"k\\u0000\"}", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
	};
	char hdr[300], kid[SK_JWK_KID_MAX + 2], *t;
	struct sk_jws j;
	enum sk_reason why;

	run_rows(rows, SK_N_ELEMENTS(rows));

	memset(kid, 'k', SK_JWK_KID_MAX);
	kid[SK_JWK_KID_MAX] = '\0';
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"RS256\",\"kid\":\"%s\"}", kid);
	t = token(hdr, PAY, SIG);
	CU_ASSERT_EQUAL_FATAL(sk_jws_parse(t, strlen(t), &j, &why), SK_OK);
	CU_ASSERT_STRING_EQUAL(j.kid, kid);
	sk_jws_clear(&j);
	free(t);
	kid[SK_JWK_KID_MAX] = 'k';
	kid[SK_JWK_KID_MAX + 1] = '\0';
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"RS256\",\"kid\":\"%s\"}", kid);
	t = token(hdr, PAY, SIG);
	CU_ASSERT_EQUAL(why_of(t, strlen(t)), SK_R_TOKEN_MALFORMED);
	free(t);
}

static void test_json(void)
{
	static const struct row rows[] = {
		{ "control", "{\"alg\":\"RS256\",\"kid\":\"a\"}",
		  "{\"sub\":\"alice\",\"x\":1}", NULL, SK_R_OK },
		{ "dup-header-alg", "{\"alg\":\"none\",\"alg\":\"RS256\"}", NULL,
		  NULL, SK_R_TOKEN_MALFORMED },
		{ "dup-header-alg-same", "{\"alg\":\"RS256\",\"alg\":\"RS256\"}",
		  NULL, NULL, SK_R_TOKEN_MALFORMED },
		{ "dup-header-kid", "{\"alg\":\"RS256\",\"kid\":\"a\","
				    "\"kid\":\"b\"}",
		  NULL, NULL, SK_R_TOKEN_MALFORMED },
		{ "dup-claim-sub", NULL, "{\"sub\":\"alice\",\"sub\":\"admin\"}",
		  NULL, SK_R_TOKEN_MALFORMED },
		{ "dup-claim-nested", NULL, "{\"a\":{\"b\":1,\"b\":2}}", NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "header-array", "[\"RS256\"]", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "header-string", "\"RS256\"", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "header-invalid", "{\"alg\":\"RS256\"", NULL, NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "header-nul", "{\"alg\":\"RS256\",\"x\":\"\\u0000\"}", NULL,
		  NULL, SK_R_TOKEN_MALFORMED },
		{ "payload-array", NULL, "[1]", NULL, SK_R_TOKEN_MALFORMED },
		{ "payload-string", NULL, "\"x\"", NULL, SK_R_TOKEN_MALFORMED },
		{ "payload-number", NULL, "1", NULL, SK_R_TOKEN_MALFORMED },
		{ "payload-null", NULL, "null", NULL, SK_R_TOKEN_MALFORMED },
		{ "payload-text", NULL, "foo", NULL, SK_R_TOKEN_MALFORMED },
		{ "payload-garbage", NULL, "{}x", NULL, SK_R_TOKEN_MALFORMED },
		{ "payload-two-objects", NULL, "{}{}", NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "payload-whitespace", NULL, " {} \n", NULL, SK_R_OK },
		{ "payload-nul", NULL, "{\"sub\":\"a\\u0000b\"}", NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "payload-nul-name", NULL, "{\"s\\u0000\":1}", NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "payload-bad-utf8", NULL, "{\"sub\":\"\xff\"}", NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "payload-overlong-utf8", NULL, "{\"sub\":\"\xc0\xaf\"}", NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "payload-lone-surrogate", NULL, "{\"sub\":\"\\ud800\"}", NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "payload-utf8", NULL, "{\"sub\":\"\xc3\xa9\"}", NULL, SK_R_OK },
		{ "payload-raw-control", NULL, "{\"sub\":\"a\x01\"}", NULL,
		  SK_R_TOKEN_MALFORMED },
		{ "payload-big-int", NULL, "{\"exp\":99999999999999999999}",
		  NULL, SK_R_TOKEN_MALFORMED },
		{ "payload-nan", NULL, "{\"exp\":NaN}", NULL,
		  SK_R_TOKEN_MALFORMED },
	};
	char *t, *deep;
	size_t i, depth = 3000;

	run_rows(rows, SK_N_ELEMENTS(rows));

	/* a raw NUL byte inside the decoded payload */
	t = token_n(HDR, strlen(HDR), "{\"sub\":\"a\0\"}", 12, SIG);
	CU_ASSERT_EQUAL(why_of(t, strlen(t)), SK_R_TOKEN_MALFORMED);
	free(t);
	t = token_n(HDR, strlen(HDR), "{\"sub\":\"a\"}\0", 12, SIG);
	CU_ASSERT_EQUAL(why_of(t, strlen(t)), SK_R_TOKEN_MALFORMED);
	free(t);
	t = token_n(HDR, strlen(HDR), "{\"sub\":\"a\"}", 11, SIG);
	CU_ASSERT_EQUAL(why_of(t, strlen(t)), SK_R_OK);
	free(t);

	/* nesting beyond jansson's depth limit fails cleanly */
	deep = malloc(2 * depth + 16);
	CU_ASSERT_FATAL(deep != NULL);
	memcpy(deep, "{\"a\":", 5);
	for (i = 0; i < depth; i++)
		deep[5 + i] = '[';
	for (i = 0; i < depth; i++)
		deep[5 + depth + i] = ']';
	memcpy(deep + 5 + 2 * depth, "}", 2);
	t = token(HDR, deep, SIG);
	CU_ASSERT(strlen(t) < SK_JWT_MAX_LEN);
	CU_ASSERT_EQUAL(why_of(t, strlen(t)), SK_R_TOKEN_MALFORMED);
	free(t);
	/* control: shallow nesting is fine */
	memcpy(deep + 5, "[[[]]]}", 8);
	t = token(HDR, deep, SIG);
	CU_ASSERT_EQUAL(why_of(t, strlen(t)), SK_R_OK);
	free(t);
	free(deep);
}

/* exactly three non-empty strict base64url segments */
static void test_segments_and_base64(void)
{
	char *good = token(HDR, PAY, "AQID"), *dot1, *dot2;
	char h[256], p[256], s[16], buf[1024];
	const char *bad[][3] = {
		/* header, payload, signature: spliced in place of one part */
		{ NULL, NULL, "AQID=" },
		{ NULL, NULL, "AQI=" },
		{ NULL, NULL, "AQ==" },
		{ NULL, NULL, "AQI D" },
		{ NULL, NULL, "AQ+D" },
		{ NULL, NULL, "AQ/D" },
		{ NULL, NULL, "AQIDB" },	/* 4k+1 characters */
		{ NULL, NULL, "AQJ" },		/* non-zero unused bits */
		{ NULL, NULL, "AQI\n" },
		{ "=", NULL, NULL },		/* appended to the header */
		{ NULL, "=", NULL },
		{ NULL, " ", NULL },
	};
	size_t i;

	CU_ASSERT_EQUAL(why_of(good, strlen(good)), SK_R_OK);
	dot1 = strchr(good, '.');
	dot2 = strrchr(good, '.');
	snprintf(h, sizeof(h), "%.*s", (int)(dot1 - good), good);
	snprintf(p, sizeof(p), "%.*s", (int)(dot2 - dot1 - 1), dot1 + 1);
	snprintf(s, sizeof(s), "%s", dot2 + 1);

	for (i = 0; i < SK_N_ELEMENTS(bad); i++) {
		if (bad[i][2] != NULL)
			snprintf(buf, sizeof(buf), "%s.%s.%s", h, p, bad[i][2]);
		else if (bad[i][0] != NULL)
			snprintf(buf, sizeof(buf), "%s%s.%s.%s", h, bad[i][0], p,
				 s);
		else
			snprintf(buf, sizeof(buf), "%s.%s%s.%s", h, p, bad[i][1],
				 s);
		if (why_of(buf, strlen(buf)) != SK_R_TOKEN_MALFORMED)
			fprintf(stderr, "  jws base64 row %zu accepted\n", i);
		CU_ASSERT_EQUAL(why_of(buf, strlen(buf)), SK_R_TOKEN_MALFORMED);
	}
	/* '+' and '/' in place of a character of the header */
	snprintf(buf, sizeof(buf), "+%s.%s.%s", h + 1, p, s);
	CU_ASSERT_EQUAL(why_of(buf, strlen(buf)), SK_R_TOKEN_MALFORMED);
	snprintf(buf, sizeof(buf), "%s.%s/.%s", h, p, s);
	CU_ASSERT_EQUAL(why_of(buf, strlen(buf)), SK_R_TOKEN_MALFORMED);

	/* segment counts */
	snprintf(buf, sizeof(buf), "%s.%s", h, p);
	CU_ASSERT_EQUAL(why_of(buf, strlen(buf)), SK_R_TOKEN_MALFORMED);
	snprintf(buf, sizeof(buf), "%s", h);
	CU_ASSERT_EQUAL(why_of(buf, strlen(buf)), SK_R_TOKEN_MALFORMED);
	snprintf(buf, sizeof(buf), "%s.%s.%s.%s", h, p, s, s);
	CU_ASSERT_EQUAL(why_of(buf, strlen(buf)), SK_R_TOKEN_MALFORMED);
	snprintf(buf, sizeof(buf), "%s.%s.%s.", h, p, s);
	CU_ASSERT_EQUAL(why_of(buf, strlen(buf)), SK_R_TOKEN_MALFORMED);
	snprintf(buf, sizeof(buf), "%s..%s.%s.%s", h, p, s, s);	/* JWE */
	CU_ASSERT_EQUAL(why_of(buf, strlen(buf)), SK_R_TOKEN_MALFORMED);
	snprintf(buf, sizeof(buf), ".%s.%s", p, s);
	CU_ASSERT_EQUAL(why_of(buf, strlen(buf)), SK_R_TOKEN_MALFORMED);
	snprintf(buf, sizeof(buf), "%s..%s", h, s);
	CU_ASSERT_EQUAL(why_of(buf, strlen(buf)), SK_R_TOKEN_MALFORMED);
	snprintf(buf, sizeof(buf), "%s.%s.", h, p);
	CU_ASSERT_EQUAL(why_of(buf, strlen(buf)), SK_R_TOKEN_MALFORMED);
	CU_ASSERT_EQUAL(why_of("..", 2), SK_R_TOKEN_MALFORMED);
	CU_ASSERT_EQUAL(why_of(".", 1), SK_R_TOKEN_MALFORMED);
	/* the length given counts, not a NUL */
	snprintf(buf, sizeof(buf), "%s.%s.%s", h, p, s);
	CU_ASSERT_EQUAL(why_of(buf, strlen(buf) + 1), SK_R_TOKEN_MALFORMED);
	/* "AQID" cut to "A": a length no encoder produces */
	CU_ASSERT_EQUAL(why_of(buf, strlen(buf) - 3), SK_R_TOKEN_MALFORMED);
	CU_ASSERT_EQUAL(why_of(buf, strlen(buf)), SK_R_OK);
	free(good);
}

static void test_signature_size(void)
{
	unsigned char sig[SK_JWS_SIG_MAX + 1];
	char *s64, *t;
	struct sk_jws j;
	enum sk_reason why;

	memset(sig, 0x5a, sizeof(sig));
	s64 = b64(sig, SK_JWS_SIG_MAX);
	t = token(HDR, PAY, s64);
	CU_ASSERT_EQUAL_FATAL(sk_jws_parse(t, strlen(t), &j, &why), SK_OK);
	CU_ASSERT_EQUAL(j.sig_len, SK_JWS_SIG_MAX);
	sk_jws_clear(&j);
	free(t);
	free(s64);
	s64 = b64(sig, SK_JWS_SIG_MAX + 1);
	t = token(HDR, PAY, s64);
	CU_ASSERT_EQUAL(why_of(t, strlen(t)), SK_R_TOKEN_MALFORMED);
	free(t);
	free(s64);
}

/* a token of exactly n bytes (padding claim adjusted), or NULL */
static char *token_of_len(size_t n)
{
	size_t pad, hp;

	/* the base64 payload is about 4/3 of the padding: start near it */
	for (hp = 0; hp < 4; hp++)
		for (pad = n * 3 / 4 > 100 ? n * 3 / 4 - 100 : 0; pad < n;
		     pad++) {
			char *hdr = malloc(64), *pay = malloc(pad + 32), *t;

			CU_ASSERT_FATAL(hdr != NULL && pay != NULL);
			snprintf(hdr, 64, "{\"alg\":\"ES256\",\"x\":\"%.*s\"}",
				 (int)hp, "hhh");
			memcpy(pay, "{\"p\":\"", 6);
			memset(pay + 6, 'p', pad);
			memcpy(pay + 6 + pad, "\"}", 3);
			t = token(hdr, pay, SIG);
			free(hdr);
			free(pay);
			if (strlen(t) == n)
				return t;
			if (strlen(t) > n) {
				free(t);
				break;
			}
			free(t);
		}
	return NULL;
}

static void test_length_cap(void)
{
	char *t = token_of_len(SK_JWT_MAX_LEN);
	char *small;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(why_of(t, SK_JWT_MAX_LEN), SK_R_OK);
	free(t);
	t = token_of_len(SK_JWT_MAX_LEN + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(why_of(t, SK_JWT_MAX_LEN + 1), SK_R_TOKEN_MALFORMED);
	free(t);
	CU_ASSERT_EQUAL(why_of("", 0), SK_R_TOKEN_MALFORMED);

	/*
	 * "Before anything else": the claimed length is refused without a
	 * byte being read, so a short buffer with a huge length is safe
	 * (ASan and valgrind would report the over-read otherwise).
	 */
	small = malloc(8);
	CU_ASSERT_FATAL(small != NULL);
	memcpy(small, "a.b.c.d", 8);
	{
		struct sk_jws j;
		enum sk_reason why;

		CU_ASSERT_EQUAL(sk_jws_parse(small, SK_JWT_MAX_LEN + 1, &j, &why),
				SK_INVALID);
		CU_ASSERT_EQUAL(why, SK_R_TOKEN_MALFORMED);
		CU_ASSERT_EQUAL(sk_jws_parse(small, SIZE_MAX, &j, &why),
				SK_INVALID);
		CU_ASSERT_EQUAL(sk_jws_parse(NULL, 5, &j, &why), SK_INVALID);
		CU_ASSERT_EQUAL(why, SK_R_TOKEN_MALFORMED);
	}
	free(small);
}

SK_SUITE(jose_jws, NULL, NULL,
	 SK_TEST(test_parse_fields),
	 SK_TEST(test_alg),
	 SK_TEST(test_alg_none_empty_signature),
	 SK_TEST(test_typ_crit),
	 SK_TEST(test_kid),
	 SK_TEST(test_json),
	 SK_TEST(test_segments_and_base64),
	 SK_TEST(test_signature_size),
	 SK_TEST(test_length_cap))
