/* saslkey - diagnostics sink */
#ifndef SK_LOG_H
#define SK_LOG_H

/*
 * common/ never writes to stdout/stderr or syslog itself: it runs inside
 * someone else's process.  Diagnostics go to a sink the host supplies - the
 * plugin forwards them to utils->log, the CLI to stderr.  Messages are
 * formatted here with vsnprintf, so the sink only ever receives a finished
 * string (libsasl2's own formatter lacks %zu, %ld and %.*s).
 *
 * Diagnostics are for operators and never carry a secret: log the key id,
 * never the key; the issuer and kid, never the token.
 */
enum sk_log_level {
	SK_LOG_ERR,	/* misconfiguration, store or key-file failure */
	SK_LOG_WARN,
	SK_LOG_NOTE,
	SK_LOG_DEBUG,
};

struct sk_logger {
	void (*emit)(void *ctx, enum sk_log_level level, const char *msg);
	void *ctx;
};

void sk_log(const struct sk_logger *lg, enum sk_log_level level,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
