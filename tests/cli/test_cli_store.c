/* saslkey tests - the CLI: init, store selection, unusable stores, usage */
#define _GNU_SOURCE
#include "cli_util.h"
#include "config.h"
#include "key.h"
#include "status.h"
#include "store.h"
#include "store_backend.h"
#include "sktest.h"

#define STR2(x) #x
#define STR(x) STR2(x)
#define SCHEMA_LINE "schema version " STR(SK_SCHEMA_VERSION) ")"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

static int suite_init(void)
{
	/* the modes asserted below assume the usual umask */
	umask(022);
	return 0;
}

static mode_t mode_of(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return (mode_t)-1;
	return sb.st_mode & 07777;
}

static void test_init_creates(void)
{
	const char *top = sk_test_path("init-a");
	const char *dir = sk_test_path("init-a/sub");
	const char *db = sk_test_path("init-a/sub/keys.db");
	struct cli_res r;
	json_t *j;

	CU_ASSERT(access(top, F_OK) != 0);
	cli_run(&r, NULL, db, "init", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strstr(r.out, "created store") != NULL);
	CU_ASSERT(strstr(r.out, db) != NULL);
	CU_ASSERT(strstr(r.out, SCHEMA_LINE) != NULL);
	cli_free(&r);
	CU_ASSERT_EQUAL(mode_of(top), 0755);
	CU_ASSERT_EQUAL(mode_of(dir), 0750);
	CU_ASSERT_EQUAL(mode_of(db), 0640);

	/* a second init only checks */
	cli_run(&r, NULL, db, "init", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strstr(r.out, "checked store") != NULL);
	CU_ASSERT(strstr(r.out, "created") == NULL);
	cli_free(&r);
	CU_ASSERT_EQUAL(mode_of(db), 0640);

	/* the new store is empty and usable */
	j = cli_json(db, "account", "list", "--json", NULL);
	CU_ASSERT(json_is_array(j) && json_array_size(j) == 0);
	json_decref(j);
}

/* a store from an older schema is migrated by init */
static void test_init_migrates(void)
{
	const char *db = sk_test_path("old-schema.db");
	struct cli_res r;
	int v;

	for (v = 0; v < SK_SCHEMA_VERSION; v++) {
		unlink(db);
		CU_ASSERT_FATAL(sk_store_sqlite_create_at(db, v) == SK_OK);
		/* a reader refuses it before init */
		cli_run(&r, NULL, db, "account", "list", NULL);
		CU_ASSERT_EQUAL(r.rc, 2);
		cli_free(&r);
		cli_run(&r, NULL, db, "init", NULL);
		CU_ASSERT_EQUAL(r.rc, 0);
		CU_ASSERT(strstr(r.out, SCHEMA_LINE) != NULL);
		cli_free(&r);
		cli_run(&r, NULL, db, "account", "list", NULL);
		CU_ASSERT_EQUAL(r.rc, 0);
		cli_free(&r);
	}
}

static void test_init_usage(void)
{
	const char *db = sk_test_path("init-usage.db");
	struct cli_res r;

	cli_run(&r, NULL, db, "init", "extra", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "expected 0 arguments"));
	cli_free(&r);
	cli_run(&r, NULL, db, "init", "--bogus", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "--bogus"));
	cli_free(&r);
	CU_ASSERT(access(db, F_OK) != 0);	/* nothing was created */
}

static void test_world_writable_store(void)
{
	char *db = cli_new_store("ww");
	struct cli_res r;

	CU_ASSERT_FATAL(chmod(db, 0666) == 0);
	cli_run(&r, NULL, db, "init", NULL);
	CU_ASSERT_EQUAL(r.rc, 2);
	CU_ASSERT(strstr(r.err, "world-writable") != NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	cli_free(&r);
	cli_run(&r, NULL, db, "account", "list", NULL);
	CU_ASSERT_EQUAL(r.rc, 2);
	CU_ASSERT(strstr(r.err, "world-writable") != NULL);
	cli_free(&r);
	cli_run(&r, NULL, db, "account", "add", "x", NULL);
	CU_ASSERT_EQUAL(r.rc, 2);
	cli_free(&r);
	/* init did not "fix" the mode behind the operator's back */
	CU_ASSERT_EQUAL(mode_of(db), 0666);
	/* positive control: with a sane mode all is well again */
	CU_ASSERT_FATAL(chmod(db, 0640) == 0);
	cli_run(&r, NULL, db, "init", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	cli_free(&r);
	free(db);
}

struct unusable {
	const char *what;
	const char *path;
};

/* every command, read or write, on every kind of unusable store: exit 2 */
static void test_unusable_stores(void)
{
	static const char *const cmds[][6] = {
		{ "account", "list", NULL },
		{ "account", "show", "acme", NULL },
		{ "account", "add", "acme", NULL },
		{ "account", "disable", "acme", NULL },
		{ "account", "allow", "acme", "10.0.0.0/8", NULL },
		{ "account", "remove", "acme", NULL },
		{ "key", "list", NULL },
		{ "key", "show", "AAAAAAAAAAAA", NULL },
		{ "key", "create", "acme", NULL },
		{ "key", "revoke", "AAAAAAAAAAAA", NULL },
		{ "key", "rotate", "AAAAAAAAAAAA", NULL },
	};
	const char *missing = sk_test_path("missing/keys.db");
	const char *missing2 = sk_test_path("missing2.db");
	const char *garbage = sk_test_path("garbage.db");
	const char *text = sk_test_path("text.db");
	const char *future = sk_test_path("future.db");
	const char *notdir = sk_test_path("text.db/keys.db");
	const char *dir = sk_test_tmpdir();
	struct unusable u[] = {
		{ "missing dir", missing },
		{ "missing file", missing2 },
		{ "garbage", garbage },
		{ "text", text },
		{ "future schema", future },
		{ "below a file", notdir },
		{ "a directory", dir },
	};
	unsigned char junk[8192];
	size_t i, c;
	char sql[64];
	sqlite3 *h = NULL;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 97 + 3);
	CU_ASSERT_FATAL(sk_test_write_file(garbage, junk, sizeof(junk)));
	CU_ASSERT_FATAL(sk_test_write_file(text, "key: value\n", 11));
	chmod(garbage, 0640);
	chmod(text, 0640);
	CU_ASSERT_FATAL(sk_store_sqlite_create_at(future, SK_SCHEMA_VERSION) ==
			SK_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 SK_SCHEMA_VERSION + 1);
	CU_ASSERT_FATAL(sqlite3_open(future, &h) == SQLITE_OK &&
			sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);

	for (i = 0; i < SK_N_ELEMENTS(u); i++) {
		for (c = 0; c < SK_N_ELEMENTS(cmds); c++) {
			struct cli_res r;

			cli_runv(&r, NULL, u[i].path, cmds[c]);
			if (r.rc != 2)
				fprintf(stderr, "  %s, %s %s: exit %d\n",
					u[i].what, cmds[c][0], cmds[c][1], r.rc);
			CU_ASSERT_EQUAL(r.rc, 2);
			CU_ASSERT_STRING_EQUAL(r.out, "");
			CU_ASSERT(strncmp(r.err, "saslkey: ", 9) == 0);
			cli_free(&r);
		}
	}
	/* nothing was created on the way */
	CU_ASSERT(access(missing, F_OK) != 0);
	CU_ASSERT(access(sk_test_path("missing"), F_OK) != 0);
	CU_ASSERT(access(missing2, F_OK) != 0);
	/* the message says which store */
	{
		struct cli_res r;

		cli_run(&r, NULL, missing2, "account", "list", NULL);
		CU_ASSERT(strstr(r.err, missing2) != NULL);
		cli_free(&r);
	}
	/* init refuses what is there but not a store, and leaves it alone */
	for (i = 2; i < SK_N_ELEMENTS(u); i++) {
		struct cli_res r;

		cli_run(&r, NULL, u[i].path, "init", NULL);
		if (r.rc != 2)
			fprintf(stderr, "  init on %s: exit %d\n", u[i].what,
				r.rc);
		CU_ASSERT_EQUAL(r.rc, 2);
		cli_free(&r);
	}
	CU_ASSERT(sk_test_file_contains(garbage, junk, sizeof(junk)));
	CU_ASSERT(sk_test_file_contains(text, "key: value\n", 11));
}

/* a directory the CLI may not enter (only meaningful when not root) */
static void test_unreadable_directory(void)
{
	char *db = cli_new_store("locked");
	char dir[600];
	struct cli_res r;

	snprintf(dir, sizeof(dir), "%s", db);
	*strrchr(dir, '/') = '\0';
	/* positive control */
	cli_run(&r, NULL, db, "account", "list", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	cli_free(&r);
	if (geteuid() != 0) {
		CU_ASSERT_FATAL(chmod(dir, 0) == 0);
		cli_run(&r, NULL, db, "account", "list", NULL);
		CU_ASSERT_EQUAL(r.rc, 2);
		cli_free(&r);
		cli_run(&r, NULL, db, "init", NULL);
		CU_ASSERT_EQUAL(r.rc, 2);
		cli_free(&r);
		chmod(dir, 0750);
	} else {
		/* root enters anything: a path through a file instead */
		char bad[700];

		snprintf(bad, sizeof(bad), "%s/keys.db", db);
		cli_run(&r, NULL, bad, "account", "list", NULL);
		CU_ASSERT_EQUAL(r.rc, 2);
		cli_free(&r);
		cli_run(&r, NULL, bad, "init", NULL);
		CU_ASSERT_EQUAL(r.rc, 2);
		cli_free(&r);
	}
	free(db);
}

static bool lists_only(const char *out, const char *name)
{
	json_t *j = json_loads(out, 0, NULL);
	bool ok = json_is_array(j) && json_array_size(j) == 1 &&
		  strcmp(cli_jstr(json_array_get(j, 0), "name"), name) == 0;

	json_decref(j);
	return ok;
}

/* --db, then $SASLKEY_DB, then saslkey_db from --config */
static void test_store_selection(void)
{
	char *a = cli_new_store("sel-a"), *b = cli_new_store("sel-b"),
	     *c = cli_new_store("sel-c");
	const char *conf = sk_test_path("sel.conf");
	char text[700], envb[700];
	const char *const env_b[] = { envb, NULL };
	const char *const env_empty[] = { "SASLKEY_DB=", NULL };
	struct cli_res r;

	free(cli_ok(a, "account", "add", "in_a", NULL));
	free(cli_ok(b, "account", "add", "in_b", NULL));
	free(cli_ok(c, "account", "add", "in_c", NULL));
	snprintf(text, sizeof(text), "# selection\nsaslkey_db: %s\n", c);
	CU_ASSERT_FATAL(sk_test_write_file(conf, text, strlen(text)));
	snprintf(envb, sizeof(envb), "SASLKEY_DB=%s", b);

	/* all three given: --db wins */
	cli_run(&r, env_b, a, "--config", conf, "account", "list", "--json",
		NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(lists_only(r.out, "in_a"));
	cli_free(&r);
	/* --db after the command works the same */
	cli_run(&r, env_b, NULL, "--config", conf, "account", "list", "--db", a,
		"--json", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(lists_only(r.out, "in_a"));
	cli_free(&r);
	/* no --db: the environment */
	cli_run(&r, env_b, NULL, "--config", conf, "account", "list", "--json",
		NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(lists_only(r.out, "in_b"));
	cli_free(&r);
	/* only the config file */
	cli_run(&r, NULL, NULL, "--config", conf, "account", "list", "--json",
		NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(lists_only(r.out, "in_c"));
	cli_free(&r);
	cli_run(&r, NULL, NULL, "account", "list", "--config", conf, "--json",
		NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(lists_only(r.out, "in_c"));
	cli_free(&r);
	/* an empty SASLKEY_DB counts as unset */
	cli_run(&r, env_empty, NULL, "--config", conf, "account", "list",
		"--json", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(lists_only(r.out, "in_c"));
	cli_free(&r);
	/* writes go to the selected store too */
	cli_run(&r, env_b, NULL, "--config", conf, "account", "add", "via_env",
		NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	cli_free(&r);
	cli_run(&r, NULL, b, "account", "show", "via_env", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	cli_free(&r);
	cli_run(&r, NULL, c, "account", "show", "via_env", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	cli_free(&r);
	/* nothing given: the default location */
	if (access(SK_DEFAULT_DB, F_OK) != 0) {
		cli_run(&r, NULL, NULL, "account", "list", NULL);
		CU_ASSERT_EQUAL(r.rc, 2);
		CU_ASSERT(strstr(r.err, "/var/lib/saslkey/keys.db") != NULL);
		cli_free(&r);
	}
	free(a);
	free(b);
	free(c);
}

/* saslkey_key_prefix from the config file names new keys */
static void test_config_key_prefix(void)
{
	char *db = cli_new_store("prefix");
	const char *conf = sk_test_path("prefix.conf");
	char text[700];
	struct sk_store *st = NULL;
	struct sk_keyrec rec;
	struct sk_key k;
	unsigned char h[SK_KEY_HASH_LEN];
	struct cli_res r;

	snprintf(text, sizeof(text), "saslkey_db: %s\nsaslkey_key_prefix: acme9\n",
		 db);
	CU_ASSERT_FATAL(sk_test_write_file(conf, text, strlen(text)));
	free(cli_ok(db, "account", "add", "acme", NULL));
	/* control: without the config, the default prefix */
	cli_run(&r, NULL, db, "key", "create", "acme", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(cli_key_shape_ok(r.out, "sk"));
	cli_free(&r);
	cli_run(&r, NULL, NULL, "--config", conf, "key", "create", "acme", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(cli_key_shape_ok(r.out, "acme9"));
	CU_ASSERT(!cli_key_shape_ok(r.out, "sk"));
	/* the printed key is the one stored (prefix not part of the hash) */
	CU_ASSERT_FATAL(sk_key_parse(r.out, strcspn(r.out, "\n"), &k) ==
			SK_KEY_OK);
	CU_ASSERT_STRING_EQUAL(k.prefix, "acme9");
	CU_ASSERT_FATAL(sk_store_open(db, SK_STORE_READ, NULL, &st) == SK_OK);
	CU_ASSERT_EQUAL(st->ops->key_get(st, k.id, &rec), SK_OK);
	CU_ASSERT_EQUAL(sk_key_hash(&k, h), SK_OK);
	CU_ASSERT(memcmp(h, rec.hash, SK_KEY_HASH_LEN) == 0);
	sk_store_close(st);
	sk_key_wipe(&k);
	cli_free(&r);

	/* a bad prefix in the config file is an input error naming it */
	snprintf(text, sizeof(text), "saslkey_db: %s\nsaslkey_key_prefix: ACME\n",
		 db);
	CU_ASSERT_FATAL(sk_test_write_file(conf, text, strlen(text)));
	cli_run(&r, NULL, NULL, "--config", conf, "key", "create", "acme", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "saslkey_key_prefix"));
	cli_free(&r);
	free(db);
}

static void test_config_file_errors(void)
{
	char *db = cli_new_store("conferr");
	const char *conf = sk_test_path("bad.conf");
	const char *none = sk_test_path("none.conf");
	struct cli_res r;

	/* control */
	cli_run(&r, NULL, db, "--config", "/dev/null", "account", "list", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	cli_free(&r);
	cli_run(&r, NULL, db, "--config", none, "account", "list", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "none.conf"));
	cli_free(&r);
	CU_ASSERT_FATAL(sk_test_write_file(conf, "saslkey_db : /x\n", 16));
	cli_run(&r, NULL, db, "--config", conf, "account", "list", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "bad.conf:1"));
	cli_free(&r);
	CU_ASSERT_FATAL(sk_test_write_file(conf, "saslkey_fallback: maybe\n",
					   24));
	cli_run(&r, NULL, db, "--config", conf, "account", "list", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "saslkey_fallback"));
	cli_free(&r);
	free(db);
}

static void test_global_usage(void)
{
	char *db = cli_new_store("usage");
	struct cli_res r;

	cli_run(&r, NULL, NULL, "--help", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strncmp(r.out, "usage: saslkey", 14) == 0);
	CU_ASSERT(strstr(r.out, "account add") != NULL);
	cli_free(&r);
	cli_run(&r, NULL, NULL, "--version", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strncmp(r.out, "saslkey ", 8) == 0);
	cli_free(&r);
	cli_run(&r, NULL, db, "account", "list", "--help", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strncmp(r.out, "usage: saslkey account list", 27) == 0);
	cli_free(&r);

	/* no command at all */
	cli_run(&r, NULL, db, NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	CU_ASSERT(strstr(r.err, "usage:") != NULL);
	cli_free(&r);
	cli_run(&r, NULL, db, "frobnicate", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "unknown command \"frobnicate\""));
	cli_free(&r);
	cli_run(&r, NULL, db, "--bogus", "account", "list", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "--bogus"));
	cli_free(&r);
	cli_run(&r, NULL, db, "Account", "list", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "unknown command"));
	cli_free(&r);
	/* --db without its argument */
	cli_run(&r, NULL, NULL, "account", "list", "--db", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, NULL));
	cli_free(&r);
	free(db);
}

SK_SUITE(cli_store, suite_init, NULL,
	 SK_TEST(test_init_creates),
	 SK_TEST(test_init_migrates),
	 SK_TEST(test_init_usage),
	 SK_TEST(test_world_writable_store),
	 SK_TEST(test_unusable_stores),
	 SK_TEST(test_unreadable_directory),
	 SK_TEST(test_store_selection),
	 SK_TEST(test_config_key_prefix),
	 SK_TEST(test_config_file_errors),
	 SK_TEST(test_global_usage))
