#define _GNU_SOURCE		/* memmem */
/* saslkey tests - CRAM-MD5 state, sealing, and the RFC 2195 vector
 * through the request layer */
#include "cram.h"
#include "request.h"
#include "seal.h"
#include "secret.h"
#include "sktest.h"
#include "status.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sasl/sasl.h>

/* RFC 2195 section 2 */
static const char rfc_chal[] = "<1896.697170952@postoffice.reston.mci.net>";
static const char rfc_secret[] = "tanstaaftanstaaf";
static const unsigned char rfc_digest[16] = {
	0xb9, 0x13, 0xa6, 0x02, 0xc7, 0xed, 0xa7, 0xa4,
	0x95, 0xb4, 0xe6, 0xe7, 0x33, 0x4d, 0x38, 0x90,
};

static void test_rfc2195_digest(void)
{
	unsigned char st[SK_CRAM_STATE_LEN], d[SK_CRAM_DIGEST_LEN];

	CU_ASSERT_EQUAL_FATAL(sk_cram_state(rfc_secret, 16, st), SK_OK);
	sk_cram_digest(st, rfc_chal, strlen(rfc_chal), d);
	CU_ASSERT_EQUAL(memcmp(d, rfc_digest, 16), 0);
	/* one byte of challenge more: another digest */
	sk_cram_digest(st, rfc_chal, strlen(rfc_chal) - 1, d);
	CU_ASSERT_NOT_EQUAL(memcmp(d, rfc_digest, 16), 0);
	/* the state is not the secret in any visible form */
	CU_ASSERT_PTR_NULL(memmem(st, sizeof(st), rfc_secret, 16));
}

/* RFC 2202 test case 6: an 80-byte key is hashed first (RFC 2104) */
static void test_long_key(void)
{
	static const unsigned char want[16] = {
		0x6b, 0x1a, 0xb7, 0xfe, 0x4b, 0xd7, 0xbf, 0x8f,
		0x0b, 0x62, 0xe6, 0xce, 0x61, 0xb9, 0xd0, 0xcd,
	};
	const char *msg = "Test Using Larger Than Block-Size Key - Hash Key First";
	unsigned char key[80], st[32], d[16];

	memset(key, 0xaa, sizeof(key));
	CU_ASSERT_EQUAL_FATAL(sk_cram_state(key, 80, st), SK_OK);
	sk_cram_digest(st, msg, strlen(msg), d);
	CU_ASSERT_EQUAL(memcmp(d, want, 16), 0);
	CU_ASSERT_EQUAL(sk_cram_state(key, SK_CRAM_SECRET_MAX + 1, st),
			SK_INVALID);
}

static void make_key(struct sk_master_key *mk, const char *name)
{
	char err[256];

	unlink(sk_test_path(name));
	CU_ASSERT_EQUAL_FATAL(sk_master_key_create(sk_test_path(name), err,
						   sizeof(err)), SK_OK);
	CU_ASSERT_EQUAL_FATAL(sk_master_key_load(sk_test_path(name), mk, err,
						 sizeof(err)), SK_OK);
}

/*
 * The AAD binds a sealed state to its row.  It is part of the format at
 * rest: stores sealed by any earlier version must still open, so its
 * bytes are pinned here.
 */
static void test_aad_bytes(void)
{
	static const char want_secret[] = "saslkey-cram\0secret\0AAAAAAAAAAAA";
	static const char want_key[] = "saslkey-cram\0key\0BBBBBBBBBBBB";
	char aad[64];
	size_t n;

	n = sk_cram_aad(false, "AAAAAAAAAAAA", aad, sizeof(aad));
	CU_ASSERT_EQUAL(n, sizeof(want_secret) - 1);
	CU_ASSERT(memcmp(aad, want_secret, sizeof(want_secret) - 1) == 0);
	n = sk_cram_aad(true, "BBBBBBBBBBBB", aad, sizeof(aad));
	CU_ASSERT_EQUAL(n, sizeof(want_key) - 1);
	CU_ASSERT(memcmp(aad, want_key, sizeof(want_key) - 1) == 0);
	/* exactly big enough (control), then one byte short: 0, not a cut */
	CU_ASSERT_EQUAL(sk_cram_aad(true, "BBBBBBBBBBBB", aad,
				    sizeof(want_key)), sizeof(want_key) - 1);
	CU_ASSERT_EQUAL(sk_cram_aad(true, "BBBBBBBBBBBB", aad,
				    sizeof(want_key) - 1), 0);
}

static void test_seal_roundtrip_and_tampering(void)
{
	struct sk_master_key mk, other;
	unsigned char sealed[SK_SEALED_MAX], out[64];
	size_t n, m;
	char aad[64], aad2[64];
	size_t alen = sk_cram_aad(false, "AAAAAAAAAAAA", aad, sizeof(aad));
	size_t alen2 = sk_cram_aad(true, "AAAAAAAAAAAA", aad2, sizeof(aad2));

	make_key(&mk, "mk1");
	make_key(&other, "mk2");
	CU_ASSERT_EQUAL_FATAL(sk_seal(&mk, aad, alen, "0123456789abcdef0123456789abcdef",
				      32, sealed, sizeof(sealed), &n), SK_OK);
	CU_ASSERT_EQUAL(n, 32 + SK_SEAL_OVERHEAD);
	/* control: the right key and row open it */
	CU_ASSERT_EQUAL(sk_unseal(&mk, aad, alen, sealed, n, out, sizeof(out),
				  &m), SK_OK);
	CU_ASSERT(m == 32 && memcmp(out, "0123456789abcdef0123456789abcdef",
				    32) == 0);
	/* another master key, another row, a flipped bit: all refused */
	CU_ASSERT_EQUAL(sk_unseal(&other, aad, alen, sealed, n, out, sizeof(out),
				  &m), SK_INVALID);
	CU_ASSERT_EQUAL(sk_unseal(&mk, aad2, alen2, sealed, n, out, sizeof(out),
				  &m), SK_INVALID);
	sealed[20] ^= 1;
	CU_ASSERT_EQUAL(sk_unseal(&mk, aad, alen, sealed, n, out, sizeof(out),
				  &m), SK_INVALID);
	sealed[20] ^= 1;
	CU_ASSERT_EQUAL(sk_unseal(&mk, aad, alen, sealed, n - 1, out,
				  sizeof(out), &m), SK_INVALID);
	/* two seals of one secret differ (fresh nonce) */
	{
		unsigned char s2[SK_SEALED_MAX];
		size_t n2;

		CU_ASSERT_EQUAL(sk_seal(&mk, aad, alen,
					"0123456789abcdef0123456789abcdef", 32,
					s2, sizeof(s2), &n2), SK_OK);
		CU_ASSERT(memcmp(s2, sealed, n) != 0);
	}
	sk_master_key_wipe(&mk);
	sk_master_key_wipe(&other);
}

static void test_master_key_file_rules(void)
{
	struct sk_master_key mk;
	struct stat sb;
	char err[256];
	const char *p = sk_test_path("mk-rules");

	unlink(p);
	CU_ASSERT_EQUAL(sk_master_key_create(p, err, sizeof(err)), SK_OK);
	CU_ASSERT(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	/* never overwritten */
	CU_ASSERT_EQUAL(sk_master_key_create(p, err, sizeof(err)), SK_EXISTS);
	CU_ASSERT_EQUAL(sk_master_key_load(p, &mk, err, sizeof(err)), SK_OK);
	/* readable by others: refused */
	chmod(p, 0644);
	CU_ASSERT_EQUAL(sk_master_key_load(p, &mk, err, sizeof(err)), SK_UNAVAIL);
	CU_ASSERT(strstr(err, "accessible to others") != NULL);
	CU_ASSERT_FALSE(mk.loaded);
	chmod(p, 0640);
	CU_ASSERT_EQUAL(sk_master_key_load(p, &mk, err, sizeof(err)), SK_OK);
	/* malformed content */
	CU_ASSERT(sk_test_write_file(p, "00112233", 8));
	CU_ASSERT_EQUAL(sk_master_key_load(p, &mk, err, sizeof(err)), SK_UNAVAIL);
	CU_ASSERT(sk_test_write_file(p, "zz112233445566778899aabbccddeeff00112233"
				        "445566778899aabbccddeeff\n", 65));
	CU_ASSERT_EQUAL(sk_master_key_load(p, &mk, err, sizeof(err)), SK_UNAVAIL);
	CU_ASSERT(sk_test_write_file(p, "00112233445566778899aabbccddeeff00112233"
				        "445566778899aabbccddeeff\n", 65));
	CU_ASSERT_EQUAL(sk_master_key_load(p, &mk, err, sizeof(err)), SK_OK);
	/* missing */
	unlink(p);
	CU_ASSERT_EQUAL(sk_master_key_load(p, &mk, err, sizeof(err)), SK_UNAVAIL);
	sk_master_key_wipe(&mk);
}

/* ---- the RFC 2195 vector at the request layer ---- */

static int accepted;
static char accepted_as[64];

static int accept_cb(void *hctx, const char *identity)
{
	(void)hctx;
	accepted++;
	snprintf(accepted_as, sizeof(accepted_as), "%s", identity);
	return SASL_OK;
}

static struct sk_ctx *ctx;

static void rfc_store(void)
{
	const char *db = sk_test_path("cram.db");
	struct sk_master_key mk;
	struct sk_store *st = NULL;
	struct sk_account a = { .created = 1 };
	struct sk_secret s = { .created = 1 };
	unsigned char fpr[SK_MASTER_FPR_LEN];
	char err[256];

	unlink(db);
	unlink(sk_test_path("master.key"));
	CU_ASSERT_EQUAL_FATAL(sk_store_open(db, SK_STORE_CREATE, NULL, &st),
			      SK_OK);
	CU_ASSERT_EQUAL_FATAL(sk_master_key_create(sk_test_path("master.key"),
						   err, sizeof(err)), SK_OK);
	CU_ASSERT_EQUAL_FATAL(sk_master_key_load(sk_test_path("master.key"),
						 &mk, err, sizeof(err)), SK_OK);
	sk_master_key_fingerprint(&mk, fpr);
	CU_ASSERT_EQUAL(st->ops->meta_set(st, SK_META_MASTER_FPR, fpr,
					  sizeof(fpr)), SK_OK);
	snprintf(a.name, sizeof(a.name), "tim");
	CU_ASSERT_EQUAL_FATAL(st->ops->account_add(st, &a), SK_OK);
	snprintf(s.id, sizeof(s.id), "TimSecret001");
	s.account_id = a.id;
	CU_ASSERT_EQUAL_FATAL(sk_cram_seal(&mk, false, s.id, rfc_secret, 16,
					   s.cram, sizeof(s.cram), &s.cram_len),
			      SK_OK);
	CU_ASSERT_EQUAL_FATAL(st->ops->secret_add(st, &s), SK_OK);
	sk_store_close(st);
	sk_master_key_wipe(&mk);
}

static int rfc_init(void)
{
	struct sk_settings s;

	sk_settings_load(&s, NULL, NULL, NULL, 0);
	snprintf(s.db, sizeof(s.db), "%s", sk_test_path("cram.db"));
	snprintf(s.audit_file, sizeof(s.audit_file), "%s",
		 sk_test_path("cram-audit.json"));
	s.audit_syslog = false;
	return sk_ctx_new(&s, NULL, &ctx) == SK_OK ? 0 : -1;
}

static int rfc_cleanup(void)
{
	sk_ctx_free(ctx);
	return 0;
}

static int cram_attempt(const char *user, const unsigned char *digest)
{
	struct sk_host host = { .accept = accept_cb };
	struct sk_attempt a = {
		.service = "imap", .mech = "CRAM-MD5",
		.remote = "192.0.2.1;1000", .remote_len = 14,
		.user = user, .user_len = strlen(user), .host = &host,
	};

	return sk_request_cram(ctx, &a, rfc_chal, strlen(rfc_chal), digest);
}

static void test_rfc2195_through_request_layer(void)
{
	unsigned char wrong[16];

	rfc_store();
	accepted = 0;
	CU_ASSERT_EQUAL(cram_attempt("tim", rfc_digest), SASL_OK);
	CU_ASSERT_EQUAL(accepted, 1);
	CU_ASSERT_STRING_EQUAL(accepted_as, "tim");
	CU_ASSERT(sk_test_file_contains(sk_test_path("cram-audit.json"),
					"\"reason\":\"ok\"", 13));

	memcpy(wrong, rfc_digest, 16);
	wrong[15] ^= 1;
	CU_ASSERT_EQUAL(cram_attempt("tim", wrong), SASL_BADAUTH);
	CU_ASSERT(sk_test_file_contains(sk_test_path("cram-audit.json"),
					"\"reason\":\"bad_secret\"", 21));
	CU_ASSERT_EQUAL(cram_attempt("tom", rfc_digest), SASL_BADAUTH);
	CU_ASSERT(sk_test_file_contains(sk_test_path("cram-audit.json"),
					"\"reason\":\"unknown_user\"", 23));
	CU_ASSERT_EQUAL(accepted, 1);
	/* the store holds neither the secret nor the bare state */
	{
		unsigned char st[SK_CRAM_STATE_LEN];

		sk_cram_state(rfc_secret, 16, st);
		CU_ASSERT_FALSE(sk_test_file_contains(sk_test_path("cram.db"),
						      rfc_secret, 16));
		CU_ASSERT_FALSE(sk_test_file_contains(sk_test_path("cram.db"),
						      st, sizeof(st)));
		CU_ASSERT_FALSE(sk_test_file_contains(sk_test_path("cram.db"),
						      st, 16));
		CU_ASSERT_FALSE(sk_test_file_contains(sk_test_path("cram.db"),
						      st + 16, 16));
	}
}

static void test_wrong_and_missing_master_key(void)
{
	char err[256];

	rfc_store();
	/* control */
	CU_ASSERT_EQUAL(cram_attempt("tim", rfc_digest), SASL_OK);
	/* another key file in place: recognised by its fingerprint */
	rfc_cleanup();
	unlink(sk_test_path("master.key"));
	CU_ASSERT_EQUAL(sk_master_key_create(sk_test_path("master.key"), err,
					     sizeof(err)), SK_OK);
	CU_ASSERT_EQUAL_FATAL(rfc_init(), 0);
	CU_ASSERT_EQUAL(cram_attempt("tim", rfc_digest), SASL_UNAVAIL);
	CU_ASSERT(sk_test_file_contains(sk_test_path("cram-audit.json"),
					"\"reason\":\"master_key_unavailable\"",
					33));
	/* no key file at all */
	rfc_cleanup();
	unlink(sk_test_path("master.key"));
	CU_ASSERT_EQUAL_FATAL(rfc_init(), 0);
	CU_ASSERT_EQUAL(cram_attempt("tim", rfc_digest), SASL_UNAVAIL);
}

SK_SUITE(cram, NULL, NULL,
	 SK_TEST(test_rfc2195_digest),
	 SK_TEST(test_long_key),
	 SK_TEST(test_aad_bytes),
	 SK_TEST(test_seal_roundtrip_and_tampering),
	 SK_TEST(test_master_key_file_rules))

SK_SUITE(cram_request, rfc_init, rfc_cleanup,
	 SK_TEST(test_rfc2195_through_request_layer),
	 SK_TEST(test_wrong_and_missing_master_key))
