/* saslkey tests - driving the saslkey binary */
#define _GNU_SOURCE		/* timegm, strptime */
#include "cli_util.h"
#include "run.h"
#include "key.h"
#include "sktest.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ARGS 64

const char *cli_bin(void)
{
	const char *p = getenv("SK_CLI");

	if (p == NULL || p[0] == '\0') {
		fprintf(stderr, "SK_CLI must name the saslkey binary\n");
		exit(2);
	}
	return p;
}

/*
 * The secret registry (sktest.h): what "key create|rotate" and "cram
 * set|rotate" print, and a secret given on stdin, from every run of the
 * CLI in this test binary (cli_run* and direct sk_run calls alike).
 */
static bool has_arg(const char *const argv[], const char *a)
{
	size_t i;

	for (i = 1; argv[i] != NULL; i++)
		if (strcmp(argv[i], a) == 0)
			return true;
	return false;
}

static void record_lines(const char *s)
{
	while (s != NULL && *s != '\0') {
		size_t n = strcspn(s, "\n");

		sk_test_record_secret(s, n);
		s += n + (s[n] == '\n');
	}
}

static void observe(const char *const argv[], const char *stdin_data,
		    const char *out)
{
	const char *cli = getenv("SK_CLI");

	if (cli == NULL || strcmp(argv[0], cli) != 0)
		return;
	if ((has_arg(argv, "key") &&
	     (has_arg(argv, "create") || has_arg(argv, "rotate"))) ||
	    (has_arg(argv, "cram") &&
	     (has_arg(argv, "set") || has_arg(argv, "rotate"))))
		record_lines(out);
	if (has_arg(argv, "cram") && stdin_data != NULL)
		record_lines(stdin_data);
}

__attribute__((constructor)) static void observe_init(void)
{
	sk_run_observer = observe;
}

void cli_runv(struct cli_res *r, const char *const env[], const char *db,
	      const char *const args[])
{
	const char *argv[MAX_ARGS + 4], *envv[MAX_ARGS + 2];
	size_t n = 0, i, e = 0;

	argv[n++] = cli_bin();
	if (db != NULL) {
		argv[n++] = "--db";
		argv[n++] = db;
	}
	for (i = 0; args[i] != NULL; i++) {
		CU_ASSERT_FATAL(n < MAX_ARGS + 3);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	/* the test's own environment must not pick the store */
	envv[e++] = "SASLKEY_DB";
	for (i = 0; env != NULL && env[i] != NULL; i++) {
		CU_ASSERT_FATAL(e < MAX_ARGS + 1);
		envv[e++] = env[i];
	}
	envv[e] = NULL;
	r->rc = sk_run(argv, envv, NULL, &r->out, &r->err);
}

static void collect(va_list ap, const char *args[MAX_ARGS + 1])
{
	size_t n = 0;
	const char *a;

	while ((a = va_arg(ap, const char *)) != NULL) {
		CU_ASSERT_FATAL(n < MAX_ARGS);
		args[n++] = a;
	}
	args[n] = NULL;
}

void cli_run(struct cli_res *r, const char *const env[], const char *db, ...)
{
	const char *args[MAX_ARGS + 1];
	va_list ap;

	va_start(ap, db);
	collect(ap, args);
	va_end(ap);
	cli_runv(r, env, db, args);
}

void cli_free(struct cli_res *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

char *cli_new_store(const char *tag)
{
	static unsigned seq;
	char name[128];
	struct cli_res r;
	char *path;

	snprintf(name, sizeof(name), "cli-%s-%u/keys.db", tag, ++seq);
	path = strdup(sk_test_path(name));
	CU_ASSERT_FATAL(path != NULL);
	cli_run(&r, NULL, path, "init", NULL);
	if (r.rc != 0)
		fprintf(stderr, "  init %s failed: %s", path, r.err);
	CU_ASSERT_FATAL(r.rc == 0);
	cli_free(&r);
	return path;
}

char *cli_ok(const char *db, ...)
{
	const char *args[MAX_ARGS + 1];
	struct cli_res r;
	va_list ap;

	va_start(ap, db);
	collect(ap, args);
	va_end(ap);
	cli_runv(&r, NULL, db, args);
	if (r.rc != 0)
		fprintf(stderr, "  saslkey %s %s: exit %d: %s", args[0],
			args[1] ? args[1] : "", r.rc, r.err);
	CU_ASSERT_EQUAL(r.rc, 0);
	free(r.err);
	return r.out;
}

json_t *cli_json(const char *db, ...)
{
	const char *args[MAX_ARGS + 1];
	struct cli_res r;
	json_error_t jerr;
	json_t *j;
	va_list ap;

	va_start(ap, db);
	collect(ap, args);
	va_end(ap);
	cli_runv(&r, NULL, db, args);
	CU_ASSERT_EQUAL(r.rc, 0);
	j = json_loads(r.out, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		fprintf(stderr, "  saslkey %s %s: bad JSON: %s\n", args[0],
			args[1] ? args[1] : "", jerr.text);
	CU_ASSERT(j != NULL);
	cli_free(&r);
	return j;
}

bool cli_one_error_line(const struct cli_res *r, const char *want)
{
	const char *nl, *p;

	if (r->out == NULL || r->err == NULL || r->out[0] != '\0')
		return false;
	if (strncmp(r->err, "saslkey: ", 9) != 0)
		return false;
	/* printable text: no stray bytes from a bad format */
	for (p = r->err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n')
			return false;
	nl = strchr(r->err, '\n');
	if (nl == NULL || nl == r->err + 9)
		return false;
	if (want != NULL) {
		p = strstr(r->err, want);
		if (p == NULL || p > nl)
			return false;
	}
	/* what follows, if anything, is a usage hint */
	if (nl[1] != '\0' && strncmp(nl + 1, "usage: ", 7) != 0)
		return false;
	for (p = nl; p != NULL; p = strchr(p + 1, '\n'))
		if (strncmp(p + 1, "saslkey: ", 9) == 0)
			return false;
	return true;
}

char *cli_snapshot(const char *db)
{
	char *a = cli_ok(db, "account", "list", "--json", NULL);
	char *k = cli_ok(db, "key", "list", "--json", NULL);
	char *s = NULL;

	CU_ASSERT_FATAL(a != NULL && k != NULL);
	CU_ASSERT_FATAL(asprintf(&s, "%s\n--\n%s", a, k) > 0);
	free(a);
	free(k);
	return s;
}

bool cli_key_shape_ok(const char *out, const char *prefix)
{
	char pat[128];
	regex_t re;
	bool ok;

	if (out == NULL)
		return false;
	snprintf(pat, sizeof(pat),
		 "^%s_[0-9A-Za-z]{12}_[0-9A-Za-z]{38}\n$", prefix);
	if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	ok = regexec(&re, out, 0, NULL, 0) == 0;
	regfree(&re);
	/* exactly one line */
	return ok && strchr(out, '\n') == out + strlen(out) - 1;
}

void cli_key_parts(const char *out, char id[13], char secret[33])
{
	struct sk_key k;
	size_t n = strcspn(out, "\n");

	CU_ASSERT_FATAL(sk_key_parse(out, n, &k) == SK_KEY_OK);
	memcpy(id, k.id, 13);
	memcpy(secret, k.secret, 33);
	sk_key_wipe(&k);
}

long long cli_time(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL)
		return -1;
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	return (long long)timegm(&tm);
}

const char *cli_jstr(json_t *j, const char *key)
{
	const char *v = json_string_value(json_object_get(j, key));

	return v ? v : "";
}
