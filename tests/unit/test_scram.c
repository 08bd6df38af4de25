/* saslkey tests - SCRAM verifiers against independently computed values */
#include "scram.h"
#include "sktest.h"
#include "status.h"

#include <string.h>

#include <openssl/evp.h>

/*
 * The salts and password of RFC 5802 section 5 and RFC 7677 section 3;
 * StoredKey and ServerKey computed with Python's hashlib (pbkdf2_hmac,
 * hmac), an implementation independent of ours.
 */
static void test_rfc_vectors(void)
{
	static const struct {
		enum sk_scram_hash h;
		const char *salt_b64, *want;
	} rows[] = {
		{ SK_SCRAM_SHA1, "QSXCR+Q6sek8bf92",
		  "SCRAM-SHA-1$4096:QSXCR+Q6sek8bf92$"
		  "6dlGYMOdZcOPutkcNY8U2g7vK9Y=:D+CSWLOshSulAsxiupA+qs2/fTE=" },
		{ SK_SCRAM_SHA256, "W22ZaJ0SNY7soEsUEjb6gQ==",
		  "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
		  "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
		  "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=" },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(rows); i++) {
		unsigned char salt[64];
		char out[SK_SCRAM_VERIFIER_MAX];
		int n = EVP_DecodeBlock(salt,
					(const unsigned char *)rows[i].salt_b64,
					(int)strlen(rows[i].salt_b64));
		size_t slen = (size_t)n;

		/* EVP_DecodeBlock counts padding bytes as data */
		if (rows[i].salt_b64[strlen(rows[i].salt_b64) - 1] == '=')
			slen--;
		if (rows[i].salt_b64[strlen(rows[i].salt_b64) - 2] == '=')
			slen--;
		CU_ASSERT_EQUAL(sk_scram_verifier_salt(rows[i].h, "pencil", 6,
						       salt, slen, 4096, out,
						       sizeof(out)), SK_OK);
		CU_ASSERT_STRING_EQUAL(out, rows[i].want);
		/* one letter of password more: a different verifier */
		CU_ASSERT_EQUAL(sk_scram_verifier_salt(rows[i].h, "pencils", 7,
						       salt, slen, 4096, out,
						       sizeof(out)), SK_OK);
		CU_ASSERT_STRING_NOT_EQUAL(out, rows[i].want);
	}
}

static void test_random_salt_and_limits(void)
{
	char a[SK_SCRAM_VERIFIER_MAX], b[SK_SCRAM_VERIFIER_MAX];

	CU_ASSERT_EQUAL(sk_scram_verifier(SK_SCRAM_SHA256, "pw", 2, 4096, a,
					  sizeof(a)), SK_OK);
	CU_ASSERT_EQUAL(sk_scram_verifier(SK_SCRAM_SHA256, "pw", 2, 4096, b,
					  sizeof(b)), SK_OK);
	CU_ASSERT(strncmp(a, "SCRAM-SHA-256$4096:", 19) == 0);
	CU_ASSERT_STRING_NOT_EQUAL(a, b);	/* fresh salt each time */
	CU_ASSERT_EQUAL(sk_scram_verifier(SK_SCRAM_SHA1, "pw", 2, 0, a,
					  sizeof(a)), SK_INVALID);
	CU_ASSERT_EQUAL(sk_scram_verifier(SK_SCRAM_SHA256, "pw", 2, 4096, a,
					  40), SK_INVALID);
}

SK_SUITE(scram, NULL, NULL,
	 SK_TEST(test_rfc_vectors),
	 SK_TEST(test_random_salt_and_limits))
