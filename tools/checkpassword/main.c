/* saslkey-checkpassword(8) - a Dovecot checkpassword passdb over the key store */
#include "acl.h"
#include "config.h"
#include "request.h"
#include "secret.h"
#include "status.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <sasl/sasl.h>

/*
 * Dovecot cannot load Cyrus SASL plugins, so it reaches the key store
 * through this helper (passdb driver checkpassword).  The contract, from
 * Dovecot 2.3's db-checkpassword.c and qmail's checkpassword:
 *
 *   fd 3    "user\0password\0timestamp\0", then EOF; at most 512 bytes
 *   env     SERVICE, TCPREMOTEIP/PORT, TCPLOCALIP/PORT, AUTH_MECH, and
 *           AUTHORIZED=1 for a lookup without a password
 *   argv    our own options, then the reply program Dovecot appended
 *           (checkpassword-reply), which we exec on success with USER set
 *   exit    1 wrong credentials, 3 unknown user (lookups), 111 temporary
 *
 * The decision is the plugin's: the same request layer, the same policy,
 * one audit event per attempt.  Nothing goes to stdout (it is not ours)
 * and stderr, which Dovecot copies into its log, only carries a one-line
 * diagnostic when we were invoked wrongly; runtime diagnostics (an
 * unreadable store, ...) go to syslog, and the audit event names the
 * outcome.
 */

enum {
	CPW_BAD = 1,		/* wrong credentials: Dovecot's "mismatch" */
	CPW_NOUSER = 3,		/* lookup: "user unknown" */
	CPW_TEMP = 111,		/* could not decide: try again later */
};

/* Dovecot refuses to run us for more (user + password + 3 NULs) */
#define CPW_INPUT_MAX	512
/* environment values we copy: Dovecot's are short, longer ones are junk */
#define CPW_ENV_NAME_MAX	32
#define CPW_PORT_MAX		5

static const char usage[] =
	"usage: saslkey-checkpassword [--config FILE] [--db PATH] "
	"REPLY-PROGRAM [ARGS]\n";

/* a usage or invocation error: one line for Dovecot's log, then 111 */
static void die_usage(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
static void die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("saslkey-checkpassword: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(CPW_TEMP);
}

static void log_syslog(void *ctx, enum sk_log_level level, const char *msg)
{
	(void)ctx;
	if (level <= SK_LOG_WARN)
		syslog(level == SK_LOG_ERR ? LOG_ERR : LOG_WARNING, "%s", msg);
}

/*
 * An environment variable no longer than max bytes, else NULL.  Dovecot
 * sets these; a value that does not fit is not one of its values, and the
 * request layer treats a missing one as "unknown".
 */
static const char *env_bounded(const char *name, size_t max)
{
	const char *v = getenv(name);

	if (v == NULL || v[0] == '\0' || strnlen(v, max + 1) > max)
		return NULL;
	return v;
}

/*
 * libsasl2's "ip;port" from Dovecot's TCP*IP/TCP*PORT pair, so the
 * request layer parses one format whoever the host is.  A port that is
 * not 1-5 digits is left out rather than guessed.
 */
static const char *ipport(const char *ipvar, const char *portvar, char *out,
			  size_t cap, size_t *len)
{
	const char *ip = env_bounded(ipvar, SK_ADDR_TEXT_MAX);
	const char *port = env_bounded(portvar, CPW_PORT_MAX);
	int n;

	*len = 0;
	if (ip == NULL)
		return NULL;
	if (port != NULL && strspn(port, "0123456789") != strlen(port))
		port = NULL;
	n = snprintf(out, cap, "%s%s%s", ip, port ? ";" : "",
		     port ? port : "");
	if (n < 0 || (size_t)n >= cap)
		return NULL;
	*len = (size_t)n;
	return out;
}

/* the host side of one attempt: remember whom the request layer accepted */
struct cpw_host {
	char identity[SK_FIELD_MAX + 1];
};

static int accept_identity(void *hctx, const char *identity)
{
	struct cpw_host *h = hctx;
	size_t n = strlen(identity);

	if (n == 0 || n >= sizeof(h->identity))
		return SASL_FAIL;
	memcpy(h->identity, identity, n + 1);
	return SASL_OK;
}

/* the request layer's result as a checkpassword exit status */
static int exit_status(int rc)
{
	switch (rc) {
	case SASL_BADAUTH:
	case SASL_BADPROT:
	case SASL_NOUSER:
	case SASL_NOAUTHZ:
	case SASL_EXPIRED:
	case SASL_DISABLED:
		return CPW_BAD;
	default:
		/* UNAVAIL, FAIL, NOMEM, ...: never "wrong password", or an
		 * outage would look like an attack (and lock users out) */
		return CPW_TEMP;
	}
}

/* read fd 3 to EOF; 0 ok, -1 unreadable, 1 longer than CPW_INPUT_MAX */
static int read_input(int fd, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;

	for (;;) {
		ssize_t r;

		if (n == cap)
			return 1;
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return 0;
}

static void load_settings(struct sk_settings *s, const char *config,
			  const char *db)
{
	struct sk_conffile *cf = NULL;
	char err[512];

	if (config != NULL &&
	    sk_conffile_load(config, &cf, err, sizeof(err)) != SK_OK)
		die_usage("%s", err);
	if (sk_settings_load(s, cf ? sk_conffile_get : NULL, cf, err,
			     sizeof(err)) != SK_OK) {
		sk_conffile_free(cf);
		die_usage("%s", err);
	}
	sk_conffile_free(cf);
	/*
	 * No $SASLKEY_DB here, unlike the CLI: Dovecot exports the extra
	 * fields of earlier passdbs as upper-cased variables, so a field
	 * named saslkey_db must not be able to pick our store.
	 */
	if (db != NULL) {
		if (strlen(db) >= sizeof(s->db))
			die_usage("--db %s: path too long", db);
		snprintf(s->db, sizeof(s->db), "%s", db);
	}
}

int main(int argc, char **argv)
{
	enum { OPT_CONFIG = 1000, OPT_DB, OPT_HELP };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "db", required_argument, NULL, OPT_DB },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	/* the input plus one byte, so "too long" is seen, not truncated */
	char in[CPW_INPUT_MAX + 1];
	char remote[SK_ADDR_TEXT_MAX + 8], local[SK_ADDR_TEXT_MAX + 8];
	const char *config = NULL, *db = NULL, *authorized, *mech;
	const char *user, *pass, *nul1, *nul2;
	struct cpw_host hs = { .identity = "" };
	struct sk_settings s;
	struct sk_ctx *ctx;
	struct sk_attempt a;
	struct sk_host host;
	size_t len, ulen, plen;
	int opt, rc, st;

	/* execve(path, {NULL}, ...) is legal: nothing to run on success */
	if (argc < 1 || argv[0] == NULL)
		return CPW_TEMP;
	openlog("saslkey-checkpassword", LOG_PID, LOG_AUTH);

	/* "+": stop at the reply program, whose own options are not ours */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_DB:
			db = optarg;
			break;
		case OPT_HELP:
			fputs(usage, stdout);
			return 0;
		default:
			die_usage("bad or incomplete option %s",
				  argv[optind - 1]);
		}
	}
	if (optind >= argc)
		die_usage("%s", "no reply program to run (Dovecot appends "
				"checkpassword-reply to the passdb args)");
	load_settings(&s, config, db);

	st = read_input(3, in, sizeof(in), &len);
	close(3);
	if (st != 0) {
		sk_wipe(in, sizeof(in));
		die_usage("%s", st > 0 ? "fd 3: more than 512 bytes" :
					 "fd 3: cannot read the request");
	}
	/* user NUL password NUL [timestamp NUL]: the third field is unused */
	user = in;
	nul1 = memchr(in, '\0', len);
	nul2 = nul1 ? memchr(nul1 + 1, '\0', len - (size_t)(nul1 + 1 - in)) :
		      NULL;
	if (nul2 == NULL) {
		sk_wipe(in, sizeof(in));
		die_usage("%s", "fd 3: not \"user\\0password\\0\"");
	}
	ulen = (size_t)(nul1 - in);
	pass = nul1 + 1;
	plen = (size_t)(nul2 - pass);

	/*
	 * A lookup (doveadm auth lookup, a userdb or credentials lookup)
	 * brings no password: an API key cannot be found without the key,
	 * so every user is unknown to us in that mode.
	 */
	authorized = getenv("AUTHORIZED");
	if (authorized != NULL && strcmp(authorized, "1") == 0) {
		sk_wipe(in, sizeof(in));
		return CPW_NOUSER;
	}

	if (sk_ctx_new(&s, &(struct sk_logger){ .emit = log_syslog },
		       &ctx) != SK_OK) {
		sk_wipe(in, sizeof(in));
		syslog(LOG_ERR, "cannot initialise");
		return CPW_TEMP;
	}
	host = (struct sk_host){
		.accept = accept_identity,
		.checkpass = NULL,	/* Dovecot has its own passdbs */
		.hctx = &hs,
	};
	mech = env_bounded("AUTH_MECH", CPW_ENV_NAME_MAX);
	if (mech == NULL)
		mech = env_bounded("AUTH_MECHANISM", CPW_ENV_NAME_MAX);
	a = (struct sk_attempt){
		.service = env_bounded("SERVICE", CPW_ENV_NAME_MAX),
		.mech = mech,
		.user = user,
		.user_len = ulen,
		.authzid = "",
		.authzid_len = 0,
		.host = &host,
	};
	a.remote = ipport("TCPREMOTEIP", "TCPREMOTEPORT", remote,
			  sizeof(remote), &a.remote_len);
	a.local = ipport("TCPLOCALIP", "TCPLOCALPORT", local, sizeof(local),
			 &a.local_len);
	rc = sk_request_password(ctx, &a, pass, plen);
	sk_wipe(in, sizeof(in));
	sk_ctx_free(ctx);
	if (rc != SASL_OK)
		return exit_status(rc);

	/* checkpassword-reply sends user=$USER back to Dovecot on fd 4 */
	if (setenv("USER", hs.identity, 1) != 0) {
		syslog(LOG_ERR, "cannot set USER");
		return CPW_TEMP;
	}
	closelog();
	execv(argv[optind], argv + optind);
	openlog("saslkey-checkpassword", LOG_PID, LOG_AUTH);
	syslog(LOG_ERR, "cannot run %s: %m", argv[optind]);
	return CPW_TEMP;
}
