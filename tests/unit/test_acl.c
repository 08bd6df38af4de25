/* saslkey tests - common/acl.c: addresses, CIDRs, allow-lists, ipremoteport */
#include "acl.h"
#include "status.h"
#include "sktest.h"

#include <stdio.h>
#include <string.h>

static struct sk_addr addr(const char *s)
{
	struct sk_addr a;

	CU_ASSERT_FATAL(sk_addr_parse(s, strlen(s), &a) == SK_OK);
	return a;
}

static bool is_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0)
		if (*b++ != 0)
			return false;
	return true;
}

static void test_addr_parse(void)
{
	static const struct {
		const char *in;
		int family;	/* 0 = refused */
		const char *canon;
	} cases[] = {
		{ "192.0.2.7", 4, "192.0.2.7" },
		{ "192.0.2.256", 0, NULL },
		{ "192.0.2", 0, NULL },
		{ "192.0.2.7 ", 0, NULL },
		{ "2001:db8::1", 6, "2001:db8::1" },
		{ "2001:DB8:0:0:0:0:0:1", 6, "2001:db8::1" },
		{ "2001:db8:::1", 0, NULL },
		{ "[2001:db8::1]", 0, NULL },
		/* v4-mapped clients are plain IPv4 */
		{ "::ffff:192.0.2.7", 4, "192.0.2.7" },
		{ "::ffff:c000:0207", 4, "192.0.2.7" },
		{ "::fffe:192.0.2.7", 6, "::fffe:c000:207" },
		/* scope ids on client addresses are ignored */
		{ "fe80::1", 6, "fe80::1" },
		{ "fe80::1%eth0", 6, "fe80::1" },
		{ "fe80::1%", 6, "fe80::1" },
		{ "%eth0", 0, NULL },
		{ "", 0, NULL },
		{ "host.example", 0, NULL },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		struct sk_addr a;
		char out[SK_ADDR_TEXT_MAX];
		int r = sk_addr_parse(cases[i].in, strlen(cases[i].in), &a);

		if ((r == SK_OK) != (cases[i].family != 0))
			fprintf(stderr, "  addr \"%s\": got %d\n", cases[i].in, r);
		CU_ASSERT_EQUAL(r == SK_OK, cases[i].family != 0);
		if (cases[i].family == 0) {
			CU_ASSERT(is_zero(&a, sizeof(a)));
			continue;
		}
		CU_ASSERT_EQUAL(a.family, cases[i].family);
		sk_addr_format(&a, out, sizeof(out));
		CU_ASSERT_STRING_EQUAL(out, cases[i].canon);
	}
}

static void test_addr_length_bound(void)
{
	const char *s = "192.0.2.7garbage";
	struct sk_addr a;

	CU_ASSERT_EQUAL(sk_addr_parse(s, 9, &a), SK_OK);
	CU_ASSERT_EQUAL(sk_addr_parse(s, 10, &a), SK_INVALID);
	/* an embedded NUL is refused, not silently cut */
	CU_ASSERT_EQUAL(sk_addr_parse("192.0.2.7\0" "1", 11, &a), SK_INVALID);
	/* far too long for any address */
	{
		char big[200];

		memset(big, '1', sizeof(big));
		CU_ASSERT_EQUAL(sk_addr_parse(big, sizeof(big), &a), SK_INVALID);
	}
}

struct cidr_case {
	const char *in;
	bool ok;
	const char *canon;	/* when ok */
	const char *err_has;	/* when refused, a word of the message */
};

/* each refused form right after the valid form it is a variation of */
static const struct cidr_case cidr_cases[] = {
	{ "0.0.0.0/0", true, "0.0.0.0/0", NULL },
	{ "0.0.0.0/00", false, NULL, "prefix" },
	{ "1.0.0.0/0", false, NULL, "bits" },
	{ "::/0", true, "::/0", NULL },
	{ "::1/0", false, NULL, "bits" },
	{ "192.0.2.7/32", true, "192.0.2.7/32", NULL },
	{ "192.0.2.7/33", false, NULL, "prefix" },
	{ "192.0.2.7", true, "192.0.2.7/32", NULL },
	{ "192.0.2.0/24", true, "192.0.2.0/24", NULL },
	{ "192.0.2.1/24", false, NULL, "bits" },
	{ "192.0.2.128/25", true, "192.0.2.128/25", NULL },
	{ "192.0.2.64/25", false, NULL, "bits" },
	{ "10.0.0.0/8", true, "10.0.0.0/8", NULL },
	{ "10.0.0.0/08", false, NULL, "prefix" },
	{ "10.1.2.3/8", false, NULL, "bits" },
	{ "10.0.0.0/", false, NULL, "prefix" },
	{ "10.0.0.0/x", false, NULL, "prefix" },
	{ "10.0.0.0/-8", false, NULL, "prefix" },
	{ "10.0.0.0/+8", false, NULL, "prefix" },
	{ "10.0.0.0/8/8", false, NULL, "prefix" },
	{ "10.0.0.0/ 8", false, NULL, "prefix" },
	{ "10.0.0.0/0008", false, NULL, "prefix" },
	{ "2001:db8::1/128", true, "2001:db8::1/128", NULL },
	{ "2001:db8::1/129", false, NULL, "prefix" },
	{ "2001:db8::1", true, "2001:db8::1/128", NULL },
	{ "2001:db8::/32", true, "2001:db8::/32", NULL },
	{ "2001:db8::/1280", false, NULL, "prefix" },
	{ "2001:db8:8000::/33", true, "2001:db8:8000::/33", NULL },
	{ "2001:db8:8000::/32", false, NULL, "bits" },
	/* written v4-mapped, kept as the IPv4 network it means */
	{ "::ffff:192.0.2.0/120", true, "192.0.2.0/24", NULL },
	{ "::ffff:192.0.2.0/95", false, NULL, "mapped" },
	{ "::ffff:192.0.2.0/129", false, NULL, "mapped" },
	{ "::ffff:192.0.2.7", true, "192.0.2.7/32", NULL },
	{ "::ffff:192.0.2.7/128", true, "192.0.2.7/32", NULL },
	{ "::ffff:192.0.2.7/120", false, NULL, "bits" },
	{ "::ffff:0.0.0.0/96", true, "0.0.0.0/0", NULL },
	/* scope ids have no place in an allow-list */
	{ "fe80::/10", true, "fe80::/10", NULL },
	{ "fe80::%eth0/10", false, NULL, "scope" },
	{ "fe80::1", true, "fe80::1/128", NULL },
	{ "fe80::1%eth0", false, NULL, "scope" },
	/* garbage */
	{ "192.0.2.0/24", true, "192.0.2.0/24", NULL },
	{ "", false, NULL, "address" },
	{ "/24", false, NULL, "address" },
	{ "hello", false, NULL, "address" },
	{ "192.0.2/24", false, NULL, "address" },
	{ "192.0.2.0.0/24", false, NULL, "address" },
	{ "192.0.2.256/24", false, NULL, "address" },
	{ "[2001:db8::]/32", false, NULL, "address" },
	{ "192.0.2.0-192.0.2.255", false, NULL, "address" },
};

static void test_cidr_parse(void)
{
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(cidr_cases); i++) {
		const struct cidr_case *c = &cidr_cases[i];
		struct sk_cidr cidr;
		const char *err = NULL;
		char out[SK_ADDR_TEXT_MAX + 8];
		int r = sk_cidr_parse(c->in, strlen(c->in), &cidr, &err);

		if ((r == SK_OK) != c->ok)
			fprintf(stderr, "  cidr \"%s\": got %d\n", c->in, r);
		CU_ASSERT_EQUAL(r == SK_OK, c->ok);
		if (c->ok) {
			sk_cidr_format(&cidr, out, sizeof(out));
			if (r == SK_OK && strcmp(out, c->canon) != 0)
				fprintf(stderr, "  cidr \"%s\": \"%s\"\n", c->in,
					out);
			CU_ASSERT_STRING_EQUAL(out, c->canon);
		} else {
			CU_ASSERT(is_zero(&cidr, sizeof(cidr)));
			CU_ASSERT_FATAL(err != NULL);
			if (strstr(err, c->err_has) == NULL)
				fprintf(stderr, "  cidr \"%s\": err \"%s\"\n",
					c->in, err);
			CU_ASSERT(strstr(err, c->err_has) != NULL);
		}
	}
}

/* err may be NULL */
static void test_cidr_err_optional(void)
{
	struct sk_cidr c;

	CU_ASSERT_EQUAL(sk_cidr_parse("10.0.0.0/8", 10, &c, NULL), SK_OK);
	CU_ASSERT_EQUAL(sk_cidr_parse("10.0.0.1/8", 10, &c, NULL), SK_INVALID);
	/* the length is honoured: the "/8" is not seen */
	CU_ASSERT_EQUAL(sk_cidr_parse("10.0.0.1/8", 8, &c, NULL), SK_OK);
	CU_ASSERT_EQUAL(c.prefix, 32);
}

static void test_mapped_equals_v4(void)
{
	struct sk_cidr a, b;
	const char *m = "::ffff:192.0.2.0/120", *v = "192.0.2.0/24";

	CU_ASSERT_EQUAL(sk_cidr_parse(m, strlen(m), &a, NULL), SK_OK);
	CU_ASSERT_EQUAL(sk_cidr_parse(v, strlen(v), &b, NULL), SK_OK);
	CU_ASSERT(memcmp(&a, &b, sizeof(a)) == 0);
	CU_ASSERT_EQUAL(a.addr.family, 4);
	CU_ASSERT_EQUAL(a.prefix, 24);
}

struct match_case {
	const char *list;
	const char *client;
	bool match;
};

static const struct match_case match_cases[] = {
	{ "192.0.2.0/24", "192.0.2.7", true },
	{ "192.0.2.0/24", "192.0.3.7", false },
	{ "192.0.2.0/24", "::ffff:192.0.2.7", true },
	{ "192.0.2.0/24", "::ffff:192.0.3.7", false },
	{ "192.0.2.0/24", "2001:db8::1", false },
	{ "192.0.2.0/24", "::c000:207", false },	/* v4-compatible: v6 */
	{ "::ffff:192.0.2.0/120", "192.0.2.7", true },
	{ "::ffff:192.0.2.0/120", "192.0.3.7", false },
	{ "192.0.2.128/25", "192.0.2.128", true },
	{ "192.0.2.128/25", "192.0.2.127", false },
	{ "192.0.2.7/32", "192.0.2.7", true },
	{ "192.0.2.7/32", "192.0.2.6", false },
	{ "192.0.2.7", "192.0.2.7", true },
	{ "192.0.2.7", "192.0.2.8", false },
	{ "2001:db8::1/128", "2001:db8::1", true },
	{ "2001:db8::1/128", "2001:db8::2", false },
	{ "2001:db8:8000::/33", "2001:db8:ffff::1", true },
	{ "2001:db8:8000::/33", "2001:db8:7fff::1", false },
	{ "0.0.0.0/0", "203.0.113.9", true },
	{ "0.0.0.0/0", "::ffff:203.0.113.9", true },
	{ "0.0.0.0/0", "2001:db8::1", false },
	{ "::/0", "2001:db8::1", true },
	{ "::/0", "203.0.113.9", false },
	{ "::/0", "::ffff:203.0.113.9", false },
	{ "0.0.0.0/0 ::/0", "203.0.113.9", true },
	{ "0.0.0.0/0 ::/0", "2001:db8::1", true },
	{ "fe80::/10", "fe80::1%eth0", true },
	{ "fe80::/10", "fec0::1%eth0", false },
	{ "10.0.0.0/8, 192.0.2.0/24", "192.0.2.1", true },
	{ "10.0.0.0/8, 192.0.2.0/24", "11.0.0.1", false },
	{ "", "192.0.2.1", false },
	{ "", "2001:db8::1", false },
	{ " \t, ", "192.0.2.1", false },
};

static void test_acl_match(void)
{
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(match_cases); i++) {
		const struct match_case *c = &match_cases[i];
		struct sk_acl acl;
		struct sk_addr a = addr(c->client);
		const char *err = NULL;

		CU_ASSERT_FATAL(sk_acl_parse(c->list, strlen(c->list), &acl,
					     &err) == SK_OK);
		if (sk_acl_match(&acl, &a) != c->match)
			fprintf(stderr, "  \"%s\" vs %s: want %d\n", c->list,
				c->client, c->match);
		CU_ASSERT_EQUAL(sk_acl_match(&acl, &a), c->match);
	}
}

/* an unknown client address (family 0) matches nothing */
static void test_acl_unknown_client(void)
{
	struct sk_acl acl;
	struct sk_addr none, one = addr("0.0.0.0");

	memset(&none, 0, sizeof(none));
	CU_ASSERT_EQUAL(sk_acl_parse("0.0.0.0/0 ::/0", 14, &acl, NULL), SK_OK);
	CU_ASSERT(sk_acl_match(&acl, &one));
	CU_ASSERT(!sk_acl_match(&acl, &none));
}

static void test_acl_separators_and_format(void)
{
	const char *text = " 192.0.2.0/24,2001:db8::/32\t10.0.0.0/8 ,,"
			   "::ffff:198.51.100.0/120 ";
	struct sk_acl acl;
	char out[SK_ACL_TEXT_MAX + 1];
	const char *err = NULL;

	CU_ASSERT_EQUAL(sk_acl_parse(text, strlen(text), &acl, &err), SK_OK);
	CU_ASSERT_EQUAL(acl.n, 4);
	sk_acl_format(&acl, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "192.0.2.0/24 2001:db8::/32 10.0.0.0/8 "
				    "198.51.100.0/24");
	/* the canonical text parses back to the same list */
	{
		struct sk_acl again;

		CU_ASSERT_EQUAL(sk_acl_parse(out, strlen(out), &again, NULL),
				SK_OK);
		CU_ASSERT_EQUAL(again.n, acl.n);
		CU_ASSERT(memcmp(again.e, acl.e, acl.n * sizeof(acl.e[0])) == 0);
	}
	/* empty list: valid, formats as "" */
	CU_ASSERT_EQUAL(sk_acl_parse("", 0, &acl, &err), SK_OK);
	CU_ASSERT_EQUAL(acl.n, 0);
	sk_acl_format(&acl, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "");
	/* other separators are not separators */
	CU_ASSERT_EQUAL(sk_acl_parse("10.0.0.0/8;192.0.2.0/24", 23, &acl, &err),
			SK_INVALID);
	CU_ASSERT_EQUAL(sk_acl_parse("10.0.0.0/8\n192.0.2.0/24", 23, &acl,
				     &err), SK_INVALID);
}

static void test_acl_bad_entry_refuses_all(void)
{
	const char *good = "10.0.0.0/8 192.0.2.0/24";
	const char *bad = "10.0.0.0/8 192.0.2.1/24";
	const char *scoped = "10.0.0.0/8 fe80::1%eth0";
	struct sk_acl acl;
	const char *err = NULL;

	CU_ASSERT_EQUAL(sk_acl_parse(good, strlen(good), &acl, &err), SK_OK);
	CU_ASSERT_EQUAL(acl.n, 2);
	CU_ASSERT_EQUAL(sk_acl_parse(bad, strlen(bad), &acl, &err), SK_INVALID);
	CU_ASSERT_EQUAL(acl.n, 0);
	CU_ASSERT(err != NULL && strstr(err, "bits") != NULL);
	err = NULL;
	CU_ASSERT_EQUAL(sk_acl_parse(scoped, strlen(scoped), &acl, &err),
			SK_INVALID);
	CU_ASSERT_EQUAL(acl.n, 0);
	CU_ASSERT(err != NULL && strstr(err, "scope") != NULL);
}

static void test_acl_limits(void)
{
	char text[SK_ACL_TEXT_MAX + 64];
	struct sk_acl acl;
	const char *err = NULL;
	size_t n = 0;
	int i;

	/* SK_ACL_MAX entries fit; one more does not */
	for (i = 0; i < SK_ACL_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "10.0.%d.0/24 ",
				      i);
	CU_ASSERT_FATAL(n <= SK_ACL_TEXT_MAX);
	CU_ASSERT_EQUAL(sk_acl_parse(text, n, &acl, &err), SK_OK);
	CU_ASSERT_EQUAL(acl.n, SK_ACL_MAX);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "10.1.0.0/24");
	CU_ASSERT_FATAL(n <= SK_ACL_TEXT_MAX);
	err = NULL;
	CU_ASSERT_EQUAL(sk_acl_parse(text, n, &acl, &err), SK_INVALID);
	CU_ASSERT_EQUAL(acl.n, 0);
	CU_ASSERT(err != NULL && strstr(err, "many") != NULL);

	/* SK_ACL_TEXT_MAX bytes of text fit; one more does not */
	memset(text, ' ', sizeof(text));
	memcpy(text, "192.0.2.0/24", 12);
	CU_ASSERT_EQUAL(sk_acl_parse(text, SK_ACL_TEXT_MAX, &acl, &err), SK_OK);
	CU_ASSERT_EQUAL(acl.n, 1);
	err = NULL;
	CU_ASSERT_EQUAL(sk_acl_parse(text, SK_ACL_TEXT_MAX + 1, &acl, &err),
			SK_INVALID);
	CU_ASSERT_EQUAL(acl.n, 0);
	CU_ASSERT(err != NULL && strstr(err, "long") != NULL);
}

/*
 * The canonical text can be longer than the text parsed ("/128" is added):
 * 51 full-length IPv6 hosts fit in SK_ACL_TEXT_MAX bytes of input but not
 * of output.  The formatter must say so, and never leave a cut entry
 * behind ("...:1000/128" cut to "...:1000/12" would widen the list).
 */
static void test_acl_format_overflow(void)
{
	char text[SK_ACL_TEXT_MAX + 1], out[SK_ACL_TEXT_MAX + 1], big[4096];
	struct sk_acl acl, back;
	size_t n = 0, i, j, foreign = 0;

	for (i = 0; n + 40 <= SK_ACL_TEXT_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "fd00:1111:2222:3333:4444:5555:6666:%x ",
				      (unsigned)(0x1000 + i));
	CU_ASSERT_EQUAL_FATAL(sk_acl_parse(text, n, &acl, NULL), SK_OK);
	CU_ASSERT_EQUAL(acl.n, i);
	/* positive control: with room, the whole list, round trip exact */
	CU_ASSERT(sk_acl_format(&acl, big, sizeof(big)));
	CU_ASSERT(strlen(big) > SK_ACL_TEXT_MAX);
	CU_ASSERT_EQUAL(sk_acl_parse(big, SK_ACL_TEXT_MAX, &back, NULL),
			SK_INVALID);	/* too long to store */
	/* without room: reported, and only whole entries are kept */
	CU_ASSERT(!sk_acl_format(&acl, out, sizeof(out)));
	CU_ASSERT(strlen(out) <= SK_ACL_TEXT_MAX);
	CU_ASSERT_EQUAL_FATAL(sk_acl_parse(out, strlen(out), &back, NULL),
			      SK_OK);
	CU_ASSERT(back.n > 0 && back.n < acl.n);
	for (j = 0; j < back.n; j++)
		foreign += memcmp(&back.e[j], &acl.e[j], sizeof(back.e[j])) != 0;
	CU_ASSERT_EQUAL(foreign, 0);
	/* a short list into a small buffer: same rule */
	CU_ASSERT_EQUAL_FATAL(sk_acl_parse("10.0.0.0/8 192.0.2.0/24", 23, &acl,
					   NULL), SK_OK);
	CU_ASSERT(sk_acl_format(&acl, out, 24));
	CU_ASSERT_STRING_EQUAL(out, "10.0.0.0/8 192.0.2.0/24");
	CU_ASSERT(!sk_acl_format(&acl, out, 23));
	CU_ASSERT_STRING_EQUAL(out, "10.0.0.0/8");
	CU_ASSERT(!sk_acl_format(&acl, out, 5));
	CU_ASSERT_STRING_EQUAL(out, "");
}

struct ipport_case {
	const char *in;
	bool ok;
	const char *ip;
	unsigned port;
};

static const struct ipport_case ipport_cases[] = {
	{ "198.51.100.7;54321", true, "198.51.100.7", 54321 },
	{ "198.51.100.7:54321", false, NULL, 0 },
	{ "198.51.100.7;65535", true, "198.51.100.7", 65535 },
	{ "198.51.100.7;65536", false, NULL, 0 },
	{ "198.51.100.7;99999", false, NULL, 0 },
	{ "198.51.100.7;100000", false, NULL, 0 },
	{ "198.51.100.7;25", true, "198.51.100.7", 25 },
	{ "198.51.100.7;2x", false, NULL, 0 },
	{ "198.51.100.7;-25", false, NULL, 0 },
	{ "198.51.100.7;+25", false, NULL, 0 },
	{ "198.51.100.7; 25", false, NULL, 0 },
	{ "198.51.100.7;25 ", false, NULL, 0 },
	{ "198.51.100.7;25;26", false, NULL, 0 },
	{ "198.51.100.7", true, "198.51.100.7", 0 },
	{ "198.51.100.7;", true, "198.51.100.7", 0 },
	{ ";25", false, NULL, 0 },
	{ ";", false, NULL, 0 },
	{ "", false, NULL, 0 },
	{ "2001:db8::1;54321", true, "2001:db8::1", 54321 },
	{ "[2001:db8::1];54321", false, NULL, 0 },
	{ "2001:db8::1:54321", false, NULL, 0 },
	{ "2001:db8::1:5432", true, "2001:db8::1:5432", 0 },
	{ "::ffff:198.51.100.7;25", true, "198.51.100.7", 25 },
	{ "fe80::1%lo;25", true, "fe80::1", 25 },
	{ "fe80::1%lo", true, "fe80::1", 0 },
	{ "localhost;25", false, NULL, 0 },
	{ "host.example;25", false, NULL, 0 },
};

static void test_ipport_parse(void)
{
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(ipport_cases); i++) {
		const struct ipport_case *c = &ipport_cases[i];
		struct sk_addr a;
		unsigned port = 12345;
		char ip[SK_ADDR_TEXT_MAX];
		int r = sk_ipport_parse(c->in, strlen(c->in), &a, &port);

		if ((r == SK_OK) != c->ok)
			fprintf(stderr, "  ipport \"%s\": got %d\n", c->in, r);
		CU_ASSERT_EQUAL(r == SK_OK, c->ok);
		if (!c->ok) {
			CU_ASSERT_EQUAL(a.family, 0);
			continue;
		}
		sk_addr_format(&a, ip, sizeof(ip));
		CU_ASSERT_STRING_EQUAL(ip, c->ip);
		CU_ASSERT_EQUAL(port, c->port);
	}
}

/* libsasl2 hands us a pointer and a length, not always a C string */
static void test_ipport_length_bound(void)
{
	const char *s = "198.51.100.7;25XXXX";
	struct sk_addr a;
	unsigned port = 0;

	CU_ASSERT_EQUAL(sk_ipport_parse(s, 15, &a, &port), SK_OK);
	CU_ASSERT_EQUAL(port, 25);
	CU_ASSERT_EQUAL(sk_ipport_parse(s, 16, &a, &port), SK_INVALID);
	CU_ASSERT_EQUAL(sk_ipport_parse(s, 12, &a, &port), SK_OK);
	CU_ASSERT_EQUAL(port, 0);
	CU_ASSERT_EQUAL(a.family, 4);
}

SK_SUITE(acl, NULL, NULL,
	 SK_TEST(test_addr_parse),
	 SK_TEST(test_addr_length_bound),
	 SK_TEST(test_cidr_parse),
	 SK_TEST(test_cidr_err_optional),
	 SK_TEST(test_mapped_equals_v4),
	 SK_TEST(test_acl_match),
	 SK_TEST(test_acl_unknown_client),
	 SK_TEST(test_acl_separators_and_format),
	 SK_TEST(test_acl_bad_entry_refuses_all),
	 SK_TEST(test_acl_limits),
	 SK_TEST(test_acl_format_overflow),
	 SK_TEST(test_ipport_parse),
	 SK_TEST(test_ipport_length_bound))
