/* saslkey plugins - the auxprop plugin "saslkey" */
#include "plugin.h"
#include "secret.h"

#include <string.h>

/*
 * For stock mechanisms (SCRAM, PLAIN against sasldb, DIGEST-MD5, GSSAPI,
 * EXTERNAL, ...), selected with "auxprop_plugin: saslkey" (alone or before
 * others).  A lookup of a saslkey account goes through the request layer's
 * gate (policy, audit on refusal) and may serve SCRAM verifiers as
 * *authPassword - never a userPassword: the store has no plaintext.
 * Users saslkey does not know are passed on untouched (SASL_NOUSER).
 *
 * Our own mechanisms verify credentials themselves and write their own
 * audit event; the lookups their canon_user causes are not gated twice.
 */
#define AUTH_PASSWORD "authPassword"

/* set prop (asked for with a leading '*': an authid property) */
static void serve(const sasl_utils_t *u, struct propctx *pc, unsigned flags,
		  const struct sk_lookup *l)
{
	const struct propval *pv;

	for (pv = u->prop_get(pc); pv != NULL && pv->name != NULL; pv++) {
		if (pv->name[0] != '*' || strcmp(pv->name + 1, AUTH_PASSWORD))
			continue;
		if (pv->values != NULL) {
			if (!(flags & SASL_AUXPROP_OVERRIDE))
				continue;	/* an earlier auxprop served it */
			u->prop_erase(pc, pv->name);
		}
		if (l->scram_sha256[0] != '\0')
			u->prop_set(pc, pv->name, l->scram_sha256,
				    (int)strlen(l->scram_sha256));
		if (l->scram_sha1[0] != '\0')
			u->prop_set(pc, pv->name, l->scram_sha1,
				    (int)strlen(l->scram_sha1));
	}
}

static int ap_lookup(void *glob_context, sasl_server_params_t *sparams,
		     unsigned flags, const char *user, unsigned ulen)
{
	struct sk_lookup l;
	int rc;

	(void)glob_context;
	if (sparams == NULL || user == NULL)
		return SASL_BADPARAM;
	if (skp_in_own_mech(sparams->utils))
		return SASL_NOUSER;
	/* authorization identities are the application's policy, not ours */
	if (flags & SASL_AUXPROP_AUTHZID)
		return SASL_NOUSER;
	rc = skp_lookup(sparams, user, ulen, &l);
	if (rc == SASL_OK)
		serve(sparams->utils, sparams->propctx, flags, &l);
	sk_wipe(&l, sizeof(l));
	return rc;
}

/*
 * saslpasswd2 / sasl_setpass: "userPassword" holds the new password, or
 * no value to delete it.  ctx NULL asks whether we can store at all.
 */
static int ap_store(void *glob_context, sasl_server_params_t *sparams,
		    struct propctx *ctx, const char *user, unsigned ulen)
{
	const struct propval *pv;
	struct sk_ctx *skc = skp_ctx();

	(void)glob_context;
	if (ctx == NULL)
		return SASL_OK;
	if (skc == NULL || sparams == NULL || user == NULL)
		return SASL_FAIL;
	for (pv = sparams->utils->prop_get(ctx); pv && pv->name; pv++) {
		if (strcmp(pv->name, "userPassword") != 0)
			continue;	/* obsolete secrets saslpasswd2 clears */
		if (pv->values == NULL || pv->values[0] == NULL)
			return sk_password_store(skc, user, ulen, NULL, 0);
		return sk_password_store(skc, user, ulen, pv->values[0],
					 strlen(pv->values[0]));
	}
	return SASL_OK;
}

static void ap_free(void *glob_context, const sasl_utils_t *utils)
{
	(void)glob_context;
	(void)utils;
	skp_release();
}

const sasl_auxprop_plug_t skp_auxprop = {
	.features = 0,
	.glob_context = NULL,
	.auxprop_free = ap_free,
	.auxprop_lookup = ap_lookup,
	.name = "saslkey",
	.auxprop_store = ap_store,
};
