/* saslkey tests - common/key.c: the API key format */
#include "key.h"
#include "status.h"
#include "sktest.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

static const char b62[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static const char ID[] = "Ab12Cd34Ef56";
static const char SECRET[] = "0123456789abcdefghijABCDEFGHIJxy";	/* 32 */

/*
 * "<prefix>_<id>_<secret><crc>" built independently of key.c: the crc is
 * CRC32 of everything before it in 6 base62 digits, most significant
 * first.  Used to build inputs that are wrong in exactly one way.
 */
static size_t build_key(const char *prefix, const char *id, const char *secret,
			char *out, size_t cap)
{
	uint32_t crc;
	size_t n;
	int i;

	n = (size_t)snprintf(out, cap, "%s_%s_%s", prefix, id, secret);
	CU_ASSERT_FATAL(n + SK_KEY_CRC_LEN < cap);
	crc = sk_crc32(out, n);
	for (i = SK_KEY_CRC_LEN - 1; i >= 0; i--) {
		out[n + (size_t)i] = b62[crc % 62];
		crc /= 62;
	}
	n += SK_KEY_CRC_LEN;
	out[n] = '\0';
	return n;
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static bool only_b62(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || strchr(b62, s[i]) == NULL)
			return false;
	return true;
}

static void test_crc32_vectors(void)
{
	CU_ASSERT_EQUAL(sk_crc32("123456789", 9), 0xCBF43926u);
	CU_ASSERT_EQUAL(sk_crc32("a", 1), 0xE8B7BE43u);
	CU_ASSERT_EQUAL(sk_crc32("", 0), 0u);
	/* the length counts, not the NUL */
	CU_ASSERT_NOT_EQUAL(sk_crc32("123456789", 8), 0xCBF43926u);
}

static void test_round_trip(void)
{
	static const char *const prefixes[] = { "sk", "a", "0", "x9",
						"abcdefghijklmnop" };
	size_t i;
	int rep;

	for (i = 0; i < SK_N_ELEMENTS(prefixes); i++) {
		for (rep = 0; rep < 20; rep++) {
			struct sk_key k, p;
			char text[SK_KEY_MAX_LEN + 1];
			size_t plen = strlen(prefixes[i]);

			CU_ASSERT_FATAL(sk_key_generate(prefixes[i], &k) == SK_OK);
			CU_ASSERT_STRING_EQUAL(k.prefix, prefixes[i]);
			CU_ASSERT(strlen(k.id) == SK_KEY_ID_LEN &&
				  only_b62(k.id, SK_KEY_ID_LEN));
			CU_ASSERT(strlen(k.secret) == SK_KEY_SECRET_LEN &&
				  only_b62(k.secret, SK_KEY_SECRET_LEN));
			sk_key_format(&k, text, sizeof(text));
			CU_ASSERT_EQUAL(strlen(text), plen + 1 + SK_KEY_ID_LEN +
				       1 + SK_KEY_SECRET_LEN + SK_KEY_CRC_LEN);
			CU_ASSERT(text[plen] == '_' &&
				  text[plen + 1 + SK_KEY_ID_LEN] == '_');
			CU_ASSERT_EQUAL(sk_key_parse(text, strlen(text), &p),
					SK_KEY_OK);
			CU_ASSERT(memcmp(&k, &p, sizeof(k)) == 0);
			sk_key_wipe(&k);
			sk_key_wipe(&p);
		}
	}
}

/* the independent builder agrees with sk_key_format, so the spec holds */
static void test_format_matches_spec(void)
{
	struct sk_key k;
	char mine[128], theirs[SK_KEY_MAX_LEN + 1];

	memset(&k, 0, sizeof(k));
	strcpy(k.prefix, "sk");
	strcpy(k.id, ID);
	strcpy(k.secret, SECRET);
	build_key("sk", ID, SECRET, mine, sizeof(mine));
	sk_key_format(&k, theirs, sizeof(theirs));
	CU_ASSERT_STRING_EQUAL(mine, theirs);
}

static void test_format_truncates_safely(void)
{
	struct sk_key k;
	char out[16];

	memset(&k, 0, sizeof(k));
	strcpy(k.prefix, "sk");
	strcpy(k.id, ID);
	strcpy(k.secret, SECRET);
	memset(out, 'Z', sizeof(out));
	sk_key_format(&k, out, 10);
	CU_ASSERT_EQUAL(strlen(out), 9);
	CU_ASSERT(strncmp(out, "sk_Ab12Cd", 9) == 0);
	CU_ASSERT_EQUAL(out[10], 'Z');		/* nothing past cap */
	memset(out, 'Z', sizeof(out));
	sk_key_format(&k, out, 0);
	CU_ASSERT_EQUAL(out[0], 'Z');
}

/* CRC32 catches every single-byte error: no substitution may parse */
static void test_every_substitution_detected(void)
{
	/* every base62 character, the separator, and a few others */
	static const char repl[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"_-+/= .\n";
	unsigned accepted = 0, misclassified = 0, controls = 0;
	int rep;

	for (rep = 0; rep < 3; rep++) {
		struct sk_key k, p;
		char text[SK_KEY_MAX_LEN + 1];
		size_t n, i, j, sec_start;

		CU_ASSERT_FATAL(sk_key_generate(rep == 1 ? "longerprefix1" : "sk",
						&k) == SK_OK);
		sk_key_format(&k, text, sizeof(text));
		n = strlen(text);
		sec_start = strlen(k.prefix) + 1 + SK_KEY_ID_LEN + 1;
		/* positive control: the unmodified text */
		controls += sk_key_parse(text, n, &p) == SK_KEY_OK;
		for (i = 0; i < n; i++) {
			char orig = text[i];

			for (j = 0; j < sizeof(repl) - 1; j++) {
				enum sk_key_parse r;

				if (repl[j] == orig)
					continue;
				text[i] = repl[j];
				r = sk_key_parse(text, n, &p);
				accepted += r == SK_KEY_OK;
				/* a base62 typo in the secret or crc is a
				 * malformed key, not "not a key" */
				if (i >= sec_start && strchr(b62, repl[j]) &&
				    r != SK_KEY_MALFORMED)
					misclassified++;
			}
			text[i] = orig;
		}
		sk_key_wipe(&k);
		sk_key_wipe(&p);
		memset(text, 0, sizeof(text));
	}
	CU_ASSERT_EQUAL(controls, 3);
	CU_ASSERT_EQUAL(accepted, 0);
	CU_ASSERT_EQUAL(misclassified, 0);
}

/* a paste cut short at either end never parses */
static void test_every_truncation_detected(void)
{
	struct sk_key k, p;
	char text[SK_KEY_MAX_LEN + 1];
	size_t n, cut, head;
	unsigned accepted = 0, wrong_class = 0;

	CU_ASSERT_FATAL(sk_key_generate("sk", &k) == SK_OK);
	sk_key_format(&k, text, sizeof(text));
	n = strlen(text);
	head = strlen(k.prefix) + 1 + SK_KEY_ID_LEN + 1;
	CU_ASSERT_EQUAL(sk_key_parse(text, n, &p), SK_KEY_OK);
	for (cut = 1; cut <= n; cut++) {
		enum sk_key_parse r = sk_key_parse(text, n - cut, &p);

		accepted += r == SK_KEY_OK;
		/* "sk_<id>_" and longer still start like a key */
		if (r != (n - cut >= head ? SK_KEY_MALFORMED : SK_KEY_NOT_A_KEY))
			wrong_class++;
		/* dropping the first characters */
		accepted += sk_key_parse(text + cut, n - cut, &p) == SK_KEY_OK;
	}
	CU_ASSERT_EQUAL(accepted, 0);
	CU_ASSERT_EQUAL(wrong_class, 0);
	/* one character too many */
	text[n] = 'A';
	CU_ASSERT_EQUAL(sk_key_parse(text, n + 1, &p), SK_KEY_MALFORMED);
	sk_key_wipe(&k);
	sk_key_wipe(&p);
	memset(text, 0, sizeof(text));
}

struct parse_case {
	const char *what;
	const char *prefix, *id, *secret;	/* built with a valid crc */
	enum sk_key_parse want;
};

/* valid crc, one part wrong: each negative right after its control */
static void test_wrong_parts(void)
{
	static const struct parse_case cases[] = {
		{ "control", "sk", ID, SECRET, SK_KEY_OK },
		{ "secret 31", "sk", ID, "0123456789abcdefghijABCDEFGHIJx",
		  SK_KEY_MALFORMED },
		{ "secret 33", "sk", ID, "0123456789abcdefghijABCDEFGHIJxyz",
		  SK_KEY_MALFORMED },
		{ "secret empty", "sk", ID, "", SK_KEY_MALFORMED },
		{ "secret with -", "sk", ID, "0123456789abcdefghijABCDEFGHIJx-",
		  SK_KEY_MALFORMED },
		{ "secret with _", "sk", ID, "0123456789abcdefghij_BCDEFGHIJxy",
		  SK_KEY_MALFORMED },
		{ "control", "sk", ID, SECRET, SK_KEY_OK },
		{ "id 11", "sk", "Ab12Cd34Ef5", SECRET, SK_KEY_NOT_A_KEY },
		{ "id 13", "sk", "Ab12Cd34Ef567", SECRET, SK_KEY_NOT_A_KEY },
		{ "id with -", "sk", "Ab12Cd34E-56", SECRET, SK_KEY_NOT_A_KEY },
		{ "control 16", "abcdefghijklmnop", ID, SECRET, SK_KEY_OK },
		{ "prefix 17", "abcdefghijklmnopq", ID, SECRET,
		  SK_KEY_NOT_A_KEY },
		{ "control", "sk", ID, SECRET, SK_KEY_OK },
		{ "prefix upper", "SK", ID, SECRET, SK_KEY_NOT_A_KEY },
		{ "prefix mixed", "Sk", ID, SECRET, SK_KEY_NOT_A_KEY },
		{ "prefix dash", "s-k", ID, SECRET, SK_KEY_NOT_A_KEY },
		{ "prefix empty", "", ID, SECRET, SK_KEY_NOT_A_KEY },
		{ "prefix space", "s k", ID, SECRET, SK_KEY_NOT_A_KEY },
		{ "prefix utf8", "s\xc3\xa9", ID, SECRET, SK_KEY_NOT_A_KEY },
		{ "control digits", "123", ID, SECRET, SK_KEY_OK },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		const struct parse_case *c = &cases[i];
		char text[128];
		struct sk_key p;
		size_t n = build_key(c->prefix, c->id, c->secret, text,
				     sizeof(text));
		enum sk_key_parse r = sk_key_parse(text, n, &p);

		if (r != c->want)
			fprintf(stderr, "  key case \"%s\": got %d, want %d\n",
				c->what, (int)r, (int)c->want);
		CU_ASSERT_EQUAL(r, c->want);
		if (c->want == SK_KEY_OK) {
			CU_ASSERT_STRING_EQUAL(p.prefix, c->prefix);
			CU_ASSERT_STRING_EQUAL(p.id, c->id);
			CU_ASSERT(strcmp(p.secret, c->secret) == 0);
		}
	}
}

/* what a user typed in the password field: key or not? */
static void test_classification(void)
{
	static const struct {
		const char *s;
		enum sk_key_parse want;
	} cases[] = {
		{ "", SK_KEY_NOT_A_KEY },
		{ "hunter2", SK_KEY_NOT_A_KEY },
		{ "correct horse battery staple", SK_KEY_NOT_A_KEY },
		{ "my_password", SK_KEY_NOT_A_KEY },
		{ "sk", SK_KEY_NOT_A_KEY },
		{ "sk_", SK_KEY_NOT_A_KEY },
		{ "sk_Ab12Cd34Ef56", SK_KEY_NOT_A_KEY },
		{ "_Ab12Cd34Ef56_0123456789abcdefghijABCDEFGHIJxy000000",
		  SK_KEY_NOT_A_KEY },
		{ "sk_Ab12Cd34Ef56_", SK_KEY_MALFORMED },
		{ "sk_Ab12Cd34Ef56_short", SK_KEY_MALFORMED },
		/* right length, wrong crc */
		{ "sk_Ab12Cd34Ef56_0123456789abcdefghijABCDEFGHIJxy000000",
		  SK_KEY_MALFORMED },
		{ "sk_Ab12Cd34Ef56_0123456789abcdefghijABCDEFGHIJxy00000!",
		  SK_KEY_MALFORMED },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		struct sk_key p;

		CU_ASSERT_EQUAL(sk_key_parse(cases[i].s, strlen(cases[i].s), &p),
				cases[i].want);
	}
}

/* a valid key with junk around it: only the exact length parses */
static void test_parse_uses_length(void)
{
	char text[128];
	struct sk_key p;
	size_t n = build_key("sk", ID, SECRET, text, sizeof(text));

	memcpy(text + n, "\nXYZ", 5);
	CU_ASSERT_EQUAL(sk_key_parse(text, n, &p), SK_KEY_OK);
	CU_ASSERT_EQUAL(sk_key_parse(text, n + 1, &p), SK_KEY_MALFORMED);
	/* an embedded NUL is a character like any other */
	text[n - 3] = '\0';
	CU_ASSERT_EQUAL(sk_key_parse(text, n, &p), SK_KEY_MALFORMED);
}

static void test_parse_wipes_output(void)
{
	char text[128];
	struct sk_key p;
	size_t n = build_key("sk", ID, SECRET, text, sizeof(text));

	memset(&p, 0xaa, sizeof(p));
	CU_ASSERT_EQUAL(sk_key_parse(text, n, &p), SK_KEY_OK);
	CU_ASSERT(!all_zero(&p, sizeof(p)));
	text[n - 1] = text[n - 1] == 'A' ? 'B' : 'A';
	memset(&p, 0xaa, sizeof(p));
	CU_ASSERT_EQUAL(sk_key_parse(text, n, &p), SK_KEY_MALFORMED);
	CU_ASSERT(all_zero(&p, sizeof(p)));
	memset(&p, 0xaa, sizeof(p));
	CU_ASSERT_EQUAL(sk_key_parse("nope", 4, &p), SK_KEY_NOT_A_KEY);
	CU_ASSERT(all_zero(&p, sizeof(p)));
	memset(&p, 0xaa, sizeof(p));
	sk_key_wipe(&p);
	CU_ASSERT(all_zero(&p, sizeof(p)));
}

/* SHA-256("saslkey-key-v1" NUL id NUL secret), computed here directly */
static void test_hash_construction(void)
{
	struct sk_key k;
	unsigned char got[SK_KEY_HASH_LEN], want[EVP_MAX_MD_SIZE];
	unsigned char msg[128];
	unsigned int wlen = 0;
	size_t n = 0;

	memset(&k, 0, sizeof(k));
	strcpy(k.prefix, "sk");
	strcpy(k.id, ID);
	strcpy(k.secret, SECRET);
	memcpy(msg, "saslkey-key-v1", 15);	/* with its NUL */
	n = 15;
	memcpy(msg + n, ID, SK_KEY_ID_LEN + 1);
	n += SK_KEY_ID_LEN + 1;
	memcpy(msg + n, SECRET, SK_KEY_SECRET_LEN);
	n += SK_KEY_SECRET_LEN;
	CU_ASSERT_FATAL(EVP_Digest(msg, n, want, &wlen, EVP_sha256(), NULL));
	CU_ASSERT_EQUAL(wlen, SK_KEY_HASH_LEN);
	CU_ASSERT_EQUAL(sk_key_hash(&k, got), SK_OK);
	CU_ASSERT(memcmp(got, want, SK_KEY_HASH_LEN) == 0);
}

static void test_hash_binds_id_and_secret(void)
{
	struct sk_key k;
	unsigned char h0[SK_KEY_HASH_LEN], h1[SK_KEY_HASH_LEN];

	memset(&k, 0, sizeof(k));
	strcpy(k.prefix, "sk");
	strcpy(k.id, ID);
	strcpy(k.secret, SECRET);
	CU_ASSERT_EQUAL(sk_key_hash(&k, h0), SK_OK);
	CU_ASSERT_EQUAL(sk_key_hash(&k, h1), SK_OK);
	CU_ASSERT(memcmp(h0, h1, sizeof(h0)) == 0);	/* deterministic */
	/* the prefix is a label, not part of the credential */
	strcpy(k.prefix, "other");
	CU_ASSERT_EQUAL(sk_key_hash(&k, h1), SK_OK);
	CU_ASSERT(memcmp(h0, h1, sizeof(h0)) == 0);
	k.id[SK_KEY_ID_LEN - 1] ^= 1;
	CU_ASSERT_EQUAL(sk_key_hash(&k, h1), SK_OK);
	CU_ASSERT(memcmp(h0, h1, sizeof(h0)) != 0);
	k.id[SK_KEY_ID_LEN - 1] ^= 1;
	k.secret[0] ^= 1;
	CU_ASSERT_EQUAL(sk_key_hash(&k, h1), SK_OK);
	CU_ASSERT(memcmp(h0, h1, sizeof(h0)) != 0);
	k.secret[0] ^= 1;
	k.secret[SK_KEY_SECRET_LEN - 1] ^= 1;
	CU_ASSERT_EQUAL(sk_key_hash(&k, h1), SK_OK);
	CU_ASSERT(memcmp(h0, h1, sizeof(h0)) != 0);
}

static void test_prefix_valid(void)
{
	static const struct {
		const char *p;
		bool ok;
	} cases[] = {
		{ "sk", true }, { "", false },
		{ "a", true }, { "A", false },
		{ "0", true }, { "_", false },
		{ "abc123", true }, { "abc-123", false }, { "abc 123", false },
		{ "abc123", true }, { "abC123", false }, { "abc\xc3\xa9", false },
		{ "abcdefghijklmnop", true }, { "abcdefghijklmnopq", false },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		struct sk_key k;
		int r;

		CU_ASSERT_EQUAL(sk_key_prefix_valid(cases[i].p), cases[i].ok);
		memset(&k, 0xaa, sizeof(k));
		r = sk_key_generate(cases[i].p, &k);
		CU_ASSERT_EQUAL(r, cases[i].ok ? SK_OK : SK_INVALID);
		if (!cases[i].ok)
			CU_ASSERT(all_zero(&k, sizeof(k)));
		sk_key_wipe(&k);
	}
}

static void test_id_valid(void)
{
	CU_ASSERT(sk_key_id_valid("Ab12Cd34Ef56", 12));
	CU_ASSERT(!sk_key_id_valid("Ab12Cd34Ef5", 11));
	CU_ASSERT(sk_key_id_valid("Ab12Cd34Ef56x", 12));
	CU_ASSERT(!sk_key_id_valid("Ab12Cd34Ef56x", 13));
	CU_ASSERT(sk_key_id_valid("zzzzzzzzzzzz", 12));
	CU_ASSERT(!sk_key_id_valid("zzzzzz_zzzzz", 12));
	CU_ASSERT(!sk_key_id_valid("zzzzzz-zzzzz", 12));
	CU_ASSERT(!sk_key_id_valid("zzzzzz\0zzzzz", 12));
	CU_ASSERT(!sk_key_id_valid("", 0));
}

/* fresh ids and secrets every time */
static void test_generate_unique(void)
{
	enum { N = 200 };
	static struct sk_key keys[N];
	unsigned dup = 0;
	size_t i, j;

	for (i = 0; i < N; i++)
		CU_ASSERT_FATAL(sk_key_generate("sk", &keys[i]) == SK_OK);
	for (i = 0; i < N; i++)
		for (j = i + 1; j < N; j++)
			dup += strcmp(keys[i].id, keys[j].id) == 0 ||
			       strcmp(keys[i].secret, keys[j].secret) == 0;
	CU_ASSERT_EQUAL(dup, 0);
	for (i = 0; i < N; i++)
		sk_key_wipe(&keys[i]);
}

SK_SUITE(key, NULL, NULL,
	 SK_TEST(test_crc32_vectors),
	 SK_TEST(test_round_trip),
	 SK_TEST(test_format_matches_spec),
	 SK_TEST(test_format_truncates_safely),
	 SK_TEST(test_every_substitution_detected),
	 SK_TEST(test_every_truncation_detected),
	 SK_TEST(test_wrong_parts),
	 SK_TEST(test_classification),
	 SK_TEST(test_parse_uses_length),
	 SK_TEST(test_parse_wipes_output),
	 SK_TEST(test_hash_construction),
	 SK_TEST(test_hash_binds_id_and_secret),
	 SK_TEST(test_prefix_valid),
	 SK_TEST(test_id_valid),
	 SK_TEST(test_generate_unique))
