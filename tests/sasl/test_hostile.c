/* saslkey tests - hostile input through the real libsasl2 (issue 8)
 *
 * Every row is one client attempt through every way into saslkey: our
 * PLAIN (authcid and authzid), LOGIN, CRAM-MD5, OAUTHBEARER and XOAUTH2,
 * and the auxprop gate behind the stock SCRAM-SHA-256 and the stock PLAIN.
 * Each row follows the positive control it varies, and for each attempt:
 *
 *   - the documented result code (README "What happens on each attempt":
 *     a broken message is SASL_BADPROT / malformed_request, a well-formed
 *     one with a foreign user is SASL_BADAUTH with its precise reason, a
 *     user saslkey does not know passes the gate without an event);
 *   - exactly one audit event (none where the gate passes), one line of
 *     strict JSON whose objects hold only the fields audit.c writes, so a
 *     user name cannot add or change one, and the user name round-trips;
 *   - exactly one syslog datagram of the fixed key=value shape, where the
 *     user cannot end a field or add one;
 *   - the store file is byte for byte what it was (SHA-256).
 */
#define _GNU_SOURCE		/* memmem */
#include "attempt.h"
#include "audit.h"
#include "harness.h"
#include "secret.h"
#include "sktest.h"
#include "status.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sasl/saslutil.h>

/* any failure: the stock mechanism's own code, saslkey not involved */
#define ANY_FAIL (-20000)

/* 255 bytes: a legal account name, and a legal OAuth user claim */
#define LONG_USER							\
	"llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"	\
	"llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"	\
	"llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"	\
	"lllllllllllllllllllllllllllllllllllllllllllllllllll@example.com"
#define ALICE "alice@example.com"

static struct skh_key k_acme, k_scram, k_long, k_inj, k_dis;
static char s_acme[25], s_long[25];
static char *tok, *tok_long, *tok_max;
static char store_sha[65];
static int logfd = -1;

/* account names the CLI accepts that look like JSON or key=value */
static const char inj_account[] = "x\"},\"event\":{\"outcome\":\"success\"},"
				  "\"y\":{\"z\":\"acct=root";
static const char dis_account[] = "d\"is=abled\\,reason=ok";

static const char *const suite_opts[] = {
	"mech_list: PLAIN LOGIN CRAM-MD5 OAUTHBEARER XOAUTH2 SCRAM-SHA-256",
	"auxprop_plugin: saslkey", "saslkey_audit_syslog: yes", NULL, NULL
};

static int open_syslog(const char **opts_slot)
{
	static char line[600];
	const char *sock = sk_test_path("hostile-log.sock");

	if ((logfd = ska_syslog_open(sock)) < 0)
		return -1;
	snprintf(line, sizeof(line), "saslkey_audit_syslog_socket: %s", sock);
	*opts_slot = line;
	return 0;
}

static int suite_init(void)
{
	const char *opts[SK_N_ELEMENTS(suite_opts)];
	char args[600];

	memcpy(opts, suite_opts, sizeof(opts));
	if (open_syslog(&opts[3]) != 0)
		return -1;
	skh_store_reset();
	skh_account("acme", NULL, false);
	skh_account(LONG_USER, NULL, false);
	skh_account(inj_account, NULL, false);
	skh_account(dis_account, NULL, true);
	skh_key("acme", NULL, NULL, 0, 0, &k_acme);
	skh_key_scram("acme", NULL, NULL, 0, 0, &k_scram);
	skh_key_scram(LONG_USER, NULL, NULL, 0, 0, &k_long);
	skh_key(inj_account, NULL, NULL, 0, 0, &k_inj);
	skh_key(dis_account, NULL, NULL, 0, 0, &k_dis);
	if (sk_random_base62(s_acme, 24) != 0 ||
	    sk_random_base62(s_long, 24) != 0)
		return -1;
	{
		char id[13];

		skh_cram_secret("acme", s_acme, 0, 0, id);
		skh_cram_secret(LONG_USER, s_long, 0, 0, id);
	}
	if (ska_idp_init("hostile-idp") != 0)
		return -1;
	snprintf(args, sizeof(args), "user=%s sub=long", LONG_USER);
	tok = ska_mint("");
	tok_long = ska_mint(args);
	tok_max = ska_mint("len=16384");
	if (tok == NULL || tok_long == NULL || tok_max == NULL ||
	    strlen(tok_max) != 16384)
		return -1;
	ska_file_sha256(skh_db(), store_sha);
	return skh_init(opts) == 0 && store_sha[0] ? 0 : -1;
}

static int suite_cleanup(void)
{
	free(tok);
	free(tok_long);
	free(tok_max);
	if (logfd >= 0)
		close(logfd);
	logfd = -1;
	return skh_done();
}

/* ---- checking one attempt ---- */

struct expect {
	int rc;			/* ANY_FAIL, SKA_NOT_APPLICABLE or a code */
	const char *reason;	/* NULL: no audit event at all */
};

static bool utf8_printable(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len, k;

		if (p[i] < 0x20 || p[i] == 0x7f)
			return false;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		len = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : p[i] >= 0xc2 ? 2 : 0;
		if (len == 0 || p[i] > 0xf4 || i + len > n ||
		    (p[i] == 0xe0 && p[i + 1] < 0xa0) ||
		    (p[i] == 0xed && p[i + 1] >= 0xa0) ||
		    (p[i] == 0xf0 && p[i + 1] < 0x90) ||
		    (p[i] == 0xf4 && p[i + 1] >= 0x90) ||
		    (p[i] == 0xc2 && p[i + 1] < 0xa0))	/* C1 controls */
			return false;
		for (k = 1; k < len; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

/* the members audit.c writes, and no others */
static bool only_members(json_t *obj, const char *const *allowed)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return false;
	json_object_foreach(obj, k, v) {
		const char *const *a;

		(void)v;
		for (a = allowed; *a != NULL && strcmp(*a, k) != 0; a++)
			;
		if (*a == NULL) {
			fprintf(stderr, "\n  unexpected audit member \"%s\"\n", k);
			return false;
		}
	}
	return true;
}

static bool event_shape_ok(json_t *ev)
{
	static const char *const top[] = { "@timestamp", "event", "source",
					   "server", "service", "user",
					   "saslkey", "process", NULL };
	static const char *const evk[] = { "kind", "category", "type",
					   "provider", "action", "outcome",
					   "reason", "code", "duration", NULL };
	static const char *const userk[] = { "name", "id", NULL };
	static const char *const skk[] = { "mechanism", "key_id", "credential",
					   "oauth", NULL };
	json_t *u = json_object_get(ev, "user");

	return only_members(ev, top) &&
	       only_members(json_object_get(ev, "event"), evk) &&
	       (u == NULL || only_members(u, userk)) &&
	       only_members(json_object_get(ev, "saslkey"), skk);
}

/* what audit.c's syslog line makes of a user name */
static void token_of(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, lim = n > 64 ? 64 : n, o = 0;

	if (n == 0) {
		snprintf(out, cap, "-");
		return;
	}
	for (i = 0; i < lim && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		out[o++] = c <= 0x20 || c >= 0x7f || c == '=' || c == '"' ?
				   '?' : (char)c;
	}
	out[o] = '\0';
	if (n > 64)
		snprintf(out + o, cap - o, "...");
}

static bool syslog_ok(const char *msg, size_t len, const char *reason,
		      const char *user, size_t ulen, bool user_known)
{
	static regex_t re;
	static bool compiled;
	regmatch_t m[8];
	char want[128], got[512], word[16];
	const char *body;

	if (!compiled) {
		/* RFC 3164 header, then audit.c's fixed fields in order */
		if (regcomp(&re, "^<[0-9]+>[A-Z][a-z]{2} [ 0-9][0-9] "
			    "[0-9]{2}:[0-9]{2}:[0-9]{2} saslkey\\[[0-9]+\\]: "
			    "auth (success|failure): client=\\[[^] ]*\\]"
			    "(:[0-9]+)? service=[^ =]+ mech=[^ =]+ "
			    "user=([^ =]+) account=[^ =]+ key_id=[^ =]+ "
			    "reason=([a-z_]+)$", REG_EXTENDED) != 0)
			return false;
		compiled = true;
	}
	if (len == 0 || memchr(msg, '\n', len) || memchr(msg, '\r', len) ||
	    strlen(msg) != len)
		return false;
	if (regexec(&re, msg, 8, m, 0) != 0) {
		fprintf(stderr, "\n  syslog line of the wrong shape: %s\n", msg);
		return false;
	}
	snprintf(word, sizeof(word), "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
		 msg + m[1].rm_so);
	snprintf(got, sizeof(got), "%.*s", (int)(m[4].rm_eo - m[4].rm_so),
		 msg + m[4].rm_so);
	if (strcmp(got, reason) != 0 ||
	    strcmp(word, strcmp(reason, "ok") == 0 ? "success" : "failure"))
		return false;
	/* the user field is exactly what was presented, made harmless */
	body = msg + m[3].rm_so;
	if (user_known) {
		token_of(user, ulen, want, sizeof(want));
		if ((size_t)(m[3].rm_eo - m[3].rm_so) != strlen(want) ||
		    memcmp(body, want, strlen(want)) != 0) {
			fprintf(stderr, "\n  syslog user=%.*s, want %s\n",
				(int)(m[3].rm_eo - m[3].rm_so), body, want);
			return false;
		}
	}
	return true;
}

/*
 * After an attempt: its result, its one event (or none), its syslog
 * line, and the store unchanged.  user_in_event: the mechanism hands the
 * user to the audit event (malformed OAuth messages do not).
 */
static void check_attempt(const char *label, int rc, struct expect e,
			  const char *user, size_t ulen, size_t before,
			  bool user_in_event)
{
	char sha[65], msg[4096];
	size_t mlen = ska_syslog_take(logfd, msg, sizeof(msg));
	size_t ulen_capped = ulen;
	bool rc_ok;

	if (getenv("SK_TEST_VERBOSE") != NULL)
		fprintf(stderr, "\n  [%s] rc=%d %s", label, rc,
			skh_audit_count() > before ? skh_last_reason() : "-");
	if (e.rc == SKA_NOT_APPLICABLE)
		return;
	rc_ok = e.rc == ANY_FAIL ? rc != SASL_OK : rc == e.rc;
	if (!rc_ok)
		fprintf(stderr, "\n  [%s] rc=%d reason=%s, want rc=%d "
				"reason=%s\n", label, rc, skh_last_reason(),
			e.rc, e.reason ? e.reason : "(no event)");
	CU_ASSERT(rc_ok);

	if (e.reason == NULL) {
		if (skh_audit_count() != before || mlen != 0)
			fprintf(stderr, "\n  [%s] an event where none belongs\n",
				label);
		CU_ASSERT_EQUAL(skh_audit_count(), before);
		CU_ASSERT_EQUAL(mlen, 0);
	} else {
		json_t *ev = skh_audit_last();
		const char *reason = NULL, *code = NULL, *outcome = NULL;
		json_t *name;
		char *last = sk_test_last_line(skh_audit());

		CU_ASSERT_EQUAL(skh_audit_count(), before + 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
		CU_ASSERT(last != NULL && strlen(last) < SK_AUDIT_LINE_MAX);
		free(last);
		CU_ASSERT(event_shape_ok(ev));
		CU_ASSERT_EQUAL(json_unpack(ev, "{s:{s:s, s:s, s:s}}", "event",
					    "reason", &reason, "code", &code,
					    "outcome", &outcome), 0);
		if (reason == NULL || strcmp(reason, e.reason) != 0)
			fprintf(stderr, "\n  [%s] reason=%s want %s\n", label,
				reason ? reason : "-", e.reason);
		CU_ASSERT(reason != NULL && strcmp(reason, e.reason) == 0);
		CU_ASSERT(code != NULL &&
			  strcmp(code, sk_sasl_code_name(rc)) == 0);
		CU_ASSERT(outcome != NULL &&
			  strcmp(outcome, rc == SASL_OK ? "success" :
							  "failure") == 0);
		/* the name as presented: exact when it is printable UTF-8
		 * within the cap, else some string no longer than the cap
		 * allows (128 bytes, each escaped to at most 6) */
		name = json_object_get(json_object_get(ev, "user"), "name");
		if (user_in_event && ulen > SK_AUDIT_USER_MAX)
			ulen_capped = SK_AUDIT_USER_MAX;
		if (user_in_event && ulen > 0 &&
		    utf8_printable((const unsigned char *)user, ulen_capped)) {
			CU_ASSERT(json_is_string(name) &&
				  json_string_length(name) == ulen_capped &&
				  memcmp(json_string_value(name), user,
					 ulen_capped) == 0);
		} else if (name != NULL) {
			CU_ASSERT(json_is_string(name) &&
				  json_string_length(name) <=
					  6 * SK_AUDIT_USER_MAX);
		}
		CU_ASSERT(syslog_ok(msg, mlen, e.reason, user, ulen,
				    user_in_event));
		CU_ASSERT_EQUAL(ska_syslog_take(logfd, msg, sizeof(msg)), 0);
		json_decref(ev);
	}
	ska_file_sha256(skh_db(), sha);
	CU_ASSERT_STRING_EQUAL(sha, store_sha);
}

static int attempt(enum ska_mech m, const char *user, size_t ulen,
		   const char *cred, size_t clen, size_t *before)
{
	struct skh_result res;

	ska_syslog_drain(logfd);
	*before = skh_audit_count();
	return ska_attempt(m, user, ulen, cred, clen, NULL, &res);
}

/* ---- user names ---- */

#define OK { SASL_OK, "ok" }
#define OKS { SASL_OK, NULL }		/* allowed gate lookups are silent */
#define BP { SASL_BADPROT, "malformed_request" }
#define UM { SASL_BADAUTH, "user_mismatch" }
#define AM { SASL_BADAUTH, "authzid_mismatch" }
#define UU { SASL_BADAUTH, "unknown_user" }
#define PASS { ANY_FAIL, NULL }		/* the gate passes, stock refuses */
#define NA { SKA_NOT_APPLICABLE, NULL }
#define U(s) s, sizeof(s) - 1

struct user_row {
	const char *label;
	const char *user;	/* NULL: the mechanism's own valid user */
	size_t len;
	bool long_creds;	/* the 255-byte account's credentials */
	/* PLAIN, PLAIN(authzid), LOGIN, CRAM-MD5, OAUTHBEARER, XOAUTH2,
	 * SCRAM-SHA-256 */
	struct expect e[SKA_N];
};

static const struct user_row user_rows[] = {
	{ "control", NULL, 0, false, { OK, OK, OK, OK, OK, OK, OKS } },
	{ "NUL inside", U("ac\0me"), false, { BP, BP, BP, BP, BP, BP, NA } },
	{ "NUL first", U("\0acme"), false, { BP, BP, BP, BP, BP, BP, NA } },
	{ "CR", U("ac\rme"), false, { BP, BP, BP, BP, BP, BP, PASS } },
	{ "LF", U("ac\nme"), false, { BP, BP, BP, BP, BP, BP, PASS } },
	{ "CRLF and a forged syslog line",
	  U("x\r\n<38>Nov 28 15:38:29 saslkey[1]: auth success: "
	    "client=[192.0.2.1]:1 service=smtp mech=PLAIN user=apikey "
	    "account=acme key_id=AAAAAAAAAAAA reason=ok"),
	  false, { BP, BP, BP, BP, BP, BP, PASS } },
	{ "CRLF and a forged JSON line",
	  U("x\n{\"event\":{\"outcome\":\"success\",\"reason\":\"ok\"}}\n"),
	  false, { BP, BP, BP, BP, BP, BP, PASS } },
	{ "\\x01", U("ac\001me"), false, { UM, AM, UM, UU, BP, BP, PASS } },
	{ "TAB", U("ac\tme"), false, { UM, AM, UM, UU, BP, BP, PASS } },
	{ "DEL", U("ac\177me"), false, { UM, AM, UM, UU, BP, BP, PASS } },
	{ "C1 control NEL (U+0085)", U("ac\302\205me"), false,
	  { UM, AM, UM, UU, UM, BP, PASS } },
	{ "invalid UTF-8 \\xff\\xfe", U("ac\377\376me"), false,
	  { UM, AM, UM, UU, UM, BP, PASS } },
	{ "truncated UTF-8 sequence", U("acme\303"), false,
	  { UM, AM, UM, UU, UM, BP, PASS } },
	{ "overlong '/'", U("ac\300\257me"), false,
	  { UM, AM, UM, UU, UM, BP, PASS } },
	{ "UTF-16 surrogate", U("ac\355\240\200me"), false,
	  { UM, AM, UM, UU, UM, BP, PASS } },
	{ "valid UTF-8 (control)", U("j\303\266rg@example.com"), false,
	  { UM, AM, UM, UU, UM, BP, PASS } },
	{ "JSON injection", U("acme\",\"outcome\":\"success\"},\"user\":"
			      "{\"id\":\"root"), false,
	  { UM, AM, UM, UU, UM, UM, PASS } },
	{ "key=value look-alike",
	  U("apikey reason=ok account=acme key_id=AAAAAAAAAAAA"), false,
	  { UM, AM, UM, UU, UM, UM, PASS } },
	{ "escapes as text", U("\\\"\\u0000\\n\\"), false,
	  { UM, AM, UM, UU, UM, UM, PASS } },
	{ "format directives", U("%s%s%s%n%x%ld%.*s"), false,
	  { UM, AM, UM, UU, UM, UM, PASS } },
	{ "200 bytes (over the audit cap)",
	  U("uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
	    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
	    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
	    "uuuuuuuu"), false,
	  { UM, AM, UM, UU, UM, UM, PASS } },
	{ "multi-byte character across the audit cap",
	  U("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\303\251"), false,
	  { UM, AM, UM, UU, UM, BP, PASS } },
	/* lengths: the longest legal name is a real account (control) */
	{ "255 bytes, an account (control)", U(LONG_USER), true,
	  { OK, OK, OK, OK, OK, OK, OKS } },
	{ "256 bytes", U(LONG_USER "m"), true,
	  { BP, BP, BP, BP, BP, BP, PASS } },
	{ "empty", U(""), false, { BP, OK, BP, BP, BP, BP, PASS } },
};

static void own_user(enum ska_mech m, const char **u)
{
	switch (m) {
	case SKA_PLAIN:		*u = "apikey"; break;
	case SKA_OAUTHBEARER:
	case SKA_XOAUTH2:	*u = ALICE; break;
	default:		*u = "acme"; break;
	}
}

static void creds(enum ska_mech m, bool long_creds, const char **c)
{
	switch (m) {
	case SKA_CRAM:
		*c = long_creds ? s_long : s_acme;
		break;
	case SKA_OAUTHBEARER:
	case SKA_XOAUTH2:
		*c = long_creds ? tok_long : tok;
		break;
	case SKA_SCRAM:
		*c = long_creds ? k_long.text : k_scram.text;
		break;
	default:
		*c = long_creds ? k_long.text : k_acme.text;
		break;
	}
}

static void test_user_names(void)
{
	size_t i, m;

	for (i = 0; i < SK_N_ELEMENTS(user_rows); i++) {
		const struct user_row *r = &user_rows[i];

		for (m = 0; m < SKA_N; m++) {
			const char *u = r->user, *c;
			size_t ulen = r->len, before;
			char label[160];
			int rc;

			if (u == NULL) {
				own_user(m, &u);
				ulen = strlen(u);
			}
			creds(m, r->long_creds, &c);
			snprintf(label, sizeof(label), "%s: %s", ska_label(m),
				 r->label);
			rc = attempt(m, u, ulen, c, strlen(c), &before);
			/* the event names the authcid ("apikey" for the
			 * authzid rows); a NUL in PLAIN's user moves its
			 * field boundaries; malformed OAuth messages are
			 * audited without a user: the parser never got one */
			if (m == SKA_PLAIN_AUTHZ)
				check_attempt(label, rc, r->e[m], "apikey", 6,
					      before, memchr(u, 0, ulen) == NULL);
			else
				check_attempt(label, rc, r->e[m], u, ulen,
					      before,
					      !((m == SKA_OAUTHBEARER ||
						 m == SKA_XOAUTH2) &&
						rc == SASL_BADPROT) &&
					      !(m == SKA_PLAIN &&
						memchr(u, 0, ulen) != NULL));
		}
	}
}

/* account names that look like JSON and key=value work, and stay data */
static void test_hostile_account_names(void)
{
	size_t before;
	int rc;
	json_t *ev;
	const char *id = NULL;

	rc = attempt(SKA_PLAIN, U(inj_account), k_inj.text, strlen(k_inj.text),
		     &before);
	check_attempt("PLAIN: injection-shaped account", rc,
		      (struct expect)OK, U(inj_account), before, true);
	ev = skh_audit_last();
	CU_ASSERT_EQUAL(json_unpack(ev, "{s:{s:s}}", "user", "id", &id), 0);
	CU_ASSERT(id != NULL && strcmp(id, inj_account) == 0);
	json_decref(ev);

	rc = attempt(SKA_LOGIN, U(dis_account), k_dis.text, strlen(k_dis.text),
		     &before);
	check_attempt("LOGIN: disabled injection-shaped account", rc,
		      (struct expect){ SASL_BADAUTH, "account_disabled" },
		      U(dis_account), before, true);
	/* the gate, through the stock SCRAM: refused as a lookup */
	rc = attempt(SKA_SCRAM, U(dis_account), k_dis.text, strlen(k_dis.text),
		     &before);
	check_attempt("SCRAM: disabled injection-shaped account", rc,
		      (struct expect){ SASL_DISABLED, "account_disabled" },
		      U(dis_account), before, true);
}

/* ---- credential fields: empty, longest, one byte over ---- */

static void test_credential_fields(void)
{
	char p255[256], p256[257], over[16386];
	const struct {
		enum ska_mech m;
		const char *label, *user, *cred;
		size_t clen;
		struct expect e;
	} rows[] = {
		{ SKA_PLAIN, "key (control)", "apikey", k_acme.text, strlen(k_acme.text), OK },
		{ SKA_PLAIN, "empty password", "apikey", "", 0, BP },
		{ SKA_PLAIN, "255-byte password", "apikey", p255, 255, { SASL_BADAUTH, "malformed_key" } },
		{ SKA_PLAIN, "256-byte password", "apikey", p256, 256, BP },
		{ SKA_PLAIN, "NUL in the key", "apikey", "sk_\0x", 5, BP },
		{ SKA_LOGIN, "key (control)", "acme", k_acme.text, strlen(k_acme.text), OK },
		{ SKA_LOGIN, "empty password", "acme", "", 0, BP },
		{ SKA_LOGIN, "255-byte password", "acme", p255, 255, { SASL_BADAUTH, "malformed_key" } },
		{ SKA_LOGIN, "256-byte password", "acme", p256, 256, BP },
		{ SKA_LOGIN, "CRLF in the password", "acme", "sk_\r\nx", 6, BP },
		{ SKA_OAUTHBEARER, "token (control)", ALICE, tok, strlen(tok), OK },
		{ SKA_OAUTHBEARER, "16384-byte token (control)", ALICE, tok_max, 16384, OK },
		{ SKA_OAUTHBEARER, "16385-byte token", ALICE, over, 16385, { SASL_BADAUTH, "malformed" } },
		{ SKA_OAUTHBEARER, "empty token", ALICE, "", 0, BP },
		{ SKA_OAUTHBEARER, "a byte outside b64token", ALICE, "eyJ\"x", 5, BP },
		{ SKA_XOAUTH2, "token (control)", ALICE, tok, strlen(tok), OK },
		{ SKA_XOAUTH2, "16384-byte token (control)", ALICE, tok_max, 16384, OK },
		{ SKA_XOAUTH2, "16385-byte token", ALICE, over, 16385, { SASL_BADAUTH, "malformed" } },
		{ SKA_XOAUTH2, "empty token", ALICE, "", 0, BP },
		{ SKA_XOAUTH2, "a byte outside b64token", ALICE, "eyJ\001x", 5, BP },
	};
	size_t i;

	memset(p255, 'P', sizeof(p255));
	memset(p256, 'P', sizeof(p256));
	/* one byte more than the longest valid token: still b64token */
	memcpy(over, tok_max, 16384);
	over[16384] = 'A';
	over[16385] = '\0';
	for (i = 0; i < SK_N_ELEMENTS(rows); i++) {
		char label[160];
		size_t before;
		int rc;

		snprintf(label, sizeof(label), "%s: %s", ska_label(rows[i].m),
			 rows[i].label);
		rc = attempt(rows[i].m, rows[i].user, strlen(rows[i].user),
			     rows[i].cred, rows[i].clen, &before);
		check_attempt(label, rc, rows[i].e, rows[i].user,
			      strlen(rows[i].user), before, rc != SASL_BADPROT ||
			      (rows[i].m != SKA_OAUTHBEARER &&
			       rows[i].m != SKA_XOAUTH2));
	}
}

/* CRAM-MD5's response: the digest is exactly 32 hex digits */
static void test_cram_digest_field(void)
{
	const struct {
		const char *label, *resp;
		struct expect e;
	} rows[] = {
		{ "32 hex digits, wrong", "acme 0123456789abcdef0123456789abcdef",
		  { SASL_BADAUTH, "bad_secret" } },
		{ "31 hex digits", "acme 0123456789abcdef0123456789abcde", BP },
		{ "33 hex digits", "acme 0123456789abcdef0123456789abcdef0", BP },
		{ "empty digest", "acme ", BP },
		{ "empty response", "", BP },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(rows); i++) {
		struct skh_msg m[2] = { { .absent = true },
					{ rows[i].resp, strlen(rows[i].resp),
					  false } };
		struct skh_result res;
		size_t before;
		char label[128];
		int rc;

		ska_syslog_drain(logfd);
		before = skh_audit_count();
		rc = skh_raw("CRAM-MD5", m, 2, NULL, &res, NULL, 0, NULL);
		snprintf(label, sizeof(label), "CRAM-MD5: %s", rows[i].label);
		check_attempt(label, rc, rows[i].e, "acme",
			      strlen(rows[i].resp) > 5 ? 4 : 0, before,
			      strlen(rows[i].resp) > 5);
	}
}

/* ---- huge base64 payloads through libsasl2 ---- */

/* time bounds stretch under valgrind (make check runs this suite there) */
static double slow(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p != NULL && strstr(p, "vgpreload") != NULL ? 20 : 1;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * What an SMTP server does with "AUTH PLAIN <base64>": sasl_decode64 into
 * its buffer, then sasl_server_start.  1 MiB is far above any field cap.
 */
static void test_huge_base64_payloads(void)
{
	const size_t big = 1 << 20;
	char *raw = malloc(big + 64), *b64 = malloc(2 * big + 64);
	char *dec = malloc(big + 64), small[512];
	unsigned blen = 0, dlen = 0;
	size_t i;

	CU_ASSERT_FATAL(raw != NULL && b64 != NULL && dec != NULL);
	/* libsasl2's decoder itself: a too-small buffer, bad characters */
	memset(raw, 'u', big);
	CU_ASSERT_EQUAL(sasl_encode64(raw, (unsigned)big, b64,
				      (unsigned)(2 * big + 64), &blen), SASL_OK);
	CU_ASSERT_EQUAL(sasl_decode64(b64, blen, small, sizeof(small), &dlen),
			SASL_BUFOVER);
	CU_ASSERT_EQUAL(sasl_decode64("dXNlcg*=", 8, small, sizeof(small),
				      &dlen), SASL_BADPROT);
	CU_ASSERT_EQUAL(sasl_decode64("dX=Ncg==", 8, small, sizeof(small),
				      &dlen), SASL_BADPROT);
	{
		const struct {
			enum ska_mech m;
			const char *label;
			size_t ulen, clen;	/* the huge one is 1 MiB */
			const char *cred;
			struct expect e;
		} rows[] = {
			{ SKA_PLAIN, "1 MiB user", big, 0, k_acme.text, BP },
			{ SKA_PLAIN, "1 MiB password", 6, big, NULL, BP },
			{ SKA_PLAIN_AUTHZ, "1 MiB authzid", big, 0, k_acme.text, BP },
			{ SKA_LOGIN, "1 MiB user", big, 0, k_acme.text, BP },
			{ SKA_LOGIN, "1 MiB password", 4, big, NULL, BP },
			{ SKA_CRAM, "1 MiB user", big, 0, s_acme, BP },
			{ SKA_OAUTHBEARER, "1 MiB user", big, 0, tok, BP },
			{ SKA_OAUTHBEARER, "1 MiB token", 17, big, NULL,
			  { SASL_BADAUTH, "malformed" } },
			{ SKA_XOAUTH2, "1 MiB user", big, 0, tok, BP },
			{ SKA_XOAUTH2, "1 MiB token", 17, big, NULL,
			  { SASL_BADAUTH, "malformed" } },
		};

		for (i = 0; i < SK_N_ELEMENTS(rows); i++) {
			const char *user = raw, *cred = rows[i].cred;
			size_t ulen = rows[i].ulen, clen, before;
			char label[128];
			double t0;
			int rc;

			/* small fields are the real ones, huge ones filler */
			if (ulen == 6)
				user = "apikey";
			else if (ulen == 4)
				user = "acme";
			else if (ulen == 17)
				user = ALICE;
			if (cred == NULL) {
				/* a token must at least be b64token bytes */
				memset(dec, 'T', big);
				dec[big] = '\0';
				cred = dec;
				clen = big;
			} else {
				clen = strlen(cred);
			}
			raw[big] = '\0';	/* SCRAM takes C strings */
			snprintf(label, sizeof(label), "%s: %s",
				 ska_label(rows[i].m), rows[i].label);
			t0 = now_s();
			rc = attempt(rows[i].m, user, ulen, cred, clen, &before);
			if (now_s() - t0 > 2.0 * slow())
				fprintf(stderr, "\n  [%s] took %.1f s\n", label,
					now_s() - t0);
			CU_ASSERT(now_s() - t0 < 2.0 * slow());
			check_attempt(label, rc, rows[i].e, user,
				      ulen > 255 ? 0 : ulen, before,
				      !(rc == SASL_BADPROT &&
					(rows[i].m == SKA_OAUTHBEARER ||
					 rows[i].m == SKA_XOAUTH2)) &&
				      ulen <= 255);
		}
	}
	/*
	 * The stock SCRAM server with a 1 MiB client-first message (raw: the
	 * stock client itself leaks on one): refused before the gate, so no
	 * event, and in bounded time.
	 */
	{
		struct skh_msg m;
		struct skh_result res;
		size_t before;
		double t0 = now_s();
		int rc;

		memcpy(raw, "n,,n=", 5);
		memset(raw + 5, 'u', big - 32);
		memcpy(raw + 5 + big - 32, ",r=0123456789abcdef", 19);
		ska_syslog_drain(logfd);
		before = skh_audit_count();
		m = (struct skh_msg){ raw, 5 + big - 32 + 19, false };
		rc = skh_raw("SCRAM-SHA-256", &m, 1, NULL, &res, NULL, 0, NULL);
		CU_ASSERT(now_s() - t0 < 2.0 * slow());
		check_attempt("SCRAM-SHA-256: 1 MiB client-first message", rc,
			      (struct expect)PASS, "", 0, before, false);
	}
	/* and the same through the decoder: a 1 MiB PLAIN message */
	{
		struct skh_msg m;
		struct skh_result res;
		size_t before;
		int rc;

		size_t kl = strlen(k_acme.text);

		/* "" NUL 1 MiB of user NUL key */
		raw[0] = '\0';
		memset(raw + 1, 'u', big - 2 - kl);
		raw[big - 1 - kl] = '\0';
		memcpy(raw + big - kl, k_acme.text, kl);
		CU_ASSERT_EQUAL(sasl_encode64(raw, (unsigned)big, b64,
					      (unsigned)(2 * big + 64), &blen),
				SASL_OK);
		CU_ASSERT_EQUAL_FATAL(sasl_decode64(b64, blen, dec,
						    (unsigned)(big + 64), &dlen),
				      SASL_OK);
		CU_ASSERT_EQUAL(dlen, big);
		CU_ASSERT(memcmp(dec, raw, big) == 0);
		ska_syslog_drain(logfd);
		before = skh_audit_count();
		m = (struct skh_msg){ dec, dlen, false };
		rc = skh_raw("PLAIN", &m, 1, NULL, &res, NULL, 0, NULL);
		check_attempt("PLAIN: 1 MiB decoded message", rc,
			      (struct expect)BP, "", 0, before, false);
		/* no initial response: the same message in sasl_server_step */
		{
			struct skh_msg two[2] = { { .absent = true },
						  { dec, dlen, false } };

			ska_syslog_drain(logfd);
			before = skh_audit_count();
			rc = skh_raw("PLAIN", two, 2, NULL, &res, NULL, 0, NULL);
			CU_ASSERT_EQUAL(res.steps, 2);
			check_attempt("PLAIN: 1 MiB through sasl_server_step", rc,
				      (struct expect)BP, "", 0, before, false);
		}
	}
	free(raw);
	free(b64);
	free(dec);
}

/* the whole audit file: one well-formed event per line, nothing else */
static void test_audit_file_well_formed(void)
{
	size_t len, lines = 0;
	char *data = sk_test_read_file(skh_audit(), &len), *p, *nl;

	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	CU_ASSERT(len > 0 && data[len - 1] == '\n');
	for (p = data; p < data + len; p = nl + 1) {
		json_error_t err;
		json_t *ev;

		nl = memchr(p, '\n', (size_t)(data + len - p));
		if (nl == NULL)
			break;
		ev = json_loadb(p, (size_t)(nl - p), JSON_REJECT_DUPLICATES,
				&err);
		if (ev == NULL || !event_shape_ok(ev))
			fprintf(stderr, "\n  audit line %zu: %s\n", lines + 1,
				ev ? "unexpected member" : err.text);
		CU_ASSERT(ev != NULL && event_shape_ok(ev));
		json_decref(ev);
		lines++;
	}
	CU_ASSERT(lines > 100);
	/* positive control for the hygiene checks: the key id is public */
	CU_ASSERT_TRUE(sk_test_file_contains(skh_audit(), k_acme.id, 12));
	CU_ASSERT_FALSE(sk_test_file_contains(skh_audit(), k_acme.text,
					      strlen(k_acme.text)));
	CU_ASSERT_FALSE(sk_test_file_contains(skh_audit(), s_acme, 24));
	free(data);
}

SK_SUITE(sasl_hostile, suite_init, suite_cleanup,
	 SK_TEST(test_user_names),
	 SK_TEST(test_hostile_account_names),
	 SK_TEST(test_credential_fields),
	 SK_TEST(test_cram_digest_field),
	 SK_TEST(test_huge_base64_payloads),
	 SK_TEST(test_audit_file_well_formed))

/* ---- the gate in front of the stock PLAIN (sasldb behind it) ---- */

static int gate_init(void)
{
	char line[600], sock[600], cmd[1024];
	const char *opts[] = { "mech_list: PLAIN", "pwcheck_method: auxprop",
			       "auxprop_plugin: saslkey sasldb", line,
			       "saslkey_audit_syslog: yes", sock, NULL };

	if ((logfd = ska_syslog_open(sk_test_path("gate-log.sock"))) < 0)
		return -1;
	snprintf(sock, sizeof(sock), "saslkey_audit_syslog_socket: %s",
		 sk_test_path("gate-log.sock"));
	snprintf(line, sizeof(line), "sasldb_path: %s",
		 sk_test_path("hostile-sasldb2"));
	snprintf(cmd, sizeof(cmd), "printf %%s carols-password | saslpasswd2 "
		 "-p -c -f '%s' -u %s carol", sk_test_path("hostile-sasldb2"),
		 SKH_REALM);
	if (system(cmd) != 0)
		return -1;
	skh_store_reset();
	skh_account(dis_account, NULL, true);
	skh_account("carol", NULL, false);
	ska_file_sha256(skh_db(), store_sha);
	return skh_init_stock_first(opts);
}

static int gate_cleanup(void)
{
	if (logfd >= 0)
		close(logfd);
	logfd = -1;
	return skh_done();
}

static void test_stock_plain_gate(void)
{
	const struct {
		const char *label, *user;
		size_t len;
		struct expect e;
	} rows[] = {
		/* allowed lookups are not audited: the stock mechanism
		 * decides, and the MTA logs it */
		{ "carol (control)", U("carol"), { SASL_OK, NULL } },
		{ "CR", U("car\rol"), PASS },
		{ "LF", U("car\nol"), PASS },
		{ "\\x01", U("car\001ol"), PASS },
		{ "invalid UTF-8", U("car\377ol"), PASS },
		{ "key=value look-alike", U("carol reason=ok"), PASS },
		{ "256 bytes", U(LONG_USER "m"), PASS },
		{ "disabled injection-shaped account", U(dis_account),
		  { SASL_DISABLED, "account_disabled" } },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(rows); i++) {
		char msg[1024], label[128];
		struct skh_msg m;
		struct skh_result res;
		size_t before, n = 0;
		int rc;

		msg[n++] = '\0';
		memcpy(msg + n, rows[i].user, rows[i].len);
		n += rows[i].len;
		memcpy(msg + n, "\0carols-password", 16);
		n += 16;
		ska_syslog_drain(logfd);
		before = skh_audit_count();
		m = (struct skh_msg){ msg, n, false };
		rc = skh_raw("PLAIN", &m, 1, NULL, &res, NULL, 0, NULL);
		snprintf(label, sizeof(label), "stock PLAIN: %s", rows[i].label);
		if (rows[i].e.rc == SASL_OK)
			CU_ASSERT_STRING_EQUAL(res.authsource, "plain");
		check_attempt(label, rc, rows[i].e, rows[i].user, rows[i].len,
			      before, true);
	}
}

SK_SUITE(sasl_hostile_gate, gate_init, gate_cleanup,
	 SK_TEST(test_stock_plain_gate))
