/* saslkey tests - drive the real libsasl2 with the real stock plugins */
#include "harness.h"
#include "scram.h"
#include "cram.h"
#include "seal.h"
#include "sktest.h"
#include "secret.h"
#include "status.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* libsasl2 stores callbacks as int (*)(void); void (*)(void) matches all */
#define SKH_CB(fn) ((int (*)(void))(void (*)(void))(fn))

static char server_path[1024], client_path[512];

static char use_db[512], use_audit[512];

const char *skh_db(void)
{
	return use_db[0] ? use_db : sk_test_path("keys.db");
}

const char *skh_audit(void)
{
	return use_audit[0] ? use_audit : sk_test_path("audit.json");
}

void skh_use(const char *db, const char *audit)
{
	snprintf(use_db, sizeof(use_db), "%s", db ? db : "");
	snprintf(use_audit, sizeof(use_audit), "%s", audit ? audit : "");
}

/* does an extra "key: value" line set this option? */
static bool extra_sets(const char *const *extra, const char *key)
{
	size_t n = strlen(key);

	for (; extra != NULL && *extra != NULL; extra++)
		if (strncmp(*extra, key, n) == 0 && (*extra)[n] == ':')
			return true;
	return false;
}

static int getpath_server(void *ctx, const char **path)
{
	(void)ctx;
	*path = server_path;
	return SASL_OK;
}

static int getpath_client(void *ctx, const char **path)
{
	(void)ctx;
	*path = client_path;
	return SASL_OK;
}

static int getconfpath(void *ctx, char **path)
{
	(void)ctx;
	*path = (char *)sk_test_tmpdir();
	return SASL_OK;
}

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : dflt;
}

static bool stock_first;

int skh_init_stock_first(const char *const *extra)
{
	int rc;

	stock_first = true;
	rc = skh_init(extra);
	stock_first = false;
	return rc;
}

int skh_init(const char *const *extra)
{
	static sasl_callback_t scb[] = {
		{ SASL_CB_GETPATH, SKH_CB(getpath_server), NULL },
		{ SASL_CB_GETCONFPATH, SKH_CB(getconfpath), NULL },
		{ SASL_CB_LIST_END, NULL, NULL },
	};
	static sasl_callback_t ccb[] = {
		{ SASL_CB_GETPATH, SKH_CB(getpath_client), NULL },
		{ SASL_CB_LIST_END, NULL, NULL },
	};
	FILE *f;
	int rc;

	snprintf(server_path, sizeof(server_path), "%s:%s",
		 env_or(stock_first ? "SK_STOCK_PLUGIN_DIR" : "SK_PLUGIN_DIR",
			stock_first ? "/usr/lib/x86_64-linux-gnu/sasl2" :
				      "build/plugin"),
		 env_or(stock_first ? "SK_PLUGIN_DIR" : "SK_STOCK_PLUGIN_DIR",
			stock_first ? "build/plugin" :
				      "/usr/lib/x86_64-linux-gnu/sasl2"));
	snprintf(client_path, sizeof(client_path), "%s",
		 env_or("SK_STOCK_PLUGIN_DIR", "/usr/lib/x86_64-linux-gnu/sasl2"));
	f = fopen(sk_test_path(SKH_APP ".conf"), "w");
	if (f == NULL)
		return -1;
	/* libsasl2 takes an option's first line: extra lines override */
	if (!extra_sets(extra, "saslkey_db"))
		fprintf(f, "saslkey_db: %s\n", skh_db());
	if (!extra_sets(extra, "saslkey_audit_file"))
		fprintf(f, "saslkey_audit_file: %s\n", skh_audit());
	if (!extra_sets(extra, "saslkey_audit_syslog"))
		fprintf(f, "saslkey_audit_syslog: no\n");
	for (; extra != NULL && *extra != NULL; extra++)
		fprintf(f, "%s\n", *extra);
	fclose(f);
	rc = sasl_server_init(scb, SKH_APP);
	if (rc == SASL_OK)
		rc = sasl_client_init(ccb);
	return rc == SASL_OK ? 0 : -1;
}

int skh_done(void)
{
	sasl_done();
	return 0;
}

/* ---- store fixtures (the real store API, as the CLI uses it) ---- */

/* fixtures run in suite set-up, outside any test: a failure is fatal */
#define FX(cond)                                                        \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fixture failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);             \
			exit(2);                                        \
		}                                                       \
	} while (0)

static struct sk_store *open_write(void)
{
	struct sk_store *st = NULL;

	FX(sk_store_open(skh_db(), SK_STORE_WRITE, NULL, &st) ==
			SK_OK);
	return st;
}

const char *skh_master_key(void)
{
	return sk_test_path("master.key");
}

static void load_mk(struct sk_master_key *mk)
{
	char err[256];

	FX(sk_master_key_load(skh_master_key(), mk, err, sizeof(err)) == SK_OK);
}

/* a fresh, empty store and a fresh master key recorded in it */
void skh_store_reset(void)
{
	struct sk_store *st = NULL;
	struct sk_master_key mk;
	unsigned char fpr[SK_MASTER_FPR_LEN];
	char err[256];

	unlink(skh_db());
	unlink(skh_master_key());
	FX(sk_store_open(skh_db(), SK_STORE_CREATE, NULL, &st) == SK_OK);
	FX(sk_master_key_create(skh_master_key(), err, sizeof(err)) == SK_OK);
	load_mk(&mk);
	FX(sk_master_key_fingerprint(&mk, fpr) == SK_OK);
	FX(st->ops->meta_set(st, SK_META_MASTER_FPR, fpr, sizeof(fpr)) == SK_OK);
	sk_master_key_wipe(&mk);
	sk_store_close(st);
}

void skh_account(const char *name, const char *allow, bool disabled)
{
	struct sk_store *st = open_write();
	struct sk_account a = { .disabled = disabled };

	snprintf(a.name, sizeof(a.name), "%s", name);
	snprintf(a.allow, sizeof(a.allow), "%s", allow ? allow : "");
	a.created = time(NULL);
	FX(st->ops->account_add(st, &a) == SK_OK);
	sk_store_close(st);
}

static void add_key(const char *account, const char *services,
		    const char *allow, int64_t expires, int64_t revoked,
		    bool cram, bool scram, struct skh_key *out);

void skh_key_scram(const char *account, const char *services,
		   const char *allow, int64_t expires, int64_t revoked,
		   struct skh_key *out)
{
	add_key(account, services, allow, expires, revoked, false, true, out);
}

void skh_key(const char *account, const char *services, const char *allow,
	     int64_t expires, int64_t revoked, struct skh_key *out)
{
	add_key(account, services, allow, expires, revoked, false, false, out);
}

void skh_key_cram(const char *account, const char *services,
		  const char *allow, int64_t expires, int64_t revoked,
		  struct skh_key *out)
{
	add_key(account, services, allow, expires, revoked, true, false, out);
}

void skh_cram_secret(const char *account, const char *secret,
		     int64_t expires, int64_t revoked, char id_out[13])
{
	struct sk_store *st = open_write();
	struct sk_master_key mk;
	struct sk_account a;
	struct sk_secret x = { .expires = expires, .revoked = revoked };

	FX(st->ops->account_get(st, account, &a) == SK_OK);
	load_mk(&mk);
	x.account_id = a.id;
	x.created = time(NULL);
	FX(sk_random_base62(x.id, SK_KEY_ID_LEN) == SK_OK);
	FX(sk_cram_seal(&mk, false, x.id, secret, strlen(secret), x.cram,
			sizeof(x.cram), &x.cram_len) == SK_OK);
	FX(st->ops->secret_add(st, &x) == SK_OK);
	sk_test_record_secret(secret, strlen(secret));
	memcpy(id_out, x.id, SK_KEY_ID_LEN + 1);
	sk_master_key_wipe(&mk);
	sk_store_close(st);
}

static void add_key(const char *account, const char *services,
		    const char *allow, int64_t expires, int64_t revoked,
		    bool cram, bool scram, struct skh_key *out)
{
	struct sk_store *st = open_write();
	struct sk_account a;
	struct sk_keyrec k = { .expires = expires, .revoked = revoked };
	struct sk_key key;

	FX(st->ops->account_get(st, account, &a) == SK_OK);
	FX(sk_key_generate("sk", &key) == SK_OK);
	memcpy(k.id, key.id, sizeof(k.id));
	FX(sk_key_hash(&key, k.hash) == SK_OK);
	k.account_id = a.id;
	snprintf(k.services, sizeof(k.services), "%s",
		 services ? services : "smtp");
	snprintf(k.allow, sizeof(k.allow), "%s", allow ? allow : "");
	k.created = time(NULL);
	sk_key_format(&key, out->text, sizeof(out->text));
	sk_test_record_secret(out->text, strlen(out->text));
	sk_test_record_secret(key.secret, strlen(key.secret));
	if (cram) {
		struct sk_master_key mk;

		load_mk(&mk);
		FX(sk_cram_seal(&mk, true, k.id, out->text, strlen(out->text),
				k.cram, sizeof(k.cram), &k.cram_len) == SK_OK);
		sk_master_key_wipe(&mk);
	}
	if (scram) {
		FX(sk_scram_verifier(SK_SCRAM_SHA1, out->text, strlen(out->text),
				     SKH_SCRAM_ITERATIONS, k.scram_sha1,
				     sizeof(k.scram_sha1)) == SK_OK);
		FX(sk_scram_verifier(SK_SCRAM_SHA256, out->text,
				     strlen(out->text), SKH_SCRAM_ITERATIONS,
				     k.scram_sha256,
				     sizeof(k.scram_sha256)) == SK_OK);
	}
	FX(st->ops->key_add(st, &k) == SK_OK);
	memcpy(out->id, key.id, sizeof(out->id));
	sk_key_wipe(&key);
	sk_store_close(st);
}

/* ---- exchanges ---- */

static int cb_simple(void *ctx, int id, const char **result, unsigned *len)
{
	const struct skh_auth *a = ctx;
	const char *v = NULL;

	switch (id) {
	case SASL_CB_AUTHNAME:
		v = a->authid;
		break;
	case SASL_CB_USER:
		v = a->authzid ? a->authzid : "";
		break;
	default:
		return SASL_BADPARAM;
	}
	*result = v;
	if (len != NULL)
		*len = (unsigned)strlen(v);
	return SASL_OK;
}

static int cb_pass(sasl_conn_t *conn, void *ctx, int id, sasl_secret_t **psecret)
{
	static union {
		sasl_secret_t s;
		char buf[sizeof(sasl_secret_t) + 1024];
	} sec;
	const struct skh_auth *a = ctx;
	size_t n = strlen(a->pass);

	(void)conn;
	if (id != SASL_CB_PASS || n >= 1024)
		return SASL_BADPARAM;
	sec.s.len = n;
	memcpy(sec.s.data, a->pass, n + 1);
	*psecret = &sec.s;
	return SASL_OK;
}

static void fill_result(sasl_conn_t *sc, int rc, struct skh_result *res)
{
	const void *p = NULL;

	res->rc = rc;
	res->user[0] = res->authsource[0] = '\0';
	if (rc == SASL_OK && sasl_getprop(sc, SASL_USERNAME, &p) == SASL_OK &&
	    p != NULL)
		snprintf(res->user, sizeof(res->user), "%s", (const char *)p);
	p = NULL;
	if (sasl_getprop(sc, SASL_AUTHSOURCE, &p) == SASL_OK && p != NULL)
		snprintf(res->authsource, sizeof(res->authsource), "%s",
			 (const char *)p);
}

int skh_run(const struct skh_auth *a, struct skh_result *res)
{
	sasl_callback_t ccb[] = {
		{ SASL_CB_AUTHNAME, SKH_CB(cb_simple), (void *)a },
		{ SASL_CB_USER, SKH_CB(cb_simple), (void *)a },
		{ SASL_CB_PASS, SKH_CB(cb_pass), (void *)a },
		{ SASL_CB_LIST_END, NULL, NULL },
	};
	const char *remote = a->no_remote ? NULL :
			     a->remote ? a->remote : SKH_DEFAULT_REMOTE;
	const char *service = a->service ? a->service : "smtp";
	sasl_conn_t *sc = NULL, *cc = NULL;
	const char *cout = NULL, *sout = NULL, *chosen = NULL;
	unsigned coutlen = 0, soutlen = 0;
	int rc, crc;

	memset(res, 0, sizeof(*res));
	/* whatever a test sends as a password must never be logged */
	sk_test_record_secret(a->pass, strlen(a->pass));
	rc = sasl_server_new(service, SKH_FQDN, NULL, "127.0.0.1;25", remote,
			     NULL, 0, &sc);
	if (rc != SASL_OK)
		return res->rc = rc;
	crc = sasl_client_new(service, SKH_FQDN, "127.0.0.1;40000",
			      "127.0.0.1;25", ccb, 0, &cc);
	if (crc == SASL_OK)
		crc = sasl_client_start(cc, a->mech, NULL, &cout, &coutlen,
					&chosen);
	if (crc != SASL_OK && crc != SASL_CONTINUE) {
		sasl_dispose(&sc);
		sasl_dispose(&cc);
		return res->rc = 1000 + crc;	/* client side failed */
	}
	rc = sasl_server_start(sc, a->mech, cout, coutlen, &sout, &soutlen);
	res->steps = 1;
	while (rc == SASL_CONTINUE && res->steps < 10) {
		crc = sasl_client_step(cc, sout, soutlen, NULL, &cout, &coutlen);
		if (crc != SASL_OK && crc != SASL_CONTINUE) {
			rc = 1000 + crc;
			break;
		}
		rc = sasl_server_step(sc, cout, coutlen, &sout, &soutlen);
		res->steps++;
	}
	fill_result(sc, rc, res);
	sasl_dispose(&cc);
	sasl_dispose(&sc);
	return rc;
}

int skh_raw(const char *mech, const struct skh_msg *msgs, size_t n,
	    const char *remote, struct skh_result *res, char *lastchal,
	    size_t chalcap, size_t *chal_len)
{
	sasl_conn_t *sc = NULL;
	const char *sout = NULL;
	unsigned soutlen = 0;
	size_t i;
	int rc;

	memset(res, 0, sizeof(*res));
	if (chal_len != NULL)
		*chal_len = 0;
	rc = sasl_server_new("smtp", SKH_FQDN, NULL, "127.0.0.1;25",
			     remote ? remote : SKH_DEFAULT_REMOTE, NULL, 0, &sc);
	if (rc != SASL_OK)
		return res->rc = rc;
	rc = sasl_server_start(sc, mech, n == 0 || msgs[0].absent ? NULL :
					  msgs[0].data,
			       n == 0 || msgs[0].absent ? 0 :
							  (unsigned)msgs[0].len,
			       &sout, &soutlen);
	res->steps = 1;
	for (i = 1; i < n && rc == SASL_CONTINUE; i++) {
		if (lastchal != NULL && sout != NULL && soutlen < chalcap) {
			memcpy(lastchal, sout, soutlen);
			lastchal[soutlen] = '\0';
			if (chal_len != NULL)
				*chal_len = soutlen;
		}
		rc = sasl_server_step(sc, msgs[i].data, (unsigned)msgs[i].len,
				      &sout, &soutlen);
		res->steps++;
	}
	if (rc == SASL_CONTINUE && lastchal != NULL && sout != NULL &&
	    soutlen < chalcap) {
		memcpy(lastchal, sout, soutlen);
		lastchal[soutlen] = '\0';
		if (chal_len != NULL)
			*chal_len = soutlen;
	}
	fill_result(sc, rc, res);
	sasl_dispose(&sc);
	return rc;
}

/* ---- audit ---- */

size_t skh_audit_count(void)
{
	return sk_test_count_lines(skh_audit());
}

json_t *skh_audit_last(void)
{
	char *line = sk_test_last_line(skh_audit());
	json_t *j;

	if (line == NULL)
		return NULL;
	j = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
	free(line);
	return j;
}

const char *skh_last_reason(void)
{
	static char buf[64];
	json_t *j = skh_audit_last();
	const char *r = NULL;

	buf[0] = '\0';
	if (j != NULL &&
	    json_unpack(j, "{s:{s:s}}", "event", "reason", &r) == 0)
		snprintf(buf, sizeof(buf), "%s", r);
	json_decref(j);
	return buf;
}
