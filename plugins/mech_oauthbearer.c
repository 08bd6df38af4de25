/* saslkey plugins - OAUTHBEARER (RFC 7628) */
#include "plugin.h"
#include "oauth_msg.h"

#include <string.h>

/*
 * C: gs2-header %x01 *(key "=" value %x01) %x01      (oauth_msg.h)
 * S: success, or {"status":"invalid_token",...} as a challenge
 * C: %x01 (or anything: the client can only give up now)
 * S: failure
 *
 * Client first: libsasl2 sends the empty challenge itself when the client
 * gave no initial response, so long tokens fit Postfix's response limit
 * instead of its 2048-byte command line.
 */

static int ob_step(void *conn_context, sasl_server_params_t *sparams,
		   const char *in, unsigned inlen, const char **serverout,
		   unsigned *serveroutlen, sasl_out_params_t *oparams)
{
	struct skp_bearer_state *bs = conn_context;
	struct sk_oauth_msg m;

	*serverout = NULL;
	*serveroutlen = 0;
	if (bs->failed)
		return skp_bearer_after_error(sparams);
	/* a lone %x01 is a reply to an error, never a first message */
	if (in == NULL ||
	    sk_oauthbearer_parse(in, inlen, &m) != SK_OAUTH_OK)
		return skp_malformed(sparams, "OAUTHBEARER", NULL, 0);
	return skp_bearer(bs, sparams, oparams, "OAUTHBEARER", false, m.user,
			  m.user_len, m.token, m.token_len, serverout,
			  serveroutlen);
}

/*
 * A bearer token is a replayable plaintext credential: NOANONYMOUS only,
 * not NOPLAINTEXT, so "noplaintext" policies hide it until TLS as they do
 * PLAIN.
 */
const sasl_server_plug_t skp_oauthbearer_mech = {
	.mech_name = "OAUTHBEARER",
	.max_ssf = 0,
	.security_flags = SASL_SEC_NOANONYMOUS,
	.features = SASL_FEAT_WANT_CLIENT_FIRST,
	.mech_new = skp_bearer_new,
	.mech_step = ob_step,
	.mech_dispose = skp_bearer_dispose,
};
