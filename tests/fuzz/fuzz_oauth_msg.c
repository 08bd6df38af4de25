/* saslkey fuzzing - OAUTHBEARER and XOAUTH2 client messages (oauth_msg.h),
 * the parsers mech_oauthbearer.c and mech_xoauth2.c call, and the error
 * challenges they send back */
#include "fuzz.h"
#include "oauth_msg.h"

#include <string.h>

#include <jansson.h>

static bool b64token_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || strchr("-._~+/=", c) != NULL;
}

static void check(enum sk_oauth_parse r, const struct sk_oauth_msg *m,
		  const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	size_t i;

	if (r != SK_OAUTH_OK) {
		/* nothing half-parsed is left for the caller to trust */
		SKF_CHECK(m->token == NULL && m->token_len == 0 &&
			  m->user_len == 0 && m->user[0] == '\0');
		return;
	}
	/* the token points into the message, never copied, never empty */
	SKF_CHECK(m->token != NULL && m->token_len > 0 && m->token >= in &&
		  m->token_len <= size &&
		  m->token <= in + size - m->token_len);
	for (i = 0; i < m->token_len; i++)
		SKF_CHECK(b64token_char((unsigned char)m->token[i]));
	/* the user is bounded, terminated and has no control characters */
	SKF_CHECK(m->user_len <= SK_OAUTH_USER_MAX &&
		  m->user[m->user_len] == '\0' &&
		  strlen(m->user) == m->user_len);
	for (i = 0; i < m->user_len; i++)
		SKF_CHECK((unsigned char)m->user[i] >= 0x20 &&
			  m->user[i] != 0x7f);
}

/* the challenge is JSON a client parses: hostile issuer text stays JSON */
static void check_json(const char *out, size_t n, size_t cap)
{
	json_t *j;

	if (n == 0)
		return;		/* did not fit: nothing is sent */
	SKF_CHECK(n < cap && strlen(out) == n);
	j = json_loadb(out, n, JSON_REJECT_DUPLICATES, NULL);
	SKF_CHECK(json_is_object(j));
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_oauth_msg m;
	/* the size of struct skp_bearer_state's challenge buffer */
	char out[1200];
	char *s;
	size_t n;

	check(sk_oauthbearer_parse((const char *)data, size, &m), &m, data,
	      size);
	check(sk_xoauth2_parse((const char *)data, size, &m), &m, data, size);

	s = skf_cstr(data, size);
	n = sk_oauthbearer_error(s, s, out, sizeof(out));
	check_json(out, n, sizeof(out));
	n = sk_xoauth2_error(s, out, sizeof(out));
	check_json(out, n, sizeof(out));
	free(s);
	return 0;
}
