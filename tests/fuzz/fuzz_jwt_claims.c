/* saslkey fuzzing - JWT claims (sk_jwt_check_claims, sk_jwt_peek_issuer)
 * on any JSON, parsed the way a token payload is (jws.c) */
#include "fuzz.h"
#include "jwt.h"

#include <string.h>

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n > 0 && b[n - 1] == 0)
		n--;
	return n == 0;
}

static void one(const json_t *claims, const struct sk_jwt_policy *p)
{
	struct sk_jwt_claims cl;
	int64_t leeway = p->leeway < 0 ? 0 : p->leeway;
	size_t i;

	if (sk_jwt_check_claims(claims, p, &cl) != SK_R_OK) {
		SKF_CHECK(all_zero(&cl, sizeof(cl)));
		return;
	}
	SKF_CHECK(strcmp(cl.iss, p->issuer) == 0);
	SKF_CHECK(p->now < cl.exp + leeway);
	SKF_CHECK(cl.nbf - leeway <= p->now && cl.iat - leeway <= p->now);
	SKF_CHECK(cl.user[0] != '\0');
	for (i = 0; cl.user[i] != '\0'; i++)
		SKF_CHECK((unsigned char)cl.user[i] >= 0x20 &&
			  cl.user[i] != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sk_jwt_policy pols[] = {
		{ .issuer = SKF_ISSUER, .audience = SKF_AUDIENCE,
		  .username_claim = SKF_USER_CLAIM, .scope = SKF_SCOPE,
		  .leeway = SKF_LEEWAY, .now = SKF_NOW },
		/* several scopes, "sub" as the user, negative leeway */
		{ .issuer = SKF_ISSUER, .audience = SKF_AUDIENCE,
		  .username_claim = "sub", .scope = " mail  openid ",
		  .leeway = -5, .now = SKF_NOW },
	};
	char iss[SK_JWT_CLAIM_MAX + 1];
	json_t *j;
	size_t i;

	/* jws.c's flags: duplicates refused, no NUL in strings */
	j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (j == NULL)
		return 0;
	for (i = 0; i < sizeof(pols) / sizeof(pols[0]); i++)
		one(j, &pols[i]);
	if (sk_jwt_peek_issuer(j, iss, sizeof(iss)) == SK_R_OK)
		SKF_CHECK(iss[0] != '\0' && strlen(iss) < sizeof(iss));
	else
		SKF_CHECK(iss[0] == '\0');
	json_decref(j);
	return 0;
}
