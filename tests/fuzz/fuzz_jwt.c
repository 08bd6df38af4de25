/* saslkey fuzzing - a JWT as a bearer token: the compact JWS (header,
 * base64url segments, signature encoding), key selection by kid and alg,
 * signature verification and the claims, in the request layer's order
 * (common/request_bearer.c) */
#include "fuzz.h"
#include "jwk.h"
#include "jws.h"
#include "jwt.h"
#include "oauth.h"
#include "status.h"

#include <string.h>

static struct sk_oauth_issuer issuer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const enum sk_jwk_alg all[] = {
		SK_ALG_RS256, SK_ALG_RS384, SK_ALG_RS512, SK_ALG_PS256,
		SK_ALG_PS384, SK_ALG_PS512, SK_ALG_ES256, SK_ALG_ES384,
		SK_ALG_ES512, SK_ALG_EDDSA,
	};
	char err[256];

	(void)argc;
	(void)argv;
	memcpy(issuer.algs, all, sizeof(all));
	issuer.nalgs = SK_N_ELEMENTS(all);
	if (sk_jwks_import(skf_jwks, strlen(skf_jwks), all, SK_N_ELEMENTS(all),
			   &issuer.keys, &issuer.nkeys, err,
			   sizeof(err)) != SK_OK) {
		fprintf(stderr, "fuzz fixture: JWKS: %s\n", err);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sk_jwt_policy pol = {
		.issuer = SKF_ISSUER,
		.audience = SKF_AUDIENCE,
		.username_claim = SKF_USER_CLAIM,
		.scope = SKF_SCOPE,
		.leeway = SKF_LEEWAY,
		.now = SKF_NOW,
	};
	const char *tok = (const char *)data;
	char iss[SK_JWT_CLAIM_MAX + 1];
	const struct sk_jwk *key;
	struct sk_jwt_claims cl;
	struct sk_jws jws;
	enum sk_reason why;

	if (sk_jws_parse(tok, size, &jws, &why) != SK_OK) {
		SKF_CHECK(why == SK_R_TOKEN_MALFORMED ||
			  why == SK_R_ALG_NOT_ALLOWED);
		SKF_CHECK(jws.header == NULL && jws.claims == NULL);
		return 0;
	}
	SKF_CHECK(why == SK_R_OK && json_is_object(jws.header) &&
		  json_is_object(jws.claims) && jws.alg != SK_ALG_NONE);
	SKF_CHECK(jws.sig_len > 0 && jws.sig_len <= SK_JWS_SIG_MAX);
	/* "hdr.payload": a prefix of the token, the signature after it */
	SKF_CHECK(jws.signing_input == tok &&
		  jws.signing_input_len + 2 <= size &&
		  tok[jws.signing_input_len] == '.');
	SKF_CHECK(!jws.has_kid || strlen(jws.kid) <= SK_JWK_KID_MAX);

	sk_jwt_peek_issuer(jws.claims, iss, sizeof(iss));
	if (sk_oauth_select_key(&issuer, &jws, &key) == SK_R_OK) {
		SKF_CHECK(key != NULL);
		why = sk_jws_verify(&jws, key);
		SKF_CHECK(why == SK_R_OK || why == SK_R_BAD_SIGNATURE ||
			  why == SK_R_ALG_NOT_ALLOWED);
		/* the key's pin decides: a verified token used that alg */
		SKF_CHECK(why != SK_R_OK || jws.alg == key->alg);
	}
	why = sk_jwt_check_claims(jws.claims, &pol, &cl);
	if (why == SK_R_OK)
		SKF_CHECK(strcmp(cl.iss, SKF_ISSUER) == 0 && cl.user[0] != '\0' &&
			  SKF_NOW < cl.exp + SKF_LEEWAY);
	sk_jws_clear(&jws);
	return 0;
}
