/* saslkey - the request layer: one call per attempt, whatever the mechanism */
#ifndef SK_REQUEST_H
#define SK_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "log.h"

/*
 * Mechanisms parse their wire format and make exactly one call here (or
 * sk_request_malformed() when the wire format was broken).  For every
 * attempt the request layer
 *
 *   1. builds the attempt context (service, mechanism, client and server
 *      address and port, presented user),
 *   2. checks the credential against the store,
 *   3. applies policy (policy.h),
 *   4. has the host make the identity the authenticated one (accept),
 *   5. emits exactly one audit event, and
 *   6. returns one SASL result code (reason.h does the mapping).
 *
 * Mechanisms contain no policy, no audit and no store code.
 *
 * A struct sk_ctx is per process: settings, the store handle (opened on
 * first use, so after the host dropped privileges and chrooted), the audit
 * sinks and caches.  Calls are serialised by a lock inside the context, so
 * threaded hosts (slapd) are safe.
 */
struct sk_ctx;

int sk_ctx_new(const struct sk_settings *s, const struct sk_logger *lg,
	       struct sk_ctx **out);
void sk_ctx_free(struct sk_ctx *ctx);
const struct sk_settings *sk_ctx_settings(const struct sk_ctx *ctx);

/* What the host provides for one attempt. */
struct sk_host {
	/* this connection's log; NULL = the context's */
	const struct sk_logger *lg;
	/* make identity the authenticated (and authorised) user; SASL code */
	int (*accept)(void *hctx, const char *identity);
	/* the host's own verifier for saslkey_fallback; NULL = none */
	int (*checkpass)(void *hctx, const char *user, size_t ulen,
			 const char *pass, size_t plen);
	void *hctx;
};

struct sk_attempt {
	const char *service;		/* "smtp", "imap", ... */
	const char *mech;		/* "PLAIN", ... */
	const char *remote;		/* libsasl2 "ip;port", or NULL */
	size_t remote_len;
	const char *local;
	size_t local_len;
	const char *user;		/* presented authcid: untrusted */
	size_t user_len;
	const char *authzid;		/* requested authzid, may be empty */
	size_t authzid_len;
	const char *realm;		/* the host's user realm, or NULL */
	const struct sk_host *host;
};

/* longest user name or password the request layer accepts */
#define SK_FIELD_MAX 255

/*
 * A password: an API key, or (saslkey_fallback: yes) an ordinary password
 * for the host's pwcheck_method.  The user may be saslkey_key_username
 * ("apikey"), the key id or the key's account; the identity becomes the
 * key's account.  An authzid must be empty or equal that account.
 */
int sk_request_password(struct sk_ctx *ctx, const struct sk_attempt *a,
			const char *pass, size_t pass_len);

/*
 * A CRAM-MD5 response (RFC 2195) to challenge: user is an account (its
 * secrets and CRAM-enabled keys are tried) or a key id; digest is the
 * client's 16-byte HMAC-MD5.  The challenge is a parameter so the request
 * layer can be tested against RFC vectors; the mechanism always passes
 * the one it generated.
 */
int sk_request_cram(struct sk_ctx *ctx, const struct sk_attempt *a,
		    const char *challenge, size_t chlen,
		    const unsigned char digest[16]);

/*
 * An OAuth 2.0 bearer token (OAUTHBEARER, XOAUTH2): a JWT verified
 * locally against the issuers in the store.  a->user is the a= / user=
 * name (may be empty for OAUTHBEARER); it must equal the token's username
 * claim, which becomes the identity.  On failure ch says what the error
 * challenge should advertise (the issuer's scope and discovery URL).
 */
struct sk_bearer_challenge {
	char scope[513];
	char openid_configuration[513];
};

int sk_request_bearer(struct sk_ctx *ctx, const struct sk_attempt *a,
		      const char *token, size_t len,
		      struct sk_bearer_challenge *ch);

/*
 * The auxprop gate: a stock mechanism (SCRAM, PLAIN against sasldb,
 * DIGEST-MD5, GSSAPI, EXTERNAL, ...) canonicalised a->user.  If the user
 * is a saslkey account (or a key id), its policy applies; a refusal is
 * SASL_DISABLED, audited with action "lookup".  A user saslkey does not
 * know is SASL_NOUSER, so other auxprops can serve it; SASL_OK means *out
 * holds what may be served: the SCRAM verifiers (possibly none).  Allowed
 * lookups write no audit event: the stock mechanism decides the outcome.
 */
struct sk_lookup {
	char account[256];
	char scram_sha1[193];
	char scram_sha256[193];
};

int sk_request_lookup(struct sk_ctx *ctx, const struct sk_attempt *a,
		      struct sk_lookup *out);

/*
 * An account password from saslpasswd2 (the auxprop store hook): stored as
 * sealed CRAM-MD5 state and SCRAM verifiers, never in plaintext; replaces
 * the account's previous password and creates the account if needed.
 * pass NULL deletes the password.  Returns a SASL code.
 */
int sk_password_store(struct sk_ctx *ctx, const char *user, size_t ulen,
		      const char *pass, size_t plen);

/* the client's message did not parse: audit it, return SASL_BADPROT */
int sk_request_malformed(struct sk_ctx *ctx, const struct sk_attempt *a);

#endif
