/* saslkey tests - common/store*.c: the store interface and SQLite backend */
#include "store.h"
#include "status.h"
#include "store_backend.h"
#include "sktest.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

/* ---- a logger that remembers what it was told ---- */

static char logged[8192];

static void log_capture(void *ctx, enum sk_log_level level, const char *msg)
{
	size_t n = strlen(logged);

	(void)ctx;
	(void)level;
	snprintf(logged + n, sizeof(logged) - n, "%s\n", msg);
}

static const struct sk_logger lg = { .emit = log_capture };

static void log_reset(void)
{
	logged[0] = '\0';
}

/* ---- helpers ---- */

/* a fresh path per call: every test gets its own store */
static const char *fresh_path(const char *tag)
{
	static unsigned seq;
	char name[64];

	snprintf(name, sizeof(name), "store-%s-%u.db", tag, ++seq);
	return sk_test_path(name);
}

static struct sk_store *create_store(const char *path)
{
	struct sk_store *st = NULL;

	CU_ASSERT_FATAL(sk_store_open(path, SK_STORE_CREATE, &lg, &st) == SK_OK);
	CU_ASSERT_FATAL(st != NULL);
	return st;
}

static struct sk_store *open_store(const char *path, enum sk_store_mode mode)
{
	struct sk_store *st = NULL;

	CU_ASSERT_FATAL(sk_store_open(path, mode, &lg, &st) == SK_OK);
	CU_ASSERT_FATAL(st != NULL);
	return st;
}

static int64_t add_account(struct sk_store *st, const char *name)
{
	struct sk_account a;

	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", name);
	a.created = 1767225600;
	CU_ASSERT_FATAL(st->ops->account_add(st, &a) == SK_OK);
	CU_ASSERT_FATAL(a.id > 0);
	return a.id;
}

static struct sk_keyrec make_key(const char *id, int64_t account_id)
{
	struct sk_keyrec k;
	size_t i;

	memset(&k, 0, sizeof(k));
	snprintf(k.id, sizeof(k.id), "%s", id);
	k.account_id = account_id;
	snprintf(k.label, sizeof(k.label), "label of %s", id);
	for (i = 0; i < SK_KEY_HASH_LEN; i++)
		k.hash[i] = (unsigned char)(i * 7 + (unsigned char)id[0]);
	snprintf(k.services, sizeof(k.services), "smtp imap");
	snprintf(k.allow, sizeof(k.allow), "192.0.2.0/24");
	k.created = 1767225600;
	return k;
}

static bool key_equal(const struct sk_keyrec *a, const struct sk_keyrec *b)
{
	return strcmp(a->id, b->id) == 0 && a->account_id == b->account_id &&
	       strcmp(a->label, b->label) == 0 &&
	       memcmp(a->hash, b->hash, SK_KEY_HASH_LEN) == 0 &&
	       strcmp(a->services, b->services) == 0 &&
	       strcmp(a->allow, b->allow) == 0 && a->created == b->created &&
	       a->expires == b->expires && a->revoked == b->revoked &&
	       strcmp(a->rotated_from, b->rotated_from) == 0;
}

/* run a raw statement on the file, behind the store's back */
static bool raw_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	bool ok = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) ==
		  SQLITE_OK &&
		  sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;

	sqlite3_close(db);
	return ok;
}

struct names {
	char list[1024];
	unsigned n, stop_after;
};

static int collect_account(void *ctx, const struct sk_account *a)
{
	struct names *nm = ctx;
	size_t l = strlen(nm->list);

	snprintf(nm->list + l, sizeof(nm->list) - l, "%s%s", l ? " " : "",
		 a->name);
	return ++nm->n == nm->stop_after;
}

static int collect_key(void *ctx, const struct sk_keyrec *k)
{
	struct names *nm = ctx;
	size_t l = strlen(nm->list);

	snprintf(nm->list + l, sizeof(nm->list) - l, "%s%s", l ? " " : "",
		 k->id);
	return ++nm->n == nm->stop_after;
}

/* ---- creation and opening ---- */

static void test_create(void)
{
	const char *path = fresh_path("create");
	struct sk_store *st = NULL;
	struct stat sb;
	int v = -1;

	/* positive control first: it is not there, READ and WRITE say so */
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_READ, &lg, &st),
			SK_UNAVAIL);
	CU_ASSERT(st == NULL);
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_WRITE, &lg, &st),
			SK_UNAVAIL);
	CU_ASSERT(access(path, F_OK) != 0);	/* WRITE does not create */

	st = create_store(path);
	CU_ASSERT_STRING_EQUAL(st->ops->name, "sqlite");
	CU_ASSERT_EQUAL(st->ops->schema_version(st, &v), SK_OK);
	CU_ASSERT_EQUAL(v, SK_SCHEMA_VERSION);
	sk_store_close(st);
	CU_ASSERT_FATAL(stat(path, &sb) == 0);
	CU_ASSERT_EQUAL(sb.st_mode & 07777, 0640);

	/* now both modes open it; CREATE again keeps the content */
	st = open_store(path, SK_STORE_WRITE);
	add_account(st, "keepme");
	sk_store_close(st);
	st = open_store(path, SK_STORE_CREATE);
	{
		struct sk_account a;

		CU_ASSERT_EQUAL(st->ops->account_get(st, "keepme", &a), SK_OK);
	}
	sk_store_close(st);
	st = open_store(path, SK_STORE_READ);
	CU_ASSERT_EQUAL(st->ops->schema_version(st, &v), SK_OK);
	CU_ASSERT_EQUAL(v, SK_SCHEMA_VERSION);
	sk_store_close(st);
	sk_store_close(NULL);
}

static void test_locations(void)
{
	const char *path = fresh_path("loc");
	char loc[600];
	struct sk_store *st = (struct sk_store *)&st;

	CU_ASSERT_EQUAL(sk_store_open("", SK_STORE_READ, &lg, &st), SK_INVALID);
	CU_ASSERT(st == NULL);
	CU_ASSERT_EQUAL(sk_store_open(NULL, SK_STORE_READ, &lg, &st),
			SK_INVALID);
	/* "sqlite:" names the backend explicitly */
	snprintf(loc, sizeof(loc), "sqlite:%s", path);
	CU_ASSERT_EQUAL(sk_store_open(loc, SK_STORE_CREATE, &lg, &st), SK_OK);
	sk_store_close(st);
	CU_ASSERT(access(path, F_OK) == 0);
	CU_ASSERT_EQUAL(sk_store_open(loc, SK_STORE_READ, &lg, &st), SK_OK);
	sk_store_close(st);
	/* a directory is not a store */
	log_reset();
	CU_ASSERT_EQUAL(sk_store_open(sk_test_tmpdir(), SK_STORE_READ, &lg, &st),
			SK_UNAVAIL);
	CU_ASSERT(strstr(logged, "not a regular file") != NULL);
	CU_ASSERT_EQUAL(sk_store_open(sk_test_tmpdir(), SK_STORE_CREATE, &lg,
				      &st), SK_UNAVAIL);
}

/* ---- accounts ---- */

static void test_accounts(void)
{
	const char *path = fresh_path("acct");
	struct sk_store *st = create_store(path);
	struct sk_account a, b;
	struct names nm;
	int64_t id;

	memset(&a, 0, sizeof(a));
	strcpy(a.name, "acme");
	strcpy(a.allow, "192.0.2.0/24 2001:db8::/32");
	strcpy(a.note, "a note with spaces and \xc3\xa9");
	a.created = 1767225600;
	a.disabled = true;
	CU_ASSERT_EQUAL(st->ops->account_add(st, &a), SK_OK);
	CU_ASSERT(a.id > 0);
	id = a.id;

	/* get by name and by id: every field comes back */
	CU_ASSERT_EQUAL(st->ops->account_get(st, "acme", &b), SK_OK);
	CU_ASSERT_EQUAL(b.id, id);
	CU_ASSERT_STRING_EQUAL(b.name, "acme");
	CU_ASSERT_STRING_EQUAL(b.allow, "192.0.2.0/24 2001:db8::/32");
	CU_ASSERT_STRING_EQUAL(b.note, "a note with spaces and \xc3\xa9");
	CU_ASSERT_EQUAL(b.created, 1767225600);
	CU_ASSERT(b.disabled);
	CU_ASSERT_EQUAL(st->ops->account_get_id(st, id, &b), SK_OK);
	CU_ASSERT_STRING_EQUAL(b.name, "acme");
	CU_ASSERT_EQUAL(st->ops->account_get(st, "ACME", &b), SK_NOTFOUND);
	CU_ASSERT_EQUAL(st->ops->account_get(st, "acm", &b), SK_NOTFOUND);
	CU_ASSERT_EQUAL(st->ops->account_get_id(st, id + 100, &b), SK_NOTFOUND);

	/* duplicate names are refused, and change nothing */
	memset(&b, 0, sizeof(b));
	strcpy(b.name, "acme");
	strcpy(b.note, "impostor");
	CU_ASSERT_EQUAL(st->ops->account_add(st, &b), SK_EXISTS);
	CU_ASSERT_EQUAL(st->ops->account_get(st, "acme", &b), SK_OK);
	CU_ASSERT_STRING_EQUAL(b.note, "a note with spaces and \xc3\xa9");

	/* update: allow, disabled, note; name and created stay */
	b.disabled = false;
	strcpy(b.allow, "");
	strcpy(b.note, "new");
	strcpy(b.name, "renamed?");
	b.created = 5;
	CU_ASSERT_EQUAL(st->ops->account_update(st, &b), SK_OK);
	CU_ASSERT_EQUAL(st->ops->account_get(st, "acme", &a), SK_OK);
	CU_ASSERT(!a.disabled);
	CU_ASSERT_STRING_EQUAL(a.allow, "");
	CU_ASSERT_STRING_EQUAL(a.note, "new");
	CU_ASSERT_EQUAL(a.created, 1767225600);
	b.id = id + 100;
	CU_ASSERT_EQUAL(st->ops->account_update(st, &b), SK_NOTFOUND);

	/* list: every account, by name */
	add_account(st, "zeta");
	add_account(st, "beta");
	memset(&nm, 0, sizeof(nm));
	CU_ASSERT_EQUAL(st->ops->account_list(st, collect_account, &nm), SK_OK);
	CU_ASSERT_STRING_EQUAL(nm.list, "acme beta zeta");
	/* a callback can stop the listing early */
	memset(&nm, 0, sizeof(nm));
	nm.stop_after = 2;
	CU_ASSERT_EQUAL(st->ops->account_list(st, collect_account, &nm), SK_OK);
	CU_ASSERT_STRING_EQUAL(nm.list, "acme beta");
	/* and the statement is usable again afterwards */
	memset(&nm, 0, sizeof(nm));
	CU_ASSERT_EQUAL(st->ops->account_list(st, collect_account, &nm), SK_OK);
	CU_ASSERT_EQUAL(nm.n, 3);

	/* remove */
	CU_ASSERT_EQUAL(st->ops->account_remove(st, id), SK_OK);
	CU_ASSERT_EQUAL(st->ops->account_get(st, "acme", &a), SK_NOTFOUND);
	CU_ASSERT_EQUAL(st->ops->account_remove(st, id), SK_NOTFOUND);
	memset(&nm, 0, sizeof(nm));
	CU_ASSERT_EQUAL(st->ops->account_list(st, collect_account, &nm), SK_OK);
	CU_ASSERT_STRING_EQUAL(nm.list, "beta zeta");
	sk_store_close(st);
}

/* ---- keys ---- */

static void test_keys(void)
{
	const char *path = fresh_path("keys");
	struct sk_store *st = create_store(path);
	int64_t acme = add_account(st, "acme"), other = add_account(st, "other");
	struct sk_keyrec k1 = make_key("AAAAAAAAAAA1", acme);
	struct sk_keyrec k2 = make_key("AAAAAAAAAAA2", acme);
	struct sk_keyrec k3 = make_key("BBBBBBBBBBB3", other);
	struct sk_keyrec got, dup;
	struct names nm;
	size_t n = 99;

	k2.created = k1.created + 10;
	k2.expires = 1800000000;
	snprintf(k2.rotated_from, sizeof(k2.rotated_from), "%s", k1.id);
	CU_ASSERT_EQUAL(st->ops->key_add(st, &k1), SK_OK);
	CU_ASSERT_EQUAL(st->ops->key_add(st, &k2), SK_OK);
	CU_ASSERT_EQUAL(st->ops->key_add(st, &k3), SK_OK);

	CU_ASSERT_EQUAL(st->ops->key_get(st, k2.id, &got), SK_OK);
	CU_ASSERT(key_equal(&got, &k2));
	CU_ASSERT_EQUAL(st->ops->key_get(st, "AAAAAAAAAAA9", &got), SK_NOTFOUND);

	/* duplicate id refused, original untouched */
	dup = make_key("AAAAAAAAAAA1", other);
	snprintf(dup.label, sizeof(dup.label), "impostor");
	CU_ASSERT_EQUAL(st->ops->key_add(st, &dup), SK_EXISTS);
	CU_ASSERT_EQUAL(st->ops->key_get(st, k1.id, &got), SK_OK);
	CU_ASSERT(key_equal(&got, &k1));
	/* a key for an account that does not exist is refused */
	dup = make_key("CCCCCCCCCCC1", other + 1000);
	CU_ASSERT_NOT_EQUAL(st->ops->key_add(st, &dup), SK_OK);
	CU_ASSERT_EQUAL(st->ops->key_get(st, dup.id, &got), SK_NOTFOUND);

	/* count and list */
	CU_ASSERT_EQUAL(st->ops->key_count(st, acme, &n), SK_OK);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(st->ops->key_count(st, other, &n), SK_OK);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(st->ops->key_count(st, other + 1000, &n), SK_OK);
	CU_ASSERT_EQUAL(n, 0);
	memset(&nm, 0, sizeof(nm));
	CU_ASSERT_EQUAL(st->ops->key_list(st, acme, collect_key, &nm), SK_OK);
	CU_ASSERT_STRING_EQUAL(nm.list, "AAAAAAAAAAA1 AAAAAAAAAAA2");
	memset(&nm, 0, sizeof(nm));
	CU_ASSERT_EQUAL(st->ops->key_list(st, 0, collect_key, &nm), SK_OK);
	CU_ASSERT_STRING_EQUAL(nm.list,
			       "AAAAAAAAAAA1 BBBBBBBBBBB3 AAAAAAAAAAA2");
	memset(&nm, 0, sizeof(nm));
	nm.stop_after = 1;
	CU_ASSERT_EQUAL(st->ops->key_list(st, 0, collect_key, &nm), SK_OK);
	CU_ASSERT_STRING_EQUAL(nm.list, "AAAAAAAAAAA1");

	/* update: label, services, allow, expires, revoked */
	got = k1;
	snprintf(got.label, sizeof(got.label), "relabelled");
	snprintf(got.services, sizeof(got.services), "*");
	snprintf(got.allow, sizeof(got.allow), "%s", "");
	got.expires = 1900000000;
	got.revoked = 1767300000;
	CU_ASSERT_EQUAL(st->ops->key_update(st, &got), SK_OK);
	CU_ASSERT_EQUAL(st->ops->key_get(st, k1.id, &dup), SK_OK);
	CU_ASSERT(key_equal(&dup, &got));
	got = make_key("ZZZZZZZZZZZZ", acme);
	CU_ASSERT_EQUAL(st->ops->key_update(st, &got), SK_NOTFOUND);

	/* an account with keys cannot go; remove_all first */
	CU_ASSERT_EQUAL(st->ops->account_remove(st, acme), SK_CONFLICT);
	CU_ASSERT_EQUAL(st->ops->key_get(st, k1.id, &got), SK_OK);
	CU_ASSERT_EQUAL(st->ops->key_remove_all(st, acme), SK_OK);
	CU_ASSERT_EQUAL(st->ops->key_count(st, acme, &n), SK_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(st->ops->key_get(st, k1.id, &got), SK_NOTFOUND);
	/* the other account's key is still there */
	CU_ASSERT_EQUAL(st->ops->key_get(st, k3.id, &got), SK_OK);
	CU_ASSERT_EQUAL(st->ops->account_remove(st, acme), SK_OK);
	sk_store_close(st);
}

static void test_auth_key(void)
{
	const char *path = fresh_path("auth");
	struct sk_store *st = create_store(path), *rd;
	struct sk_account a;
	struct sk_keyrec k = make_key("AuthKey00001", 0), got;

	memset(&a, 0, sizeof(a));
	strcpy(a.name, "joined");
	strcpy(a.allow, "10.0.0.0/8");
	a.disabled = true;
	a.created = 42;
	CU_ASSERT_FATAL(st->ops->account_add(st, &a) == SK_OK);
	k.account_id = a.id;
	CU_ASSERT_FATAL(st->ops->key_add(st, &k) == SK_OK);
	sk_store_close(st);

	/* the plugin's path: a read-only handle */
	rd = open_store(path, SK_STORE_READ);
	memset(&a, 0, sizeof(a));
	CU_ASSERT_EQUAL(rd->ops->auth_key(rd, "AuthKey00001", &got, &a), SK_OK);
	CU_ASSERT(key_equal(&got, &k));
	CU_ASSERT_STRING_EQUAL(a.name, "joined");
	CU_ASSERT_STRING_EQUAL(a.allow, "10.0.0.0/8");
	CU_ASSERT(a.disabled);
	CU_ASSERT_EQUAL(a.created, 42);
	CU_ASSERT_EQUAL(a.id, k.account_id);
	CU_ASSERT_EQUAL(rd->ops->auth_key(rd, "AuthKey00002", &got, &a),
			SK_NOTFOUND);
	sk_store_close(rd);
}

static void test_transactions(void)
{
	const char *path = fresh_path("txn");
	struct sk_store *st = create_store(path), *rd;
	struct sk_account a;

	CU_ASSERT_EQUAL(st->ops->begin(st), SK_OK);
	add_account(st, "rolled-back");
	st->ops->rollback(st);
	CU_ASSERT_EQUAL(st->ops->account_get(st, "rolled-back", &a),
			SK_NOTFOUND);
	/* rollback outside a transaction is harmless */
	st->ops->rollback(st);

	rd = open_store(path, SK_STORE_READ);
	CU_ASSERT_EQUAL(st->ops->begin(st), SK_OK);
	add_account(st, "committed");
	/* not visible to others before the commit */
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "committed", &a), SK_NOTFOUND);
	CU_ASSERT_EQUAL(st->ops->commit(st), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "committed", &a), SK_OK);
	sk_store_close(rd);
	sk_store_close(st);
	st = open_store(path, SK_STORE_READ);
	CU_ASSERT_EQUAL(st->ops->account_get(st, "committed", &a), SK_OK);
	CU_ASSERT_EQUAL(st->ops->account_get(st, "rolled-back", &a),
			SK_NOTFOUND);
	sk_store_close(st);
}

/* ---- long-lived read handles ---- */

static void test_reader_sees_commits(void)
{
	const char *path = fresh_path("live");
	struct sk_store *wr = create_store(path), *rd;
	struct sk_keyrec k, got;
	struct sk_account a;
	uint64_t g0 = 0, g1 = 0, g2 = 0;
	int64_t id = add_account(wr, "first");

	rd = open_store(path, SK_STORE_READ);
	/* prepare the reader's statements before anything changes */
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "first", &a), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "second", &a), SK_NOTFOUND);
	CU_ASSERT_EQUAL(rd->ops->key_get(rd, "LiveKey00001", &got), SK_NOTFOUND);
	CU_ASSERT_EQUAL(rd->ops->generation(rd, &g0), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->generation(rd, &g1), SK_OK);
	CU_ASSERT_EQUAL(g0, g1);	/* nothing committed: unchanged */

	CU_ASSERT_EQUAL(wr->ops->begin(wr), SK_OK);
	add_account(wr, "second");
	k = make_key("LiveKey00001", id);
	CU_ASSERT_EQUAL(wr->ops->key_add(wr, &k), SK_OK);
	CU_ASSERT_EQUAL(wr->ops->commit(wr), SK_OK);

	CU_ASSERT_EQUAL(rd->ops->check(rd), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "second", &a), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->key_get(rd, "LiveKey00001", &got), SK_OK);
	CU_ASSERT(key_equal(&got, &k));
	CU_ASSERT_EQUAL(rd->ops->generation(rd, &g1), SK_OK);
	CU_ASSERT_NOT_EQUAL(g1, g0);

	/* an update is seen too, and moves the generation again */
	k.revoked = 1767300000;
	CU_ASSERT_EQUAL(wr->ops->key_update(wr, &k), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->auth_key(rd, "LiveKey00001", &got, &a), SK_OK);
	CU_ASSERT_EQUAL(got.revoked, 1767300000);
	CU_ASSERT_EQUAL(rd->ops->generation(rd, &g2), SK_OK);
	CU_ASSERT_NOT_EQUAL(g2, g1);
	sk_store_close(rd);
	sk_store_close(wr);
}

/* the file change counter SQLite keeps in the header (offset 24) */
static uint32_t change_counter(const char *path)
{
	unsigned char h[28] = { 0 };
	int fd = open(path, O_RDONLY);

	CU_ASSERT(fd >= 0 && pread(fd, h, sizeof(h), 0) == (ssize_t)sizeof(h));
	if (fd >= 0)
		close(fd);
	return (uint32_t)h[24] << 24 | (uint32_t)h[25] << 16 |
	       (uint32_t)h[26] << 8 | h[27];
}

/*
 * Another store copied over this one in place (cp onto the path: same
 * inode, so no reopen) with by chance the same change counter and size:
 * still a new generation, or the request layer's caches would answer
 * for the old content.
 */
static void test_generation_of_a_twin_copied_in_place(void)
{
	const char *path = fresh_path("twin-a"), *other = fresh_path("twin-b");
	struct sk_store *wr, *rd;
	struct sk_account a;
	struct timespec past[2] = { { .tv_sec = 1767225600 },
				    { .tv_sec = 1767225600 } };
	uint64_t g0 = 0, g1 = 0, g2 = 0;
	char *data;
	size_t len;

	wr = create_store(path);
	add_account(wr, "twin-a");
	sk_store_close(wr);
	wr = create_store(other);
	add_account(wr, "twin-b");
	sk_store_close(wr);
	/* the premise: the header cannot tell them apart */
	CU_ASSERT_EQUAL_FATAL(change_counter(path), change_counter(other));
	CU_ASSERT_FATAL(utimensat(AT_FDCWD, path, past, 0) == 0);

	rd = open_store(path, SK_STORE_READ);
	CU_ASSERT_EQUAL(rd->ops->check(rd), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->generation(rd, &g0), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->check(rd), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->generation(rd, &g1), SK_OK);
	CU_ASSERT_EQUAL(g0, g1);		/* positive control */
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "twin-a", &a), SK_OK);

	data = sk_test_read_file(other, &len);
	CU_ASSERT_FATAL(data != NULL);
	{
		int fd = open(path, O_WRONLY | O_TRUNC);

		CU_ASSERT_FATAL(fd >= 0);
		CU_ASSERT((size_t)write(fd, data, len) == len);
		close(fd);
	}
	free(data);
	CU_ASSERT_EQUAL(rd->ops->check(rd), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->generation(rd, &g2), SK_OK);
	CU_ASSERT_NOT_EQUAL(g2, g1);
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "twin-b", &a), SK_OK);
	sk_store_close(rd);
}

static void test_check_file_deleted(void)
{
	const char *path = fresh_path("del");
	struct sk_store *wr = create_store(path), *rd;
	struct sk_account a;

	add_account(wr, "here");
	sk_store_close(wr);
	rd = open_store(path, SK_STORE_READ);
	CU_ASSERT_EQUAL(rd->ops->check(rd), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "here", &a), SK_OK);

	CU_ASSERT_FATAL(unlink(path) == 0);
	CU_ASSERT_EQUAL(rd->ops->check(rd), SK_UNAVAIL);
	/* queries on the dead handle fail cleanly, no crash, no stale data */
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "here", &a), SK_UNAVAIL);
	CU_ASSERT_EQUAL(rd->ops->check(rd), SK_UNAVAIL);

	/* the file comes back: the handle recovers on the next check */
	wr = create_store(path);
	add_account(wr, "reborn");
	sk_store_close(wr);
	CU_ASSERT_EQUAL(rd->ops->check(rd), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "reborn", &a), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "here", &a), SK_NOTFOUND);
	sk_store_close(rd);
}

static void test_check_file_replaced(void)
{
	const char *path = fresh_path("repl");
	const char *other = fresh_path("repl-new");
	struct sk_store *wr = create_store(path), *rd;
	struct sk_account a;

	add_account(wr, "old-content");
	sk_store_close(wr);
	wr = create_store(other);
	add_account(wr, "new-content");
	sk_store_close(wr);

	rd = open_store(path, SK_STORE_READ);
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "old-content", &a), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "new-content", &a),
			SK_NOTFOUND);
	/* a deploy moves a new store into place */
	CU_ASSERT_FATAL(rename(other, path) == 0);
	CU_ASSERT_EQUAL(rd->ops->check(rd), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "new-content", &a), SK_OK);
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "old-content", &a),
			SK_NOTFOUND);
	sk_store_close(rd);
}

/* ---- hostile or broken files ---- */

static void test_world_writable(void)
{
	const char *path = fresh_path("ww");
	struct sk_store *st = create_store(path), *rd;

	sk_store_close(st);
	rd = open_store(path, SK_STORE_READ);	/* positive control */

	CU_ASSERT_FATAL(chmod(path, 0666) == 0);
	log_reset();
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_READ, &lg, &st),
			SK_UNAVAIL);
	CU_ASSERT(st == NULL);
	CU_ASSERT(strstr(logged, "world-writable") != NULL);
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_WRITE, &lg, &st),
			SK_UNAVAIL);
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_CREATE, &lg, &st),
			SK_UNAVAIL);
	/* an open handle notices on its next check */
	CU_ASSERT_EQUAL(rd->ops->check(rd), SK_UNAVAIL);
	CU_ASSERT_FATAL(chmod(path, 0640) == 0);
	CU_ASSERT_EQUAL(rd->ops->check(rd), SK_OK);
	sk_store_close(rd);
}

static void test_world_writable_dir(void)
{
	const char *dir = sk_test_path("wwdir");
	char path[600];
	struct sk_store *st = NULL;

	CU_ASSERT_FATAL(mkdir(dir, 0750) == 0);
	snprintf(path, sizeof(path), "%s/keys.db", dir);
	st = create_store(path);
	sk_store_close(st);
	CU_ASSERT_FATAL(chmod(dir, 0777) == 0);
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_READ, &lg, &st),
			SK_UNAVAIL);
	/* sticky, like /tmp: nobody can replace another user's file */
	CU_ASSERT_FATAL(chmod(dir, 01777) == 0);
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_READ, &lg, &st), SK_OK);
	sk_store_close(st);
	CU_ASSERT_FATAL(chmod(dir, 0750) == 0);
}

static void fill_garbage(const char *path, size_t n)
{
	unsigned char *g = malloc(n);
	size_t i;
	int fd;

	CU_ASSERT_FATAL(g != NULL);
	for (i = 0; i < n; i++)
		g[i] = (unsigned char)(i * 131 + 17);
	/* over the same inode, as a disk error or a stray dd would */
	fd = open(path, O_WRONLY);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, g, n) == (ssize_t)n);
	close(fd);
	free(g);
}

static void test_garbage_file(void)
{
	const char *path = fresh_path("garbage");
	struct sk_store *st = create_store(path), *rd;
	struct sk_account a;
	struct sk_keyrec k;
	struct stat sb;
	uint64_t gen;

	add_account(st, "before");
	sk_store_close(st);
	rd = open_store(path, SK_STORE_READ);
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "before", &a), SK_OK);

	CU_ASSERT_FATAL(stat(path, &sb) == 0);
	fill_garbage(path, (size_t)sb.st_size);
	/* the open reader: unavailable, not a crash, not "not found" */
	rd->ops->check(rd);	/* same inode: it may or may not notice */
	CU_ASSERT_EQUAL(rd->ops->account_get(rd, "before", &a), SK_UNAVAIL);
	CU_ASSERT_EQUAL(rd->ops->auth_key(rd, "AAAAAAAAAAAA", &k, &a),
			SK_UNAVAIL);
	CU_ASSERT_EQUAL(rd->ops->generation(rd, &gen), SK_UNAVAIL);
	sk_store_close(rd);
	/* fresh opens */
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_READ, &lg, &st),
			SK_UNAVAIL);
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_WRITE, &lg, &st),
			SK_UNAVAIL);

	/* a small text file is not a store either */
	path = fresh_path("text");
	CU_ASSERT_FATAL(sk_test_write_file(path, "hello\n", 6));
	chmod(path, 0640);
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_READ, &lg, &st),
			SK_UNAVAIL);
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_CREATE, &lg, &st),
			SK_UNAVAIL);
}

/* values the schema allows but a record cannot hold: unavailable */
static void test_impossible_values(void)
{
	const char *path = fresh_path("imposs");
	struct sk_store *st = create_store(path), *rd;
	struct sk_keyrec k, got;
	struct sk_account a;
	struct names nm;
	char sql[1024];
	int64_t id = add_account(st, "fine");

	k = make_key("GoodKey00001", id);
	CU_ASSERT_FATAL(st->ops->key_add(st, &k) == SK_OK);
	sk_store_close(st);

	rd = open_store(path, SK_STORE_READ);
	CU_ASSERT_EQUAL(rd->ops->key_get(rd, "GoodKey00001", &got), SK_OK);
	/* a hash of the wrong length */
	CU_ASSERT_FATAL(raw_sql(path, "INSERT INTO keys (id, account_id, hash,"
				      " services, created) VALUES"
				      " ('ShortHash001', 1, x'0102', 'smtp', 1)"));
	CU_ASSERT_EQUAL(rd->ops->key_get(rd, "ShortHash001", &got), SK_UNAVAIL);
	CU_ASSERT_EQUAL(rd->ops->auth_key(rd, "ShortHash001", &got, &a),
			SK_UNAVAIL);
	/* a name longer than any record holds */
	snprintf(sql, sizeof(sql), "INSERT INTO accounts (name, created) VALUES"
				   " ('%0300d', 1)", 7);
	CU_ASSERT_FATAL(raw_sql(path, sql));
	memset(&nm, 0, sizeof(nm));
	CU_ASSERT_EQUAL(rd->ops->account_list(rd, collect_account, &nm),
			SK_UNAVAIL);
	/* an id with a NUL inside (of the right length otherwise) */
	CU_ASSERT_FATAL(raw_sql(path, "DELETE FROM accounts WHERE length(name)"
				      " > 255; DELETE FROM keys WHERE"
				      " id = 'ShortHash001'"));
	memset(&nm, 0, sizeof(nm));
	CU_ASSERT_EQUAL(rd->ops->key_list(rd, 0, collect_key, &nm), SK_OK);
	CU_ASSERT_FATAL(raw_sql(path, "INSERT INTO keys (id, account_id, hash,"
				      " services, created) VALUES"
				      " (CAST(x'410041414141414141414141' AS TEXT),"
				      " 1, zeroblob(32), 'smtp', 1)"));
	memset(&nm, 0, sizeof(nm));
	CU_ASSERT_EQUAL(rd->ops->key_list(rd, 0, collect_key, &nm), SK_UNAVAIL);
	/* the good record is still served */
	CU_ASSERT_EQUAL(rd->ops->key_get(rd, "GoodKey00001", &got), SK_OK);
	sk_store_close(rd);
}

static void test_read_handle_cannot_write(void)
{
	const char *path = fresh_path("ro");
	struct sk_store *st = create_store(path), *rd;
	struct sk_keyrec k, got;
	struct sk_account a;
	size_t n = 9;
	int64_t id = add_account(st, "acct");

	sk_store_close(st);
	rd = open_store(path, SK_STORE_READ);
	k = make_key("ReadOnly0001", id);
	CU_ASSERT_NOT_EQUAL(rd->ops->key_add(rd, &k), SK_OK);
	memset(&a, 0, sizeof(a));
	strcpy(a.name, "sneaky");
	CU_ASSERT_NOT_EQUAL(rd->ops->account_add(rd, &a), SK_OK);
	CU_ASSERT_NOT_EQUAL(rd->ops->account_remove(rd, id), SK_OK);
	CU_ASSERT_NOT_EQUAL(rd->ops->key_remove_all(rd, id), SK_OK);
	sk_store_close(rd);

	st = open_store(path, SK_STORE_WRITE);
	CU_ASSERT_EQUAL(st->ops->key_get(st, "ReadOnly0001", &got), SK_NOTFOUND);
	CU_ASSERT_EQUAL(st->ops->account_get(st, "sneaky", &a), SK_NOTFOUND);
	CU_ASSERT_EQUAL(st->ops->account_get(st, "acct", &a), SK_OK);
	CU_ASSERT_EQUAL(st->ops->key_count(st, id, &n), SK_OK);
	CU_ASSERT_EQUAL(n, 0);
	/* positive control: the same add works on a WRITE handle */
	CU_ASSERT_EQUAL(st->ops->key_add(st, &k), SK_OK);
	sk_store_close(st);
}

/* ---- schema versions ---- */

/*
 * Every older version: READ refuses it, WRITE migrates it (version 0, a
 * file that is not yet a store at all, only "saslkey init", i.e. CREATE).
 */
static void test_migrations(void)
{
	int v;

	CU_ASSERT_EQUAL(sk_store_sqlite_create_at(fresh_path("bad"), -1),
			SK_INVALID);
	CU_ASSERT_EQUAL(sk_store_sqlite_create_at(fresh_path("bad"),
						  SK_SCHEMA_VERSION + 1),
			SK_INVALID);
	for (v = 0; v <= SK_SCHEMA_VERSION; v++) {
		const char *path = fresh_path("mig");
		struct sk_store *st = NULL;
		int got = -1;

		CU_ASSERT_EQUAL_FATAL(sk_store_sqlite_create_at(path, v), SK_OK);
		if (v == SK_SCHEMA_VERSION) {
			/* positive control: the current version just opens */
			st = open_store(path, SK_STORE_READ);
			CU_ASSERT_EQUAL(st->ops->schema_version(st, &got), SK_OK);
			CU_ASSERT_EQUAL(got, v);
			sk_store_close(st);
			continue;
		}
		log_reset();
		CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_READ, &lg, &st),
				SK_UNAVAIL);
		CU_ASSERT(strstr(logged, "schema version") != NULL ||
			  strstr(logged, "not a saslkey store") != NULL);
		if (v == 0) {
			CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_WRITE, &lg,
						      &st), SK_UNAVAIL);
			st = open_store(path, SK_STORE_CREATE);
		} else {
			st = open_store(path, SK_STORE_WRITE);
		}
		CU_ASSERT_EQUAL(st->ops->schema_version(st, &got), SK_OK);
		CU_ASSERT_EQUAL(got, SK_SCHEMA_VERSION);
		add_account(st, "after-migration");
		sk_store_close(st);
		/* now readers accept it and see the data */
		st = open_store(path, SK_STORE_READ);
		{
			struct sk_account a;

			CU_ASSERT_EQUAL(st->ops->account_get(st,
							     "after-migration",
							     &a), SK_OK);
		}
		sk_store_close(st);
	}
}

static void test_future_version_refused(void)
{
	const char *path = fresh_path("future");
	struct sk_store *st = NULL;
	char sql[64];
	int got = -1;

	CU_ASSERT_FATAL(sk_store_sqlite_create_at(path, SK_SCHEMA_VERSION) ==
			SK_OK);
	st = open_store(path, SK_STORE_READ);	/* positive control */
	sk_store_close(st);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 SK_SCHEMA_VERSION + 1);
	CU_ASSERT_FATAL(raw_sql(path, sql));
	log_reset();
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_READ, &lg, &st),
			SK_UNAVAIL);
	CU_ASSERT(strstr(logged, "upgrade saslkey") != NULL);
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_WRITE, &lg, &st),
			SK_UNAVAIL);
	CU_ASSERT_EQUAL(sk_store_open(path, SK_STORE_CREATE, &lg, &st),
			SK_UNAVAIL);
	/* and it was not "migrated" down */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 SK_SCHEMA_VERSION);
	CU_ASSERT_FATAL(raw_sql(path, sql));
	st = open_store(path, SK_STORE_READ);
	CU_ASSERT_EQUAL(st->ops->schema_version(st, &got), SK_OK);
	CU_ASSERT_EQUAL(got, SK_SCHEMA_VERSION);
	sk_store_close(st);
}

SK_SUITE(store, NULL, NULL,
	 SK_TEST(test_create),
	 SK_TEST(test_locations),
	 SK_TEST(test_accounts),
	 SK_TEST(test_keys),
	 SK_TEST(test_auth_key),
	 SK_TEST(test_transactions),
	 SK_TEST(test_reader_sees_commits),
	 SK_TEST(test_generation_of_a_twin_copied_in_place),
	 SK_TEST(test_check_file_deleted),
	 SK_TEST(test_check_file_replaced),
	 SK_TEST(test_world_writable),
	 SK_TEST(test_world_writable_dir),
	 SK_TEST(test_garbage_file),
	 SK_TEST(test_impossible_values),
	 SK_TEST(test_read_handle_cannot_write),
	 SK_TEST(test_migrations),
	 SK_TEST(test_future_version_refused))
