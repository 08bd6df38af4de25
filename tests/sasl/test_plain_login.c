/* saslkey tests - PLAIN and LOGIN through the real libsasl2 */
#define _GNU_SOURCE		/* memmem */
#include "harness.h"
#include "secret.h"
#include "status.h"
#include "sktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct skh_key k_acme, k_imap, k_acl, k_revoked, k_expired, k_dis,
	k_net, k_net_acl, k_v6, k_open;

static int suite_init(void)
{
	static const char *const opts[] = { "mech_list: PLAIN LOGIN", NULL };
	time_t now = time(NULL);

	if (skh_init(opts) != 0)
		return -1;
	skh_store_reset();
	skh_account("acme", NULL, false);
	skh_account("bob", NULL, false);
	skh_account("dis", NULL, true);
	skh_account("net", "192.0.2.0/24", false);
	skh_account("v6", "2001:db8::/32", false);
	skh_key("acme", NULL, NULL, 0, 0, &k_acme);
	skh_key("acme", "imap", NULL, 0, 0, &k_imap);
	skh_key("acme", "smtp", "203.0.113.5/32", 0, 0, &k_acl);
	skh_key("acme", NULL, NULL, 0, now - 5, &k_revoked);
	skh_key("acme", NULL, NULL, now - 5, 0, &k_expired);
	skh_key("dis", NULL, NULL, 0, 0, &k_dis);
	skh_key("net", NULL, NULL, 0, 0, &k_net);
	skh_key("net", NULL, "192.0.2.7/32", 0, 0, &k_net_acl);
	skh_key("v6", "smtp imap", NULL, 0, 0, &k_v6);
	skh_key("bob", "*", NULL, 0, 0, &k_open);
	return 0;
}

static int suite_cleanup(void)
{
	return skh_done();
}

/* run one attempt; check the result, the single audit event and reason */
static void expect(const struct skh_auth *a, int rc, const char *reason,
		   const char *line_label)
{
	struct skh_result res;
	size_t before = skh_audit_count();
	int got = skh_run(a, &res);

	if (got != rc || strcmp(skh_last_reason(), reason) != 0)
		fprintf(stderr, "\n  [%s] got rc=%d reason=%s, want rc=%d "
				"reason=%s\n",
			line_label, got, skh_last_reason(), rc, reason);
	CU_ASSERT_EQUAL(got, rc);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), reason);
	CU_ASSERT_EQUAL(skh_audit_count(), before + 1);
	if (rc == SASL_OK)
		CU_ASSERT_STRING_EQUAL(res.authsource, "saslkey");
}

static void test_success_every_username_form(void)
{
	const char *mechs[] = { "PLAIN", "LOGIN" };
	const char *users[] = { "apikey", k_acme.id, "acme" };
	size_t m, u;

	for (m = 0; m < 2; m++) {
		for (u = 0; u < 3; u++) {
			struct skh_auth a = { .mech = mechs[m],
					      .authid = users[u],
					      .pass = k_acme.text };
			struct skh_result res;
			size_t before = skh_audit_count();
			json_t *ev;
			const char *uid = NULL, *kid = NULL, *mech = NULL;

			CU_ASSERT_EQUAL(skh_run(&a, &res), SASL_OK);
			/* the identity is the key's account, whatever was typed */
			CU_ASSERT_STRING_EQUAL(res.user, "acme");
			CU_ASSERT_STRING_EQUAL(res.authsource, "saslkey");
			CU_ASSERT_EQUAL(skh_audit_count(), before + 1);
			ev = skh_audit_last();
			CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
			CU_ASSERT_EQUAL(json_unpack(ev, "{s:{s:s}, s:{s:s, s:s}}",
						    "user", "id", &uid, "saslkey",
						    "key_id", &kid, "mechanism",
						    &mech), 0);
			CU_ASSERT_STRING_EQUAL(uid, "acme");
			CU_ASSERT_STRING_EQUAL(kid, k_acme.id);
			CU_ASSERT_STRING_EQUAL(mech, mechs[m]);
			CU_ASSERT_STRING_EQUAL(skh_last_reason(), "ok");
			json_decref(ev);
		}
	}
}

/* the same key with another id and secret, but a valid checksum */
static void forged(const struct skh_key *k, bool same_id, char *out)
{
	struct sk_key key;

	CU_ASSERT_FATAL(sk_key_generate("sk", &key) == 0);
	if (same_id)
		memcpy(key.id, k->id, sizeof(key.id));
	sk_key_format(&key, out, SK_KEY_MAX_LEN + 1);
	sk_key_wipe(&key);
}

static void test_policy_table(void)
{
	char wrong_secret[SK_KEY_MAX_LEN + 1], unknown[SK_KEY_MAX_LEN + 1];
	char typo[SK_KEY_MAX_LEN + 1], truncated[SK_KEY_MAX_LEN + 1];
	const char *mechs[] = { "PLAIN", "LOGIN" };
	size_t i, m;

	forged(&k_acme, true, wrong_secret);
	forged(&k_acme, false, unknown);
	snprintf(typo, sizeof(typo), "%s", k_acme.text);
	typo[10] = typo[10] == 'a' ? 'b' : 'a';
	snprintf(truncated, sizeof(truncated), "%s", k_acme.text);
	truncated[strlen(truncated) - 1] = '\0';

	/* each negative row follows the positive control it varies */
	const struct row {
		const char *label;
		struct skh_auth a;
		int rc;
		const char *reason;
	} rows[] = {
		{ "control", { .authid = "apikey", .pass = k_acme.text }, SASL_OK, "ok" },
		{ "typo", { .authid = "apikey", .pass = typo }, SASL_BADAUTH, "malformed_key" },
		{ "truncated", { .authid = "apikey", .pass = truncated }, SASL_BADAUTH, "malformed_key" },
		{ "plain password", { .authid = "apikey", .pass = "hunter2" }, SASL_BADAUTH, "malformed_key" },
		{ "unknown key", { .authid = "apikey", .pass = unknown }, SASL_BADAUTH, "unknown_key" },
		{ "wrong secret", { .authid = "apikey", .pass = wrong_secret }, SASL_BADAUTH, "bad_secret" },
		{ "other account's name", { .authid = "bob", .pass = k_acme.text }, SASL_BADAUTH, "user_mismatch" },
		{ "other key id", { .authid = k_imap.id, .pass = k_acme.text }, SASL_BADAUTH, "user_mismatch" },
		{ "revoked", { .authid = "apikey", .pass = k_revoked.text }, SASL_BADAUTH, "key_revoked" },
		{ "expired", { .authid = "apikey", .pass = k_expired.text }, SASL_BADAUTH, "key_expired" },
		{ "disabled account", { .authid = "apikey", .pass = k_dis.text }, SASL_BADAUTH, "account_disabled" },
		{ "service control", { .authid = "apikey", .pass = k_imap.text, .service = "imap" }, SASL_OK, "ok" },
		{ "service refused", { .authid = "apikey", .pass = k_imap.text, .service = "smtp" }, SASL_BADAUTH, "service_not_allowed" },
		{ "any service", { .authid = "apikey", .pass = k_open.text, .service = "sieve" }, SASL_OK, "ok" },
		{ "account acl control", { .authid = "apikey", .pass = k_net.text, .remote = "192.0.2.200;1234" }, SASL_OK, "ok" },
		{ "account acl v4-mapped", { .authid = "apikey", .pass = k_net.text, .remote = "::ffff:192.0.2.200;1234" }, SASL_OK, "ok" },
		{ "account acl refused", { .authid = "apikey", .pass = k_net.text, .remote = "198.51.100.1;1234" }, SASL_BADAUTH, "ip_not_allowed_account" },
		{ "key acl control", { .authid = "apikey", .pass = k_acl.text, .remote = "203.0.113.5;1234" }, SASL_OK, "ok" },
		{ "key acl refused", { .authid = "apikey", .pass = k_acl.text, .remote = "203.0.113.6;1234" }, SASL_BADAUTH, "ip_not_allowed_key" },
		{ "both acls control", { .authid = "apikey", .pass = k_net_acl.text, .remote = "192.0.2.7;1" }, SASL_OK, "ok" },
		{ "both acls: key refuses", { .authid = "apikey", .pass = k_net_acl.text, .remote = "192.0.2.8;1" }, SASL_BADAUTH, "ip_not_allowed_key" },
		{ "both acls: account refuses", { .authid = "apikey", .pass = k_net_acl.text, .remote = "198.51.100.7;1" }, SASL_BADAUTH, "ip_not_allowed_account" },
		{ "v6 control", { .authid = "apikey", .pass = k_v6.text, .remote = "2001:db8::1;54321" }, SASL_OK, "ok" },
		{ "v6 refused", { .authid = "apikey", .pass = k_v6.text, .remote = "2001:db9::1;54321" }, SASL_BADAUTH, "ip_not_allowed_account" },
		{ "v6 account, v4 client", { .authid = "apikey", .pass = k_v6.text, .remote = "192.0.2.1;1" }, SASL_BADAUTH, "ip_not_allowed_account" },
		{ "no address, no acl", { .authid = "apikey", .pass = k_acme.text, .no_remote = true }, SASL_OK, "ok" },
		{ "no address, key acl", { .authid = "apikey", .pass = k_acl.text, .no_remote = true }, SASL_BADAUTH, "no_client_address" },
		{ "no address, account acl", { .authid = "apikey", .pass = k_net.text, .no_remote = true }, SASL_BADAUTH, "no_client_address" },
	};

	for (m = 0; m < 2; m++) {
		for (i = 0; i < SK_N_ELEMENTS(rows); i++) {
			struct skh_auth a = rows[i].a;
			char label[128];

			a.mech = mechs[m];
			snprintf(label, sizeof(label), "%s %s", mechs[m],
				 rows[i].label);
			expect(&a, rows[i].rc, rows[i].reason, label);
		}
	}
	sk_wipe(wrong_secret, sizeof(wrong_secret));
}

static void test_authzid(void)
{
	struct skh_auth ok = { .mech = "PLAIN", .authid = "apikey",
			       .authzid = "acme", .pass = k_acme.text };
	struct skh_auth bad = ok;

	expect(&ok, SASL_OK, "ok", "authzid = account");
	bad.authzid = "bob";
	expect(&bad, SASL_BADAUTH, "authzid_mismatch", "authzid = other");
}

#define M(s) { s, sizeof(s) - 1, false }

static void test_plain_malformed(void)
{
	char big[300], msg[600];
	struct skh_result res;
	size_t i, before;

	memset(big, 'u', sizeof(big));
	const struct {
		const char *label;
		struct skh_msg m;
		int rc;
	} rows[] = {
		{ "control", M("\0apikey\0PASS"), SASL_OK },
		{ "no NUL", M("apikeyPASS"), SASL_BADPROT },
		{ "one NUL", M("apikey\0PASS"), SASL_BADPROT },
		{ "three NULs", M("\0apikey\0PASS\0"), SASL_BADPROT },
		{ "NUL in password", M("\0apikey\0PA\0SS"), SASL_BADPROT },
		{ "empty authcid", M("\0\0PASS"), SASL_BADPROT },
		{ "empty password", M("\0apikey\0"), SASL_BADPROT },
		{ "empty message", M(""), SASL_BADPROT },
		{ "CR in authcid", M("\0api\rkey\0PASS"), SASL_BADPROT },
		{ "LF in authzid", M("ac\nme\0apikey\0PASS"), SASL_BADPROT },
	};

	for (i = 0; i < SK_N_ELEMENTS(rows); i++) {
		/* replace PASS by the real key, keeping the structure */
		const char *p = memmem(rows[i].m.data, rows[i].m.len, "PASS", 4);
		size_t n = 0;
		struct skh_msg m;

		if (p != NULL) {
			size_t pre = (size_t)(p - (const char *)rows[i].m.data);

			memcpy(msg, rows[i].m.data, pre);
			n = pre;
			memcpy(msg + n, k_acme.text, strlen(k_acme.text));
			n += strlen(k_acme.text);
			memcpy(msg + n, p + 4, rows[i].m.len - pre - 4);
			n += rows[i].m.len - pre - 4;
		} else {
			memcpy(msg, rows[i].m.data, rows[i].m.len);
			n = rows[i].m.len;
		}
		m = (struct skh_msg){ msg, n, false };
		before = skh_audit_count();
		CU_ASSERT_EQUAL(skh_raw("PLAIN", &m, 1, NULL, &res, NULL, 0,
					NULL), rows[i].rc);
		CU_ASSERT_EQUAL(skh_audit_count(), before + 1);
		CU_ASSERT_STRING_EQUAL(skh_last_reason(),
				       rows[i].rc == SASL_OK ? "ok" :
							       "malformed_request");
		if (skh_last_reason()[0] == '\0' ||
		    res.rc != rows[i].rc)
			fprintf(stderr, "\n  [PLAIN %s] rc=%d\n", rows[i].label,
				res.rc);
	}

	/* 255-byte fields are fine, 256 are not (user, authzid, password) */
	for (i = 0; i < 3; i++) {
		size_t len;

		for (len = 255; len <= 256; len++) {
			struct skh_msg m;
			size_t n = 0;

			if (i == 0) {	/* authzid */
				memcpy(msg, big, len);
				n = len;
				memcpy(msg + n, "\0apikey\0", 8);
				n += 8;
				memcpy(msg + n, k_acme.text, strlen(k_acme.text));
				n += strlen(k_acme.text);
			} else if (i == 1) {	/* authcid */
				msg[n++] = '\0';
				memcpy(msg + n, big, len);
				n += len;
				msg[n++] = '\0';
				memcpy(msg + n, k_acme.text, strlen(k_acme.text));
				n += strlen(k_acme.text);
			} else {	/* password */
				memcpy(msg, "\0apikey\0", 8);
				n = 8;
				memcpy(msg + n, big, len);
				n += len;
			}
			m = (struct skh_msg){ msg, n, false };
			skh_raw("PLAIN", &m, 1, NULL, &res, NULL, 0, NULL);
			if (len == 256) {
				CU_ASSERT_EQUAL(res.rc, SASL_BADPROT);
			} else {
				/* valid shape: refused as a credential, not as
				 * a malformed message */
				CU_ASSERT_EQUAL(res.rc, SASL_BADAUTH);
			}
		}
	}
}

static void test_login_exchange(void)
{
	char chal[64];
	size_t chal_len;
	struct skh_result res;
	struct skh_msg m[3] = {
		{ .absent = true },
		{ "acme", 4, false },
		{ k_acme.text, strlen(k_acme.text), false },
	};

	/* no initial response: "Username:", then "Password:" */
	CU_ASSERT_EQUAL(skh_raw("LOGIN", m, 2, NULL, &res, chal, sizeof(chal),
				&chal_len), SASL_CONTINUE);
	CU_ASSERT_STRING_EQUAL(chal, "Password:");
	CU_ASSERT_EQUAL(skh_raw("LOGIN", m, 1, NULL, &res, chal, sizeof(chal),
				&chal_len), SASL_CONTINUE);
	CU_ASSERT_STRING_EQUAL(chal, "Username:");
	CU_ASSERT_EQUAL(skh_raw("LOGIN", m, 3, NULL, &res, NULL, 0, NULL),
			SASL_OK);
	CU_ASSERT_STRING_EQUAL(res.user, "acme");
	/* the user as initial response */
	CU_ASSERT_EQUAL(skh_raw("LOGIN", m + 1, 2, NULL, &res, NULL, 0, NULL),
			SASL_OK);
}

static void test_login_malformed(void)
{
	char big[256];
	struct skh_result res;
	size_t i;

	memset(big, 'x', sizeof(big));
	const struct {
		const char *label;
		struct skh_msg m[3];
		size_t n;
		int rc;
	} rows[] = {
		{ "control", { { .absent = true }, M("acme"), { k_acme.text, strlen(k_acme.text), false } }, 3, SASL_OK },
		{ "empty user", { { .absent = true }, M(""), M("x") }, 2, SASL_BADPROT },
		{ "NUL in user", { { .absent = true }, M("ac\0me"), M("x") }, 2, SASL_BADPROT },
		{ "LF in user", { M("ac\nme"), M("x") }, 1, SASL_BADPROT },
		{ "256-byte user", { { big, 256, false }, M("x") }, 1, SASL_BADPROT },
		{ "empty password", { M("acme"), M("") }, 2, SASL_BADPROT },
		{ "NUL in password", { M("acme"), M("a\0b") }, 2, SASL_BADPROT },
		{ "256-byte password", { M("acme"), { big, 256, false } }, 2, SASL_BADPROT },
	};

	for (i = 0; i < SK_N_ELEMENTS(rows); i++) {
		size_t before = skh_audit_count();
		int rc = skh_raw("LOGIN", rows[i].m, rows[i].n, NULL, &res, NULL,
				 0, NULL);

		if (rc != rows[i].rc || skh_audit_count() != before + 1)
			fprintf(stderr, "\n  [LOGIN %s] rc=%d events=%zu\n",
				rows[i].label, rc, skh_audit_count() - before);
		CU_ASSERT_EQUAL(rc, rows[i].rc);
		CU_ASSERT_EQUAL(skh_audit_count(), before + 1);
		CU_ASSERT_STRING_EQUAL(skh_last_reason(),
				       rc == SASL_OK ? "ok" : "malformed_request");
	}
}

static void test_store_outages(void)
{
	struct skh_auth a = { .mech = "PLAIN", .authid = "apikey",
			      .pass = k_acme.text };
	char *saved;
	size_t len;

	saved = sk_test_read_file(skh_db(), &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(saved);
	expect(&a, SASL_OK, "ok", "outage control");

	/* removed: a temporary failure, not bad credentials */
	CU_ASSERT_EQUAL(unlink(skh_db()), 0);
	expect(&a, SASL_UNAVAIL, "store_unavailable", "removed");
	a.mech = "LOGIN";
	expect(&a, SASL_UNAVAIL, "store_unavailable", "removed (LOGIN)");
	a.mech = "PLAIN";

	/* corrupted in place */
	CU_ASSERT(sk_test_write_file(skh_db(), "this is not a database, really "
					       "not, not at all, no no no no no"
					       "no no no no no no no no no no no"
					       "no no no no no no no no no no no",
				     99));
	chmod(skh_db(), 0640);
	expect(&a, SASL_UNAVAIL, "store_unavailable", "corrupt");

	/* restored: works again without restarting anything */
	CU_ASSERT(sk_test_write_file(skh_db(), saved, len));
	chmod(skh_db(), 0640);
	expect(&a, SASL_OK, "ok", "restored");

	/* world-writable: refused */
	chmod(skh_db(), 0646);
	expect(&a, SASL_UNAVAIL, "store_unavailable", "world-writable");
	chmod(skh_db(), 0640);
	expect(&a, SASL_OK, "ok", "permissions fixed");
	free(saved);
}

static void test_audit_never_holds_a_secret(void)
{
	const struct skh_key *keys[] = { &k_acme, &k_imap, &k_acl, &k_revoked,
					 &k_expired, &k_dis, &k_net, &k_net_acl,
					 &k_v6, &k_open };
	size_t i;

	CU_ASSERT(skh_audit_count() > 50);
	for (i = 0; i < SK_N_ELEMENTS(keys); i++) {
		/* the secret is the 32 characters after the second '_' */
		const char *sec = strchr(strchr(keys[i]->text, '_') + 1, '_') + 1;

		CU_ASSERT_FALSE(sk_test_file_contains(skh_audit(), sec, 32));
		CU_ASSERT_FALSE(sk_test_file_contains(skh_db(), sec, 32));
		/* positive control: the public id is there */
		CU_ASSERT_TRUE(i > 0 || sk_test_file_contains(skh_audit(),
							      keys[i]->id, 12));
	}
}

SK_SUITE(sasl_plain_login, suite_init, suite_cleanup,
	 SK_TEST(test_success_every_username_form),
	 SK_TEST(test_policy_table),
	 SK_TEST(test_authzid),
	 SK_TEST(test_plain_malformed),
	 SK_TEST(test_login_exchange),
	 SK_TEST(test_login_malformed),
	 SK_TEST(test_store_outages),
	 SK_TEST(test_audit_never_holds_a_secret))
