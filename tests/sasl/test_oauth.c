/* saslkey tests - OAUTHBEARER and XOAUTH2 through the real libsasl2, with
 * tokens from an independent issuer (tests/vectors/jwt_vectors.py) */
#include "harness.h"
#include "jwk.h"
#include "sktest.h"
#include "status.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define USER	"alice@example.com"

static json_t *vectors, *policy;

/* the vectors' issuer, stored the way "saslkey issuer add" stores it */
static void store_issuer(const char *name, const char *openid)
{
	struct sk_store *st = NULL;
	struct sk_issuer is = { .created = 1 };
	enum sk_jwk_alg algs[SK_ALG_COUNT];
	struct sk_jwk *keys = NULL;
	size_t nalgs = 0, nkeys = 0, i;
	json_t *a;
	char *jwks, err[256];
	size_t len;

	json_array_foreach(json_object_get(policy, "allowed"), i, a) {
		const char *n = json_string_value(a);
		size_t l = strlen(is.algs);

		algs[nalgs++] = sk_jwk_alg_parse(n, strlen(n));
		snprintf(is.algs + l, sizeof(is.algs) - l, "%s%s", l ? " " : "", n);
	}
	snprintf(is.name, sizeof(is.name), "%s", name);
	snprintf(is.issuer, sizeof(is.issuer), "%s",
		 json_string_value(json_object_get(policy, "issuer")));
	snprintf(is.audience, sizeof(is.audience), "%s",
		 json_string_value(json_object_get(policy, "audience")));
	snprintf(is.username_claim, sizeof(is.username_claim), "%s",
		 json_string_value(json_object_get(policy, "username_claim")));
	snprintf(is.scope, sizeof(is.scope), "%s",
		 json_string_value(json_object_get(policy, "scope")));
	snprintf(is.openid_configuration, sizeof(is.openid_configuration), "%s",
		 openid ? openid : "");
	is.leeway = json_integer_value(json_object_get(policy, "leeway"));

	jwks = sk_test_read_file(sk_test_path("jwt/jwks.json"), &len);
	CU_ASSERT_FATAL(jwks != NULL);
	CU_ASSERT_FATAL(sk_jwks_import(jwks, len, algs, nalgs, &keys, &nkeys,
				       err, sizeof(err)) == SK_OK);
	free(jwks);
	CU_ASSERT_FATAL(sk_store_open(skh_db(), SK_STORE_WRITE, NULL, &st) ==
			SK_OK);
	CU_ASSERT_FATAL(st->ops->issuer_add(st, &is) == SK_OK);
	for (i = 0; i < nkeys; i++) {
		struct sk_issuer_key k = { .issuer_id = is.id };

		snprintf(k.kid, sizeof(k.kid), "%s", keys[i].kid);
		snprintf(k.alg, sizeof(k.alg), "%s", sk_jwk_alg_name(keys[i].alg));
		snprintf(k.jwk, sizeof(k.jwk), "%s", keys[i].json);
		CU_ASSERT_FATAL(st->ops->issuer_key_add(st, &k) == SK_OK);
	}
	sk_store_close(st);
	sk_jwks_free(keys, nkeys);
}

static int gen_vectors(void)
{
	char cmd[1024];
	const char *src = getenv("SK_SRCDIR");

	/* live tokens: minted for now */
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/vectors/jwt_vectors.py "
		 "%s %lld", src ? src : ".", sk_test_path("jwt"),
		 (long long)time(NULL));
	if (system(cmd) != 0)
		return -1;
	vectors = json_load_file(sk_test_path("jwt/tokens.json"), 0, NULL);
	policy = json_load_file(sk_test_path("jwt/policy.json"), 0, NULL);
	return vectors && policy ? 0 : -1;
}

static int suite_init(void)
{
	static const char *const opts[] = {
		"mech_list: PLAIN OAUTHBEARER XOAUTH2", NULL
	};

	if (gen_vectors() != 0)
		return -1;
	skh_store_reset();
	if (skh_init(opts) != 0)
		return -1;
	return 0;
}

static int suite_cleanup(void)
{
	json_decref(vectors);
	json_decref(policy);
	return skh_done();
}

/* a vector's token by name */
static const char *token(const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(vectors, i, v)
		if (strcmp(json_string_value(json_object_get(v, "name")), name) == 0)
			return json_string_value(json_object_get(v, "token"));
	CU_FAIL_FATAL("no such vector");
	return NULL;
}

/* "n,[a=user]," ^A "auth=Bearer " token ^A ^A, malloc'd */
static char *ob_msg(const char *user, const char *tok, size_t *len)
{
	size_t n = strlen(tok) + (user ? strlen(user) : 0) + 64;
	char *m = malloc(n);
	int l = snprintf(m, n, "n,%s%s,\x01" "auth=Bearer %s\x01\x01",
			 user ? "a=" : "", user ? user : "", tok);

	*len = (size_t)l;
	return m;
}

static char *xo_msg(const char *user, const char *tok, size_t *len)
{
	size_t n = strlen(tok) + strlen(user) + 64;
	char *m = malloc(n);
	int l = snprintf(m, n, "user=%s\x01" "auth=Bearer %s\x01\x01", user, tok);

	*len = (size_t)l;
	return m;
}

/*
 * One OAUTHBEARER exchange: the message, then (if the server challenged)
 * the dummy reply.  Returns the final code; *chal gets the challenge.
 */
static int oauthbearer(const char *user, const char *tok, const char *remote,
		       char *chal, size_t chcap, struct skh_result *res)
{
	size_t len, clen = 0;
	char *m = ob_msg(user, tok, &len);
	struct skh_msg msgs[2] = { { m, len, false }, { "\x01", 1, false } };
	int rc = skh_raw("OAUTHBEARER", msgs, 2, remote, res, chal, chcap,
			 &clen);

	free(m);
	return rc;
}

/*
 * On the wire a few vectors mean something else than as bare tokens:
 * "Bearer" 1*SP b64token makes a leading space a separator, not part of
 * the token.
 */
static const char *wire_expect(const char *name, const char *expect)
{
	if (strcmp(name, "leading-space") == 0)
		return "ok";
	return expect;
}

/* vectors whose outcome depends on the clock to the second */
static bool time_critical(const char *name)
{
	return strstr(name, "edge") != NULL || strncmp(name, "exp-real", 8) == 0;
}

static void test_every_vector_through_oauthbearer(void)
{
	const char *user = json_string_value(json_object_get(policy, "username_claim"));
	size_t i, ran = 0;
	json_t *v;

	(void)user;
	store_issuer("idp", NULL);
	json_array_foreach(vectors, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *tok = json_string_value(json_object_get(v, "token"));
		const char *expect = wire_expect(name, json_string_value(
			json_object_get(v, "expect")));
		const char *vuser = json_string_value(json_object_get(v, "user"));
		struct skh_result res;
		char chal[2048] = "";
		size_t before = skh_audit_count();
		int rc;

		if (time_critical(name))
			continue;
		ran++;
		rc = oauthbearer(NULL, tok, NULL, chal, sizeof(chal), &res);
		if (strcmp(expect, "ok") == 0) {
			if (rc != SASL_OK)
				fprintf(stderr, "\n  [%s] rc=%d reason=%s\n", name,
					rc, skh_last_reason());
			CU_ASSERT_EQUAL(rc, SASL_OK);
			CU_ASSERT_STRING_EQUAL(res.user, vuser ? vuser : USER);
			CU_ASSERT_STRING_EQUAL(skh_last_reason(), "ok");
		} else {
			const char *got = skh_last_reason();
			/*
			 * A token with bytes outside RFC 6750's b64token is
			 * already a malformed SASL message (SASL_BADPROT);
			 * everything else is refused after the challenge.
			 */
			bool ok = (rc == SASL_BADAUTH && strcmp(got, expect) == 0 &&
				   strstr(chal, "invalid_token") != NULL) ||
				  (rc == SASL_BADPROT &&
				   strcmp(expect, "malformed") == 0 &&
				   strcmp(got, "malformed_request") == 0);

			if (!ok)
				fprintf(stderr, "\n  [%s] rc=%d reason=%s want %s\n",
					name, rc, got, expect);
			CU_ASSERT(ok);
		}
		CU_ASSERT_EQUAL(skh_audit_count(), before + 1);
	}
	CU_ASSERT(ran > 150);
}

static void test_error_challenge_exchange(void)
{
	const char *good = token("ok-RS256"), *bad = token("expired");
	const char *followups[] = { "\x01", "", "anything at all" };
	struct skh_result res;
	char chal[2048];
	size_t i, len, clen;

	/* control */
	CU_ASSERT_EQUAL(oauthbearer(USER, good, NULL, chal, sizeof(chal), &res),
			SASL_OK);
	CU_ASSERT_STRING_EQUAL(res.user, USER);
	CU_ASSERT_STRING_EQUAL(res.authsource, "saslkey");
	/* refused: the JSON as a challenge, then failure whatever comes */
	for (i = 0; i < SK_N_ELEMENTS(followups); i++) {
		char *m = ob_msg(USER, bad, &len);
		struct skh_msg msgs[2] = { { m, len, false },
					   { followups[i], strlen(followups[i]),
					     false } };
		size_t before = skh_audit_count();

		CU_ASSERT_EQUAL(skh_raw("OAUTHBEARER", msgs, 1, NULL, &res, chal,
					sizeof(chal), &clen), SASL_CONTINUE);
		CU_ASSERT_STRING_EQUAL(chal, "{\"status\":\"invalid_token\","
					     "\"scope\":\"mail\"}");
		CU_ASSERT_EQUAL(skh_raw("OAUTHBEARER", msgs, 2, NULL, &res, NULL,
					0, NULL), SASL_BADAUTH);
		/* two exchanges above, one event each: none for the reply */
		CU_ASSERT_EQUAL(skh_audit_count(), before + 2);
		CU_ASSERT_STRING_EQUAL(skh_last_reason(), "expired");
		free(m);
	}
}

static void test_xoauth2(void)
{
	const char *good = token("ok-ES256"), *bad = token("aud-wrong");
	struct skh_result res;
	char chal[2048], *m;
	size_t len, clen;

	m = xo_msg(USER, good, &len);
	{
		struct skh_msg msgs[1] = { { m, len, false } };

		CU_ASSERT_EQUAL(skh_raw("XOAUTH2", msgs, 1, NULL, &res, NULL, 0,
					NULL), SASL_OK);
		CU_ASSERT_STRING_EQUAL(res.user, USER);
	}
	free(m);
	m = xo_msg(USER, bad, &len);
	{
		struct skh_msg msgs[2] = { { m, len, false }, { "", 0, false } };

		CU_ASSERT_EQUAL(skh_raw("XOAUTH2", msgs, 1, NULL, &res, chal,
					sizeof(chal), &clen), SASL_CONTINUE);
		CU_ASSERT_STRING_EQUAL(chal, "{\"status\":\"401\",\"schemes\":"
					     "\"bearer\",\"scope\":\"mail\"}");
		CU_ASSERT_EQUAL(skh_raw("XOAUTH2", msgs, 2, NULL, &res, NULL, 0,
					NULL), SASL_BADAUTH);
		CU_ASSERT_STRING_EQUAL(skh_last_reason(), "wrong_audience");
	}
	free(m);
	/* user= is required and must be the token's user */
	m = xo_msg("bob@example.com", good, &len);
	{
		struct skh_msg msgs[2] = { { m, len, false }, { "", 0, false } };

		CU_ASSERT_EQUAL(skh_raw("XOAUTH2", msgs, 2, NULL, &res, NULL, 0,
					NULL), SASL_BADAUTH);
		CU_ASSERT_STRING_EQUAL(skh_last_reason(), "user_mismatch");
	}
	free(m);
}

static void test_user_binding(void)
{
	const char *good = token("ok-EdDSA");
	struct skh_result res;
	char chal[2048];

	CU_ASSERT_EQUAL(oauthbearer(USER, good, NULL, chal, sizeof(chal), &res),
			SASL_OK);
	/* a valid token for alice does not open bob's mailbox */
	CU_ASSERT_EQUAL(oauthbearer("bob@example.com", good, NULL, chal,
				    sizeof(chal), &res), SASL_BADAUTH);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), "user_mismatch");
	/* case matters: the claim is compared byte for byte */
	CU_ASSERT_EQUAL(oauthbearer("Alice@example.com", good, NULL, chal,
				    sizeof(chal), &res), SASL_BADAUTH);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), "user_mismatch");
}

static void test_audit_fields_and_no_token(void)
{
	const char *good = token("ok-PS256");
	struct skh_result res;
	char chal[64];
	json_t *ev;
	const char *iss = NULL, *sub = NULL, *jti = NULL, *kid = NULL,
		   *alg = NULL;

	CU_ASSERT_EQUAL(oauthbearer(USER, good, NULL, chal, sizeof(chal), &res),
			SASL_OK);
	ev = skh_audit_last();
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_EQUAL(json_unpack(ev, "{s:{s:{s:s, s:s, s:s, s:s, s:s}}}",
				    "saslkey", "oauth", "issuer", &iss, "sub",
				    &sub, "jti", &jti, "kid", &kid, "alg", &alg),
			0);
	CU_ASSERT_STRING_EQUAL(iss, "idp");
	CU_ASSERT_STRING_EQUAL(kid, "rsa-ps256");
	CU_ASSERT_STRING_EQUAL(alg, "PS256");
	CU_ASSERT(sub != NULL && sub[0] != '\0');
	json_decref(ev);
	/* the same again, now from the cache: same fields */
	CU_ASSERT_EQUAL(oauthbearer(USER, good, NULL, chal, sizeof(chal), &res),
			SASL_OK);
	ev = skh_audit_last();
	CU_ASSERT_EQUAL(json_unpack(ev, "{s:{s:{s:s}}}", "saslkey", "oauth",
				    "kid", &kid), 0);
	CU_ASSERT_STRING_EQUAL(kid, "rsa-ps256");
	json_decref(ev);
	/* no token, and no signature of one, in the audit file */
	{
		const char *sig = strrchr(good, '.') + 1;

		CU_ASSERT_FALSE(sk_test_file_contains(skh_audit(), good,
						      strlen(good)));
		CU_ASSERT_FALSE(sk_test_file_contains(skh_audit(), sig, 40));
	}
}

static void test_account_policy(void)
{
	const char *good = token("ok-RS384");
	struct skh_result res;
	char chal[64];

	/* no account: the token alone decides (require_account is off) */
	CU_ASSERT_EQUAL(oauthbearer(USER, good, "198.51.100.1;1", chal,
				    sizeof(chal), &res), SASL_OK);
	/* an account of that name: its allow-list applies */
	skh_account(USER, "192.0.2.0/24", false);
	CU_ASSERT_EQUAL(oauthbearer(USER, good, "192.0.2.5;1", chal, sizeof(chal),
				    &res), SASL_OK);
	CU_ASSERT_EQUAL(oauthbearer(USER, good, "198.51.100.1;1", chal,
				    sizeof(chal), &res), SASL_BADAUTH);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), "ip_not_allowed_account");
	/* and its state: disabled */
	{
		struct sk_store *st = NULL;
		struct sk_account a;

		CU_ASSERT_FATAL(sk_store_open(skh_db(), SK_STORE_WRITE, NULL,
					      &st) == SK_OK);
		CU_ASSERT(st->ops->account_get(st, USER, &a) == SK_OK);
		a.disabled = true;
		CU_ASSERT(st->ops->account_update(st, &a) == SK_OK);
		sk_store_close(st);
	}
	CU_ASSERT_EQUAL(oauthbearer(USER, good, "192.0.2.5;1", chal, sizeof(chal),
				    &res), SASL_BADAUTH);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), "account_disabled");
	/* leave the account as it was for the tests after this one */
	{
		struct sk_store *st = NULL;
		struct sk_account a;

		CU_ASSERT_FATAL(sk_store_open(skh_db(), SK_STORE_WRITE, NULL,
					      &st) == SK_OK);
		CU_ASSERT(st->ops->account_get(st, USER, &a) == SK_OK);
		a.disabled = false;
		CU_ASSERT(st->ops->account_update(st, &a) == SK_OK);
		sk_store_close(st);
	}
}

static int64_t issuer_id(struct sk_store *st, const char *name)
{
	struct sk_issuer is;

	CU_ASSERT_FATAL(st->ops->issuer_get(st, name, &is) == SK_OK);
	return is.id;
}

static void test_revocation_takes_effect_at_once(void)
{
	const char *good = token("ok-ES384");
	struct sk_store *st = NULL;
	struct skh_result res;
	char chal[64];
	json_t *ev;
	const char *jti = NULL;

	CU_ASSERT_EQUAL(oauthbearer(NULL, good, "192.0.2.5;1", chal, sizeof(chal),
				    &res), SASL_OK);
	ev = skh_audit_last();
	json_unpack(ev, "{s:{s:{s:s}}}", "saslkey", "oauth", "jti", &jti);
	CU_ASSERT_PTR_NOT_NULL_FATAL(jti);
	/* cached now; revoke its jti as "saslkey token revoke" would */
	CU_ASSERT_FATAL(sk_store_open(skh_db(), SK_STORE_WRITE, NULL, &st) ==
			SK_OK);
	CU_ASSERT(st->ops->deny_add(st, issuer_id(st, "idp"), SK_DENY_JTI, jti,
				    time(NULL)) == SK_OK);
	sk_store_close(st);
	json_decref(ev);
	CU_ASSERT_EQUAL(oauthbearer(NULL, good, "192.0.2.5;1", chal, sizeof(chal),
				    &res), SASL_BADAUTH);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), "revoked");
}

static void test_issuer_keys_unusable(void)
{
	const char *good = token("ok-EdDSA");
	struct sk_store *st = NULL;
	struct sk_issuer is;
	struct skh_result res;
	char chal[64];

	/* the stored EdDSA key no longer fits the issuer's algorithms */
	CU_ASSERT_FATAL(sk_store_open(skh_db(), SK_STORE_WRITE, NULL, &st) ==
			SK_OK);
	CU_ASSERT_FATAL(st->ops->issuer_get(st, "idp", &is) == SK_OK);
	snprintf(is.algs, sizeof(is.algs), "RS256");
	CU_ASSERT(st->ops->issuer_update(st, &is) == SK_OK);
	sk_store_close(st);
	CU_ASSERT_EQUAL(oauthbearer(NULL, good, "192.0.2.5;1", chal, sizeof(chal),
				    &res), SASL_UNAVAIL);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), "issuer_keys_unavailable");
}

static void test_malformed_messages(void)
{
	const struct {
		const char *mech;
		struct skh_msg m;
	} rows[] = {
		{ "OAUTHBEARER", { "\x01", 1, false } },
		{ "OAUTHBEARER", { "y,,\x01" "auth=Bearer x\x01\x01", 20, false } },
		{ "OAUTHBEARER", { "n,,\x01" "auth=Basic x\x01\x01", 19, false } },
		{ "XOAUTH2", { "auth=Bearer x\x01\x01", 15, false } },
		{ "XOAUTH2", { "\x01", 1, false } },
	};
	struct skh_result res;
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(rows); i++) {
		size_t before = skh_audit_count();

		CU_ASSERT_EQUAL(skh_raw(rows[i].mech, &rows[i].m, 1, NULL, &res,
					NULL, 0, NULL), SASL_BADPROT);
		CU_ASSERT_EQUAL(skh_audit_count(), before + 1);
		CU_ASSERT_STRING_EQUAL(skh_last_reason(), "malformed_request");
	}
}

static void test_long_token_without_initial_response(void)
{
	/* len-max is a valid token of exactly 16 KiB */
	const char *big = token("len-max");
	struct skh_result res;
	size_t len;
	char *m = ob_msg(NULL, big, &len);
	struct skh_msg msgs[2] = { { .absent = true }, { m, len, false } };
	char chal[16];
	size_t clen = 99;

	CU_ASSERT(strlen(big) > 2048);
	/* no initial response: libsasl2 sends the empty challenge */
	CU_ASSERT_EQUAL(skh_raw("OAUTHBEARER", msgs, 1, NULL, &res, chal,
				sizeof(chal), &clen), SASL_CONTINUE);
	CU_ASSERT_EQUAL(clen, 0);
	CU_ASSERT_EQUAL(skh_raw("OAUTHBEARER", msgs, 2, "192.0.2.5;1", &res, NULL,
				0, NULL), SASL_OK);
	free(m);
}

SK_SUITE(sasl_oauth, suite_init, suite_cleanup,
	 SK_TEST(test_every_vector_through_oauthbearer),
	 SK_TEST(test_error_challenge_exchange),
	 SK_TEST(test_xoauth2),
	 SK_TEST(test_user_binding),
	 SK_TEST(test_audit_fields_and_no_token),
	 SK_TEST(test_long_token_without_initial_response),
	 SK_TEST(test_account_policy),
	 SK_TEST(test_revocation_takes_effect_at_once),
	 SK_TEST(test_malformed_messages),
	 SK_TEST(test_issuer_keys_unusable))

/* saslkey_oauth_require_account: yes - only users the store knows */
static int require_init(void)
{
	static const char *const opts[] = {
		"mech_list: OAUTHBEARER", "saslkey_oauth_require_account: yes",
		NULL
	};

	if (gen_vectors() != 0)
		return -1;
	skh_store_reset();
	return skh_init(opts);
}

static void test_require_account(void)
{
	const char *good = token("ok-RS256");
	struct skh_result res;
	char chal[256];

	store_issuer("idp", "https://idp.example.com/.well-known/openid-configuration");
	CU_ASSERT_EQUAL(oauthbearer(USER, good, NULL, chal, sizeof(chal), &res),
			SASL_BADAUTH);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), "no_account");
	/* the challenge advertises the discovery document when configured */
	CU_ASSERT_STRING_EQUAL(chal, "{\"status\":\"invalid_token\",\"scope\":"
				     "\"mail\",\"openid-configuration\":"
				     "\"https://idp.example.com/.well-known/"
				     "openid-configuration\"}");
	skh_account(USER, NULL, false);
	CU_ASSERT_EQUAL(oauthbearer(USER, good, NULL, chal, sizeof(chal), &res),
			SASL_OK);
	CU_ASSERT_STRING_EQUAL(res.user, USER);
}

SK_SUITE(sasl_oauth_require_account, require_init, suite_cleanup,
	 SK_TEST(test_require_account))
