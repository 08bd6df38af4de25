/* saslkey plugins - LOGIN (draft-murchison-sasl-login) */
#include "plugin.h"

#include <string.h>

/*
 * S: "Username:"   C: user        (or the user as the initial response)
 * S: "Password:"   C: password
 *
 * The challenges are the stock plugin's static strings: clients match
 * them.  The user is kept in the context until the password arrives.
 */

enum login_state { START, WANT_USER, WANT_PASS };

struct login_ctx {
	enum login_state state;
	size_t user_len;
	char user[SK_FIELD_MAX];
};

static int login_new(void *glob_context, sasl_server_params_t *sparams,
		     const char *challenge, unsigned challen,
		     void **conn_context)
{
	(void)glob_context;
	(void)challenge;
	(void)challen;
	return skp_state_new(sparams, sizeof(struct login_ctx), conn_context);
}

static bool field_ok(const char *s, size_t n)
{
	return n > 0 && n <= SK_FIELD_MAX && memchr(s, '\0', n) == NULL &&
	       memchr(s, '\r', n) == NULL && memchr(s, '\n', n) == NULL;
}

static int login_step(void *conn_context, sasl_server_params_t *sparams,
		      const char *in, unsigned inlen, const char **serverout,
		      unsigned *serveroutlen, sasl_out_params_t *oparams)
{
	static const char user_prompt[] = "Username:";
	static const char pass_prompt[] = "Password:";
	struct login_ctx *c = conn_context;

	*serverout = NULL;
	*serveroutlen = 0;
	switch (c->state) {
	case START:
		if (in == NULL || inlen == 0) {
			/* no initial response: ask for the user */
			c->state = WANT_USER;
			*serverout = user_prompt;
			*serveroutlen = sizeof(user_prompt) - 1;
			return SASL_CONTINUE;
		}
		/* the user as the initial response */
		/* fall through */
	case WANT_USER:
		if (in == NULL || !field_ok(in, inlen))
			return skp_malformed(sparams, "LOGIN", in,
					     in == NULL ? 0 :
					     inlen > SK_FIELD_MAX ? SK_FIELD_MAX :
								    inlen);
		memcpy(c->user, in, inlen);
		c->user_len = inlen;
		c->state = WANT_PASS;
		*serverout = pass_prompt;
		*serveroutlen = sizeof(pass_prompt) - 1;
		return SASL_CONTINUE;
	case WANT_PASS:
		if (in == NULL || !field_ok(in, inlen))
			return skp_malformed(sparams, "LOGIN", c->user,
					     c->user_len);
		return skp_password(sparams, oparams, "LOGIN", NULL, 0, c->user,
				    c->user_len, in, inlen);
	}
	return SASL_FAIL;
}

static void login_dispose(void *conn_context, const sasl_utils_t *utils)
{
	skp_dispose_wiped(conn_context, utils, sizeof(struct login_ctx));
}

const sasl_server_plug_t skp_login_mech = {
	.mech_name = "LOGIN",
	.max_ssf = 0,
	.security_flags = SASL_SEC_NOANONYMOUS | SASL_SEC_PASS_CREDENTIALS,
	.features = 0,
	.mech_new = login_new,
	.mech_step = login_step,
	.mech_dispose = login_dispose,
};
