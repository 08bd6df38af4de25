/* saslkey tests - OAUTHBEARER and XOAUTH2 message parsing */
#include "oauth_msg.h"
#include "sktest.h"
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define MSG(s) s, sizeof(s) - 1

struct row {
	const char *label;
	const char *in;
	size_t len;
	enum sk_oauth_parse want;
	const char *user;	/* expected on OK */
	const char *token;
};

static void run_rows(const struct row *rows, size_t n, bool xoauth2)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct sk_oauth_msg m;
		/* exact-size heap copy: valgrind/ASan see any over-read */
		char *buf = malloc(rows[i].len ? rows[i].len : 1);
		enum sk_oauth_parse got;

		memcpy(buf, rows[i].in, rows[i].len);
		got = xoauth2 ? sk_xoauth2_parse(buf, rows[i].len, &m) :
				sk_oauthbearer_parse(buf, rows[i].len, &m);
		if (got != rows[i].want)
			fprintf(stderr, "\n  [%s] got %d\n", rows[i].label, got);
		CU_ASSERT_EQUAL(got, rows[i].want);
		if (got == SK_OAUTH_OK && rows[i].want == SK_OAUTH_OK) {
			CU_ASSERT_STRING_EQUAL(m.user, rows[i].user);
			CU_ASSERT_EQUAL(m.user_len, strlen(rows[i].user));
			CU_ASSERT(m.token_len == strlen(rows[i].token) &&
				  memcmp(m.token, rows[i].token, m.token_len) == 0);
			/* the token points into the caller's buffer */
			CU_ASSERT(m.token >= buf && m.token < buf + rows[i].len);
		}
		free(buf);
	}
}

static void test_rfc7628_vectors(void)
{
	static const struct row rows[] = {
		/* RFC 7628 4.1 (IMAP and SMTP), decoded */
		{ "4.1 imap", MSG("n,a=user@example.com,\x01host=server.example.com\x01port=143\x01"
				  "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"),
		  SK_OAUTH_OK, "user@example.com",
		  "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==" },
		{ "4.1 smtp", MSG("n,a=user@example.com,\x01host=server.example.com\x01port=587\x01"
				  "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"),
		  SK_OAUTH_OK, "user@example.com",
		  "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==" },
		/* 4.3: an empty auth value is not a bearer token */
		{ "4.3 empty auth", MSG("n,a=user@example.com,\x01host=server.example.com\x01port=143\x01" "auth=\x01\x01"),
		  SK_OAUTH_MALFORMED, NULL, NULL },
		/* 4.4 uses "user=" in the GS2 header: not RFC 5801 */
		{ "4.4 user= header", MSG("n,user=someuser@example.com,\x01" "auth=Bearer vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg==\x01\x01"),
		  SK_OAUTH_MALFORMED, NULL, NULL },
		/* 4.3: the dummy reply */
		{ "dummy", MSG("\x01"), SK_OAUTH_DUMMY, NULL, NULL },
		/* what curl 7.88 sends */
		{ "curl", MSG("n,a=alice@example.com,\x01host=127.0.0.1\x01port=2525\x01" "auth=Bearer TOKEN123\x01\x01"),
		  SK_OAUTH_OK, "alice@example.com", "TOKEN123" },
		/* no authzid */
		{ "no authzid", MSG("n,,\x01" "auth=Bearer abc.def-_~+/==\x01\x01"),
		  SK_OAUTH_OK, "", "abc.def-_~+/==" },
		/* scheme in any case, several spaces */
		{ "bEaReR", MSG("n,,\x01" "auth=bEaReR   tok\x01\x01"), SK_OAUTH_OK, "", "tok" },
		/* saslname escapes */
		{ "=2C =3D", MSG("n,a=a=2Cb=3Dc,\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_OK, "a,b=c", "t" },
		/* unknown keys are ignored */
		{ "unknown key", MSG("n,,\x01mthd=POST\x01" "auth=Bearer t\x01xyz=1\x01\x01"), SK_OAUTH_OK, "", "t" },
	};

	run_rows(rows, SK_N_ELEMENTS(rows), false);
}

static void test_oauthbearer_malformed(void)
{
	static const struct row rows[] = {
		{ "control", MSG("n,a=u,\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_OK, "u", "t" },
		{ "empty", MSG(""), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "y flag", MSG("y,a=u,\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "p= flag", MSG("p=tls-unique,a=u,\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "F flag", MSG("F,n,a=u,\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "dovecot cb test", MSG("n,a=testuser,p=cHJvb2Y=,f=nonstandart\x01host=server\x01port=143\x01" "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "missing 2nd comma", MSG("n,a=u\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "bad escape", MSG("n,a=us=41er,\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "truncated escape", MSG("n,a=u=2,\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "empty a=", MSG("n,a=,\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "control in authzid", MSG("n,a=u\tv,\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "NUL in authzid", MSG("n,a=u\0v,\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "no kvsep after header", MSG("n,a=u,auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "spurious header data", MSG("n,a=u,x\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "pair without =", MSG("n,,\x01" "auth\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "non-alpha key", MSG("n,,\x01" "au-th=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "empty key", MSG("n,,\x01=x\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "missing final kvsep", MSG("n,,\x01" "auth=Bearer t\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "trailing bytes", MSG("n,,\x01" "auth=Bearer t\x01\x01x"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "no auth", MSG("n,,\x01host=h\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "not bearer", MSG("n,,\x01" "auth=Basic dXNlcg==\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "bearer no space", MSG("n,,\x01" "auth=Bearert\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "empty token", MSG("n,,\x01" "auth=Bearer \x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "space in token", MSG("n,,\x01" "auth=Bearer a b\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "CR in token", MSG("n,,\x01" "auth=Bearer a\rb\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "LF in token", MSG("n,,\x01" "auth=Bearer a\nb\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "NUL in token", MSG("n,,\x01" "auth=Bearer a\0b\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "= inside token", MSG("n,,\x01" "auth=Bearer a=b\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "duplicate auth", MSG("n,,\x01" "auth=Bearer a\x01" "auth=Bearer b\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "8-bit in value", MSG("n,,\x01host=h\xc3\xa9\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "only header", MSG("n,,\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "two dummies", MSG("\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
	};

	run_rows(rows, SK_N_ELEMENTS(rows), false);
}

static void test_authzid_length(void)
{
	char msg[600];
	struct sk_oauth_msg m;
	int n;

	/* 255 bytes fit, 256 do not */
	n = snprintf(msg, sizeof(msg), "n,a=%0255d,\x01" "auth=Bearer t\x01\x01", 0);
	CU_ASSERT_EQUAL(sk_oauthbearer_parse(msg, (size_t)n, &m), SK_OAUTH_OK);
	CU_ASSERT_EQUAL(m.user_len, 255);
	n = snprintf(msg, sizeof(msg), "n,a=%0256d,\x01" "auth=Bearer t\x01\x01", 0);
	CU_ASSERT_EQUAL(sk_oauthbearer_parse(msg, (size_t)n, &m),
			SK_OAUTH_MALFORMED);
}

static void test_xoauth2(void)
{
	static const struct row rows[] = {
		/* Google's example, decoded */
		{ "google", MSG("user=someuser@example.com\x01" "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"),
		  SK_OAUTH_OK, "someuser@example.com",
		  "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg" },
		{ "dovecot vector", MSG("user=testuser\x01" "auth=Bearer vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg==\x01\x01"),
		  SK_OAUTH_OK, "testuser", "vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg==" },
		{ "auth first", MSG("auth=Bearer t\x01user=u\x01\x01"), SK_OAUTH_OK, "u", "t" },
		{ "dummy", MSG("\x01"), SK_OAUTH_DUMMY, NULL, NULL },
		{ "no user", MSG("auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "empty user", MSG("user=\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "no auth", MSG("user=u\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "duplicate user", MSG("user=u\x01user=v\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "missing final kvsep", MSG("user=u\x01" "auth=Bearer t\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "trailing", MSG("user=u\x01" "auth=Bearer t\x01\x01z"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "gs2 header", MSG("n,,\x01user=u\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "tab in user", MSG("user=u\tv\x01" "auth=Bearer t\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "NUL", MSG("user=u\x01" "auth=Bearer t\0\x01\x01"), SK_OAUTH_MALFORMED, NULL, NULL },
		{ "empty", MSG(""), SK_OAUTH_MALFORMED, NULL, NULL },
	};

	run_rows(rows, SK_N_ELEMENTS(rows), true);
}

static void test_error_challenges(void)
{
	char out[512];
	json_t *j;
	size_t n;

	n = sk_oauthbearer_error("mail", "https://id.example/.well-known/openid-configuration",
				 out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "{\"status\":\"invalid_token\",\"scope\":\"mail\","
				    "\"openid-configuration\":\"https://id.example/.well-known/openid-configuration\"}");
	CU_ASSERT_EQUAL(n, strlen(out));
	/* unset members are omitted */
	sk_oauthbearer_error("", NULL, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "{\"status\":\"invalid_token\"}");
	sk_xoauth2_error("https://mail.example/", out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "{\"status\":\"401\",\"schemes\":\"bearer\","
				    "\"scope\":\"https://mail.example/\"}");
	sk_xoauth2_error(NULL, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "{\"status\":\"401\",\"schemes\":\"bearer\"}");
	/* a hostile scope stays valid JSON */
	sk_oauthbearer_error("a\"b\\c\n", NULL, out, sizeof(out));
	j = json_loads(out, JSON_REJECT_DUPLICATES, NULL);
	CU_ASSERT_PTR_NOT_NULL(j);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "scope")),
			       "a\"b\\c\n");
	json_decref(j);
	/* too small a buffer: 0, not a cut document */
	CU_ASSERT_EQUAL(sk_oauthbearer_error("mail", NULL, out, 20), 0);
}

SK_SUITE(oauth_msg, NULL, NULL,
	 SK_TEST(test_rfc7628_vectors),
	 SK_TEST(test_oauthbearer_malformed),
	 SK_TEST(test_authzid_length),
	 SK_TEST(test_xoauth2),
	 SK_TEST(test_error_challenges))
