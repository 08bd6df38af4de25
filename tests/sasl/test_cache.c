/* saslkey tests - the per-generation caches never outlive a change */
#include "harness.h"
#include "run.h"
#include "status.h"
#include "sktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * One process (this one) keeps the plugin loaded across attempts, as an
 * smtpd does, so the records of a key, an account and a CRAM-MD5 user are
 * answered from the request layer's cache after the first attempt.  Each
 * row: the credential works twice (the second from the cache: the
 * positive control), the administrator changes the store with the real
 * CLI, and the very next attempt in the same process gets the change; an
 * undoable change is undone and the credential works again.
 */
static struct skh_key k_rev, k_exp, k_dis, k_acl, k_svc, k_cram_rev;
static char s_cram_id[13];

#define S_CRAM "tanstaaftanstaaf-cache"

static int suite_init(void)
{
	static const char *const opts[] = {
		"mech_list: PLAIN LOGIN CRAM-MD5", NULL
	};

	skh_store_reset();
	if (skh_init(opts) != 0)
		return -1;
	skh_account("c-rev", NULL, false);
	skh_account("c-exp", NULL, false);
	skh_account("c-dis", NULL, false);
	skh_account("c-acl", NULL, false);
	skh_account("c-svc", NULL, false);
	skh_account("c-cram", NULL, false);
	skh_key("c-rev", NULL, NULL, 0, 0, &k_rev);
	skh_key("c-exp", NULL, NULL, 0, 0, &k_exp);
	skh_key("c-dis", NULL, NULL, 0, 0, &k_dis);
	skh_key("c-acl", NULL, NULL, 0, 0, &k_acl);
	skh_key("c-svc", NULL, NULL, 0, 0, &k_svc);
	skh_key_cram("c-cram", NULL, NULL, 0, 0, &k_cram_rev);
	skh_cram_secret("c-cram", S_CRAM, 0, 0, s_cram_id);
	return 0;
}

static int suite_cleanup(void)
{
	return skh_done();
}

static void cli(const char *const *args)
{
	const char *argv[16] = { getenv("SK_CLI"), "--db", skh_db() };
	char *out = NULL, *err = NULL;
	size_t i;
	int rc;

	for (i = 0; args[i] != NULL && i + 4 < 16; i++)
		argv[3 + i] = args[i];
	argv[3 + i] = NULL;
	rc = sk_run(argv, NULL, NULL, &out, &err);
	if (rc != 0)
		fprintf(stderr, "\n  saslkey %s %s: exit %d\n", args[0], args[1],
			rc);
	CU_ASSERT_EQUAL(rc, 0);
	free(out);
	free(err);
}

static void expect(const struct skh_auth *a, int rc, const char *reason,
		   const char *label)
{
	struct skh_result res;
	size_t before = skh_audit_count();
	int got = skh_run(a, &res);

	if (got != rc || strcmp(skh_last_reason(), reason) != 0)
		fprintf(stderr, "\n  [%s] got rc=%d reason=%s, want rc=%d "
				"reason=%s\n", label, got, skh_last_reason(), rc,
			reason);
	CU_ASSERT_EQUAL(got, rc);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), reason);
	CU_ASSERT_EQUAL(skh_audit_count(), before + 1);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_changes_seen_by_the_next_attempt(void)
{
	const struct {
		const char *label;
		struct skh_auth auth;
		const char *const *change;
		int rc;
		const char *reason;
		const char *const *undo;	/* NULL: permanent */
	} rows[] = {
		{ "PLAIN, key revoked",
		  { .mech = "PLAIN", .authid = "apikey", .pass = k_rev.text },
		  ARGS("key", "revoke", k_rev.id), SASL_BADAUTH, "key_revoked",
		  NULL },
		{ "LOGIN, key expired",
		  { .mech = "LOGIN", .authid = "c-exp", .pass = k_exp.text },
		  ARGS("key", "expire", k_exp.id, "now"), SASL_BADAUTH,
		  "key_expired", NULL },
		{ "PLAIN, account disabled, then enabled",
		  { .mech = "PLAIN", .authid = k_dis.id, .pass = k_dis.text },
		  ARGS("account", "disable", "c-dis"), SASL_BADAUTH,
		  "account_disabled", ARGS("account", "enable", "c-dis") },
		{ "PLAIN, account allow-list set, then removed",
		  { .mech = "PLAIN", .authid = "apikey", .pass = k_acl.text },
		  ARGS("account", "allow", "c-acl", "192.0.2.0/24"),
		  SASL_BADAUTH, "ip_not_allowed_account",
		  ARGS("account", "disallow", "c-acl", "192.0.2.0/24") },
		{ "CRAM-MD5, account secret revoked",
		  { .mech = "CRAM-MD5", .authid = "c-cram", .pass = S_CRAM },
		  ARGS("cram", "revoke", "c-cram", s_cram_id), SASL_BADAUTH,
		  "key_revoked", NULL },
		{ "CRAM-MD5, CRAM-enabled key's account disabled, then enabled",
		  { .mech = "CRAM-MD5", .authid = k_cram_rev.id,
		    .pass = k_cram_rev.text },
		  ARGS("account", "disable", "c-cram"), SASL_BADAUTH,
		  "account_disabled", ARGS("account", "enable", "c-cram") },
		{ "CRAM-MD5, CRAM-enabled key revoked",
		  { .mech = "CRAM-MD5", .authid = k_cram_rev.id,
		    .pass = k_cram_rev.text },
		  ARGS("key", "revoke", k_cram_rev.id), SASL_BADAUTH,
		  "key_revoked", NULL },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(rows); i++) {
		expect(&rows[i].auth, SASL_OK, "ok", rows[i].label);
		expect(&rows[i].auth, SASL_OK, "ok", rows[i].label);
		cli(rows[i].change);
		expect(&rows[i].auth, rows[i].rc, rows[i].reason,
		       rows[i].label);
		if (rows[i].undo != NULL) {
			cli(rows[i].undo);
			expect(&rows[i].auth, SASL_OK, "ok", rows[i].label);
		}
	}
}

/* a store replaced under the process (a deploy, a restore) is re-read */
static void test_store_replaced(void)
{
	struct skh_auth a = { .mech = "PLAIN", .authid = "apikey",
			      .pass = k_svc.text };

	expect(&a, SASL_OK, "ok", "before");
	expect(&a, SASL_OK, "ok", "before, cached");
	skh_store_reset();		/* a new file: the key is gone */
	expect(&a, SASL_BADAUTH, "unknown_key", "after the replacement");
}

SK_SUITE(sasl_cache, suite_init, suite_cleanup,
	 SK_TEST(test_changes_seen_by_the_next_attempt),
	 SK_TEST(test_store_replaced))
