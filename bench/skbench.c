/* saslkey bench - complete SASL authentications in one process
 *
 * Server and client side of libsasl2 run in this process, in memory: the
 * server loads whatever plugin path and config it is given (saslkey's
 * libsaslkey.so, the stock plugins, or both), the client side uses the
 * stock client plugins (PLAIN, LOGIN, CRAM-MD5, SCRAM-*, ANONYMOUS,
 * EXTERNAL), and OAUTHBEARER / XOAUTH2 are fed raw client messages built
 * before the clock starts.
 *
 * What counts as server-side work: sasl_server_new, sasl_server_start,
 * every sasl_server_step and the server's sasl_dispose - a whole server
 * conversation, connection set-up and tear-down included, as an MTA pays
 * it per AUTH.  Under callgrind (--collect-atstart=no) collection is
 * toggled on around exactly those calls (client requests, the dynamic
 * equivalent of --toggle-collect on them), for the measured iterations
 * only, so the "totals" of the output file divided by --n is the server's
 * instructions per authentication; client work, message building and the
 * warm-up (first store open, schema parse, issuer import) are excluded.
 *
 * This program links only libsasl2 and libcrypto - as an MTA does - so
 * loading saslkey's own dependencies is part of the cold-start figure.
 *
 * It never prints a credential: secrets and tokens come from files.
 *
 * usage: skbench [options]            (see usage() below)
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sasl/sasl.h>

#include "callgrind.h"

#define APP	"skbench"
#define FQDN	"mx.example"
#define LOCAL	"127.0.0.1;25"

/* libsasl2 stores callbacks as int (*)(void) */
#define CB(fn) ((int (*)(void))(void (*)(void))(fn))

static struct {
	const char *server_path, *client_path, *conf_dir, *mech, *service;
	const char *creds, *tokens, *user, *remote, *pem, *alg;
	long n, warmup;
	int expect;		/* 1 ok, 0 fail, -1 do not care */
	bool same, fresh, cold, verify, hash;
} opt = {
	.service = "smtp", .remote = "127.0.0.1;40000", .n = 1000,
	.warmup = 10, .expect = 1,
};

/* ---- measurement ---- */

static bool measuring;
static int64_t srv_ns;
static struct timespec ts_in;

static int64_t ns_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static inline void srv_enter(void)
{
	if (!measuring)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts_in);
	CALLGRIND_TOGGLE_COLLECT;
}

static inline void srv_leave(void)
{
	struct timespec t;

	if (!measuring)
		return;
	CALLGRIND_TOGGLE_COLLECT;
	clock_gettime(CLOCK_MONOTONIC, &t);
	srv_ns += (int64_t)(t.tv_sec - ts_in.tv_sec) * 1000000000 +
		  (t.tv_nsec - ts_in.tv_nsec);
}

/* ---- input ---- */

struct cred {
	char *user, *secret;	/* secret: password, key, or a raw message */
	size_t secret_len;
	unsigned char *sig;	/* verify mode: the decoded signature */
	size_t sig_len;
	size_t si_len;		/* verify mode: signing input length */
};

static struct cred *creds;
static size_t ncreds;

static void die(const char *what)
{
	fprintf(stderr, "skbench: %s\n", what);
	exit(2);
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		die("out of memory");
	return p;
}

/* lines of a file; each line "user<TAB>secret" or (tokens) "token" */
static void load_lines(const char *path, bool tokens)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, alloc = 0;
	ssize_t n;

	if (f == NULL)
		die("cannot open an input file");
	while ((n = getline(&line, &cap, f)) > 0) {
		struct cred *c;
		char *tab;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		if (ncreds == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			creds = realloc(creds, alloc * sizeof(*creds));
			if (creds == NULL)
				die("out of memory");
		}
		c = &creds[ncreds++];
		memset(c, 0, sizeof(*c));
		if (tokens) {
			c->user = NULL;
			c->secret = xstrndup(line, (size_t)n);
		} else {
			if ((tab = strchr(line, '\t')) == NULL)
				die("a credentials line has no TAB");
			c->user = xstrndup(line, (size_t)(tab - line));
			c->secret = xstrndup(tab + 1, strlen(tab + 1));
		}
		c->secret_len = strlen(c->secret);
	}
	OPENSSL_cleanse(line, cap);
	free(line);
	fclose(f);
	if (ncreds == 0)
		die("an input file is empty");
}

/* raw client messages, built before any clock runs */
static void build_bearer_messages(bool xoauth2)
{
	size_t i;

	for (i = 0; i < ncreds; i++) {
		struct cred *c = &creds[i];
		const char *u = opt.user ? opt.user : "";
		size_t cap = c->secret_len + strlen(u) + 64;
		char *m = malloc(cap);
		int len;

		if (m == NULL)
			die("out of memory");
		if (xoauth2)
			len = snprintf(m, cap, "user=%s\001auth=Bearer %s\001\001",
				       u, c->secret);
		else
			len = snprintf(m, cap, "n,%s%s,\001auth=Bearer %s\001\001",
				       u[0] ? "a=" : "", u, c->secret);
		OPENSSL_cleanse(c->secret, c->secret_len);
		free(c->secret);
		c->secret = m;
		c->secret_len = (size_t)len;
	}
}

/* ---- libsasl2 callbacks ---- */

static int cb_getpath_server(void *ctx, const char **path)
{
	(void)ctx;
	*path = opt.server_path;
	return SASL_OK;
}

static int cb_getpath_client(void *ctx, const char **path)
{
	(void)ctx;
	*path = opt.client_path;
	return SASL_OK;
}

static int cb_getconfpath(void *ctx, char **path)
{
	(void)ctx;
	*path = (char *)opt.conf_dir;
	return SASL_OK;
}

static unsigned long nlogs;

/* an MTA logs through its own logger; we only count the messages */
static int cb_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	(void)level;
	(void)msg;
	nlogs++;
	return SASL_OK;
}

static const struct cred *cur;

static int cb_simple(void *ctx, int id, const char **result, unsigned *len)
{
	const char *v;

	(void)ctx;
	switch (id) {
	case SASL_CB_AUTHNAME:
		v = cur->user;
		break;
	case SASL_CB_USER:
		v = "";
		break;
	default:
		return SASL_BADPARAM;
	}
	*result = v;
	if (len != NULL)
		*len = (unsigned)strlen(v);
	return SASL_OK;
}

static int cb_pass(sasl_conn_t *conn, void *ctx, int id,
		   sasl_secret_t **psecret)
{
	static union {
		sasl_secret_t s;
		char buf[sizeof(sasl_secret_t) + 1024];
	} sec;

	(void)conn;
	(void)ctx;
	if (id != SASL_CB_PASS || cur->secret_len >= 1024)
		return SASL_BADPARAM;
	sec.s.len = cur->secret_len;
	memcpy(sec.s.data, cur->secret, cur->secret_len + 1);
	*psecret = &sec.s;
	return SASL_OK;
}

static int init_sasl(void)
{
	static sasl_callback_t scb[] = {
		{ SASL_CB_GETPATH, CB(cb_getpath_server), NULL },
		{ SASL_CB_GETCONFPATH, CB(cb_getconfpath), NULL },
		{ SASL_CB_LOG, CB(cb_log), NULL },
		{ SASL_CB_LIST_END, NULL, NULL },
	};
	int rc;

	srv_enter();
	rc = sasl_server_init(scb, APP);
	srv_leave();
	return rc;
}

static int init_client(void)
{
	static sasl_callback_t ccb[] = {
		{ SASL_CB_GETPATH, CB(cb_getpath_client), NULL },
		{ SASL_CB_LOG, CB(cb_log), NULL },
		{ SASL_CB_LIST_END, NULL, NULL },
	};

	return sasl_client_init(ccb);
}

/* ---- one authentication ---- */

static bool is_bearer(void)
{
	return strcmp(opt.mech, "OAUTHBEARER") == 0 ||
	       strcmp(opt.mech, "XOAUTH2") == 0;
}

/* a stock client plugin against the server */
static int auth_client(const struct cred *c)
{
	static sasl_callback_t ccb[] = {
		{ SASL_CB_AUTHNAME, CB(cb_simple), NULL },
		{ SASL_CB_USER, CB(cb_simple), NULL },
		{ SASL_CB_PASS, CB(cb_pass), NULL },
		{ SASL_CB_LIST_END, NULL, NULL },
	};
	bool external = strcmp(opt.mech, "EXTERNAL") == 0;
	sasl_conn_t *sc = NULL, *cc = NULL;
	const char *cout = NULL, *sout = NULL, *chosen = NULL;
	unsigned coutlen = 0, soutlen = 0;
	int rc, crc, steps = 0;

	cur = c;
	srv_enter();
	rc = sasl_server_new(opt.service, FQDN, NULL, LOCAL, opt.remote, NULL,
			     0, &sc);
	if (rc == SASL_OK && external) {
		sasl_ssf_t ssf = 0;

		/* the TLS layer authenticated the client (e.g. a certificate) */
		rc = sasl_setprop(sc, SASL_SSF_EXTERNAL, &ssf);
		if (rc == SASL_OK)
			rc = sasl_setprop(sc, SASL_AUTH_EXTERNAL, c->user);
	}
	srv_leave();
	if (rc != SASL_OK)
		return rc;
	crc = sasl_client_new(opt.service, FQDN, opt.remote, LOCAL, ccb, 0,
			      &cc);
	if (crc == SASL_OK && external) {
		sasl_ssf_t ssf = 0;

		crc = sasl_setprop(cc, SASL_SSF_EXTERNAL, &ssf);
		if (crc == SASL_OK)
			crc = sasl_setprop(cc, SASL_AUTH_EXTERNAL, c->user);
	}
	if (crc == SASL_OK)
		crc = sasl_client_start(cc, opt.mech, NULL, &cout, &coutlen,
					&chosen);
	if (crc != SASL_OK && crc != SASL_CONTINUE) {
		rc = 1000 + crc;
		goto out;
	}
	srv_enter();
	rc = sasl_server_start(sc, opt.mech, cout, coutlen, &sout, &soutlen);
	srv_leave();
	while (rc == SASL_CONTINUE && ++steps < 10) {
		crc = sasl_client_step(cc, sout, soutlen, NULL, &cout,
				       &coutlen);
		if (crc != SASL_OK && crc != SASL_CONTINUE) {
			rc = 1000 + crc;
			break;
		}
		srv_enter();
		rc = sasl_server_step(sc, cout, coutlen, &sout, &soutlen);
		srv_leave();
	}
out:
	sasl_dispose(&cc);
	srv_enter();
	sasl_dispose(&sc);
	srv_leave();
	return rc;
}

/* raw OAUTHBEARER / XOAUTH2 messages; a refusal is answered with %x01 */
static int auth_raw(const struct cred *c)
{
	sasl_conn_t *sc = NULL;
	const char *sout = NULL;
	unsigned soutlen = 0;
	int rc;

	srv_enter();
	rc = sasl_server_new(opt.service, FQDN, NULL, LOCAL, opt.remote, NULL,
			     0, &sc);
	if (rc == SASL_OK)
		rc = sasl_server_start(sc, opt.mech, c->secret,
				       (unsigned)c->secret_len, &sout,
				       &soutlen);
	srv_leave();
	if (rc == SASL_CONTINUE) {
		srv_enter();
		rc = sasl_server_step(sc, "\001", 1, &sout, &soutlen);
		srv_leave();
	}
	srv_enter();
	sasl_dispose(&sc);
	srv_leave();
	return rc;
}

/* ---- raw OpenSSL verification of the same signatures ---- */

static int b64url_val(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '-')
		return 62;
	if (ch == '_')
		return 63;
	return -1;
}

static unsigned char *b64url_decode(const char *s, size_t n, size_t *out_len)
{
	unsigned char *out = malloc(n * 3 / 4 + 3);
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0;

	if (out == NULL)
		die("out of memory");
	for (i = 0; i < n; i++) {
		int v = b64url_val((unsigned char)s[i]);

		if (v < 0)
			die("a token is not base64url");
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	*out_len = o;
	return out;
}

/* JWS carries ECDSA as r||s; OpenSSL verifies DER (converted up front) */
static void ecdsa_to_der(struct cred *c)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	size_t half = c->sig_len / 2;
	BIGNUM *r = BN_bin2bn(c->sig, (int)half, NULL);
	BIGNUM *s = BN_bin2bn(c->sig + half, (int)half, NULL);
	unsigned char *der = NULL;
	int n;

	if (es == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0(es, r, s))
		die("ECDSA signature");
	n = i2d_ECDSA_SIG(es, &der);
	if (n <= 0)
		die("ECDSA signature");
	free(c->sig);
	c->sig = malloc((size_t)n);
	memcpy(c->sig, der, (size_t)n);
	c->sig_len = (size_t)n;
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
}

static void prepare_signatures(void)
{
	size_t i;

	for (i = 0; i < ncreds; i++) {
		struct cred *c = &creds[i];
		const char *dot = strrchr(c->secret, '.');

		if (dot == NULL)
			die("a token is not a compact JWS");
		c->si_len = (size_t)(dot - c->secret);
		c->sig = b64url_decode(dot + 1, strlen(dot + 1), &c->sig_len);
		if (strncmp(opt.alg, "ES", 2) == 0)
			ecdsa_to_der(c);
	}
}

/*
 * What any relying party must do per token once it holds the key: a
 * digest-verify context, the algorithm's parameters, hash and verify.
 */
static int raw_verify(EVP_PKEY *pk, const struct cred *c)
{
	EVP_MD_CTX *m;
	EVP_PKEY_CTX *pc = NULL;
	const char *md = strcmp(opt.alg, "EdDSA") == 0 ? NULL : "SHA256";
	int ok;

	srv_enter();
	m = EVP_MD_CTX_new();
	ok = m != NULL &&
	     EVP_DigestVerifyInit_ex(m, &pc, md, NULL, NULL, pk, NULL) == 1;
	if (ok && strcmp(opt.alg, "PS256") == 0)
		ok = EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) ==
			     1 &&
		     EVP_PKEY_CTX_set_rsa_mgf1_md_name(pc, "SHA256", NULL) == 1 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_DIGEST) ==
			     1;
	if (ok)
		ok = EVP_DigestVerify(m, c->sig, c->sig_len,
				      (const unsigned char *)c->secret,
				      c->si_len) == 1;
	EVP_MD_CTX_free(m);
	srv_leave();
	return ok ? SASL_OK : SASL_BADAUTH;
}

/*
 * SHA-256 of the whole token, as the token cache keys it (sk_sha256: a
 * pre-fetched EVP_MD and one EVP_Digest): the part of a cache hit that no
 * implementation can skip without weakening the cache key.
 */
static int raw_hash(const struct cred *c)
{
	static EVP_MD *md;
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	int ok;

	if (md == NULL && (md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		die("no SHA-256");
	srv_enter();
	ok = EVP_Digest(c->secret, c->secret_len, out, &len, md, NULL);
	srv_leave();
	return ok ? SASL_OK : SASL_FAIL;
}

/*
 * Peak and current resident set size of this process image, from
 * /proc/self/status (VmHWM, VmRSS).  Not getrusage's ru_maxrss: Linux
 * carries the parent's peak across fork + exec into it, so a harness
 * started from a large process would report that process's peak.
 */
static void rss_kb(long *hwm, long *rss)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	*hwm = *rss = -1;
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "VmHWM:", 6) == 0)
			*hwm = atol(line + 6);
		else if (strncmp(line, "VmRSS:", 6) == 0)
			*rss = atol(line + 6);
	}
	fclose(f);
}

/* ---- main ---- */

static void usage(void)
{
	fputs("usage: skbench --mech MECH --conf-dir DIR --server-path PATH\n"
	      "         [--client-path PATH] [--creds FILE | --tokens FILE\n"
	      "         [--user NAME]] [--n N] [--warmup N] [--same|--fresh]\n"
	      "         [--expect ok|fail|any] [--service S] [--remote IP;PORT]\n"
	      "         [--cold]\n"
	      "       skbench --verify --pem PUBKEY.pem --alg ALG --tokens FILE\n"
	      "         [--n N] [--warmup N] [--same|--fresh]\n"
	      "       skbench --hash --tokens FILE [--n N]   (SHA-256 of tokens)\n"
	      "Prints one line of key=value results; exit 3 when an outcome\n"
	      "differs from --expect.\n", stderr);
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	enum { O_MECH = 256, O_CONF, O_SPATH, O_CPATH, O_CREDS, O_TOKENS,
	       O_USER, O_N, O_WARM, O_SAME, O_FRESH, O_EXPECT, O_SERVICE,
	       O_REMOTE, O_COLD, O_VERIFY, O_PEM, O_ALG, O_HASH };
	static const struct option lo[] = {
		{ "mech", 1, NULL, O_MECH }, { "conf-dir", 1, NULL, O_CONF },
		{ "server-path", 1, NULL, O_SPATH },
		{ "client-path", 1, NULL, O_CPATH },
		{ "creds", 1, NULL, O_CREDS }, { "tokens", 1, NULL, O_TOKENS },
		{ "user", 1, NULL, O_USER }, { "n", 1, NULL, O_N },
		{ "warmup", 1, NULL, O_WARM }, { "same", 0, NULL, O_SAME },
		{ "fresh", 0, NULL, O_FRESH }, { "expect", 1, NULL, O_EXPECT },
		{ "service", 1, NULL, O_SERVICE },
		{ "remote", 1, NULL, O_REMOTE }, { "cold", 0, NULL, O_COLD },
		{ "verify", 0, NULL, O_VERIFY }, { "pem", 1, NULL, O_PEM },
		{ "alg", 1, NULL, O_ALG }, { "hash", 0, NULL, O_HASH },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case O_MECH: opt.mech = optarg; break;
		case O_CONF: opt.conf_dir = optarg; break;
		case O_SPATH: opt.server_path = optarg; break;
		case O_CPATH: opt.client_path = optarg; break;
		case O_CREDS: opt.creds = optarg; break;
		case O_TOKENS: opt.tokens = optarg; break;
		case O_USER: opt.user = optarg; break;
		case O_N: opt.n = atol(optarg); break;
		case O_WARM: opt.warmup = atol(optarg); break;
		case O_SAME: opt.same = true; break;
		case O_FRESH: opt.fresh = true; break;
		case O_EXPECT:
			opt.expect = strcmp(optarg, "ok") == 0 ? 1 :
				     strcmp(optarg, "fail") == 0 ? 0 : -1;
			break;
		case O_SERVICE: opt.service = optarg; break;
		case O_REMOTE: opt.remote = optarg; break;
		case O_COLD: opt.cold = true; break;
		case O_VERIFY: opt.verify = true; break;
		case O_PEM: opt.pem = optarg; break;
		case O_ALG: opt.alg = optarg; break;
		case O_HASH: opt.hash = true; break;
		default: usage();
		}
	}
	if (opt.hash) {
		if (opt.tokens == NULL)
			usage();
	} else if (opt.verify) {
		if (opt.pem == NULL || opt.alg == NULL || opt.tokens == NULL)
			usage();
	} else if (opt.mech == NULL || opt.conf_dir == NULL ||
		   opt.server_path == NULL ||
		   (opt.creds == NULL && opt.tokens == NULL)) {
		usage();
	}
	if (opt.client_path == NULL)
		opt.client_path = "/usr/lib/x86_64-linux-gnu/sasl2";
	if (opt.n < 1 || opt.warmup < 0)
		usage();
	if (opt.cold) {
		opt.n = 1;
		opt.warmup = 0;
	}
}

static const struct cred *pick(long i)
{
	if (opt.same)
		return &creds[0];
	if (opt.fresh && (size_t)i >= ncreds)
		die("--fresh needs a token per authentication (warm-up included)");
	return &creds[(size_t)i % ncreds];
}

static int run_one(EVP_PKEY *pk, const struct cred *c)
{
	if (opt.hash)
		return raw_hash(c);
	if (opt.verify)
		return raw_verify(pk, c);
	return is_bearer() ? auth_raw(c) : auth_client(c);
}

int main(int argc, char **argv)
{
	EVP_PKEY *pk = NULL;
	long i, ok = 0, bad = 0, unexpected = 0;
	int first_bad_rc = 0, rc;
	int64_t t0, t1, init_ns = 0;
	long hwm, rss;

	parse_args(argc, argv);
	load_lines(opt.creds ? opt.creds : opt.tokens, opt.creds == NULL);

	if (opt.hash) {
		/* nothing to load */
	} else if (opt.verify) {
		FILE *f = fopen(opt.pem, "r");

		if (f == NULL || (pk = PEM_read_PUBKEY(f, NULL, NULL, NULL)) == NULL)
			die("cannot read the public key");
		fclose(f);
		prepare_signatures();
	} else {
		if (is_bearer())
			build_bearer_messages(strcmp(opt.mech, "XOAUTH2") == 0);
		if (opt.cold) {
			/* from sasl_server_init: plugins load, store opens */
			measuring = true;
			t0 = ns_now();
			rc = init_sasl();
			init_ns = ns_now() - t0;
			measuring = false;
		} else {
			rc = init_sasl();
		}
		if (rc != SASL_OK)
			die("sasl_server_init failed");
		if (!is_bearer() && init_client() != SASL_OK)
			die("sasl_client_init failed");
	}

	for (i = 0; i < opt.warmup; i++) {
		rc = run_one(pk, pick(i));
		(void)rc;
	}

	measuring = true;
	srv_ns = 0;
	t0 = ns_now();
	for (i = 0; i < opt.n; i++) {
		const struct cred *c = pick(opt.warmup + i);

		rc = run_one(pk, c);
		if (rc == SASL_OK)
			ok++;
		else
			bad++;
		if (opt.expect >= 0 && (rc == SASL_OK) != (opt.expect == 1)) {
			if (unexpected++ == 0)
				first_bad_rc = rc;
		}
	}
	t1 = ns_now();
	measuring = false;

	rss_kb(&hwm, &rss);
	printf("n=%ld ok=%ld fail=%ld unexpected=%ld first_unexpected_rc=%d "
	       "secs=%.6f auth_per_s=%.1f server_us=%.3f peak_rss_kb=%ld "
	       "rss_kb=%ld logs=%lu valgrind=%d",
	       opt.n, ok, bad, unexpected, first_bad_rc,
	       (double)(t1 - t0) / 1e9, (double)opt.n * 1e9 / (double)(t1 - t0),
	       (double)srv_ns / 1e3 / (double)opt.n, hwm, rss, nlogs,
	       (int)RUNNING_ON_VALGRIND);
	/* cold: sasl_server_init, then the first authentication's server side */
	if (opt.cold)
		printf(" cold_init_us=%.1f cold_auth_us=%.1f cold_total_us=%.1f",
		       (double)init_ns / 1e3, (double)srv_ns / 1e3,
		       (double)(init_ns + srv_ns) / 1e3);
	printf("\n");
	fflush(stdout);

	if (!opt.verify && !opt.hash) {
		if (!is_bearer())
			sasl_client_done();
		sasl_server_done();
	}
	EVP_PKEY_free(pk);
	for (i = 0; i < (long)ncreds; i++) {
		OPENSSL_cleanse(creds[i].secret, creds[i].secret_len);
		free(creds[i].secret);
		free(creds[i].user);
		free(creds[i].sig);
	}
	free(creds);
	return unexpected ? 3 : 0;
}
