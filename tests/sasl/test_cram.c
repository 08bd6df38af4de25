/* saslkey tests - CRAM-MD5 through the real libsasl2 and the stock
 * CRAM-MD5 client plugin */
#define _GNU_SOURCE		/* memmem */
#include "cram.h"
#include "harness.h"
#include "sktest.h"
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/hmac.h>

#define S_ACME	"correct horse battery staple"
#define S_OLD	"old-secret-R7w2"
#define S_NEW	"new-secret-K9q4"
#define S_NET	"net secret"

static struct skh_key k_cram, k_cram_imap, k_cram_acl, k_plain;
static char id_old[13], id_new[13];

static int suite_init(void)
{
	static const char *const opts[] = {
		"mech_list: PLAIN LOGIN CRAM-MD5", NULL
	};
	char id[13];
	time_t now = time(NULL);

	/* the store and master key exist before the plugin starts */
	skh_store_reset();
	if (skh_init(opts) != 0)
		return -1;
	skh_account("acme", NULL, false);
	skh_account("rot", NULL, false);
	skh_account("net", "192.0.2.0/24", false);
	skh_account("dis", NULL, true);
	skh_account("plainonly", NULL, false);
	skh_cram_secret("acme", S_ACME, 0, 0, id);
	skh_cram_secret("rot", S_OLD, 0, 0, id_old);
	skh_cram_secret("rot", S_NEW, 0, 0, id_new);
	skh_cram_secret("rot", "revoked-one", 0, now - 1, id);
	skh_cram_secret("rot", "expired-one", now - 1, 0, id);
	skh_cram_secret("net", S_NET, 0, 0, id);
	skh_cram_secret("dis", "disabled", 0, 0, id);
	skh_key_cram("acme", NULL, NULL, 0, 0, &k_cram);
	skh_key_cram("acme", "imap", NULL, 0, 0, &k_cram_imap);
	skh_key_cram("acme", NULL, "203.0.113.0/24", 0, 0, &k_cram_acl);
	skh_key("plainonly", NULL, NULL, 0, 0, &k_plain);
	return 0;
}

static int suite_cleanup(void)
{
	return skh_done();
}

static void check(const char *user, const char *pass, const char *remote,
		  const char *service, int rc, const char *reason,
		  const char *label)
{
	struct skh_auth a = { .mech = "CRAM-MD5", .authid = user, .pass = pass,
			      .remote = remote, .service = service };
	struct skh_result res;
	size_t before = skh_audit_count();
	int got = skh_run(&a, &res);

	if (got != rc || strcmp(skh_last_reason(), reason) != 0)
		fprintf(stderr, "\n  [%s] rc=%d reason=%s\n", label, got,
			skh_last_reason());
	CU_ASSERT_EQUAL(got, rc);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), reason);
	CU_ASSERT_EQUAL(skh_audit_count(), before + 1);
	if (rc == SASL_OK)
		CU_ASSERT_STRING_EQUAL(res.authsource, "saslkey");
}

static void test_account_secret(void)
{
	struct skh_auth a = { .mech = "CRAM-MD5", .authid = "acme",
			      .pass = S_ACME };
	struct skh_result res;
	json_t *ev;
	const char *cred = NULL;

	CU_ASSERT_EQUAL(skh_run(&a, &res), SASL_OK);
	CU_ASSERT_STRING_EQUAL(res.user, "acme");
	CU_ASSERT_STRING_EQUAL(res.authsource, "saslkey");
	ev = skh_audit_last();
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_EQUAL(json_unpack(ev, "{s:{s:s}}", "saslkey", "credential",
				    &cred), 0);
	CU_ASSERT_STRING_EQUAL(cred, "cram_secret");
	json_decref(ev);
	check("acme", "correct horse battery stapler", NULL, NULL,
	      SASL_BADAUTH, "bad_secret", "wrong secret");
	check("nobody", S_ACME, NULL, NULL, SASL_BADAUTH, "unknown_user",
	      "unknown user");
}

static void test_cram_enabled_key(void)
{
	/* the key id or the account as the user, the whole key as secret */
	check(k_cram.id, k_cram.text, NULL, NULL, SASL_OK, "ok", "by key id");
	check("acme", k_cram.text, NULL, NULL, SASL_OK, "ok", "by account");
	/* a key id names that key only */
	check(k_cram_imap.id, k_cram.text, NULL, NULL, SASL_BADAUTH,
	      "bad_secret", "other key's id");
	/* the key's own policy: services and allow-list */
	check(k_cram_imap.id, k_cram_imap.text, NULL, "imap", SASL_OK, "ok",
	      "imap key on imap");
	check(k_cram_imap.id, k_cram_imap.text, NULL, "smtp", SASL_BADAUTH,
	      "service_not_allowed", "imap key on smtp");
	check(k_cram_acl.id, k_cram_acl.text, "203.0.113.9;1", NULL, SASL_OK,
	      "ok", "key acl in");
	check(k_cram_acl.id, k_cram_acl.text, "198.51.100.9;1", NULL,
	      SASL_BADAUTH, "ip_not_allowed_key", "key acl out");
	/* a key created without --cram has nothing CRAM can verify */
	check(k_plain.id, k_plain.text, NULL, NULL, SASL_BADAUTH, "no_secret",
	      "key without cram");
	check("plainonly", k_plain.text, NULL, NULL, SASL_BADAUTH, "no_secret",
	      "account without cram");
}

static void test_rotation_revocation_expiry(void)
{
	check("rot", S_OLD, NULL, NULL, SASL_OK, "ok", "old secret in rotation");
	check("rot", S_NEW, NULL, NULL, SASL_OK, "ok", "new secret in rotation");
	check("rot", "revoked-one", NULL, NULL, SASL_BADAUTH, "key_revoked",
	      "revoked secret");
	check("rot", "expired-one", NULL, NULL, SASL_BADAUTH, "key_expired",
	      "expired secret");
	check("dis", "disabled", NULL, NULL, SASL_BADAUTH, "account_disabled",
	      "disabled account");
}

static void test_ip_refusal(void)
{
	check("net", S_NET, "192.0.2.44;1", NULL, SASL_OK, "ok", "account acl in");
	check("net", S_NET, "198.51.100.44;1", NULL, SASL_BADAUTH,
	      "ip_not_allowed_account", "account acl out");
}

/* an independent HMAC-MD5 (OpenSSL's HMAC) for raw responses */
static void response(const char *user, const char *secret, const char *chal,
		     size_t chlen, char *out, size_t cap)
{
	unsigned char d[16];
	unsigned int dl = 0;
	size_t n;
	int i;

	HMAC(EVP_md5(), secret, (int)strlen(secret), (const unsigned char *)chal,
	     chlen, d, &dl);
	n = (size_t)snprintf(out, cap, "%s ", user);
	for (i = 0; i < 16; i++)
		n += (size_t)snprintf(out + n, cap - n, "%02x", d[i]);
}

static void test_challenge_shape(void)
{
	struct skh_msg m = { .absent = true };
	struct skh_result res;
	char chal[512], chal2[512];
	size_t len = 0, len2 = 0;

	CU_ASSERT_EQUAL(skh_raw("CRAM-MD5", &m, 1, NULL, &res, chal,
				sizeof(chal), &len), SASL_CONTINUE);
	/* <random.timestamp@serverFQDN> */
	CU_ASSERT(len > 4 && chal[0] == '<' && chal[len - 1] == '>');
	CU_ASSERT(strstr(chal, "@" SKH_FQDN ">") != NULL);
	CU_ASSERT(strchr(chal, '.') != NULL);
	CU_ASSERT_EQUAL(skh_raw("CRAM-MD5", &m, 1, NULL, &res, chal2,
				sizeof(chal2), &len2), SASL_CONTINUE);
	CU_ASSERT(len != len2 || memcmp(chal, chal2, len) != 0);
	/* an initial response to a server-first mechanism: refused */
	{
		struct skh_msg ir = { "acme 0123", 9, false };

		CU_ASSERT_EQUAL(skh_raw("CRAM-MD5", &ir, 1, NULL, &res, NULL, 0,
					NULL), SASL_BADPROT);
	}
}

/* step 1 gets the challenge, step 2 sends resp (possibly malformed) */
static int raw_cram(const void *resp, size_t len, char *chal, size_t *chlen)
{
	sasl_conn_t *sc = NULL;
	const char *out = NULL;
	unsigned outlen = 0;
	int rc;

	if (sasl_server_new("smtp", SKH_FQDN, NULL, "127.0.0.1;25",
			    SKH_DEFAULT_REMOTE, NULL, 0, &sc) != SASL_OK)
		return -1;
	rc = sasl_server_start(sc, "CRAM-MD5", NULL, 0, &out, &outlen);
	if (rc == SASL_CONTINUE && chal != NULL) {
		memcpy(chal, out, outlen);
		chal[outlen] = '\0';
		*chlen = outlen;
	}
	if (rc == SASL_CONTINUE && resp != NULL)
		rc = sasl_server_step(sc, resp, (unsigned)len, &out, &outlen);
	sasl_dispose(&sc);
	return rc;
}

static void test_malformed_responses(void)
{
	char good[600], chal[600], bad[600];
	size_t chlen = 0, n, i;
	const struct {
		const char *label;
		const char *resp;
		size_t len;
	} rows[] = {
		{ "no space", "acme0123456789abcdef0123456789abcdef", 36 },
		{ "short digest", "acme 0123456789abcdef0123456789abcde", 36 },
		{ "long digest", "acme 0123456789abcdef0123456789abcdef0", 38 },
		{ "non-hex digest", "acme 0123456789abcdef0123456789abcdeg", 37 },
		{ "empty user", " 0123456789abcdef0123456789abcdef", 33 },
		{ "NUL in user", "ac\0me 0123456789abcdef0123456789abcdef", 38 },
		{ "NUL in digest", "acme 0123456789abcdef0123456789abcd\0f", 37 },
		{ "only a space", " ", 1 },
		{ "empty", "", 0 },
	};

	/* positive control: a well-formed response to this very challenge */
	CU_ASSERT_EQUAL_FATAL(raw_cram(NULL, 0, chal, &chlen), SASL_CONTINUE);
	{
		sasl_conn_t *sc = NULL;
		const char *out = NULL;
		unsigned outlen = 0;

		CU_ASSERT_EQUAL_FATAL(sasl_server_new("smtp", SKH_FQDN, NULL,
						      "127.0.0.1;25",
						      SKH_DEFAULT_REMOTE, NULL,
						      0, &sc), SASL_OK);
		CU_ASSERT_EQUAL(sasl_server_start(sc, "CRAM-MD5", NULL, 0, &out,
						  &outlen), SASL_CONTINUE);
		response("acme", S_ACME, out, outlen, good, sizeof(good));
		CU_ASSERT_EQUAL(sasl_server_step(sc, good, (unsigned)strlen(good),
						 &out, &outlen), SASL_OK);
		/* upper-case hex is the same digest */
		for (n = strlen("acme "); good[n]; n++)
			if (good[n] >= 'a' && good[n] <= 'f')
				good[n] = (char)(good[n] - 'a' + 'A');
		sasl_dispose(&sc);
		CU_ASSERT_EQUAL(sasl_server_new("smtp", SKH_FQDN, NULL,
						"127.0.0.1;25",
						SKH_DEFAULT_REMOTE, NULL, 0, &sc),
				SASL_OK);
		CU_ASSERT_EQUAL(sasl_server_start(sc, "CRAM-MD5", NULL, 0, &out,
						  &outlen), SASL_CONTINUE);
		response("acme", S_ACME, out, outlen, good, sizeof(good));
		for (n = strlen("acme "); good[n]; n++)
			if (good[n] >= 'a' && good[n] <= 'f')
				good[n] = (char)(good[n] - 'a' + 'A');
		CU_ASSERT_EQUAL(sasl_server_step(sc, good, (unsigned)strlen(good),
						 &out, &outlen), SASL_OK);
		sasl_dispose(&sc);
	}
	for (i = 0; i < SK_N_ELEMENTS(rows); i++) {
		size_t before = skh_audit_count();
		int rc = raw_cram(rows[i].resp, rows[i].len, NULL, NULL);

		if (rc != SASL_BADPROT)
			fprintf(stderr, "\n  [%s] rc=%d\n", rows[i].label, rc);
		CU_ASSERT_EQUAL(rc, SASL_BADPROT);
		CU_ASSERT_EQUAL(skh_audit_count(), before + 1);
		CU_ASSERT_STRING_EQUAL(skh_last_reason(), "malformed_request");
	}
	/* a 256-byte user: malformed; 255: parsed (and unknown) */
	memset(bad, 'u', 300);
	memcpy(bad + 256, " 0123456789abcdef0123456789abcdef", 33);
	CU_ASSERT_EQUAL(raw_cram(bad, 256 + 33, NULL, NULL), SASL_BADPROT);
	CU_ASSERT_EQUAL(raw_cram(bad + 1, 255 + 33, NULL, NULL), SASL_BADAUTH);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), "unknown_user");
}

static void test_store_holds_no_secret(void)
{
	const char *secrets[] = { S_ACME, S_OLD, S_NEW, S_NET, k_cram.text };
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(secrets); i++) {
		unsigned char st[SK_CRAM_STATE_LEN];
		const char *sec = secrets[i];

		sk_cram_state(sec, strlen(sec), st);
		CU_ASSERT_FALSE(sk_test_file_contains(skh_db(), sec, strlen(sec)));
		CU_ASSERT_FALSE(sk_test_file_contains(skh_db(), st, 16));
		CU_ASSERT_FALSE(sk_test_file_contains(skh_db(), st + 16, 16));
		CU_ASSERT_FALSE(sk_test_file_contains(skh_audit(), sec,
						      strlen(sec)));
	}
	/* positive control: the ids are in the store */
	CU_ASSERT_TRUE(sk_test_file_contains(skh_db(), id_new, 12));
}

/* last: it replaces the master key under the running plugin */
static void test_master_key_problems(void)
{
	struct skh_auth plain = { .mech = "PLAIN", .authid = "apikey",
				  .pass = k_cram.text };
	struct skh_result res;
	char *saved;
	size_t len;
	char err[256];

	saved = sk_test_read_file(skh_master_key(), &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(saved);
	check("acme", S_ACME, NULL, NULL, SASL_OK, "ok", "key control");

	/*
	 * A different key file: a process that already holds the right key
	 * keeps using it; the next one to start cannot use CRAM-MD5 (a
	 * temporary failure, logged), while other mechanisms carry on.
	 */
	unlink(skh_master_key());
	CU_ASSERT_EQUAL(sk_master_key_create(skh_master_key(), err,
					     sizeof(err)), SK_OK);
	check("acme", S_ACME, NULL, NULL, SASL_OK, "ok",
	      "running process keeps its key");
	skh_done();
	CU_ASSERT_EQUAL_FATAL(skh_init((const char *const[]){
				      "mech_list: PLAIN CRAM-MD5", NULL }), 0);
	check("acme", S_ACME, NULL, NULL, SASL_UNAVAIL,
	      "master_key_unavailable", "wrong master key");
	CU_ASSERT_EQUAL(skh_run(&plain, &res), SASL_OK);

	/* no key file at all, from a fresh start of the plugin */
	unlink(skh_master_key());
	skh_done();
	CU_ASSERT_EQUAL_FATAL(skh_init((const char *const[]){
				      "mech_list: PLAIN CRAM-MD5", NULL }), 0);
	check("acme", S_ACME, NULL, NULL, SASL_UNAVAIL,
	      "master_key_unavailable", "missing master key");
	CU_ASSERT_EQUAL(skh_run(&plain, &res), SASL_OK);

	/* restored: works again, no restart needed */
	CU_ASSERT(sk_test_write_file(skh_master_key(), saved, len));
	chmod(skh_master_key(), 0600);
	check("acme", S_ACME, NULL, NULL, SASL_OK, "ok", "restored");
	free(saved);
}

SK_SUITE(sasl_cram, suite_init, suite_cleanup,
	 SK_TEST(test_account_secret),
	 SK_TEST(test_cram_enabled_key),
	 SK_TEST(test_rotation_revocation_expiry),
	 SK_TEST(test_ip_refusal),
	 SK_TEST(test_challenge_shape),
	 SK_TEST(test_malformed_responses),
	 SK_TEST(test_store_holds_no_secret),
	 SK_TEST(test_master_key_problems))
