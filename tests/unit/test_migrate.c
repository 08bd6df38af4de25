/* saslkey tests - data written by an older schema survives migration */
#include "sktest.h"
#include "status.h"
#include "store.h"
#include "store_backend.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

/* rows as a version-1 saslkey wrote them (raw SQL, no current code) */
static const char v1_rows[] =
	"INSERT INTO accounts (id, name, allow, disabled, created, note)"
	"  VALUES (7, 'acme', '192.0.2.0/24', 0, 1700000000, 'from v1');"
	"INSERT INTO keys (id, account_id, label, hash, services, allow,"
	"  created, expires, revoked, rotated_from) VALUES ('AbCdEfGhIjKl', 7,"
	"  'relay', zeroblob(32), 'smtp imap', '', 1700000001, 1900000000, 0,"
	"  '');";

static void test_v1_data_survives(void)
{
	const char *db = sk_test_path("v1.db");
	struct sk_store *st = NULL;
	struct sk_keyrec k;
	struct sk_account a;
	sqlite3 *raw;
	size_t n = 99;
	int v = 0;

	unlink(db);
	CU_ASSERT_EQUAL_FATAL(sk_store_sqlite_create_at(db, 1), SK_OK);
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(db, &raw), SQLITE_OK);
	CU_ASSERT_EQUAL_FATAL(sqlite3_exec(raw, v1_rows, NULL, NULL, NULL),
			      SQLITE_OK);
	sqlite3_close(raw);

	/* a reader refuses the old schema; a writer migrates it */
	CU_ASSERT_EQUAL(sk_store_open(db, SK_STORE_READ, NULL, &st), SK_UNAVAIL);
	CU_ASSERT_EQUAL_FATAL(sk_store_open(db, SK_STORE_WRITE, NULL, &st),
			      SK_OK);
	CU_ASSERT_EQUAL(st->ops->schema_version(st, &v), SK_OK);
	CU_ASSERT_EQUAL(v, SK_SCHEMA_VERSION);
	CU_ASSERT_EQUAL(st->ops->auth_key(st, "AbCdEfGhIjKl", &k, &a), SK_OK);
	CU_ASSERT_STRING_EQUAL(a.name, "acme");
	CU_ASSERT_STRING_EQUAL(a.allow, "192.0.2.0/24");
	CU_ASSERT_STRING_EQUAL(a.note, "from v1");
	CU_ASSERT_STRING_EQUAL(k.label, "relay");
	CU_ASSERT_STRING_EQUAL(k.services, "smtp imap");
	CU_ASSERT_EQUAL(k.expires, 1900000000);
	CU_ASSERT_EQUAL(k.cram_len, 0);		/* v1 keys are not CRAM keys */
	CU_ASSERT_EQUAL(st->ops->secret_count(st, a.id, &n), SK_OK);
	CU_ASSERT_EQUAL(n, 0);
	sk_store_close(st);
	/* and now a reader is content */
	CU_ASSERT_EQUAL(sk_store_open(db, SK_STORE_READ, NULL, &st), SK_OK);
	sk_store_close(st);
}

SK_SUITE(store_migrate, NULL, NULL, SK_TEST(test_v1_data_survives))
