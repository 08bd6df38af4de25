/* saslkey plugins - glue between libsasl2 and the request layer */
#include "plugin.h"
#include "oauth_msg.h"
#include "secret.h"
#include "status.h"

#include <string.h>

/* the connection whose own mechanism is inside canon_user/checkpass */
static __thread const void *own_mech_conn;

bool skp_in_own_mech(const sasl_utils_t *utils)
{
	return own_mech_conn != NULL && own_mech_conn == utils->conn;
}

int skp_log_level(enum sk_log_level level)
{
	switch (level) {
	case SK_LOG_ERR:	return SASL_LOG_ERR;
	case SK_LOG_WARN:	return SASL_LOG_WARN;
	case SK_LOG_NOTE:	return SASL_LOG_NOTE;
	case SK_LOG_DEBUG:	return SASL_LOG_DEBUG;
	}
	return SASL_LOG_ERR;
}

struct conn_host {
	struct sk_host host;
	struct sk_logger lg;
	sasl_server_params_t *sparams;
	sasl_out_params_t *oparams;
};

static void conn_log(void *c, enum sk_log_level level, const char *msg)
{
	const sasl_utils_t *u = ((struct conn_host *)c)->sparams->utils;

	/* libsasl2's formatter lacks %zu and friends: only ever "%s" */
	u->log(u->conn, skp_log_level(level), "%s", msg);
}

static int conn_accept(void *c, const char *identity)
{
	struct conn_host *h = c;
	sasl_server_params_t *sp = h->sparams;
	sasl_out_params_t *op = h->oparams;
	int rc;

	own_mech_conn = sp->utils->conn;
	/* we verified the credential: no auxprop needs to know the user */
	rc = sp->canon_user(sp->utils->conn, identity,
			    (unsigned)strlen(identity),
			    SASL_CU_AUTHID | SASL_CU_AUTHZID |
				    SASL_CU_EXTERNALLY_VERIFIED,
			    op);
	own_mech_conn = NULL;
	if (rc != SASL_OK)
		return rc;
	op->doneflag = 1;
	op->mech_ssf = 0;
	op->maxoutbuf = 0;
	op->encode_context = NULL;
	op->encode = NULL;
	op->decode_context = NULL;
	op->decode = NULL;
	op->param_version = 0;
	return SASL_OK;
}

static int conn_checkpass(void *c, const char *user, size_t ulen,
			  const char *pass, size_t plen)
{
	const sasl_utils_t *u = ((struct conn_host *)c)->sparams->utils;
	int rc;

	if (u->checkpass == NULL)
		return SASL_NOMECH;
	own_mech_conn = u->conn;
	rc = u->checkpass(u->conn, user, (unsigned)ulen, pass, (unsigned)plen);
	own_mech_conn = NULL;
	return rc;
}

static void attempt_init(struct sk_attempt *a, struct conn_host *h,
			 sasl_server_params_t *sp, sasl_out_params_t *op,
			 const char *mech)
{
	memset(h, 0, sizeof(*h));
	h->sparams = sp;
	h->oparams = op;
	h->lg = (struct sk_logger){ .emit = conn_log, .ctx = h };
	h->host = (struct sk_host){
		.lg = &h->lg,
		.accept = conn_accept,
		.checkpass = conn_checkpass,
		.hctx = h,
	};
	*a = (struct sk_attempt){
		.service = sp->service,
		.mech = mech,
		.remote = sp->ipremoteport,
		.remote_len = sp->ipremoteport ? strlen(sp->ipremoteport) : 0,
		.local = sp->iplocalport,
		.local_len = sp->iplocalport ? strlen(sp->iplocalport) : 0,
		.host = &h->host,
	};
}

/* generic text for sasl_errdetail(): the precise reason is audited only */
static int finish(sasl_server_params_t *sp, int rc)
{
	const char *msg = NULL;

	switch (rc) {
	case SASL_OK:
		return rc;
	case SASL_BADPROT:
		msg = "malformed authentication request";
		break;
	case SASL_UNAVAIL:
		msg = "credential store unavailable";
		break;
	default:
		msg = "authentication failed";
		break;
	}
	sp->utils->seterror(sp->utils->conn, SASL_NOLOG, "%s", msg);
	return rc;
}

int skp_password(sasl_server_params_t *sparams, sasl_out_params_t *oparams,
		 const char *mech, const char *authzid, size_t authzid_len,
		 const char *user, size_t user_len, const char *pass,
		 size_t pass_len)
{
	struct conn_host h;
	struct sk_attempt a;
	struct sk_ctx *ctx = skp_ctx();

	if (ctx == NULL)
		return SASL_UNAVAIL;
	attempt_init(&a, &h, sparams, oparams, mech);
	a.user = user;
	a.user_len = user_len;
	a.authzid = authzid;
	a.authzid_len = authzid_len;
	return finish(sparams, sk_request_password(ctx, &a, pass, pass_len));
}

int skp_cram(sasl_server_params_t *sparams, sasl_out_params_t *oparams,
	     const char *user, size_t user_len, const char *challenge,
	     size_t chal_len, const unsigned char digest[16])
{
	struct conn_host h;
	struct sk_attempt a;
	struct sk_ctx *ctx = skp_ctx();

	if (ctx == NULL)
		return SASL_UNAVAIL;
	attempt_init(&a, &h, sparams, oparams, "CRAM-MD5");
	a.user = user;
	a.user_len = user_len;
	return finish(sparams, sk_request_cram(ctx, &a, challenge, chal_len,
					       digest));
}

int skp_bearer(struct skp_bearer_state *bs, sasl_server_params_t *sparams,
	       sasl_out_params_t *oparams, const char *mech, bool xoauth2,
	       const char *user, size_t user_len, const char *token,
	       size_t token_len, const char **serverout,
	       unsigned *serveroutlen)
{
	struct sk_bearer_challenge ch;
	struct conn_host h;
	struct sk_attempt a;
	struct sk_ctx *ctx = skp_ctx();
	size_t n;
	int rc;

	if (ctx == NULL)
		return SASL_UNAVAIL;
	attempt_init(&a, &h, sparams, oparams, mech);
	a.user = user;
	a.user_len = user_len;
	rc = sk_request_bearer(ctx, &a, token, token_len, &ch);
	if (rc != SASL_BADAUTH)
		return finish(sparams, rc);
	/* refused: the error challenge now, the failure on the next step */
	n = xoauth2 ? sk_xoauth2_error(ch.scope, bs->challenge,
				       sizeof(bs->challenge)) :
		      sk_oauthbearer_error(ch.scope, ch.openid_configuration,
					   bs->challenge, sizeof(bs->challenge));
	if (n == 0)
		n = xoauth2 ? sk_xoauth2_error(NULL, bs->challenge,
					       sizeof(bs->challenge)) :
			      sk_oauthbearer_error(NULL, NULL, bs->challenge,
						   sizeof(bs->challenge));
	bs->failed = true;
	bs->challenge_len = (unsigned)n;
	*serverout = bs->challenge;
	*serveroutlen = bs->challenge_len;
	return SASL_CONTINUE;
}

int skp_bearer_after_error(sasl_server_params_t *sparams)
{
	return finish(sparams, SASL_BADAUTH);
}

int skp_bearer_new(void *glob_context, sasl_server_params_t *sparams,
		   const char *challenge, unsigned challen,
		   void **conn_context)
{
	(void)glob_context;
	(void)challenge;
	(void)challen;
	return skp_state_new(sparams, sizeof(struct skp_bearer_state),
			     conn_context);
}

void skp_bearer_dispose(void *conn_context, const sasl_utils_t *utils)
{
	skp_dispose_wiped(conn_context, utils, sizeof(struct skp_bearer_state));
}

int skp_lookup(sasl_server_params_t *sparams, const char *user,
	       size_t user_len, struct sk_lookup *out)
{
	struct conn_host h;
	struct sk_attempt a;
	struct sk_ctx *ctx = skp_ctx();

	if (ctx == NULL)
		return SASL_UNAVAIL;
	/* no accept/checkpass: the stock mechanism decides, we only gate */
	attempt_init(&a, &h, sparams, NULL, NULL);
	h.host.accept = NULL;
	h.host.checkpass = NULL;
	a.user = user;
	a.user_len = user_len;
	a.realm = sparams->user_realm;
	return sk_request_lookup(ctx, &a, out);
}

int skp_malformed(sasl_server_params_t *sparams, const char *mech,
		  const char *user, size_t user_len)
{
	struct conn_host h;
	struct sk_attempt a;
	struct sk_ctx *ctx = skp_ctx();

	if (ctx == NULL)
		return SASL_BADPROT;
	attempt_init(&a, &h, sparams, NULL, mech);
	a.user = user;
	a.user_len = user_len;
	return finish(sparams, sk_request_malformed(ctx, &a));
}

int skp_state_new(sasl_server_params_t *sparams, size_t size,
		  void **conn_context)
{
	void *c = sparams->utils->malloc(size);

	if (c == NULL)
		return SASL_NOMEM;
	memset(c, 0, size);
	*conn_context = c;
	return SASL_OK;
}

void skp_dispose_wiped(void *conn_context, const sasl_utils_t *utils,
		       size_t size)
{
	/* libsasl2 calls mech_dispose with NULL too */
	if (conn_context == NULL)
		return;
	sk_wipe(conn_context, size);
	utils->free(conn_context);
}
