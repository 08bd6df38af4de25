/* saslkey tests - saslkey_fallback: ordinary passwords via pwcheck_method */
#include "harness.h"
#include "sktest.h"
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The host's verifier is the stock sasldb auxprop, filled by the real
 * saslpasswd2.  "alice" exists only in sasldb; "carol" is in sasldb and is
 * also a saslkey account restricted to 192.0.2.0/24, so our policy must
 * still apply to her ordinary password.
 */
static struct skh_key k_acme;

static int make_sasldb(const char *user, const char *pass)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "printf '%%s' '%s' | saslpasswd2 -p -c -f '%s' -u %s %s",
		 pass, sk_test_path("sasldb2"), SKH_REALM, user);
	return system(cmd) == 0 ? 0 : -1;
}

static int suite_init(void)
{
	char line[600];
	const char *opts[] = { "mech_list: PLAIN LOGIN", "saslkey_fallback: yes",
			       "pwcheck_method: auxprop",
			       "auxprop_plugin: sasldb", line, NULL };

	snprintf(line, sizeof(line), "sasldb_path: %s",
		 sk_test_path("sasldb2"));
	if (make_sasldb("alice", "wonderland") != 0 ||
	    make_sasldb("carol", "caroline") != 0)
		return -1;
	if (skh_init(opts) != 0)
		return -1;
	skh_store_reset();
	skh_account("acme", NULL, false);
	skh_account("carol", "192.0.2.0/24", false);
	skh_key("acme", NULL, NULL, 0, 0, &k_acme);
	return 0;
}

static int suite_cleanup(void)
{
	return skh_done();
}

static void check(const char *mech, const char *user, const char *pass,
		  const char *remote, int rc, const char *reason,
		  const char *identity)
{
	struct skh_auth a = { .mech = mech, .authid = user, .pass = pass,
			      .remote = remote };
	struct skh_result res;
	size_t before = skh_audit_count();

	CU_ASSERT_EQUAL(skh_run(&a, &res), rc);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), reason);
	/* one event: the sasldb lookups inside checkpass add none */
	CU_ASSERT_EQUAL(skh_audit_count(), before + 1);
	if (identity != NULL)
		CU_ASSERT_STRING_EQUAL(res.user, identity);
}

static void test_ordinary_password(void)
{
	const char *mechs[] = { "PLAIN", "LOGIN" };
	size_t m;

	for (m = 0; m < 2; m++) {
		check(mechs[m], "alice", "wonderland", NULL, SASL_OK, "ok",
		      "alice");
		check(mechs[m], "alice", "wonderlant", NULL, SASL_BADAUTH,
		      "bad_password", NULL);
		check(mechs[m], "nobody", "wonderland", NULL, SASL_BADAUTH,
		      "bad_password", NULL);
	}
}

static void test_password_event_says_password(void)
{
	json_t *ev;
	const char *cred = NULL;

	check("PLAIN", "alice", "wonderland", NULL, SASL_OK, "ok", "alice");
	ev = skh_audit_last();
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_EQUAL(json_unpack(ev, "{s:{s:s}}", "saslkey", "credential",
				    &cred), 0);
	CU_ASSERT_STRING_EQUAL(cred, "password");
	json_decref(ev);
	CU_ASSERT_FALSE(sk_test_file_contains(skh_audit(), "wonderland", 10));
}

static void test_account_policy_still_applies(void)
{
	check("PLAIN", "carol", "caroline", "192.0.2.10;1", SASL_OK, "ok",
	      "carol");
	check("PLAIN", "carol", "caroline", "198.51.100.10;1", SASL_BADAUTH,
	      "ip_not_allowed_account", NULL);
	check("LOGIN", "carol", "caroline", "198.51.100.10;1", SASL_BADAUTH,
	      "ip_not_allowed_account", NULL);
}

static void test_keys_still_work(void)
{
	check("PLAIN", "apikey", k_acme.text, NULL, SASL_OK, "ok", "acme");
	/* a key-shaped password with a bad checksum is never a password */
	{
		char typo[SK_KEY_MAX_LEN + 1];

		snprintf(typo, sizeof(typo), "%s", k_acme.text);
		typo[12] = typo[12] == 'a' ? 'b' : 'a';
		check("PLAIN", "apikey", typo, NULL, SASL_BADAUTH,
		      "malformed_key", NULL);
	}
}

SK_SUITE(sasl_fallback, suite_init, suite_cleanup,
	 SK_TEST(test_ordinary_password),
	 SK_TEST(test_password_event_says_password),
	 SK_TEST(test_account_policy_still_applies),
	 SK_TEST(test_keys_still_work))
