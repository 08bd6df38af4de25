/* saslkey(8) - doctor: which plugin serves each mechanism, and is the
 * store usable, for one application's SASL configuration */
#include "cli.h"
#include "status.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#ifndef SK_PLUGINDIR
#define SK_PLUGINDIR "/usr/lib/x86_64-linux-gnu/saslkey/sasl2"
#endif
#ifndef SK_STOCK_PLUGINDIR
#define SK_STOCK_PLUGINDIR "/usr/lib/x86_64-linux-gnu/sasl2"
#endif
#define LIBSASL_CONF_PATH "/etc/sasl2:/etc/sasl:" SK_STOCK_PLUGINDIR \
			  ":/usr/lib/sasl2"
#define OUR_PLUGIN "saslkey"

struct doctor {
	const char *app;
	char conf_path[4096];
	char plugin_path[4096];
	char conf_file[4096 + 64];
	int problems;
};

enum { OPT_APP = 1, OPT_CONF_DIR, OPT_PLUGIN_PATH };

static int doctor_opt(struct cli *c, int opt, const char *arg, void *ctx)
{
	struct doctor *d = ctx;

	(void)c;
	switch (opt) {
	case OPT_APP:
		d->app = arg;
		return 0;
	case OPT_CONF_DIR:
		snprintf(d->conf_path, sizeof(d->conf_path), "%s", arg);
		return 0;
	case OPT_PLUGIN_PATH:
		snprintf(d->plugin_path, sizeof(d->plugin_path), "%s", arg);
		return 0;
	}
	return 1;
}

static void problem(struct doctor *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct doctor *d, const char *fmt, ...)
{
	va_list ap;

	d->problems++;
	fputs("WARNING: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* Postfix passes SASL_PATH to smtpd only through import_environment */
static bool postfix_sasl_path(char *out, size_t cap)
{
	char line[8192];
	const char *p;
	bool found = false;
	FILE *f = popen("postconf -h import_environment 2>/dev/null", "r");

	if (f == NULL)
		return false;
	if (fgets(line, sizeof(line), f) != NULL &&
	    (p = strstr(line, "SASL_PATH=")) != NULL) {
		size_t n;

		p += strlen("SASL_PATH=");
		n = strcspn(p, " \t\n");
		snprintf(out, cap, "%.*s", (int)n, p);
		found = true;
	}
	pclose(f);
	return found;
}

static void choose_paths(struct doctor *d)
{
	const char *env;
	struct stat sb;
	bool smtpd = strcmp(d->app, "smtpd") == 0;

	if (d->conf_path[0] == '\0') {
		if (smtpd && stat("/etc/postfix/sasl", &sb) == 0)
			/* Debian's Postfix always reads $config_directory/sasl */
			snprintf(d->conf_path, sizeof(d->conf_path),
				 "/etc/postfix/sasl");
		else if ((env = getenv("SASL_CONF_PATH")) != NULL && env[0])
			snprintf(d->conf_path, sizeof(d->conf_path), "%s", env);
		else
			snprintf(d->conf_path, sizeof(d->conf_path), "%s",
				 LIBSASL_CONF_PATH);
	}
	if (d->plugin_path[0] == '\0') {
		if (smtpd && postfix_sasl_path(d->plugin_path,
					       sizeof(d->plugin_path))) {
			printf("plugin path: from Postfix import_environment\n");
		} else if ((env = getenv("SASL_PATH")) != NULL && env[0]) {
			snprintf(d->plugin_path, sizeof(d->plugin_path), "%s",
				 env);
		} else {
			snprintf(d->plugin_path, sizeof(d->plugin_path), "%s",
				 SK_STOCK_PLUGINDIR);
			problem(d, "no SASL_PATH: the application loads only "
				   "the stock plugins from %s (Postfix: add "
				   "SASL_PATH=%s:%s to import_environment, then "
				   "postfix stop; postfix start)",
				SK_STOCK_PLUGINDIR, SK_PLUGINDIR,
				SK_STOCK_PLUGINDIR);
		}
	}
}

static void find_conf_file(struct doctor *d)
{
	char path[sizeof(d->conf_path)], *save = NULL, *dir;
	struct stat sb;

	snprintf(path, sizeof(path), "%s", d->conf_path);
	d->conf_file[0] = '\0';
	for (dir = strtok_r(path, ":", &save); dir != NULL;
	     dir = strtok_r(NULL, ":", &save)) {
		char f[4096 + 64];

		snprintf(f, sizeof(f), "%s/%s.conf", dir, d->app);
		if (stat(f, &sb) == 0) {
			snprintf(d->conf_file, sizeof(d->conf_file), "%s", f);
			return;
		}
	}
}

static struct doctor *cb_doctor;

static int cb_getpath(void *ctx, const char **path)
{
	(void)ctx;
	*path = cb_doctor->plugin_path;
	return SASL_OK;
}

static int cb_getconfpath(void *ctx, char **path)
{
	(void)ctx;
	*path = cb_doctor->conf_path;
	return SASL_OK;
}

/* libsasl2 stores callbacks as int (*)(void); void (*)(void) matches all */
#define CB(fn) ((int (*)(void))(void (*)(void))(fn))

struct providers {
	char names[8][64];
	int n;
};

static void collect(server_sasl_mechanism_t *m, sasl_info_callback_stage_t stage,
		    void *rock)
{
	struct providers *p = rock;

	if (stage != SASL_INFO_LIST_MECH || m == NULL || p->n >= 8)
		return;
	snprintf(p->names[p->n++], sizeof(p->names[0]), "%s",
		 m->plugname ? m->plugname : "(built-in)");
}

/* is saslkey among the providers at all?  (it may not be first) */
static bool provided_by_us(const struct providers *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->names[i], OUR_PLUGIN) == 0)
			return true;
	return false;
}

static void report_mechs(struct doctor *d, const char *mech_list)
{
	char list[4096], *save = NULL, *mech;

	snprintf(list, sizeof(list), "%s", mech_list);
	printf("\n%-14s %-12s %s\n", "MECHANISM", "SERVED BY", "ALSO PROVIDED BY");
	for (mech = strtok_r(list, " \t,", &save); mech != NULL;
	     mech = strtok_r(NULL, " \t,", &save)) {
		struct providers p = { .n = 0 };
		char others[512] = "";
		int i;

		sasl_server_plugin_info(mech, collect, &p);
		for (i = 1; i < p.n; i++) {
			size_t l = strlen(others);

			snprintf(others + l, sizeof(others) - l, "%s%s",
				 l ? ", " : "", p.names[i]);
		}
		printf("%-14s %-12s %s\n", mech, p.n ? p.names[0] : "-",
		       others[0] ? others : "-");
		if (p.n == 0)
			problem(d, "%s is in mech_list but no plugin provides it",
				mech);
		else if (provided_by_us(&p) && strcmp(p.names[0], OUR_PLUGIN) != 0)
			problem(d, "%s is served by the stock plugin \"%s\", "
				   "not by saslkey: put %s before %s in the "
				   "plugin path", mech, p.names[0],
				SK_PLUGINDIR, SK_STOCK_PLUGINDIR);
	}
}

static void auxprop_seen(sasl_auxprop_plug_t *m,
			 sasl_info_callback_stage_t stage, void *rock)
{
	bool *found = rock;

	if (stage == SASL_INFO_LIST_MECH && m != NULL && m->name != NULL &&
	    strcasecmp(m->name, OUR_PLUGIN) == 0)
		*found = true;
}

/* auxprop_plugin names saslkey: is our auxprop actually loaded? */
static void report_auxprop(struct doctor *d, const char *auxprops)
{
	bool found = false;

	printf("\nauxprop_plugin: %s\n", auxprops[0] ? auxprops : "(all)");
	auxprop_plugin_info(NULL, auxprop_seen, &found);
	if (found)
		printf("               saslkey auxprop loaded (SCRAM verifiers, "
		       "policy gate for stock mechanisms)\n");
	else if (strstr(auxprops, OUR_PLUGIN) != NULL)
		problem(d, "auxprop_plugin names saslkey but the plugin path "
			   "does not provide it");
}

static void check_store(struct doctor *d, struct cli *c)
{
	struct sk_conffile *cf = NULL;
	struct sk_store *st = NULL;
	char err[512];
	int version = 0;

	if (d->conf_file[0] != '\0' &&
	    sk_conffile_load(d->conf_file, &cf, err, sizeof(err)) != SK_OK) {
		problem(d, "%s", err);
		return;
	}
	if (sk_settings_load(&c->settings, cf ? sk_conffile_get : NULL, cf,
			     err, sizeof(err)) != SK_OK) {
		problem(d, "%s: %s", d->conf_file, err);
		sk_conffile_free(cf);
		return;
	}
	sk_conffile_free(cf);

	printf("\nkey store:   %s\n", c->settings.db);
	if (sk_store_open(c->settings.db, SK_STORE_READ, &c->lg, &st) != SK_OK) {
		problem(d, "the key store cannot be opened read-only (every "
			   "attempt would fail with a temporary error)");
	} else {
		st->ops->schema_version(st, &version);
		printf("             opens read-only, schema version %d\n",
		       version);
		sk_store_close(st);
	}
	if (c->settings.audit_file[0] != '\0') {
		int fd = open(c->settings.audit_file,
			      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

		printf("audit file:  %s\n", c->settings.audit_file);
		if (fd < 0)
			problem(d, "audit file %s is not writable: %s",
				c->settings.audit_file, strerror(errno));
		else
			close(fd);
	} else {
		printf("audit file:  (none)\n");
	}
	printf("audit syslog: %s\n", c->settings.audit_syslog ?
					     c->settings.audit_syslog_socket :
					     "off");
}

int cmd_doctor(struct cli *c, int argc, char **argv)
{
	static const char use[] =
		"doctor [--app NAME] [--conf-dir DIR] [--plugin-path PATH]";
	static const struct option opts[] = {
		CLI_COMMON_OPTS,
		{ "app", required_argument, NULL, OPT_APP },
		{ "conf-dir", required_argument, NULL, OPT_CONF_DIR },
		{ "plugin-path", required_argument, NULL, OPT_PLUGIN_PATH },
		{ 0 },
	};
	sasl_callback_t cbs[] = {
		{ SASL_CB_GETPATH, CB(cb_getpath), NULL },
		{ SASL_CB_GETCONFPATH, CB(cb_getconfpath), NULL },
		{ SASL_CB_LIST_END, NULL, NULL },
	};
	struct doctor d = { .app = "smtpd" };
	struct sk_conffile *cf = NULL;
	char mech_list[4096] = "", auxprops[512] = "", err[512];
	const char *v;
	size_t len;
	int first, rc;

	first = cli_getopt(c, argc, argv, opts, doctor_opt, &d, use);
	if (!cli_nargs(c, argc, first, 0, use))
		return CLI_USAGE;
	choose_paths(&d);
	find_conf_file(&d);
	printf("application: %s\nconfig path: %s\nconfig file: %s\n"
	       "plugin path: %s\n", d.app, d.conf_path,
	       d.conf_file[0] ? d.conf_file : "(none found)", d.plugin_path);
	if (d.conf_file[0] == '\0')
		problem(&d, "no %s.conf in the config path: saslkey options "
			    "and mech_list are not set", d.app);
	else if (sk_conffile_load(d.conf_file, &cf, err, sizeof(err)) != SK_OK)
		problem(&d, "%s", err);
	if (cf != NULL && (v = sk_conffile_get(cf, "mech_list", &len)) != NULL)
		snprintf(mech_list, sizeof(mech_list), "%.*s", (int)len, v);
	if (cf != NULL &&
	    (v = sk_conffile_get(cf, "auxprop_plugin", &len)) != NULL)
		snprintf(auxprops, sizeof(auxprops), "%.*s", (int)len, v);
	sk_conffile_free(cf);
	if (mech_list[0] == '\0') {
		snprintf(mech_list, sizeof(mech_list),
			 "PLAIN LOGIN CRAM-MD5 OAUTHBEARER XOAUTH2");
		problem(&d, "no mech_list: every loaded mechanism is offered, "
			    "and names provided twice are advertised twice");
	}

	cb_doctor = &d;
	rc = sasl_server_init(cbs, d.app);
	if (rc != SASL_OK) {
		problem(&d, "sasl_server_init failed: %s (a syntax error in "
			    "%s?)", sasl_errstring(rc, NULL, NULL),
			d.conf_file);
	} else {
		report_mechs(&d, mech_list);
		report_auxprop(&d, auxprops);
		sasl_done();
	}
	check_store(&d, c);
	printf("\n%d problem%s found\n", d.problems, d.problems == 1 ? "" : "s");
	return d.problems ? CLI_USAGE : CLI_OK;
}
