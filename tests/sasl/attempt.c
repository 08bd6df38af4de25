/* saslkey tests - one attempt through any mechanism, with raw bytes */
#include "attempt.h"
#include "jwk.h"
#include "sktest.h"
#include "status.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

static const char *const names[SKA_N] = {
	[SKA_PLAIN] = "PLAIN",		 [SKA_PLAIN_AUTHZ] = "PLAIN",
	[SKA_LOGIN] = "LOGIN",		 [SKA_CRAM] = "CRAM-MD5",
	[SKA_OAUTHBEARER] = "OAUTHBEARER", [SKA_XOAUTH2] = "XOAUTH2",
	[SKA_SCRAM] = "SCRAM-SHA-256",
};

const char *ska_mech_name(enum ska_mech m)
{
	return (unsigned)m < SKA_N ? names[m] : "?";
}

const char *ska_label(enum ska_mech m)
{
	return m == SKA_PLAIN_AUTHZ ? "PLAIN(authzid)" : ska_mech_name(m);
}

/* a growing byte buffer for building client messages */
struct msg {
	char *p;
	size_t n, cap;
};

static void put(struct msg *m, const void *s, size_t n)
{
	if (m->n + n + 1 > m->cap) {
		m->cap = (m->n + n + 1) * 2;
		if ((m->p = realloc(m->p, m->cap)) == NULL)
			abort();
	}
	memcpy(m->p + m->n, s, n);
	m->n += n;
	m->p[m->n] = '\0';
}

static void puts_(struct msg *m, const char *s)
{
	put(m, s, strlen(s));
}

static int cram(const char *user, size_t ulen, const char *cred, size_t clen,
		const char *remote, struct skh_result *res)
{
	static const char hex[] = "0123456789abcdef";
	sasl_conn_t *sc = NULL;
	const char *out = NULL;
	unsigned outlen = 0, dl = 0, i;
	unsigned char d[EVP_MAX_MD_SIZE];
	struct msg m = { 0 };
	int rc;

	memset(res, 0, sizeof(*res));
	rc = sasl_server_new("smtp", SKH_FQDN, NULL, "127.0.0.1;25",
			     remote ? remote : SKH_DEFAULT_REMOTE, NULL, 0, &sc);
	if (rc == SASL_OK)
		rc = sasl_server_start(sc, "CRAM-MD5", NULL, 0, &out, &outlen);
	res->steps = 1;
	if (rc == SASL_CONTINUE) {
		HMAC(EVP_md5(), cred, (int)clen, (const unsigned char *)out,
		     outlen, d, &dl);
		put(&m, user, ulen);
		puts_(&m, " ");
		for (i = 0; i < dl; i++) {
			char h[2] = { hex[d[i] >> 4], hex[d[i] & 15] };

			put(&m, h, 2);
		}
		rc = sasl_server_step(sc, m.p, (unsigned)m.n, &out, &outlen);
		res->steps++;
	}
	res->rc = rc;
	if (rc == SASL_OK) {
		const void *p = NULL;

		if (sasl_getprop(sc, SASL_USERNAME, &p) == SASL_OK && p)
			snprintf(res->user, sizeof(res->user), "%s",
				 (const char *)p);
	}
	free(m.p);
	sasl_dispose(&sc);
	return rc;
}

int ska_attempt(enum ska_mech m, const char *user, size_t ulen,
		const char *cred, size_t clen, const char *remote,
		struct skh_result *res)
{
	struct msg a = { 0 };
	struct skh_msg msgs[3];
	size_t n = 0, i;
	int rc;

	switch (m) {
	case SKA_PLAIN:
		put(&a, "", 1);
		put(&a, user, ulen);
		put(&a, "", 1);
		put(&a, cred, clen);
		msgs[n++] = (struct skh_msg){ a.p, a.n, false };
		break;
	case SKA_PLAIN_AUTHZ:
		put(&a, user, ulen);
		put(&a, "\0apikey\0", 8);
		put(&a, cred, clen);
		msgs[n++] = (struct skh_msg){ a.p, a.n, false };
		break;
	case SKA_LOGIN:
		msgs[n++] = (struct skh_msg){ .absent = true };
		msgs[n++] = (struct skh_msg){ user, ulen, false };
		msgs[n++] = (struct skh_msg){ cred, clen, false };
		break;
	case SKA_CRAM:
		return cram(user, ulen, cred, clen, remote, res);
	case SKA_OAUTHBEARER:
		/* saslname: "," and "=" escaped, every other byte as given */
		puts_(&a, user ? "n,a=" : "n,");
		for (i = 0; user != NULL && i < ulen; i++) {
			if (user[i] == ',')
				puts_(&a, "=2C");
			else if (user[i] == '=')
				puts_(&a, "=3D");
			else
				put(&a, user + i, 1);
		}
		puts_(&a, ",\001auth=Bearer ");
		put(&a, cred, clen);
		puts_(&a, "\001\001");
		msgs[n++] = (struct skh_msg){ a.p, a.n, false };
		msgs[n++] = (struct skh_msg){ "\001", 1, false };
		break;
	case SKA_XOAUTH2:
		puts_(&a, "user=");
		put(&a, user, ulen);
		puts_(&a, "\001auth=Bearer ");
		put(&a, cred, clen);
		puts_(&a, "\001\001");
		msgs[n++] = (struct skh_msg){ a.p, a.n, false };
		msgs[n++] = (struct skh_msg){ "", 0, false };
		break;
	case SKA_SCRAM: {
		struct skh_auth au = { .mech = "SCRAM-SHA-256", .remote = remote };
		char *u, *p;

		if (memchr(user, '\0', ulen) != NULL ||
		    memchr(cred, '\0', clen) != NULL) {
			memset(res, 0, sizeof(*res));
			return res->rc = SKA_NOT_APPLICABLE;
		}
		u = strndup(user, ulen);
		p = strndup(cred, clen);
		au.authid = u;
		au.pass = p;
		rc = skh_run(&au, res);
		free(u);
		free(p);
		return rc;
	}
	default:
		abort();
	}
	rc = skh_raw(ska_mech_name(m), msgs, n, remote, res, NULL, 0, NULL);
	free(a.p);
	return rc;
}

/* ---- an OAuth issuer ---- */

static char idp_dir[512];

char *ska_mint(const char *args)
{
	char cmd[2048], *tok;
	const char *src = getenv("SK_SRCDIR");
	FILE *p;
	size_t cap = 1 << 16, n = 0, r;

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/vectors/"
		 "mint_token.py %s token %s", src ? src : ".", idp_dir, args);
	if ((p = popen(cmd, "r")) == NULL)
		return NULL;
	if ((tok = malloc(cap)) == NULL)
		abort();
	while ((r = fread(tok + n, 1, cap - n - 1, p)) > 0) {
		n += r;
		if (n + 1 == cap && (tok = realloc(tok, cap *= 2)) == NULL)
			abort();
	}
	tok[n] = '\0';
	if (pclose(p) != 0 || n == 0) {
		free(tok);
		return NULL;
	}
	return tok;
}

int ska_idp_init(const char *dir)
{
	char cmd[2048], err[256], *jwks;
	const char *src = getenv("SK_SRCDIR");
	enum sk_jwk_alg alg = sk_jwk_alg_parse("RS256", 5);
	struct sk_issuer is = { .created = 1, .leeway = 60 };
	struct sk_jwk *keys = NULL;
	struct sk_store *st = NULL;
	size_t nkeys = 0, len, i;
	int rc = -1;

	snprintf(idp_dir, sizeof(idp_dir), "%s", sk_test_path(dir));
	snprintf(cmd, sizeof(cmd), "mkdir -p %s && /usr/bin/python3 "
		 "%s/tests/vectors/mint_token.py %s init", idp_dir,
		 src ? src : ".", idp_dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/jwks.json", idp_dir);
	if ((jwks = sk_test_read_file(cmd, &len)) == NULL)
		return -1;
	if (sk_jwks_import(jwks, len, &alg, 1, &keys, &nkeys, err,
			   sizeof(err)) != SK_OK)
		goto out;
	snprintf(is.name, sizeof(is.name), "idp");
	snprintf(is.issuer, sizeof(is.issuer), "https://idp.example.test");
	snprintf(is.audience, sizeof(is.audience), "smtp://mx.example.test");
	snprintf(is.algs, sizeof(is.algs), "RS256");
	snprintf(is.username_claim, sizeof(is.username_claim), "email");
	snprintf(is.scope, sizeof(is.scope), "mail");
	if (sk_store_open(skh_db(), SK_STORE_WRITE, NULL, &st) != SK_OK ||
	    st->ops->issuer_add(st, &is) != SK_OK)
		goto out;
	for (i = 0; i < nkeys; i++) {
		static struct sk_issuer_key k;

		memset(&k, 0, sizeof(k));
		k.issuer_id = is.id;
		snprintf(k.kid, sizeof(k.kid), "%s", keys[i].kid);
		snprintf(k.alg, sizeof(k.alg), "%s",
			 sk_jwk_alg_name(keys[i].alg));
		snprintf(k.jwk, sizeof(k.jwk), "%s", keys[i].json);
		if (st->ops->issuer_key_add(st, &k) != SK_OK)
			goto out;
	}
	rc = 0;
out:
	sk_store_close(st);
	if (keys != NULL)
		sk_jwks_free(keys, nkeys);
	free(jwks);
	return rc;
}

/* ---- syslog ---- */

int ska_syslog_open(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	memcpy(sun.sun_path, path, strlen(path));
	unlink(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void ska_syslog_drain(int fd)
{
	char buf[4096];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
}

size_t ska_syslog_take(int fd, char *buf, size_t cap)
{
	/* the sender's send() queued it here already: no waiting needed */
	ssize_t n = recv(fd, buf, cap - 1, MSG_DONTWAIT);

	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	buf[n] = '\0';
	return (size_t)n;
}

void ska_file_sha256(const char *path, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];
	unsigned dl = 0, i;
	size_t len;
	char *data = sk_test_read_file(path, &len);

	out[0] = '\0';
	if (data == NULL)
		return;
	if (EVP_Digest(data, len, d, &dl, EVP_sha256(), NULL) == 1) {
		for (i = 0; i < dl && i < 32; i++) {
			out[2 * i] = hex[d[i] >> 4];
			out[2 * i + 1] = hex[d[i] & 15];
		}
		out[64] = '\0';
	}
	free(data);
}
