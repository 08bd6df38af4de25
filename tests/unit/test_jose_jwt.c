/* saslkey tests - common/jwt.c: access-token claims with an injected clock */
#include "jwt.h"
#include "reason.h"
#include "status.h"
#include "sktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISS	"https://idp.example.com/realms/mail"
#define AUD	"imap://mail.example.com"
#define NOW	INT64_C(1750000000)
#define LEEWAY	60

/*
 * The base claims every row starts from: valid at NOW with LEEWAY.  A row
 * removes members ("del", space-separated) and then sets members from a
 * JSON object text ("set").
 */
static const char base_claims[] =
	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"248289761001\","
	"\"exp\":1750000600,\"nbf\":1749999970,\"iat\":1749999970,"
	"\"jti\":\"7c1a-49f0\",\"scope\":\"openid mail profile\","
	"\"email\":\"alice@example.com\",\"preferred_username\":\"alice\"}";

static struct sk_jwt_policy base_policy(void)
{
	return (struct sk_jwt_policy){
		.issuer = ISS,
		.audience = AUD,
		.username_claim = "email",
		.scope = "mail",
		.leeway = LEEWAY,
		.now = NOW,
	};
}

static json_t *make_claims(const char *del, const char *set, bool allow_nul)
{
	json_error_t e;
	json_t *c = json_loads(base_claims, 0, &e);

	CU_ASSERT_FATAL(c != NULL);
	while (del != NULL && *del != '\0') {
		char name[64];
		size_t n = strcspn(del, " ");

		CU_ASSERT_FATAL(n < sizeof(name));
		memcpy(name, del, n);
		name[n] = '\0';
		json_object_del(c, name);
		del += n + (del[n] == ' ');
	}
	if (set != NULL) {
		json_t *s = json_loads(set, allow_nul ? JSON_ALLOW_NUL : 0, &e);

		if (s == NULL)
			fprintf(stderr, "  bad row JSON: %s\n", e.text);
		CU_ASSERT_FATAL(s != NULL);
		json_object_update(c, s);
		json_decref(s);
	}
	return c;
}

struct row {
	const char *name;
	const char *del;
	const char *set;
	enum sk_reason want;
	int64_t now_delta;	/* added to NOW */
	bool nul;		/* load "set" with JSON_ALLOW_NUL */
};

static void run_rows(const struct row *rows, size_t n,
		     struct sk_jwt_policy pol)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct sk_jwt_policy p = pol;
		struct sk_jwt_claims out;
		json_t *c = make_claims(rows[i].del, rows[i].set, rows[i].nul);
		enum sk_reason r;

		p.now = pol.now + rows[i].now_delta;
		r = sk_jwt_check_claims(c, &p, &out);
		if (r != rows[i].want)
			fprintf(stderr, "  claims row %s: got %s, want %s\n",
				rows[i].name, sk_reason_str(r),
				sk_reason_str(rows[i].want));
		CU_ASSERT_EQUAL(r, rows[i].want);
		if (r != SK_R_OK)
			CU_ASSERT_EQUAL(out.user[0], '\0');
		json_decref(c);
	}
}

static void test_positive_fills_out(void)
{
	struct sk_jwt_policy p = base_policy();
	struct sk_jwt_claims out;
	json_t *c = make_claims(NULL, NULL, false);

	memset(&out, 'x', sizeof(out));
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_OK);
	CU_ASSERT_STRING_EQUAL(out.user, "alice@example.com");
	CU_ASSERT_STRING_EQUAL(out.iss, ISS);
	CU_ASSERT_STRING_EQUAL(out.sub, "248289761001");
	CU_ASSERT_STRING_EQUAL(out.jti, "7c1a-49f0");
	CU_ASSERT_EQUAL(out.exp, 1750000600);
	CU_ASSERT_EQUAL(out.nbf, 1749999970);
	CU_ASSERT_EQUAL(out.iat, 1749999970);
	json_decref(c);

	/* optional claims absent: "" and 0 */
	c = make_claims("sub jti nbf iat", NULL, false);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_OK);
	CU_ASSERT_STRING_EQUAL(out.sub, "");
	CU_ASSERT_STRING_EQUAL(out.jti, "");
	CU_ASSERT_EQUAL(out.nbf, 0);
	CU_ASSERT_EQUAL(out.iat, 0);
	json_decref(c);

	/* another username claim */
	p.username_claim = "preferred_username";
	c = make_claims(NULL, NULL, false);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_OK);
	CU_ASSERT_STRING_EQUAL(out.user, "alice");
	p.username_claim = "sub";
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_OK);
	CU_ASSERT_STRING_EQUAL(out.user, "248289761001");
	p.username_claim = "upn";
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_TOKEN_MALFORMED);
	CU_ASSERT_STRING_EQUAL(out.iss, "");	/* nothing half-filled */
	json_decref(c);
}

static void test_issuer(void)
{
	static const struct row rows[] = {
		{ "control", NULL, NULL, SK_R_OK, 0, false },
		{ "missing", "iss", NULL, SK_R_TOKEN_MALFORMED, 0, false },
		{ "number", NULL, "{\"iss\":5}", SK_R_TOKEN_MALFORMED, 0, false },
		{ "null", NULL, "{\"iss\":null}", SK_R_TOKEN_MALFORMED, 0, false },
		{ "array", NULL, "{\"iss\":[\"" ISS "\"]}", SK_R_TOKEN_MALFORMED,
		  0, false },
		{ "other", NULL, "{\"iss\":\"https://evil.example\"}",
		  SK_R_WRONG_ISSUER, 0, false },
		{ "prefix", NULL, "{\"iss\":\"https://idp.example.com\"}",
		  SK_R_WRONG_ISSUER, 0, false },
		{ "slash", NULL, "{\"iss\":\"" ISS "/\"}", SK_R_WRONG_ISSUER, 0,
		  false },
		{ "case", NULL, "{\"iss\":\"HTTPS://idp.example.com/realms/mail\"}",
		  SK_R_WRONG_ISSUER, 0, false },
		{ "nul-suffix", NULL, "{\"iss\":\"" ISS "\\u0000x\"}",
		  SK_R_WRONG_ISSUER, 0, true },
		{ "empty", NULL, "{\"iss\":\"\"}", SK_R_WRONG_ISSUER, 0, false },
		/* iss comes first: a wrong issuer that is also expired */
		{ "before-exp", NULL,
		  "{\"iss\":\"https://evil.example\",\"exp\":1}",
		  SK_R_WRONG_ISSUER, 0, false },
	};

	run_rows(rows, SK_N_ELEMENTS(rows), base_policy());
}

static void test_dates_types(void)
{
	static const struct row rows[] = {
		{ "control", NULL, NULL, SK_R_OK, 0, false },
		{ "exp-missing", "exp", NULL, SK_R_TOKEN_MALFORMED, 0, false },
		{ "exp-string", NULL, "{\"exp\":\"1750000600\"}",
		  SK_R_TOKEN_MALFORMED, 0, false },
		{ "exp-bool", NULL, "{\"exp\":true}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "exp-null", NULL, "{\"exp\":null}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "exp-object", NULL, "{\"exp\":{}}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "exp-array", NULL, "{\"exp\":[1750000600]}",
		  SK_R_TOKEN_MALFORMED, 0, false },
		{ "exp-negative", NULL, "{\"exp\":-1}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "exp-negative-real", NULL, "{\"exp\":-0.5}",
		  SK_R_TOKEN_MALFORMED, 0, false },
		{ "exp-max", NULL, "{\"exp\":253402300799}", SK_R_OK, 0, false },
		{ "exp-max+1", NULL, "{\"exp\":253402300800}",
		  SK_R_TOKEN_MALFORMED, 0, false },
		{ "exp-real-huge", NULL, "{\"exp\":1e300}",
		  SK_R_TOKEN_MALFORMED, 0, false },
		{ "exp-int64-max", NULL, "{\"exp\":9223372036854775807}",
		  SK_R_TOKEN_MALFORMED, 0, false },
		{ "exp-real", NULL, "{\"exp\":1750000600.5}", SK_R_OK, 0, false },
		{ "exp-zero", NULL, "{\"exp\":0}", SK_R_TOKEN_EXPIRED, 0, false },
		{ "nbf-string", NULL, "{\"nbf\":\"1\"}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "nbf-null", NULL, "{\"nbf\":null}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "nbf-negative", NULL, "{\"nbf\":-5}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "nbf-zero", NULL, "{\"nbf\":0}", SK_R_OK, 0, false },
		{ "iat-bool", NULL, "{\"iat\":false}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "iat-huge", NULL, "{\"iat\":253402300800}",
		  SK_R_TOKEN_MALFORMED, 0, false },
		{ "iat-real", NULL, "{\"iat\":1749999970.999}", SK_R_OK, 0,
		  false },
		/* a malformed date wins over an expired one: the types are
		 * checked before any time comparison */
		{ "expired-and-bad-nbf", NULL, "{\"exp\":1,\"nbf\":\"x\"}",
		  SK_R_TOKEN_MALFORMED, 0, false },
	};

	run_rows(rows, SK_N_ELEMENTS(rows), base_policy());
}

/* exp + leeway is the first second the token is expired */
static void test_time_edges(void)
{
	static const struct row rows[] = {
		{ "exp-leeway-minus-1", NULL, "{\"exp\":1749999941}", SK_R_OK, 0,
		  false },
		{ "exp-leeway-exact", NULL, "{\"exp\":1749999940}",
		  SK_R_TOKEN_EXPIRED, 0, false },
		{ "exp-long-ago", NULL, "{\"exp\":1000}", SK_R_TOKEN_EXPIRED, 0,
		  false },
		/* reals are floored: 1749999940.9 counts as ...940 */
		{ "exp-real-floor-expired", NULL, "{\"exp\":1749999940.9}",
		  SK_R_TOKEN_EXPIRED, 0, false },
		{ "exp-real-floor-valid", NULL, "{\"exp\":1749999941.1}",
		  SK_R_OK, 0, false },
		/* moving the clock instead of the claim */
		{ "now-at-exp+leeway-1", NULL, NULL, SK_R_OK, 600 + LEEWAY - 1,
		  false },
		{ "now-at-exp+leeway", NULL, NULL, SK_R_TOKEN_EXPIRED,
		  600 + LEEWAY, false },
		{ "nbf-now+leeway", NULL, "{\"nbf\":1750000060}", SK_R_OK, 0,
		  false },
		{ "nbf-now+leeway+1", NULL, "{\"nbf\":1750000061}",
		  SK_R_NOT_YET_VALID, 0, false },
		{ "iat-now+leeway", NULL, "{\"iat\":1750000060}", SK_R_OK, 0,
		  false },
		{ "iat-now+leeway+1", NULL, "{\"iat\":1750000061}",
		  SK_R_NOT_YET_VALID, 0, false },
		{ "nbf-far-future", NULL, "{\"nbf\":1760000000}",
		  SK_R_NOT_YET_VALID, 0, false },
		/* expiry is decided before nbf */
		{ "expired-and-early", NULL, "{\"exp\":1000,\"nbf\":1760000000}",
		  SK_R_TOKEN_EXPIRED, 0, false },
	};
	struct sk_jwt_policy p = base_policy();
	struct sk_jwt_claims out;
	json_t *c;

	run_rows(rows, SK_N_ELEMENTS(rows), p);

	/* leeway 0 */
	p.leeway = 0;
	c = make_claims(NULL, "{\"exp\":1750000001}", false);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_OK);
	json_decref(c);
	c = make_claims(NULL, "{\"exp\":1750000000}", false);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_TOKEN_EXPIRED);
	json_decref(c);
	/* a negative leeway counts as 0 (it must not expire tokens early) */
	p.leeway = -100;
	c = make_claims(NULL, "{\"exp\":1750000001}", false);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_OK);
	json_decref(c);
	/* huge leeway and clock values must not overflow (UBSan) */
	p.leeway = INT64_MAX;
	c = make_claims(NULL, "{\"exp\":1,\"nbf\":253402300799}", false);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_OK);
	json_decref(c);
	p.leeway = LEEWAY;
	p.now = INT64_MAX;
	c = make_claims(NULL, "{\"exp\":253402300799}", false);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_TOKEN_EXPIRED);
	json_decref(c);
	p.now = INT64_MIN;
	c = make_claims(NULL, NULL, false);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_NOT_YET_VALID);
	json_decref(c);
}

static void test_audience(void)
{
	static const struct row rows[] = {
		{ "string", NULL, NULL, SK_R_OK, 0, false },
		{ "string-other", NULL, "{\"aud\":\"smtp://other\"}",
		  SK_R_WRONG_AUDIENCE, 0, false },
		{ "string-space", NULL, "{\"aud\":\"" AUD " \"}",
		  SK_R_WRONG_AUDIENCE, 0, false },
		{ "string-two-words", NULL, "{\"aud\":\"x " AUD "\"}",
		  SK_R_WRONG_AUDIENCE, 0, false },
		{ "array-has", NULL, "{\"aud\":[\"x\",\"" AUD "\"]}", SK_R_OK, 0,
		  false },
		{ "array-one", NULL, "{\"aud\":[\"" AUD "\"]}", SK_R_OK, 0,
		  false },
		{ "array-not", NULL, "{\"aud\":[\"x\",\"y\"]}",
		  SK_R_WRONG_AUDIENCE, 0, false },
		{ "array-empty", NULL, "{\"aud\":[]}", SK_R_WRONG_AUDIENCE, 0,
		  false },
		{ "array-nonstring", NULL, "{\"aud\":[1,\"" AUD "\"]}",
		  SK_R_WRONG_AUDIENCE, 0, false },
		{ "array-nested", NULL, "{\"aud\":[[\"" AUD "\"]]}",
		  SK_R_WRONG_AUDIENCE, 0, false },
		{ "missing", "aud", NULL, SK_R_WRONG_AUDIENCE, 0, false },
		{ "number", NULL, "{\"aud\":1}", SK_R_WRONG_AUDIENCE, 0, false },
		{ "null", NULL, "{\"aud\":null}", SK_R_WRONG_AUDIENCE, 0, false },
		{ "object", NULL, "{\"aud\":{\"" AUD "\":1}}",
		  SK_R_WRONG_AUDIENCE, 0, false },
		{ "nul-suffix", NULL, "{\"aud\":\"" AUD "\\u0000\"}",
		  SK_R_WRONG_AUDIENCE, 0, true },
		/* audience is checked after time */
		{ "expired-first", NULL, "{\"aud\":\"x\",\"exp\":1}",
		  SK_R_TOKEN_EXPIRED, 0, false },
	};

	run_rows(rows, SK_N_ELEMENTS(rows), base_policy());
}

static void test_scope(void)
{
	static const struct row rows[] = {
		{ "middle", NULL, NULL, SK_R_OK, 0, false },
		{ "alone", NULL, "{\"scope\":\"mail\"}", SK_R_OK, 0, false },
		{ "first", NULL, "{\"scope\":\"mail openid\"}", SK_R_OK, 0,
		  false },
		{ "double-space", NULL, "{\"scope\":\"openid  mail\"}", SK_R_OK,
		  0, false },
		{ "prefix", NULL, "{\"scope\":\"openid mailbox\"}",
		  SK_R_MISSING_SCOPE, 0, false },
		{ "suffix", NULL, "{\"scope\":\"openid xmail\"}",
		  SK_R_MISSING_SCOPE, 0, false },
		{ "case", NULL, "{\"scope\":\"MAIL\"}", SK_R_MISSING_SCOPE, 0,
		  false },
		{ "tab", NULL, "{\"scope\":\"openid\\tmail\"}",
		  SK_R_MISSING_SCOPE, 0, false },
		{ "empty", NULL, "{\"scope\":\"\"}", SK_R_MISSING_SCOPE, 0,
		  false },
		{ "missing", "scope", NULL, SK_R_MISSING_SCOPE, 0, false },
		{ "scope-array", NULL, "{\"scope\":[\"mail\"]}",
		  SK_R_MISSING_SCOPE, 0, false },
		{ "scp-array", "scope", "{\"scp\":[\"openid\",\"mail\"]}",
		  SK_R_OK, 0, false },
		{ "scp-array-not", "scope", "{\"scp\":[\"openid\",\"mailx\"]}",
		  SK_R_MISSING_SCOPE, 0, false },
		{ "scp-array-joined", "scope", "{\"scp\":[\"openid mail\"]}",
		  SK_R_MISSING_SCOPE, 0, false },
		{ "scp-string", "scope", "{\"scp\":\"openid mail\"}", SK_R_OK, 0,
		  false },
		{ "scp-number", "scope", "{\"scp\":1}", SK_R_MISSING_SCOPE, 0,
		  false },
		{ "scope-wrong-scp-right", NULL,
		  "{\"scope\":\"openid\",\"scp\":[\"mail\"]}", SK_R_OK, 0, false },
		/* scope after audience */
		{ "wrong-aud-first", "scope", "{\"aud\":\"x\"}",
		  SK_R_WRONG_AUDIENCE, 0, false },
	};
	static const struct row none_rows[] = {
		{ "no-scope-claim", "scope", NULL, SK_R_OK, 0, false },
	};
	static const struct row two_rows[] = {
		{ "both", NULL, "{\"scope\":\"openid mail\"}", SK_R_OK, 0, false },
		{ "one", NULL, "{\"scope\":\"mail\"}", SK_R_MISSING_SCOPE, 0,
		  false },
		{ "split", NULL, "{\"scope\":\"mail\",\"scp\":[\"openid\"]}",
		  SK_R_OK, 0, false },
	};
	struct sk_jwt_policy p = base_policy();

	run_rows(rows, SK_N_ELEMENTS(rows), p);
	p.scope = NULL;
	run_rows(none_rows, SK_N_ELEMENTS(none_rows), p);
	p.scope = "";
	run_rows(none_rows, SK_N_ELEMENTS(none_rows), p);
	/* positive control for the none_rows: with a scope required they fail */
	p.scope = "mail";
	{
		struct sk_jwt_claims out;
		json_t *c = make_claims("scope", NULL, false);

		CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out),
				SK_R_MISSING_SCOPE);
		json_decref(c);
	}
	p.scope = "mail openid";
	run_rows(two_rows, SK_N_ELEMENTS(two_rows), p);
}

static void test_user_and_ids(void)
{
	static const struct row rows[] = {
		{ "control", NULL, NULL, SK_R_OK, 0, false },
		{ "user-missing", "email", NULL, SK_R_TOKEN_MALFORMED, 0, false },
		{ "user-number", NULL, "{\"email\":7}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "user-array", NULL, "{\"email\":[\"alice@example.com\"]}",
		  SK_R_TOKEN_MALFORMED, 0, false },
		{ "user-null", NULL, "{\"email\":null}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "user-empty", NULL, "{\"email\":\"\"}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "user-newline", NULL, "{\"email\":\"alice\\nbob\"}",
		  SK_R_TOKEN_MALFORMED, 0, false },
		{ "user-cr", NULL, "{\"email\":\"alice\\r\"}",
		  SK_R_TOKEN_MALFORMED, 0, false },
		{ "user-del", NULL, "{\"email\":\"alice\\u007f\"}",
		  SK_R_TOKEN_MALFORMED, 0, false },
		{ "user-nul", NULL, "{\"email\":\"alice\\u0000admin\"}",
		  SK_R_TOKEN_MALFORMED, 0, true },
		{ "user-utf8", NULL, "{\"email\":\"j\\u00f6rg@example.com\"}",
		  SK_R_OK, 0, false },
		{ "user-space", NULL, "{\"email\":\"alice smith\"}", SK_R_OK, 0,
		  false },
		{ "sub-number", NULL, "{\"sub\":12}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "sub-null", NULL, "{\"sub\":null}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "sub-nul", NULL, "{\"sub\":\"a\\u0000b\"}",
		  SK_R_TOKEN_MALFORMED, 0, true },
		{ "jti-number", NULL, "{\"jti\":12}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		{ "jti-object", NULL, "{\"jti\":{}}", SK_R_TOKEN_MALFORMED, 0,
		  false },
		/* the user claim comes after scope */
		{ "scope-first", "email scope", NULL, SK_R_MISSING_SCOPE, 0,
		  false },
	};
	struct sk_jwt_policy p = base_policy();
	struct sk_jwt_claims out;
	char set[1024], val[300];
	json_t *c;

	run_rows(rows, SK_N_ELEMENTS(rows), p);

	/* length limits: SK_JWT_CLAIM_MAX fits, one more does not */
	memset(val, 'u', SK_JWT_CLAIM_MAX);
	val[SK_JWT_CLAIM_MAX] = '\0';
	snprintf(set, sizeof(set), "{\"email\":\"%s\",\"sub\":\"%s\","
		 "\"jti\":\"%s\"}", val, val, val);
	c = make_claims(NULL, set, false);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_OK);
	CU_ASSERT_EQUAL(strlen(out.user), SK_JWT_CLAIM_MAX);
	CU_ASSERT_EQUAL(strlen(out.jti), SK_JWT_CLAIM_MAX);
	json_decref(c);
	val[SK_JWT_CLAIM_MAX] = 'u';
	val[SK_JWT_CLAIM_MAX + 1] = '\0';
	snprintf(set, sizeof(set), "{\"email\":\"%s\"}", val);
	c = make_claims(NULL, set, false);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_TOKEN_MALFORMED);
	json_decref(c);
	snprintf(set, sizeof(set), "{\"sub\":\"%s\"}", val);
	c = make_claims(NULL, set, false);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_TOKEN_MALFORMED);
	json_decref(c);
	snprintf(set, sizeof(set), "{\"jti\":\"%s\"}", val);
	c = make_claims(NULL, set, false);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_TOKEN_MALFORMED);
	json_decref(c);
}

/* a policy with a hole is a configuration error, never "skip the check" */
static void test_policy_incomplete(void)
{
	struct sk_jwt_policy p = base_policy();
	struct sk_jwt_claims out;
	json_t *c = make_claims(NULL, NULL, false);
	json_t *arr = json_array();

	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_OK);
	p.issuer = NULL;
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_INTERNAL);
	p = base_policy();
	p.audience = "";
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_INTERNAL);
	p = base_policy();
	p.audience = NULL;
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_INTERNAL);
	p = base_policy();
	p.username_claim = NULL;
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, &p, &out), SK_R_INTERNAL);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(c, NULL, &out), SK_R_INTERNAL);
	p = base_policy();
	CU_ASSERT_EQUAL(sk_jwt_check_claims(arr, &p, &out),
			SK_R_TOKEN_MALFORMED);
	CU_ASSERT_EQUAL(sk_jwt_check_claims(NULL, &p, &out),
			SK_R_TOKEN_MALFORMED);
	json_decref(arr);
	json_decref(c);
}

static void test_peek_issuer(void)
{
	char out[64];
	json_t *c = make_claims(NULL, NULL, false);
	json_t *o;

	CU_ASSERT_EQUAL(sk_jwt_peek_issuer(c, out, sizeof(out)), SK_R_OK);
	CU_ASSERT_STRING_EQUAL(out, ISS);
	/* exactly fits with its NUL / one byte short */
	CU_ASSERT_EQUAL(sk_jwt_peek_issuer(c, out, strlen(ISS) + 1), SK_R_OK);
	CU_ASSERT_EQUAL(sk_jwt_peek_issuer(c, out, strlen(ISS)),
			SK_R_TOKEN_MALFORMED);
	CU_ASSERT_STRING_EQUAL(out, "");
	json_decref(c);

	c = make_claims("iss", NULL, false);
	CU_ASSERT_EQUAL(sk_jwt_peek_issuer(c, out, sizeof(out)),
			SK_R_TOKEN_MALFORMED);
	json_decref(c);
	c = make_claims(NULL, "{\"iss\":1}", false);
	CU_ASSERT_EQUAL(sk_jwt_peek_issuer(c, out, sizeof(out)),
			SK_R_TOKEN_MALFORMED);
	json_decref(c);
	c = make_claims(NULL, "{\"iss\":\"\"}", false);
	CU_ASSERT_EQUAL(sk_jwt_peek_issuer(c, out, sizeof(out)),
			SK_R_TOKEN_MALFORMED);
	json_decref(c);
	c = make_claims(NULL, "{\"iss\":\"a\\u0000b\"}", true);
	CU_ASSERT_EQUAL(sk_jwt_peek_issuer(c, out, sizeof(out)),
			SK_R_TOKEN_MALFORMED);
	json_decref(c);
	o = json_array();
	CU_ASSERT_EQUAL(sk_jwt_peek_issuer(o, out, sizeof(out)),
			SK_R_TOKEN_MALFORMED);
	json_decref(o);
}

SK_SUITE(jose_jwt, NULL, NULL,
	 SK_TEST(test_positive_fills_out),
	 SK_TEST(test_issuer),
	 SK_TEST(test_dates_types),
	 SK_TEST(test_time_edges),
	 SK_TEST(test_audience),
	 SK_TEST(test_scope),
	 SK_TEST(test_user_and_ids),
	 SK_TEST(test_policy_incomplete),
	 SK_TEST(test_peek_issuer))
