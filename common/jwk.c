/* saslkey - JSON Web Keys (RFC 7517, 7518 §6, 8037) for JWT verification */
#include "jwk.h"
#include "b64url.h"
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

static const struct sk_jwk_alg_info algs[SK_ALG_COUNT] = {
	[SK_ALG_RS256] = { .name = "RS256", .kty = SK_KTY_RSA, .md = "SHA256" },
	[SK_ALG_RS384] = { .name = "RS384", .kty = SK_KTY_RSA, .md = "SHA384" },
	[SK_ALG_RS512] = { .name = "RS512", .kty = SK_KTY_RSA, .md = "SHA512" },
	[SK_ALG_PS256] = { .name = "PS256", .kty = SK_KTY_RSA, .pss = true,
			   .md = "SHA256" },
	[SK_ALG_PS384] = { .name = "PS384", .kty = SK_KTY_RSA, .pss = true,
			   .md = "SHA384" },
	[SK_ALG_PS512] = { .name = "PS512", .kty = SK_KTY_RSA, .pss = true,
			   .md = "SHA512" },
	[SK_ALG_ES256] = { .name = "ES256", .kty = SK_KTY_EC, .md = "SHA256",
			   .crv = "P-256", .group = "prime256v1",
			   .coord_len = 32 },
	[SK_ALG_ES384] = { .name = "ES384", .kty = SK_KTY_EC, .md = "SHA384",
			   .crv = "P-384", .group = "secp384r1",
			   .coord_len = 48 },
	[SK_ALG_ES512] = { .name = "ES512", .kty = SK_KTY_EC, .md = "SHA512",
			   .crv = "P-521", .group = "secp521r1",
			   .coord_len = 66 },
	[SK_ALG_EDDSA] = { .name = "EdDSA", .kty = SK_KTY_OKP, .crv = "Ed25519",
			   .coord_len = 32 },
};

/*
 * Members that only a private or symmetric key has (RFC 7518 §6.2.2,
 * §6.3.2, §6.4.1; RFC 8037 §2).  A JWKS that carries one was published by
 * mistake: refusing it makes the operator notice the leak instead of
 * quietly using the public half.
 */
static const char *const private_members[] = {
	"d", "p", "q", "dp", "dq", "qi", "oth", "k",
};

const struct sk_jwk_alg_info *sk_jwk_alg_info(enum sk_jwk_alg a)
{
	if ((unsigned)a >= SK_ALG_COUNT || a == SK_ALG_NONE)
		return NULL;
	return &algs[a];
}

const char *sk_jwk_alg_name(enum sk_jwk_alg a)
{
	const struct sk_jwk_alg_info *ai = sk_jwk_alg_info(a);

	return ai ? ai->name : "none";
}

enum sk_jwk_alg sk_jwk_alg_parse(const char *s, size_t n)
{
	int a;

	if (s == NULL)
		return SK_ALG_NONE;
	for (a = SK_ALG_NONE + 1; a < SK_ALG_COUNT; a++)
		if (strlen(algs[a].name) == n &&
		    memcmp(algs[a].name, s, n) == 0)
			return (enum sk_jwk_alg)a;
	return SK_ALG_NONE;
}

static int fail(char *err, size_t errlen, int st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int st, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return st;
}

/*
 * A short, printable rendering of a JSON string chosen by whoever
 * published the key, for error messages: at most 32 bytes, anything that
 * could break the one-line message (controls, quotes, backslash,
 * non-ASCII) shown as '?'.
 */
#define SHOW_MAX 32
static const char *show(const json_t *s, char buf[SHOW_MAX + 4])
{
	const char *v = json_string_value(s);
	size_t n = json_string_length(s), i;

	if (v == NULL)
		return "";
	for (i = 0; i < n && i < SHOW_MAX; i++) {
		unsigned char c = (unsigned char)v[i];

		buf[i] = (c < 0x20 || c > 0x7e || c == '"' || c == '\\') ?
				 '?' :
				 (char)c;
	}
	if (n > SHOW_MAX)
		memcpy(buf + i, "...", 3), i += 3;
	buf[i] = '\0';
	return buf;
}

static bool str_is(const json_t *s, const char *want)
{
	return json_is_string(s) && json_string_length(s) == strlen(want) &&
	       memcmp(json_string_value(s), want, strlen(want)) == 0;
}

static bool allowed_has(const enum sk_jwk_alg *allowed, size_t n,
			enum sk_jwk_alg a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (allowed[i] == a)
			return true;
	return false;
}

/* strict base64url of a JSON string member into out[0..cap) */
static bool member_b64(const json_t *v, unsigned char *out, size_t cap,
		       size_t *len)
{
	return json_is_string(v) &&
	       sk_b64url_decode(json_string_value(v), json_string_length(v),
				out, cap, len) == SK_OK;
}

/* "kid": opaque, but printable and bounded, since it reaches audit logs */
static int check_kid(const json_t *kid, struct sk_jwk *k, char *err,
		     size_t errlen)
{
	const char *s = json_string_value(kid);
	size_t n = json_string_length(kid), i;

	if (!json_is_string(kid))
		return fail(err, errlen, SK_INVALID, "\"kid\" is not a string");
	if (n == 0)
		return fail(err, errlen, SK_INVALID, "\"kid\" is empty");
	if (n > SK_JWK_KID_MAX)
		return fail(err, errlen, SK_INVALID,
			    "\"kid\" is longer than %d bytes", SK_JWK_KID_MAX);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return fail(err, errlen, SK_INVALID,
				    "\"kid\" contains control characters");
	memcpy(k->kid, s, n);
	k->kid[n] = '\0';
	k->has_kid = true;
	return SK_OK;
}

static int check_usage(const json_t *jwk, char *err, size_t errlen)
{
	const json_t *use = json_object_get(jwk, "use");
	const json_t *ops = json_object_get(jwk, "key_ops");
	size_t i;

	if (use != NULL && !str_is(use, "sig"))
		return fail(err, errlen, SK_INVALID,
			    "\"use\" is not \"sig\": only signature keys are "
			    "accepted");
	if (ops != NULL) {
		if (!json_is_array(ops))
			return fail(err, errlen, SK_INVALID,
				    "\"key_ops\" is not an array");
		for (i = 0; i < json_array_size(ops); i++)
			if (str_is(json_array_get(ops, i), "verify"))
				return SK_OK;
		return fail(err, errlen, SK_INVALID,
			    "\"key_ops\" does not include \"verify\"");
	}
	return SK_OK;
}

static EVP_PKEY *pkey_fromdata(const char *type, const OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pk = NULL;

	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY,
			      (OSSL_PARAM *)params) != 1)
		pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

/*
 * OpenSSL's own public-key validation, for EC: that the point is on the
 * curve and in the right subgroup (an invalid-curve key would let a
 * forged point leak nothing here, since we only verify, but a JWKS with
 * one is broken or hostile).  RSA has its own check: rsa_public_ok.
 */
static bool public_ok(EVP_PKEY *pk)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
	bool ok = ctx != NULL && EVP_PKEY_public_check(ctx) == 1;

	EVP_PKEY_CTX_free(ctx);
	return ok;
}

/*
 * RSA: n odd, without a factor below 1,000, and not prime; e odd, > 1
 * and < n.  Not OpenSSL's public check for RSA: its SP 800-56B test also
 * refuses a modulus whose factor its Miller-Rabin happens to find with a
 * random base, so a broken modulus could pass "saslkey issuer add" and
 * fail the plugin's re-import of the same stored key a moment later (or
 * the other way round) - found by tests/fuzz/fuzz_jwks.c.  These checks
 * give the same answer every time (BN_check_prime errs on a composite
 * with probability below 2^-128).  Not tested: that n is no prime power
 * (OpenSSL has no integer root); such a key is broken, not dangerous to
 * us - whoever publishes the issuer's JWKS can sign its tokens anyway.
 */
static bool rsa_public_ok(const BIGNUM *n, const BIGNUM *e)
{
	BN_CTX *ctx;
	BN_ULONG p, d;
	bool small = false;
	int prime;

	if (!BN_is_odd(n) || !BN_is_odd(e) || BN_is_one(e) || BN_cmp(e, n) >= 0)
		return false;
	/* trial division by the odd numbers below 1,000 covers the primes */
	for (p = 3; p < 1000 && !small; p += 2) {
		d = BN_mod_word(n, p);
		small = d == 0 || d == (BN_ULONG)-1;	/* -1: error */
	}
	if (small || (ctx = BN_CTX_new()) == NULL)
		return false;
	prime = BN_check_prime(n, ctx, NULL);
	BN_CTX_free(ctx);
	return prime == 0;
}

static int import_rsa(const json_t *jwk, EVP_PKEY **pk, char *err,
		      size_t errlen)
{
	/* one spare byte: some publishers keep a leading zero on n */
	unsigned char nb[SK_JWK_RSA_MAX_BITS / 8 + 1], eb[8];
	const json_t *n = json_object_get(jwk, "n");
	const json_t *e = json_object_get(jwk, "e");
	size_t nlen, elen;
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	int bits, st;

	if (!json_is_string(n))
		return fail(err, errlen, SK_INVALID,
			    "RSA modulus \"n\" is missing or not a string");
	if (json_string_length(n) > sk_b64url_encoded_len(sizeof(nb)))
		return fail(err, errlen, SK_INVALID,
			    "RSA modulus is larger than %d bits",
			    SK_JWK_RSA_MAX_BITS);
	if (!member_b64(n, nb, sizeof(nb), &nlen))
		return fail(err, errlen, SK_INVALID,
			    "RSA modulus \"n\" is not strict base64url");
	/* 8 bytes is far above any exponent in use (65537 needs 3) */
	if (!member_b64(e, eb, sizeof(eb), &elen) || elen == 0)
		return fail(err, errlen, SK_INVALID,
			    "RSA exponent \"e\" is missing or invalid");

	bn_n = BN_bin2bn(nb, (int)nlen, NULL);
	bn_e = BN_bin2bn(eb, (int)elen, NULL);
	if (bn_n == NULL || bn_e == NULL) {
		st = SK_NOMEM;
		goto out;
	}
	bits = BN_num_bits(bn_n);
	if (bits < SK_JWK_RSA_MIN_BITS) {
		st = fail(err, errlen, SK_INVALID,
			  "RSA modulus is %d bits; at least %d are required",
			  bits, SK_JWK_RSA_MIN_BITS);
		goto out;
	}
	if (bits > SK_JWK_RSA_MAX_BITS) {
		st = fail(err, errlen, SK_INVALID,
			  "RSA modulus is larger than %d bits",
			  SK_JWK_RSA_MAX_BITS);
		goto out;
	}
	if (!BN_is_odd(bn_e) || BN_is_one(bn_e)) {
		st = fail(err, errlen, SK_INVALID,
			  "RSA exponent \"e\" is missing or invalid");
		goto out;
	}
	if (!rsa_public_ok(bn_n, bn_e)) {
		st = fail(err, errlen, SK_INVALID,
			  "RSA public key failed validation");
		goto out;
	}
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL) {
		st = SK_NOMEM;
		goto out;
	}
	*pk = pkey_fromdata("RSA", params);
	st = *pk != NULL ? SK_OK :
			   fail(err, errlen, SK_INVALID,
				"RSA public key could not be loaded");
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn_n);
	BN_free(bn_e);
	return st;
}

/* the algorithm for an EC "crv" (ES*) or OKP "crv" (EdDSA); NONE if other */
static enum sk_jwk_alg curve_alg(enum sk_jwk_kty kty, const json_t *crv)
{
	int a;

	for (a = SK_ALG_NONE + 1; a < SK_ALG_COUNT; a++)
		if (algs[a].kty == kty && algs[a].crv != NULL &&
		    str_is(crv, algs[a].crv))
			return (enum sk_jwk_alg)a;
	return SK_ALG_NONE;
}

static int import_ec(const json_t *jwk, enum sk_jwk_alg alg, EVP_PKEY **pk,
		     char *err, size_t errlen)
{
	const struct sk_jwk_alg_info *ai = &algs[alg];
	unsigned char pub[1 + 2 * 66];
	char group[16];
	size_t xl, yl;
	OSSL_PARAM params[3];

	/*
	 * RFC 7518 §6.2.1.2: x and y are the full field size, leading zeros
	 * kept.  The exact length also rules out a point of another curve.
	 */
	if (!member_b64(json_object_get(jwk, "x"), pub + 1, ai->coord_len,
			&xl) ||
	    xl != ai->coord_len)
		return fail(err, errlen, SK_INVALID,
			    "EC coordinate \"x\" must be exactly %zu bytes "
			    "for %s",
			    ai->coord_len, ai->crv);
	if (!member_b64(json_object_get(jwk, "y"), pub + 1 + xl, ai->coord_len,
			&yl) ||
	    yl != ai->coord_len)
		return fail(err, errlen, SK_INVALID,
			    "EC coordinate \"y\" must be exactly %zu bytes "
			    "for %s",
			    ai->coord_len, ai->crv);
	pub[0] = 0x04;	/* SEC 1 uncompressed point */
	snprintf(group, sizeof(group), "%s", ai->group);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      pub, 1 + xl + yl);
	params[2] = OSSL_PARAM_construct_end();
	/* decoding the point checks that it lies on the curve */
	*pk = pkey_fromdata("EC", params);
	if (*pk == NULL)
		return fail(err, errlen, SK_INVALID,
			    "EC point is not on curve %s", ai->crv);
	if (!public_ok(*pk))
		return fail(err, errlen, SK_INVALID,
			    "EC public key failed validation");
	return SK_OK;
}

static int import_okp(const json_t *jwk, EVP_PKEY **pk, char *err,
		      size_t errlen)
{
	unsigned char x[32];
	size_t xl;

	if (!member_b64(json_object_get(jwk, "x"), x, sizeof(x), &xl) ||
	    xl != sizeof(x))
		return fail(err, errlen, SK_INVALID,
			    "Ed25519 public key \"x\" must be exactly 32 "
			    "bytes");
	*pk = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, x, xl);
	if (*pk == NULL)
		return fail(err, errlen, SK_INVALID,
			    "Ed25519 public key could not be loaded");
	return SK_OK;
}

static int add_member(json_t *o, const char *name, const json_t *from)
{
	return json_object_set_new(o, name,
				   json_stringn(json_string_value(from),
						json_string_length(from)));
}

/* only the public members that define the key and its pin, in a fixed order */
static char *canonical_json(const json_t *jwk, enum sk_jwk_kty kty,
			    const struct sk_jwk *k)
{
	static const char *const kty_names[] = {
		[SK_KTY_RSA] = "RSA", [SK_KTY_EC] = "EC", [SK_KTY_OKP] = "OKP",
	};
	json_t *o = json_object();
	char *s = NULL;
	int bad = 0;

	if (o == NULL)
		return NULL;
	bad |= json_object_set_new(o, "kty", json_string(kty_names[kty]));
	if (k->has_kid)
		bad |= json_object_set_new(o, "kid", json_string(k->kid));
	bad |= json_object_set_new(o, "alg",
				   json_string(sk_jwk_alg_name(k->alg)));
	if (json_object_get(jwk, "use") != NULL)
		bad |= json_object_set_new(o, "use", json_string("sig"));
	if (kty == SK_KTY_RSA) {
		bad |= add_member(o, "n", json_object_get(jwk, "n"));
		bad |= add_member(o, "e", json_object_get(jwk, "e"));
	} else {
		bad |= add_member(o, "crv", json_object_get(jwk, "crv"));
		bad |= add_member(o, "x", json_object_get(jwk, "x"));
		if (kty == SK_KTY_EC)
			bad |= add_member(o, "y", json_object_get(jwk, "y"));
	}
	if (bad == 0)
		s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static int import_one(const json_t *jwk, const enum sk_jwk_alg *allowed,
		      size_t nallowed, struct sk_jwk *k, char *err,
		      size_t errlen)
{
	char sb[SHOW_MAX + 4];
	const json_t *v;
	enum sk_jwk_kty kty;
	enum sk_jwk_alg want = SK_ALG_NONE, pin = SK_ALG_NONE;
	const char *what;
	size_t i;
	int st;

	if (!json_is_object(jwk))
		return fail(err, errlen, SK_INVALID,
			    "JWK is not a JSON object");

	v = json_object_get(jwk, "kty");
	if (!json_is_string(v))
		return fail(err, errlen, SK_INVALID,
			    "\"kty\" is missing or not a string");
	if (str_is(v, "RSA"))
		kty = SK_KTY_RSA;
	else if (str_is(v, "EC"))
		kty = SK_KTY_EC;
	else if (str_is(v, "OKP"))
		kty = SK_KTY_OKP;
	else if (str_is(v, "oct"))
		return fail(err, errlen, SK_INVALID,
			    "key type \"oct\" refused: symmetric keys are "
			    "never accepted");
	else
		return fail(err, errlen, SK_INVALID,
			    "unsupported key type \"%s\"", show(v, sb));

	for (i = 0; i < SK_N_ELEMENTS(private_members); i++)
		if (json_object_get(jwk, private_members[i]) != NULL)
			return fail(err, errlen, SK_INVALID,
				    "member \"%s\" present: this is a private "
				    "key; publish only the public key",
				    private_members[i]);

	if ((st = check_usage(jwk, err, errlen)) != SK_OK)
		return st;
	v = json_object_get(jwk, "kid");
	if (v != NULL && (st = check_kid(v, k, err, errlen)) != SK_OK)
		return st;

	v = json_object_get(jwk, "alg");
	if (v != NULL) {
		if (!json_is_string(v))
			return fail(err, errlen, SK_INVALID,
				    "\"alg\" is not a string");
		want = sk_jwk_alg_parse(json_string_value(v),
					json_string_length(v));
		if (want == SK_ALG_NONE)
			return fail(err, errlen, SK_INVALID,
				    "alg \"%s\" is not supported",
				    show(v, sb));
		if (!allowed_has(allowed, nallowed, want))
			return fail(err, errlen, SK_INVALID,
				    "alg %s is not in the issuer's allowed "
				    "algorithms",
				    algs[want].name);
	}

	/* choose the pin before touching key material: refusals stay cheap */
	switch (kty) {
	case SK_KTY_RSA:
		what = "RSA";
		if (want != SK_ALG_NONE) {
			pin = algs[want].kty == SK_KTY_RSA ? want : SK_ALG_NONE;
			break;
		}
		for (i = 0; i < nallowed && pin == SK_ALG_NONE; i++)
			if (sk_jwk_alg_info(allowed[i]) != NULL &&
			    algs[allowed[i]].kty == SK_KTY_RSA)
				pin = allowed[i];
		if (pin == SK_ALG_NONE)
			return fail(err, errlen, SK_INVALID,
				    "no RSA algorithm (RS* or PS*) is in the "
				    "issuer's allowed algorithms");
		break;
	case SK_KTY_EC:
	case SK_KTY_OKP:
	default:
		v = json_object_get(jwk, "crv");
		pin = curve_alg(kty, v);
		if (pin == SK_ALG_NONE)
			return fail(err, errlen, SK_INVALID,
				    kty == SK_KTY_EC ?
					    "unsupported curve \"%s\" (EC "
					    "keys must be P-256, P-384 or "
					    "P-521)" :
					    "unsupported curve \"%s\" (OKP "
					    "keys must be Ed25519)",
				    json_is_string(v) ? show(v, sb) : "");
		what = algs[pin].crv;
		if (want != SK_ALG_NONE && want != pin) {
			pin = SK_ALG_NONE;
			break;
		}
		if (!allowed_has(allowed, nallowed, pin))
			return fail(err, errlen, SK_INVALID,
				    "%s keys need alg %s, which is not in the "
				    "issuer's allowed algorithms",
				    what, algs[pin].name);
		break;
	}
	if (pin == SK_ALG_NONE)
		return fail(err, errlen, SK_INVALID,
			    "alg %s does not fit this %s%s key",
			    algs[want].name, kty == SK_KTY_EC ? "EC " : "",
			    what);
	k->alg = pin;

	if (kty == SK_KTY_RSA)
		st = import_rsa(jwk, &k->pkey, err, errlen);
	else if (kty == SK_KTY_EC)
		st = import_ec(jwk, pin, &k->pkey, err, errlen);
	else
		st = import_okp(jwk, &k->pkey, err, errlen);
	if (st != SK_OK)
		return st;

	k->json = canonical_json(jwk, kty, k);
	if (k->json == NULL)
		return fail(err, errlen, SK_NOMEM, "out of memory");
	return SK_OK;
}

int sk_jwk_import(const json_t *jwk, const enum sk_jwk_alg *allowed,
		  size_t nallowed, struct sk_jwk *out, char *err,
		  size_t errlen)
{
	int st;

	memset(out, 0, sizeof(*out));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	/*
	 * A refused key leaves OpenSSL errors on this thread's queue; the
	 * host's TLS code (SSL_get_error) reads that queue, so put it back
	 * the way we found it.
	 */
	ERR_set_mark();
	st = import_one(jwk, allowed, nallowed, out, err, errlen);
	ERR_pop_to_mark();
	if (st != SK_OK)
		sk_jwk_clear(out);
	return st;
}

void sk_jwk_clear(struct sk_jwk *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k->json);
	memset(k, 0, sizeof(*k));
}

void sk_jwks_free(struct sk_jwk *keys, size_t n)
{
	size_t i;

	if (keys == NULL)
		return;
	for (i = 0; i < n; i++)
		sk_jwk_clear(&keys[i]);
	free(keys);
}

/* "kid \"abc\"" or "no kid", for naming a refused key in err */
static const char *describe(const json_t *jwk, char *buf, size_t cap)
{
	char sb[SHOW_MAX + 4];
	const json_t *kid = json_object_get(jwk, "kid");

	if (json_is_string(kid))
		snprintf(buf, cap, "kid \"%s\"", show(kid, sb));
	else
		snprintf(buf, cap, "no kid");
	return buf;
}

int sk_jwks_import(const char *json, size_t len,
		   const enum sk_jwk_alg *allowed, size_t nallowed,
		   struct sk_jwk **keys, size_t *nkeys, char *err,
		   size_t errlen)
{
	char kerr[160], desc[48];
	json_error_t jerr;
	json_t *root;
	const json_t *list;
	struct sk_jwk *arr = NULL;
	size_t n = 0, i, j;
	int st = SK_OK;

	*keys = NULL;
	*nkeys = 0;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (json == NULL || len == 0)
		return fail(err, errlen, SK_INVALID, "JWKS is empty");
	if (len > SK_JWKS_MAX_LEN)
		return fail(err, errlen, SK_INVALID,
			    "JWKS is larger than %d KiB",
			    SK_JWKS_MAX_LEN / 1024);
	/* the position only: jansson's text quotes the input */
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL && json_error_code(&jerr) == json_error_duplicate_key)
		return fail(err, errlen, SK_INVALID,
			    "JWKS has a duplicate member name (line %d, "
			    "column %d)",
			    jerr.line, jerr.column);
	if (root == NULL)
		return fail(err, errlen, SK_INVALID,
			    "JWKS is not valid JSON (line %d, column %d)",
			    jerr.line, jerr.column);
	if (!json_is_object(root)) {
		st = fail(err, errlen, SK_INVALID, "JWKS is not a JSON object");
		goto out;
	}
	list = json_object_get(root, "keys");
	if (list != NULL) {
		if (!json_is_array(list)) {
			st = fail(err, errlen, SK_INVALID,
				  "JWKS \"keys\" is not an array");
			goto out;
		}
		n = json_array_size(list);
	} else {
		n = 1;	/* a bare JWK */
	}
	if (n == 0) {
		st = fail(err, errlen, SK_INVALID, "JWKS has no keys");
		goto out;
	}
	if (n > SK_JWKS_MAX_KEYS) {
		st = fail(err, errlen, SK_INVALID, "JWKS has more than %d keys",
			  SK_JWKS_MAX_KEYS);
		goto out;
	}
	arr = calloc(n, sizeof(*arr));
	if (arr == NULL) {
		st = fail(err, errlen, SK_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		const json_t *jwk = list ? json_array_get(list, i) : root;

		st = sk_jwk_import(jwk, allowed, nallowed, &arr[i], kerr,
				   sizeof(kerr));
		if (st != SK_OK) {
			fail(err, errlen, st, "key %zu (%s): %s", i,
			     describe(jwk, desc, sizeof(desc)), kerr);
			goto out;
		}
		for (j = 0; j < i; j++)
			if (arr[i].has_kid && arr[j].has_kid &&
			    strcmp(arr[i].kid, arr[j].kid) == 0) {
				st = fail(err, errlen, SK_INVALID,
					  "key %zu (%s): duplicate kid (also "
					  "key %zu)",
					  i, describe(jwk, desc, sizeof(desc)),
					  j);
				goto out;
			}
	}
	*keys = arr;
	*nkeys = n;
	arr = NULL;
out:
	sk_jwks_free(arr, n);
	json_decref(root);
	return st;
}
