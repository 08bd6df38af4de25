/* saslkey tests - common/config.c: settings and "key: value" files */
#include "config.h"
#include "key.h"
#include "status.h"
#include "sktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a getopt callback over a NULL-terminated list of name/value pairs */
struct opt {
	const char *name;
	const char *value;
	size_t len;		/* 0 = strlen(value) */
};

static const char *opt_get(void *ctx, const char *name, size_t *len)
{
	const struct opt *o;

	for (o = ctx; o->name != NULL; o++) {
		if (strcmp(o->name, name) == 0) {
			*len = o->len ? o->len : strlen(o->value);
			return o->value;
		}
	}
	return NULL;
}

static int load1(struct sk_settings *s, const char *name, const char *value,
		 char *err, size_t errlen)
{
	struct opt o[2] = { { name, value, 0 }, { NULL, NULL, 0 } };

	return sk_settings_load(s, opt_get, o, err, errlen);
}

static void check_defaults(const struct sk_settings *s)
{
	CU_ASSERT_STRING_EQUAL(s->db, SK_DEFAULT_DB);
	CU_ASSERT_STRING_EQUAL(s->db, "/var/lib/saslkey/keys.db");
	CU_ASSERT_STRING_EQUAL(s->audit_file, "");
	CU_ASSERT(s->audit_syslog);
	CU_ASSERT_STRING_EQUAL(s->audit_syslog_socket, "/dev/log");
	CU_ASSERT(!s->fallback);
	CU_ASSERT_STRING_EQUAL(s->key_username, "apikey");
	CU_ASSERT_STRING_EQUAL(s->key_prefix, "sk");
	CU_ASSERT_STRING_EQUAL(s->master_key, "");
	CU_ASSERT(!s->oauth_require_account);
	CU_ASSERT_EQUAL(s->scram_iterations, 10000);
}

static void test_defaults(void)
{
	struct sk_settings s;
	struct opt none[] = { { NULL, NULL, 0 } };
	char err[128] = "junk";

	memset(&s, 0x55, sizeof(s));
	CU_ASSERT_EQUAL(sk_settings_load(&s, NULL, NULL, err, sizeof(err)),
			SK_OK);
	check_defaults(&s);
	CU_ASSERT_STRING_EQUAL(err, "");
	/* a callback that knows nothing gives the same */
	memset(&s, 0x55, sizeof(s));
	CU_ASSERT_EQUAL(sk_settings_load(&s, opt_get, none, err, sizeof(err)),
			SK_OK);
	check_defaults(&s);
}

static void test_every_option(void)
{
	struct opt o[] = {
		{ "saslkey_db", "/srv/keys.db", 0 },
		{ "saslkey_audit_file", "/var/log/saslkey.json", 0 },
		{ "saslkey_audit_syslog", "no", 0 },
		{ "saslkey_audit_syslog_socket", "/run/systemd/journal/dev-log",
		  0 },
		{ "saslkey_fallback", "yes", 0 },
		{ "saslkey_key_username", "token", 0 },
		{ "saslkey_key_prefix", "acme9", 0 },
		{ "saslkey_master_key", "/etc/saslkey/master.key", 0 },
		{ "saslkey_oauth_require_account", "on", 0 },
		{ "saslkey_scram_iterations", "20000", 0 },
		{ NULL, NULL, 0 },
	};
	struct sk_settings s;
	char err[128];

	CU_ASSERT_EQUAL_FATAL(sk_settings_load(&s, opt_get, o, err, sizeof(err)),
			      SK_OK);
	CU_ASSERT_STRING_EQUAL(s.db, "/srv/keys.db");
	CU_ASSERT_STRING_EQUAL(s.audit_file, "/var/log/saslkey.json");
	CU_ASSERT(!s.audit_syslog);
	CU_ASSERT_STRING_EQUAL(s.audit_syslog_socket,
			       "/run/systemd/journal/dev-log");
	CU_ASSERT(s.fallback);
	CU_ASSERT_STRING_EQUAL(s.key_username, "token");
	CU_ASSERT_STRING_EQUAL(s.key_prefix, "acme9");
	CU_ASSERT_STRING_EQUAL(s.master_key, "/etc/saslkey/master.key");
	CU_ASSERT(s.oauth_require_account);
	CU_ASSERT_EQUAL(s.scram_iterations, 20000);
}

/* values arrive as pointer + length, not necessarily NUL-terminated */
static void test_value_length_honoured(void)
{
	struct opt o[] = {
		{ "saslkey_db", "/srv/keys.dbJUNK", 12 },
		{ "saslkey_fallback", "yesJUNK", 3 },
		{ "saslkey_scram_iterations", "50009", 4 },
		{ NULL, NULL, 0 },
	};
	struct sk_settings s;
	char err[128];

	CU_ASSERT_EQUAL_FATAL(sk_settings_load(&s, opt_get, o, err, sizeof(err)),
			      SK_OK);
	CU_ASSERT_STRING_EQUAL(s.db, "/srv/keys.db");
	CU_ASSERT(s.fallback);
	CU_ASSERT_EQUAL(s.scram_iterations, 5000);
}

static void test_bools(void)
{
	static const struct {
		const char *v;
		int want;	/* 1, 0, -1 = refused */
	} cases[] = {
		{ "1", 1 }, { "t", 1 }, { "true", 1 }, { "y", 1 }, { "yes", 1 },
		{ "on", 1 }, { "YES", 1 }, { "True", 1 }, { "On", 1 },
		{ "0", 0 }, { "f", 0 }, { "false", 0 }, { "n", 0 }, { "no", 0 },
		{ "off", 0 }, { "NO", 0 }, { "Off", 0 },
		{ "yes", 1 }, { "yess", -1 }, { "ye", -1 },
		{ "on", 1 }, { "o", -1 }, { " on", -1 }, { "on ", -1 },
		{ "1", 1 }, { "2", -1 }, { "01", -1 }, { "", -1 },
		{ "maybe", -1 }, { "enabled", -1 },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		struct sk_settings s;
		char err[128] = "";
		int r = load1(&s, "saslkey_fallback", cases[i].v, err,
			      sizeof(err));
		bool b = !cases[i].want;

		if (cases[i].want < 0) {
			CU_ASSERT_EQUAL(r, SK_INVALID);
			CU_ASSERT(strstr(err, "saslkey_fallback") != NULL);
		} else {
			CU_ASSERT_EQUAL(r, SK_OK);
			CU_ASSERT_EQUAL(s.fallback, cases[i].want == 1);
			CU_ASSERT_EQUAL(sk_parse_bool(cases[i].v,
						      strlen(cases[i].v), &b),
					SK_OK);
			CU_ASSERT_EQUAL(b, cases[i].want == 1);
		}
	}
	/* every bool option names itself when refused */
	{
		static const char *const names[] = {
			"saslkey_audit_syslog", "saslkey_fallback",
			"saslkey_oauth_require_account",
		};

		for (i = 0; i < SK_N_ELEMENTS(names); i++) {
			struct sk_settings s;
			char err[128] = "";

			CU_ASSERT_EQUAL(load1(&s, names[i], "off", err,
					      sizeof(err)), SK_OK);
			CU_ASSERT_EQUAL(load1(&s, names[i], "offf", err,
					      sizeof(err)), SK_INVALID);
			CU_ASSERT(strstr(err, names[i]) != NULL);
		}
	}
}

static void test_iterations(void)
{
	static const struct {
		const char *v;
		long want;	/* -1 = refused */
	} cases[] = {
		{ "4096", 4096 }, { "4095", -1 }, { "0", -1 },
		{ "10000000", 10000000 }, { "10000001", -1 },
		{ "99999999999999", -1 },
		{ "5000", 5000 }, { "5000x", -1 }, { " 5000", -1 },
		{ "+5000", -1 }, { "-5000", -1 }, { "5e3", -1 }, { "", -1 },
		{ "abc", -1 }, { "0x2000", -1 },
		{ "0010000", 10000 },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		struct sk_settings s;
		char err[128] = "";
		int r = load1(&s, "saslkey_scram_iterations", cases[i].v, err,
			      sizeof(err));

		if (cases[i].want < 0) {
			if (r != SK_INVALID)
				fprintf(stderr, "  iterations \"%s\" accepted\n",
					cases[i].v);
			CU_ASSERT_EQUAL(r, SK_INVALID);
			CU_ASSERT(strstr(err, "saslkey_scram_iterations") !=
				  NULL);
		} else {
			CU_ASSERT_EQUAL(r, SK_OK);
			CU_ASSERT_EQUAL(s.scram_iterations,
					(unsigned)cases[i].want);
		}
	}
}

static void test_strings(void)
{
	struct sk_settings s;
	char err[128] = "";
	char longv[PATH_MAX + 1];
	struct opt nul[] = { { "saslkey_db", "/a\0b", 4 }, { NULL, NULL, 0 } };

	/* a prefix must be a valid key prefix */
	CU_ASSERT_EQUAL(load1(&s, "saslkey_key_prefix", "abcdefghijklmnop", err,
			      sizeof(err)), SK_OK);
	CU_ASSERT_EQUAL(load1(&s, "saslkey_key_prefix", "abcdefghijklmnopq", err,
			      sizeof(err)), SK_INVALID);
	CU_ASSERT(strstr(err, "saslkey_key_prefix") != NULL);
	CU_ASSERT_EQUAL(load1(&s, "saslkey_key_prefix", "ok", err, sizeof(err)),
			SK_OK);
	CU_ASSERT_EQUAL(load1(&s, "saslkey_key_prefix", "OK", err, sizeof(err)),
			SK_INVALID);
	CU_ASSERT(strstr(err, "saslkey_key_prefix") != NULL);
	CU_ASSERT_EQUAL(load1(&s, "saslkey_key_prefix", "", err, sizeof(err)),
			SK_INVALID);
	/* the key user name may not be empty */
	CU_ASSERT_EQUAL(load1(&s, "saslkey_key_username", "k", err,
			      sizeof(err)), SK_OK);
	CU_ASSERT_EQUAL(load1(&s, "saslkey_key_username", "", err, sizeof(err)),
			SK_INVALID);
	CU_ASSERT(strstr(err, "saslkey_key_username") != NULL);
	/* too long for the field: refused, not cut */
	memset(longv, 'a', PATH_MAX - 1);
	longv[0] = '/';
	longv[PATH_MAX - 1] = '\0';
	CU_ASSERT_EQUAL(load1(&s, "saslkey_db", longv, err, sizeof(err)), SK_OK);
	CU_ASSERT_EQUAL(strlen(s.db), PATH_MAX - 1);
	longv[PATH_MAX - 1] = 'a';
	longv[PATH_MAX] = '\0';
	CU_ASSERT_EQUAL(load1(&s, "saslkey_db", longv, err, sizeof(err)),
			SK_INVALID);
	CU_ASSERT(strstr(err, "saslkey_db") != NULL);
	/* an embedded NUL would cut the value silently */
	CU_ASSERT_EQUAL(sk_settings_load(&s, opt_get, nul, err, sizeof(err)),
			SK_INVALID);
	CU_ASSERT(strstr(err, "saslkey_db") != NULL);
	/* err may be absent */
	CU_ASSERT_EQUAL(load1(&s, "saslkey_fallback", "bogus", NULL, 0),
			SK_INVALID);
}

static void test_master_key_path(void)
{
	struct sk_settings s;
	char out[PATH_MAX];

	CU_ASSERT_EQUAL(sk_settings_load(&s, NULL, NULL, NULL, 0), SK_OK);
	sk_settings_master_key_path(&s, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "/var/lib/saslkey/master.key");
	CU_ASSERT_EQUAL(load1(&s, "saslkey_db", "/srv/x/keys.db", NULL, 0), SK_OK);
	sk_settings_master_key_path(&s, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "/srv/x/master.key");
	CU_ASSERT_EQUAL(load1(&s, "saslkey_db", "keys.db", NULL, 0), SK_OK);
	sk_settings_master_key_path(&s, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "master.key");
	CU_ASSERT_EQUAL(load1(&s, "saslkey_master_key", "/etc/mk", NULL, 0),
			SK_OK);
	sk_settings_master_key_path(&s, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "/etc/mk");
}

/* ---- config files ---- */

static struct sk_conffile *conf_from(const char *name, const char *text,
				     int *r, char *err, size_t errlen)
{
	const char *path = sk_test_path(name);
	struct sk_conffile *cf = NULL;

	CU_ASSERT_FATAL(sk_test_write_file(path, text, strlen(text)));
	err[0] = '\0';
	*r = sk_conffile_load(path, &cf, err, errlen);
	return cf;
}

/* what cget gives for an absent key: a string, so asserts cannot crash */
static const char MISSING[] = "(missing)";

static const char *cget(struct sk_conffile *cf, const char *name)
{
	static char buf[8192];
	size_t n = 0;
	const char *v = sk_conffile_get(cf, name, &n);

	if (v == NULL)
		return MISSING;
	CU_ASSERT_FATAL(n < sizeof(buf));
	memcpy(buf, v, n);
	buf[n] = '\0';
	return buf;
}

static void test_conffile_syntax(void)
{
	char err[512];
	int r;
	struct sk_conffile *cf = conf_from(
		"c1.conf",
		"# a comment\n"
		"\n"
		"   \t\n"
		"   # indented comment\n"
		"pwcheck_method: auxprop\n"
		"  saslkey_db:   /srv/keys.db   \n"
		"SASLKEY_Audit_File: /var/log/a.json\n"
		"saslkey_db: /second/wins-not.db\n"
		"mech_list: PLAIN LOGIN\n"
		"saslkey_master_key: sqlite:/x:y\n"
		"last_line: no newline",
		&r, err, sizeof(err));

	CU_ASSERT_EQUAL_FATAL(r, SK_OK);
	CU_ASSERT_FATAL(cf != NULL);
	CU_ASSERT_STRING_EQUAL(cget(cf, "pwcheck_method"), "auxprop");
	/* surrounding blanks trimmed; first occurrence wins */
	CU_ASSERT_STRING_EQUAL(cget(cf, "saslkey_db"), "/srv/keys.db");
	/* keys are lower-cased on read */
	CU_ASSERT_STRING_EQUAL(cget(cf, "saslkey_audit_file"), "/var/log/a.json");
	CU_ASSERT(cget(cf, "SASLKEY_Audit_File") == MISSING);
	/* inner spaces and colons belong to the value */
	CU_ASSERT_STRING_EQUAL(cget(cf, "mech_list"), "PLAIN LOGIN");
	CU_ASSERT_STRING_EQUAL(cget(cf, "saslkey_master_key"), "sqlite:/x:y");
	CU_ASSERT_STRING_EQUAL(cget(cf, "last_line"), "no newline");
	CU_ASSERT(cget(cf, "nosuch") == MISSING);
	CU_ASSERT(cget(cf, "# a comment") == MISSING);
	CU_ASSERT(sk_conffile_get(NULL, "saslkey_db", &(size_t){ 0 }) == NULL);
	sk_conffile_free(cf);
	sk_conffile_free(NULL);
}

struct conf_case {
	const char *text;
	bool ok;
	const char *err_has;
};

static const struct conf_case conf_cases[] = {
	{ "saslkey_db: /x\n", true, NULL },
	{ "saslkey_db : /x\n", false, ":1: expected" },
	{ "saslkey_db\t: /x\n", false, ":1: expected" },
	{ "saslkey_db /x\n", false, ":1: expected" },
	{ ": /x\n", false, ":1: expected" },
	{ "saslkey.db: /x\n", false, ":1: expected" },
	{ "saslkey_db:/x\n", true, NULL },
	{ "saslkey_db:\n", false, ":1: empty value" },
	{ "saslkey_db:   \t \n", false, ":1: empty value" },
	{ "saslkey_db:", false, ":1: empty value" },
	{ "# ok\n\nsaslkey_db: /x\nbad line\n", false, ":4: expected" },
};

static void test_conffile_errors(void)
{
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(conf_cases); i++) {
		char err[512], name[32];
		int r;
		struct sk_conffile *cf;

		snprintf(name, sizeof(name), "case%zu.conf", i);
		cf = conf_from(name, conf_cases[i].text, &r, err, sizeof(err));
		CU_ASSERT_EQUAL(r == SK_OK, conf_cases[i].ok);
		CU_ASSERT_EQUAL(cf != NULL, conf_cases[i].ok);
		if (!conf_cases[i].ok) {
			if (strstr(err, conf_cases[i].err_has) == NULL)
				fprintf(stderr, "  conf case %zu: %s\n", i, err);
			CU_ASSERT(strstr(err, conf_cases[i].err_has) != NULL);
			/* the message names the file */
			CU_ASSERT(strstr(err, name) != NULL);
		}
		sk_conffile_free(cf);
	}
}

static void test_conffile_long_line(void)
{
	enum { BIG = 5000 };
	char *text = malloc(BIG + 64), err[512];
	struct sk_conffile *cf;
	int r;

	CU_ASSERT_FATAL(text != NULL);
	/* a long line that fits */
	strcpy(text, "saslkey_note: ");
	memset(text + 14, 'v', 4000);
	strcpy(text + 14 + 4000, "\nsaslkey_db: /x\n");
	cf = conf_from("long-ok.conf", text, &r, err, sizeof(err));
	CU_ASSERT_EQUAL(r, SK_OK);
	CU_ASSERT(cf != NULL && strlen(cget(cf, "saslkey_note")) == 4000);
	CU_ASSERT(cf != NULL && strcmp(cget(cf, "saslkey_db"), "/x") == 0);
	sk_conffile_free(cf);
	/* one that does not: refused, not split into two lines */
	strcpy(text, "saslkey_db: /x\nsaslkey_note: ");
	memset(text + 29, 'v', BIG);
	strcpy(text + 29 + BIG, "\n");
	cf = conf_from("long-bad.conf", text, &r, err, sizeof(err));
	CU_ASSERT_EQUAL(r, SK_INVALID);
	CU_ASSERT(cf == NULL);
	CU_ASSERT(strstr(err, ":2: line too long") != NULL);
	free(text);
}

static void test_conffile_missing(void)
{
	struct sk_conffile *cf = (struct sk_conffile *)&cf;
	char err[512] = "";
	const char *path = sk_test_path("no-such.conf");

	CU_ASSERT_EQUAL(sk_conffile_load(path, &cf, err, sizeof(err)),
			SK_UNAVAIL);
	CU_ASSERT(cf == NULL);
	CU_ASSERT(strstr(err, path) != NULL);
}

/* the CLI's path: a file feeding sk_settings_load */
static void test_conffile_to_settings(void)
{
	char err[512];
	int r;
	struct sk_settings s;
	struct sk_conffile *cf = conf_from(
		"full.conf",
		"pwcheck_method: saslauthd\n"
		"saslkey_db: /srv/saslkey/keys.db\n"
		"SASLKEY_KEY_PREFIX: corp\n"
		"saslkey_fallback: Yes\n"
		"saslkey_scram_iterations: 4096\n",
		&r, err, sizeof(err));

	CU_ASSERT_EQUAL_FATAL(r, SK_OK);
	CU_ASSERT_EQUAL(sk_settings_load(&s, sk_conffile_get, cf, err,
					 sizeof(err)), SK_OK);
	CU_ASSERT_STRING_EQUAL(s.db, "/srv/saslkey/keys.db");
	CU_ASSERT_STRING_EQUAL(s.key_prefix, "corp");
	CU_ASSERT(s.fallback);
	CU_ASSERT_EQUAL(s.scram_iterations, 4096);
	CU_ASSERT(s.audit_syslog);	/* untouched default */
	sk_conffile_free(cf);

	cf = conf_from("bad-iter.conf", "saslkey_scram_iterations: 1000\n", &r,
		       err, sizeof(err));
	CU_ASSERT_EQUAL_FATAL(r, SK_OK);
	CU_ASSERT_EQUAL(sk_settings_load(&s, sk_conffile_get, cf, err,
					 sizeof(err)), SK_INVALID);
	CU_ASSERT(strstr(err, "saslkey_scram_iterations") != NULL);
	sk_conffile_free(cf);
}

SK_SUITE(config, NULL, NULL,
	 SK_TEST(test_defaults),
	 SK_TEST(test_every_option),
	 SK_TEST(test_value_length_honoured),
	 SK_TEST(test_bools),
	 SK_TEST(test_iterations),
	 SK_TEST(test_strings),
	 SK_TEST(test_master_key_path),
	 SK_TEST(test_conffile_syntax),
	 SK_TEST(test_conffile_errors),
	 SK_TEST(test_conffile_long_line),
	 SK_TEST(test_conffile_missing),
	 SK_TEST(test_conffile_to_settings))
