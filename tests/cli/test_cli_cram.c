/* saslkey tests - the cram commands, key create --cram, the master key */
#define _GNU_SOURCE		/* memmem */
#include "cli_util.h"
#include "run.h"
#include "sktest.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* saslkey --db db args... with stdin_data on standard input */
static int run_stdin(const char *db, const char *stdin_data, char **out,
		     char **err, const char *a1, const char *a2,
		     const char *a3)
{
	const char *argv[] = { cli_bin(), "--db", db, a1, a2, a3, NULL };
	const char *env[] = { "SASLKEY_DB", NULL };

	return sk_run(argv, env, stdin_data, out, err);
}

static bool matches(const char *s, const char *re)
{
	regex_t r;
	bool ok;

	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	ok = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return ok;
}

static char *master_of(const char *db)
{
	char *p = strdup(db), *slash = strrchr(p, '/');
	char *res;

	*slash = '\0';
	if (asprintf(&res, "%s/master.key", p) < 0)
		res = NULL;
	free(p);
	return res;
}

static void test_init_makes_master_key(void)
{
	char *db = cli_new_store("cram-init");
	char *mk = master_of(db);
	struct stat sb;
	struct cli_res r;

	CU_ASSERT_EQUAL_FATAL(stat(mk, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600);
	/* a second init keeps the key and confirms it matches */
	cli_run(&r, NULL, db, "init", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strstr(r.out, "matches the store") != NULL);
	CU_ASSERT(strstr(r.out, "created master key") == NULL);
	cli_free(&r);
	free(mk);
	free(db);
}

static void test_set_list_revoke(void)
{
	char *db = cli_new_store("cram-set");
	char *out = NULL, *err = NULL;
	struct cli_res r;
	json_t *j;
	char generated[64], id[16];
	int rc;

	cli_run(&r, NULL, db, "account", "add", "acme", NULL);
	cli_free(&r);
	/* generated: printed once, alone */
	cli_run(&r, NULL, db, "cram", "set", "acme", "--label", "printer", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(matches(r.out, "^[0-9A-Za-z]{24}\n$"));
	snprintf(generated, sizeof(generated), "%.24s", r.out);
	CU_ASSERT(strstr(r.err, "shown only this once") != NULL);
	cli_free(&r);
	/* from stdin: nothing on stdout */
	rc = run_stdin(db, "a secret the admin chose\n", &out, &err, "cram",
		       "set", "acme --stdin");
	CU_ASSERT_EQUAL(rc, 1);	/* one argument "acme --stdin" is no account */
	free(out);
	free(err);
	{
		const char *argv[] = { cli_bin(), "--db", db, "cram", "set",
				       "acme", "--stdin", NULL };

		rc = sk_run(argv, (const char *const[]){ "SASLKEY_DB", NULL },
			    "a secret the admin chose\n", &out, &err);
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_STRING_EQUAL(out, "");
		free(out);
		free(err);
	}
	j = cli_json(db, "cram", "list", "acme", "--json", NULL);
	CU_ASSERT_FATAL(json_array_size(j) == 2);
	CU_ASSERT_STRING_EQUAL(cli_jstr(json_array_get(j, 0), "label"), "printer");
	CU_ASSERT_STRING_EQUAL(cli_jstr(json_array_get(j, 0), "state"), "active");
	snprintf(id, sizeof(id), "%s", cli_jstr(json_array_get(j, 0), "id"));
	CU_ASSERT_EQUAL(strlen(id), 12);
	json_decref(j);

	/* neither secret is in the store file */
	CU_ASSERT_FALSE(sk_test_file_contains(db, generated, 24));
	CU_ASSERT_FALSE(sk_test_file_contains(db, "a secret the admin chose",
					      24));

	cli_run(&r, NULL, db, "cram", "revoke", "acme", id, NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	cli_free(&r);
	j = cli_json(db, "cram", "list", "acme", "--json", NULL);
	CU_ASSERT_STRING_EQUAL(cli_jstr(json_array_get(j, 0), "state"),
			       "revoked");
	CU_ASSERT_STRING_EQUAL(cli_jstr(json_array_get(j, 1), "state"),
			       "active");
	json_decref(j);
	free(db);
}

static void test_errors_change_nothing(void)
{
	char *db = cli_new_store("cram-err");
	char *mk = master_of(db), *before, *after, *saved;
	char *out = NULL, *err = NULL;
	const char *argv[] = { cli_bin(), "--db", db, "cram", "set", "acme",
			       "--stdin", NULL };
	const char *env[] = { "SASLKEY_DB", NULL };
	struct cli_res r;
	size_t len;
	char nul_secret[] = "ab\0cd";

	cli_run(&r, NULL, db, "account", "add", "acme", NULL);
	cli_free(&r);
	cli_run(&r, NULL, db, "account", "add", "other", NULL);
	cli_free(&r);
	before = cli_ok(db, "cram", "list", "acme", "--json", NULL);

	/* bad stdin secrets */
	CU_ASSERT_EQUAL(sk_run(argv, env, "", &out, &err), 1);
	CU_ASSERT(strstr(err, "one line") != NULL);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(sk_run(argv, env, "two\nlines\n", &out, &err), 1);
	free(out);
	free(err);
	(void)nul_secret;
	/* unknown account, unknown or foreign secret id */
	cli_run(&r, NULL, db, "cram", "set", "nobody", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "no account"));
	CU_ASSERT_STRING_EQUAL(r.out, "");
	cli_free(&r);
	cli_run(&r, NULL, db, "cram", "revoke", "acme", "AAAAAAAAAAAA", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	cli_free(&r);
	{
		json_t *j;
		char id[16];

		cli_run(&r, NULL, db, "cram", "set", "other", NULL);
		cli_free(&r);
		j = cli_json(db, "cram", "list", "other", "--json", NULL);
		snprintf(id, sizeof(id), "%s",
			 cli_jstr(json_array_get(j, 0), "id"));
		json_decref(j);
		cli_run(&r, NULL, db, "cram", "revoke", "acme", id, NULL);
		CU_ASSERT_EQUAL(r.rc, 1);
		CU_ASSERT(cli_one_error_line(&r, "has no secret"));
		cli_free(&r);
	}

	/* the master key missing: exit 2, nothing stored, nothing printed */
	saved = sk_test_read_file(mk, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(saved);
	unlink(mk);
	cli_run(&r, NULL, db, "cram", "set", "acme", NULL);
	CU_ASSERT_EQUAL(r.rc, 2);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	CU_ASSERT(strstr(r.err, "master key") != NULL);
	cli_free(&r);
	cli_run(&r, NULL, db, "key", "create", "acme", "--cram", NULL);
	CU_ASSERT_EQUAL(r.rc, 2);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	cli_free(&r);
	/* another master key: refused as not matching this store */
	cli_run(&r, NULL, db, "init", NULL);	/* creates a new key file */
	CU_ASSERT_EQUAL(r.rc, 2);
	CU_ASSERT(strstr(r.err, "does not match") != NULL);
	cli_free(&r);
	cli_run(&r, NULL, db, "cram", "set", "acme", NULL);
	CU_ASSERT_EQUAL(r.rc, 2);
	CU_ASSERT(strstr(r.err, "does not match") != NULL);
	cli_free(&r);
	/* restored */
	CU_ASSERT(sk_test_write_file(mk, saved, len));
	chmod(mk, 0600);
	after = cli_ok(db, "cram", "list", "acme", "--json", NULL);
	CU_ASSERT_STRING_EQUAL(before, after);
	cli_run(&r, NULL, db, "cram", "set", "acme", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	cli_free(&r);
	free(saved);
	free(before);
	free(after);
	free(mk);
	free(db);
}

static void test_rotate(void)
{
	char *db = cli_new_store("cram-rot");
	struct cli_res r;
	time_t now = time(NULL);
	json_t *j;
	long long exp;
	char old_id[16];
	size_t i;
	int seen_old = 0;

	cli_run(&r, NULL, db, "account", "add", "acme", NULL);
	cli_free(&r);
	cli_run(&r, NULL, db, "cram", "set", "acme", NULL);
	cli_free(&r);
	j = cli_json(db, "cram", "list", "acme", "--json", NULL);
	snprintf(old_id, sizeof(old_id), "%s",
		 cli_jstr(json_array_get(j, 0), "id"));
	json_decref(j);
	cli_run(&r, NULL, db, "cram", "rotate", "acme", "--grace", "1d", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(matches(r.out, "^[0-9A-Za-z]{24}\n$"));
	CU_ASSERT(strstr(r.err, "1 older secret") != NULL);
	cli_free(&r);
	j = cli_json(db, "cram", "list", "acme", "--json", NULL);
	CU_ASSERT_FATAL(json_array_size(j) == 2);
	/* the old one expires after the grace period, the new one never */
	for (i = 0; i < 2; i++) {
		json_t *e = json_array_get(j, i);

		if (strcmp(cli_jstr(e, "id"), old_id) == 0) {
			exp = cli_time(cli_jstr(e, "expires"));
			CU_ASSERT(exp >= now + 86400 - 5 &&
				  exp <= now + 86400 + 5);
			seen_old++;
		} else {
			CU_ASSERT(json_is_null(json_object_get(e, "expires")));
		}
		CU_ASSERT_STRING_EQUAL(cli_jstr(e, "state"), "active");
	}
	CU_ASSERT_EQUAL(seen_old, 1);
	json_decref(j);
	free(db);
}

static void test_key_create_cram(void)
{
	char *db = cli_new_store("cram-key");
	char id[13], secret[33];
	struct cli_res r;
	char *out;
	json_t *j;

	cli_run(&r, NULL, db, "account", "add", "acme", NULL);
	cli_free(&r);
	out = cli_ok(db, "key", "create", "acme", "--cram", NULL);
	CU_ASSERT(cli_key_shape_ok(out, "sk"));
	cli_key_parts(out, id, secret);
	free(out);
	CU_ASSERT_FALSE(sk_test_file_contains(db, secret, 32));
	j = cli_json(db, "key", "show", id, "--json", NULL);
	CU_ASSERT(json_is_true(json_object_get(j, "cram")));
	json_decref(j);
	out = cli_ok(db, "key", "show", id, NULL);
	CU_ASSERT(strstr(out, "cram-md5:     enabled") != NULL);
	free(out);
	/* rotation keeps CRAM-MD5 on */
	out = cli_ok(db, "key", "rotate", id, NULL);
	{
		char id2[13], s2[33];

		cli_key_parts(out, id2, s2);
		j = cli_json(db, "key", "show", id2, "--json", NULL);
		CU_ASSERT(json_is_true(json_object_get(j, "cram")));
		CU_ASSERT_STRING_EQUAL(cli_jstr(j, "rotated_from"), id);
		json_decref(j);
		CU_ASSERT_FALSE(sk_test_file_contains(db, s2, 32));
	}
	free(out);
	/* control: a plain key is not CRAM-enabled */
	out = cli_ok(db, "key", "create", "acme", NULL);
	cli_key_parts(out, id, secret);
	free(out);
	j = cli_json(db, "key", "show", id, "--json", NULL);
	CU_ASSERT(json_is_false(json_object_get(j, "cram")));
	json_decref(j);
	free(db);
}

static void test_remove_account_with_secrets(void)
{
	char *db = cli_new_store("cram-rm");
	struct cli_res r;

	cli_run(&r, NULL, db, "account", "add", "acme", NULL);
	cli_free(&r);
	cli_run(&r, NULL, db, "cram", "set", "acme", NULL);
	cli_free(&r);
	cli_run(&r, NULL, db, "account", "remove", "acme", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "1 secret"));
	cli_free(&r);
	cli_run(&r, NULL, db, "account", "remove", "acme", "--with-keys", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strstr(r.err, "0 keys, 1 secret deleted") != NULL);
	cli_free(&r);
	free(db);
}

SK_SUITE(cli_cram, NULL, NULL,
	 SK_TEST(test_init_makes_master_key),
	 SK_TEST(test_set_list_revoke),
	 SK_TEST(test_errors_change_nothing),
	 SK_TEST(test_rotate),
	 SK_TEST(test_key_create_cram),
	 SK_TEST(test_remove_account_with_secrets))

/* --scram: SCRAM-SHA-1/-256 verifiers for the stock SCRAM plugins */
static void test_scram_flags(void)
{
	char *db = cli_new_store("scram");
	char id[13], secret[33], id2[13], s2[33];
	struct cli_res r;
	char *out;
	json_t *j;

	cli_run(&r, NULL, db, "account", "add", "acme", NULL);
	cli_free(&r);
	out = cli_ok(db, "key", "create", "acme", "--scram", NULL);
	cli_key_parts(out, id, secret);
	free(out);
	j = cli_json(db, "key", "show", id, "--json", NULL);
	CU_ASSERT(json_is_true(json_object_get(j, "scram")));
	CU_ASSERT(json_is_false(json_object_get(j, "cram")));
	json_decref(j);
	/* verifiers, not the key: the secret is nowhere in the store */
	CU_ASSERT_FALSE(sk_test_file_contains(db, secret, 32));
	CU_ASSERT_TRUE(sk_test_file_contains(db, "SCRAM-SHA-256$10000:", 20));
	/* the iteration count follows saslkey_scram_iterations */
	{
		const char *conf = sk_test_path("scram.conf");
		const char *env[] = { "SASLKEY_DB", NULL };
		char line[600];
		const char *argv[] = { cli_bin(), "--config", conf, "--db", db,
				       "key", "create", "acme", "--scram", NULL };
		char *o = NULL, *e = NULL;

		snprintf(line, sizeof(line), "saslkey_scram_iterations: 5000\n");
		CU_ASSERT(sk_test_write_file(conf, line, strlen(line)));
		CU_ASSERT_EQUAL(sk_run(argv, env, NULL, &o, &e), 0);
		CU_ASSERT_TRUE(sk_test_file_contains(db, "SCRAM-SHA-256$5000:",
						     19));
		free(o);
		free(e);
		/* below the minimum: refused */
		snprintf(line, sizeof(line), "saslkey_scram_iterations: 1000\n");
		CU_ASSERT(sk_test_write_file(conf, line, strlen(line)));
		CU_ASSERT_EQUAL(sk_run(argv, env, NULL, &o, &e), 1);
		free(o);
		free(e);
	}
	/* rotation keeps it */
	out = cli_ok(db, "key", "rotate", id, NULL);
	cli_key_parts(out, id2, s2);
	free(out);
	j = cli_json(db, "key", "show", id2, "--json", NULL);
	CU_ASSERT(json_is_true(json_object_get(j, "scram")));
	json_decref(j);
	free(db);
	/* CRAM secrets get verifiers too (a store without SCRAM keys) */
	db = cli_new_store("scram-cram");
	cli_run(&r, NULL, db, "account", "add", "dev", NULL);
	cli_free(&r);
	CU_ASSERT_FALSE(sk_test_file_contains(db, "SCRAM-SHA-1$10000:", 18));
	cli_run(&r, NULL, db, "cram", "set", "dev", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	cli_free(&r);
	CU_ASSERT_TRUE(sk_test_file_contains(db, "SCRAM-SHA-1$10000:", 18));
	CU_ASSERT_TRUE(sk_test_file_contains(db, "SCRAM-SHA-256$10000:", 20));
	free(db);
}

SK_SUITE(cli_scram, NULL, NULL, SK_TEST(test_scram_flags))
