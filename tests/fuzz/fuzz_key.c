/* saslkey fuzzing - the API key format (sk_key_parse): every PLAIN and
 * LOGIN password goes through it before any store access */
#include "fuzz.h"
#include "key.h"
#include "status.h"

#include <string.h>

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[SK_KEY_MAX_LEN + 1];
	struct sk_key k;
	unsigned char hash[SK_KEY_HASH_LEN];
	char *s;

	if (sk_key_parse((const char *)data, size, &k) != SK_KEY_OK) {
		/* a refused key leaves no part of the secret behind */
		SKF_CHECK(all_zero(&k, sizeof(k)));
	} else {
		SKF_CHECK(sk_key_prefix_valid(k.prefix));
		SKF_CHECK(sk_key_id_valid(k.id, strlen(k.id)));
		SKF_CHECK(strlen(k.secret) == SK_KEY_SECRET_LEN);
		/* one text per key: formatting gives back the input */
		sk_key_format(&k, text, sizeof(text));
		SKF_CHECK(strlen(text) == size && memcmp(text, data, size) == 0);
		SKF_CHECK(sk_key_hash(&k, hash) == SK_OK);
		sk_key_wipe(&k);
	}
	s = skf_cstr(data, size);
	if (sk_key_prefix_valid(s))
		SKF_CHECK(strlen(s) >= 1 && strlen(s) <= SK_KEY_PREFIX_MAX);
	sk_key_id_valid((const char *)data, size);
	free(s);
	return 0;
}
