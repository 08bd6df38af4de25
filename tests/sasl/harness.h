/* saslkey tests - drive the real libsasl2 with the real stock plugins */
#ifndef SKH_HARNESS_H
#define SKH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sasl/sasl.h>

#include "key.h"

/*
 * The server side loads plugins from "<build plugin dir>:<stock dir>" (ours
 * first, as deployed); the client side uses the stock client plugins only.
 * Options reach the plugin the way they do in production: from
 * <confdir>/sktest.conf, written by skh_init().
 */
#define SKH_APP		"sktest"
#define SKH_FQDN	"mx.example"
#define SKH_REALM	"mx.example"

/* the scratch store and audit file of the current suite */
const char *skh_db(void);
const char *skh_audit(void);
/* use these instead (NULL: back to the defaults in the scratch dir) */
void skh_use(const char *db, const char *audit);

/*
 * sasl_server_init + sasl_client_init with a fresh sktest.conf holding
 * the default saslkey options plus extra "key: value" lines (NULL-ended);
 * an extra line for saslkey_db, saslkey_audit_file or saslkey_audit_syslog
 * replaces the default.
 */
int skh_init(const char *const *extra);
/* the same with the stock plugin directory first (stock PLAIN serves) */
int skh_init_stock_first(const char *const *extra);
int skh_done(void);

/* a fresh store file with nothing in it */
void skh_store_reset(void);
void skh_account(const char *name, const char *allow, bool disabled);
struct skh_key {
	char text[SK_KEY_MAX_LEN + 1];
	char id[SK_KEY_ID_LEN + 1];
};
/* a key; services NULL = "smtp"; expires/revoked 0 = not set */
void skh_key(const char *account, const char *services, const char *allow,
	     int64_t expires, int64_t revoked, struct skh_key *out);
/* the same, CRAM-MD5 enabled (its HMAC state sealed under the master key) */
void skh_key_cram(const char *account, const char *services,
		  const char *allow, int64_t expires, int64_t revoked,
		  struct skh_key *out);
/* SCRAM-enabled (verifiers with SKH_SCRAM_ITERATIONS), optionally CRAM */
#define SKH_SCRAM_ITERATIONS 4096
void skh_key_scram(const char *account, const char *services,
		   const char *allow, int64_t expires, int64_t revoked,
		   struct skh_key *out);
/* a CRAM-MD5 secret of an account; id_out gets its id */
void skh_cram_secret(const char *account, const char *secret,
		     int64_t expires, int64_t revoked, char id_out[13]);
/* the master key beside the store (skh_store_reset makes a fresh one) */
const char *skh_master_key(void);

struct skh_result {
	int rc;			/* the server's final result */
	char user[256];		/* SASL_USERNAME on success */
	char authsource[64];	/* SASL_AUTHSOURCE */
	int steps;
};

struct skh_auth {
	const char *mech;
	const char *authid;
	const char *authzid;	/* NULL = none */
	const char *pass;
	const char *remote;	/* "ip;port"; NULL = SKH_DEFAULT_REMOTE */
	bool no_remote;		/* pass NULL ipremoteport to the server */
	const char *service;	/* NULL = "smtp" */
};
#define SKH_DEFAULT_REMOTE "127.0.0.1;40000"

/* a full exchange between the stock client plugin and the server */
int skh_run(const struct skh_auth *a, struct skh_result *res);

/* raw client messages to the server: msgs[0] is the initial response */
struct skh_msg {
	const void *data;
	size_t len;
	bool absent;		/* no initial response at all */
};
int skh_raw(const char *mech, const struct skh_msg *msgs, size_t n,
	    const char *remote, struct skh_result *res, char *lastchal,
	    size_t chalcap, size_t *chal_len);

/* audit file: number of events, and the last one parsed (decref it) */
size_t skh_audit_count(void);
json_t *skh_audit_last(void);
/* the last event's event.reason, in a static buffer ("" if none) */
const char *skh_last_reason(void);

#endif
