/* saslkey tests - the CLI: account commands */
#include "cli_util.h"
#include "status.h"
#include "sktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_t *show(const char *db, const char *name)
{
	return cli_json(db, "account", "show", name, "--json", NULL);
}

/* the allow array of a shown account as one space-separated string */
static char *allow_of(const char *db, const char *name)
{
	static char buf[4096];
	json_t *j = show(db, name), *a = json_object_get(j, "allow");
	size_t i;

	buf[0] = '\0';
	CU_ASSERT(json_is_array(a));
	for (i = 0; i < json_array_size(a); i++) {
		size_t l = strlen(buf);

		snprintf(buf + l, sizeof(buf) - l, "%s%s", i ? " " : "",
			 json_string_value(json_array_get(a, i)));
	}
	json_decref(j);
	return buf;
}

static void test_add_show_list(void)
{
	char *db = cli_new_store("acct");
	long long before = (long long)time(NULL), created;
	struct cli_res r;
	json_t *j, *e;
	char *out;

	cli_run(&r, NULL, db, "account", "add", "acme", "--allow",
		"192.0.2.0/24", "--allow", "2001:db8::/32", "--note",
		"Acme Corp, billing", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	CU_ASSERT(strstr(r.err, "account acme added") != NULL);
	cli_free(&r);

	j = show(db, "acme");
	CU_ASSERT_FATAL(json_is_object(j));
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "name"), "acme");
	CU_ASSERT(json_is_false(json_object_get(j, "disabled")));
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "note"), "Acme Corp, billing");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "keys")), 0);
	CU_ASSERT(json_is_integer(json_object_get(j, "keys")));
	created = cli_time(cli_jstr(j, "created"));
	CU_ASSERT(created >= before - 1 && created <= (long long)time(NULL) + 1);
	CU_ASSERT_EQUAL(json_object_size(j), 6);
	json_decref(j);
	CU_ASSERT_STRING_EQUAL(allow_of(db, "acme"),
			       "192.0.2.0/24 2001:db8::/32");

	/* defaults: allowed from anywhere (empty list), no note */
	free(cli_ok(db, "account", "add", "bare", NULL));
	j = show(db, "bare");
	CU_ASSERT(json_is_array(json_object_get(j, "allow")) &&
		  json_array_size(json_object_get(j, "allow")) == 0);
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "note"), "");
	json_decref(j);

	/* list --json: every account, by name */
	j = cli_json(db, "account", "list", "--json", NULL);
	CU_ASSERT_FATAL(json_is_array(j));
	CU_ASSERT_EQUAL(json_array_size(j), 2);
	e = json_array_get(j, 0);
	CU_ASSERT_STRING_EQUAL(cli_jstr(e, "name"), "acme");
	CU_ASSERT_EQUAL(json_array_size(json_object_get(e, "allow")), 2);
	CU_ASSERT_STRING_EQUAL(cli_jstr(json_array_get(j, 1), "name"), "bare");
	json_decref(j);

	/* the text forms */
	out = cli_ok(db, "account", "list", NULL);
	CU_ASSERT(strncmp(out, "NAME", 4) == 0);
	CU_ASSERT(strstr(out, "\nacme ") != NULL);
	CU_ASSERT(strstr(out, "\nbare ") != NULL);
	CU_ASSERT(strstr(out, "192.0.2.0/24 2001:db8::/32") != NULL);
	free(out);
	out = cli_ok(db, "account", "show", "acme", NULL);
	CU_ASSERT(strstr(out, "name:     acme\n") != NULL);
	CU_ASSERT(strstr(out, "state:    enabled\n") != NULL);
	free(out);
	free(db);
}

static void test_names(void)
{
	char *db = cli_new_store("names");
	char n255[256], n256[257];
	static const struct {
		const char *name;
		bool ok;
	} cases[] = {
		{ "user@example.com", true },
		{ "with space", false },
		{ " lead", false },
		{ "tab\there", false },
		{ "ctl\x01", false },
		{ "nl\n", false },
		{ "del\x7f", false },
		{ "caf\xc3\xa9", true },
		{ "bad\xff", false },
		{ "half\xc3", false },
		/* valid UTF-8 only: JSON output could not carry the rest */
		{ "u+d7ff\xed\x9f\xbf", true },
		{ "surrogate\xed\xa0\x80", false },
		{ "u+0800\xe0\xa0\x80", true },
		{ "overlong\xe0\x80\xaf", false },
		{ "overlong2\xc0\xaf", false },
		{ "u+10000\xf0\x90\x80\x80", true },
		{ "overlong4\xf0\x8f\xbf\xbf", false },
		{ "u+10ffff\xf4\x8f\xbf\xbf", true },
		{ "too-big\xf4\x90\x80\x80", false },
		{ "a", true },
	};
	size_t i, nok = 0;

	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		struct cli_res r;

		cli_run(&r, NULL, db, "account", "add", cases[i].name, NULL);
		CU_ASSERT_EQUAL(r.rc, cases[i].ok ? 0 : 1);
		if (!cases[i].ok)
			CU_ASSERT(cli_one_error_line(&r, "bad account name"));
		cli_free(&r);
		cli_run(&r, NULL, db, "account", "show", cases[i].name, NULL);
		CU_ASSERT_EQUAL(r.rc, cases[i].ok ? 0 : 1);
		cli_free(&r);
		nok += cases[i].ok;
	}
	/* every account that was accepted is in the JSON listing */
	{
		json_t *j = cli_json(db, "account", "list", "--json", NULL);

		CU_ASSERT_EQUAL(json_array_size(j), nok);
		json_decref(j);
	}
	/* 255 bytes is the limit */
	memset(n255, 'n', sizeof(n255) - 1);
	n255[255] = '\0';
	memset(n256, 'n', sizeof(n256) - 1);
	n256[256] = '\0';
	{
		struct cli_res r;
		json_t *j;

		cli_run(&r, NULL, db, "account", "add", n255, NULL);
		CU_ASSERT_EQUAL(r.rc, 0);
		cli_free(&r);
		j = show(db, n255);
		CU_ASSERT_EQUAL(strlen(cli_jstr(j, "name")), 255);
		json_decref(j);
		cli_run(&r, NULL, db, "account", "add", n256, NULL);
		CU_ASSERT_EQUAL(r.rc, 1);
		CU_ASSERT(cli_one_error_line(&r, "bad account name"));
		cli_free(&r);
	}
	/* the empty name */
	{
		struct cli_res r;

		cli_run(&r, NULL, db, "account", "add", "", NULL);
		CU_ASSERT_EQUAL(r.rc, 1);
		CU_ASSERT(cli_one_error_line(&r, "bad account name"));
		cli_free(&r);
	}
	free(db);
}

static void test_duplicate_and_unknown(void)
{
	char *db = cli_new_store("dup");
	static const char *const unknown[][5] = {
		{ "account", "show", "ghost", NULL },
		{ "account", "disable", "ghost", NULL },
		{ "account", "enable", "ghost", NULL },
		{ "account", "allow", "ghost", "10.0.0.0/8", NULL },
		{ "account", "disallow", "ghost", "10.0.0.0/8", NULL },
		{ "account", "remove", "ghost", NULL },
		{ "key", "list", "ghost", NULL },
		{ "key", "create", "ghost", NULL },
	};
	struct cli_res r;
	json_t *j;
	size_t i;

	free(cli_ok(db, "account", "add", "acme", "--note", "first", NULL));
	cli_run(&r, NULL, db, "account", "add", "acme", "--note", "second",
		NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "already exists"));
	cli_free(&r);
	j = show(db, "acme");
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "note"), "first");
	json_decref(j);
	/* names are case-sensitive: not a duplicate */
	free(cli_ok(db, "account", "add", "ACME", NULL));

	for (i = 0; i < SK_N_ELEMENTS(unknown); i++) {
		cli_runv(&r, NULL, db, unknown[i]);
		CU_ASSERT_EQUAL(r.rc, 1);
		CU_ASSERT(cli_one_error_line(&r, "ghost"));
		cli_free(&r);
	}
	free(db);
}

static void test_disable_enable(void)
{
	char *db = cli_new_store("dis");
	json_t *j;

	free(cli_ok(db, "account", "add", "acme", NULL));
	free(cli_ok(db, "account", "disable", "acme", NULL));
	j = show(db, "acme");
	CU_ASSERT(json_is_true(json_object_get(j, "disabled")));
	json_decref(j);
	/* twice is fine */
	free(cli_ok(db, "account", "disable", "acme", NULL));
	free(cli_ok(db, "account", "enable", "acme", NULL));
	j = show(db, "acme");
	CU_ASSERT(json_is_false(json_object_get(j, "disabled")));
	json_decref(j);
	free(db);
}

static void test_allow_disallow(void)
{
	char *db = cli_new_store("allow");
	struct cli_res r;

	free(cli_ok(db, "account", "add", "acme", "--allow", "10.0.0.0/8",
		    NULL));
	/* several per argument, several arguments, duplicates ignored */
	free(cli_ok(db, "account", "allow", "acme",
		    "192.0.2.0/24,198.51.100.0/24", "10.0.0.0/8",
		    "2001:db8::1", NULL));
	CU_ASSERT_STRING_EQUAL(allow_of(db, "acme"),
			       "10.0.0.0/8 192.0.2.0/24 198.51.100.0/24 "
			       "2001:db8::1/128");
	/* written v4-mapped: the same entry as the IPv4 form */
	free(cli_ok(db, "account", "allow", "acme", "::ffff:192.0.2.0/120",
		    NULL));
	CU_ASSERT_STRING_EQUAL(allow_of(db, "acme"),
			       "10.0.0.0/8 192.0.2.0/24 198.51.100.0/24 "
			       "2001:db8::1/128");
	free(cli_ok(db, "account", "disallow", "acme", "::ffff:192.0.2.0/120",
		    "2001:db8::1", NULL));
	CU_ASSERT_STRING_EQUAL(allow_of(db, "acme"),
			       "10.0.0.0/8 198.51.100.0/24");

	/* disallowing what is not there: refused, nothing changed */
	cli_run(&r, NULL, db, "account", "disallow", "acme", "10.0.0.0/8",
		"172.16.0.0/12", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "172.16.0.0/12 is not in the "
					 "allow-list"));
	cli_free(&r);
	CU_ASSERT_STRING_EQUAL(allow_of(db, "acme"),
			       "10.0.0.0/8 198.51.100.0/24");
	/* a wider or narrower network is not the same entry */
	cli_run(&r, NULL, db, "account", "disallow", "acme", "10.0.0.0/9",
		NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	cli_free(&r);

	/* removing the last entries: allowed from anywhere again */
	free(cli_ok(db, "account", "disallow", "acme", "10.0.0.0/8",
		    "198.51.100.0/24", NULL));
	CU_ASSERT_STRING_EQUAL(allow_of(db, "acme"), "");

	/* missing CIDR argument */
	cli_run(&r, NULL, db, "account", "allow", "acme", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "at least 2"));
	cli_free(&r);
	free(db);
}

static void test_bad_cidrs(void)
{
	char *db = cli_new_store("cidr");
	static const struct {
		const char *cidr;
		const char *msg;	/* NULL: accepted */
	} cases[] = {
		{ "10.0.0.0/8", NULL },
		{ "10.0.0.1/8", "bits set" },
		{ "10.0.0.0/33", "prefix" },
		{ "10.0.0.0/08", "prefix" },
		{ "10.0.0.0/x", "prefix" },
		{ "not-an-ip", "not an IP" },
		{ "fe80::1%eth0", "scope" },
		{ "10.0.0.0/8;11.0.0.0/8", "prefix" },
	};
	size_t i;

	free(cli_ok(db, "account", "add", "acme", NULL));
	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		const char *n = cases[i].msg ? "bad" : "good";
		char name[32];
		struct cli_res r;

		snprintf(name, sizeof(name), "%s%zu", n, i);
		/* at add time */
		cli_run(&r, NULL, db, "account", "add", name, "--allow",
			cases[i].cidr, NULL);
		CU_ASSERT_EQUAL(r.rc, cases[i].msg ? 1 : 0);
		if (cases[i].msg)
			CU_ASSERT(cli_one_error_line(&r, cases[i].msg));
		cli_free(&r);
		cli_run(&r, NULL, db, "account", "show", name, NULL);
		CU_ASSERT_EQUAL(r.rc, cases[i].msg ? 1 : 0);
		cli_free(&r);
		/* and when allowing more */
		cli_run(&r, NULL, db, "account", "allow", "acme", cases[i].cidr,
			NULL);
		CU_ASSERT_EQUAL(r.rc, cases[i].msg ? 1 : 0);
		if (cases[i].msg)
			CU_ASSERT(cli_one_error_line(&r, cases[i].msg));
		cli_free(&r);
	}
	CU_ASSERT_STRING_EQUAL(allow_of(db, "acme"), "10.0.0.0/8");
	free(db);
}

/*
 * The canonical list can be longer than what was typed (every bare IPv6
 * host gains "/128"): a list that does not fit the store's field must be
 * refused, not cut (a cut "...::1/128" reads back as "...::1/12").
 */
static void test_allow_list_too_long(void)
{
	char *db = cli_new_store("long");
	char half1[2048], half2[2048];
	size_t n1 = 0, n2 = 0;
	struct cli_res r;
	int i;

	for (i = 0; i < 32; i++) {
		n1 += (size_t)snprintf(half1 + n1, sizeof(half1) - n1,
				       "fd00:1111:2222:3333:4444:5555:6666:%x ",
				       0x1000 + i);
		n2 += (size_t)snprintf(half2 + n2, sizeof(half2) - n2,
				       "fd00:1111:2222:3333:4444:5555:6666:%x ",
				       0x2000 + i);
	}
	/* control: one half fits */
	cli_run(&r, NULL, db, "account", "add", "half", "--allow", half1, NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	cli_free(&r);
	CU_ASSERT_EQUAL(strlen(allow_of(db, "half")), 32 * 44 - 1);
	/* both halves: 64 entries, 2815 bytes of canonical text */
	cli_run(&r, NULL, db, "account", "add", "whole", "--allow", half1,
		"--allow", half2, NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "allow-list"));
	cli_free(&r);
	cli_run(&r, NULL, db, "account", "show", "whole", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	cli_free(&r);
	/* growing an existing list past the limit */
	cli_run(&r, NULL, db, "account", "allow", "half", half2, NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "allow-list"));
	cli_free(&r);
	CU_ASSERT_EQUAL(strlen(allow_of(db, "half")), 32 * 44 - 1);
	/* every stored entry is still a whole /128 */
	cli_run(&r, NULL, db, "account", "allow", "half", "10.0.0.0/8", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	cli_free(&r);
	free(db);
}

static void test_remove(void)
{
	char *db = cli_new_store("rm");
	struct cli_res r;
	json_t *j;
	char *k;

	free(cli_ok(db, "account", "add", "empty", NULL));
	free(cli_ok(db, "account", "add", "keyed", NULL));
	free(cli_ok(db, "account", "add", "other", NULL));
	k = cli_ok(db, "key", "create", "keyed", NULL);
	free(k);
	k = cli_ok(db, "key", "create", "keyed", NULL);
	free(k);
	k = cli_ok(db, "key", "create", "other", NULL);
	free(k);

	/* no keys: just goes */
	cli_run(&r, NULL, db, "account", "remove", "empty", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strstr(r.err, "removed") != NULL);
	cli_free(&r);
	cli_run(&r, NULL, db, "account", "show", "empty", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	cli_free(&r);

	/* keys and no --with-keys: refused, keys and account stay */
	cli_run(&r, NULL, db, "account", "remove", "keyed", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	CU_ASSERT(cli_one_error_line(&r, "still has 2 keys"));
	cli_free(&r);
	j = show(db, "keyed");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "keys")), 2);
	json_decref(j);

	/* --with-keys: the account and its keys, nobody else's */
	cli_run(&r, NULL, db, "account", "remove", "keyed", "--with-keys",
		NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strstr(r.err, "(2 keys, 0 secrets deleted)") != NULL);
	cli_free(&r);
	cli_run(&r, NULL, db, "account", "show", "keyed", NULL);
	CU_ASSERT_EQUAL(r.rc, 1);
	cli_free(&r);
	j = cli_json(db, "key", "list", "--json", NULL);
	CU_ASSERT(json_array_size(j) == 1 &&
		  strcmp(cli_jstr(json_array_get(j, 0), "account"), "other") ==
			  0);
	json_decref(j);
	/* the name can be used again, starting empty */
	free(cli_ok(db, "account", "add", "keyed", NULL));
	j = show(db, "keyed");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "keys")), 0);
	json_decref(j);
	free(db);
}

static void test_usage_errors(void)
{
	char *db = cli_new_store("usage");
	static const struct {
		const char *args[6];
		const char *msg;
	} cases[] = {
		{ { "account", NULL }, "missing subcommand" },
		{ { "account", "frob", NULL }, "unknown subcommand \"frob\"" },
		{ { "account", "Add", "x", NULL }, "unknown subcommand" },
		{ { "account", "add", NULL }, "expected 1 argument" },
		{ { "account", "add", "a", "b", NULL }, "expected 1 argument" },
		{ { "account", "list", "extra", NULL }, "expected 0 arguments" },
		{ { "account", "show", NULL }, "expected 1 argument" },
		{ { "account", "show", "acme", "x", NULL }, "expected 1 argument" },
		{ { "account", "disable", NULL }, "expected 1 argument" },
		{ { "account", "enable", "acme", "x", NULL },
		  "expected 1 argument" },
		{ { "account", "allow", NULL }, "at least 2" },
		{ { "account", "disallow", "acme", NULL }, "at least 2" },
		{ { "account", "remove", NULL }, "expected 1 argument" },
		{ { "account", "remove", "acme", "x", NULL },
		  "expected 1 argument" },
		{ { "account", "add", "x", "--allow", NULL },
		  "option --allow" },
		{ { "account", "list", "--json=yes", NULL }, "option --json" },
		{ { "account", "list", "-j", NULL }, "option -j" },
		{ { "account", "add", "x", "--frob", NULL }, "--frob" },
		{ { "account", "add", "x", "--note", "bad\nnote", NULL },
		  "note" },
	};
	size_t i;

	free(cli_ok(db, "account", "add", "acme", NULL));
	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		struct cli_res r;

		cli_runv(&r, NULL, db, cases[i].args);
		if (r.rc != 1 || !cli_one_error_line(&r, cases[i].msg))
			fprintf(stderr, "  usage case %zu: exit %d: %s", i,
				r.rc, r.err);
		CU_ASSERT_EQUAL(r.rc, 1);
		CU_ASSERT(cli_one_error_line(&r, cases[i].msg));
		cli_free(&r);
	}
	/* none of that created anything */
	{
		json_t *j = cli_json(db, "account", "list", "--json", NULL);

		CU_ASSERT_EQUAL(json_array_size(j), 1);
		json_decref(j);
	}
	free(db);
}

SK_SUITE(cli_account, NULL, NULL,
	 SK_TEST(test_add_show_list),
	 SK_TEST(test_names),
	 SK_TEST(test_duplicate_and_unknown),
	 SK_TEST(test_disable_enable),
	 SK_TEST(test_allow_disallow),
	 SK_TEST(test_bad_cidrs),
	 SK_TEST(test_allow_list_too_long),
	 SK_TEST(test_remove),
	 SK_TEST(test_usage_errors))
