/* saslkey tests - what the fuzzers and sanitizers found (issue 8), kept
 * as regression vectors; the seed corpora are in tests/fuzz/corpus */
#include "jwk.h"
#include "key.h"
#include "request.h"
#include "seal.h"
#include "sktest.h"
#include "status.h"
#include "store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sasl/sasl.h>

/*
 * LeakSanitizer, in saslpasswd2 with the ASan plugin: seal.c kept its
 * fetched AES-256-GCM cipher in a static of the plugin, so libsasl2's
 * dlclose() in sasl_done lost the reference and OpenSSL could never free
 * the cipher.  The plugin now drops it (sk_seal_release) when libsasl2
 * frees it.  Sealing must keep working after a release (the cipher is
 * fetched again), and a second release must be harmless.
 */
static void test_seal_release(void)
{
	static const char secret[] = "0123456789abcdef0123456789abcdef";
	struct sk_master_key mk;
	unsigned char sealed[64], out[64];
	size_t n = 0, m = 0;
	char err[256];
	int round;

	unlink(sk_test_path("fuzzreg.key"));
	CU_ASSERT_EQUAL_FATAL(sk_master_key_create(sk_test_path("fuzzreg.key"),
						   err, sizeof(err)), SK_OK);
	CU_ASSERT_EQUAL_FATAL(sk_master_key_load(sk_test_path("fuzzreg.key"),
						 &mk, err, sizeof(err)), SK_OK);
	for (round = 0; round < 3; round++) {
		/* control first: a seal and unseal round trip */
		CU_ASSERT_EQUAL(sk_seal(&mk, "aad", 3, secret, 32, sealed,
					sizeof(sealed), &n), SK_OK);
		CU_ASSERT_EQUAL(sk_unseal(&mk, "aad", 3, sealed, n, out,
					  sizeof(out), &m), SK_OK);
		CU_ASSERT(m == 32 && memcmp(out, secret, 32) == 0);
		/* the wrong row is still refused after a release */
		CU_ASSERT_EQUAL(sk_unseal(&mk, "aae", 3, sealed, n, out,
					  sizeof(out), &m), SK_INVALID);
		sk_seal_release();
		if (round == 2)
			sk_seal_release();
	}
	sk_master_key_wipe(&mk);
}

/*
 * fuzz_login, fuzz_plain, fuzz_cram (the audit invariant of
 * tests/fuzz/lib/saslfx.c): a client that answers LOGIN's "Username:"
 * with its API key - or puts the key in PLAIN's authcid, or before a
 * CRAM-MD5 digest - had the whole key, secret included, written to the
 * audit event (user.name) and the syslog line (user=).  Only the key's
 * public "<prefix>_<id>_" may be logged.
 */
#define KEY	"sk_FuzzKeyAcme1_0123456789abcdefghijABCDEFGHIJkl29WYqh"
#define SECRET	"0123456789abcdefghijABCDEFGHIJkl"

static void test_key_loggable_len(void)
{
	static const struct {
		const char *in;
		size_t want;	/* SIZE_MAX: all of it */
	} rows[] = {
		{ "acme", SIZE_MAX },
		{ "apikey", SIZE_MAX },
		{ "FuzzKeyAcme1", SIZE_MAX },		/* a key id is public */
		{ "alice@example.com", SIZE_MAX },
		{ "sk_FuzzKeyAcme1_", SIZE_MAX },	/* nothing after it */
		{ "a_b_c", SIZE_MAX },
		{ "x_FuzzKeyAcm-1_secret", SIZE_MAX },	/* not base62 */
		{ KEY, 16 },
		{ "sk_FuzzKeyAcme1_0", 16 },		/* cut short */
		{ KEY "\n", 16 },
		{ "live_FuzzKeyAcme1_" SECRET, 18 },	/* another prefix */
		{ "SK_FuzzKeyAcme1_" SECRET, 16 },	/* not a prefix at all */
		{ "user " KEY, 21 },			/* after other text */
		{ "a_b_FuzzKeyAcme1_x", 17 },		/* the first match */
		{ "_FuzzKeyAcme1_x", 14 },
	};
	size_t i, n;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		n = strlen(rows[i].in);
		if (sk_key_loggable_len(rows[i].in, n) !=
		    (rows[i].want == SIZE_MAX ? n : rows[i].want))
			fprintf(stderr, "\n  [%s] got %zu\n", rows[i].in,
				sk_key_loggable_len(rows[i].in, n));
		CU_ASSERT_EQUAL(sk_key_loggable_len(rows[i].in, n),
				rows[i].want == SIZE_MAX ? n : rows[i].want);
	}
	/* counted, not NUL-terminated: nothing past n is looked at */
	CU_ASSERT_EQUAL(sk_key_loggable_len(KEY, 20), 16);
	CU_ASSERT_EQUAL(sk_key_loggable_len(KEY, 16), 16);
	CU_ASSERT_EQUAL(sk_key_loggable_len(KEY, 15), 15);
}

static struct sk_ctx *rctx;

static int request_init(void)
{
	struct sk_store *st = NULL;
	struct sk_settings s;

	unlink(sk_test_path("fuzzreg.db"));
	if (sk_store_open(sk_test_path("fuzzreg.db"), SK_STORE_CREATE, NULL,
			  &st) != SK_OK)
		return -1;
	sk_store_close(st);
	sk_settings_load(&s, NULL, NULL, NULL, 0);
	snprintf(s.db, sizeof(s.db), "%s", sk_test_path("fuzzreg.db"));
	snprintf(s.audit_file, sizeof(s.audit_file), "%s",
		 sk_test_path("fuzzreg-audit.json"));
	s.audit_syslog = false;
	return sk_ctx_new(&s, NULL, &rctx) == SK_OK ? 0 : -1;
}

static int request_cleanup(void)
{
	sk_ctx_free(rctx);
	return 0;
}

/* the last audit event's user.name, in a static buffer */
static const char *last_user(void)
{
	static char buf[300];
	char *line = sk_test_last_line(sk_test_path("fuzzreg-audit.json"));
	json_t *j = line ? json_loads(line, 0, NULL) : NULL;
	const char *u = NULL;

	buf[0] = '\0';
	if (j != NULL && json_unpack(j, "{s:{s:s}}", "user", "name", &u) == 0)
		snprintf(buf, sizeof(buf), "%s", u);
	json_decref(j);
	free(line);
	return buf;
}

static void test_key_as_user_not_audited(void)
{
	struct sk_host host = { 0 };
	struct sk_attempt a = {
		.service = "smtp", .mech = "LOGIN",
		.remote = "192.0.2.1;1000", .remote_len = 14, .host = &host,
	};
	const char *audit = sk_test_path("fuzzreg-audit.json");

	/* control: an ordinary user name is audited as given */
	a.user = "apikey";
	a.user_len = 6;
	CU_ASSERT_EQUAL(sk_request_password(rctx, &a, KEY, strlen(KEY)),
			SASL_BADAUTH);
	CU_ASSERT_STRING_EQUAL(last_user(), "apikey");

	/* LOGIN: the key as user and as password */
	a.user = KEY;
	a.user_len = strlen(KEY);
	CU_ASSERT_EQUAL(sk_request_password(rctx, &a, KEY, strlen(KEY)),
			SASL_BADAUTH);
	CU_ASSERT_STRING_EQUAL(last_user(), "sk_FuzzKeyAcme1_");
	/* a malformed message (LOGIN: an empty password) after it */
	CU_ASSERT_EQUAL(sk_request_malformed(rctx, &a), SASL_BADPROT);
	CU_ASSERT_STRING_EQUAL(last_user(), "sk_FuzzKeyAcme1_");
	/* CRAM-MD5: "<key> <digest>" */
	a.mech = "CRAM-MD5";
	a.user = "x " KEY;
	a.user_len = strlen(a.user);
	CU_ASSERT_EQUAL(sk_request_malformed(rctx, &a), SASL_BADPROT);
	CU_ASSERT_STRING_EQUAL(last_user(), "x sk_FuzzKeyAcme1_");
	CU_ASSERT_FALSE(sk_test_file_contains(audit, SECRET, 8));
}

/*
 * fuzz_jwks (check_reimport): an RSA modulus (the e2e test key with five
 * characters of its "n" replaced, so no longer a product of two primes)
 * that OpenSSL's public check refused or accepted at random - its
 * SP 800-56B test fails a modulus whose factor a Miller-Rabin round with
 * a random base happens to find - so "saslkey issuer add" could accept a
 * key the plugin then refused (or the reverse).  jwk.c checks RSA keys
 * itself now, with the same answer every time: the same import, many
 * times over, must agree with itself; the untouched key is the control.
 */
static const char rsa_n_good[] =
	"qdNUi7bfBA-Vc2C4GgsRStCSpVnp27d-F46DsIkaVohN7hZRxpjhEjfpQdvT"
	"DmE__IhndgDJfL0-_lWrfJ4zzdpvyCyPWlV2jQ5sN5nuZBgGxDU4yipx34xe"
	"gTHzJ8QlWL-4DRP-1GUftEUGTKDFaYD2jrvigEJHhoV4wil4ovlezUO0GiCY"
	"9xV5Mur0RI7c34PvBA_h5o_75_PkmuyNvxmbr7bhVMx05YUuZfa2yn13NZK8"
	"0rTaS4G8w9tbP7-brTb512Mwaa5Ew69iVz_Kf0VL4fdiHkyZCXYNOmysSi6A"
	"OgYDzSP_s_d_quyMXSFuALNuBrsRUYMA63HeeX9ioQ";
static const char rsa_n_fuzzed[] =
	"qdNUi7bfBA-Vc2C4GgsRStCSpVnp27d-F46DsIkaVohN7hZRxpjhEjfpQdvT"
	"DmE__IhndgDJfL0-_lWrfJ4zzdpvyCyPWlV2jQ5sN5nuZBgGRS512ipx34xe"
	"gTHzJ8QlWL-4DRP-1GUftEUGTKDFaYD2jrvigEJHhoV4wil4ovlezUO0GiCY"
	"9xV5Mur0RI7c34PvBA_h5o_75_PkmuyNvxmbr7bhVMx05YUuZfa2yn13NZK8"
	"0rTaS4G8w9tbP7-brTb512Mwaa5Ew69iVz_Kf0VL4fdiHkyZCXYNOmysSi6A"
	"OgYDzSP_s_d_quyMXSFuALNuBrsRUYMA63HeeX9ioQ";

static int import_n_times(const char *n, int times, int *ok)
{
	static const enum sk_jwk_alg rs256[] = { SK_ALG_RS256 };
	char jwks[1024], err[256];
	struct sk_jwk *keys;
	size_t nkeys;
	int i, len;

	*ok = 0;
	len = snprintf(jwks, sizeof(jwks), "{\"keys\":[{\"kty\":\"RSA\","
		       "\"kid\":\"r\",\"alg\":\"RS256\",\"n\":\"%s\","
		       "\"e\":\"AQAB\"}]}", n);
	CU_ASSERT_FATAL(len > 0 && (size_t)len < sizeof(jwks));
	for (i = 0; i < times; i++) {
		if (sk_jwks_import(jwks, (size_t)len, rs256, 1, &keys, &nkeys,
				   err, sizeof(err)) == SK_OK) {
			(*ok)++;
			sk_jwks_free(keys, nkeys);
		}
	}
	return times;
}

static void test_rsa_check_deterministic(void)
{
	int ok, times;

	times = import_n_times(rsa_n_good, 64, &ok);
	CU_ASSERT_EQUAL(ok, times);
	times = import_n_times(rsa_n_fuzzed, 64, &ok);
	CU_ASSERT(ok == 0 || ok == times);
	CU_ASSERT_EQUAL(ok, 0);		/* it has a factor below 1,000 */
}

SK_SUITE(fuzz_regressions, NULL, NULL,
	 SK_TEST(test_seal_release),
	 SK_TEST(test_key_loggable_len),
	 SK_TEST(test_rsa_check_deterministic))

SK_SUITE(fuzz_regressions_request, request_init, request_cleanup,
	 SK_TEST(test_key_as_user_not_audited))
