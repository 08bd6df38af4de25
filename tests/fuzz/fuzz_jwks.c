/* saslkey fuzzing - JWKS import (sk_jwks_import): "saslkey issuer add"
 * reads the issuer's file with it, and the plugin re-imports every stored
 * key (common/oauth.c) */
#include "fuzz.h"
#include "jwk.h"
#include "status.h"

#include <string.h>

static const enum sk_jwk_alg all[] = {
	SK_ALG_RS256, SK_ALG_RS384, SK_ALG_RS512, SK_ALG_PS256, SK_ALG_PS384,
	SK_ALG_PS512, SK_ALG_ES256, SK_ALG_ES384, SK_ALG_ES512, SK_ALG_EDDSA,
};

/* err is one printable line: it goes to a terminal or the mail log */
static void check_err(const char *err, size_t cap)
{
	size_t i, n = strnlen(err, cap);

	SKF_CHECK(n > 0 && n < cap);
	for (i = 0; i < n; i++)
		SKF_CHECK((unsigned char)err[i] >= 0x20 && err[i] != 0x7f);
}

/*
 * What the store keeps is the canonical JSON; the plugin imports that
 * again with the issuer's list.  It must give the same key, pin and kid,
 * or a working issuer turns "unusable" after "saslkey issuer add".
 */
static void check_reimport(const struct sk_jwk *k)
{
	struct sk_jwk again;
	char err[256];
	json_t *j;

	SKF_CHECK(k->pkey != NULL && k->json != NULL &&
		  k->alg != SK_ALG_NONE);
	SKF_CHECK(!k->has_kid || (k->kid[0] != '\0' &&
				  strlen(k->kid) <= SK_JWK_KID_MAX));
	j = json_loads(k->json, JSON_REJECT_DUPLICATES, NULL);
	SKF_CHECK(json_is_object(j));
	SKF_CHECK(sk_jwk_import(j, all, SK_N_ELEMENTS(all), &again, err,
				sizeof(err)) == SK_OK);
	SKF_CHECK(again.alg == k->alg && again.has_kid == k->has_kid &&
		  strcmp(again.kid, k->kid) == 0);
	SKF_CHECK(strcmp(again.json, k->json) == 0);
	SKF_CHECK(EVP_PKEY_eq(again.pkey, k->pkey) == 1);
	sk_jwk_clear(&again);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_jwk *keys = (struct sk_jwk *)1;
	size_t nkeys = 99, i;
	char err[256];
	int st;

	st = sk_jwks_import((const char *)data, size, all, SK_N_ELEMENTS(all),
			    &keys, &nkeys, err, sizeof(err));
	if (st != SK_OK) {
		SKF_CHECK(keys == NULL && nkeys == 0);
		check_err(err, sizeof(err));
		return 0;
	}
	SKF_CHECK(nkeys >= 1 && nkeys <= SK_JWKS_MAX_KEYS);
	for (i = 0; i < nkeys; i++)
		check_reimport(&keys[i]);
	sk_jwks_free(keys, nkeys);
	return 0;
}
