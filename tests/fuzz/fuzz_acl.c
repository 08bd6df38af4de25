/* saslkey fuzzing - CIDR allow-lists (sk_acl_parse, sk_cidr_parse): what
 * "saslkey account allow" and "key create --allow" accept and the store
 * keeps in canonical form */
#include "fuzz.h"
#include "acl.h"
#include "status.h"

#include <string.h>

static void check_cidr(const struct sk_cidr *c)
{
	char text[SK_ADDR_TEXT_MAX + 8];
	struct sk_cidr again;
	struct sk_acl one = { .n = 1 };
	const char *err = NULL;

	SKF_CHECK((c->addr.family == 4 && c->prefix <= 32) ||
		  (c->addr.family == 6 && c->prefix <= 128));
	sk_cidr_format(c, text, sizeof(text));
	SKF_CHECK(sk_cidr_parse(text, strlen(text), &again, &err) == SK_OK);
	SKF_CHECK(memcmp(&again, c, sizeof(again)) == 0);
	/* a network contains its own address */
	one.e[0] = *c;
	SKF_CHECK(sk_acl_match(&one, &c->addr));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	/* struct sk_account.allow: the canonical text the store keeps */
	char text[SK_ACL_TEXT_MAX + 1];
	struct sk_acl acl, again;
	struct sk_cidr c;
	const char *err = NULL;
	size_t i;

	if (sk_cidr_parse(in, size, &c, &err) == SK_OK)
		check_cidr(&c);
	else
		SKF_CHECK(err != NULL && c.addr.family == 0);

	err = NULL;
	if (sk_acl_parse(in, size, &acl, &err) != SK_OK) {
		SKF_CHECK(err != NULL && acl.n == 0);
		return 0;
	}
	SKF_CHECK(acl.n <= SK_ACL_MAX);
	for (i = 0; i < acl.n; i++)
		check_cidr(&acl.e[i]);
	/* canonical text that fits parses back to the same list */
	if (sk_acl_format(&acl, text, sizeof(text))) {
		SKF_CHECK(sk_acl_parse(text, strlen(text), &again, &err) ==
			  SK_OK);
		SKF_CHECK(again.n == acl.n &&
			  memcmp(again.e, acl.e, acl.n * sizeof(acl.e[0])) == 0);
	} else {
		/* never a cut entry: only whole ones, each separated */
		SKF_CHECK(strlen(text) < sizeof(text));
		SKF_CHECK(sk_acl_parse(text, strlen(text), &again, &err) ==
			  SK_OK);
		SKF_CHECK(again.n < acl.n &&
			  memcmp(again.e, acl.e,
				 again.n * sizeof(acl.e[0])) == 0);
	}
	return 0;
}
