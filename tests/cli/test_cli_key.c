/* saslkey tests - the CLI: key commands */
#define _GNU_SOURCE		/* memmem */
#include "cli_util.h"
#include "key.h"
#include "status.h"
#include "store.h"
#include "sktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DAY 86400LL

/* a created key, known only as booleans and its public id to the test */
struct made {
	int rc;
	bool shape_ok;
	char id[13];
	char secret[33];	/* only for "is it in that file?" checks */
	char *err;
};

static void made_wipe(struct made *m)
{
	memset(m->secret, 0, sizeof(m->secret));
	free(m->err);
	m->err = NULL;
}

static void create_keyv(struct made *m, const char *db,
			const char *const args[])
{
	struct cli_res r;

	memset(m, 0, sizeof(*m));
	cli_runv(&r, NULL, db, args);
	m->rc = r.rc;
	m->shape_ok = cli_key_shape_ok(r.out, "sk");
	if (r.rc == 0 && m->shape_ok)
		cli_key_parts(r.out, m->id, m->secret);
	if (r.out != NULL)
		memset(r.out, 0, strlen(r.out));
	m->err = r.err;
	r.err = NULL;
	cli_free(&r);
}

#define CREATE(m, db, ...)                                                   \
	do {                                                                 \
		const char *const a_[] = { __VA_ARGS__, NULL };               \
		create_keyv(m, db, a_);                                      \
	} while (0)

static json_t *key_show(const char *db, const char *id)
{
	return cli_json(db, "key", "show", id, "--json", NULL);
}

static char *words(json_t *arr)
{
	static char buf[2][1024];
	static int which;
	char *b = buf[which++ % 2];
	size_t i;

	b[0] = '\0';
	CU_ASSERT(json_is_array(arr));
	for (i = 0; i < json_array_size(arr); i++) {
		size_t l = strlen(b);

		snprintf(b + l, 1024 - l, "%s%s", i ? " " : "",
			 json_string_value(json_array_get(arr, i)));
	}
	return b;
}

static bool near(long long t, long long want)
{
	return t >= want - 2 && t <= want + 2;
}

static void test_create_and_show(void)
{
	char *db = cli_new_store("create");
	long long before, after;
	struct made m;
	json_t *j;

	free(cli_ok(db, "account", "add", "acme", NULL));
	before = (long long)time(NULL);
	CREATE(&m, db, "key", "create", "acme");
	after = (long long)time(NULL);
	CU_ASSERT_EQUAL(m.rc, 0);
	CU_ASSERT(m.shape_ok);
	/* the summary goes to stderr: the id, never the secret */
	CU_ASSERT(strstr(m.err, m.id) != NULL);
	CU_ASSERT(strstr(m.err, "acme") != NULL);
	CU_ASSERT(m.secret[0] != '\0' && strstr(m.err, m.secret) == NULL);

	j = key_show(db, m.id);
	CU_ASSERT_FATAL(json_is_object(j));
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "id"), m.id);
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "account"), "acme");
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "label"), "");
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "state"), "active");
	CU_ASSERT_STRING_EQUAL(words(json_object_get(j, "services")), "smtp");
	CU_ASSERT_STRING_EQUAL(words(json_object_get(j, "allow")), "");
	CU_ASSERT(cli_time(cli_jstr(j, "created")) >= before &&
		  cli_time(cli_jstr(j, "created")) <= after);
	CU_ASSERT(json_is_null(json_object_get(j, "expires")));
	CU_ASSERT(json_is_null(json_object_get(j, "revoked")));
	CU_ASSERT(json_is_null(json_object_get(j, "rotated_from")));
	CU_ASSERT(json_is_false(json_object_get(j, "cram")));
	CU_ASSERT(json_is_false(json_object_get(j, "scram")));
	CU_ASSERT_EQUAL(json_object_size(j), 12);
	json_decref(j);
	/* nothing in the JSON is the secret either */
	{
		char *out = cli_ok(db, "key", "show", m.id, "--json", NULL);

		CU_ASSERT(strstr(out, m.secret) == NULL);
		free(out);
		out = cli_ok(db, "key", "show", m.id, NULL);
		CU_ASSERT(strstr(out, m.id) != NULL);
		CU_ASSERT(strstr(out, m.secret) == NULL);
		CU_ASSERT(strstr(out, "state:        active\n") != NULL);
		free(out);
	}
	/* the account counts it */
	j = cli_json(db, "account", "show", "acme", "--json", NULL);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "keys")), 1);
	json_decref(j);
	made_wipe(&m);
	free(db);
}

/* the key printed is the key the store can verify */
static void test_printed_key_matches_store(void)
{
	char *db = cli_new_store("verify");
	struct sk_store *st = NULL;
	struct sk_keyrec rec;
	struct sk_key k;
	struct cli_res r;
	unsigned char h[SK_KEY_HASH_LEN];

	free(cli_ok(db, "account", "add", "acme", NULL));
	cli_run(&r, NULL, db, "key", "create", "acme", NULL);
	CU_ASSERT_EQUAL_FATAL(r.rc, 0);
	CU_ASSERT_FATAL(sk_key_parse(r.out, strcspn(r.out, "\n"), &k) ==
			SK_KEY_OK);
	memset(r.out, 0, strlen(r.out));
	cli_free(&r);
	CU_ASSERT_FATAL(sk_store_open(db, SK_STORE_READ, NULL, &st) == SK_OK);
	CU_ASSERT_EQUAL(st->ops->key_get(st, k.id, &rec), SK_OK);
	CU_ASSERT_EQUAL(sk_key_hash(&k, h), SK_OK);
	CU_ASSERT(memcmp(h, rec.hash, sizeof(h)) == 0);
	/* a different secret would not verify */
	k.secret[5] ^= 1;
	CU_ASSERT_EQUAL(sk_key_hash(&k, h), SK_OK);
	CU_ASSERT(memcmp(h, rec.hash, sizeof(h)) != 0);
	sk_key_wipe(&k);
	sk_store_close(st);
	free(db);
}

/* the store keeps a hash: the secret is in no file next to it */
static void test_secret_not_stored(void)
{
	char *db = cli_new_store("nosecret");
	char journal[700];
	struct made m[3];
	size_t i;
	unsigned id_found = 0, secret_found = 0;

	snprintf(journal, sizeof(journal), "%s-journal", db);
	free(cli_ok(db, "account", "add", "acme", NULL));
	CREATE(&m[0], db, "key", "create", "acme");
	CREATE(&m[1], db, "key", "create", "acme", "--label", "second");
	CU_ASSERT_FATAL(m[0].rc == 0 && m[1].rc == 0);
	CREATE(&m[2], db, "key", "rotate", m[0].id);
	CU_ASSERT_FATAL(m[2].rc == 0 && m[2].shape_ok);
	for (i = 0; i < 3; i++) {
		/* positive control: the raw file is searchable, ids are there */
		id_found += sk_test_file_contains(db, m[i].id, 12);
		secret_found += sk_test_file_contains(db, m[i].secret, 32);
		secret_found += sk_test_file_contains(journal, m[i].secret, 32);
		/* not even half of it */
		secret_found += sk_test_file_contains(db, m[i].secret, 16);
		secret_found += sk_test_file_contains(db, m[i].secret + 16, 16);
		made_wipe(&m[i]);
	}
	CU_ASSERT_EQUAL(id_found, 3);
	CU_ASSERT_EQUAL(secret_found, 0);
	free(db);
}

static void test_create_options(void)
{
	char *db = cli_new_store("opts");
	long long now;
	struct made m;
	json_t *j;

	free(cli_ok(db, "account", "add", "acme", NULL));
	now = (long long)time(NULL);
	CREATE(&m, db, "key", "create", "acme", "--service", "imap",
	       "--service", "smtp", "--service", "imap", "--allow",
	       "192.0.2.0/24,2001:db8::/32", "--allow", "192.0.2.0/24",
	       "--label", "CI runner \xc3\xa9", "--expires", "30d");
	CU_ASSERT_EQUAL_FATAL(m.rc, 0);
	CU_ASSERT(m.shape_ok);
	j = key_show(db, m.id);
	CU_ASSERT_STRING_EQUAL(words(json_object_get(j, "services")),
			       "imap smtp");
	CU_ASSERT_STRING_EQUAL(words(json_object_get(j, "allow")),
			       "192.0.2.0/24 2001:db8::/32");
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "label"), "CI runner \xc3\xa9");
	CU_ASSERT(near(cli_time(cli_jstr(j, "expires")), now + 30 * DAY));
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "state"), "active");
	json_decref(j);
	made_wipe(&m);

	/* "*" for every service; an absolute expiry; "never" */
	CREATE(&m, db, "key", "create", "acme", "--service", "*", "--expires",
	       "2099-12-31T23:59:59Z");
	CU_ASSERT_EQUAL_FATAL(m.rc, 0);
	j = key_show(db, m.id);
	CU_ASSERT_STRING_EQUAL(words(json_object_get(j, "services")), "*");
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "expires"), "2099-12-31T23:59:59Z");
	json_decref(j);
	made_wipe(&m);
	CREATE(&m, db, "key", "create", "acme", "--expires", "never");
	CU_ASSERT_EQUAL_FATAL(m.rc, 0);
	j = key_show(db, m.id);
	CU_ASSERT(json_is_null(json_object_get(j, "expires")));
	json_decref(j);
	made_wipe(&m);

	/* a disabled account still gets its key, with a warning */
	free(cli_ok(db, "account", "disable", "acme", NULL));
	CREATE(&m, db, "key", "create", "acme");
	CU_ASSERT_EQUAL(m.rc, 0);
	CU_ASSERT(m.shape_ok);
	CU_ASSERT(strstr(m.err, "disabled") != NULL);
	made_wipe(&m);
	free(db);
}

static void test_list(void)
{
	char *db = cli_new_store("list");
	struct made a1, a2, b1;
	struct cli_res r;
	json_t *j;
	char *out;

	free(cli_ok(db, "account", "add", "a", NULL));
	free(cli_ok(db, "account", "add", "b", NULL));
	/* empty to start with */
	j = cli_json(db, "key", "list", "--json", NULL);
	CU_ASSERT(json_is_array(j) && json_array_size(j) == 0);
	json_decref(j);
	CREATE(&a1, db, "key", "create", "a", "--label", "one");
	CREATE(&b1, db, "key", "create", "b", "--label", "bee");
	CREATE(&a2, db, "key", "create", "a", "--label", "two");
	CU_ASSERT_FATAL(a1.rc == 0 && a2.rc == 0 && b1.rc == 0);

	j = cli_json(db, "key", "list", "--json", NULL);
	CU_ASSERT_EQUAL(json_array_size(j), 3);
	json_decref(j);
	j = cli_json(db, "key", "list", "a", "--json", NULL);
	CU_ASSERT_FATAL(json_array_size(j) == 2);
	CU_ASSERT(strcmp(cli_jstr(json_array_get(j, 0), "account"), "a") == 0 &&
		  strcmp(cli_jstr(json_array_get(j, 1), "account"), "a") == 0);
	CU_ASSERT(json_object_size(json_array_get(j, 0)) == 12);
	json_decref(j);
	j = cli_json(db, "key", "list", "b", "--json", NULL);
	CU_ASSERT(json_array_size(j) == 1 &&
		  strcmp(cli_jstr(json_array_get(j, 0), "id"), b1.id) == 0 &&
		  strcmp(cli_jstr(json_array_get(j, 0), "label"), "bee") == 0);
	json_decref(j);

	out = cli_ok(db, "key", "list", NULL);
	CU_ASSERT(strncmp(out, "ID", 2) == 0);
	CU_ASSERT(strstr(out, a1.id) && strstr(out, a2.id) && strstr(out, b1.id));
	CU_ASSERT(!strstr(out, a1.secret) && !strstr(out, b1.secret));
	free(out);
	out = cli_ok(db, "key", "list", "b", NULL);
	CU_ASSERT(strstr(out, b1.id) != NULL && strstr(out, a1.id) == NULL);
	free(out);

	cli_run(&r, NULL, db, "key", "list", "nobody", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "no account \"nobody\""));
	cli_free(&r);
	cli_run(&r, NULL, db, "key", "list", "a", "b", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, NULL));
	cli_free(&r);
	made_wipe(&a1);
	made_wipe(&a2);
	made_wipe(&b1);
	free(db);
}

static void test_revoke(void)
{
	char *db = cli_new_store("revoke");
	long long now;
	struct made m, other;
	struct cli_res r;
	json_t *j;
	char first[40];

	free(cli_ok(db, "account", "add", "acme", NULL));
	CREATE(&m, db, "key", "create", "acme");
	CREATE(&other, db, "key", "create", "acme");
	CU_ASSERT_FATAL(m.rc == 0 && other.rc == 0);
	now = (long long)time(NULL);
	cli_run(&r, NULL, db, "key", "revoke", m.id, NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strstr(r.err, "revoked") != NULL);
	cli_free(&r);
	j = key_show(db, m.id);
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "state"), "revoked");
	CU_ASSERT(near(cli_time(cli_jstr(j, "revoked")), now));
	snprintf(first, sizeof(first), "%s", cli_jstr(j, "revoked"));
	json_decref(j);
	/* only that key */
	j = key_show(db, other.id);
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "state"), "active");
	json_decref(j);
	/* again: fine, and the original time stays */
	sleep(1);
	cli_run(&r, NULL, db, "key", "revoke", m.id, NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strstr(r.err, "already revoked") != NULL);
	cli_free(&r);
	j = key_show(db, m.id);
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "revoked"), first);
	json_decref(j);
	made_wipe(&m);
	made_wipe(&other);
	free(db);
}

static void test_expire(void)
{
	char *db = cli_new_store("expire");
	struct made m;
	struct cli_res r;
	json_t *j;

	free(cli_ok(db, "account", "add", "acme", NULL));
	CREATE(&m, db, "key", "create", "acme");
	CU_ASSERT_FATAL(m.rc == 0);

	free(cli_ok(db, "key", "expire", m.id, "2030-01-01", NULL));
	j = key_show(db, m.id);
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "expires"), "2030-01-01T00:00:00Z");
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "state"), "active");
	json_decref(j);
	free(cli_ok(db, "key", "expire", m.id, "never", NULL));
	j = key_show(db, m.id);
	CU_ASSERT(json_is_null(json_object_get(j, "expires")));
	json_decref(j);
	/* "now" ends it at once */
	free(cli_ok(db, "key", "expire", m.id, "now", NULL));
	j = key_show(db, m.id);
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "state"), "expired");
	json_decref(j);
	/* bad times: refused, expiry untouched */
	free(cli_ok(db, "key", "expire", m.id, "@4102444800", NULL));
	cli_run(&r, NULL, db, "key", "expire", m.id, "2026-02-31", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "bad time"));
	cli_free(&r);
	cli_run(&r, NULL, db, "key", "expire", m.id, "soon", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "bad time"));
	cli_free(&r);
	j = key_show(db, m.id);
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "expires"), "2100-01-01T00:00:00Z");
	json_decref(j);
	made_wipe(&m);
	free(db);
}

static void test_rotate(void)
{
	char *db = cli_new_store("rotate");
	struct made old, neu;
	long long now, old_created;
	json_t *jo, *jn;

	free(cli_ok(db, "account", "add", "acme", NULL));
	CREATE(&old, db, "key", "create", "acme", "--service", "imap",
	       "--service", "sieve", "--allow", "192.0.2.0/24", "--label",
	       "mail client", "--expires", "30d");
	CU_ASSERT_FATAL(old.rc == 0);
	jo = key_show(db, old.id);
	old_created = cli_time(cli_jstr(jo, "created"));
	json_decref(jo);
	sleep(1);

	now = (long long)time(NULL);
	CREATE(&neu, db, "key", "rotate", old.id, "--grace", "2d");
	CU_ASSERT_EQUAL_FATAL(neu.rc, 0);
	CU_ASSERT(neu.shape_ok);
	CU_ASSERT(strcmp(neu.id, old.id) != 0);
	CU_ASSERT(strcmp(neu.secret, old.secret) != 0);
	CU_ASSERT(strstr(neu.err, neu.id) != NULL);
	CU_ASSERT(strstr(neu.err, neu.secret) == NULL);

	jn = key_show(db, neu.id);
	jo = key_show(db, old.id);
	CU_ASSERT_FATAL(jn != NULL && jo != NULL);
	/* the new key: same account, label, services, allow-list */
	CU_ASSERT_STRING_EQUAL(cli_jstr(jn, "account"), "acme");
	CU_ASSERT_STRING_EQUAL(cli_jstr(jn, "label"), "mail client");
	CU_ASSERT_STRING_EQUAL(words(json_object_get(jn, "services")),
			       "imap sieve");
	CU_ASSERT_STRING_EQUAL(words(json_object_get(jn, "allow")),
			       "192.0.2.0/24");
	CU_ASSERT_STRING_EQUAL(cli_jstr(jn, "rotated_from"), old.id);
	CU_ASSERT_STRING_EQUAL(cli_jstr(jn, "state"), "active");
	/* the same lifetime, counted from now */
	CU_ASSERT(near(cli_time(cli_jstr(jn, "expires")), now + 30 * DAY));
	CU_ASSERT(cli_time(cli_jstr(jn, "created")) > old_created);
	/* the old key: still active, now until now + grace */
	CU_ASSERT_STRING_EQUAL(cli_jstr(jo, "state"), "active");
	CU_ASSERT(near(cli_time(cli_jstr(jo, "expires")), now + 2 * DAY));
	CU_ASSERT(json_is_null(json_object_get(jo, "revoked")));
	CU_ASSERT(json_is_null(json_object_get(jo, "rotated_from")));
	CU_ASSERT_STRING_EQUAL(cli_jstr(jo, "label"), "mail client");
	json_decref(jn);
	json_decref(jo);
	made_wipe(&old);
	made_wipe(&neu);
	free(db);
}

static void test_rotate_grace(void)
{
	char *db = cli_new_store("grace");
	struct made k1, k2, n;
	long long now;
	struct cli_res r;
	json_t *j;

	free(cli_ok(db, "account", "add", "acme", NULL));
	/* no expiry: the default grace is 7 days, the new key never ends */
	CREATE(&k1, db, "key", "create", "acme");
	CU_ASSERT_FATAL(k1.rc == 0);
	now = (long long)time(NULL);
	CREATE(&n, db, "key", "rotate", k1.id);
	CU_ASSERT_EQUAL_FATAL(n.rc, 0);
	j = key_show(db, k1.id);
	CU_ASSERT(near(cli_time(cli_jstr(j, "expires")), now + 7 * DAY));
	json_decref(j);
	j = key_show(db, n.id);
	CU_ASSERT(json_is_null(json_object_get(j, "expires")));
	json_decref(j);
	made_wipe(&n);

	/* an old key ending before the grace period keeps its own end */
	CREATE(&k2, db, "key", "create", "acme", "--expires", "1d");
	CU_ASSERT_FATAL(k2.rc == 0);
	now = (long long)time(NULL);
	CREATE(&n, db, "key", "rotate", k2.id, "--grace", "7d");
	CU_ASSERT_EQUAL(n.rc, 0);
	j = key_show(db, k2.id);
	CU_ASSERT(near(cli_time(cli_jstr(j, "expires")), now + DAY));
	json_decref(j);
	made_wipe(&n);

	/* --grace 0: the old key ends now */
	CREATE(&n, db, "key", "rotate", k1.id, "--grace", "0");
	CU_ASSERT_EQUAL(n.rc, 0);
	j = key_show(db, k1.id);
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "state"), "expired");
	json_decref(j);
	made_wipe(&n);

	/* a bad grace */
	cli_run(&r, NULL, db, "key", "rotate", k2.id, "--grace", "a week",
		NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "bad duration"));
	cli_free(&r);
	cli_run(&r, NULL, db, "key", "rotate", k2.id, "--grace", "-1d", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "bad duration"));
	cli_free(&r);
	made_wipe(&k1);
	made_wipe(&k2);
	free(db);
}

static void test_rotate_revoked(void)
{
	char *db = cli_new_store("rotrev");
	struct made k, n;
	struct cli_res r;
	json_t *j;

	free(cli_ok(db, "account", "add", "acme", NULL));
	CREATE(&k, db, "key", "create", "acme");
	CU_ASSERT_FATAL(k.rc == 0);
	free(cli_ok(db, "key", "revoke", k.id, NULL));
	CREATE(&n, db, "key", "rotate", k.id);
	CU_ASSERT_EQUAL(n.rc, 1);
	CU_ASSERT(!n.shape_ok);
	CU_ASSERT(strncmp(n.err, "saslkey: ", 9) == 0 &&
		  strstr(n.err, "revoked") != NULL);
	made_wipe(&n);
	/* no new key appeared */
	j = cli_json(db, "key", "list", "--json", NULL);
	CU_ASSERT_EQUAL(json_array_size(j), 1);
	json_decref(j);
	cli_run(&r, NULL, db, "key", "rotate", k.id, NULL);
	CU_ASSERT(cli_one_error_line(&r, "is revoked"));
	cli_free(&r);
	made_wipe(&k);
	free(db);
}

static void test_key_errors(void)
{
	char *db = cli_new_store("kerr");
	static const struct {
		const char *args[8];
		const char *msg;
	} cases[] = {
		{ { "key", NULL }, "missing subcommand" },
		{ { "key", "frob", NULL }, "unknown subcommand \"frob\"" },
		{ { "key", "create", NULL }, "expected 1 argument, got 0" },
		{ { "key", "create", "acme", "extra", NULL },
		  "expected 1 argument, got 2" },
		{ { "key", "create", "ghost", NULL }, "no account \"ghost\"" },
		{ { "key", "create", "acme", "--service", "SMTP", NULL },
		  "bad service name" },
		{ { "key", "create", "acme", "--service", "sm tp", NULL },
		  "bad service name" },
		{ { "key", "create", "acme", "--service", "", NULL },
		  "bad service name" },
		{ { "key", "create", "acme", "--service", "1smtp", NULL },
		  "bad service name" },
		{ { "key", "create", "acme", "--expires", "soon", NULL },
		  "bad time" },
		{ { "key", "create", "acme", "--expires", "2026-02-31", NULL },
		  "bad time" },
		{ { "key", "create", "acme", "--expires", "-1d", NULL },
		  "bad time" },
		{ { "key", "create", "acme", "--expires", "2020-01-01", NULL },
		  "in the past" },
		{ { "key", "create", "acme", "--expires", "@1", NULL },
		  "in the past" },
		{ { "key", "create", "acme", "--expires", "now", NULL },
		  "in the past" },
		{ { "key", "create", "acme", "--allow", "10.0.0.1/8", NULL },
		  "bits set" },
		{ { "key", "create", "acme", "--allow", "nope", NULL },
		  "bad allow-list" },
		{ { "key", "create", "acme", "--label", "tab\there", NULL },
		  "label" },
		{ { "key", "create", "acme", "--label", "sur\xed\xa0\x80", NULL },
		  "label" },
		{ { "key", "create", "acme", "--label", NULL }, "option --label" },
		{ { "key", "show", NULL }, "expected 1 argument, got 0" },
		{ { "key", "show", "abc", NULL }, "not a key id" },
		{ { "key", "show", "AAAAAAAAAAAAA", NULL }, "not a key id" },
		{ { "key", "show", "AAAAAAAAAAA!", NULL }, "not a key id" },
		{ { "key", "show", "AAAAAAAAAAA_", NULL }, "not a key id" },
		{ { "key", "show", "AAAAAAAAAAAA", NULL }, "no key AAAAAAAAAAAA" },
		{ { "key", "revoke", "short", NULL }, "not a key id" },
		{ { "key", "revoke", "AAAAAAAAAAAA", NULL }, "no key" },
		{ { "key", "revoke", NULL }, "expected 1 argument, got 0" },
		{ { "key", "expire", "AAAAAAAAAAAA", NULL },
		  "expected 2 arguments, got 1" },
		{ { "key", "expire", "AAAAAAAAAAAA", "1d", "x", NULL },
		  "expected 2 arguments, got 3" },
		{ { "key", "expire", "AAAAAAAAAAAA", "1d", NULL }, "no key" },
		{ { "key", "rotate", "AAAAAAAAAAAA", NULL }, "no key" },
		{ { "key", "rotate", "x", NULL }, "not a key id" },
		{ { "key", "rotate", NULL }, "expected 1 argument, got 0" },
	};
	struct made control;
	char *before, *after;
	size_t i;

	free(cli_ok(db, "account", "add", "acme", NULL));
	/* control: the valid form of the create cases */
	CREATE(&control, db, "key", "create", "acme", "--service", "smtp",
	       "--expires", "1d", "--allow", "10.0.0.0/8", "--label", "ok");
	CU_ASSERT_EQUAL(control.rc, 0);
	before = cli_snapshot(db);
	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		struct cli_res r;

		cli_runv(&r, NULL, db, cases[i].args);
		if (r.rc != 1 || !cli_one_error_line(&r, cases[i].msg))
			fprintf(stderr, "  key case %zu: exit %d: %s", i, r.rc,
				r.err);
		CU_ASSERT_EQUAL(r.rc, 1);
		CU_ASSERT(cli_one_error_line(&r, cases[i].msg));
		cli_free(&r);
	}
	after = cli_snapshot(db);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	made_wipe(&control);
	free(db);
}

/* someone pastes the whole key where the id goes: refused, not echoed */
static void test_full_key_as_id(void)
{
	char *db = cli_new_store("paste");
	struct cli_res r, k;

	free(cli_ok(db, "account", "add", "acme", NULL));
	cli_run(&k, NULL, db, "key", "create", "acme", NULL);
	CU_ASSERT_FATAL(k.rc == 0);
	k.out[strcspn(k.out, "\n")] = '\0';
	cli_run(&r, NULL, db, "key", "show", k.out, NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(strstr(r.err, "not a key id") != NULL);
	/* the error does not repeat the secret to the terminal/logs */
	CU_ASSERT(strstr(r.err, k.out + strlen(k.out) - 38) == NULL);
	cli_free(&r);
	memset(k.out, 0, strlen(k.out));
	cli_free(&k);
	free(db);
}

SK_SUITE(cli_key, NULL, NULL,
	 SK_TEST(test_create_and_show),
	 SK_TEST(test_printed_key_matches_store),
	 SK_TEST(test_secret_not_stored),
	 SK_TEST(test_create_options),
	 SK_TEST(test_list),
	 SK_TEST(test_revoke),
	 SK_TEST(test_expire),
	 SK_TEST(test_rotate),
	 SK_TEST(test_rotate_grace),
	 SK_TEST(test_rotate_revoked),
	 SK_TEST(test_key_errors),
	 SK_TEST(test_full_key_as_id))
