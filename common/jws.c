/* saslkey - compact JWS (RFC 7515) parsing and signature verification */
#include "jws.h"
#include "b64url.h"
#include "secret.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

/*
 * Accepted "typ" values (RFC 7515 §4.1.9 says compare ignoring case):
 * RFC 9068 access tokens and plain JWTs, which Keycloak and Entra ID
 * issue as access tokens.  Anything else (an ID token's "id+jwt"? a
 * "dpop+jwt" proof, "JOSE") is a different kind of object that must not
 * be accepted as a bearer token (RFC 8725 §3.11).
 */
static const char *const typs[] = {
	"JWT", "at+jwt", "application/at+jwt", "application/jwt",
};

static bool typ_ok(const json_t *typ)
{
	size_t n = json_string_length(typ), i;

	if (!json_is_string(typ))
		return false;
	for (i = 0; i < SK_N_ELEMENTS(typs); i++)
		if (n == strlen(typs[i]) &&
		    strncasecmp(json_string_value(typ), typs[i], n) == 0)
			return true;
	return false;
}

/*
 * One base64url segment into a JSON object.  The decoded bytes go into a
 * heap buffer of exactly their size so that valgrind and ASan see any
 * over-read.  jansson checks UTF-8 and, without JSON_ALLOW_NUL, refuses
 * "\u0000"; duplicate names are refused because RFC 7515 §4 lets other
 * parsers pick the last one, and two readers that disagree about "sub"
 * or "alg" are an attack (RFC 8725 §2.6).
 */
static int segment_json(const char *seg, size_t n, json_t **out)
{
	size_t cap = sk_b64url_decoded_len(n), got;
	unsigned char *buf;
	json_error_t jerr;
	json_t *j;

	*out = NULL;
	if (n % 4 == 1)
		return SK_INVALID;
	buf = malloc(cap > 0 ? cap : 1);
	if (buf == NULL)
		return SK_NOMEM;
	if (sk_b64url_decode(seg, n, buf, cap, &got) != SK_OK) {
		free(buf);
		return SK_INVALID;
	}
	j = json_loadb((const char *)buf, got, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (j == NULL)
		return json_error_code(&jerr) == json_error_out_of_memory ?
			       SK_NOMEM :
			       SK_INVALID;
	if (!json_is_object(j)) {
		json_decref(j);
		return SK_INVALID;
	}
	*out = j;
	return SK_OK;
}

static bool kid_ok(const json_t *kid, struct sk_jws *out)
{
	const char *s = json_string_value(kid);
	size_t n = json_string_length(kid), i;

	if (!json_is_string(kid) || n > SK_JWK_KID_MAX)
		return false;
	/* keys with such kids are refused at import: no match is possible,
	 * and a kid ends up in audit lines */
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	memcpy(out->kid, s, n);
	out->kid[n] = '\0';
	out->has_kid = true;
	return true;
}

/*
 *   token = b64(header) "." b64(payload) "." b64(signature)
 */
static int parse(const char *token, size_t len, struct sk_jws *out,
		 enum sk_reason *why)
{
	const char *end, *d1, *d2;
	const json_t *alg, *kid, *typ;
	size_t hl, pl, sl;
	int st;

	*why = SK_R_TOKEN_MALFORMED;
	/* before anything else, even forming token + len */
	if (token == NULL || len == 0 || len > SK_JWT_MAX_LEN)
		return SK_INVALID;
	end = token + len;
	d1 = memchr(token, '.', len);
	if (d1 == NULL)
		return SK_INVALID;
	d2 = memchr(d1 + 1, '.', (size_t)(end - (d1 + 1)));
	if (d2 == NULL || memchr(d2 + 1, '.', (size_t)(end - (d2 + 1))) != NULL)
		return SK_INVALID;
	hl = (size_t)(d1 - token);
	pl = (size_t)(d2 - (d1 + 1));
	sl = (size_t)(end - (d2 + 1));
	if (hl == 0 || pl == 0)
		return SK_INVALID;

	if ((st = segment_json(token, hl, &out->header)) != SK_OK)
		goto fail;
	alg = json_object_get(out->header, "alg");
	if (!json_is_string(alg))
		return SK_INVALID;
	out->alg = sk_jwk_alg_parse(json_string_value(alg),
				    json_string_length(alg));
	if (out->alg == SK_ALG_NONE) {
		*why = SK_R_ALG_NOT_ALLOWED;
		return SK_INVALID;
	}
	kid = json_object_get(out->header, "kid");
	if (kid != NULL && !kid_ok(kid, out))
		return SK_INVALID;
	/* no extension is understood, so every "crit" lists one we do not
	 * (RFC 7515 §4.1.11) - and an empty or malformed one is invalid */
	if (json_object_get(out->header, "crit") != NULL)
		return SK_INVALID;
	typ = json_object_get(out->header, "typ");
	if (typ != NULL && !typ_ok(typ))
		return SK_INVALID;

	if (sl == 0 ||
	    sk_b64url_decode(d2 + 1, sl, out->sig, sizeof(out->sig),
			     &out->sig_len) != SK_OK)
		return SK_INVALID;
	if ((st = segment_json(d1 + 1, pl, &out->claims)) != SK_OK)
		goto fail;

	out->signing_input = token;
	out->signing_input_len = (size_t)(d2 - token);
	*why = SK_R_OK;
	return SK_OK;
fail:
	if (st == SK_NOMEM)
		*why = SK_R_INTERNAL;
	return st;
}

int sk_jws_parse(const char *token, size_t len, struct sk_jws *out,
		 enum sk_reason *why)
{
	int st;

	memset(out, 0, sizeof(*out));
	st = parse(token, len, out, why);
	if (st != SK_OK)
		sk_jws_clear(out);
	return st;
}

void sk_jws_clear(struct sk_jws *jws)
{
	if (jws == NULL)
		return;
	json_decref(jws->header);
	json_decref(jws->claims);
	/* with the signing input (still in the caller's buffer) the
	 * signature makes a usable bearer token again */
	sk_wipe(jws, sizeof(*jws));
}

/* defence in depth: import pins only fitting keys, but a caller could fill
 * a struct sk_jwk by hand */
static bool key_fits(const struct sk_jwk_alg_info *ai, EVP_PKEY *pk)
{
	char group[32];
	size_t gl;

	switch (ai->kty) {
	case SK_KTY_RSA:
		return EVP_PKEY_is_a(pk, "RSA") &&
		       EVP_PKEY_get_bits(pk) >= SK_JWK_RSA_MIN_BITS;
	case SK_KTY_EC:
		return EVP_PKEY_is_a(pk, "EC") &&
		       EVP_PKEY_get_group_name(pk, group, sizeof(group), &gl) ==
			       1 &&
		       strcmp(group, ai->group) == 0;
	case SK_KTY_OKP:
		return EVP_PKEY_is_a(pk, "ED25519");
	case SK_KTY_NONE:
	default:
		return false;
	}
}

/*
 * JWS carries ECDSA as raw r||s (RFC 7518 §3.4), OpenSSL wants DER.  r and
 * s are not range-checked here: OpenSSL's verify refuses 0 and values
 * >= n, which is what stops "psychic signatures" (CVE-2022-21449).
 */
static int ecdsa_der(const unsigned char *sig, size_t half, unsigned char *der,
		     size_t cap, size_t *derlen)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, (int)half, NULL);
	BIGNUM *s = BN_bin2bn(sig + half, (int)half, NULL);
	unsigned char *p = der;
	int n, st = SK_NOMEM;

	if (es == NULL || r == NULL || s == NULL ||
	    ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL;	/* owned by es now */
	n = i2d_ECDSA_SIG(es, NULL);
	if (n > 0 && (size_t)n <= cap && i2d_ECDSA_SIG(es, &p) == n) {
		*derlen = (size_t)n;
		st = SK_OK;
	}
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return st;
}

/*
 * The digest is named, not pre-fetched: OpenSSL 3.0's signature provider
 * fetches it again by name inside EVP_DigestVerifyInit_ex whatever we pass
 * (and caches the fetch itself), so a process-wide EVP_MD would only add
 * shared state.
 */
static enum sk_reason verify(const struct sk_jwk_alg_info *ai, EVP_PKEY *pk,
			     const unsigned char *sig, size_t siglen,
			     const char *data, size_t datalen)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	enum sk_reason r = SK_R_INTERNAL;

	if (mctx == NULL ||
	    EVP_DigestVerifyInit_ex(mctx, &pctx, ai->md, NULL, NULL, pk,
				    NULL) != 1)
		goto out;
	if (ai->kty == SK_KTY_RSA && ai->pss) {
		/* RFC 7518 §3.5: MGF1 with the same hash, salt exactly as
		 * long as the hash (SALTLEN_DIGEST is exact when verifying) */
		if (EVP_PKEY_CTX_set_rsa_padding(pctx,
						 RSA_PKCS1_PSS_PADDING) != 1 ||
		    EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, ai->md,
						      NULL) != 1 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(
			    pctx, RSA_PSS_SALTLEN_DIGEST) != 1)
			goto out;
	} else if (ai->kty == SK_KTY_RSA) {
		if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
			goto out;
	}
	r = EVP_DigestVerify(mctx, sig, siglen, (const unsigned char *)data,
			     datalen) == 1 ?
		    SK_R_OK :
		    SK_R_BAD_SIGNATURE;
out:
	EVP_MD_CTX_free(mctx);
	return r;
}

static enum sk_reason verify_key(const struct sk_jwk_alg_info *ai,
				 const struct sk_jws *jws, EVP_PKEY *pk)
{
	/* P-521 worst case: 2 x (66 + 1 + 3) + 3 */
	unsigned char der[2 * (66 + 4) + 8];
	size_t derlen;
	int st;

	switch (ai->kty) {
	case SK_KTY_RSA:
		/*
		 * OpenSSL's PSS path takes a short signature as a number with
		 * leading zeros: demand the full length, so there is one
		 * signature text per signature.
		 */
		if (jws->sig_len != (size_t)EVP_PKEY_get_size(pk))
			return SK_R_BAD_SIGNATURE;
		break;
	case SK_KTY_EC:
		if (jws->sig_len != 2 * ai->coord_len)
			return SK_R_BAD_SIGNATURE;
		st = ecdsa_der(jws->sig, ai->coord_len, der, sizeof(der),
			       &derlen);
		if (st != SK_OK)
			return SK_R_INTERNAL;
		return verify(ai, pk, der, derlen, jws->signing_input,
			      jws->signing_input_len);
	case SK_KTY_OKP:
		if (jws->sig_len != 64)
			return SK_R_BAD_SIGNATURE;
		break;
	case SK_KTY_NONE:
	default:
		return SK_R_ALG_NOT_ALLOWED;
	}
	return verify(ai, pk, jws->sig, jws->sig_len, jws->signing_input,
		      jws->signing_input_len);
}

enum sk_reason sk_jws_verify(const struct sk_jws *jws, const struct sk_jwk *key)
{
	const struct sk_jwk_alg_info *ai;
	enum sk_reason r;

	if (jws == NULL || key == NULL || key->pkey == NULL ||
	    jws->signing_input == NULL)
		return SK_R_INTERNAL;
	/* the key decides the algorithm; the header may only agree with it */
	ai = sk_jwk_alg_info(jws->alg);
	if (ai == NULL || jws->alg != key->alg || !key_fits(ai, key->pkey))
		return SK_R_ALG_NOT_ALLOWED;
	/* leave the thread's OpenSSL error queue as we found it: the host's
	 * TLS code reads it (SSL_get_error) */
	ERR_set_mark();
	r = verify_key(ai, jws, key->pkey);
	ERR_pop_to_mark();
	return r;
}
