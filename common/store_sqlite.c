/* saslkey - SQLite store backend */
#include "store.h"
#include "status.h"
#include "store_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

/*
 * One file, rollback journal (readers need no write access to anything),
 * secure_delete so removed hashes do not linger in free pages.  Readers
 * wait at most READ_BUSY_MS for the CLI's short write transactions and
 * then report the store unavailable rather than stall the MTA.
 */
#define READ_BUSY_MS	250
#define WRITE_BUSY_MS	5000

/* schema migrations: migrations[i] takes version i to version i + 1 */
static const char *const migrations[] = {
	/* 0 -> 1: accounts and API keys */
	"CREATE TABLE accounts ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  allow TEXT NOT NULL DEFAULT '',"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  note TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE keys ("
	"  id TEXT PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  label TEXT NOT NULL DEFAULT '',"
	"  hash BLOB NOT NULL,"
	"  services TEXT NOT NULL,"
	"  allow TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL DEFAULT 0,"
	"  revoked INTEGER NOT NULL DEFAULT 0,"
	"  rotated_from TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX keys_account ON keys(account_id);",
	/* 1 -> 2: CRAM-MD5 state (sealed), account secrets, metadata */
	"CREATE TABLE meta ("
	"  name TEXT PRIMARY KEY,"
	"  value BLOB NOT NULL);"
	"ALTER TABLE keys ADD COLUMN cram BLOB;"
	"CREATE TABLE secrets ("
	"  id TEXT PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  label TEXT NOT NULL DEFAULT '',"
	"  cram BLOB,"
	"  created INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL DEFAULT 0,"
	"  revoked INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX secrets_account ON secrets(account_id);",
	/* 2 -> 3: OAuth 2.0 issuers, their keys, revoked tokens */
	"CREATE TABLE issuers ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  issuer TEXT NOT NULL,"
	"  audience TEXT NOT NULL,"
	"  algs TEXT NOT NULL,"
	"  username_claim TEXT NOT NULL,"
	"  scope TEXT NOT NULL DEFAULT '',"
	"  openid_configuration TEXT NOT NULL DEFAULT '',"
	"  leeway INTEGER NOT NULL,"
	"  created INTEGER NOT NULL);"
	/* one issuer per "iss": key selection must never be ambiguous */
	"CREATE UNIQUE INDEX issuers_issuer ON issuers(issuer);"
	"CREATE TABLE issuer_keys ("
	"  issuer_id INTEGER NOT NULL REFERENCES issuers(id),"
	"  kid TEXT NOT NULL,"
	"  alg TEXT NOT NULL,"
	"  jwk TEXT NOT NULL);"
	"CREATE INDEX issuer_keys_issuer ON issuer_keys(issuer_id);"
	"CREATE TABLE denied_tokens ("
	"  issuer_id INTEGER NOT NULL REFERENCES issuers(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('jti', 'sub')),"
	"  value TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (issuer_id, kind, value));",
	/* 3 -> 4: SCRAM verifiers; account passwords as secrets */
	"ALTER TABLE keys ADD COLUMN scram_sha1 TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE keys ADD COLUMN scram_sha256 TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE secrets ADD COLUMN kind TEXT NOT NULL DEFAULT 'cram'"
	"  CHECK (kind IN ('cram', 'password'));"
	"ALTER TABLE secrets ADD COLUMN scram_sha1 TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE secrets ADD COLUMN scram_sha256 TEXT NOT NULL DEFAULT '';",
};

_Static_assert(SK_N_ELEMENTS(migrations) == SK_SCHEMA_VERSION,
	       "one migration per schema version");

enum stmt_id {
	Q_DATA_VERSION,
	Q_ACCOUNT_GET,
	Q_ACCOUNT_GET_ID,
	Q_ACCOUNT_ADD,
	Q_ACCOUNT_UPDATE,
	Q_ACCOUNT_REMOVE,
	Q_ACCOUNT_LIST,
	Q_KEY_GET,
	Q_KEY_ADD,
	Q_KEY_UPDATE,
	Q_KEY_COUNT,
	Q_KEY_REMOVE_ALL,
	Q_KEY_LIST,
	Q_KEY_LIST_ALL,
	Q_AUTH_KEY,
	Q_SECRET_ADD,
	Q_SECRET_GET,
	Q_SECRET_UPDATE,
	Q_SECRET_LIST,
	Q_SECRET_COUNT,
	Q_SECRET_REMOVE_ALL,
	Q_SECRET_REMOVE_KIND,
	Q_META_GET,
	Q_META_SET,
	Q_ISSUER_ADD,
	Q_ISSUER_GET,
	Q_ISSUER_UPDATE,
	Q_ISSUER_REMOVE,
	Q_ISSUER_LIST,
	Q_ISSUER_KEYS_CLEAR,
	Q_ISSUER_KEY_ADD,
	Q_ISSUER_KEY_LIST,
	Q_ISSUER_KEY_LIST_ALL,
	Q_DENY_ADD,
	Q_DENY_CHECK,
	Q_DENY_LIST,
	Q_DENY_CLEAR,
	Q_COUNT
};

#define ACCOUNT_COLS "id, name, allow, disabled, created, note"
#define KEY_COLS "id, account_id, label, hash, services, allow, created, " \
		 "expires, revoked, rotated_from, cram, scram_sha1, scram_sha256"
#define KEY_NCOLS 13
#define SECRET_COLS "id, account_id, label, cram, created, expires, revoked, " \
		    "kind, scram_sha1, scram_sha256"
#define ISSUER_COLS "id, name, issuer, audience, algs, username_claim, scope, " \
		    "openid_configuration, leeway, created"

static const char *const stmt_sql[Q_COUNT] = {
	[Q_DATA_VERSION] = "PRAGMA data_version",
	[Q_ACCOUNT_GET] = "SELECT " ACCOUNT_COLS " FROM accounts WHERE name = ?1",
	[Q_ACCOUNT_GET_ID] = "SELECT " ACCOUNT_COLS " FROM accounts WHERE id = ?1",
	[Q_ACCOUNT_ADD] = "INSERT INTO accounts (name, allow, disabled, created,"
			  " note) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_ACCOUNT_UPDATE] = "UPDATE accounts SET allow = ?2, disabled = ?3,"
			     " note = ?4 WHERE id = ?1",
	[Q_ACCOUNT_REMOVE] = "DELETE FROM accounts WHERE id = ?1",
	[Q_ACCOUNT_LIST] = "SELECT " ACCOUNT_COLS " FROM accounts ORDER BY name",
	[Q_KEY_GET] = "SELECT " KEY_COLS " FROM keys WHERE id = ?1",
	[Q_KEY_ADD] = "INSERT INTO keys (" KEY_COLS ") VALUES"
		      " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[Q_KEY_UPDATE] = "UPDATE keys SET label = ?2, services = ?3, allow = ?4,"
			 " expires = ?5, revoked = ?6 WHERE id = ?1",
	[Q_KEY_COUNT] = "SELECT count(*) FROM keys WHERE account_id = ?1",
	[Q_KEY_REMOVE_ALL] = "DELETE FROM keys WHERE account_id = ?1",
	[Q_KEY_LIST] = "SELECT " KEY_COLS " FROM keys WHERE account_id = ?1"
		       " ORDER BY created, rowid",
	[Q_KEY_LIST_ALL] = "SELECT " KEY_COLS " FROM keys ORDER BY created, rowid",
	/*
	 * The hot path: one indexed point lookup joining the account.  The
	 * id column is the bound id itself (?1): the WHERE clause makes them
	 * the same bytes (TEXT, BINARY collation), and a parameter reaches
	 * the result row without the malloc + copy + free SQLite spends on
	 * every TEXT column it reads (~600 instructions; bench/RESULTS.md).
	 */
	[Q_AUTH_KEY] = "SELECT ?1, k.account_id, k.label, k.hash, k.services,"
		       " k.allow, k.created, k.expires, k.revoked,"
		       " k.rotated_from, k.cram, k.scram_sha1, k.scram_sha256,"
		       " a.id, a.name, a.allow,"
		       " a.disabled, a.created, a.note FROM keys k JOIN"
		       " accounts a ON a.id = k.account_id WHERE k.id = ?1",
	[Q_SECRET_ADD] = "INSERT INTO secrets (" SECRET_COLS ") VALUES"
			 " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[Q_SECRET_GET] = "SELECT " SECRET_COLS " FROM secrets WHERE id = ?1",
	[Q_SECRET_UPDATE] = "UPDATE secrets SET label = ?2, expires = ?3,"
			    " revoked = ?4 WHERE id = ?1",
	[Q_SECRET_LIST] = "SELECT " SECRET_COLS " FROM secrets"
			  " WHERE account_id = ?1 ORDER BY created, rowid",
	[Q_SECRET_COUNT] = "SELECT count(*) FROM secrets WHERE account_id = ?1",
	[Q_SECRET_REMOVE_ALL] = "DELETE FROM secrets WHERE account_id = ?1",
	[Q_SECRET_REMOVE_KIND] = "DELETE FROM secrets WHERE account_id = ?1"
				 " AND kind = ?2",
	[Q_META_GET] = "SELECT value FROM meta WHERE name = ?1",
	[Q_META_SET] = "INSERT INTO meta (name, value) VALUES (?1, ?2)"
		       " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
	[Q_ISSUER_ADD] = "INSERT INTO issuers (name, issuer, audience, algs,"
			 " username_claim, scope, openid_configuration, leeway,"
			 " created) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[Q_ISSUER_GET] = "SELECT " ISSUER_COLS " FROM issuers WHERE name = ?1",
	[Q_ISSUER_UPDATE] = "UPDATE issuers SET issuer = ?3, audience = ?4,"
			    " algs = ?5, username_claim = ?6, scope = ?7,"
			    " openid_configuration = ?8, leeway = ?9"
			    " WHERE id = ?1",
	[Q_ISSUER_REMOVE] = "DELETE FROM issuers WHERE id = ?1",
	[Q_ISSUER_LIST] = "SELECT " ISSUER_COLS " FROM issuers ORDER BY name",
	[Q_ISSUER_KEYS_CLEAR] = "DELETE FROM issuer_keys WHERE issuer_id = ?1",
	[Q_ISSUER_KEY_ADD] = "INSERT INTO issuer_keys (issuer_id, kid, alg, jwk)"
			     " VALUES (?1, ?2, ?3, ?4)",
	[Q_ISSUER_KEY_LIST] = "SELECT issuer_id, kid, alg, jwk FROM issuer_keys"
			      " WHERE issuer_id = ?1 ORDER BY rowid",
	[Q_ISSUER_KEY_LIST_ALL] = "SELECT issuer_id, kid, alg, jwk FROM"
				  " issuer_keys ORDER BY issuer_id, rowid",
	[Q_DENY_ADD] = "INSERT OR IGNORE INTO denied_tokens (issuer_id, kind,"
		       " value, created) VALUES (?1, ?2, ?3, ?4)",
	[Q_DENY_CHECK] = "SELECT 1 FROM denied_tokens WHERE issuer_id = ?1 AND"
			 " ((kind = 'jti' AND value = ?2) OR"
			 "  (kind = 'sub' AND value = ?3)) LIMIT 1",
	[Q_DENY_LIST] = "SELECT kind, value, created FROM denied_tokens"
			" WHERE issuer_id = ?1 ORDER BY created, rowid",
	[Q_DENY_CLEAR] = "DELETE FROM denied_tokens WHERE issuer_id = ?1",
};

struct sqlite_store {
	struct sk_store base;		/* must be first */
	sqlite3 *db;
	enum sk_store_mode mode;
	char path[PATH_MAX];
	dev_t dev;
	ino_t ino;
	uint32_t epoch;			/* bumped on every (re)open */
	bool failed;			/* an error since the last open */
	int hdr_fd;			/* the file, for its header; or -1 */
	struct timespec mtime;		/* the file's, at the last check */
	off_t size;
	uint32_t counter;		/* its change counter then */
	sqlite3_stmt *stmt[Q_COUNT];
};

#define SQ(st) ((struct sqlite_store *)(void *)(st))

/* ---- errors ---- */

static int map_rc(struct sqlite_store *s, int rc, const char *what)
{
	int prim = rc & 0xff;

	switch (prim) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return SK_OK;
	case SQLITE_CONSTRAINT:
		return SK_EXISTS;
	case SQLITE_NOMEM:
		return SK_NOMEM;
	default:
		sk_log(s->base.lg, SK_LOG_ERR, "store %s: %s: %s", s->path,
		       what, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		s->failed = true;
		return SK_UNAVAIL;
	}
}

/* ---- statements ---- */

static int prepare(struct sqlite_store *s, enum stmt_id id,
		   sqlite3_stmt **out)
{
	int rc;

	if (s->stmt[id] == NULL) {
		rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1,
					SQLITE_PREPARE_PERSISTENT, &s->stmt[id],
					NULL);
		if (rc != SQLITE_OK)
			return map_rc(s, rc, "prepare");
	}
	*out = s->stmt[id];
	return SK_OK;
}

static void finish(sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

static void finalize_all(struct sqlite_store *s)
{
	size_t i;

	for (i = 0; i < Q_COUNT; i++) {
		sqlite3_finalize(s->stmt[i]);
		s->stmt[i] = NULL;
	}
}

static int bind_text(sqlite3_stmt *q, int i, const char *v)
{
	return sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
}

/* copy a TEXT column; an oversized or NUL-bearing value means corruption */
static int col_text(struct sqlite_store *s, sqlite3_stmt *q, int i,
		    char *dst, size_t cap)
{
	const unsigned char *v = sqlite3_column_text(q, i);
	int n = sqlite3_column_bytes(q, i);

	if (v == NULL)
		n = 0;
	if ((size_t)n >= cap || (n > 0 && memchr(v, '\0', (size_t)n))) {
		sk_log(s->base.lg, SK_LOG_ERR,
		       "store %s: column %d has an impossible value", s->path,
		       i);
		return SK_UNAVAIL;
	}
	if (n > 0)
		memcpy(dst, v, (size_t)n);
	dst[n] = '\0';
	return SK_OK;
}

/* a sealed blob column: NULL (not set) or at most SK_SEALED_MAX bytes */
static int col_sealed(struct sqlite_store *s, sqlite3_stmt *q, int i,
		      unsigned char *dst, size_t *len)
{
	const void *v = sqlite3_column_blob(q, i);
	int n = sqlite3_column_bytes(q, i);

	*len = 0;
	if (v == NULL || n == 0)
		return SK_OK;
	if (n > SK_SEALED_MAX) {
		sk_log(s->base.lg, SK_LOG_ERR,
		       "store %s: column %d has an impossible value", s->path,
		       i);
		return SK_UNAVAIL;
	}
	memcpy(dst, v, (size_t)n);
	*len = (size_t)n;
	return SK_OK;
}

static int read_account(struct sqlite_store *s, sqlite3_stmt *q, int c,
			struct sk_account *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(q, c);
	a->disabled = sqlite3_column_int(q, c + 3) != 0;
	a->created = sqlite3_column_int64(q, c + 4);
	if (col_text(s, q, c + 1, a->name, sizeof(a->name)) != SK_OK ||
	    col_text(s, q, c + 2, a->allow, sizeof(a->allow)) != SK_OK ||
	    col_text(s, q, c + 5, a->note, sizeof(a->note)) != SK_OK)
		return SK_UNAVAIL;
	return SK_OK;
}

static int read_key(struct sqlite_store *s, sqlite3_stmt *q, int c,
		    struct sk_keyrec *k)
{
	const void *h;

	memset(k, 0, sizeof(*k));
	if (col_text(s, q, c, k->id, sizeof(k->id)) != SK_OK)
		return SK_UNAVAIL;
	k->account_id = sqlite3_column_int64(q, c + 1);
	if (col_text(s, q, c + 2, k->label, sizeof(k->label)) != SK_OK)
		return SK_UNAVAIL;
	h = sqlite3_column_blob(q, c + 3);
	if (h == NULL || sqlite3_column_bytes(q, c + 3) != SK_KEY_HASH_LEN) {
		sk_log(s->base.lg, SK_LOG_ERR,
		       "store %s: key %s has a malformed hash", s->path, k->id);
		return SK_UNAVAIL;
	}
	memcpy(k->hash, h, SK_KEY_HASH_LEN);
	if (col_text(s, q, c + 4, k->services, sizeof(k->services)) != SK_OK ||
	    col_text(s, q, c + 5, k->allow, sizeof(k->allow)) != SK_OK ||
	    col_text(s, q, c + 9, k->rotated_from, sizeof(k->rotated_from)) !=
		    SK_OK)
		return SK_UNAVAIL;
	k->created = sqlite3_column_int64(q, c + 6);
	k->expires = sqlite3_column_int64(q, c + 7);
	k->revoked = sqlite3_column_int64(q, c + 8);
	if (col_text(s, q, c + 11, k->scram_sha1, sizeof(k->scram_sha1)) !=
		    SK_OK ||
	    col_text(s, q, c + 12, k->scram_sha256, sizeof(k->scram_sha256)) !=
		    SK_OK)
		return SK_UNAVAIL;
	return col_sealed(s, q, c + 10, k->cram, &k->cram_len);
}

static const char *secret_kind_name(enum sk_secret_kind kind)
{
	return kind == SK_SECRET_PASSWORD ? "password" : "cram";
}

static int read_secret(struct sqlite_store *s, sqlite3_stmt *q,
		       struct sk_secret *x)
{
	memset(x, 0, sizeof(*x));
	if (col_text(s, q, 0, x->id, sizeof(x->id)) != SK_OK ||
	    col_text(s, q, 2, x->label, sizeof(x->label)) != SK_OK ||
	    col_sealed(s, q, 3, x->cram, &x->cram_len) != SK_OK)
		return SK_UNAVAIL;
	x->account_id = sqlite3_column_int64(q, 1);
	x->created = sqlite3_column_int64(q, 4);
	x->expires = sqlite3_column_int64(q, 5);
	x->revoked = sqlite3_column_int64(q, 6);
	{
		char kind[16];

		if (col_text(s, q, 7, kind, sizeof(kind)) != SK_OK ||
		    col_text(s, q, 8, x->scram_sha1, sizeof(x->scram_sha1)) !=
			    SK_OK ||
		    col_text(s, q, 9, x->scram_sha256,
			     sizeof(x->scram_sha256)) != SK_OK)
			return SK_UNAVAIL;
		x->kind = strcmp(kind, "password") == 0 ? SK_SECRET_PASSWORD :
							  SK_SECRET_CRAM;
	}
	return SK_OK;
}

/* run a statement expected to return at most one row */
static int step_one(struct sqlite_store *s, sqlite3_stmt *q, const char *what,
		    bool *row)
{
	int rc = sqlite3_step(q);

	*row = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return SK_OK;
	return map_rc(s, rc, what);
}

/* ---- open / close / health ---- */

/*
 * A descriptor of our own on the file, for sq_generation's header reads
 * (SQLite's own is not reachable).  It must be the file SQLite opened: a
 * file replaced in between makes the next check reopen both anyway, and
 * until then the generation falls back to asking SQLite.
 */
static void open_header(struct sqlite_store *s)
{
	struct stat sb;

	s->hdr_fd = open(s->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (s->hdr_fd >= 0 &&
	    (fstat(s->hdr_fd, &sb) != 0 || sb.st_dev != s->dev ||
	     sb.st_ino != s->ino)) {
		close(s->hdr_fd);
		s->hdr_fd = -1;
	}
}

/*
 * The header's file change counter (offset 24, big-endian), which SQLite
 * increments in every write transaction in rollback-journal mode; false
 * when unreadable, not SQLite's, or in WAL mode (bytes 18 and 19 = 2),
 * which does not maintain it.
 */
static bool read_counter(struct sqlite_store *s, uint32_t *counter)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char h[28];

	if (s->hdr_fd < 0 ||
	    pread(s->hdr_fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h, magic, sizeof(magic)) != 0 || h[18] != 1 || h[19] != 1)
		return false;
	*counter = (uint32_t)h[24] << 24 | (uint32_t)h[25] << 16 |
		   (uint32_t)h[26] << 8 | h[27];
	return true;
}

static void db_close(struct sqlite_store *s)
{
	finalize_all(s);
	if (s->db != NULL)
		sqlite3_close(s->db);
	s->db = NULL;
	if (s->hdr_fd >= 0)
		close(s->hdr_fd);
	s->hdr_fd = -1;
}

static int exec_sql(struct sqlite_store *s, const char *sql, const char *what)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? SK_OK : map_rc(s, rc, what);
}

static int get_user_version(struct sqlite_store *s, int *v)
{
	sqlite3_stmt *q = NULL;
	int rc, r;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL);
	if (rc != SQLITE_OK)
		return map_rc(s, rc, "read schema version");
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int(q, 0);
		r = SK_OK;
	} else {
		r = map_rc(s, rc, "read schema version");
	}
	sqlite3_finalize(q);
	return r;
}

static int migrate(struct sqlite_store *s, int from)
{
	char sql[64];
	int v, r;

	if ((r = exec_sql(s, "BEGIN IMMEDIATE", "begin migration")) != SK_OK)
		return r;
	for (v = from; v < SK_SCHEMA_VERSION; v++) {
		if ((r = exec_sql(s, migrations[v], "migrate")) != SK_OK)
			goto fail;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if ((r = exec_sql(s, sql, "migrate")) != SK_OK)
			goto fail;
	}
	if ((r = exec_sql(s, "COMMIT", "commit migration")) != SK_OK)
		goto fail;
	if (from > 0)
		sk_log(s->base.lg, SK_LOG_NOTE,
		       "store %s: schema migrated from version %d to %d",
		       s->path, from, SK_SCHEMA_VERSION);
	return SK_OK;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

/* a store anybody can write is a store anybody can add keys to */
static int check_perms(struct sqlite_store *s, const struct stat *sb)
{
	char dir[PATH_MAX];
	struct stat db;
	char *slash;

	if (sb->st_mode & S_IWOTH) {
		sk_log(s->base.lg, SK_LOG_ERR,
		       "store %s is world-writable; refusing to use it",
		       s->path);
		return SK_UNAVAIL;
	}
	snprintf(dir, sizeof(dir), "%s", s->path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &db) == 0 && (db.st_mode & S_IWOTH) &&
	    !(db.st_mode & S_ISVTX)) {
		sk_log(s->base.lg, SK_LOG_ERR,
		       "store directory %s is world-writable; refusing to use "
		       "the store", dir);
		return SK_UNAVAIL;
	}
	return SK_OK;
}

static int db_open(struct sqlite_store *s)
{
	struct stat sb;
	int flags, rc, version, r;

	if (s->mode == SK_STORE_CREATE) {
		/* create it ourselves so the mode is right from the start */
		int fd = open(s->path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			      0640);

		if (fd < 0) {
			sk_log(s->base.lg, SK_LOG_ERR, "cannot create store %s: %s",
			       s->path, strerror(errno));
			return SK_UNAVAIL;
		}
		close(fd);
	}
	if (stat(s->path, &sb) != 0) {
		sk_log(s->base.lg, SK_LOG_ERR, "cannot open store %s: %s",
		       s->path, strerror(errno));
		return SK_UNAVAIL;
	}
	if (!S_ISREG(sb.st_mode)) {
		sk_log(s->base.lg, SK_LOG_ERR, "store %s is not a regular file",
		       s->path);
		return SK_UNAVAIL;
	}
	if ((r = check_perms(s, &sb)) != SK_OK)
		return r;

	flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
		(s->mode == SK_STORE_READ ? SQLITE_OPEN_READONLY :
					    SQLITE_OPEN_READWRITE);
	rc = sqlite3_open_v2(s->path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		r = map_rc(s, rc, "open");
		db_close(s);
		return r;
	}
	sqlite3_busy_timeout(s->db, s->mode == SK_STORE_READ ? READ_BUSY_MS :
							       WRITE_BUSY_MS);
	/* treat the file as hostile: no triggers/views smuggling code paths */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);

	if ((r = get_user_version(s, &version)) != SK_OK)
		goto fail;
	if (version > SK_SCHEMA_VERSION) {
		sk_log(s->base.lg, SK_LOG_ERR,
		       "store %s has schema version %d; this saslkey "
		       "understands up to %d (upgrade saslkey)", s->path,
		       version, SK_SCHEMA_VERSION);
		r = SK_UNAVAIL;
		goto fail;
	}
	if (s->mode == SK_STORE_READ) {
		if (version != SK_SCHEMA_VERSION) {
			sk_log(s->base.lg, SK_LOG_ERR,
			       "store %s has schema version %d, expected %d "
			       "(run \"saslkey init\" to migrate it)", s->path,
			       version, SK_SCHEMA_VERSION);
			r = SK_UNAVAIL;
			goto fail;
		}
	} else {
		if (version == 0 && s->mode != SK_STORE_CREATE) {
			sk_log(s->base.lg, SK_LOG_ERR,
			       "%s is not a saslkey store (run \"saslkey init\")",
			       s->path);
			r = SK_UNAVAIL;
			goto fail;
		}
		if ((r = exec_sql(s, "PRAGMA foreign_keys = ON;"
				  "PRAGMA secure_delete = ON;", "configure")) !=
		    SK_OK)
			goto fail;
		if (version < SK_SCHEMA_VERSION && (r = migrate(s, version)) !=
							   SK_OK)
			goto fail;
	}
	s->dev = sb.st_dev;
	s->ino = sb.st_ino;
	s->mtime = sb.st_mtim;
	s->size = sb.st_size;
	s->epoch++;
	s->failed = false;
	open_header(s);
	if (!read_counter(s, &s->counter))
		s->counter = 0;
	return SK_OK;
fail:
	db_close(s);
	return r;
}

static void sq_close(struct sk_store *st)
{
	struct sqlite_store *s = SQ(st);

	db_close(s);
	free(s);
}

/*
 * Written, but not by a transaction: another store copied over this one
 * in place (cp onto the path keeps the inode) whose change counter is by
 * chance the same.  SQLite decides from that counter whether the pages it
 * holds are current, so it would go on answering from the old content:
 * reopen.  Only looked at when the time or size moved; a commit moves
 * the counter too, and is just remembered.
 */
static bool rewritten(struct sqlite_store *s, const struct stat *sb)
{
	uint32_t counter;

	if (sb->st_mtim.tv_sec == s->mtime.tv_sec &&
	    sb->st_mtim.tv_nsec == s->mtime.tv_nsec && sb->st_size == s->size)
		return false;
	s->mtime = sb->st_mtim;
	s->size = sb->st_size;
	if (!read_counter(s, &counter))
		return false;	/* WAL, or damage: SQLite's to find out */
	if (counter == s->counter)
		return true;
	s->counter = counter;
	return false;
}

/*
 * The handle stays open across attempts, so a store that was deleted or
 * replaced (restored from backup, moved into place by a deploy) would be
 * served from the old inode forever, and one the administrator made
 * unreadable would go on being read through the open descriptor.  A stat
 * and an access per attempt notice all three.  After an error the handle
 * is not trusted either: a connection that once read the file while it
 * was empty (cp(1) over it in place truncates first) keeps that empty
 * schema, and every statement fails to prepare against it from then on.
 */
static int sq_check(struct sk_store *st)
{
	struct sqlite_store *s = SQ(st);
	struct stat sb;

	if (s->db != NULL) {
		if (!s->failed && stat(s->path, &sb) == 0 &&
		    sb.st_dev == s->dev &&
		    sb.st_ino == s->ino && !(sb.st_mode & S_IWOTH) &&
		    access(s->path, R_OK) == 0 && !rewritten(s, &sb))
			return SK_OK;
		db_close(s);
	}
	return db_open(s);
}

/*
 * The generation is asked for on every attempt (the request layer's
 * caches are valid for one), so it must cost far less than a query.  In
 * rollback-journal mode - ours: readers need no write access - SQLite
 * increments the header's file change counter (offset 24, big-endian) in
 * every write transaction, and compares it to decide whether its own page
 * cache is still valid: one pread(2) of the header answers "did anybody
 * commit?" the same way, without a lock or a statement (PRAGMA
 * data_version is a whole read transaction: locks, the VDBE, a reset).
 *
 * With the open count above it, so a reopened store never repeats an old
 * generation: a replaced file, and one rewritten in place with the same
 * counter (rewritten() makes the check reopen it).  WAL mode (header
 * bytes 18 and 19 = 2) does not maintain the counter: then, and if the
 * header cannot be read or is not SQLite's, PRAGMA data_version (which
 * also reports a damaged file as an error), with the open count too.
 */
static int sq_generation(struct sk_store *st, uint64_t *gen)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	uint32_t counter;
	bool row;
	int r;

	if (!s->failed && read_counter(s, &counter)) {
		*gen = (uint64_t)s->epoch << 33 | counter;
		return SK_OK;
	}
	if ((r = prepare(s, Q_DATA_VERSION, &q)) != SK_OK)
		return r;
	r = step_one(s, q, "data_version", &row);
	/*
	 * data_version changes when another connection commits, but starts
	 * over on a new connection: the open count keeps a reopened (e.g.
	 * replaced) store from repeating an old generation.  Bit 32 keeps
	 * these apart from the counter's values.
	 */
	if (r == SK_OK && row)
		*gen = (uint64_t)s->epoch << 33 | (uint64_t)1 << 32 |
		       (uint32_t)sqlite3_column_int64(q, 0);
	finish(q);
	return r == SK_OK && !row ? SK_UNAVAIL : r;
}

static int sq_schema_version(struct sk_store *st, int *version)
{
	return get_user_version(SQ(st), version);
}

static int sq_begin(struct sk_store *st)
{
	return exec_sql(SQ(st), "BEGIN IMMEDIATE", "begin");
}

static int sq_commit(struct sk_store *st)
{
	return exec_sql(SQ(st), "COMMIT", "commit");
}

static void sq_rollback(struct sk_store *st)
{
	struct sqlite_store *s = SQ(st);

	if (s->db != NULL && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- accounts ---- */

static int account_fetch(struct sqlite_store *s, enum stmt_id id,
			 sqlite3_stmt *q, struct sk_account *out)
{
	bool row;
	int r = step_one(s, q, stmt_sql[id], &row);

	if (r == SK_OK)
		r = row ? read_account(s, q, 0, out) : SK_NOTFOUND;
	finish(q);
	return r;
}

static int sq_account_get(struct sk_store *st, const char *name,
			  struct sk_account *out)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_ACCOUNT_GET, &q)) != SK_OK)
		return r;
	bind_text(q, 1, name);
	return account_fetch(s, Q_ACCOUNT_GET, q, out);
}

static int sq_account_get_id(struct sk_store *st, int64_t id,
			     struct sk_account *out)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_ACCOUNT_GET_ID, &q)) != SK_OK)
		return r;
	sqlite3_bind_int64(q, 1, id);
	return account_fetch(s, Q_ACCOUNT_GET_ID, q, out);
}

static int step_done(struct sqlite_store *s, sqlite3_stmt *q, const char *what)
{
	int rc = sqlite3_step(q);
	int r = rc == SQLITE_DONE ? SK_OK : map_rc(s, rc, what);

	finish(q);
	return r;
}

static int sq_account_add(struct sk_store *st, struct sk_account *a)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_ACCOUNT_ADD, &q)) != SK_OK)
		return r;
	bind_text(q, 1, a->name);
	bind_text(q, 2, a->allow);
	sqlite3_bind_int(q, 3, a->disabled);
	sqlite3_bind_int64(q, 4, a->created);
	bind_text(q, 5, a->note);
	if ((r = step_done(s, q, "add account")) == SK_OK)
		a->id = sqlite3_last_insert_rowid(s->db);
	return r;
}

static int sq_account_update(struct sk_store *st, const struct sk_account *a)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_ACCOUNT_UPDATE, &q)) != SK_OK)
		return r;
	sqlite3_bind_int64(q, 1, a->id);
	bind_text(q, 2, a->allow);
	sqlite3_bind_int(q, 3, a->disabled);
	bind_text(q, 4, a->note);
	if ((r = step_done(s, q, "update account")) == SK_OK &&
	    sqlite3_changes(s->db) != 1)
		r = SK_NOTFOUND;
	return r;
}

static int sq_account_remove(struct sk_store *st, int64_t id)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_ACCOUNT_REMOVE, &q)) != SK_OK)
		return r;
	sqlite3_bind_int64(q, 1, id);
	if ((r = step_done(s, q, "remove account")) == SK_OK &&
	    sqlite3_changes(s->db) != 1)
		r = SK_NOTFOUND;
	/* a foreign key (keys still present) surfaces as a constraint */
	return r == SK_EXISTS ? SK_CONFLICT : r;
}

static int sq_account_list(struct sk_store *st, sk_account_cb *cb, void *ctx)
{
	struct sqlite_store *s = SQ(st);
	struct sk_account a;
	sqlite3_stmt *q = NULL;
	int r, rc;

	if ((r = prepare(s, Q_ACCOUNT_LIST, &q)) != SK_OK)
		return r;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((r = read_account(s, q, 0, &a)) != SK_OK ||
		    cb(ctx, &a) != 0)
			break;
	}
	if (r == SK_OK && rc != SQLITE_ROW)
		r = map_rc(s, rc, "list accounts");
	finish(q);
	return r;
}

/* ---- keys ---- */

static int sq_key_get(struct sk_store *st, const char *id,
		      struct sk_keyrec *out)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	bool row;
	int r;

	if ((r = prepare(s, Q_KEY_GET, &q)) != SK_OK)
		return r;
	bind_text(q, 1, id);
	r = step_one(s, q, "get key", &row);
	if (r == SK_OK)
		r = row ? read_key(s, q, 0, out) : SK_NOTFOUND;
	finish(q);
	return r;
}

static int sq_key_add(struct sk_store *st, const struct sk_keyrec *k)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_KEY_ADD, &q)) != SK_OK)
		return r;
	bind_text(q, 1, k->id);
	sqlite3_bind_int64(q, 2, k->account_id);
	bind_text(q, 3, k->label);
	sqlite3_bind_blob(q, 4, k->hash, SK_KEY_HASH_LEN, SQLITE_STATIC);
	bind_text(q, 5, k->services);
	bind_text(q, 6, k->allow);
	sqlite3_bind_int64(q, 7, k->created);
	sqlite3_bind_int64(q, 8, k->expires);
	sqlite3_bind_int64(q, 9, k->revoked);
	bind_text(q, 10, k->rotated_from);
	if (k->cram_len > 0)
		sqlite3_bind_blob(q, 11, k->cram, (int)k->cram_len,
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 11);
	bind_text(q, 12, k->scram_sha1);
	bind_text(q, 13, k->scram_sha256);
	return step_done(s, q, "add key");
}

static int sq_key_update(struct sk_store *st, const struct sk_keyrec *k)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_KEY_UPDATE, &q)) != SK_OK)
		return r;
	bind_text(q, 1, k->id);
	bind_text(q, 2, k->label);
	bind_text(q, 3, k->services);
	bind_text(q, 4, k->allow);
	sqlite3_bind_int64(q, 5, k->expires);
	sqlite3_bind_int64(q, 6, k->revoked);
	if ((r = step_done(s, q, "update key")) == SK_OK &&
	    sqlite3_changes(s->db) != 1)
		r = SK_NOTFOUND;
	return r;
}

static int count_where(struct sqlite_store *s, enum stmt_id id,
		       int64_t account_id, size_t *n);

static int sq_key_count(struct sk_store *st, int64_t account_id, size_t *n)
{
	return count_where(SQ(st), Q_KEY_COUNT, account_id, n);
}

static int sq_key_remove_all(struct sk_store *st, int64_t account_id)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_KEY_REMOVE_ALL, &q)) != SK_OK)
		return r;
	sqlite3_bind_int64(q, 1, account_id);
	return step_done(s, q, "remove keys");
}

static int sq_key_list(struct sk_store *st, int64_t account_id,
		       sk_key_cb *cb, void *ctx)
{
	struct sqlite_store *s = SQ(st);
	struct sk_keyrec k;
	sqlite3_stmt *q = NULL;
	int r, rc;

	r = prepare(s, account_id ? Q_KEY_LIST : Q_KEY_LIST_ALL, &q);
	if (r != SK_OK)
		return r;
	if (account_id)
		sqlite3_bind_int64(q, 1, account_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((r = read_key(s, q, 0, &k)) != SK_OK || cb(ctx, &k) != 0)
			break;
	}
	if (r == SK_OK && rc != SQLITE_ROW)
		r = map_rc(s, rc, "list keys");
	finish(q);
	return r;
}

static int sq_auth_key(struct sk_store *st, const char *id,
		       struct sk_keyrec *k, struct sk_account *a)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	bool row;
	int r;

	if ((r = prepare(s, Q_AUTH_KEY, &q)) != SK_OK)
		return r;
	bind_text(q, 1, id);
	r = step_one(s, q, "key lookup", &row);
	if (r == SK_OK) {
		if (!row)
			r = SK_NOTFOUND;
		else if ((r = read_key(s, q, 0, k)) == SK_OK)
			r = read_account(s, q, KEY_NCOLS, a);
	}
	finish(q);
	return r;
}

/* ---- account secrets ---- */

static int sq_secret_add(struct sk_store *st, const struct sk_secret *x)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_SECRET_ADD, &q)) != SK_OK)
		return r;
	bind_text(q, 1, x->id);
	sqlite3_bind_int64(q, 2, x->account_id);
	bind_text(q, 3, x->label);
	if (x->cram_len > 0)
		sqlite3_bind_blob(q, 4, x->cram, (int)x->cram_len,
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 4);
	sqlite3_bind_int64(q, 5, x->created);
	sqlite3_bind_int64(q, 6, x->expires);
	sqlite3_bind_int64(q, 7, x->revoked);
	bind_text(q, 8, secret_kind_name(x->kind));
	bind_text(q, 9, x->scram_sha1);
	bind_text(q, 10, x->scram_sha256);
	return step_done(s, q, "add secret");
}

static int sq_secret_get(struct sk_store *st, const char *id,
			 struct sk_secret *out)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	bool row;
	int r;

	if ((r = prepare(s, Q_SECRET_GET, &q)) != SK_OK)
		return r;
	bind_text(q, 1, id);
	r = step_one(s, q, "get secret", &row);
	if (r == SK_OK)
		r = row ? read_secret(s, q, out) : SK_NOTFOUND;
	finish(q);
	return r;
}

static int sq_secret_update(struct sk_store *st, const struct sk_secret *x)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_SECRET_UPDATE, &q)) != SK_OK)
		return r;
	bind_text(q, 1, x->id);
	bind_text(q, 2, x->label);
	sqlite3_bind_int64(q, 3, x->expires);
	sqlite3_bind_int64(q, 4, x->revoked);
	if ((r = step_done(s, q, "update secret")) == SK_OK &&
	    sqlite3_changes(s->db) != 1)
		r = SK_NOTFOUND;
	return r;
}

static int sq_secret_list(struct sk_store *st, int64_t account_id,
			  sk_secret_cb *cb, void *ctx)
{
	struct sqlite_store *s = SQ(st);
	struct sk_secret x;
	sqlite3_stmt *q = NULL;
	int r, rc;

	if ((r = prepare(s, Q_SECRET_LIST, &q)) != SK_OK)
		return r;
	sqlite3_bind_int64(q, 1, account_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((r = read_secret(s, q, &x)) != SK_OK || cb(ctx, &x) != 0)
			break;
	}
	if (r == SK_OK && rc != SQLITE_ROW)
		r = map_rc(s, rc, "list secrets");
	finish(q);
	return r;
}

static int count_where(struct sqlite_store *s, enum stmt_id id,
		       int64_t account_id, size_t *n)
{
	sqlite3_stmt *q = NULL;
	bool row;
	int r;

	if ((r = prepare(s, id, &q)) != SK_OK)
		return r;
	sqlite3_bind_int64(q, 1, account_id);
	r = step_one(s, q, "count", &row);
	if (r == SK_OK)
		*n = row ? (size_t)sqlite3_column_int64(q, 0) : 0;
	finish(q);
	return r;
}

static int sq_secret_count(struct sk_store *st, int64_t account_id, size_t *n)
{
	return count_where(SQ(st), Q_SECRET_COUNT, account_id, n);
}

static int sq_secret_remove_all(struct sk_store *st, int64_t account_id)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_SECRET_REMOVE_ALL, &q)) != SK_OK)
		return r;
	sqlite3_bind_int64(q, 1, account_id);
	return step_done(s, q, "remove secrets");
}

static int sq_secret_remove_kind(struct sk_store *st, int64_t account_id,
				 enum sk_secret_kind kind)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_SECRET_REMOVE_KIND, &q)) != SK_OK)
		return r;
	sqlite3_bind_int64(q, 1, account_id);
	bind_text(q, 2, secret_kind_name(kind));
	return step_done(s, q, "remove secrets");
}

/* ---- metadata ---- */

static int sq_meta_get(struct sk_store *st, const char *name, void *buf,
		       size_t cap, size_t *len)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	bool row;
	int r, n;

	*len = 0;
	if ((r = prepare(s, Q_META_GET, &q)) != SK_OK)
		return r;
	bind_text(q, 1, name);
	r = step_one(s, q, "read metadata", &row);
	if (r == SK_OK && !row)
		r = SK_NOTFOUND;
	if (r == SK_OK) {
		n = sqlite3_column_bytes(q, 0);
		if (n < 0 || (size_t)n > cap) {
			r = SK_UNAVAIL;
		} else {
			if (n > 0)
				memcpy(buf, sqlite3_column_blob(q, 0), (size_t)n);
			*len = (size_t)n;
		}
	}
	finish(q);
	return r;
}

static int sq_meta_set(struct sk_store *st, const char *name, const void *v,
		       size_t len)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_META_SET, &q)) != SK_OK)
		return r;
	bind_text(q, 1, name);
	sqlite3_bind_blob(q, 2, v, (int)len, SQLITE_STATIC);
	return step_done(s, q, "write metadata");
}

/* ---- OAuth issuers ---- */

static int read_issuer(struct sqlite_store *s, sqlite3_stmt *q,
		       struct sk_issuer *i)
{
	memset(i, 0, sizeof(*i));
	i->id = sqlite3_column_int64(q, 0);
	i->leeway = sqlite3_column_int64(q, 8);
	i->created = sqlite3_column_int64(q, 9);
	if (col_text(s, q, 1, i->name, sizeof(i->name)) != SK_OK ||
	    col_text(s, q, 2, i->issuer, sizeof(i->issuer)) != SK_OK ||
	    col_text(s, q, 3, i->audience, sizeof(i->audience)) != SK_OK ||
	    col_text(s, q, 4, i->algs, sizeof(i->algs)) != SK_OK ||
	    col_text(s, q, 5, i->username_claim, sizeof(i->username_claim)) !=
		    SK_OK ||
	    col_text(s, q, 6, i->scope, sizeof(i->scope)) != SK_OK ||
	    col_text(s, q, 7, i->openid_configuration,
		     sizeof(i->openid_configuration)) != SK_OK)
		return SK_UNAVAIL;
	return SK_OK;
}

static void bind_issuer(sqlite3_stmt *q, const struct sk_issuer *i)
{
	sqlite3_bind_int64(q, 1, i->id);
	bind_text(q, 2, i->name);
	bind_text(q, 3, i->issuer);
	bind_text(q, 4, i->audience);
	bind_text(q, 5, i->algs);
	bind_text(q, 6, i->username_claim);
	bind_text(q, 7, i->scope);
	bind_text(q, 8, i->openid_configuration);
	sqlite3_bind_int64(q, 9, i->leeway);
	sqlite3_bind_int64(q, 10, i->created);
}

static int sq_issuer_add(struct sk_store *st, struct sk_issuer *i)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_ISSUER_ADD, &q)) != SK_OK)
		return r;
	bind_issuer(q, i);
	if ((r = step_done(s, q, "add issuer")) == SK_OK)
		i->id = sqlite3_last_insert_rowid(s->db);
	return r;
}

static int sq_issuer_get(struct sk_store *st, const char *name,
			 struct sk_issuer *out)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	bool row;
	int r;

	if ((r = prepare(s, Q_ISSUER_GET, &q)) != SK_OK)
		return r;
	bind_text(q, 1, name);
	r = step_one(s, q, "get issuer", &row);
	if (r == SK_OK)
		r = row ? read_issuer(s, q, out) : SK_NOTFOUND;
	finish(q);
	return r;
}

static int sq_issuer_update(struct sk_store *st, const struct sk_issuer *i)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_ISSUER_UPDATE, &q)) != SK_OK)
		return r;
	bind_issuer(q, i);
	if ((r = step_done(s, q, "update issuer")) == SK_OK &&
	    sqlite3_changes(s->db) != 1)
		r = SK_NOTFOUND;
	return r;
}

static int exec_by_id(struct sqlite_store *s, enum stmt_id id, int64_t v,
		      const char *what)
{
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, id, &q)) != SK_OK)
		return r;
	sqlite3_bind_int64(q, 1, v);
	return step_done(s, q, what);
}

static int sq_issuer_remove(struct sk_store *st, int64_t id)
{
	struct sqlite_store *s = SQ(st);
	int r;

	if ((r = exec_by_id(s, Q_ISSUER_KEYS_CLEAR, id, "remove issuer keys")) !=
		    SK_OK ||
	    (r = exec_by_id(s, Q_DENY_CLEAR, id, "remove revoked tokens")) !=
		    SK_OK ||
	    (r = exec_by_id(s, Q_ISSUER_REMOVE, id, "remove issuer")) != SK_OK)
		return r;
	return sqlite3_changes(s->db) == 1 ? SK_OK : SK_NOTFOUND;
}

static int sq_issuer_list(struct sk_store *st, sk_issuer_cb *cb, void *ctx)
{
	struct sqlite_store *s = SQ(st);
	struct sk_issuer i;
	sqlite3_stmt *q = NULL;
	int r, rc;

	if ((r = prepare(s, Q_ISSUER_LIST, &q)) != SK_OK)
		return r;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((r = read_issuer(s, q, &i)) != SK_OK || cb(ctx, &i) != 0)
			break;
	}
	if (r == SK_OK && rc != SQLITE_ROW)
		r = map_rc(s, rc, "list issuers");
	finish(q);
	return r;
}

static int sq_issuer_keys_clear(struct sk_store *st, int64_t issuer_id)
{
	return exec_by_id(SQ(st), Q_ISSUER_KEYS_CLEAR, issuer_id,
			  "remove issuer keys");
}

static int sq_issuer_key_add(struct sk_store *st, const struct sk_issuer_key *k)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_ISSUER_KEY_ADD, &q)) != SK_OK)
		return r;
	sqlite3_bind_int64(q, 1, k->issuer_id);
	bind_text(q, 2, k->kid);
	bind_text(q, 3, k->alg);
	bind_text(q, 4, k->jwk);
	return step_done(s, q, "add issuer key");
}

static int sq_issuer_key_list(struct sk_store *st, int64_t issuer_id,
			      sk_issuer_key_cb *cb, void *ctx)
{
	struct sqlite_store *s = SQ(st);
	static struct sk_issuer_key k;	/* 8 KiB: keep it off the stack */
	sqlite3_stmt *q = NULL;
	int r, rc;

	r = prepare(s, issuer_id ? Q_ISSUER_KEY_LIST : Q_ISSUER_KEY_LIST_ALL,
		    &q);
	if (r != SK_OK)
		return r;
	if (issuer_id)
		sqlite3_bind_int64(q, 1, issuer_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		memset(&k, 0, sizeof(k));
		k.issuer_id = sqlite3_column_int64(q, 0);
		if ((r = col_text(s, q, 1, k.kid, sizeof(k.kid))) != SK_OK ||
		    (r = col_text(s, q, 2, k.alg, sizeof(k.alg))) != SK_OK ||
		    (r = col_text(s, q, 3, k.jwk, sizeof(k.jwk))) != SK_OK ||
		    cb(ctx, &k) != 0)
			break;
	}
	if (r == SK_OK && rc != SQLITE_ROW)
		r = map_rc(s, rc, "list issuer keys");
	finish(q);
	return r;
}

static const char *deny_kind_name(enum sk_deny_kind kind)
{
	return kind == SK_DENY_JTI ? "jti" : "sub";
}

static int sq_deny_add(struct sk_store *st, int64_t issuer_id,
		       enum sk_deny_kind kind, const char *value,
		       int64_t created)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	int r;

	if ((r = prepare(s, Q_DENY_ADD, &q)) != SK_OK)
		return r;
	sqlite3_bind_int64(q, 1, issuer_id);
	bind_text(q, 2, deny_kind_name(kind));
	bind_text(q, 3, value);
	sqlite3_bind_int64(q, 4, created);
	return step_done(s, q, "revoke token");
}

static int sq_deny_check(struct sk_store *st, int64_t issuer_id,
			 const char *jti, const char *sub)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	bool row;
	int r;

	if ((r = prepare(s, Q_DENY_CHECK, &q)) != SK_OK)
		return r;
	sqlite3_bind_int64(q, 1, issuer_id);
	/* an absent claim must never match an entry: bind NULL, not "" */
	if (jti != NULL && jti[0] != '\0')
		bind_text(q, 2, jti);
	else
		sqlite3_bind_null(q, 2);
	if (sub != NULL && sub[0] != '\0')
		bind_text(q, 3, sub);
	else
		sqlite3_bind_null(q, 3);
	r = step_one(s, q, "check revoked tokens", &row);
	finish(q);
	return r == SK_OK ? (row ? SK_OK : SK_NOTFOUND) : r;
}

static int sq_deny_list(struct sk_store *st, int64_t issuer_id, sk_deny_cb *cb,
			void *ctx)
{
	struct sqlite_store *s = SQ(st);
	sqlite3_stmt *q = NULL;
	char kind[8], value[SK_ISSUER_TEXT_MAX + 1];
	int r, rc;

	if ((r = prepare(s, Q_DENY_LIST, &q)) != SK_OK)
		return r;
	sqlite3_bind_int64(q, 1, issuer_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((r = col_text(s, q, 0, kind, sizeof(kind))) != SK_OK ||
		    (r = col_text(s, q, 1, value, sizeof(value))) != SK_OK ||
		    cb(ctx, strcmp(kind, "jti") == 0 ? SK_DENY_JTI : SK_DENY_SUB,
		       value, sqlite3_column_int64(q, 2)) != 0)
			break;
	}
	if (r == SK_OK && rc != SQLITE_ROW)
		r = map_rc(s, rc, "list revoked tokens");
	finish(q);
	return r;
}

static const struct sk_store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.check = sq_check,
	.generation = sq_generation,
	.schema_version = sq_schema_version,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.account_get = sq_account_get,
	.account_get_id = sq_account_get_id,
	.account_add = sq_account_add,
	.account_update = sq_account_update,
	.account_remove = sq_account_remove,
	.account_list = sq_account_list,
	.key_get = sq_key_get,
	.key_add = sq_key_add,
	.key_update = sq_key_update,
	.key_count = sq_key_count,
	.key_remove_all = sq_key_remove_all,
	.key_list = sq_key_list,
	.auth_key = sq_auth_key,
	.secret_add = sq_secret_add,
	.secret_get = sq_secret_get,
	.secret_update = sq_secret_update,
	.secret_list = sq_secret_list,
	.secret_count = sq_secret_count,
	.secret_remove_all = sq_secret_remove_all,
	.secret_remove_kind = sq_secret_remove_kind,
	.issuer_add = sq_issuer_add,
	.issuer_get = sq_issuer_get,
	.issuer_update = sq_issuer_update,
	.issuer_remove = sq_issuer_remove,
	.issuer_list = sq_issuer_list,
	.issuer_keys_clear = sq_issuer_keys_clear,
	.issuer_key_add = sq_issuer_key_add,
	.issuer_key_list = sq_issuer_key_list,
	.deny_add = sq_deny_add,
	.deny_check = sq_deny_check,
	.deny_list = sq_deny_list,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
};

int sk_store_sqlite_open(const char *path, enum sk_store_mode mode,
			 const struct sk_logger *lg, struct sk_store **out)
{
	struct sqlite_store *s;
	int r;

	*out = NULL;
	if (strlen(path) >= sizeof(s->path))
		return SK_INVALID;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SK_NOMEM;
	s->base.ops = &sqlite_ops;
	s->base.lg = lg;
	s->mode = mode;
	s->hdr_fd = -1;
	snprintf(s->path, sizeof(s->path), "%s", path);
	if ((r = db_open(s)) != SK_OK) {
		free(s);
		return r;
	}
	/* after creation the handle behaves as an ordinary writer */
	if (s->mode == SK_STORE_CREATE)
		s->mode = SK_STORE_WRITE;
	*out = &s->base;
	return SK_OK;
}

/* test support: build a store at an older schema version */
int sk_store_sqlite_create_at(const char *path, int version)
{
	sqlite3 *db;
	char sql[64];
	int v, rc;

	if (version < 0 || version > SK_SCHEMA_VERSION)
		return SK_INVALID;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return SK_UNAVAIL;
	}
	rc = SQLITE_OK;
	for (v = 0; v < version && rc == SQLITE_OK; v++) {
		rc = sqlite3_exec(db, migrations[v], NULL, NULL, NULL);
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	}
	sqlite3_close(db);
	chmod(path, 0640);
	return rc == SQLITE_OK ? SK_OK : SK_UNAVAIL;
}
