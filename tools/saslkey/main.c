/* saslkey(8) - manage the saslkey key store */
#include "cli.h"
#include "status.h"
#include "when.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
	"usage: saslkey [--db PATH] [--config FILE] COMMAND [ARGS]\n"
	"\n"
	"  init                               create or migrate the store\n"
	"  account add NAME [--allow CIDR]... [--note TEXT]\n"
	"  account list | show NAME\n"
	"  account disable|enable NAME\n"
	"  account allow|disallow NAME CIDR...\n"
	"  account remove NAME [--with-keys]\n"
	"  key create ACCOUNT [--service NAME]... [--allow CIDR]...\n"
	"             [--expires WHEN] [--label TEXT] [--cram] [--scram]\n"
	"  key list [ACCOUNT] | show ID\n"
	"  key revoke ID | expire ID WHEN | rotate ID [--grace DURATION]\n"
	"  cram set ACCOUNT [--stdin] [--expires WHEN] [--label TEXT]\n"
	"  cram list ACCOUNT | revoke ACCOUNT ID\n"
	"  cram rotate ACCOUNT [--grace DURATION] [--stdin]\n"
	"  issuer add NAME --issuer URL --audience AUD --jwks FILE\n"
	"             [--alg ALG]... [--username-claim CLAIM] [--scope SCOPE]\n"
	"             [--leeway SECONDS] [--openid-configuration URL]\n"
	"  issuer update NAME [the options of add]   (--jwks replaces all keys)\n"
	"  issuer list | show NAME | remove NAME\n"
	"  token revoke --issuer NAME (--jti ID | --sub SUBJECT)\n"
	"  token list --issuer NAME\n"
	"  doctor [--app NAME] [--conf-dir DIR] [--plugin-path PATH]\n"
	"\n"
	"Listings take --json.  The store is --db, else $SASLKEY_DB, else\n"
	"saslkey_db from --config FILE, else " SK_DEFAULT_DB ".\n"
	"WHEN: now, never, 90d, 12h, 2w, YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ.\n"
	"Exit status: 0 ok, 1 usage or input error, 2 store unusable.\n";

static void log_stderr(void *ctx, enum sk_log_level level, const char *msg)
{
	(void)ctx;
	if (level <= SK_LOG_WARN)
		fprintf(stderr, "saslkey: %s\n", msg);
}

void cli_err(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fputs("saslkey: ", stderr);
	if (c != NULL && c->cmd != NULL)
		fprintf(stderr, "%s: ", c->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_getopt(struct cli *c, int argc, char **argv,
	       const struct option *longopts, cli_opt_fn *handle, void *ctx,
	       const char *use)
{
	int opt;

	optind = 0;		/* GNU: full re-initialisation */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_DB:
			c->db_opt = optarg;
			break;
		case OPT_CONFIG:
			c->config_opt = optarg;
			break;
		case OPT_JSON:
			c->json = true;
			break;
		case OPT_HELP:
			printf("usage: saslkey %s\n", use);
			exit(CLI_OK);
		case '?':
		case ':':
			/* optopt is a short option's letter, or a long
			 * option's val (not printable): then name it */
			if (optopt > ' ' && optopt < 0x7f)
				cli_err(c, "bad or incomplete option -%c", optopt);
			else
				cli_err(c, "bad or incomplete option %s",
					argv[optind - 1]);
			cli_note("usage: saslkey %s", use);
			return -1;
		default:
			if (handle == NULL || handle(c, opt, optarg, ctx) != 0)
				return -1;
		}
	}
	return optind;
}

bool cli_nargs(struct cli *c, int argc, int first, int n, const char *use)
{
	if (first < 0)
		return false;
	if (argc - first != n) {
		cli_err(c, "expected %d argument%s, got %d", n,
			n == 1 ? "" : "s", argc - first);
		cli_note("usage: saslkey %s", use);
		return false;
	}
	return true;
}

int cli_args(struct cli *c, int argc, char **argv,
	     const struct option *longopts, cli_opt_fn *handle, void *ctx,
	     int min, int max, const char *use, int *first)
{
	int n;

	*first = cli_getopt(c, argc, argv, longopts, handle, ctx, use);
	if (*first < 0)
		return CLI_USAGE;
	if (min == max)
		return cli_nargs(c, argc, *first, min, use) ? CLI_OK : CLI_USAGE;
	n = argc - *first;
	if (n >= min && (max < 0 || n <= max))
		return CLI_OK;
	if (max < 0)
		cli_err(c, "expected at least %d arguments, got %d", min, n);
	else
		cli_err(c, "expected %d to %d arguments, got %d", min, max, n);
	cli_note("usage: saslkey %s", use);
	return CLI_USAGE;
}

int cli_dispatch(struct cli *c, int argc, char **argv,
		 const struct cli_sub *subs, size_t n)
{
	char names[256] = "";
	size_t i, len = 0;

	if (argc >= 2) {
		for (i = 0; i < n; i++) {
			if (strcmp(argv[1], subs[i].name) == 0) {
				c->cmd = subs[i].full;
				return subs[i].fn(c, argc - 1, argv + 1);
			}
		}
		cli_err(c, "unknown subcommand \"%s\"", argv[1]);
		return CLI_USAGE;
	}
	for (i = 0; i < n && len < sizeof(names); i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
					i ? ", " : "", subs[i].name);
	cli_err(c, "missing subcommand (%s)", names);
	return CLI_USAGE;
}

static int load_settings(struct cli *c)
{
	struct sk_conffile *cf = NULL;
	char err[512];
	const char *env;
	int r;

	if (c->config_opt != NULL) {
		r = sk_conffile_load(c->config_opt, &cf, err, sizeof(err));
		if (r != SK_OK) {
			cli_err(c, "%s", err);
			return CLI_USAGE;
		}
	}
	r = sk_settings_load(&c->settings, cf ? sk_conffile_get : NULL, cf,
			     err, sizeof(err));
	sk_conffile_free(cf);
	if (r != SK_OK) {
		cli_err(c, "%s: %s", c->config_opt, err);
		return CLI_USAGE;
	}
	if (c->db_opt != NULL)
		snprintf(c->settings.db, sizeof(c->settings.db), "%s",
			 c->db_opt);
	else if ((env = getenv("SASLKEY_DB")) != NULL && env[0] != '\0')
		snprintf(c->settings.db, sizeof(c->settings.db), "%s", env);
	return CLI_OK;
}

int cli_open_settings_only(struct cli *c)
{
	return load_settings(c);
}

int cli_open(struct cli *c, enum sk_store_mode mode)
{
	int r;

	if ((r = load_settings(c)) != CLI_OK)
		return r;
	r = sk_store_open(c->settings.db, mode, &c->lg, &c->st);
	if (r == SK_OK)
		return CLI_OK;
	if (r == SK_INVALID)
		cli_err(c, "bad store location \"%s\"", c->settings.db);
	/* the logger already printed the precise reason */
	return CLI_STORE;
}

int cli_open_for(struct cli *c, enum sk_store_mode mode)
{
	int r = cli_open(c, mode);

	if (r == CLI_OK && mode != SK_STORE_READ)
		r = cli_begin(c);
	return r;
}

int cli_begin(struct cli *c)
{
	int r = cli_status(c, c->st->ops->begin(c->st), "begin transaction");

	c->in_txn = r == CLI_OK;
	return r;
}

int cli_end(struct cli *c, int status)
{
	if (c->st == NULL)
		return status;
	if (status == CLI_OK && c->in_txn) {
		if (c->st->ops->commit(c->st) != SK_OK) {
			cli_err(c, "could not commit the change");
			status = CLI_STORE;
		}
	}
	if (status != CLI_OK && c->in_txn)
		c->st->ops->rollback(c->st);
	c->in_txn = false;
	sk_store_close(c->st);
	c->st = NULL;
	return status;
}

int cli_status(struct cli *c, int st, const char *what)
{
	switch (st) {
	case SK_OK:
		return CLI_OK;
	case SK_UNAVAIL:
	case SK_NOMEM:
		cli_err(c, "%s: %s", what, sk_status_str(st));
		return CLI_STORE;
	default:
		cli_err(c, "%s: %s", what, sk_status_str(st));
		return CLI_USAGE;
	}
}

/*
 * Account names become SASL identities, Postfix's sasl_username and log
 * fields: printable, no whitespace, no control bytes, valid UTF-8.
 */
bool cli_valid_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > SK_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch <= 0x20 || ch == 0x7f)
			return false;
	}
	return cli_valid_text(s, SK_NAME_MAX, false);
}

bool cli_valid_text(const char *s, size_t max, bool allow_space)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	if (n > max)
		return false;
	while (i < n) {
		unsigned char ch = p[i];
		size_t len, k;

		if (ch < 0x20 || ch == 0x7f || (ch == ' ' && !allow_space))
			return false;
		if (ch < 0x80) {
			i++;
			continue;
		}
		len = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc2 ? 2 : 0;
		if (len == 0 || ch > 0xf4 || i + len > n)
			return false;
		for (k = 1; k < len; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		/* overlong forms, UTF-16 surrogates, past U+10FFFF: jansson
		 * refuses them, and --json would silently drop the record */
		if ((ch == 0xe0 && p[i + 1] < 0xa0) ||
		    (ch == 0xed && p[i + 1] >= 0xa0) ||
		    (ch == 0xf0 && p[i + 1] < 0x90) ||
		    (ch == 0xf4 && p[i + 1] >= 0x90))
			return false;
		i += len;
	}
	return true;
}

/* SASL service names: smtp, imap, pop, sieve, lmtp, ...; "*" = any */
bool cli_valid_service(const char *s)
{
	size_t n = strlen(s), i;

	if (strcmp(s, "*") == 0)
		return true;
	if (n == 0 || n > 32 || !islower((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (!islower(ch) && !isdigit(ch) && ch != '-' && ch != '_' &&
		    ch != '.')
			return false;
	}
	return true;
}

int cli_acl_add(struct cli *c, struct sk_acl *acl, const char *text)
{
	struct sk_acl add;
	const char *err = NULL;
	size_t i, j;

	if (sk_acl_parse(text, strlen(text), &add, &err) != SK_OK) {
		cli_err(c, "bad allow-list \"%s\": %s", text, err);
		return CLI_USAGE;
	}
	for (i = 0; i < add.n; i++) {
		for (j = 0; j < acl->n; j++)
			if (memcmp(&acl->e[j], &add.e[i], sizeof(add.e[i])) == 0)
				break;
		if (j < acl->n)
			continue;
		if (acl->n == SK_ACL_MAX) {
			cli_err(c, "more than %d allow-list entries", SK_ACL_MAX);
			return CLI_USAGE;
		}
		acl->e[acl->n++] = add.e[i];
	}
	return CLI_OK;
}

int cli_when(struct cli *c, const char *s, int64_t *out)
{
	if (sk_when_parse(s, c->now, out) != SK_OK) {
		cli_err(c, "bad time \"%s\" (try 90d, 2027-01-31, never)", s);
		return CLI_USAGE;
	}
	return CLI_OK;
}

int cli_account_get(struct cli *c, const char *name, struct sk_account *a)
{
	int r = c->st->ops->account_get(c->st, name, a);

	if (r == SK_NOTFOUND) {
		cli_err(c, "no account \"%s\"", name);
		return CLI_USAGE;
	}
	return cli_status(c, r, "reading account");
}

int cli_duration(struct cli *c, const char *s, int64_t *out)
{
	if (sk_duration_parse(s, out) != SK_OK) {
		cli_err(c, "bad duration \"%s\" (e.g. 7d, 12h, 0)", s);
		return CLI_USAGE;
	}
	return CLI_OK;
}

int cli_text(struct cli *c, const char *s, size_t max, const char *what,
	     const char **out)
{
	if (!cli_valid_text(s, max, true)) {
		cli_err(c, "%s must be at most %zu bytes of printable UTF-8",
			what, max);
		return CLI_USAGE;
	}
	*out = s;
	return CLI_OK;
}

void cli_time(int64_t t, char *out, size_t cap)
{
	sk_when_format(t, out, cap);
}

json_t *cli_json_time(int64_t t)
{
	char buf[40];

	if (t == 0)
		return json_null();
	sk_when_format(t, buf, sizeof(buf));
	return json_string(buf);
}

json_t *cli_json_words(const char *s)
{
	json_t *a = json_array();
	const char *p = s;

	while (*p != '\0') {
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n > 0)
			json_array_append_new(a, json_stringn(p, n));
		p += n;
	}
	return a;
}

void cli_print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(j);
}

static const struct {
	const char *name;
	int (*fn)(struct cli *, int, char **);
} commands[] = {
	{ "init", cmd_init },
	{ "account", cmd_account },
	{ "key", cmd_key },
	{ "cram", cmd_cram },
	{ "issuer", cmd_issuer },
	{ "token", cmd_token },
	{ "doctor", cmd_doctor },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTS,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli c = {
		.lg = { .emit = log_stderr },
		.now = (int64_t)time(NULL),
	};
	int first, rc = CLI_USAGE;
	size_t i;

	optind = 0;
	opterr = 0;
	while ((first = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (first) {
		case OPT_DB: c.db_opt = optarg; break;
		case OPT_CONFIG: c.config_opt = optarg; break;
		case OPT_JSON: c.json = true; break;
		case 'h':
		case OPT_HELP: fputs(usage, stdout); return CLI_OK;
		case 'V': puts("saslkey " SASLKEY_VERSION); return CLI_OK;
		default:
			cli_err(NULL, "bad option %s", argv[optind - 1]);
			fputs(usage, stderr);
			return CLI_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	for (i = 0; i < SK_N_ELEMENTS(commands); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			c.cmd = commands[i].name;
			rc = commands[i].fn(&c, argc - optind, argv + optind);
			if (fflush(stdout) != 0 && rc == CLI_OK) {
				cli_err(&c, "writing output: %s",
					strerror(errno));
				rc = CLI_USAGE;
			}
			return rc;
		}
	}
	cli_err(NULL, "unknown command \"%s\"", argv[optind]);
	fputs(usage, stderr);
	return CLI_USAGE;
}
