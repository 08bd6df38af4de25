/* saslkey tests - common/jwk.c import rules and common/jws.c verification,
 * with keys generated here by OpenSSL and signed here */
#include "b64url.h"
#include "jwk.h"
#include "jws.h"
#include "reason.h"
#include "status.h"
#include "sktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

enum { K_RSA, K_RSA1024, K_P256, K_P384, K_P521, K_ED, K_X25519, K_COUNT };

static EVP_PKEY *pkeys[K_COUNT];
static json_t *jwks[K_COUNT];	/* public JWK of each, no kid, no alg */

static const enum sk_jwk_alg all_algs[] = {
	SK_ALG_RS256, SK_ALG_RS384, SK_ALG_RS512, SK_ALG_PS256, SK_ALG_PS384,
	SK_ALG_PS512, SK_ALG_ES256, SK_ALG_ES384, SK_ALG_ES512, SK_ALG_EDDSA,
};

/* ------------------------------------------------------------ helpers */

static json_t *b64_json(const unsigned char *p, size_t n)
{
	char buf[2048];

	if (sk_b64url_encode(p, n, buf, sizeof(buf)) == 0 && n > 0)
		return NULL;
	return json_string(buf);
}

static json_t *bn_json(EVP_PKEY *pk, const char *param, int pad)
{
	BIGNUM *bn = NULL;
	unsigned char buf[1100];
	int n;
	json_t *j = NULL;

	if (EVP_PKEY_get_bn_param(pk, param, &bn) != 1)
		return NULL;
	n = pad > 0 ? BN_bn2binpad(bn, buf, pad) : BN_bn2bin(bn, buf);
	if (n > 0)
		j = b64_json(buf, (size_t)n);
	BN_free(bn);
	return j;
}

/* the public JWK of pk, built from OpenSSL's parameters */
static json_t *export_jwk(EVP_PKEY *pk)
{
	json_t *o = json_object();
	unsigned char raw[64];
	size_t rl = sizeof(raw);
	char group[32];

	if (EVP_PKEY_is_a(pk, "RSA")) {
		json_object_set_new(o, "kty", json_string("RSA"));
		json_object_set_new(o, "n", bn_json(pk, OSSL_PKEY_PARAM_RSA_N, 0));
		json_object_set_new(o, "e", bn_json(pk, OSSL_PKEY_PARAM_RSA_E, 0));
	} else if (EVP_PKEY_is_a(pk, "EC")) {
		int size = (EVP_PKEY_get_bits(pk) + 7) / 8;

		EVP_PKEY_get_group_name(pk, group, sizeof(group), NULL);
		json_object_set_new(o, "kty", json_string("EC"));
		json_object_set_new(o, "crv",
				    json_string(strcmp(group, "prime256v1") == 0 ?
							"P-256" :
						strcmp(group, "secp384r1") == 0 ?
							"P-384" :
							"P-521"));
		json_object_set_new(o, "x",
				    bn_json(pk, OSSL_PKEY_PARAM_EC_PUB_X, size));
		json_object_set_new(o, "y",
				    bn_json(pk, OSSL_PKEY_PARAM_EC_PUB_Y, size));
	} else {
		EVP_PKEY_get_raw_public_key(pk, raw, &rl);
		json_object_set_new(o, "kty", json_string("OKP"));
		json_object_set_new(o, "crv",
				    json_string(EVP_PKEY_is_a(pk, "ED25519") ?
							"Ed25519" :
							"X25519"));
		json_object_set_new(o, "x", b64_json(raw, rl));
	}
	return o;
}

static int keys_init(void)
{
	size_t i;

	pkeys[K_RSA] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	pkeys[K_RSA1024] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	pkeys[K_P256] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	pkeys[K_P384] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	pkeys[K_P521] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
	pkeys[K_ED] = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	pkeys[K_X25519] = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	for (i = 0; i < K_COUNT; i++) {
		if (pkeys[i] == NULL)
			return -1;
		jwks[i] = export_jwk(pkeys[i]);
		if (jwks[i] == NULL)
			return -1;
	}
	return 0;
}

static int keys_cleanup(void)
{
	size_t i;

	for (i = 0; i < K_COUNT; i++) {
		EVP_PKEY_free(pkeys[i]);
		json_decref(jwks[i]);
		pkeys[i] = NULL;
		jwks[i] = NULL;
	}
	return 0;
}

/* a copy of key k's JWK with members removed and set ("set" is JSON) */
static json_t *jwk_with(int k, const char *del, const char *set)
{
	json_t *j = json_deep_copy(jwks[k]);
	json_error_t e;

	CU_ASSERT_FATAL(j != NULL);
	if (del != NULL)
		json_object_del(j, del);
	if (set != NULL) {
		json_t *s = json_loads(set, 0, &e);

		if (s == NULL)
			fprintf(stderr, "  bad row JSON %s: %s\n", set, e.text);
		CU_ASSERT_FATAL(s != NULL);
		json_object_update(j, s);
		json_decref(s);
	}
	return j;
}

/* replace member name (base64url) by its decoding with byte i xor-ed */
static void flip_member(json_t *j, const char *name, size_t i)
{
	unsigned char buf[1100];
	size_t n;
	const json_t *v = json_object_get(j, name);

	CU_ASSERT_FATAL(sk_b64url_decode(json_string_value(v),
					 json_string_length(v), buf,
					 sizeof(buf), &n) == SK_OK);
	CU_ASSERT_FATAL(i < n || i == (size_t)-1);
	buf[i == (size_t)-1 ? n - 1 : i] ^= 1;
	json_object_set_new(j, name, b64_json(buf, n));
}

/* ------------------------------------------------------------ jose_jwk */

static void test_alg_names(void)
{
	static const char *const bad[] = {
		"none", "None", "HS256", "HS384", "HS512", "rs256", "RS256 ",
		" RS256", "RS25", "RS2566", "", "ES256K", "Ed25519", "EDDSA",
		"RSA-OAEP", "dir",
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(all_algs); i++) {
		const char *n = sk_jwk_alg_name(all_algs[i]);

		CU_ASSERT_EQUAL(sk_jwk_alg_parse(n, strlen(n)), all_algs[i]);
		CU_ASSERT_PTR_NOT_NULL(sk_jwk_alg_info(all_algs[i]));
	}
	CU_ASSERT_STRING_EQUAL(sk_jwk_alg_name(SK_ALG_EDDSA), "EdDSA");
	CU_ASSERT_STRING_EQUAL(sk_jwk_alg_name(SK_ALG_PS384), "PS384");
	for (i = 0; i < SK_N_ELEMENTS(bad); i++)
		CU_ASSERT_EQUAL(sk_jwk_alg_parse(bad[i], strlen(bad[i])),
				SK_ALG_NONE);
	/* the length counts: no prefix match, no NUL tricks */
	CU_ASSERT_EQUAL(sk_jwk_alg_parse("RS2560", 5), SK_ALG_RS256);
	CU_ASSERT_EQUAL(sk_jwk_alg_parse("RS256", 4), SK_ALG_NONE);
	CU_ASSERT_EQUAL(sk_jwk_alg_parse("RS256\0", 6), SK_ALG_NONE);
	CU_ASSERT_EQUAL(sk_jwk_alg_parse(NULL, 0), SK_ALG_NONE);
	CU_ASSERT_STRING_EQUAL(sk_jwk_alg_name(SK_ALG_NONE), "none");
	CU_ASSERT_STRING_EQUAL(sk_jwk_alg_name(SK_ALG_COUNT), "none");
	CU_ASSERT_PTR_NULL(sk_jwk_alg_info(SK_ALG_NONE));
	CU_ASSERT_PTR_NULL(sk_jwk_alg_info((enum sk_jwk_alg)-1));
}

static void test_import_each_type(void)
{
	static const struct {
		int key;
		enum sk_jwk_alg pin;
	} v[] = {
		{ K_RSA, SK_ALG_RS256 }, { K_P256, SK_ALG_ES256 },
		{ K_P384, SK_ALG_ES384 }, { K_P521, SK_ALG_ES512 },
		{ K_ED, SK_ALG_EDDSA },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(v); i++) {
		struct sk_jwk k;
		char err[200];
		json_t *j = jwk_with(v[i].key, NULL, "{\"kid\":\"key-1\"}");

		CU_ASSERT_EQUAL_FATAL(sk_jwk_import(j, all_algs,
						    SK_N_ELEMENTS(all_algs), &k,
						    err, sizeof(err)),
				      SK_OK);
		CU_ASSERT_STRING_EQUAL(err, "");
		CU_ASSERT_EQUAL(k.alg, v[i].pin);
		CU_ASSERT(k.has_kid);
		CU_ASSERT_STRING_EQUAL(k.kid, "key-1");
		CU_ASSERT_EQUAL(EVP_PKEY_eq(k.pkey, pkeys[v[i].key]), 1);
		CU_ASSERT_PTR_NOT_NULL(k.json);
		sk_jwk_clear(&k);
		CU_ASSERT_PTR_NULL(k.pkey);
		CU_ASSERT_PTR_NULL(k.json);
		sk_jwk_clear(&k);
		json_decref(j);
	}
}

/* the pin: JWK "alg" if present, else the first fitting allowed alg */
static void test_pinning(void)
{
	static const enum sk_jwk_alg ps_first[] = { SK_ALG_ES256, SK_ALG_PS256,
						    SK_ALG_RS256 };
	static const enum sk_jwk_alg rs512_first[] = { SK_ALG_EDDSA,
						       SK_ALG_RS512,
						       SK_ALG_PS256 };
	static const enum sk_jwk_alg no_rsa[] = { SK_ALG_ES256, SK_ALG_EDDSA };
	static const enum sk_jwk_alg rs256_only[] = { SK_ALG_RS256 };
	static const enum sk_jwk_alg rs256_384[] = { SK_ALG_RS256,
						     SK_ALG_RS384 };
	static const enum sk_jwk_alg es256_only[] = { SK_ALG_ES256 };
	static const enum sk_jwk_alg eddsa_only[] = { SK_ALG_EDDSA };
	static const struct {
		const char *name;
		int key;
		const char *set;
		const enum sk_jwk_alg *allowed;
		size_t nallowed;
		enum sk_jwk_alg pin;	/* SK_ALG_NONE: refused with err */
		const char *err;
	} v[] = {
#define AL(a) a, SK_N_ELEMENTS(a)
		{ "rsa-first-ps", K_RSA, NULL, AL(ps_first), SK_ALG_PS256, NULL },
		{ "rsa-first-rs512", K_RSA, NULL, AL(rs512_first), SK_ALG_RS512,
		  NULL },
		{ "rsa-none-allowed", K_RSA, NULL, AL(no_rsa), SK_ALG_NONE,
		  "no RSA algorithm (RS* or PS*) is in the issuer's allowed "
		  "algorithms" },
		{ "rsa-alg-control", K_RSA, "{\"alg\":\"RS384\"}", AL(rs256_384),
		  SK_ALG_RS384, NULL },
		{ "rsa-alg-not-allowed", K_RSA, "{\"alg\":\"RS384\"}",
		  AL(rs256_only), SK_ALG_NONE,
		  "alg RS384 is not in the issuer's allowed algorithms" },
		{ "rsa-alg-PS512", K_RSA, "{\"alg\":\"PS512\"}", AL(all_algs),
		  SK_ALG_PS512, NULL },
		{ "rsa-alg-ES256", K_RSA, "{\"alg\":\"ES256\"}", AL(all_algs),
		  SK_ALG_NONE, "alg ES256 does not fit this RSA key" },
		{ "rsa-alg-EdDSA", K_RSA, "{\"alg\":\"EdDSA\"}", AL(all_algs),
		  SK_ALG_NONE, "alg EdDSA does not fit this RSA key" },
		{ "rsa-alg-HS256", K_RSA, "{\"alg\":\"HS256\"}", AL(all_algs),
		  SK_ALG_NONE, "alg \"HS256\" is not supported" },
		{ "rsa-alg-none", K_RSA, "{\"alg\":\"none\"}", AL(all_algs),
		  SK_ALG_NONE, "alg \"none\" is not supported" },
		{ "rsa-alg-lower", K_RSA, "{\"alg\":\"rs256\"}", AL(all_algs),
		  SK_ALG_NONE, "alg \"rs256\" is not supported" },
		{ "rsa-alg-number", K_RSA, "{\"alg\":256}", AL(all_algs),
		  SK_ALG_NONE, "\"alg\" is not a string" },
		{ "p256-control", K_P256, NULL, AL(es256_only), SK_ALG_ES256,
		  NULL },
		{ "p256-alg-control", K_P256, "{\"alg\":\"ES256\"}",
		  AL(all_algs), SK_ALG_ES256, NULL },
		{ "p256-not-allowed", K_P256, NULL, AL(rs256_only), SK_ALG_NONE,
		  "P-256 keys need alg ES256, which is not in the issuer's "
		  "allowed algorithms" },
		{ "p256-alg-ES384", K_P256, "{\"alg\":\"ES384\"}", AL(all_algs),
		  SK_ALG_NONE, "alg ES384 does not fit this EC P-256 key" },
		{ "p256-alg-RS256", K_P256, "{\"alg\":\"RS256\"}", AL(all_algs),
		  SK_ALG_NONE, "alg RS256 does not fit this EC P-256 key" },
		{ "p384-alg-ES256", K_P384, "{\"alg\":\"ES256\"}", AL(all_algs),
		  SK_ALG_NONE, "alg ES256 does not fit this EC P-384 key" },
		{ "p521-alg-ES512", K_P521, "{\"alg\":\"ES512\"}", AL(all_algs),
		  SK_ALG_ES512, NULL },
		{ "ed-control", K_ED, NULL, AL(eddsa_only), SK_ALG_EDDSA, NULL },
		{ "ed-not-allowed", K_ED, NULL, AL(rs256_only), SK_ALG_NONE,
		  "Ed25519 keys need alg EdDSA, which is not in the issuer's "
		  "allowed algorithms" },
		{ "ed-alg-ES256", K_ED, "{\"alg\":\"ES256\"}", AL(all_algs),
		  SK_ALG_NONE, "alg ES256 does not fit this Ed25519 key" },
		{ "empty-allowed", K_P256, NULL, NULL, 0, SK_ALG_NONE,
		  "P-256 keys need alg ES256, which is not in the issuer's "
		  "allowed algorithms" },
#undef AL
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(v); i++) {
		struct sk_jwk k;
		char err[200];
		json_t *j = jwk_with(v[i].key, NULL, v[i].set);
		int st = sk_jwk_import(j, v[i].allowed, v[i].nallowed, &k, err,
				       sizeof(err));
		bool ok = v[i].pin != SK_ALG_NONE ?
				  st == SK_OK && k.alg == v[i].pin :
				  st == SK_INVALID &&
					  strcmp(err, v[i].err) == 0 &&
					  k.pkey == NULL;

		if (!ok)
			fprintf(stderr, "  pin row %s: st %d alg %s err \"%s\"\n",
				v[i].name, st, sk_jwk_alg_name(k.alg), err);
		CU_ASSERT(ok);
		sk_jwk_clear(&k);
		json_decref(j);
	}
}

/* every refusal, with the exact one-line message, after a control */
static void test_refusals(void)
{
	static const struct {
		const char *name;
		int key;
		const char *del;
		const char *set;
		const char *err;	/* NULL: accepted (control) */
	} v[] = {
		{ "rsa-control", K_RSA, NULL, NULL, NULL },
		{ "rsa-1024", K_RSA1024, NULL, NULL,
		  "RSA modulus is 1024 bits; at least 2048 are required" },
		{ "kty-missing", K_RSA, "kty", NULL,
		  "\"kty\" is missing or not a string" },
		{ "kty-number", K_RSA, NULL, "{\"kty\":1}",
		  "\"kty\" is missing or not a string" },
		{ "kty-lower", K_RSA, NULL, "{\"kty\":\"rsa\"}",
		  "unsupported key type \"rsa\"" },
		{ "kty-oct", K_RSA, NULL, "{\"kty\":\"oct\",\"k\":\"AAAA\"}",
		  "key type \"oct\" refused: symmetric keys are never accepted" },
		{ "kty-oct-no-k", K_RSA, NULL, "{\"kty\":\"oct\"}",
		  "key type \"oct\" refused: symmetric keys are never accepted" },
		{ "kty-garbage", K_RSA, NULL,
		  "{\"kty\":\"a\\\"b\\nc\\u00e9xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
		  "unsupported key type \"a?b?c??xxxxxxxxxxxxxxxxxxxxxxxxx...\"" },
		{ "private-d", K_RSA, NULL, "{\"d\":\"AQAB\"}",
		  "member \"d\" present: this is a private key; publish only "
		  "the public key" },
		{ "private-p", K_RSA, NULL, "{\"p\":\"AQAB\"}",
		  "member \"p\" present: this is a private key; publish only "
		  "the public key" },
		{ "private-q", K_RSA, NULL, "{\"q\":\"AQAB\"}",
		  "member \"q\" present: this is a private key; publish only "
		  "the public key" },
		{ "private-dp", K_RSA, NULL, "{\"dp\":\"AQAB\"}",
		  "member \"dp\" present: this is a private key; publish only "
		  "the public key" },
		{ "private-dq", K_RSA, NULL, "{\"dq\":\"AQAB\"}",
		  "member \"dq\" present: this is a private key; publish only "
		  "the public key" },
		{ "private-qi", K_RSA, NULL, "{\"qi\":\"AQAB\"}",
		  "member \"qi\" present: this is a private key; publish only "
		  "the public key" },
		{ "private-oth", K_RSA, NULL, "{\"oth\":[]}",
		  "member \"oth\" present: this is a private key; publish only "
		  "the public key" },
		{ "private-ec-d", K_P256, NULL, "{\"d\":\"AQAB\"}",
		  "member \"d\" present: this is a private key; publish only "
		  "the public key" },
		{ "private-ed-d", K_ED, NULL, "{\"d\":\"AQAB\"}",
		  "member \"d\" present: this is a private key; publish only "
		  "the public key" },
		{ "private-k", K_P256, NULL, "{\"k\":\"AQAB\"}",
		  "member \"k\" present: this is a private key; publish only "
		  "the public key" },
		{ "use-sig", K_RSA, NULL, "{\"use\":\"sig\"}", NULL },
		{ "use-enc", K_RSA, NULL, "{\"use\":\"enc\"}",
		  "\"use\" is not \"sig\": only signature keys are accepted" },
		{ "use-SIG", K_RSA, NULL, "{\"use\":\"SIG\"}",
		  "\"use\" is not \"sig\": only signature keys are accepted" },
		{ "use-number", K_RSA, NULL, "{\"use\":1}",
		  "\"use\" is not \"sig\": only signature keys are accepted" },
		{ "key-ops-verify", K_P256, NULL,
		  "{\"key_ops\":[\"sign\",\"verify\"]}", NULL },
		{ "key-ops-sign", K_P256, NULL, "{\"key_ops\":[\"sign\"]}",
		  "\"key_ops\" does not include \"verify\"" },
		{ "key-ops-empty", K_P256, NULL, "{\"key_ops\":[]}",
		  "\"key_ops\" does not include \"verify\"" },
		{ "key-ops-string", K_P256, NULL, "{\"key_ops\":\"verify\"}",
		  "\"key_ops\" is not an array" },
		{ "kid-path", K_P256, NULL, "{\"kid\":\"../../dev/null\"}", NULL },
		{ "kid-empty", K_P256, NULL, "{\"kid\":\"\"}",
		  "\"kid\" is empty" },
		{ "kid-number", K_P256, NULL, "{\"kid\":1}",
		  "\"kid\" is not a string" },
		{ "kid-tab", K_P256, NULL, "{\"kid\":\"a\\tb\"}",
		  "\"kid\" contains control characters" },
		{ "kid-del", K_P256, NULL, "{\"kid\":\"a\\u007f\"}",
		  "\"kid\" contains control characters" },
		{ "rsa-e-missing", K_RSA, "e", NULL,
		  "RSA exponent \"e\" is missing or invalid" },
		{ "rsa-e-one", K_RSA, NULL, "{\"e\":\"AQ\"}",
		  "RSA exponent \"e\" is missing or invalid" },
		{ "rsa-e-even", K_RSA, NULL, "{\"e\":\"AQAA\"}",
		  "RSA exponent \"e\" is missing or invalid" },
		{ "rsa-e-zero", K_RSA, NULL, "{\"e\":\"AA\"}",
		  "RSA exponent \"e\" is missing or invalid" },
		{ "rsa-e-empty", K_RSA, NULL, "{\"e\":\"\"}",
		  "RSA exponent \"e\" is missing or invalid" },
		{ "rsa-e-padded", K_RSA, NULL, "{\"e\":\"AQAB=\"}",
		  "RSA exponent \"e\" is missing or invalid" },
		{ "rsa-e-9-bytes", K_RSA, NULL, "{\"e\":\"AQAAAAAAAAAB\"}",
		  "RSA exponent \"e\" is missing or invalid" },
		{ "rsa-e-leading-zero", K_RSA, NULL, "{\"e\":\"AAEAAQ\"}", NULL },
		{ "rsa-e-number", K_RSA, NULL, "{\"e\":65537}",
		  "RSA exponent \"e\" is missing or invalid" },
		{ "rsa-n-missing", K_RSA, "n", NULL,
		  "RSA modulus \"n\" is missing or not a string" },
		{ "rsa-n-number", K_RSA, NULL, "{\"n\":5}",
		  "RSA modulus \"n\" is missing or not a string" },
		{ "rsa-n-std-base64", K_RSA, NULL, "{\"n\":\"AQ+/\"}",
		  "RSA modulus \"n\" is not strict base64url" },
		{ "rsa-n-small", K_RSA, NULL, "{\"n\":\"AQAB\"}",
		  "RSA modulus is 17 bits; at least 2048 are required" },
		{ "ec-crv-missing", K_P256, "crv", NULL,
		  "unsupported curve \"\" (EC keys must be P-256, P-384 or "
		  "P-521)" },
		{ "ec-crv-k1", K_P256, NULL, "{\"crv\":\"secp256k1\"}",
		  "unsupported curve \"secp256k1\" (EC keys must be P-256, "
		  "P-384 or P-521)" },
		{ "ec-crv-lower", K_P256, NULL, "{\"crv\":\"p-256\"}",
		  "unsupported curve \"p-256\" (EC keys must be P-256, P-384 "
		  "or P-521)" },
		{ "ec-crv-Ed25519", K_P256, NULL, "{\"crv\":\"Ed25519\"}",
		  "unsupported curve \"Ed25519\" (EC keys must be P-256, P-384 "
		  "or P-521)" },
		{ "ec-x-missing", K_P256, "x", NULL,
		  "EC coordinate \"x\" must be exactly 32 bytes for P-256" },
		{ "ec-y-missing", K_P256, "y", NULL,
		  "EC coordinate \"y\" must be exactly 32 bytes for P-256" },
		{ "ec-x-31", K_P256, NULL,
		  "{\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
		  "EC coordinate \"x\" must be exactly 32 bytes for P-256" },
		{ "ec-x-33", K_P256, NULL,
		  "{\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
		  "EC coordinate \"x\" must be exactly 32 bytes for P-256" },
		{ "ec-p384-as-p256", K_P384, NULL, "{\"crv\":\"P-256\"}",
		  "EC coordinate \"x\" must be exactly 32 bytes for P-256" },
		{ "ec-p256-as-p521", K_P256, NULL, "{\"crv\":\"P-521\"}",
		  "EC coordinate \"x\" must be exactly 66 bytes for P-521" },
		{ "ec-y-number", K_P256, NULL, "{\"y\":1}",
		  "EC coordinate \"y\" must be exactly 32 bytes for P-256" },
		{ "okp-x25519", K_X25519, NULL, NULL,
		  "unsupported curve \"X25519\" (OKP keys must be Ed25519)" },
		{ "okp-ed448", K_ED, NULL, "{\"crv\":\"Ed448\"}",
		  "unsupported curve \"Ed448\" (OKP keys must be Ed25519)" },
		{ "okp-x-short", K_ED, NULL, "{\"x\":\"AAAA\"}",
		  "Ed25519 public key \"x\" must be exactly 32 bytes" },
		{ "okp-x-missing", K_ED, "x", NULL,
		  "Ed25519 public key \"x\" must be exactly 32 bytes" },
		{ "okp-as-ec", K_ED, NULL, "{\"kty\":\"EC\"}",
		  "unsupported curve \"Ed25519\" (EC keys must be P-256, P-384 "
		  "or P-521)" },
		{ "ed-control", K_ED, NULL, "{\"use\":\"sig\"}", NULL },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(v); i++) {
		struct sk_jwk k;
		char err[200];
		json_t *j = jwk_with(v[i].key, v[i].del, v[i].set);
		int st = sk_jwk_import(j, all_algs, SK_N_ELEMENTS(all_algs), &k,
				       err, sizeof(err));
		bool ok = v[i].err == NULL ?
				  st == SK_OK && k.pkey != NULL :
				  st == SK_INVALID && k.pkey == NULL &&
					  k.json == NULL &&
					  strcmp(err, v[i].err) == 0;

		if (!ok)
			fprintf(stderr, "  refusal row %s: st %d err \"%s\"\n",
				v[i].name, st, err);
		CU_ASSERT(ok);
		sk_jwk_clear(&k);
		json_decref(j);
	}
}

/* corrupted key material: off-curve points, even moduli, oversize */
static void test_bad_material(void)
{
	struct sk_jwk k;
	char err[200];
	json_t *j;
	int curves[] = { K_P256, K_P384, K_P521 };
	static const char *const crv[] = { "P-256", "P-384", "P-521" };
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(curves); i++) {
		char want[64];

		j = jwk_with(curves[i], NULL, NULL);
		CU_ASSERT_EQUAL(sk_jwk_import(j, all_algs,
					      SK_N_ELEMENTS(all_algs), &k, err,
					      sizeof(err)),
				SK_OK);
		sk_jwk_clear(&k);
		flip_member(j, "y", (size_t)-1);
		snprintf(want, sizeof(want), "EC point is not on curve %s",
			 crv[i]);
		CU_ASSERT_EQUAL(sk_jwk_import(j, all_algs,
					      SK_N_ELEMENTS(all_algs), &k, err,
					      sizeof(err)),
				SK_INVALID);
		CU_ASSERT_STRING_EQUAL(err, want);
		/* nothing of the key in the message */
		CU_ASSERT(strstr(err, json_string_value(json_object_get(j, "x"))) ==
			  NULL);
		json_decref(j);
	}
	/* the point at infinity has no affine form */
	j = jwk_with(K_P256, NULL,
		     "{\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
		     "\"y\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}");
	CU_ASSERT_EQUAL(sk_jwk_import(j, all_algs, SK_N_ELEMENTS(all_algs), &k,
				      err, sizeof(err)),
			SK_INVALID);
	CU_ASSERT_STRING_EQUAL(err, "EC point is not on curve P-256");
	json_decref(j);

	/* an even modulus: OpenSSL's public check refuses it */
	j = jwk_with(K_RSA, NULL, NULL);
	flip_member(j, "n", (size_t)-1);
	CU_ASSERT_EQUAL(sk_jwk_import(j, all_algs, SK_N_ELEMENTS(all_algs), &k,
				      err, sizeof(err)),
			SK_INVALID);
	CU_ASSERT_STRING_EQUAL(err, "RSA public key failed validation");
	json_decref(j);

	/* a modulus above 16384 bits is refused before decoding */
	{
		size_t len = sk_b64url_encoded_len(2049) + 4;
		char *big = malloc(len + 1);

		CU_ASSERT_FATAL(big != NULL);
		memset(big, 'A', len);
		big[0] = '_';
		big[len] = '\0';
		j = jwk_with(K_RSA, NULL, NULL);
		json_object_set_new(j, "n", json_string(big));
		CU_ASSERT_EQUAL(sk_jwk_import(j, all_algs,
					      SK_N_ELEMENTS(all_algs), &k, err,
					      sizeof(err)),
				SK_INVALID);
		CU_ASSERT_STRING_EQUAL(err, "RSA modulus is larger than 16384 "
					    "bits");
		json_decref(j);
		free(big);
	}
	/* a leading zero byte on n is tolerated (seen in the wild) */
	{
		unsigned char nb[300];
		size_t nl;
		const json_t *nv;

		j = jwk_with(K_RSA, NULL, NULL);
		nv = json_object_get(j, "n");
		CU_ASSERT_FATAL(sk_b64url_decode(json_string_value(nv),
						 json_string_length(nv), nb + 1,
						 sizeof(nb) - 1, &nl) == SK_OK);
		nb[0] = 0;
		json_object_set_new(j, "n", b64_json(nb, nl + 1));
		CU_ASSERT_EQUAL(sk_jwk_import(j, all_algs,
					      SK_N_ELEMENTS(all_algs), &k, err,
					      sizeof(err)),
				SK_OK);
		CU_ASSERT_EQUAL(EVP_PKEY_eq(k.pkey, pkeys[K_RSA]), 1);
		sk_jwk_clear(&k);
		json_decref(j);
	}
	/* not an object */
	j = json_array();
	CU_ASSERT_EQUAL(sk_jwk_import(j, all_algs, SK_N_ELEMENTS(all_algs), &k,
				      err, sizeof(err)),
			SK_INVALID);
	CU_ASSERT_STRING_EQUAL(err, "JWK is not a JSON object");
	CU_ASSERT_EQUAL(sk_jwk_import(NULL, all_algs, SK_N_ELEMENTS(all_algs),
				      &k, err, sizeof(err)),
			SK_INVALID);
	json_decref(j);
}

/* err is optional and truncated safely */
static void test_err_buffer(void)
{
	struct sk_jwk k;
	char err[8];

	memset(err, 'x', sizeof(err));
	CU_ASSERT_EQUAL(sk_jwk_import(jwks[K_RSA1024], all_algs,
				      SK_N_ELEMENTS(all_algs), &k, err,
				      sizeof(err)),
			SK_INVALID);
	CU_ASSERT_STRING_EQUAL(err, "RSA mod");
	CU_ASSERT_EQUAL(sk_jwk_import(jwks[K_RSA1024], all_algs,
				      SK_N_ELEMENTS(all_algs), &k, NULL, 0),
			SK_INVALID);
	CU_ASSERT_EQUAL(sk_jwk_import(jwks[K_RSA], all_algs,
				      SK_N_ELEMENTS(all_algs), &k, NULL, 0),
			SK_OK);
	sk_jwk_clear(&k);
}

/* the stored form: only the defining members, the pin made explicit */
static void test_canonical_json(void)
{
	static const int keys[] = { K_RSA, K_P256, K_P521, K_ED };
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(keys); i++) {
		struct sk_jwk k, k2;
		char err[200];
		json_t *j = jwk_with(keys[i], NULL,
				     "{\"kid\":\"c1\",\"use\":\"sig\","
				     "\"key_ops\":[\"verify\"],"
				     "\"x5c\":[\"AAAA\"],\"x5t\":\"AAAA\","
				     "\"ext\":true,\"custom\":{\"a\":1}}");
		json_t *parsed;
		const char *name;
		json_t *val;
		json_error_t e;

		CU_ASSERT_EQUAL_FATAL(sk_jwk_import(j, all_algs,
						    SK_N_ELEMENTS(all_algs), &k,
						    err, sizeof(err)),
				      SK_OK);
		parsed = json_loads(k.json, JSON_REJECT_DUPLICATES, &e);
		CU_ASSERT_FATAL(parsed != NULL);
		json_object_foreach(parsed, name, val) {
			CU_ASSERT(strstr(" kty kid alg use n e crv x y ",
					 name) != NULL);
			/* every kept member is the original value */
			if (strcmp(name, "alg") != 0)
				CU_ASSERT(json_equal(val,
						     json_object_get(j, name)));
		}
		CU_ASSERT_STRING_EQUAL(
			json_string_value(json_object_get(parsed, "alg")),
			sk_jwk_alg_name(k.alg));
		CU_ASSERT_PTR_NULL(json_object_get(parsed, "key_ops"));
		CU_ASSERT_PTR_NULL(json_object_get(parsed, "x5c"));
		/* re-import: same key, same pin, same text */
		CU_ASSERT_EQUAL_FATAL(sk_jwk_import(parsed, all_algs,
						    SK_N_ELEMENTS(all_algs),
						    &k2, err, sizeof(err)),
				      SK_OK);
		CU_ASSERT_EQUAL(k2.alg, k.alg);
		CU_ASSERT_STRING_EQUAL(k2.kid, "c1");
		CU_ASSERT_EQUAL(EVP_PKEY_eq(k.pkey, k2.pkey), 1);
		CU_ASSERT_STRING_EQUAL(k.json, k2.json);
		sk_jwk_clear(&k2);
		sk_jwk_clear(&k);
		json_decref(parsed);
		json_decref(j);
	}
	/* the pin survives a changed preference order on re-import */
	{
		static const enum sk_jwk_alg ps_first[] = { SK_ALG_PS256,
							    SK_ALG_RS256 };
		struct sk_jwk k, k2;
		char err[200];
		json_t *parsed;

		CU_ASSERT_EQUAL_FATAL(sk_jwk_import(jwks[K_RSA], all_algs,
						    SK_N_ELEMENTS(all_algs), &k,
						    err, sizeof(err)),
				      SK_OK);
		CU_ASSERT_EQUAL(k.alg, SK_ALG_RS256);
		parsed = json_loads(k.json, 0, NULL);
		CU_ASSERT_EQUAL(sk_jwk_import(parsed, ps_first, 2, &k2, err,
					      sizeof(err)),
				SK_OK);
		CU_ASSERT_EQUAL(k2.alg, SK_ALG_RS256);
		sk_jwk_clear(&k2);
		/* and the original, without "alg", would have pinned PS256 */
		CU_ASSERT_EQUAL(sk_jwk_import(jwks[K_RSA], ps_first, 2, &k2, err,
					      sizeof(err)),
				SK_OK);
		CU_ASSERT_EQUAL(k2.alg, SK_ALG_PS256);
		sk_jwk_clear(&k2);
		sk_jwk_clear(&k);
		json_decref(parsed);
	}
}

static char *dump_keys(json_t *arr)
{
	json_t *doc = json_pack("{sO}", "keys", arr);
	char *s = json_dumps(doc, JSON_COMPACT);

	json_decref(doc);
	CU_ASSERT_FATAL(s != NULL);
	return s;
}

static json_t *kid_jwk(int key, const char *kid)
{
	json_t *j = json_deep_copy(jwks[key]);

	if (kid != NULL)
		json_object_set_new(j, "kid", json_string(kid));
	return j;
}

static void test_jwks_import(void)
{
	struct sk_jwk *keys;
	size_t n, i;
	char err[300], *s;
	json_t *arr = json_array();

	json_array_append_new(arr, kid_jwk(K_P256, "a"));
	json_array_append_new(arr, kid_jwk(K_RSA, "b"));
	json_array_append_new(arr, kid_jwk(K_ED, NULL));
	json_array_append_new(arr, kid_jwk(K_P384, NULL));
	s = dump_keys(arr);
	CU_ASSERT_EQUAL_FATAL(sk_jwks_import(s, strlen(s), all_algs,
					     SK_N_ELEMENTS(all_algs), &keys, &n,
					     err, sizeof(err)),
			      SK_OK);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_STRING_EQUAL(keys[0].kid, "a");
	CU_ASSERT_EQUAL(keys[1].alg, SK_ALG_RS256);
	CU_ASSERT_FALSE(keys[2].has_kid);
	CU_ASSERT_EQUAL(keys[3].alg, SK_ALG_ES384);
	sk_jwks_free(keys, n);
	free(s);

	/* all or nothing: one weak key fails the set, and is named */
	json_array_append_new(arr, kid_jwk(K_RSA1024, "weak"));
	s = dump_keys(arr);
	keys = (struct sk_jwk *)1;
	n = 99;
	CU_ASSERT_EQUAL(sk_jwks_import(s, strlen(s), all_algs,
				       SK_N_ELEMENTS(all_algs), &keys, &n, err,
				       sizeof(err)),
			SK_INVALID);
	CU_ASSERT_STRING_EQUAL(err, "key 4 (kid \"weak\"): RSA modulus is 1024 "
				    "bits; at least 2048 are required");
	CU_ASSERT_PTR_NULL(keys);
	CU_ASSERT_EQUAL(n, 0);
	free(s);
	json_array_remove(arr, 4);

	json_array_append_new(arr, kid_jwk(K_X25519, NULL));
	s = dump_keys(arr);
	CU_ASSERT_EQUAL(sk_jwks_import(s, strlen(s), all_algs,
				       SK_N_ELEMENTS(all_algs), &keys, &n, err,
				       sizeof(err)),
			SK_INVALID);
	CU_ASSERT_STRING_EQUAL(err, "key 4 (no kid): unsupported curve "
				    "\"X25519\" (OKP keys must be Ed25519)");
	free(s);
	json_array_remove(arr, 4);

	/* duplicate kid, even on a different key */
	json_array_append_new(arr, kid_jwk(K_P521, "a"));
	s = dump_keys(arr);
	CU_ASSERT_EQUAL(sk_jwks_import(s, strlen(s), all_algs,
				       SK_N_ELEMENTS(all_algs), &keys, &n, err,
				       sizeof(err)),
			SK_INVALID);
	CU_ASSERT_STRING_EQUAL(err, "key 4 (kid \"a\"): duplicate kid (also "
				    "key 0)");
	free(s);
	json_array_remove(arr, 4);
	json_decref(arr);

	/* a bare JWK */
	s = json_dumps(jwks[K_P256], JSON_COMPACT);
	CU_ASSERT_EQUAL(sk_jwks_import(s, strlen(s), all_algs,
				       SK_N_ELEMENTS(all_algs), &keys, &n, err,
				       sizeof(err)),
			SK_OK);
	CU_ASSERT_EQUAL(n, 1);
	sk_jwks_free(keys, n);
	free(s);

	/* 64 keys, and 65 */
	arr = json_array();
	for (i = 0; i < SK_JWKS_MAX_KEYS; i++) {
		char kid[16];

		snprintf(kid, sizeof(kid), "k%zu", i);
		json_array_append_new(arr, kid_jwk(K_ED, kid));
	}
	s = dump_keys(arr);
	CU_ASSERT_EQUAL(sk_jwks_import(s, strlen(s), all_algs,
				       SK_N_ELEMENTS(all_algs), &keys, &n, err,
				       sizeof(err)),
			SK_OK);
	CU_ASSERT_EQUAL(n, SK_JWKS_MAX_KEYS);
	sk_jwks_free(keys, n);
	free(s);
	json_array_append_new(arr, kid_jwk(K_ED, "one-more"));
	s = dump_keys(arr);
	CU_ASSERT_EQUAL(sk_jwks_import(s, strlen(s), all_algs,
				       SK_N_ELEMENTS(all_algs), &keys, &n, err,
				       sizeof(err)),
			SK_INVALID);
	CU_ASSERT_STRING_EQUAL(err, "JWKS has more than 64 keys");
	free(s);
	json_decref(arr);
}

static void test_jwks_document(void)
{
	static const struct {
		const char *doc;
		const char *err;
	} v[] = {
		{ "{\"keys\":[]}", "JWKS has no keys" },
		{ "{\"keys\":{}}", "JWKS \"keys\" is not an array" },
		{ "[]", "JWKS is not a JSON object" },
		{ "{\"keys\":[1]}", "key 0 (no kid): JWK is not a JSON object" },
		{ "{\"keys\":[]", "JWKS is not valid JSON (line 1, column 10)" },
		{ "{\"keys\":[],\"keys\":[]}",
		  "JWKS has a duplicate member name (line 1, column 17)" },
		{ "{\"keys\":[{\"kty\":\"EC\",\"kty\":\"EC\"}]}",
		  "JWKS has a duplicate member name (line 1, column 26)" },
		{ "{}", "key 0 (no kid): \"kty\" is missing or not a string" },
	};
	struct sk_jwk *keys;
	size_t n, i, big;
	char err[300], *s, *buf;

	for (i = 0; i < SK_N_ELEMENTS(v); i++) {
		int st = sk_jwks_import(v[i].doc, strlen(v[i].doc), all_algs,
					SK_N_ELEMENTS(all_algs), &keys, &n, err,
					sizeof(err));

		if (st != SK_INVALID || strcmp(err, v[i].err) != 0)
			fprintf(stderr, "  jwks doc %zu: st %d err \"%s\"\n", i,
				st, err);
		CU_ASSERT_EQUAL(st, SK_INVALID);
		CU_ASSERT_STRING_EQUAL(err, v[i].err);
	}
	CU_ASSERT_EQUAL(sk_jwks_import("", 0, all_algs, 1, &keys, &n, err,
				       sizeof(err)),
			SK_INVALID);
	CU_ASSERT_STRING_EQUAL(err, "JWKS is empty");
	CU_ASSERT_EQUAL(sk_jwks_import(NULL, 5, all_algs, 1, &keys, &n, err,
				       sizeof(err)),
			SK_INVALID);

	/* the size cap, padded with JSON whitespace: at the cap, one over */
	s = json_dumps(jwks[K_P256], JSON_COMPACT);
	big = SK_JWKS_MAX_LEN + 1;
	buf = malloc(big);
	CU_ASSERT_FATAL(buf != NULL);
	memset(buf, ' ', big);
	memcpy(buf, s, strlen(s));
	CU_ASSERT_EQUAL(sk_jwks_import(buf, SK_JWKS_MAX_LEN, all_algs,
				       SK_N_ELEMENTS(all_algs), &keys, &n, err,
				       sizeof(err)),
			SK_OK);
	sk_jwks_free(keys, n);
	CU_ASSERT_EQUAL(sk_jwks_import(buf, big, all_algs,
				       SK_N_ELEMENTS(all_algs), &keys, &n, err,
				       sizeof(err)),
			SK_INVALID);
	CU_ASSERT_STRING_EQUAL(err, "JWKS is larger than 256 KiB");
	free(buf);
	free(s);
}

/* a refused key leaves the thread's OpenSSL error queue as it was */
static void test_error_queue_untouched(void)
{
	struct sk_jwk k;
	char err[200];
	json_t *j = jwk_with(K_P256, NULL, NULL);

	ERR_clear_error();
	flip_member(j, "y", (size_t)-1);
	CU_ASSERT_EQUAL(sk_jwk_import(j, all_algs, SK_N_ELEMENTS(all_algs), &k,
				      err, sizeof(err)),
			SK_INVALID);
	CU_ASSERT_EQUAL(ERR_peek_error(), 0);
	/* an error the host had queued is still there */
	ERR_raise(ERR_LIB_SSL, 42);
	CU_ASSERT_EQUAL(sk_jwk_import(j, all_algs, SK_N_ELEMENTS(all_algs), &k,
				      err, sizeof(err)),
			SK_INVALID);
	CU_ASSERT_EQUAL(ERR_GET_REASON(ERR_peek_last_error()), 42);
	ERR_clear_error();
	json_decref(j);
}

/* ------------------------------------------------------------ jose_verify */

struct signer {
	int saltlen;		/* PSS; RSA_PSS_SALTLEN_DIGEST normally */
	const char *mgf1;	/* PSS; NULL: same as the digest */
	bool der;		/* ECDSA: leave DER instead of raw r||s */
};

static const struct signer normal = { .saltlen = RSA_PSS_SALTLEN_DIGEST };

/* sign data as alg with pk; raw JWS signature bytes into sig */
static size_t sign_as(enum sk_jwk_alg alg, EVP_PKEY *pk, const char *data,
		      size_t n, unsigned char *sig, size_t cap,
		      const struct signer *how)
{
	const struct sk_jwk_alg_info *ai = sk_jwk_alg_info(alg);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL;
	unsigned char der[256];
	size_t len = sizeof(der);

	CU_ASSERT_FATAL(m != NULL && ai != NULL);
	CU_ASSERT_FATAL(EVP_DigestSignInit_ex(m, &pc, ai->md, NULL, NULL, pk,
					      NULL) == 1);
	if (ai->kty == SK_KTY_RSA && ai->pss) {
		CU_ASSERT_FATAL(EVP_PKEY_CTX_set_rsa_padding(
					pc, RSA_PKCS1_PSS_PADDING) == 1);
		CU_ASSERT_FATAL(EVP_PKEY_CTX_set_rsa_pss_saltlen(
					pc, how->saltlen) == 1);
		CU_ASSERT_FATAL(EVP_PKEY_CTX_set_rsa_mgf1_md_name(
					pc, how->mgf1 ? how->mgf1 : ai->md,
					NULL) == 1);
	}
	if (ai->kty == SK_KTY_EC) {
		ECDSA_SIG *es;
		const unsigned char *p = der;
		const BIGNUM *r, *s;

		CU_ASSERT_FATAL(EVP_DigestSign(m, der, &len,
					       (const unsigned char *)data,
					       n) == 1);
		EVP_MD_CTX_free(m);
		if (how->der) {
			memcpy(sig, der, len);
			return len;
		}
		es = d2i_ECDSA_SIG(NULL, &p, (long)len);
		CU_ASSERT_FATAL(es != NULL);
		ECDSA_SIG_get0(es, &r, &s);
		BN_bn2binpad(r, sig, (int)ai->coord_len);
		BN_bn2binpad(s, sig + ai->coord_len, (int)ai->coord_len);
		ECDSA_SIG_free(es);
		return 2 * ai->coord_len;
	}
	len = cap;
	CU_ASSERT_FATAL(EVP_DigestSign(m, sig, &len, (const unsigned char *)data,
				       n) == 1);
	EVP_MD_CTX_free(m);
	return len;
}

/* parse "hdr.payload.sig" built from the given raw signature */
static char *assemble(const char *si, const unsigned char *sig, size_t n)
{
	size_t cap = strlen(si) + 1 + sk_b64url_encoded_len(n) + 1;
	char *t = malloc(cap);

	CU_ASSERT_FATAL(t != NULL);
	memcpy(t, si, strlen(si));
	t[strlen(si)] = '.';
	sk_b64url_encode(sig, n, t + strlen(si) + 1, cap - strlen(si) - 1);
	return t;
}

static char *signing_input(enum sk_jwk_alg alg, const char *claims)
{
	char hdr[128], h64[256], p64[512], *si;
	size_t n;

	snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"kid\":\"k\",\"typ\":"
		 "\"at+jwt\"}", sk_jwk_alg_name(alg));
	sk_b64url_encode((const unsigned char *)hdr, strlen(hdr), h64,
			 sizeof(h64));
	sk_b64url_encode((const unsigned char *)claims, strlen(claims), p64,
			 sizeof(p64));
	n = strlen(h64) + strlen(p64) + 2;
	si = malloc(n);
	CU_ASSERT_FATAL(si != NULL);
	snprintf(si, n, "%s.%s", h64, p64);
	return si;
}

/* verify sig (raw bytes) over a token for alg against key */
static enum sk_reason verify_raw(enum sk_jwk_alg alg, const char *si,
				 const unsigned char *sig, size_t n,
				 const struct sk_jwk *key)
{
	char *t = assemble(si, sig, n);
	struct sk_jws j;
	enum sk_reason why, r;

	if (sk_jws_parse(t, strlen(t), &j, &why) != SK_OK) {
		free(t);
		return why;
	}
	CU_ASSERT_EQUAL(j.alg, alg);
	r = sk_jws_verify(&j, key);
	sk_jws_clear(&j);
	free(t);
	return r;
}

static int key_for(enum sk_jwk_alg a)
{
	const struct sk_jwk_alg_info *ai = sk_jwk_alg_info(a);

	if (ai->kty == SK_KTY_RSA)
		return K_RSA;
	if (ai->kty == SK_KTY_OKP)
		return K_ED;
	return ai->coord_len == 32 ? K_P256 : ai->coord_len == 48 ? K_P384 :
								   K_P521;
}

/* import key k pinned to alg (JWK "alg" set) */
static void import_pinned(int k, enum sk_jwk_alg alg, struct sk_jwk *out)
{
	char set[64], err[200];
	json_t *j;

	snprintf(set, sizeof(set), "{\"alg\":\"%s\",\"kid\":\"k\"}",
		 sk_jwk_alg_name(alg));
	j = jwk_with(k, NULL, set);
	CU_ASSERT_FATAL(sk_jwk_import(j, all_algs, SK_N_ELEMENTS(all_algs), out,
				      err, sizeof(err)) == SK_OK);
	json_decref(j);
}

static void test_verify_every_alg(void)
{
	static const char claims[] = "{\"sub\":\"alice\",\"exp\":2000000000}";
	size_t i, b;

	for (i = 0; i < SK_N_ELEMENTS(all_algs); i++) {
		enum sk_jwk_alg alg = all_algs[i];
		struct sk_jwk key;
		unsigned char sig[600];
		char *si = signing_input(alg, claims), *t;
		size_t n;
		struct sk_jws j;
		enum sk_reason why;

		import_pinned(key_for(alg), alg, &key);
		n = sign_as(alg, pkeys[key_for(alg)], si, strlen(si), sig,
			    sizeof(sig), &normal);
		if (verify_raw(alg, si, sig, n, &key) != SK_R_OK)
			fprintf(stderr, "  verify %s failed\n",
				sk_jwk_alg_name(alg));
		CU_ASSERT_EQUAL(verify_raw(alg, si, sig, n, &key), SK_R_OK);

		/* one flipped bit anywhere in the signature */
		for (b = 0; b < n; b += n / 7 + 1) {
			sig[b] ^= 0x80;
			CU_ASSERT_EQUAL(verify_raw(alg, si, sig, n, &key),
					SK_R_BAD_SIGNATURE);
			sig[b] ^= 0x80;
		}
		/* the same signature over other claims */
		t = signing_input(alg, "{\"sub\":\"mallory\",\"exp\":2000000000}");
		CU_ASSERT_EQUAL(verify_raw(alg, t, sig, n, &key),
				SK_R_BAD_SIGNATURE);
		free(t);

		/* a key pinned to alg verifies nothing else, even from a
		 * header that claims the other alg for a good signature */
		t = assemble(si, sig, n);
		CU_ASSERT_EQUAL_FATAL(sk_jws_parse(t, strlen(t), &j, &why),
				      SK_OK);
		CU_ASSERT_EQUAL(sk_jws_verify(&j, &key), SK_R_OK);
		for (b = 0; b < SK_N_ELEMENTS(all_algs); b++) {
			if (all_algs[b] == alg)
				continue;
			j.alg = all_algs[b];
			CU_ASSERT_EQUAL(sk_jws_verify(&j, &key),
					SK_R_ALG_NOT_ALLOWED);
		}
		j.alg = SK_ALG_NONE;
		CU_ASSERT_EQUAL(sk_jws_verify(&j, &key), SK_R_ALG_NOT_ALLOWED);
		j.alg = alg;
		CU_ASSERT_EQUAL(sk_jws_verify(&j, &key), SK_R_OK);
		sk_jws_clear(&j);
		free(t);
		sk_jwk_clear(&key);
		free(si);
	}
}

/* the same RSA key pinned to RS256 refuses a valid PS256 signature */
static void test_verify_pin_same_key(void)
{
	static const char claims[] = "{\"sub\":\"alice\"}";
	struct sk_jwk rs, ps;
	unsigned char sig[600];
	char *si = signing_input(SK_ALG_PS256, claims);
	size_t n;

	import_pinned(K_RSA, SK_ALG_RS256, &rs);
	import_pinned(K_RSA, SK_ALG_PS256, &ps);
	n = sign_as(SK_ALG_PS256, pkeys[K_RSA], si, strlen(si), sig,
		    sizeof(sig), &normal);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_PS256, si, sig, n, &ps), SK_R_OK);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_PS256, si, sig, n, &rs),
			SK_R_ALG_NOT_ALLOWED);
	sk_jwk_clear(&rs);
	sk_jwk_clear(&ps);
	free(si);
}

/* RFC 7518 §3.5: MGF1 with the same hash, salt exactly the hash size */
static void test_verify_pss_parameters(void)
{
	static const char claims[] = "{\"sub\":\"alice\"}";
	static const struct {
		enum sk_jwk_alg alg;
		struct signer how;
		enum sk_reason want;
	} v[] = {
		{ SK_ALG_PS256, { .saltlen = 32 }, SK_R_OK },
		{ SK_ALG_PS256, { .saltlen = 0 }, SK_R_BAD_SIGNATURE },
		{ SK_ALG_PS256, { .saltlen = 31 }, SK_R_BAD_SIGNATURE },
		{ SK_ALG_PS256, { .saltlen = 33 }, SK_R_BAD_SIGNATURE },
		{ SK_ALG_PS256, { .saltlen = RSA_PSS_SALTLEN_MAX },
		  SK_R_BAD_SIGNATURE },
		{ SK_ALG_PS256, { .saltlen = 32, .mgf1 = "SHA1" },
		  SK_R_BAD_SIGNATURE },
		{ SK_ALG_PS384, { .saltlen = 48 }, SK_R_OK },
		{ SK_ALG_PS384, { .saltlen = 32 }, SK_R_BAD_SIGNATURE },
		{ SK_ALG_PS512, { .saltlen = 64 }, SK_R_OK },
		{ SK_ALG_PS512, { .saltlen = 64, .mgf1 = "SHA256" },
		  SK_R_BAD_SIGNATURE },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(v); i++) {
		struct sk_jwk key;
		unsigned char sig[600];
		char *si = signing_input(v[i].alg, claims);
		size_t n;
		enum sk_reason r;

		import_pinned(K_RSA, v[i].alg, &key);
		n = sign_as(v[i].alg, pkeys[K_RSA], si, strlen(si), sig,
			    sizeof(sig), &v[i].how);
		r = verify_raw(v[i].alg, si, sig, n, &key);
		if (r != v[i].want)
			fprintf(stderr, "  pss row %zu: got %s\n", i,
				sk_reason_str(r));
		CU_ASSERT_EQUAL(r, v[i].want);
		sk_jwk_clear(&key);
		free(si);
	}
}

/* an RSA signature is exactly as long as the modulus */
static void test_verify_rsa_length(void)
{
	static const enum sk_jwk_alg algs[] = { SK_ALG_RS256, SK_ALG_PS256 };
	size_t a;

	for (a = 0; a < SK_N_ELEMENTS(algs); a++) {
		struct sk_jwk key;
		unsigned char sig[600], longer[600];
		char claims[64], *si = NULL;
		size_t n = 0, tries;

		import_pinned(K_RSA, algs[a], &key);
		/*
		 * Find a signature with a leading zero byte (1 in 256) by
		 * varying the claims.  Stripped of that byte it is the same
		 * number: OpenSSL's PSS path would take it, sk_jws_verify
		 * must not (one signature, one text).
		 */
		for (tries = 0; tries < 4096; tries++) {
			free(si);
			snprintf(claims, sizeof(claims), "{\"n\":%zu}", tries);
			si = signing_input(algs[a], claims);
			n = sign_as(algs[a], pkeys[K_RSA], si, strlen(si), sig,
				    sizeof(sig), &normal);
			if (sig[0] == 0)
				break;
		}
		CU_ASSERT_FATAL(sig[0] == 0 && n == 256);
		CU_ASSERT_EQUAL(verify_raw(algs[a], si, sig, n, &key), SK_R_OK);
		CU_ASSERT_EQUAL(verify_raw(algs[a], si, sig + 1, n - 1, &key),
				SK_R_BAD_SIGNATURE);
		/* a leading zero added */
		longer[0] = 0;
		memcpy(longer + 1, sig, n);
		CU_ASSERT_EQUAL(verify_raw(algs[a], si, longer, n + 1, &key),
				SK_R_BAD_SIGNATURE);
		/* the last byte cut */
		CU_ASSERT_EQUAL(verify_raw(algs[a], si, sig, n - 1, &key),
				SK_R_BAD_SIGNATURE);
		CU_ASSERT_EQUAL(verify_raw(algs[a], si, sig, 1, &key),
				SK_R_BAD_SIGNATURE);
		sk_jwk_clear(&key);
		free(si);
	}
}

/* raw r||s of exactly 2 x coordinate size; OpenSSL's range checks */
static void test_verify_ecdsa_encoding(void)
{
	static const char claims[] = "{\"sub\":\"alice\"}";
	static const unsigned char n256[32] = {
		0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
		0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
	};
	static const struct signer der = { .der = true };
	struct sk_jwk key, k384;
	unsigned char sig[200], bad[200];
	char *si = signing_input(SK_ALG_ES256, claims);
	size_t n, i;
	BIGNUM *s, *order, *hs;

	import_pinned(K_P256, SK_ALG_ES256, &key);
	n = sign_as(SK_ALG_ES256, pkeys[K_P256], si, strlen(si), sig,
		    sizeof(sig), &normal);
	CU_ASSERT_EQUAL_FATAL(n, 64);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, sig, n, &key), SK_R_OK);

	/* lengths */
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, sig, 63, &key),
			SK_R_BAD_SIGNATURE);
	memcpy(bad, sig, 64);
	bad[64] = 0;
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, bad, 65, &key),
			SK_R_BAD_SIGNATURE);
	n = sign_as(SK_ALG_ES256, pkeys[K_P256], si, strlen(si), bad,
		    sizeof(bad), &der);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, bad, n, &key),
			SK_R_BAD_SIGNATURE);

	/*
	 * A signature whose last byte is 0, cut to 63 bytes: a verifier
	 * that let the zero-filled buffer make up the difference would
	 * accept it.
	 */
	for (i = 0; i < 4096; i++) {
		n = sign_as(SK_ALG_ES256, pkeys[K_P256], si, strlen(si), bad,
			    sizeof(bad), &normal);
		if (bad[63] == 0)
			break;
	}
	CU_ASSERT_FATAL(bad[63] == 0);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, bad, 64, &key), SK_R_OK);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, bad, 63, &key),
			SK_R_BAD_SIGNATURE);

	/* r = 0 and/or s = 0, r or s = n: refused by OpenSSL */
	memset(bad, 0, 64);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, bad, 64, &key),
			SK_R_BAD_SIGNATURE);
	memcpy(bad + 32, sig + 32, 32);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, bad, 64, &key),
			SK_R_BAD_SIGNATURE);
	memcpy(bad, sig, 32);
	memset(bad + 32, 0, 32);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, bad, 64, &key),
			SK_R_BAD_SIGNATURE);
	memcpy(bad, n256, 32);
	memcpy(bad + 32, n256, 32);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, bad, 64, &key),
			SK_R_BAD_SIGNATURE);
	memcpy(bad + 32, sig + 32, 32);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, bad, 64, &key),
			SK_R_BAD_SIGNATURE);
	memset(bad, 0xff, 64);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, bad, 64, &key),
			SK_R_BAD_SIGNATURE);

	/* high-S (n - s): OpenSSL accepts it; recorded here so that a
	 * change in that behaviour is noticed (see jws.h) */
	s = BN_bin2bn(sig + 32, 32, NULL);
	order = BN_bin2bn(n256, 32, NULL);
	hs = BN_new();
	CU_ASSERT_FATAL(s && order && hs && BN_sub(hs, order, s) == 1);
	memcpy(bad, sig, 32);
	BN_bn2binpad(hs, bad + 32, 32);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, bad, 64, &key), SK_R_OK);
	BN_free(s);
	BN_free(order);
	BN_free(hs);

	/* P-384 wants 96 bytes: a 64-byte signature is refused by length */
	import_pinned(K_P384, SK_ALG_ES384, &k384);
	free(si);
	si = signing_input(SK_ALG_ES384, claims);
	n = sign_as(SK_ALG_ES384, pkeys[K_P384], si, strlen(si), sig,
		    sizeof(sig), &normal);
	CU_ASSERT_EQUAL(n, 96);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES384, si, sig, n, &k384), SK_R_OK);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES384, si, sig, 64, &k384),
			SK_R_BAD_SIGNATURE);
	for (i = 0; i < 96; i++)
		bad[i] = 0;
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES384, si, bad, 96, &k384),
			SK_R_BAD_SIGNATURE);
	sk_jwk_clear(&k384);
	sk_jwk_clear(&key);
	free(si);
}

/* a struct sk_jwk filled by hand must still fit its alg */
static void test_verify_hand_made_key(void)
{
	static const char claims[] = "{\"sub\":\"alice\"}";
	unsigned char sig[600];
	char *si = signing_input(SK_ALG_ES256, claims);
	size_t n = sign_as(SK_ALG_ES256, pkeys[K_P256], si, strlen(si), sig,
			   sizeof(sig), &normal);
	char *t = assemble(si, sig, n);
	struct sk_jws j;
	enum sk_reason why;
	struct sk_jwk k = { .alg = SK_ALG_ES256, .pkey = pkeys[K_P256] };

	CU_ASSERT_EQUAL_FATAL(sk_jws_parse(t, strlen(t), &j, &why), SK_OK);
	CU_ASSERT_EQUAL(sk_jws_verify(&j, &k), SK_R_OK);
	k.pkey = pkeys[K_P384];
	CU_ASSERT_EQUAL(sk_jws_verify(&j, &k), SK_R_ALG_NOT_ALLOWED);
	k.pkey = pkeys[K_RSA];
	CU_ASSERT_EQUAL(sk_jws_verify(&j, &k), SK_R_ALG_NOT_ALLOWED);
	k.pkey = pkeys[K_ED];
	CU_ASSERT_EQUAL(sk_jws_verify(&j, &k), SK_R_ALG_NOT_ALLOWED);
	k.pkey = NULL;
	CU_ASSERT_EQUAL(sk_jws_verify(&j, &k), SK_R_INTERNAL);
	CU_ASSERT_EQUAL(sk_jws_verify(&j, NULL), SK_R_INTERNAL);
	CU_ASSERT_EQUAL(sk_jws_verify(NULL, &k), SK_R_INTERNAL);
	sk_jws_clear(&j);
	free(t);
	free(si);

	/* an RSA key under 2048 bits is refused even if built by hand */
	si = signing_input(SK_ALG_RS256, claims);
	n = sign_as(SK_ALG_RS256, pkeys[K_RSA1024], si, strlen(si), sig,
		    sizeof(sig), &normal);
	t = assemble(si, sig, n);
	k.alg = SK_ALG_RS256;
	k.pkey = pkeys[K_RSA1024];
	CU_ASSERT_EQUAL_FATAL(sk_jws_parse(t, strlen(t), &j, &why), SK_OK);
	CU_ASSERT_EQUAL(sk_jws_verify(&j, &k), SK_R_ALG_NOT_ALLOWED);
	/* control: OpenSSL itself would have accepted that signature */
	{
		EVP_MD_CTX *m = EVP_MD_CTX_new();

		CU_ASSERT(EVP_DigestVerifyInit_ex(m, NULL, "SHA256", NULL, NULL,
						  pkeys[K_RSA1024], NULL) == 1);
		CU_ASSERT(EVP_DigestVerify(m, j.sig, j.sig_len,
					   (const unsigned char *)
						   j.signing_input,
					   j.signing_input_len) == 1);
		EVP_MD_CTX_free(m);
	}
	sk_jws_clear(&j);
	free(t);
	free(si);
}

static void test_verify_error_queue(void)
{
	struct sk_jwk key;
	unsigned char zero[64];
	char *si = signing_input(SK_ALG_ES256, "{}");

	import_pinned(K_P256, SK_ALG_ES256, &key);
	memset(zero, 0, sizeof(zero));
	ERR_clear_error();
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, zero, 64, &key),
			SK_R_BAD_SIGNATURE);
	CU_ASSERT_EQUAL(ERR_peek_error(), 0);
	ERR_raise(ERR_LIB_SSL, 42);
	CU_ASSERT_EQUAL(verify_raw(SK_ALG_ES256, si, zero, 64, &key),
			SK_R_BAD_SIGNATURE);
	CU_ASSERT_EQUAL(ERR_GET_REASON(ERR_peek_last_error()), 42);
	ERR_clear_error();
	sk_jwk_clear(&key);
	free(si);
}

SK_SUITE(jose_jwk, keys_init, keys_cleanup,
	 SK_TEST(test_alg_names),
	 SK_TEST(test_import_each_type),
	 SK_TEST(test_pinning),
	 SK_TEST(test_refusals),
	 SK_TEST(test_bad_material),
	 SK_TEST(test_err_buffer),
	 SK_TEST(test_canonical_json),
	 SK_TEST(test_jwks_import),
	 SK_TEST(test_jwks_document),
	 SK_TEST(test_error_queue_untouched))

SK_SUITE(jose_verify, keys_init, keys_cleanup,
	 SK_TEST(test_verify_every_alg),
	 SK_TEST(test_verify_pin_same_key),
	 SK_TEST(test_verify_pss_parameters),
	 SK_TEST(test_verify_rsa_length),
	 SK_TEST(test_verify_ecdsa_encoding),
	 SK_TEST(test_verify_hand_made_key),
	 SK_TEST(test_verify_error_queue))
