/* saslkey tests - the whole JWT path against an independent issuer:
 * tests/vectors/jwt_vectors.py (Python cryptography, hand-built JWS) */
#include "jwk.h"
#include "jws.h"
#include "jwt.h"
#include "reason.h"
#include "status.h"
#include "sktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *policy_doc, *tokens, *badkeys;
static struct sk_jwk *keys;
static size_t nkeys;
static enum sk_jwk_alg allowed[SK_ALG_COUNT];
static size_t nallowed;
static char outdir[512];

static json_t *load(const char *name)
{
	char path[700];
	size_t len;
	char *buf;
	json_t *j;
	json_error_t e;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	buf = sk_test_read_file(path, &len);
	if (buf == NULL) {
		fprintf(stderr, "jose_vectors: cannot read %s\n", path);
		return NULL;
	}
	j = json_loadb(buf, len, 0, &e);
	if (j == NULL)
		fprintf(stderr, "jose_vectors: %s: %s\n", name, e.text);
	free(buf);
	return j;
}

static bool shell_safe(const char *s)
{
	return strchr(s, '\'') == NULL;
}

/* run the issuer script into a fresh directory and load what it wrote */
static int vectors_init(void)
{
	const char *src = getenv("SK_SRCDIR"), *py = getenv("SK_PYTHON");
	char cmd[2048], err[300], *jwks;
	size_t i, len;
	json_t *algs;

	if (src == NULL || *src == '\0')
		src = ".";
	/* not the first python3 on PATH: it may lack `cryptography` */
	if (py == NULL || *py == '\0')
		py = "/usr/bin/python3";
	snprintf(outdir, sizeof(outdir), "%s", sk_test_path("jwt"));
	if (!shell_safe(src) || !shell_safe(py) || !shell_safe(outdir))
		return -1;
	snprintf(cmd, sizeof(cmd), "'%s' '%s/tests/vectors/jwt_vectors.py' '%s'",
		 py, src, outdir);
	if (system(cmd) != 0) {
		fprintf(stderr, "jose_vectors: %s failed\n", cmd);
		return -1;
	}
	policy_doc = load("policy.json");
	tokens = load("tokens.json");
	badkeys = load("badkeys.json");
	if (policy_doc == NULL || !json_is_array(tokens) ||
	    !json_is_array(badkeys))
		return -1;

	algs = json_object_get(policy_doc, "allowed");
	for (i = 0; i < json_array_size(algs) && i < SK_N_ELEMENTS(allowed);
	     i++) {
		const json_t *a = json_array_get(algs, i);

		allowed[i] = sk_jwk_alg_parse(json_string_value(a),
					      json_string_length(a));
	}
	nallowed = i;

	snprintf(cmd, sizeof(cmd), "%s/jwks.json", outdir);
	jwks = sk_test_read_file(cmd, &len);
	if (jwks == NULL)
		return -1;
	if (sk_jwks_import(jwks, len, allowed, nallowed, &keys, &nkeys, err,
			   sizeof(err)) != SK_OK) {
		fprintf(stderr, "jose_vectors: jwks.json refused: %s\n", err);
		free(jwks);
		return -1;
	}
	free(jwks);
	return 0;
}

static int vectors_cleanup(void)
{
	sk_jwks_free(keys, nkeys);
	keys = NULL;
	nkeys = 0;
	json_decref(policy_doc);
	json_decref(tokens);
	json_decref(badkeys);
	policy_doc = tokens = badkeys = NULL;
	return 0;
}

static const char *str(const json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));

	return s ? s : "";
}

/*
 * The caller's key selection (kept out of the library on purpose: it is
 * per-issuer policy): an exact kid match, or, without a kid, the one key
 * pinned to the token's alg - none or several is "unknown kid".
 */
static const struct sk_jwk *select_key(const struct sk_jws *j)
{
	const struct sk_jwk *found = NULL;
	size_t i, count = 0;

	for (i = 0; i < nkeys; i++) {
		if (j->has_kid) {
			if (keys[i].has_kid && strcmp(keys[i].kid, j->kid) == 0)
				return &keys[i];
		} else if (keys[i].alg == j->alg) {
			found = &keys[i];
			count++;
		}
	}
	return count == 1 ? found : NULL;
}

static struct sk_jwt_policy policy_at(int64_t now)
{
	return (struct sk_jwt_policy){
		.issuer = str(policy_doc, "issuer"),
		.audience = str(policy_doc, "audience"),
		.username_claim = str(policy_doc, "username_claim"),
		.scope = str(policy_doc, "scope"),
		.leeway = json_integer_value(json_object_get(policy_doc,
							     "leeway")),
		.now = now,
	};
}

/* parse -> select -> verify -> claims, as the mechanism will */
static enum sk_reason run_token(const json_t *v, struct sk_jwt_claims *c,
				bool *kid_ok)
{
	const json_t *tv = json_object_get(v, "token");
	const json_t *kid = json_object_get(v, "kid");
	size_t len = json_string_length(tv);
	char *copy = malloc(len > 0 ? len : 1);
	struct sk_jws j;
	struct sk_jwt_policy p;
	const struct sk_jwk *key;
	enum sk_reason why;

	*kid_ok = true;
	memset(c, 0, sizeof(*c));
	CU_ASSERT_FATAL(copy != NULL);
	/* exact-size heap copy, no NUL: any over-read is reported */
	memcpy(copy, json_string_value(tv), len);
	if (sk_jws_parse(copy, len, &j, &why) != SK_OK)
		goto out;
	/* the script's record of the kid agrees with what was parsed */
	if (json_is_string(kid))
		*kid_ok = j.has_kid && strcmp(j.kid, json_string_value(kid)) == 0;
	else
		*kid_ok = !j.has_kid;
	key = select_key(&j);
	if (key == NULL)
		why = SK_R_UNKNOWN_KID;
	else if ((why = sk_jws_verify(&j, key)) == SK_R_OK) {
		p = policy_at(json_integer_value(json_object_get(v, "now")));
		why = sk_jwt_check_claims(j.claims, &p, c);
	}
	sk_jws_clear(&j);
out:
	free(copy);
	return why;
}

static void test_jwks_as_published(void)
{
	static const struct {
		const char *kid;
		enum sk_jwk_alg alg;
	} pins[] = {
		{ "rsa-rs256", SK_ALG_RS256 },	/* no "alg": first RSA allowed */
		{ "rsa-rs384", SK_ALG_RS384 },
		{ "rsa-ps256", SK_ALG_PS256 },
		{ "rsa-ps384", SK_ALG_PS384 },
		{ "rsa3072-rs512", SK_ALG_RS512 },
		{ "rsa3072-ps512", SK_ALG_PS512 },
		{ "ec-p256", SK_ALG_ES256 },	/* by curve */
		{ "ec-p384", SK_ALG_ES384 },
		{ "ec-p521", SK_ALG_ES512 },	/* by curve */
		{ "ed-1", SK_ALG_EDDSA },
	};
	size_t i, k, kidless = 0;

	CU_ASSERT_EQUAL(nkeys, (size_t)json_integer_value(json_object_get(
				       policy_doc, "nkeys")));
	CU_ASSERT_EQUAL(nallowed, 10);
	for (i = 0; i < SK_N_ELEMENTS(pins); i++) {
		bool found = false;

		for (k = 0; k < nkeys; k++)
			if (strcmp(keys[k].kid, pins[i].kid) == 0) {
				found = true;
				CU_ASSERT_EQUAL(keys[k].alg, pins[i].alg);
			}
		CU_ASSERT(found);
	}
	for (k = 0; k < nkeys; k++)
		kidless += !keys[k].has_kid;
	CU_ASSERT_EQUAL(kidless, 1);
}

static void test_tokens(void)
{
	size_t i, failures = 0;

	for (i = 0; i < json_array_size(tokens); i++) {
		const json_t *v = json_array_get(tokens, i);
		const char *want = str(v, "expect");
		struct sk_jwt_claims c;
		bool kid_ok;
		enum sk_reason r = run_token(v, &c, &kid_ok);
		bool ok = strcmp(sk_reason_str(r), want) == 0 && kid_ok;

		if (ok && r == SK_R_OK)
			ok = strcmp(c.user, str(v, "user")) == 0;
		if (!ok) {
			/* the vector's name, never the token */
			fprintf(stderr, "  vector %s: got %s, want %s%s\n",
				str(v, "name"), sk_reason_str(r), want,
				kid_ok ? "" : " (kid differs)");
			failures++;
		}
	}
	CU_ASSERT_EQUAL(failures, 0);
}

/* the vector set itself: nothing silently missing from the script */
static void test_coverage(void)
{
	static const char *const reasons[] = {
		"ok", "malformed", "unknown_kid", "alg_not_allowed",
		"bad_signature", "expired", "not_yet_valid", "wrong_audience",
		"wrong_issuer", "missing_scope",
	};
	static const char *const required[] = {
		"ok-RS256", "ok-RS384", "ok-RS512", "ok-PS256", "ok-PS384",
		"ok-PS512", "ok-ES256", "ok-ES384", "ok-ES512", "ok-EdDSA",
		"typ-absent", "typ-JWT", "typ-at+jwt", "typ-application/at+jwt",
		"alg-none", "alg-None", "hmac-confusion-HS256", "ES384-on-P-256",
		"RS256-on-PS256-key", "kid-unknown", "kid-path", "kid-quotes",
		"jku-attacker-kid", "x5u-attacker-kid", "jwk-attacker-kid",
		"jku-legit-kid", "jwk-legit-kid", "crit-exp", "expired",
		"nbf-future", "iat-future", "exp-missing", "exp-string",
		"iss-wrong", "aud-wrong", "aud-array-wrong",
		"aud-array-contains", "scope-missing", "scp-array",
		"user-missing", "user-not-string", "dup-claim-sub",
		"dup-header-alg", "len-1MiB", "len-max", "pad-signature",
		"stray-space", "stray-plus", "stray-slash", "segments-2",
		"segments-4", "sig-truncated-RS256", "ES256-r0-s0", "ES256-r0",
		"ES256-s0", "ES256-r=s=n", "ES256-high-S",
	};
	size_t i, j, n = json_array_size(tokens);

	CU_ASSERT(n >= 150);
	for (i = 0; i < SK_N_ELEMENTS(reasons); i++) {
		size_t count = 0;

		for (j = 0; j < n; j++)
			count += strcmp(str(json_array_get(tokens, j),
					    "expect"),
					reasons[i]) == 0;
		if (count == 0)
			fprintf(stderr, "  no vector expects %s\n", reasons[i]);
		CU_ASSERT(count > 0);
	}
	for (i = 0; i < SK_N_ELEMENTS(required); i++) {
		bool found = false;

		for (j = 0; j < n && !found; j++)
			found = strcmp(str(json_array_get(tokens, j), "name"),
				       required[i]) == 0;
		if (!found)
			fprintf(stderr, "  vector %s missing\n", required[i]);
		CU_ASSERT(found);
	}
	/* names are unique, so a failure report is unambiguous */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			CU_ASSERT(strcmp(str(json_array_get(tokens, i), "name"),
					 str(json_array_get(tokens, j),
					     "name")) != 0);
}

/* each bad key alone, and inside the good JWKS (all or nothing) */
static void test_bad_keys(void)
{
	char path[700], err[300], *buf, *jwks_text;
	size_t i, len, jl;
	json_t *jwks_doc;

	snprintf(path, sizeof(path), "%s/jwks.json", outdir);
	jwks_text = sk_test_read_file(path, &jl);
	CU_ASSERT_FATAL(jwks_text != NULL);
	jwks_doc = json_loadb(jwks_text, jl, 0, NULL);
	CU_ASSERT_FATAL(jwks_doc != NULL);
	free(jwks_text);
	CU_ASSERT(json_array_size(badkeys) >= 6);

	for (i = 0; i < json_array_size(badkeys); i++) {
		const json_t *b = json_array_get(badkeys, i);
		struct sk_jwk *k = (struct sk_jwk *)1;
		size_t n = 7;
		json_t *doc, *bad, *list;
		char *text;
		int st;

		snprintf(path, sizeof(path), "%s/%s", outdir, str(b, "file"));
		buf = sk_test_read_file(path, &len);
		CU_ASSERT_FATAL(buf != NULL);
		st = sk_jwks_import(buf, len, allowed, nallowed, &k, &n, err,
				    sizeof(err));
		if (st != SK_INVALID || strstr(err, str(b, "err")) == NULL)
			fprintf(stderr, "  bad key %s: st %d, err \"%s\"\n",
				str(b, "name"), st, err);
		CU_ASSERT_EQUAL(st, SK_INVALID);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, str(b, "err")));
		CU_ASSERT(strncmp(err, "key 0 (", 7) == 0);
		CU_ASSERT_PTR_NULL(k);
		CU_ASSERT_EQUAL(n, 0);

		/* appended to the issuer's good JWKS: the whole set fails and
		 * the message names the index */
		bad = json_loadb(buf, len, 0, NULL);
		doc = json_deep_copy(jwks_doc);
		list = json_object_get(doc, "keys");
		json_array_append_new(list, bad);
		text = json_dumps(doc, JSON_COMPACT);
		snprintf(path, sizeof(path), "key %zu (",
			 json_array_size(list) - 1);
		st = sk_jwks_import(text, strlen(text), allowed, nallowed, &k,
				    &n, err, sizeof(err));
		CU_ASSERT_EQUAL(st, SK_INVALID);
		CU_ASSERT(strncmp(err, path, strlen(path)) == 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, str(b, "err")));
		free(text);
		json_decref(doc);
		free(buf);
	}
	json_decref(jwks_doc);
}

/* what a store keeps (k.json) re-imports to the same keys and pins */
static void test_reimport_stored(void)
{
	size_t i;

	for (i = 0; i < nkeys; i++) {
		json_t *j = json_loads(keys[i].json, 0, NULL);
		struct sk_jwk k;
		char err[300];

		CU_ASSERT_FATAL(j != NULL);
		CU_ASSERT_EQUAL(sk_jwk_import(j, allowed, nallowed, &k, err,
					      sizeof(err)),
				SK_OK);
		CU_ASSERT_EQUAL(k.alg, keys[i].alg);
		CU_ASSERT_STRING_EQUAL(k.kid, keys[i].kid);
		CU_ASSERT_EQUAL(EVP_PKEY_eq(k.pkey, keys[i].pkey), 1);
		sk_jwk_clear(&k);
		json_decref(j);
	}
}

SK_SUITE(jose_vectors, vectors_init, vectors_cleanup,
	 SK_TEST(test_jwks_as_published),
	 SK_TEST(test_tokens),
	 SK_TEST(test_coverage),
	 SK_TEST(test_bad_keys),
	 SK_TEST(test_reimport_stored))
