/* saslkey - one audit event per authentication attempt */
#ifndef SK_AUDIT_H
#define SK_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "acl.h"
#include "log.h"

/*
 * Every attempt, whatever the mechanism and whatever the outcome, produces
 * exactly one event, written by the request layer (never by a mechanism).
 * Two sinks, both optional:
 *
 *  - a JSON Lines file, field names after the Elastic Common Schema, opened
 *    O_APPEND and written with one write(2) per event, so concurrent MTA
 *    processes never interleave lines;
 *  - one syslog line, facility auth, sent to the syslog socket directly so
 *    the host's openlog() ident is left alone:
 *      saslkey[PID]: auth failure: client=[IP]:PORT service=smtp mech=PLAIN
 *        user=apikey account=acme key_id=Ab12... reason=bad_secret
 *    (one line, fixed field order, no spaces in values: fail2ban's filter).
 *
 * Writing never blocks the authentication and never fails it: errors are
 * counted and logged once, and the attempt goes on.  No field ever carries
 * a secret: the presented user name, key id, issuer, sub, jti and kid are
 * all public; keys, passwords and tokens never enter this structure.
 */
struct sk_audit_event {
	const char *action;	/* "sasl-auth" or "lookup" */
	bool success;
	const char *reason;	/* the precise reason, e.g. "key_revoked" */
	int code;		/* SASL result code given to the client */
	const char *mech;
	const char *service;
	struct sk_addr client;	/* family 0 = unknown */
	unsigned client_port;
	struct sk_addr server;
	unsigned server_port;
	const char *user;	/* as presented: untrusted bytes */
	size_t user_len;
	const char *account;	/* resolved account, if any */
	const char *key_id;	/* key or secret id, if any */
	const char *credential;	/* "api_key", "cram_secret", "bearer", ... */
	/* bearer tokens: claims that identify the token, never the token */
	const char *issuer;
	const char *sub;
	const char *jti;
	const char *kid;
	const char *alg;
	struct timespec when;	/* CLOCK_REALTIME at the decision */
	int64_t duration_ns;
};

#define SK_AUDIT_USER_MAX	128	/* bytes of presented user logged */
#define SK_AUDIT_LINE_MAX	8192

struct sk_audit;

/* file: "" or NULL for none; syslog_socket used when syslog is true */
int sk_audit_open(struct sk_audit **out, const char *file, bool syslog,
		  const char *syslog_socket, const struct sk_logger *lg);
void sk_audit_close(struct sk_audit *au);
void sk_audit_emit(struct sk_audit *au, const struct sk_audit_event *ev);

/* the two renderings, without the trailing newline; for tests too */
size_t sk_audit_format_json(const struct sk_audit_event *ev, char *buf,
			    size_t cap);
size_t sk_audit_format_line(const struct sk_audit_event *ev, char *buf,
			    size_t cap);

/* SASL result code as its symbolic name, "SASL_BADAUTH" */
const char *sk_sasl_code_name(int code);

#endif
