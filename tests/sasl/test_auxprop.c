/* saslkey tests - the auxprop plugin: SCRAM verifiers for the stock SCRAM
 * plugins, and the gate in front of stock mechanisms */
#include "harness.h"
#include "sktest.h"
#include "status.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

static struct skh_key k_scram, k_revoked, k_expired, k_imap, k_dis, k_net,
	k_plain;

static int scram_init(void)
{
	static const char *const opts[] = {
		"mech_list: SCRAM-SHA-256 SCRAM-SHA-1 PLAIN CRAM-MD5",
		"auxprop_plugin: saslkey", NULL
	};
	time_t now = time(NULL);

	skh_store_reset();
	if (skh_init(opts) != 0)
		return -1;
	skh_account("acme", NULL, false);
	skh_account("dis", NULL, true);
	skh_account("net", "192.0.2.0/24", false);
	skh_key_scram("acme", NULL, NULL, 0, 0, &k_scram);
	skh_key_scram("acme", NULL, NULL, 0, now - 1, &k_revoked);
	skh_key_scram("acme", NULL, NULL, now - 1, 0, &k_expired);
	skh_key_scram("acme", "imap", NULL, 0, 0, &k_imap);
	skh_key_scram("dis", NULL, NULL, 0, 0, &k_dis);
	skh_key_scram("net", NULL, NULL, 0, 0, &k_net);
	skh_key("acme", NULL, NULL, 0, 0, &k_plain);
	return 0;
}

static int suite_cleanup(void)
{
	return skh_done();
}

/* one exchange; events: how many audit events it must write */
static int run(const char *mech, const char *user, const char *pass,
	       const char *remote, const char *service, size_t events,
	       struct skh_result *res)
{
	struct skh_auth a = { .mech = mech, .authid = user, .pass = pass,
			      .remote = remote, .service = service };
	size_t before = skh_audit_count();
	int rc = skh_run(&a, res);

	CU_ASSERT_EQUAL(skh_audit_count(), before + events);
	return rc;
}

static void test_scram_with_keys(void)
{
	const char *mechs[] = { "SCRAM-SHA-256", "SCRAM-SHA-1" };
	struct skh_result res;
	size_t m;

	for (m = 0; m < 2; m++) {
		/* by key id and by account; the stock plugin does the rest */
		CU_ASSERT_EQUAL(run(mechs[m], k_scram.id, k_scram.text, NULL,
				    NULL, 0, &res), SASL_OK);
		CU_ASSERT_STRING_EQUAL(res.authsource, "scram");
		CU_ASSERT_STRING_EQUAL(res.user, k_scram.id);
		CU_ASSERT_EQUAL(run(mechs[m], "acme", k_scram.text, NULL, NULL,
				    0, &res), SASL_OK);
		CU_ASSERT_STRING_EQUAL(res.user, "acme");
		/* a wrong key: the stock plugin refuses the proof */
		CU_ASSERT_NOT_EQUAL(run(mechs[m], k_scram.id, k_imap.text, NULL,
					NULL, 0, &res), SASL_OK);
		/* a key without SCRAM verifiers: nothing to serve */
		CU_ASSERT_NOT_EQUAL(run(mechs[m], k_plain.id, k_plain.text, NULL,
					NULL, 0, &res), SASL_OK);
	}
}

static void test_gate_refusals(void)
{
	const struct {
		const char *label, *user, *pass, *remote, *service, *reason;
	} rows[] = {
		{ "revoked key", NULL, NULL, NULL, NULL, "key_revoked" },
		{ "expired key", NULL, NULL, NULL, NULL, "key_expired" },
		{ "service", NULL, NULL, NULL, "smtp", "service_not_allowed" },
		{ "disabled account", "dis", NULL, NULL, NULL, "account_disabled" },
		{ "outside allow-list", "net", NULL, "198.51.100.1;1", NULL,
		  "ip_not_allowed_account" },
		{ "no address", "net", NULL, "", NULL, "no_client_address" },
	};
	const struct skh_key *keys[] = { &k_revoked, &k_expired, &k_imap,
					 &k_dis, &k_net, &k_net };
	struct skh_result res;
	size_t i;

	/* controls: the same credentials where policy allows them */
	CU_ASSERT_EQUAL(run("SCRAM-SHA-256", k_imap.id, k_imap.text, NULL,
			    "imap", 0, &res), SASL_OK);
	CU_ASSERT_EQUAL(run("SCRAM-SHA-256", "net", k_net.text, "192.0.2.9;1",
			    NULL, 0, &res), SASL_OK);
	for (i = 0; i < SK_N_ELEMENTS(rows); i++) {
		const char *user = rows[i].user ? rows[i].user : keys[i]->id;
		struct skh_auth a = { .mech = "SCRAM-SHA-256", .authid = user,
				      .pass = keys[i]->text,
				      .remote = rows[i].remote,
				      .no_remote = rows[i].remote &&
						   !rows[i].remote[0],
				      .service = rows[i].service };
		size_t before = skh_audit_count();
		json_t *ev;
		const char *action = NULL;
		int rc = skh_run(&a, &res);

		if (rc != SASL_DISABLED ||
		    strcmp(skh_last_reason(), rows[i].reason) != 0)
			fprintf(stderr, "\n  [%s] rc=%d reason=%s\n",
				rows[i].label, rc, skh_last_reason());
		CU_ASSERT_EQUAL(rc, SASL_DISABLED);
		CU_ASSERT_EQUAL(skh_audit_count(), before + 1);
		CU_ASSERT_STRING_EQUAL(skh_last_reason(), rows[i].reason);
		ev = skh_audit_last();
		CU_ASSERT_EQUAL(json_unpack(ev, "{s:{s:s}}", "event", "action",
					    &action), 0);
		CU_ASSERT_STRING_EQUAL(action, "lookup");
		json_decref(ev);
	}
}

static void test_unknown_users_pass_through(void)
{
	struct skh_result res;

	/* not ours: SASL_NOUSER from the stock plugin, and no audit event */
	CU_ASSERT_EQUAL(run("SCRAM-SHA-256", "stranger", "whatever", NULL, NULL,
			    0, &res), SASL_NOUSER);
}

static void test_own_mechanisms_audit_once(void)
{
	struct skh_result res;

	/* our PLAIN canonicalises with the auxprop loaded: still one event */
	CU_ASSERT_EQUAL(run("PLAIN", "apikey", k_scram.text, NULL, NULL, 1,
			    &res), SASL_OK);
	CU_ASSERT_STRING_EQUAL(res.authsource, "saslkey");
	CU_ASSERT_EQUAL(run("PLAIN", "apikey", k_revoked.text, NULL, NULL, 1,
			    &res), SASL_BADAUTH);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), "key_revoked");
}

/* ---- saslpasswd2: account passwords into the store ---- */

/*
 * saslpasswd2 with a config whose only auxprop is saslkey (the store of
 * the running suite), so nothing else can keep a copy of the password.
 */
static int saslpasswd2(const char *args, const char *pass)
{
	/*
	 * A SANITIZE build's plugin needs the sanitizer runtime, which
	 * saslpasswd2 (not an ASan program) lacks: the Makefile names the
	 * shared runtime in SK_SAN_PRELOAD and it is preloaded here.
	 */
	const char *san = getenv("SK_SAN_PRELOAD");
	char cmd[2048], preload[600] = "";
	FILE *f;

	mkdir(sk_test_path("pw"), 0700);
	if ((f = fopen(sk_test_path("pw/pwtool.conf"), "w")) == NULL)
		return -1;
	fprintf(f, "auxprop_plugin: saslkey\nsaslkey_db: %s\n"
		   "saslkey_audit_syslog: no\nsaslkey_scram_iterations: 4096\n",
		skh_db());
	fclose(f);
	if (san != NULL && san[0] != '\0')
		snprintf(preload, sizeof(preload), "LD_PRELOAD='%s' ", san);
	snprintf(cmd, sizeof(cmd),
		 "printf '%%s' '%s' | %sSASL_PATH='%s' SASL_CONF_PATH='%s' "
		 "saslpasswd2 -a pwtool %s >/dev/null 2>&1",
		 pass ? pass : "", preload, getenv("SK_PLUGIN_DIR"),
		 sk_test_path("pw"), args);
	return system(cmd);
}

static void test_saslpasswd2_round_trip(void)
{
	struct skh_result res;
	static const char pw[] = "Tr0ub4dor&3-horse";

	CU_ASSERT_EQUAL_FATAL(saslpasswd2("-p -c dave", pw), 0);
	/* the account was created; the password is in no readable form */
	CU_ASSERT_FALSE(sk_test_file_contains(skh_db(), pw, strlen(pw)));
	CU_ASSERT_EQUAL(run("SCRAM-SHA-256", "dave", pw, NULL, NULL, 0, &res),
			SASL_OK);
	CU_ASSERT_EQUAL(run("SCRAM-SHA-1", "dave", pw, NULL, NULL, 0, &res),
			SASL_OK);
	/* our CRAM-MD5 uses the sealed state of the same password */
	CU_ASSERT_EQUAL(run("CRAM-MD5", "dave", pw, NULL, NULL, 1, &res),
			SASL_OK);
	CU_ASSERT_NOT_EQUAL(run("SCRAM-SHA-256", "dave", "wrong", NULL, NULL, 0,
				&res), SASL_OK);
	/* a new password replaces the old one */
	CU_ASSERT_EQUAL(saslpasswd2("-p dave", "second-password"), 0);
	CU_ASSERT_NOT_EQUAL(run("SCRAM-SHA-256", "dave", pw, NULL, NULL, 0,
				&res), SASL_OK);
	CU_ASSERT_EQUAL(run("SCRAM-SHA-256", "dave", "second-password", NULL,
			    NULL, 0, &res), SASL_OK);
	/* -d removes it */
	CU_ASSERT_EQUAL(saslpasswd2("-d dave", NULL), 0);
	CU_ASSERT_NOT_EQUAL(run("SCRAM-SHA-256", "dave", "second-password",
				NULL, NULL, 0, &res), SASL_OK);
	CU_ASSERT_EQUAL(run("CRAM-MD5", "dave", "second-password", NULL, NULL,
			    1, &res), SASL_BADAUTH);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), "no_secret");
}

SK_SUITE(sasl_auxprop_scram, scram_init, suite_cleanup,
	 SK_TEST(test_scram_with_keys),
	 SK_TEST(test_gate_refusals),
	 SK_TEST(test_unknown_users_pass_through),
	 SK_TEST(test_own_mechanisms_audit_once),
	 SK_TEST(test_saslpasswd2_round_trip))

/* ---- the gate in front of stock PLAIN against sasldb ---- */

static int sasldb_user(const char *user, const char *pass)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "printf '%%s' '%s' | saslpasswd2 -p -c -f '%s' -u %s %s", pass,
		 sk_test_path("gate-sasldb2"), SKH_REALM, user);
	return system(cmd) == 0 ? 0 : -1;
}

static int gate_init(void)
{
	char line[600];
	const char *opts[] = { "mech_list: PLAIN", "pwcheck_method: auxprop",
			       "auxprop_plugin: saslkey sasldb", line, NULL };

	snprintf(line, sizeof(line), "sasldb_path: %s",
		 sk_test_path("gate-sasldb2"));
	if (sasldb_user("carol", "carols-pw") != 0 ||
	    sasldb_user("alice", "alices-pw") != 0)
		return -1;
	skh_store_reset();
	if (skh_init_stock_first(opts) != 0)
		return -1;
	skh_account("carol", "127.0.0.1/32", false);
	return 0;
}

static void test_stock_plain_gated(void)
{
	struct skh_result res;
	json_t *ev;
	const char *action = NULL, *src = NULL;

	/* the stock PLAIN serves (stock directory first) */
	CU_ASSERT_EQUAL(run("PLAIN", "carol", "carols-pw", "127.0.0.1;5000",
			    NULL, 0, &res), SASL_OK);
	CU_ASSERT_STRING_EQUAL(res.authsource, "plain");
	/* the same user and password from elsewhere: refused by our gate */
	CU_ASSERT_EQUAL(run("PLAIN", "carol", "carols-pw", "192.0.2.1;5000",
			    NULL, 1, &res), SASL_DISABLED);
	CU_ASSERT_STRING_EQUAL(skh_last_reason(), "ip_not_allowed_account");
	ev = skh_audit_last();
	CU_ASSERT_EQUAL(json_unpack(ev, "{s:{s:s}, s:{s:s}}", "event", "action",
				    &action, "source", "ip", &src), 0);
	CU_ASSERT_STRING_EQUAL(action, "lookup");
	CU_ASSERT_STRING_EQUAL(src, "192.0.2.1");
	json_decref(ev);
	/* a wrong password is the stock verifier's business, not audited */
	CU_ASSERT_NOT_EQUAL(run("PLAIN", "carol", "nope", "127.0.0.1;5000",
				NULL, 0, &res), SASL_OK);
}

static void test_unknown_to_saslkey_unaffected(void)
{
	struct skh_result res;

	CU_ASSERT_EQUAL(run("PLAIN", "alice", "alices-pw", "192.0.2.1;5000",
			    NULL, 0, &res), SASL_OK);
	CU_ASSERT_STRING_EQUAL(res.user, "alice");
	CU_ASSERT_NOT_EQUAL(run("PLAIN", "alice", "wrong", "192.0.2.1;5000",
				NULL, 0, &res), SASL_OK);
}

static void test_never_a_plaintext_password(void)
{
	struct skh_result res;

	/* erin has only a saslkey password: stock PLAIN cannot use it,
	 * because the auxprop never serves userPassword */
	CU_ASSERT_EQUAL_FATAL(saslpasswd2("-p -c erin", "erins-pw"), 0);
	/* control: the password is there, as a saslkey secret */
	{
		struct sk_store *st = NULL;
		struct sk_account a;
		size_t n = 0;

		CU_ASSERT_FATAL(sk_store_open(skh_db(), SK_STORE_READ, NULL,
					      &st) == SK_OK);
		CU_ASSERT_EQUAL(st->ops->account_get(st, "erin", &a), SK_OK);
		CU_ASSERT_EQUAL(st->ops->secret_count(st, a.id, &n), SK_OK);
		CU_ASSERT_EQUAL(n, 1);
		sk_store_close(st);
	}
	CU_ASSERT_NOT_EQUAL(run("PLAIN", "erin", "erins-pw", "127.0.0.1;5000",
				NULL, 0, &res), SASL_OK);
}

SK_SUITE(sasl_auxprop_gate, gate_init, suite_cleanup,
	 SK_TEST(test_stock_plain_gated),
	 SK_TEST(test_unknown_to_saslkey_unaffected),
	 SK_TEST(test_never_a_plaintext_password))
