/* saslkey bench - what the store lookup of a password attempt costs
 *
 *   sqprobe DB PLAIN_TXT full|narrow N
 *
 * Runs N point lookups of probe key ids (from skgen's plain.txt) through
 * the same SQLite library the plugin uses, with the statement kept
 * prepared and reset after each row, as common/store_sqlite.c does:
 *
 *   full    the plugin's auth_key statement: the whole key and account
 *           record (19 columns, 11 of them TEXT/BLOB)
 *   narrow  only the 8 fields the password path reads: hash, services,
 *           allow, expires, revoked, account name, allow, disabled
 *
 * Under callgrind (--collect-atstart=no) only the lookups are counted, so
 * "totals" / N is the cost of one lookup.  It shows what the store
 * interface's full-record lookup costs against a narrow one (RESULTS.md,
 * "Budgets not met: where the instructions go").  Prints nothing secret: only key
 * ids are read from the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "callgrind.h"

/* common/store_sqlite.c, Q_AUTH_KEY */
static const char full_sql[] =
	"SELECT ?1, k.account_id, k.label, k.hash, k.services,"
	" k.allow, k.created, k.expires, k.revoked,"
	" k.rotated_from, k.cram, k.scram_sha1, k.scram_sha256,"
	" a.id, a.name, a.allow,"
	" a.disabled, a.created, a.note FROM keys k JOIN"
	" accounts a ON a.id = k.account_id WHERE k.id = ?1";

static const char narrow_sql[] =
	"SELECT k.hash, k.services, k.allow, k.expires, k.revoked,"
	" a.name, a.allow, a.disabled FROM keys k JOIN"
	" accounts a ON a.id = k.account_id WHERE k.id = ?1";

/* how store_sqlite.c reads each column: t TEXT, b BLOB, i integer */
static const char full_types[] = "titbtiiiitbttitiiit";
static const char narrow_types[] = "bttiitti";

int main(int argc, char **argv)
{
	static char ids[1000][13];
	char line[512];
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	size_t nids = 0;
	long n, i;
	int c, rows = 0;
	const char *types;
	FILE *f;

	if (argc != 5 || (strcmp(argv[3], "full") && strcmp(argv[3], "narrow"))) {
		fputs("usage: sqprobe DB PLAIN_TXT full|narrow N\n", stderr);
		return 2;
	}
	n = atol(argv[4]);
	types = strcmp(argv[3], "full") ? narrow_types : full_types;
	if ((f = fopen(argv[2], "r")) == NULL)
		return 2;
	/* "apikey<TAB>sk_<id>_<secret>": keep the 12-character id only */
	while (nids < 1000 && fgets(line, sizeof(line), f) != NULL) {
		char *u = strchr(line, '_');

		if (u != NULL && strlen(u) > 13) {
			memcpy(ids[nids], u + 1, 12);
			ids[nids++][12] = '\0';
		}
	}
	memset(line, 0, sizeof(line));
	fclose(f);
	if (nids == 0 ||
	    sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(db, strcmp(argv[3], "full") ? narrow_sql :
			       full_sql, -1, SQLITE_PREPARE_PERSISTENT, &q,
			       NULL) != SQLITE_OK)
		return 2;
	for (i = -10; i < n; i++) {	/* 10 unmeasured warm-up lookups */
		if (i >= 0)
			CALLGRIND_TOGGLE_COLLECT;
		sqlite3_bind_text(q, 1, ids[(size_t)(i + 10) % nids], -1,
				  SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW) {
			rows++;
			for (c = 0; types[c] != '\0'; c++) {
				if (types[c] == 'i') {
					(void)sqlite3_column_int64(q, c);
					continue;
				}
				if (types[c] == 't')
					(void)sqlite3_column_text(q, c);
				else
					(void)sqlite3_column_blob(q, c);
				(void)sqlite3_column_bytes(q, c);
			}
		}
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
		if (i >= 0)
			CALLGRIND_TOGGLE_COLLECT;
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	printf("lookups=%ld rows=%d\n", n, rows - 10);
	return rows == n + 10 ? 0 : 1;
}
