/* saslkey tests - common/audit.c: JSON and syslog renderings, sinks */
#define _GNU_SOURCE		/* program_invocation_short_name */
#include "audit.h"
#include "status.h"
#include "sktest.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <sasl/sasl.h>

#define NOW 1767225600LL	/* 2026-01-01T00:00:00Z */

/* ---- a logger that remembers what it was told ---- */

static char logged[4096];
static unsigned nlogged;

static void log_capture(void *ctx, enum sk_log_level level, const char *msg)
{
	size_t n = strlen(logged);

	(void)ctx;
	(void)level;
	nlogged++;
	snprintf(logged + n, sizeof(logged) - n, "%s\n", msg);
}

static const struct sk_logger cap_lg = { .emit = log_capture };

static void log_reset(void)
{
	logged[0] = '\0';
	nlogged = 0;
}

/* ---- events ---- */

static struct sk_audit_event base_event(void)
{
	struct sk_audit_event ev;
	unsigned port = 0;

	memset(&ev, 0, sizeof(ev));
	ev.action = "sasl-auth";
	ev.success = false;
	ev.reason = "bad_secret";
	ev.code = SASL_BADAUTH;
	ev.mech = "PLAIN";
	ev.service = "smtp";
	CU_ASSERT_FATAL(sk_ipport_parse("198.51.100.7;54321", 18, &ev.client,
					&port) == SK_OK);
	ev.client_port = port;
	CU_ASSERT_FATAL(sk_ipport_parse("192.0.2.1;25", 12, &ev.server,
					&port) == SK_OK);
	ev.server_port = port;
	ev.user = "apikey";
	ev.user_len = 6;
	ev.account = "acme";
	ev.key_id = "Ab12Cd34Ef56";
	ev.credential = "api_key";
	ev.when.tv_sec = NOW;
	ev.when.tv_nsec = 123456789;
	ev.duration_ns = 1500000;
	return ev;
}

static void set_now(struct sk_audit_event *ev, int offset)
{
	clock_gettime(CLOCK_REALTIME, &ev->when);
	ev->when.tv_sec += offset;
}

/* the value at a dotted path ("event.outcome"), or NULL */
static json_t *jget(json_t *root, const char *path)
{
	char buf[128], *save = NULL, *part;
	json_t *j = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, ".", &save); part != NULL && j != NULL;
	     part = strtok_r(NULL, ".", &save)) {
		/* "@timestamp" has no dots; keys with dots do not occur */
		j = json_object_get(j, part);
	}
	return j;
}

static const char *jstr(json_t *root, const char *path)
{
	json_t *j = jget(root, path);

	return json_is_string(j) ? json_string_value(j) : NULL;
}

static bool jstr_is(json_t *root, const char *path, const char *want)
{
	const char *v = jstr(root, path);

	if (v == NULL || strcmp(v, want) != 0) {
		fprintf(stderr, "  %s: \"%s\", want \"%s\"\n", path,
			v ? v : "(missing)", want);
		return false;
	}
	return true;
}

/* render, check it is one strict JSON object on one line, parse it */
static json_t *render(const struct sk_audit_event *ev, char *buf, size_t cap)
{
	json_error_t jerr;
	json_t *j;
	size_t n = sk_audit_format_json(ev, buf, cap);

	CU_ASSERT(n > 0);
	CU_ASSERT_EQUAL(n, strlen(buf));
	CU_ASSERT(memchr(buf, '\n', n) == NULL);
	CU_ASSERT(memchr(buf, '\r', n) == NULL);
	j = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		fprintf(stderr, "  bad JSON: %s\n", jerr.text);
	CU_ASSERT(json_is_object(j));
	return j;
}

static void test_json_ecs_fields(void)
{
	struct sk_audit_event ev = base_event();
	char buf[SK_AUDIT_LINE_MAX];
	json_t *j = render(&ev, buf, sizeof(buf));

	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT(jstr_is(j, "@timestamp", "2026-01-01T00:00:00.123Z"));
	CU_ASSERT(jstr_is(j, "event.outcome", "failure"));
	CU_ASSERT(jstr_is(j, "event.reason", "bad_secret"));
	CU_ASSERT(jstr_is(j, "event.action", "sasl-auth"));
	CU_ASSERT(jstr_is(j, "event.code", "SASL_BADAUTH"));
	CU_ASSERT(jstr_is(j, "event.kind", "event"));
	CU_ASSERT(json_integer_value(jget(j, "event.duration")) == 1500000);
	CU_ASSERT(jstr_is(j, "source.ip", "198.51.100.7"));
	CU_ASSERT(json_is_integer(jget(j, "source.port")) &&
		  json_integer_value(jget(j, "source.port")) == 54321);
	CU_ASSERT(jstr_is(j, "server.ip", "192.0.2.1"));
	CU_ASSERT(json_integer_value(jget(j, "server.port")) == 25);
	CU_ASSERT(jstr_is(j, "service.name", "smtp"));
	CU_ASSERT(jstr_is(j, "user.name", "apikey"));
	CU_ASSERT(jstr_is(j, "user.id", "acme"));
	CU_ASSERT(jstr_is(j, "saslkey.key_id", "Ab12Cd34Ef56"));
	CU_ASSERT(jstr_is(j, "saslkey.mechanism", "PLAIN"));
	CU_ASSERT(jstr_is(j, "saslkey.credential", "api_key"));
	CU_ASSERT(json_integer_value(jget(j, "process.pid")) == getpid());
	CU_ASSERT(jget(j, "saslkey.oauth") == NULL);
	json_decref(j);

	/* success, and a lookup */
	ev.success = true;
	ev.reason = "ok";
	ev.code = SASL_OK;
	ev.action = "lookup";
	j = render(&ev, buf, sizeof(buf));
	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT(jstr_is(j, "event.outcome", "success"));
	CU_ASSERT(jstr_is(j, "event.action", "lookup"));
	CU_ASSERT(jstr_is(j, "event.code", "SASL_OK"));
	CU_ASSERT(json_is_array(jget(j, "event.type")) &&
		  json_array_size(jget(j, "event.type")) == 1 &&
		  strcmp(json_string_value(json_array_get(jget(j, "event.type"),
							  0)), "info") == 0);
	json_decref(j);
}

/* what is not known is left out, not written as "" or 0 */
static void test_json_absent_fields(void)
{
	struct sk_audit_event ev = base_event();
	char buf[SK_AUDIT_LINE_MAX];
	json_t *j;

	memset(&ev.client, 0, sizeof(ev.client));
	memset(&ev.server, 0, sizeof(ev.server));
	ev.user = NULL;
	ev.user_len = 0;
	ev.account = "";
	ev.key_id = NULL;
	ev.service = NULL;
	j = render(&ev, buf, sizeof(buf));
	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT(jget(j, "source") == NULL);
	CU_ASSERT(jget(j, "server") == NULL);
	CU_ASSERT(jget(j, "user") == NULL);
	CU_ASSERT(jget(j, "service") == NULL);
	CU_ASSERT(jget(j, "saslkey.key_id") == NULL);
	CU_ASSERT(jstr_is(j, "saslkey.mechanism", "PLAIN"));
	json_decref(j);

	/* an address without a port */
	ev = base_event();
	ev.client_port = 0;
	j = render(&ev, buf, sizeof(buf));
	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT(jstr_is(j, "source.ip", "198.51.100.7"));
	CU_ASSERT(jget(j, "source.port") == NULL);
	json_decref(j);
}

static void test_json_ipv6_and_oauth(void)
{
	struct sk_audit_event ev = base_event();
	char buf[SK_AUDIT_LINE_MAX];
	unsigned port = 0;
	json_t *j;

	CU_ASSERT_FATAL(sk_ipport_parse("2001:db8::1;2525", 16, &ev.client,
					&port) == SK_OK);
	ev.client_port = port;
	ev.mech = "OAUTHBEARER";
	ev.credential = "bearer";
	ev.issuer = "https://idp.example/";
	ev.sub = "user-1";
	ev.kid = "k1";
	ev.alg = "RS256";
	j = render(&ev, buf, sizeof(buf));
	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT(jstr_is(j, "source.ip", "2001:db8::1"));
	CU_ASSERT(json_integer_value(jget(j, "source.port")) == 2525);
	CU_ASSERT(jstr_is(j, "saslkey.oauth.issuer", "https://idp.example/"));
	CU_ASSERT(jstr_is(j, "saslkey.oauth.sub", "user-1"));
	CU_ASSERT(jstr_is(j, "saslkey.oauth.kid", "k1"));
	CU_ASSERT(jstr_is(j, "saslkey.oauth.alg", "RS256"));
	CU_ASSERT(jget(j, "saslkey.oauth.jti") == NULL);
	json_decref(j);
}

struct hostile {
	const char *what;
	char *user;
	size_t len;
	char *want;	/* decoded user.name */
	size_t want_len;
};

static void hostile_set(struct hostile *h, const char *what, const void *user,
			size_t len, const void *want, size_t want_len)
{
	h->what = what;
	h->user = malloc(len + 1);
	h->want = malloc(want_len + 1);
	CU_ASSERT_FATAL(h->user != NULL && h->want != NULL);
	memcpy(h->user, user, len);
	memcpy(h->want, want, want_len);
	h->len = len;
	h->want_len = want_len;
}

static void hostile_fill(struct hostile *h, const char *what,
			 const char *unit, size_t total)
{
	size_t ul = strlen(unit), i;
	char *u = malloc(total);

	CU_ASSERT_FATAL(u != NULL);
	for (i = 0; i < total; i++)
		u[i] = unit[i % ul];
	/* only the first SK_AUDIT_USER_MAX bytes are logged */
	hostile_set(h, what, u, total, u, SK_AUDIT_USER_MAX);
	free(u);
}

/* user names are attacker bytes: the line stays one valid JSON object */
static void test_json_hostile_users(void)
{
	struct hostile h[10];
	size_t nh = 0, i;
	char buf[SK_AUDIT_LINE_MAX];

	hostile_set(&h[nh++], "plain", "apikey", 6, "apikey", 6);
	hostile_set(&h[nh++], "quotes", "a\"b\\c\"}", 7, "a\"b\\c\"}", 7);
	hostile_set(&h[nh++], "newlines", "l1\nl2\r\n{\"x\":1}", 14,
		    "l1\nl2\r\n{\"x\":1}", 14);
	hostile_set(&h[nh++], "nul", "a\0b", 3, "a\xef\xbf\xbd" "b", 5);
	hostile_set(&h[nh++], "0xff", "\xff\xfeok", 4,
		    "\xef\xbf\xbd\xef\xbf\xbdok", 8);
	hostile_fill(&h[nh++], "10k A", "A", 10240);
	hostile_fill(&h[nh++], "10k quotes", "\"", 10240);
	hostile_fill(&h[nh++], "10k controls", "\x01\x1f", 10240);
	hostile_fill(&h[nh++], "10k e-acute", "\xc3\xa9", 10240);
	{
		/* a cut through a multibyte character leaves U+FFFD */
		char u[10240], w[SK_AUDIT_USER_MAX + 8];
		size_t k, wn;

		u[0] = 'x';
		for (k = 1; k < sizeof(u) - 1; k += 2)
			memcpy(u + k, "\xc3\xa9", 2);
		u[sizeof(u) - 1] = 'x';
		memcpy(w, u, SK_AUDIT_USER_MAX - 1);
		memcpy(w + SK_AUDIT_USER_MAX - 1, "\xef\xbf\xbd", 3);
		wn = SK_AUDIT_USER_MAX + 2;
		hostile_set(&h[nh++], "cut", u, sizeof(u), w, wn);
	}
	CU_ASSERT_FATAL(nh <= SK_N_ELEMENTS(h));

	for (i = 0; i < nh; i++) {
		struct sk_audit_event ev = base_event();
		json_t *j, *name;

		ev.user = h[i].user;
		ev.user_len = h[i].len;
		j = render(&ev, buf, sizeof(buf));
		name = jget(j, "user.name");
		if (!json_is_string(name) ||
		    json_string_length(name) != h[i].want_len ||
		    memcmp(json_string_value(name), h[i].want, h[i].want_len) !=
			    0)
			fprintf(stderr, "  hostile user \"%s\" mangled\n",
				h[i].what);
		CU_ASSERT(json_is_string(name) &&
			  json_string_length(name) == h[i].want_len &&
			  memcmp(json_string_value(name), h[i].want,
				 h[i].want_len) == 0);
		/* the other fields survive next to it */
		CU_ASSERT(j != NULL && jstr_is(j, "user.id", "acme"));
		CU_ASSERT(j != NULL && jstr_is(j, "event.reason", "bad_secret"));
		json_decref(j);
		free(h[i].user);
		free(h[i].want);
	}
}

/*
 * Every field a client controls (the user name, and the claims of a token
 * it presents) hostile and as long as it may be, at once: the full record
 * still fits SK_AUDIT_LINE_MAX, nothing is dropped to make room.
 */
static void test_json_all_client_fields_hostile(void)
{
	char big[20000], buf[SK_AUDIT_LINE_MAX];
	struct sk_audit_event ev = base_event();
	json_t *j;

	memset(big, 0x01, sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ev.user = big;
	ev.user_len = sizeof(big) - 1;
	ev.key_id = big;
	ev.issuer = ev.sub = ev.jti = ev.kid = ev.alg = big;
	j = render(&ev, buf, sizeof(buf));
	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT(json_string_length(jget(j, "user.name")) == SK_AUDIT_USER_MAX);
	CU_ASSERT(json_is_string(jget(j, "saslkey.oauth.issuer")));
	CU_ASSERT(json_is_string(jget(j, "saslkey.oauth.jti")));
	CU_ASSERT(jstr_is(j, "event.outcome", "failure"));
	CU_ASSERT(jstr_is(j, "source.ip", "198.51.100.7"));
	json_decref(j);

	/* even with every field hostile: one valid line, outcome kept */
	ev.account = ev.reason = ev.mech = ev.service = ev.credential = big;
	j = render(&ev, buf, sizeof(buf));
	CU_ASSERT(j != NULL && jstr_is(j, "event.outcome", "failure"));
	CU_ASSERT(j != NULL && jstr_is(j, "source.ip", "198.51.100.7"));
	json_decref(j);
}

/* a buffer too small for the full record gets the minimal one, or nothing */
static void test_json_small_buffer(void)
{
	struct sk_audit_event ev = base_event();
	char full[SK_AUDIT_LINE_MAX], buf[SK_AUDIT_LINE_MAX];
	size_t n = sk_audit_format_json(&ev, full, sizeof(full)), m;
	json_t *j;

	CU_ASSERT_FATAL(n > 0);
	/* exactly enough room: the full record */
	CU_ASSERT_EQUAL(sk_audit_format_json(&ev, buf, n + 1), n);
	CU_ASSERT_STRING_EQUAL(buf, full);
	/* one byte short: a smaller record that is still valid */
	m = sk_audit_format_json(&ev, buf, n);
	CU_ASSERT(m > 0 && m < n);
	j = json_loads(buf, JSON_REJECT_DUPLICATES, NULL);
	CU_ASSERT(json_is_object(j));
	CU_ASSERT(j != NULL && jstr_is(j, "event.outcome", "failure"));
	CU_ASSERT(jget(j, "user") == NULL);
	json_decref(j);
	/* hopeless: nothing, and an empty string */
	memset(buf, 'x', 20);
	CU_ASSERT_EQUAL(sk_audit_format_json(&ev, buf, 20), 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
}

/* ---- the syslog line ---- */

static const char *const line_fields[] = {
	"client=[", "service=", "mech=", "user=", "account=", "key_id=",
	"reason=",
};

/* "auth failure:" then exactly the fields, in order, no spaces inside */
static bool line_shape_ok(const char *line, bool success)
{
	char buf[SK_AUDIT_LINE_MAX], *save = NULL, *tok;
	size_t i = 0;

	if (strchr(line, '\n') || strchr(line, '\r') || strchr(line, '"') ||
	    strstr(line, "  "))
		return false;
	snprintf(buf, sizeof(buf), "%s", line);
	tok = strtok_r(buf, " ", &save);
	if (tok == NULL || strcmp(tok, "auth") != 0)
		return false;
	tok = strtok_r(NULL, " ", &save);
	if (tok == NULL || strcmp(tok, success ? "success:" : "failure:") != 0)
		return false;
	while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
		const char *eq;

		if (i == SK_N_ELEMENTS(line_fields) ||
		    strncmp(tok, line_fields[i], strlen(line_fields[i])) != 0)
			return false;
		/* one '=' per field: a value cannot fake another field */
		eq = strchr(tok, '=');
		if (strchr(eq + 1, '=') != NULL || eq[1] == '\0')
			return false;
		i++;
	}
	return i == SK_N_ELEMENTS(line_fields);
}

static void test_line_exact(void)
{
	struct sk_audit_event ev = base_event();
	char buf[1024];
	size_t n = sk_audit_format_line(&ev, buf, sizeof(buf));

	CU_ASSERT_STRING_EQUAL(buf, "auth failure: client=[198.51.100.7]:54321 "
				    "service=smtp mech=PLAIN user=apikey "
				    "account=acme key_id=Ab12Cd34Ef56 "
				    "reason=bad_secret");
	CU_ASSERT_EQUAL(n, strlen(buf));
	CU_ASSERT(line_shape_ok(buf, false));

	ev.success = true;
	ev.reason = "ok";
	sk_audit_format_line(&ev, buf, sizeof(buf));
	CU_ASSERT(strncmp(buf, "auth success: client=", 21) == 0);
	CU_ASSERT(line_shape_ok(buf, true));
	CU_ASSERT(!line_shape_ok(buf, false));
}

static void test_line_missing_values(void)
{
	struct sk_audit_event ev;
	char buf[1024];

	memset(&ev, 0, sizeof(ev));
	ev.action = "sasl-auth";
	sk_audit_format_line(&ev, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "auth failure: client=[-] service=- mech=- "
				    "user=- account=- key_id=- reason=-");
	CU_ASSERT(line_shape_ok(buf, false));
}

static void test_line_ipv6(void)
{
	struct sk_audit_event ev = base_event();
	char buf[1024];
	unsigned port = 0;

	CU_ASSERT_FATAL(sk_ipport_parse("::ffff:203.0.113.5;25", 21, &ev.client,
					&port) == SK_OK);
	ev.client_port = port;
	sk_audit_format_line(&ev, buf, sizeof(buf));
	CU_ASSERT(strncmp(buf, "auth failure: client=[203.0.113.5]:25 ", 38) ==
		  0);
	CU_ASSERT_FATAL(sk_ipport_parse("2001:db8::7;25", 14, &ev.client,
					&port) == SK_OK);
	sk_audit_format_line(&ev, buf, sizeof(buf));
	CU_ASSERT(strncmp(buf, "auth failure: client=[2001:db8::7]:25 ", 38) ==
		  0);
	CU_ASSERT(line_shape_ok(buf, false));
}

static void test_line_hostile(void)
{
	static const struct {
		const char *user;
		size_t len;
		const char *want;	/* the user= token */
	} cases[] = {
		{ "apikey", 6, "user=apikey " },
		{ "evil reason=ok", 14, "user=evil?reason?ok " },
		{ "x\" key_id=\"1", 12, "user=x??key_id??1 " },
		{ "a\nb\r\0c", 6, "user=a?b??c " },
		{ "\xc3\xa9t\xc3\xa9", 5, "user=??t?? " },
		{ "", 0, "user=- " },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		struct sk_audit_event ev = base_event();
		char buf[1024];

		ev.user = cases[i].user;
		ev.user_len = cases[i].len;
		sk_audit_format_line(&ev, buf, sizeof(buf));
		CU_ASSERT(strstr(buf, cases[i].want) != NULL);
		CU_ASSERT(line_shape_ok(buf, false));
	}
	/* long values are cut with "..." and the line keeps its shape */
	{
		struct sk_audit_event ev = base_event();
		char big[5000], buf[1024], want[80];

		memset(big, 'u', sizeof(big));
		ev.user = big;
		ev.user_len = sizeof(big);
		big[sizeof(big) - 1] = '\0';
		ev.account = big;
		ev.reason = big;
		sk_audit_format_line(&ev, buf, sizeof(buf));
		CU_ASSERT(line_shape_ok(buf, false));
		snprintf(want, sizeof(want), " user=%.64s... ", big);
		CU_ASSERT(strstr(buf, want) != NULL);
	}
}

static void test_sasl_code_names(void)
{
	CU_ASSERT_STRING_EQUAL(sk_sasl_code_name(SASL_OK), "SASL_OK");
	CU_ASSERT_STRING_EQUAL(sk_sasl_code_name(SASL_BADAUTH), "SASL_BADAUTH");
	CU_ASSERT_STRING_EQUAL(sk_sasl_code_name(SASL_UNAVAIL), "SASL_UNAVAIL");
	CU_ASSERT_STRING_EQUAL(sk_sasl_code_name(SASL_TRYAGAIN),
			       "SASL_TRYAGAIN");
	CU_ASSERT_STRING_EQUAL(sk_sasl_code_name(-9999), "SASL_OTHER");
}

/* ---- sinks ---- */

static json_t *parse_line(const char *line)
{
	return json_loads(line, JSON_REJECT_DUPLICATES, NULL);
}

static void test_file_sink_appends(void)
{
	const char *path = sk_test_path("audit1.json");
	struct sk_audit *au = NULL;
	struct sk_audit_event ev = base_event();
	struct stat sb;
	char *buf, *line, *save = NULL;
	unsigned n = 0, good = 0;
	const char *reasons[] = { "r1", "r2", "r3" };
	size_t i;

	/* what is already there stays there */
	CU_ASSERT_FATAL(sk_test_write_file(path, "{\"old\":1}\n", 10));
	log_reset();
	CU_ASSERT_EQUAL_FATAL(sk_audit_open(&au, path, false, NULL, &cap_lg),
			      SK_OK);
	for (i = 0; i < SK_N_ELEMENTS(reasons); i++) {
		set_now(&ev, 0);
		ev.reason = reasons[i];
		sk_audit_emit(au, &ev);
		CU_ASSERT_EQUAL(sk_test_count_lines(path), i + 2);
	}
	sk_audit_close(au);
	CU_ASSERT_EQUAL(nlogged, 0);
	buf = sk_test_read_file(path, NULL);
	CU_ASSERT_FATAL(buf != NULL);
	CU_ASSERT(strncmp(buf, "{\"old\":1}\n", 10) == 0);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save), n++) {
		json_t *j = parse_line(line);

		if (n > 0 && j != NULL && jstr_is(j, "event.reason", reasons[n - 1]))
			good++;
		json_decref(j);
	}
	free(buf);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(good, 3);

	/* a new file is created private to owner and group */
	path = sk_test_path("audit-new.json");
	CU_ASSERT_EQUAL_FATAL(sk_audit_open(&au, path, false, NULL, &cap_lg),
			      SK_OK);
	sk_audit_emit(au, &ev);
	sk_audit_close(au);
	CU_ASSERT_FATAL(stat(path, &sb) == 0);
	CU_ASSERT_EQUAL(sb.st_mode & 0137, 0);
	CU_ASSERT_EQUAL(sk_test_count_lines(path), 1);
}

/* after logrotate moved the file away, events go to a new file */
static void test_file_sink_rotation(void)
{
	char moved[512];
	const char *path = sk_test_path("audit-rot.json");
	struct sk_audit *au = NULL;
	struct sk_audit_event ev = base_event();
	char *last;

	snprintf(moved, sizeof(moved), "%s.1", path);
	CU_ASSERT_EQUAL_FATAL(sk_audit_open(&au, path, false, NULL, &cap_lg),
			      SK_OK);
	set_now(&ev, 0);
	ev.reason = "before";
	sk_audit_emit(au, &ev);
	sk_audit_emit(au, &ev);
	CU_ASSERT_FATAL(rename(path, moved) == 0);
	set_now(&ev, 5);	/* past the recheck interval */
	ev.reason = "after";
	sk_audit_emit(au, &ev);
	sk_audit_close(au);
	CU_ASSERT_EQUAL(sk_test_count_lines(moved), 2);
	CU_ASSERT_EQUAL(sk_test_count_lines(path), 1);
	last = sk_test_last_line(path);
	CU_ASSERT(last != NULL && strstr(last, "\"after\"") != NULL);
	free(last);
}

/* several processes appending at once: whole lines, none lost */
static void test_file_sink_concurrent(void)
{
	enum { PROCS = 4, EACH = 200 };
	const char *path = sk_test_path("audit-conc.json");
	char *buf, *line, *save = NULL;
	unsigned n = 0, bad = 0;
	int p, status;

	for (p = 0; p < PROCS; p++) {
		pid_t pid = fork();

		CU_ASSERT_FATAL(pid >= 0);
		if (pid == 0) {
			struct sk_audit *au = NULL;
			struct sk_audit_event ev = base_event();
			char big[100];
			int i;

			memset(big, 'a' + p, sizeof(big));
			ev.user = big;
			ev.user_len = sizeof(big);
			if (sk_audit_open(&au, path, false, NULL, NULL) != SK_OK)
				_exit(1);
			for (i = 0; i < EACH; i++) {
				set_now(&ev, 0);
				sk_audit_emit(au, &ev);
			}
			sk_audit_close(au);
			_exit(0);
		}
	}
	for (p = 0; p < PROCS; p++) {
		CU_ASSERT(wait(&status) > 0 && WIFEXITED(status) &&
			  WEXITSTATUS(status) == 0);
	}
	buf = sk_test_read_file(path, NULL);
	CU_ASSERT_FATAL(buf != NULL);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save), n++) {
		json_t *j = parse_line(line);

		bad += j == NULL || jget(j, "user.name") == NULL;
		json_decref(j);
	}
	free(buf);
	CU_ASSERT_EQUAL(n, PROCS * EACH);
	CU_ASSERT_EQUAL(bad, 0);
}

/* an audit file that cannot be opened never fails the attempt */
static void test_file_sink_unwritable(void)
{
	const char *path = sk_test_path("no-such-dir/audit.json");
	struct sk_audit *au = NULL;
	struct sk_audit_event ev = base_event();

	log_reset();
	CU_ASSERT_EQUAL_FATAL(sk_audit_open(&au, path, false, NULL, &cap_lg),
			      SK_OK);
	CU_ASSERT(au != NULL);
	set_now(&ev, 0);
	sk_audit_emit(au, &ev);
	set_now(&ev, 5);
	sk_audit_emit(au, &ev);
	sk_audit_close(au);
	/* said once, with the path */
	CU_ASSERT_EQUAL(nlogged, 1);
	CU_ASSERT(strstr(logged, "no-such-dir/audit.json") != NULL);
	/* nothing open: emit and close of NULL are harmless */
	sk_audit_emit(NULL, &ev);
	sk_audit_close(NULL);
}

static int bind_dgram(const char *path)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	CU_ASSERT_FATAL(fd >= 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	CU_ASSERT_FATAL(strlen(path) < sizeof(sun.sun_path));
	strcpy(sun.sun_path, path);
	unlink(path);
	CU_ASSERT_FATAL(bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	return fd;
}

/* one datagram within a second, NUL-terminated; "" if none */
static void recv_dgram(int fd, char *buf, size_t cap)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	ssize_t n = -1;

	buf[0] = '\0';
	if (poll(&pf, 1, 1000) == 1)
		n = recv(fd, buf, cap - 1, MSG_DONTWAIT);
	if (n >= 0)
		buf[n] = '\0';
}

static void test_syslog_sink(void)
{
	const char *sock = sk_test_path("log.sock");
	const char *file = sk_test_path("audit-both.json");
	struct sk_audit *au = NULL;
	struct sk_audit_event ev = base_event();
	char msg[2048], line[1024], tag[64];
	int fd = bind_dgram(sock);

	log_reset();
	CU_ASSERT_EQUAL_FATAL(sk_audit_open(&au, file, true, sock, &cap_lg),
			      SK_OK);
	snprintf(tag, sizeof(tag), " saslkey[%ld]: ", (long)getpid());

	set_now(&ev, 0);
	sk_audit_emit(au, &ev);
	recv_dgram(fd, msg, sizeof(msg));
	sk_audit_format_line(&ev, line, sizeof(line));
	CU_ASSERT(strncmp(msg, "<37>", 4) == 0);	/* auth.notice */
	CU_ASSERT(strstr(msg, tag) != NULL);
	/* the message is the line, right after the tag, and nothing more */
	CU_ASSERT(strstr(msg, tag) != NULL &&
		  strcmp(strstr(msg, tag) + strlen(tag), line) == 0);

	ev.success = true;
	ev.reason = "ok";
	sk_audit_emit(au, &ev);
	recv_dgram(fd, msg, sizeof(msg));
	sk_audit_format_line(&ev, line, sizeof(line));
	CU_ASSERT(strncmp(msg, "<38>", 4) == 0);	/* auth.info */
	CU_ASSERT(strstr(msg, line) != NULL);
	CU_ASSERT(strstr(msg, "auth success: client=[198.51.100.7]:54321 ") !=
		  NULL);

	sk_audit_close(au);
	/* the file sink got both events too */
	CU_ASSERT_EQUAL(sk_test_count_lines(file), 2);
	CU_ASSERT_EQUAL(nlogged, 0);
	close(fd);
	unlink(sock);
}

/* syslog false: nothing is sent even with a socket named */
static void test_syslog_disabled(void)
{
	const char *sock = sk_test_path("log2.sock");
	struct sk_audit *au = NULL;
	struct sk_audit_event ev = base_event();
	char msg[2048];
	int fd = bind_dgram(sock);

	CU_ASSERT_EQUAL_FATAL(sk_audit_open(&au, NULL, false, sock, &cap_lg),
			      SK_OK);
	set_now(&ev, 0);
	sk_audit_emit(au, &ev);
	sk_audit_close(au);
	recv_dgram(fd, msg, sizeof(msg));
	CU_ASSERT_STRING_EQUAL(msg, "");
	close(fd);
}

/* no syslog daemon: warn once; when it appears, events arrive */
static void test_syslog_daemon_restart(void)
{
	const char *sock = sk_test_path("log3.sock");
	struct sk_audit *au = NULL;
	struct sk_audit_event ev = base_event();
	char msg[2048];
	int fd;

	unlink(sock);
	log_reset();
	CU_ASSERT_EQUAL_FATAL(sk_audit_open(&au, NULL, true, sock, &cap_lg),
			      SK_OK);
	set_now(&ev, 0);
	sk_audit_emit(au, &ev);
	set_now(&ev, 2);
	sk_audit_emit(au, &ev);
	CU_ASSERT_EQUAL(nlogged, 1);
	CU_ASSERT(strstr(logged, "log3.sock") != NULL);

	fd = bind_dgram(sock);
	set_now(&ev, 4);
	ev.reason = "arrives";
	sk_audit_emit(au, &ev);
	recv_dgram(fd, msg, sizeof(msg));
	CU_ASSERT(strstr(msg, "reason=arrives") != NULL);

	/* the daemon restarts: a new socket at the same path */
	close(fd);
	fd = bind_dgram(sock);
	set_now(&ev, 6);
	ev.reason = "lost";
	sk_audit_emit(au, &ev);		/* fails, drops the connection */
	set_now(&ev, 8);
	ev.reason = "again";
	sk_audit_emit(au, &ev);
	recv_dgram(fd, msg, sizeof(msg));
	CU_ASSERT(strstr(msg, "reason=again") != NULL);
	sk_audit_close(au);
	close(fd);
}

static void test_syslog_path_too_long(void)
{
	char path[200];
	struct sk_audit *au = (struct sk_audit *)path;

	memset(path, 'x', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	CU_ASSERT_EQUAL(sk_audit_open(&au, NULL, true, path, &cap_lg),
			SK_INVALID);
	CU_ASSERT(au == NULL);
	/* 107 bytes fit sun_path with its NUL */
	path[107] = '\0';
	CU_ASSERT_EQUAL(sk_audit_open(&au, NULL, true, path, &cap_lg), SK_OK);
	sk_audit_close(au);
}

SK_SUITE(audit, NULL, NULL,
	 SK_TEST(test_json_ecs_fields),
	 SK_TEST(test_json_absent_fields),
	 SK_TEST(test_json_ipv6_and_oauth),
	 SK_TEST(test_json_hostile_users),
	 SK_TEST(test_json_all_client_fields_hostile),
	 SK_TEST(test_json_small_buffer),
	 SK_TEST(test_line_exact),
	 SK_TEST(test_line_missing_values),
	 SK_TEST(test_line_ipv6),
	 SK_TEST(test_line_hostile),
	 SK_TEST(test_sasl_code_names),
	 SK_TEST(test_file_sink_appends),
	 SK_TEST(test_file_sink_rotation),
	 SK_TEST(test_file_sink_concurrent),
	 SK_TEST(test_file_sink_unwritable),
	 SK_TEST(test_syslog_sink),
	 SK_TEST(test_syslog_disabled),
	 SK_TEST(test_syslog_daemon_restart),
	 SK_TEST(test_syslog_path_too_long))
