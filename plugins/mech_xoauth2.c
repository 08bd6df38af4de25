/* saslkey plugins - XOAUTH2 (Google's and Microsoft's dialect) */
#include "plugin.h"
#include "oauth_msg.h"

#include <string.h>

/*
 * C: "user=" user %x01 "auth=Bearer " token %x01 %x01    (oauth_msg.h)
 * S: success, or {"status":"401","schemes":"bearer",...} as a challenge
 * C: anything (usually empty)
 * S: failure
 */

static int xo_step(void *conn_context, sasl_server_params_t *sparams,
		   const char *in, unsigned inlen, const char **serverout,
		   unsigned *serveroutlen, sasl_out_params_t *oparams)
{
	struct skp_bearer_state *bs = conn_context;
	struct sk_oauth_msg m;

	*serverout = NULL;
	*serveroutlen = 0;
	if (bs->failed)
		return skp_bearer_after_error(sparams);
	if (in == NULL || sk_xoauth2_parse(in, inlen, &m) != SK_OAUTH_OK)
		return skp_malformed(sparams, "XOAUTH2", NULL, 0);
	return skp_bearer(bs, sparams, oparams, "XOAUTH2", true, m.user,
			  m.user_len, m.token, m.token_len, serverout,
			  serveroutlen);
}

const sasl_server_plug_t skp_xoauth2_mech = {
	.mech_name = "XOAUTH2",
	.max_ssf = 0,
	.security_flags = SASL_SEC_NOANONYMOUS,
	.features = SASL_FEAT_WANT_CLIENT_FIRST,
	.mech_new = skp_bearer_new,
	.mech_step = xo_step,
	.mech_dispose = skp_bearer_dispose,
};
