/* saslkey tests - the CLI: a failed command changes nothing */
#include "cli_util.h"
#include "status.h"
#include "sktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* a store with some of everything; ids of its keys */
struct fixture {
	char *db;
	char active[13], revoked[13], spare[13];
};

static void new_key(const char *db, const char *account, char id[13])
{
	struct cli_res r;
	char secret[33];

	cli_run(&r, NULL, db, "key", "create", account, "--label", "a",
		"--expires", "30d", NULL);
	CU_ASSERT_FATAL(r.rc == 0);
	cli_key_parts(r.out, id, secret);
	memset(secret, 0, sizeof(secret));
	memset(r.out, 0, strlen(r.out));
	cli_free(&r);
}

static void setup(struct fixture *f)
{
	f->db = cli_new_store("atomic");
	free(cli_ok(f->db, "account", "add", "acme", "--allow", "10.0.0.0/8",
		    "--note", "n", NULL));
	free(cli_ok(f->db, "account", "add", "idle", NULL));
	new_key(f->db, "acme", f->active);
	new_key(f->db, "acme", f->revoked);
	new_key(f->db, "idle", f->spare);
	free(cli_ok(f->db, "key", "revoke", f->revoked, NULL));
}

/* args with "@A", "@R", "@S" replaced by the fixture's key ids */
static void subst(const struct fixture *f, const char *const in[],
		  const char *out[])
{
	size_t j;

	for (j = 0; in[j] != NULL; j++)
		out[j] = strcmp(in[j], "@A") == 0 ? f->active :
			 strcmp(in[j], "@R") == 0 ? f->revoked :
			 strcmp(in[j], "@S") == 0 ? f->spare : in[j];
	out[j] = NULL;
}

/*
 * Pairs: a command that works and changes the store (so the comparison
 * can see a change at all), then a variation of it that fails, which
 * must leave the listings and the file's bytes exactly as they were.
 */
static void test_failed_commands_change_nothing(void)
{
	static const struct {
		const char *ok[10];
		const char *bad[10];
	} cases[] = {
		{ { "account", "add", "new1", "--allow", "10.0.0.0/8", NULL },
		  { "account", "add", "new2", "--allow", "10.0.0.1/8", NULL } },
		{ { "account", "add", "new3", NULL },
		  { "account", "add", "acme", NULL } },
		{ { "account", "add", "new4", "--note", "ok", NULL },
		  { "account", "add", "new5", "--note", "x\x01", NULL } },
		{ { "account", "add", "new6", NULL },
		  { "account", "add", "new 6", NULL } },
		{ { "account", "disable", "idle", NULL },
		  { "account", "disable", "ghost", NULL } },
		{ { "account", "allow", "acme", "192.0.2.0/24", NULL },
		  { "account", "allow", "acme", "198.51.100.0/24", "bad", NULL } },
		{ { "account", "allow", "idle", "192.0.2.0/24", NULL },
		  { "account", "allow", "ghost", "192.0.2.0/24", NULL } },
		/* the first entry is there, the second is not */
		{ { "account", "disallow", "acme", "192.0.2.0/24", NULL },
		  { "account", "disallow", "acme", "10.0.0.0/8", "172.16.0.0/12",
		    NULL } },
		{ { "account", "remove", "new1", NULL },
		  { "account", "remove", "acme", NULL } },
		{ { "account", "remove", "new3", "--with-keys", NULL },
		  { "account", "remove", "ghost", "--with-keys", NULL } },
		{ { "key", "create", "acme", "--expires", "30d", NULL },
		  { "key", "create", "acme", "--expires", "2020-01-01", NULL } },
		{ { "key", "create", "acme", "--service", "smtp", NULL },
		  { "key", "create", "acme", "--service", "SMTP", NULL } },
		{ { "key", "create", "idle", NULL },
		  { "key", "create", "ghost", NULL } },
		{ { "key", "expire", "@A", "60d", NULL },
		  { "key", "expire", "@A", "2026-02-31", NULL } },
		{ { "key", "expire", "@A", "90d", NULL },
		  { "key", "expire", "AAAAAAAAAAAA", "1d", NULL } },
		{ { "key", "revoke", "@S", NULL },
		  { "key", "revoke", "AAAAAAAAAAAA", NULL } },
		{ { "key", "rotate", "@A", "--grace", "1d", NULL },
		  { "key", "rotate", "@R", NULL } },
		{ { "key", "rotate", "@A", "--grace", "2d", NULL },
		  { "key", "rotate", "@A", "--grace", "x", NULL } },
		{ { "account", "enable", "idle", NULL },
		  { "init", "extra", NULL } },
	};
	struct fixture f;
	size_t i;

	setup(&f);
	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		const char *args[10];
		char *s0 = cli_snapshot(f.db), *s1, *s2;
		size_t blen, alen;
		char *bbytes, *abytes;
		struct cli_res r;

		subst(&f, cases[i].ok, args);
		cli_runv(&r, NULL, f.db, args);
		if (r.rc != 0)
			fprintf(stderr, "  atomic control %zu: exit %d\n", i,
				r.rc);
		CU_ASSERT_EQUAL(r.rc, 0);
		cli_free(&r);
		s1 = cli_snapshot(f.db);
		CU_ASSERT(strcmp(s0, s1) != 0);

		bbytes = sk_test_read_file(f.db, &blen);
		subst(&f, cases[i].bad, args);
		cli_runv(&r, NULL, f.db, args);
		if (r.rc != 1)
			fprintf(stderr, "  atomic case %zu: exit %d\n", i, r.rc);
		CU_ASSERT_EQUAL(r.rc, 1);
		CU_ASSERT_STRING_EQUAL(r.out, "");
		cli_free(&r);
		s2 = cli_snapshot(f.db);
		abytes = sk_test_read_file(f.db, &alen);
		if (strcmp(s1, s2) != 0)
			fprintf(stderr, "  atomic case %zu changed the store\n",
				i);
		CU_ASSERT_STRING_EQUAL(s1, s2);
		CU_ASSERT(bbytes != NULL && abytes != NULL && blen == alen &&
			  memcmp(bbytes, abytes, blen) == 0);
		free(s0);
		free(s1);
		free(s2);
		free(bbytes);
		free(abytes);
	}
	free(f.db);
}

/*
 * A command that fails after it has written - here its commit, which a
 * reader's open transaction blocks past the busy timeout - leaves nothing
 * behind either, and says the store was unusable (exit 2).
 */
static void test_failed_commit_changes_nothing(void)
{
	char *db = cli_new_store("commit");
	char *before, *after, *bbytes, *abytes;
	size_t blen, alen;
	struct cli_res r;
	sqlite3 *h = NULL;

	free(cli_ok(db, "account", "add", "acme", NULL));
	before = cli_snapshot(db);
	bbytes = sk_test_read_file(db, &blen);
	/* a reader in the middle of a transaction holds a shared lock */
	CU_ASSERT_FATAL(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) ==
			SQLITE_OK);
	CU_ASSERT_FATAL(sqlite3_exec(h, "BEGIN; SELECT count(*) FROM accounts;",
				     NULL, NULL, NULL) == SQLITE_OK);
	cli_run(&r, NULL, db, "account", "add", "blocked", NULL);
	CU_ASSERT_EQUAL(r.rc, 2);
	CU_ASSERT(strstr(r.err, "commit") != NULL);
	cli_free(&r);
	cli_run(&r, NULL, db, "key", "create", "acme", NULL);
	CU_ASSERT_EQUAL(r.rc, 2);
	/* a key the store never received is never shown */
	CU_ASSERT_STRING_EQUAL(r.out, "");
	cli_free(&r);
	CU_ASSERT(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);

	after = cli_snapshot(db);
	abytes = sk_test_read_file(db, &alen);
	CU_ASSERT_STRING_EQUAL(before, after);
	CU_ASSERT(bbytes != NULL && abytes != NULL && blen == alen &&
		  memcmp(bbytes, abytes, blen) == 0);
	/* positive control: without the reader, the same command works */
	cli_run(&r, NULL, db, "account", "add", "blocked", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	cli_free(&r);
	free(before);
	free(after);
	free(bbytes);
	free(abytes);
	free(db);
}

SK_SUITE(cli_atomic, NULL, NULL,
	 SK_TEST(test_failed_commands_change_nothing),
	 SK_TEST(test_failed_commit_changes_nothing))
