/* saslkey fuzzing - the real plugin through the real libsasl2 */
#define _GNU_SOURCE		/* memmem */
#include "saslfx.h"
#include "fuzz.h"

#include "cram.h"
#include "jwk.h"
#include "key.h"
#include "seal.h"
#include "status.h"
#include "store.h"

#include <errno.h>
#include <ftw.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sasl/sasl.h>

/* libsasl2 stores callbacks as int (*)(void) */
#define SKF_CB(fn) ((int (*)(void))(void (*)(void))(fn))
#define APP "skfuzz"

static char dir[PATH_MAX], plugin_dir[PATH_MAX];
static bool verbose;
static int syslog_fd = -1;	/* the plugin's audit syslog lines arrive here */

/* the fixture must be complete: a fuzzer on half a fixture finds nothing */
#define FX(cond)                                                          \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "fuzz fixture failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);               \
			abort();                                          \
		}                                                         \
	} while (0)

static const char *path(const char *name)
{
	static char bufs[4][PATH_MAX];
	static unsigned next;
	char *b = bufs[next++ % 4];

	snprintf(b, PATH_MAX, "%s/%s", dir, name);
	return b;
}

/* ---- the store ---- */

static int64_t add_account(struct sk_store *st, const char *name,
			   const char *allow, bool disabled)
{
	struct sk_account a = { .disabled = disabled, .created = 1 };

	snprintf(a.name, sizeof(a.name), "%s", name);
	snprintf(a.allow, sizeof(a.allow), "%s", allow);
	FX(st->ops->account_add(st, &a) == SK_OK);
	return a.id;
}

static void add_key(struct sk_store *st, const struct sk_master_key *mk,
		    const char *text, int64_t account, const char *services,
		    const char *allow, int64_t expires, int64_t revoked,
		    bool cram)
{
	struct sk_keyrec k = { .account_id = account, .created = 1,
			       .expires = expires, .revoked = revoked };
	struct sk_key key;

	FX(sk_key_parse(text, strlen(text), &key) == SK_KEY_OK);
	memcpy(k.id, key.id, sizeof(k.id));
	FX(sk_key_hash(&key, k.hash) == SK_OK);
	snprintf(k.services, sizeof(k.services), "%s", services);
	snprintf(k.allow, sizeof(k.allow), "%s", allow);
	if (cram)
		FX(sk_cram_seal(mk, true, k.id, text, strlen(text), k.cram,
				sizeof(k.cram), &k.cram_len) == SK_OK);
	FX(st->ops->key_add(st, &k) == SK_OK);
	sk_key_wipe(&key);
}

static void add_issuer(struct sk_store *st)
{
	static const char *const names[] = {
		"RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
		"ES256", "ES384", "ES512", "EdDSA",
	};
	enum sk_jwk_alg algs[SK_N_ELEMENTS(names)];
	struct sk_issuer is = { .leeway = SKF_LEEWAY, .created = 1 };
	struct sk_jwk *keys = NULL;
	size_t nkeys = 0, i, l;
	char err[256];

	for (i = 0; i < SK_N_ELEMENTS(names); i++) {
		algs[i] = sk_jwk_alg_parse(names[i], strlen(names[i]));
		l = strlen(is.algs);
		snprintf(is.algs + l, sizeof(is.algs) - l, "%s%s", l ? " " : "",
			 names[i]);
	}
	snprintf(is.name, sizeof(is.name), "fuzz-idp");
	snprintf(is.issuer, sizeof(is.issuer), "%s", SKF_ISSUER);
	snprintf(is.audience, sizeof(is.audience), "%s", SKF_AUDIENCE);
	snprintf(is.username_claim, sizeof(is.username_claim), "%s",
		 SKF_USER_CLAIM);
	snprintf(is.scope, sizeof(is.scope), "%s", SKF_SCOPE);
	snprintf(is.openid_configuration, sizeof(is.openid_configuration),
		 "https://idp.example.com/realms/mail/.well-known/"
		 "openid-configuration");
	FX(sk_jwks_import(skf_jwks, strlen(skf_jwks), algs,
			  SK_N_ELEMENTS(algs), &keys, &nkeys, err,
			  sizeof(err)) == SK_OK);
	FX(st->ops->issuer_add(st, &is) == SK_OK);
	for (i = 0; i < nkeys; i++) {
		struct sk_issuer_key k = { .issuer_id = is.id };

		snprintf(k.kid, sizeof(k.kid), "%s", keys[i].kid);
		snprintf(k.alg, sizeof(k.alg), "%s",
			 sk_jwk_alg_name(keys[i].alg));
		snprintf(k.jwk, sizeof(k.jwk), "%s", keys[i].json);
		FX(st->ops->issuer_key_add(st, &k) == SK_OK);
	}
	sk_jwks_free(keys, nkeys);
	/* a revoked token id, so the deny-list lookup runs with fuzz jtis */
	FX(st->ops->deny_add(st, is.id, SK_DENY_JTI, "revoked-jti", 1) == SK_OK);
}

static void make_store(void)
{
	struct sk_store *st = NULL;
	struct sk_master_key mk;
	struct sk_secret sec = { .created = 1 };
	unsigned char fpr[SK_MASTER_FPR_LEN];
	char err[256];
	int64_t acme, locked, open;

	FX(sk_store_open(path("keys.db"), SK_STORE_CREATE, NULL, &st) == SK_OK);
	FX(sk_master_key_create(path("master.key"), err, sizeof(err)) ==
	   SK_OK);
	FX(sk_master_key_load(path("master.key"), &mk, err, sizeof(err)) ==
	   SK_OK);
	FX(sk_master_key_fingerprint(&mk, fpr) == SK_OK);
	FX(st->ops->meta_set(st, SK_META_MASTER_FPR, fpr, sizeof(fpr)) ==
	   SK_OK);

	acme = add_account(st, "acme", "127.0.0.0/8 2001:db8::/32", false);
	locked = add_account(st, "locked", "", true);
	open = add_account(st, "open", "", false);
	add_account(st, SKF_OAUTH_USER, "127.0.0.0/8 ::1/128", false);

	add_key(st, &mk, SKF_KEY_ACME, acme, "smtp", "", 0, 0, true);
	add_key(st, &mk, SKF_KEY_REVOKED, acme, "smtp imap", "", 0, 1, true);
	add_key(st, &mk, SKF_KEY_EXPIRED, acme, "smtp", "", 1, 0, false);
	add_key(st, &mk, SKF_KEY_LOCKED, locked, "smtp", "", 0, 0, false);
	add_key(st, &mk, SKF_KEY_IMAP, open, "imap", "127.0.0.1/32 ::/0", 0,
		0, true);

	/* an account secret for CRAM-MD5 by account name */
	sec.account_id = acme;
	snprintf(sec.id, sizeof(sec.id), "FuzzCramSec1");
	FX(sk_cram_seal(&mk, false, sec.id, SKF_CRAM_SECRET,
			strlen(SKF_CRAM_SECRET), sec.cram, sizeof(sec.cram),
			&sec.cram_len) == SK_OK);
	FX(st->ops->secret_add(st, &sec) == SK_OK);

	add_issuer(st);
	sk_master_key_wipe(&mk);
	sk_store_close(st);
}

/* ---- libsasl2 ---- */

static int getpath(void *ctx, const char **p)
{
	(void)ctx;
	*p = plugin_dir;
	return SASL_OK;
}

static int getconfpath(void *ctx, char **p)
{
	(void)ctx;
	*p = dir;
	return SASL_OK;
}

/*
 * The fixture's secrets: each API key's secret and the valid token's
 * signature.  None may reach a log line, an audit event or a syslog line,
 * whatever the client sent where (DESIGN: "No secret, token or password
 * ever reaches a log or an audit event").  A key is looked for as
 * "_<id>_" and the first character of its secret: typed into a user
 * field, a key is recognisable by that shape and only "<prefix>_<id>_"
 * may be logged (sk_key_loggable_len); 32 bytes of secret on their own,
 * or a CRAM-MD5 secret, typed as a user name are just a name.  (The
 * signature does not fit in any field that is logged.)
 */
static bool has_secret(const char *s, size_t n)
{
	static const char *const keys[] = {
		SKF_KEY_ACME, SKF_KEY_REVOKED, SKF_KEY_EXPIRED, SKF_KEY_LOCKED,
		SKF_KEY_IMAP,
	};
	const char *sig = strrchr(skf_good_token, '.');
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(keys); i++)
		if (memmem(s, n, strchr(keys[i], '_'), SK_KEY_ID_LEN + 3))
			return true;
	return sig != NULL && memmem(s, n, sig + 1, strlen(sig + 1));
}

static int log_cb(void *ctx, int level, const char *msg)
{
	(void)ctx;
	if (verbose)
		fprintf(stderr, "sasl[%d]: %s\n", level, msg);
	SKF_CHECK(!has_secret(msg, strlen(msg)));
	return SASL_OK;
}

static int rm_one(const char *p, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void cleanup(void)
{
	sasl_done();
	if (syslog_fd >= 0)
		close(syslog_fd);
	if (dir[0] != '\0' && getenv("SKF_KEEP") == NULL)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void skf_sasl_init(void)
{
	static sasl_callback_t cbs[] = {
		{ SASL_CB_GETPATH, SKF_CB(getpath), NULL },
		{ SASL_CB_GETCONFPATH, SKF_CB(getconfpath), NULL },
		{ SASL_CB_LOG, SKF_CB(log_cb), NULL },
		{ SASL_CB_LIST_END, NULL, NULL },
	};
	static const char *const mechs[] = {
		"PLAIN", "LOGIN", "CRAM-MD5", "OAUTHBEARER", "XOAUTH2",
	};
	const char *tmp = getenv("TMPDIR"), *env = getenv("SK_PLUGIN_DIR");
	const char *list = NULL;
	char exe[PATH_MAX];
	ssize_t n;
	size_t i;
	FILE *f;

	verbose = getenv("SKF_VERBOSE") != NULL;
	snprintf(dir, sizeof(dir), "%s/skfuzz.XXXXXX", tmp ? tmp : "/tmp");
	FX(mkdtemp(dir) != NULL);
	if (env != NULL && env[0] != '\0') {
		snprintf(plugin_dir, sizeof(plugin_dir), "%s", env);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		FX(n > 0);
		exe[n] = '\0';
		snprintf(plugin_dir, sizeof(plugin_dir), "%s/plugin",
			 dirname(exe));
	}
	make_store();
	{
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		FX(strlen(path("log.sock")) < sizeof(sun.sun_path));
		memcpy(sun.sun_path, path("log.sock"), strlen(path("log.sock")));
		syslog_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC |
					    SOCK_NONBLOCK, 0);
		FX(syslog_fd >= 0 && bind(syslog_fd, (struct sockaddr *)&sun,
					  sizeof(sun)) == 0);
	}

	f = fopen(path(APP ".conf"), "w");
	FX(f != NULL);
	/* the audit file is emptied before each exchange, read after it */
	fprintf(f, "saslkey_db: %s\nsaslkey_audit_file: %s\n"
		   "saslkey_audit_syslog: yes\nsaslkey_audit_syslog_socket: %s\n",
		 path("keys.db"), path("audit.json"), path("log.sock"));
	FX(fclose(f) == 0);

	FX(sasl_server_init(cbs, APP) == SASL_OK);
	atexit(cleanup);
	{
		sasl_conn_t *c = NULL;

		FX(sasl_server_new("smtp", "mx.example", NULL, NULL, NULL, NULL,
				   0, &c) == SASL_OK);
		FX(sasl_listmech(c, NULL, " ", " ", "", &list, NULL, NULL) ==
		   SASL_OK);
		for (i = 0; i < SK_N_ELEMENTS(mechs); i++)
			if (strstr(list, mechs[i]) == NULL) {
				fprintf(stderr, "fuzz fixture: plugin in %s does "
					"not serve %s (mechanisms: %s)\n",
					plugin_dir, mechs[i], list);
				abort();
			}
		sasl_dispose(&c);
	}
}

/* ---- one exchange ---- */

static const char *const remotes[8] = {
	"127.0.0.1;40000",	/* inside acme's allow-list */
	"203.0.113.9;1234",	/* outside it */
	"2001:db8::7;5",	/* inside, IPv6 */
	"::ffff:127.0.0.1;2",	/* v4-mapped: counts as 127.0.0.1 */
	NULL,			/* the host gave no address */
	"::1;65535",
	"127.0.0.1",		/* no port */
	"192.0.2.1;0",
};

static bool has(const uint8_t *d, size_t n, const char *s)
{
	return memmem(d, n, s, strlen(s)) != NULL;
}

/* the signature segment of the long-lived token in corpus/fuzz_oauthbearer */
static bool has_good_token(const uint8_t *d, size_t n)
{
	const char *sig = strrchr(skf_good_token, '.');

	return sig != NULL && has(d, n, sig + 1);
}

/*
 * Where this exchange's events start.  The file is emptied only now and
 * then: truncating it for every input costs more than the exchange (ext4
 * discards the freed blocks synchronously).
 */
static off_t audit_off;

static void audit_mark(void)
{
	struct stat sb;

	if (stat(path("audit.json"), &sb) != 0) {
		FX(errno == ENOENT);
		audit_off = 0;
	} else if (sb.st_size > 1024 * 1024) {
		FX(truncate(path("audit.json"), 0) == 0);
		audit_off = 0;
	} else {
		audit_off = sb.st_size;
	}
}

/*
 * The attempt's audit: at most one event (one per attempt; none if the
 * exchange did not finish or libsasl2 refused it before our plugin saw
 * it), exactly one on success; each a JSON object whose outcome is the
 * result's, and without any of the fixture's secrets.
 */
static void check_audit(int rc)
{
	char buf[65536];
	size_t n, lines = 0;
	const char *p, *nl;
	FILE *f = fopen(path("audit.json"), "r");

	SKF_CHECK(f != NULL && fseeko(f, audit_off, SEEK_SET) == 0);
	n = fread(buf, 1, sizeof(buf), f);
	SKF_CHECK(n < sizeof(buf) && !ferror(f));
	fclose(f);
	SKF_CHECK(!has_secret(buf, n));
	for (p = buf; p < buf + n; p = nl + 1) {
		json_t *ev, *outcome;

		nl = memchr(p, '\n', (size_t)(buf + n - p));
		SKF_CHECK(nl != NULL);		/* whole lines only */
		ev = json_loadb(p, (size_t)(nl - p), JSON_REJECT_DUPLICATES,
				NULL);
		SKF_CHECK(json_is_object(ev));
		outcome = json_object_get(json_object_get(ev, "event"),
					  "outcome");
		SKF_CHECK(json_is_string(outcome));
		SKF_CHECK((strcmp(json_string_value(outcome), "success") == 0) ==
			  (rc == SASL_OK));
		json_decref(ev);
		lines++;
	}
	SKF_CHECK(lines <= 1 && (rc != SASL_OK || lines == 1));

	/* the same event as one syslog line: printable, one line, no secret */
	for (;;) {
		ssize_t r = recv(syslog_fd, buf, sizeof(buf), MSG_DONTWAIT);
		ssize_t i;

		if (r < 0) {
			SKF_CHECK(errno == EAGAIN || errno == EWOULDBLOCK);
			break;
		}
		SKF_CHECK(r > 0 && !has_secret(buf, (size_t)r));
		for (i = 0; i < r; i++)
			SKF_CHECK(buf[i] >= 0x20 && buf[i] <= 0x7e);
		SKF_CHECK(lines-- > 0);
	}
	SKF_CHECK(lines == 0);
}

static void check_outcome(const char *mech, sasl_conn_t *c, int rc,
			  const uint8_t *data, size_t size)
{
	const void *user = NULL;

	/*
	 * Our plugin never reports an internal error for client input: the
	 * store, the issuer and the master key are all there.
	 */
	if (rc == SASL_UNAVAIL || rc == SASL_FAIL || rc == SASL_NOMEM ||
	    rc == SASL_TRYAGAIN) {
		fprintf(stderr, "%s: unexpected result %d (%s)\n", mech, rc,
			sasl_errdetail(c));
		abort();
	}
	if (rc != SASL_OK)
		return;
	SKF_CHECK(sasl_getprop(c, SASL_USERNAME, &user) == SASL_OK &&
		  user != NULL);
	if (verbose)
		fprintf(stderr, "%s: success as %s\n", mech,
			(const char *)user);
	if (strcmp(mech, "PLAIN") == 0 || strcmp(mech, "LOGIN") == 0) {
		SKF_CHECK((strcmp(user, "acme") == 0 &&
			   has(data, size, SKF_KEY_ACME)) ||
			  (strcmp(user, "open") == 0 &&
			   has(data, size, SKF_KEY_IMAP)));
	} else if (strcmp(mech, "OAUTHBEARER") == 0 ||
		   strcmp(mech, "XOAUTH2") == 0) {
		SKF_CHECK(strcmp(user, SKF_OAUTH_USER) == 0 &&
			  has_good_token(data, size));
	} else {
		/* CRAM-MD5: the digest of a random challenge cannot be known */
		SKF_CHECK(!"CRAM-MD5 succeeded without the challenge");
	}
}

void skf_sasl_run(const char *mech, const uint8_t *data, size_t size)
{
	char *msg[SKF_MAX_MSGS];
	size_t len[SKF_MAX_MSGS], nmsg = 0, i = 0;
	const uint8_t *p, *end = data + size, *sep;
	const char *out = NULL;
	unsigned outlen = 0, flags;
	sasl_conn_t *c = NULL;
	int rc;

	if (size == 0)
		return;
	flags = data[0];
	for (p = data + 1; nmsg < SKF_MAX_MSGS; p = sep + 2) {
		sep = memmem(p, (size_t)(end - p), SKF_SEP, 2);
		len[nmsg] = sep ? (size_t)(sep - p) : (size_t)(end - p);
		/* exactly its size: ASan sees a read past the message */
		msg[nmsg] = malloc(len[nmsg] ? len[nmsg] : 1);
		FX(msg[nmsg] != NULL);
		memcpy(msg[nmsg], p, len[nmsg]);
		nmsg++;
		if (sep == NULL)
			break;
	}

	audit_mark();
	rc = sasl_server_new(flags & 16 ? "imap" : "smtp", "mx.example", NULL,
			     "127.0.0.1;25", remotes[(flags >> 1) & 7], NULL, 0,
			     &c);
	FX(rc == SASL_OK);
	if (flags & 1)
		rc = sasl_server_start(c, mech, NULL, 0, &out, &outlen);
	else
		rc = sasl_server_start(c, mech, msg[0], (unsigned)len[0], &out,
				       &outlen), i = 1;
	while (rc == SASL_CONTINUE && i < nmsg) {
		rc = sasl_server_step(c, msg[i], (unsigned)len[i], &out,
				      &outlen);
		i++;
	}
	check_outcome(mech, c, rc, data, size);
	sasl_dispose(&c);
	check_audit(rc);
	for (i = 0; i < nmsg; i++)
		free(msg[i]);
}
