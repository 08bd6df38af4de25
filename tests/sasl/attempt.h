/* saslkey tests - one attempt through any mechanism, with raw bytes */
#ifndef SKA_ATTEMPT_H
#define SKA_ATTEMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "harness.h"

/*
 * The hostile-input and fault suites drive every way into saslkey the
 * same way: a user name as raw bytes (NUL, CR, LF, invalid UTF-8 ...) and
 * a credential, through the real libsasl2 server.  Our mechanisms get the
 * bytes exactly as a client sent them (skh_raw); SCRAM goes through the
 * stock client and server plugins, so it reaches saslkey only as the
 * auxprop gate.
 */
enum ska_mech {
	SKA_PLAIN,		/* "" NUL user NUL cred */
	SKA_PLAIN_AUTHZ,	/* user NUL "apikey" NUL cred: user as authzid */
	SKA_LOGIN,		/* no initial response, user, cred */
	SKA_CRAM,		/* "user HMAC-MD5(cred, challenge)" */
	SKA_OAUTHBEARER,	/* "n,a=user,^Aauth=Bearer cred^A^A", then ^A */
	SKA_XOAUTH2,		/* "user=user^Aauth=Bearer cred^A^A", then "" */
	SKA_SCRAM,		/* stock SCRAM-SHA-256: the auxprop gate */
	SKA_N
};

/* the mechanism's name as libsasl2 knows it; the row label for PLAIN_AUTHZ */
const char *ska_mech_name(enum ska_mech m);
const char *ska_label(enum ska_mech m);

/* SCRAM cannot carry a NUL in a C-string callback: not applicable */
#define SKA_NOT_APPLICABLE (-10000)

/*
 * One attempt; user NULL means none (OAUTHBEARER "n,,"); remote NULL is
 * SKH_DEFAULT_REMOTE.  Returns the server's final result (as skh_raw and
 * skh_run do: 1000 + code when the stock client gave up).
 */
int ska_attempt(enum ska_mech m, const char *user, size_t ulen,
		const char *cred, size_t clen, const char *remote,
		struct skh_result *res);

/*
 * An OAuth issuer for the current store (skh_db()): a fresh RSA key from
 * tests/vectors/mint_token.py in <tmpdir>/<dir>, imported as "idp" with
 * audience smtp://mx.example.test, scope "mail", claim "email".
 */
int ska_idp_init(const char *dir);
/* a token from that issuer (mint_token.py arguments, "" for defaults) */
char *ska_mint(const char *args);

/* a syslog datagram socket at path; -1 on failure */
int ska_syslog_open(const char *path);
/* discard whatever is queued */
void ska_syslog_drain(int fd);
/* the next queued message (NUL-terminated), its length; 0 if none */
size_t ska_syslog_take(int fd, char *buf, size_t cap);

/* SHA-256 of a file as 64 hex digits ("" if unreadable) */
void ska_file_sha256(const char *path, char out[65]);

#endif
