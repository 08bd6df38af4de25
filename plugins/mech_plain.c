/* saslkey plugins - PLAIN (RFC 4616) */
#include "plugin.h"

#include <string.h>

/*
 * message  = [authzid] UTF8NUL authcid UTF8NUL passwd
 *
 * Exactly two NULs; authcid and passwd non-empty; every field at most
 * SK_FIELD_MAX bytes; no CR or LF in the names.  The whole message arrives
 * in one step (SASL_FEAT_WANT_CLIENT_FIRST: libsasl2 sends the empty
 * challenge itself when the client gave no initial response).
 */

static bool name_ok(const char *s, size_t n)
{
	return n <= SK_FIELD_MAX && memchr(s, '\r', n) == NULL &&
	       memchr(s, '\n', n) == NULL;
}

static int plain_new(void *glob_context, sasl_server_params_t *sparams,
		     const char *challenge, unsigned challen,
		     void **conn_context)
{
	(void)glob_context;
	(void)sparams;
	(void)challenge;
	(void)challen;
	*conn_context = NULL;	/* stateless: one message */
	return SASL_OK;
}

static int plain_step(void *conn_context, sasl_server_params_t *sparams,
		      const char *in, unsigned inlen, const char **serverout,
		      unsigned *serveroutlen, sasl_out_params_t *oparams)
{
	const char *authzid, *authcid, *pass, *nul1, *nul2;
	size_t azlen, aclen, plen;

	(void)conn_context;
	*serverout = NULL;
	*serveroutlen = 0;
	if (in == NULL || inlen == 0)
		return skp_malformed(sparams, "PLAIN", NULL, 0);

	nul1 = memchr(in, '\0', inlen);
	nul2 = nul1 ? memchr(nul1 + 1, '\0', inlen - (size_t)(nul1 + 1 - in)) :
		      NULL;
	if (nul2 == NULL)
		return skp_malformed(sparams, "PLAIN", NULL, 0);
	authzid = in;
	azlen = (size_t)(nul1 - in);
	authcid = nul1 + 1;
	aclen = (size_t)(nul2 - authcid);
	pass = nul2 + 1;
	plen = inlen - (size_t)(pass - in);

	if (memchr(pass, '\0', plen) != NULL || aclen == 0 || plen == 0 ||
	    plen > SK_FIELD_MAX || !name_ok(authcid, aclen) ||
	    !name_ok(authzid, azlen))
		return skp_malformed(sparams, "PLAIN", authcid,
				     aclen > SK_FIELD_MAX ? SK_FIELD_MAX : aclen);
	return skp_password(sparams, oparams, "PLAIN", authzid, azlen, authcid,
			    aclen, pass, plen);
}

static void plain_dispose(void *conn_context, const sasl_utils_t *utils)
{
	(void)conn_context;
	(void)utils;
}

/*
 * The stock PLAIN's security flags, so neither plugin outranks the other
 * and the plugin path alone decides which serves.  No ALLOWS_PROXY: we
 * refuse an authzid other than the key's own account.
 */
const sasl_server_plug_t skp_plain_mech = {
	.mech_name = "PLAIN",
	.max_ssf = 0,
	.security_flags = SASL_SEC_NOANONYMOUS | SASL_SEC_PASS_CREDENTIALS,
	.features = SASL_FEAT_WANT_CLIENT_FIRST,
	.mech_new = plain_new,
	.mech_step = plain_step,
	.mech_dispose = plain_dispose,
};
