/* saslkey plugins - glue between libsasl2 and the request layer */
#ifndef SKP_PLUGIN_H
#define SKP_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "request.h"

/*
 * The mechanisms in this directory are thin: a grammar comment, a bounded
 * parser and one call into the functions below, which turn libsasl2's
 * sparams into a struct sk_attempt, hand it to common/request.c and, on
 * success, make the identity official through canon_user.
 */

/* plug_init: take refs references on the process context (created once) */
int skp_acquire(const sasl_utils_t *utils, unsigned refs);
/* mech_free / auxprop_free: drop one; the last one frees the context */
void skp_release(void);
struct sk_ctx *skp_ctx(void);

/* a password attempt (PLAIN, LOGIN) */
int skp_password(sasl_server_params_t *sparams, sasl_out_params_t *oparams,
		 const char *mech, const char *authzid, size_t authzid_len,
		 const char *user, size_t user_len, const char *pass,
		 size_t pass_len);

/* a CRAM-MD5 response to the challenge this mechanism sent */
int skp_cram(sasl_server_params_t *sparams, sasl_out_params_t *oparams,
	     const char *user, size_t user_len, const char *challenge,
	     size_t chal_len, const unsigned char digest[16]);

/*
 * A bearer token (OAUTHBEARER, XOAUTH2).  A refused token is answered the
 * RFC 7628 way: SASL_CONTINUE with the error JSON as the challenge (kept in
 * *bs), and SASL_BADAUTH on the client's next message, whatever it is
 * (skp_bearer_after_error).  The attempt's audit event is written once,
 * when the token is decided.
 */
struct skp_bearer_state {
	bool failed;
	unsigned challenge_len;
	char challenge[1200];
};

int skp_bearer(struct skp_bearer_state *bs, sasl_server_params_t *sparams,
	       sasl_out_params_t *oparams, const char *mech, bool xoauth2,
	       const char *user, size_t user_len, const char *token,
	       size_t token_len, const char **serverout,
	       unsigned *serveroutlen);
int skp_bearer_after_error(sasl_server_params_t *sparams);
/* mech_new / mech_dispose for a struct skp_bearer_state context */
int skp_bearer_new(void *glob_context, sasl_server_params_t *sparams,
		   const char *challenge, unsigned challen,
		   void **conn_context);
void skp_bearer_dispose(void *conn_context, const sasl_utils_t *utils);

/* the auxprop gate for a stock mechanism's user lookup (request.h) */
int skp_lookup(sasl_server_params_t *sparams, const char *user,
	       size_t user_len, struct sk_lookup *out);

/* the client's message was malformed: audited, SASL_BADPROT */
int skp_malformed(sasl_server_params_t *sparams, const char *mech,
		  const char *user, size_t user_len);

/*
 * True while one of our mechanisms is inside canon_user or checkpass for
 * this connection: the auxprop plugin then serves data but neither gates
 * nor audits, so an attempt yields one audit event, not two.
 */
bool skp_in_own_mech(const sasl_utils_t *utils);

/* libsasl2 log levels for ours */
int skp_log_level(enum sk_log_level level);

extern const sasl_server_plug_t skp_plain_mech;
extern const sasl_server_plug_t skp_login_mech;
extern const sasl_server_plug_t skp_cram_mech;
extern const sasl_server_plug_t skp_oauthbearer_mech;
extern const sasl_server_plug_t skp_xoauth2_mech;
extern const sasl_auxprop_plug_t skp_auxprop;

/*
 * mech_new and mech_dispose for mechanisms whose context is one block of
 * size bytes from libsasl2's allocator: zeroed when made, wiped when freed
 */
int skp_state_new(sasl_server_params_t *sparams, size_t size,
		  void **conn_context);
void skp_dispose_wiped(void *conn_context, const sasl_utils_t *utils,
		       size_t size);

#endif
