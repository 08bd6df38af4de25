/* saslkey tests - the OAuth 2.0 issuer and token commands */
#define _GNU_SOURCE		/* asprintf */
#include "cli_util.h"
#include "run.h"
#include "sktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISS	"https://idp.example.com/realms/mail"
#define AUD	"imap://mail.example.com"
#define BIG_LEN	(256 * 1024 + 1)
#define ALL_ALGS "RS256,RS384,RS512,PS256,PS384,PS512,ES256,ES384,ES512,EdDSA"

/* the independent issuer's output (tests/vectors/jwt_vectors.py) */
static char *vecdir;
/* private material the vector script wrote: must never reach a store */
static char *d_rsa, *d_ec, *d_enc;
/* public material of rsa-rs256: the control for the byte search */
static char *n_rsa;

static const char *vec(const char *name)
{
	static char bufs[8][512];
	static unsigned next;
	char *b = bufs[next++ % 8];

	snprintf(b, 512, "%s/%s", vecdir, name);
	return b;
}

static json_t *key_by_kid(json_t *jwks, const char *kid)
{
	json_t *keys = json_object_get(jwks, "keys"), *k;
	size_t i;

	json_array_foreach(keys, i, k)
		if (strcmp(cli_jstr(k, "kid"), kid) == 0)
			return k;
	return NULL;
}

/* a copy of key with another kid */
static json_t *renamed(json_t *key, const char *kid)
{
	json_t *k = json_deep_copy(key);

	json_object_set_new(k, "kid", json_string(kid));
	return k;
}

static int write_jwks(const char *name, json_t *keys)
{
	json_t *doc = json_pack("{s:o}", "keys", keys);
	int r = json_dump_file(doc, vec(name), JSON_INDENT(1));

	json_decref(doc);
	return r;
}

static char *dup_member(json_t *o, const char *name)
{
	const char *v = json_string_value(json_object_get(o, name));

	return v ? strdup(v) : NULL;
}

/*
 * Run the vector script, then derive the JWKS files the cases need from
 * its keys: the defaults (RS256 ES256 EdDSA) accept rsa-rs256, ec-p256
 * and ed-1, but not the script's whole jwks.json.
 */
static int suite_init(void)
{
	const char *src = getenv("SK_SRCDIR");
	json_t *jwks, *enc, *weak, *priv, *ecpriv, *encpriv;
	json_t *rs, *ec, *ed;
	char *cmd = NULL, *big;
	int rc;

	vecdir = strdup(sk_test_path("jwt-vectors"));
	if (asprintf(&cmd, "/usr/bin/python3 '%s/tests/vectors/jwt_vectors.py' "
			   "'%s' >/dev/null",
		     src && src[0] ? src : ".", vecdir) < 0)
		return 1;
	rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		fprintf(stderr, "jwt_vectors.py failed (%d)\n", rc);
		return 1;
	}
	jwks = json_load_file(vec("jwks.json"), 0, NULL);
	enc = json_load_file(vec("bad_use-enc.json"), 0, NULL);
	weak = json_load_file(vec("bad_rsa1024.json"), 0, NULL);
	priv = json_load_file(vec("bad_private.json"), 0, NULL);
	ecpriv = json_load_file(vec("bad_ec-private.json"), 0, NULL);
	if (jwks == NULL || enc == NULL || weak == NULL || priv == NULL ||
	    ecpriv == NULL)
		return 1;
	rs = key_by_kid(jwks, "rsa-rs256");
	ec = key_by_kid(jwks, "ec-p256");
	ed = key_by_kid(jwks, "ed-1");
	if (rs == NULL || ec == NULL || ed == NULL)
		return 1;
	d_rsa = dup_member(priv, "d");
	d_ec = dup_member(ecpriv, "d");
	n_rsa = dup_member(rs, "n");
	/* an encryption key that carries private material is not skipped */
	encpriv = json_deep_copy(enc);
	json_object_set(encpriv, "d", json_object_get(priv, "d"));
	d_enc = dup_member(encpriv, "d");
	if (d_rsa == NULL || d_ec == NULL || n_rsa == NULL || d_enc == NULL)
		return 1;

	rc = write_jwks("sig3.json", json_pack("[O, O, O]", rs, ec, ed));
	rc |= write_jwks("rsa-only.json", json_pack("[O]", rs));
	rc |= write_jwks("rotated.json",
			 json_pack("[o, o]", renamed(rs, "rotated-1"),
				   renamed(ed, "rotated-2")));
	/* Keycloak style: an RSA-OAEP key beside the signature keys */
	rc |= write_jwks("mixed.json", json_pack("[O, O, O, O]", rs, enc, ec,
						 ed));
	rc |= write_jwks("mixed-weak.json", json_pack("[O, O, O]", rs, enc,
						      weak));
	rc |= write_jwks("mixed-dup.json", json_pack("[O, O, o]", rs, enc,
						     renamed(ec, "rsa-rs256")));
	rc |= write_jwks("enc-private.json", json_pack("[O, o]", rs, encpriv));
	rc |= write_jwks("only-enc.json", json_pack("[O]", enc));
	rc |= write_jwks("rsa-and-private.json", json_pack("[O, O]", rs, priv));
	rc |= write_jwks("empty.json", json_array());
	json_decref(jwks);
	json_decref(enc);
	json_decref(weak);
	json_decref(priv);
	json_decref(ecpriv);
	if (rc != 0)
		return 1;
	/* valid JSON, but past the 256 KiB limit */
	big = malloc(BIG_LEN);
	if (big == NULL)
		return 1;
	memset(big, ' ', BIG_LEN);
	memcpy(big, "{\"keys\":[]}", 11);
	rc = !sk_test_write_file(vec("big.json"), big, BIG_LEN) ||
	     !sk_test_write_file(vec("not-json.json"), "{\"keys\": [", 10);
	free(big);
	return rc;
}

static int suite_cleanup(void)
{
	free(vecdir);
	free(d_rsa);
	free(d_ec);
	free(d_enc);
	free(n_rsa);
	return 0;
}

/* everything the issuer commands can change, as the CLI shows it */
static char *state(const char *db)
{
	return cli_ok(db, "issuer", "list", "--json", NULL);
}

static void add_issuer(const char *db, const char *name, const char *url,
		       const char *jwks)
{
	free(cli_ok(db, "issuer", "add", name, "--issuer", url, "--audience",
		    AUD, "--jwks", jwks, NULL));
}

/* exit 1, one error line containing want, and nothing changed */
static void check_refused(const char *db, const char *want,
			  const char *const args[])
{
	char *before = state(db), *after;
	struct cli_res r;

	cli_runv(&r, NULL, db, args);
	CU_ASSERT_EQUAL(r.rc, 1);
	if (r.rc != 1 || !cli_one_error_line(&r, want))
		fprintf(stderr, "\n  saslkey %s %s ...: exit %d, want \"%s\": %s",
			args[0], args[1] ? args[1] : "", r.rc, want,
			r.err ? r.err : "");
	CU_ASSERT(cli_one_error_line(&r, want));
	cli_free(&r);
	after = state(db);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
}

#define REFUSED(db, want, ...) \
	check_refused(db, want, (const char *const[]){ __VA_ARGS__, NULL })

/* run, expecting success; stderr (malloc'd) for the notes */
static char *run_ok(const char *db, const char *const args[])
{
	struct cli_res r;

	cli_runv(&r, NULL, db, args);
	if (r.rc != 0)
		fprintf(stderr, "\n  saslkey %s %s ...: exit %d: %s", args[0],
			args[1] ? args[1] : "", r.rc, r.err ? r.err : "");
	CU_ASSERT_EQUAL(r.rc, 0);
	free(r.out);
	return r.err;
}

#define RUN_OK(db, ...) run_ok(db, (const char *const[]){ __VA_ARGS__, NULL })

/* "kid:alg kid:alg ..." of show --json, kid "-" for none */
static char *key_list(const char *db, const char *name)
{
	json_t *j = cli_json(db, "issuer", "show", name, "--json", NULL);
	json_t *keys = json_object_get(j, "keys"), *k;
	char buf[2048] = "";
	size_t i, len = 0;

	json_array_foreach(keys, i, k) {
		const char *kid = json_string_value(json_object_get(k, "kid"));

		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s:%s",
					i ? " " : "", kid ? kid : "-",
					cli_jstr(k, "alg"));
	}
	json_decref(j);
	return strdup(buf);
}

static char *show_field(const char *db, const char *name, const char *field)
{
	json_t *j = cli_json(db, "issuer", "show", name, "--json", NULL);
	char *s = json_dumps(json_object_get(j, field),
			     JSON_COMPACT | JSON_ENCODE_ANY);

	json_decref(j);
	return s;
}

static void assert_field(const char *db, const char *name, const char *field,
			 const char *want)
{
	char *got = show_field(db, name, field);

	if (got == NULL || strcmp(got, want) != 0)
		fprintf(stderr, "\n  %s.%s: got %s, want %s", name, field,
			got ? got : "(none)", want);
	CU_ASSERT_PTR_NOT_NULL(got);
	if (got != NULL)
		CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

static void assert_keys(const char *db, const char *name, const char *want)
{
	char *got = key_list(db, name);

	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n  keys of %s: got %s, want %s", name, got,
			want);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

static char *repeat(char ch, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);
	char *s = malloc(p + n + 1);

	CU_ASSERT_FATAL(s != NULL);
	memcpy(s, prefix, p);
	memset(s + p, ch, n);
	s[p + n] = '\0';
	return s;
}

/* ---- add, show, list ---- */

static void test_add_defaults_show(void)
{
	char *db = cli_new_store("iss-add");
	struct cli_res r;
	json_t *j, *l;
	char *out;

	cli_run(&r, NULL, db, "issuer", "add", "idp", "--issuer", ISS,
		"--audience", AUD, "--jwks", vec("sig3.json"), NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	CU_ASSERT(strstr(r.err, "issuer idp added") != NULL);
	CU_ASSERT(strstr(r.err, "3 keys") != NULL);
	cli_free(&r);

	j = cli_json(db, "issuer", "show", "idp", "--json", NULL);
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "name"), "idp");
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "issuer"), ISS);
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "audience"), AUD);
	CU_ASSERT_STRING_EQUAL(cli_jstr(j, "username_claim"), "email");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "leeway")), 60);
	CU_ASSERT(json_is_null(json_object_get(j, "scope")));
	CU_ASSERT(json_is_null(json_object_get(j, "openid_configuration")));
	CU_ASSERT(cli_time(cli_jstr(j, "created")) > 0);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(j,
							   "revoked_tokens")),
			0);
	json_decref(j);
	assert_field(db, "idp", "algorithms", "[\"RS256\",\"ES256\",\"EdDSA\"]");
	assert_keys(db, "idp", "rsa-rs256:RS256 ec-p256:ES256 ed-1:EdDSA");

	/* list --json: the same objects */
	j = cli_json(db, "issuer", "show", "idp", "--json", NULL);
	l = cli_json(db, "issuer", "list", "--json", NULL);
	CU_ASSERT_EQUAL(json_array_size(l), 1);
	CU_ASSERT(json_equal(json_array_get(l, 0), j));
	json_decref(j);
	json_decref(l);

	/* the text forms */
	out = cli_ok(db, "issuer", "show", "idp", NULL);
	CU_ASSERT(strstr(out, "username claim:       email\n") != NULL);
	CU_ASSERT(strstr(out, "algorithms:           RS256 ES256 EdDSA\n") !=
		  NULL);
	CU_ASSERT(strstr(out, "leeway:               60s\n") != NULL);
	CU_ASSERT(strstr(out, "  EdDSA    ed-1\n") != NULL);
	free(out);
	out = cli_ok(db, "issuer", "list", NULL);
	CU_ASSERT(strncmp(out, "NAME ", 5) == 0);
	CU_ASSERT(strstr(out, "\nidp ") != NULL);
	CU_ASSERT(strstr(out, ISS) != NULL);
	free(out);
	free(db);
}

/* the script's whole JWKS, with every algorithm allowed */
static void test_add_full_jwks(void)
{
	char *db = cli_new_store("iss-full");

	/* control for the next case: the defaults do not cover RS384 */
	REFUSED(db, "alg RS384 is not in the issuer's allowed algorithms",
		"issuer", "add", "idp", "--issuer", ISS, "--audience", AUD,
		"--jwks", vec("jwks.json"));
	free(cli_ok(db, "issuer", "add", "idp", "--issuer", ISS, "--audience",
		    AUD, "--jwks", vec("jwks.json"), "--alg", ALL_ALGS, NULL));
	assert_keys(db, "idp",
		    "rsa-rs256:RS256 rsa-rs384:RS384 rsa-ps256:PS256 "
		    "rsa-ps384:PS384 rsa3072-rs512:RS512 rsa3072-ps512:PS512 "
		    "ec-p256:ES256 ec-p384:ES384 ec-p521:ES512 ed-1:EdDSA "
		    "-:RS256");
	assert_field(db, "idp", "algorithms",
		     "[\"RS256\",\"RS384\",\"RS512\",\"PS256\",\"PS384\","
		     "\"PS512\",\"ES256\",\"ES384\",\"ES512\",\"EdDSA\"]");
	free(db);
}

static void test_add_every_option(void)
{
	char *db = cli_new_store("iss-opts");
	char *scope512 = repeat('s', 512, "");
	char *oidc512 = repeat('o', 512 - 8, "https://");
	char *iss255 = repeat('i', 255 - 8, "https://");
	char *claim63 = repeat('c', 63, "");

	free(RUN_OK(db, "issuer", "add", "full", "--issuer", "https://a",
		    "--audience", "aud-1", "--jwks", vec("sig3.json"), "--alg",
		    "EdDSA", "--alg", "ES256,RS256", "--alg", "EdDSA",
		    "--username-claim", "preferred_username", "--scope",
		    "  mail   imap ", "--leeway", "0", "--openid-configuration",
		    "https://a/.well-known/openid-configuration"));
	assert_field(db, "full", "algorithms", "[\"EdDSA\",\"ES256\",\"RS256\"]");
	assert_field(db, "full", "username_claim", "\"preferred_username\"");
	assert_field(db, "full", "scope", "\"mail imap\"");
	assert_field(db, "full", "leeway", "0");
	assert_field(db, "full", "openid_configuration",
		     "\"https://a/.well-known/openid-configuration\"");
	assert_field(db, "full", "audience", "\"aud-1\"");

	/* the upper bounds are accepted */
	free(RUN_OK(db, "issuer", "add", "edge", "--issuer", iss255,
		    "--audience", "a", "--jwks", vec("sig3.json"),
		    "--username-claim", claim63, "--scope", scope512,
		    "--leeway", "3600", "--openid-configuration", oidc512));
	assert_field(db, "edge", "leeway", "3600");
	free(RUN_OK(db, "issuer", "add", "edge2", "--issuer", "https://e2",
		    "--audience", "a", "--jwks", vec("sig3.json"), "--leeway",
		    "2m", "--username-claim", "urn:x-mail.user_name"));
	assert_field(db, "edge2", "leeway", "120");
	free(scope512);
	free(oidc512);
	free(iss255);
	free(claim63);
	free(db);
}

static void test_add_validation(void)
{
	char *db = cli_new_store("iss-val");
	const char *jw = vec("sig3.json");
	char *iss256 = repeat('i', 256 - 8, "https://");
	char *claim64 = repeat('c', 64, "");
	char *scope513 = repeat('s', 513, "");
	char *oidc513 = repeat('o', 513 - 8, "https://");
	char *name256 = repeat('n', 256, "");

	add_issuer(db, "existing", "https://existing", jw);

	/* the name */
	REFUSED(db, "bad issuer name", "issuer", "add", "a b", "--issuer",
		ISS, "--audience", AUD, "--jwks", jw);
	REFUSED(db, "bad issuer name", "issuer", "add", "", "--issuer", ISS,
		"--audience", AUD, "--jwks", jw);
	REFUSED(db, "bad issuer name", "issuer", "add", name256, "--issuer",
		ISS, "--audience", AUD, "--jwks", jw);
	REFUSED(db, "expected 1 argument", "issuer", "add", "a", "b",
		"--issuer", ISS, "--audience", AUD, "--jwks", jw);
	/* required options */
	REFUSED(db, "missing --issuer", "issuer", "add", "a", "--audience",
		AUD, "--jwks", jw);
	REFUSED(db, "missing --audience", "issuer", "add", "a", "--issuer",
		ISS, "--jwks", jw);
	REFUSED(db, "missing --jwks", "issuer", "add", "a", "--issuer", ISS,
		"--audience", AUD);
	/* issuer and audience */
	REFUSED(db, "bad --issuer", "issuer", "add", "a", "--issuer", "",
		"--audience", AUD, "--jwks", jw);
	REFUSED(db, "bad --issuer", "issuer", "add", "a", "--issuer",
		"https://a b", "--audience", AUD, "--jwks", jw);
	REFUSED(db, "bad --issuer", "issuer", "add", "a", "--issuer",
		"https://a\tb", "--audience", AUD, "--jwks", jw);
	REFUSED(db, "bad --issuer", "issuer", "add", "a", "--issuer",
		"https://a\xc2\x85" "b", "--audience", AUD, "--jwks", jw);
	REFUSED(db, "bad --issuer", "issuer", "add", "a", "--issuer", iss256,
		"--audience", AUD, "--jwks", jw);
	REFUSED(db, "bad --audience", "issuer", "add", "a", "--issuer", ISS,
		"--audience", "", "--jwks", jw);
	REFUSED(db, "bad --audience", "issuer", "add", "a", "--issuer", ISS,
		"--audience", "a b", "--jwks", jw);
	REFUSED(db, "bad --audience", "issuer", "add", "a", "--issuer", ISS,
		"--audience", "a\nb", "--jwks", jw);
	/* username claim */
	REFUSED(db, "bad --username-claim", "issuer", "add", "a", "--issuer",
		ISS, "--audience", AUD, "--jwks", jw, "--username-claim", "");
	REFUSED(db, "bad --username-claim", "issuer", "add", "a", "--issuer",
		ISS, "--audience", AUD, "--jwks", jw, "--username-claim",
		claim64);
	REFUSED(db, "bad --username-claim", "issuer", "add", "a", "--issuer",
		ISS, "--audience", AUD, "--jwks", jw, "--username-claim",
		"e mail");
	REFUSED(db, "bad --username-claim", "issuer", "add", "a", "--issuer",
		ISS, "--audience", AUD, "--jwks", jw, "--username-claim",
		"mail/user");
	/* scope */
	REFUSED(db, "bad --scope", "issuer", "add", "a", "--issuer", ISS,
		"--audience", AUD, "--jwks", jw, "--scope", scope513);
	REFUSED(db, "bad --scope", "issuer", "add", "a", "--issuer", ISS,
		"--audience", AUD, "--jwks", jw, "--scope", "mail\timap");
	/* leeway */
	REFUSED(db, "bad --leeway", "issuer", "add", "a", "--issuer", ISS,
		"--audience", AUD, "--jwks", jw, "--leeway", "3601");
	REFUSED(db, "bad --leeway", "issuer", "add", "a", "--issuer", ISS,
		"--audience", AUD, "--jwks", jw, "--leeway", "-1");
	REFUSED(db, "bad --leeway", "issuer", "add", "a", "--issuer", ISS,
		"--audience", AUD, "--jwks", jw, "--leeway", "1h1");
	REFUSED(db, "bad --leeway", "issuer", "add", "a", "--issuer", ISS,
		"--audience", AUD, "--jwks", jw, "--leeway", "");
	/* openid configuration */
	REFUSED(db, "bad --openid-configuration", "issuer", "add", "a",
		"--issuer", ISS, "--audience", AUD, "--jwks", jw,
		"--openid-configuration", "https://a b");
	REFUSED(db, "bad --openid-configuration", "issuer", "add", "a",
		"--issuer", ISS, "--audience", AUD, "--jwks", jw,
		"--openid-configuration", oidc513);
	/* algorithms */
	REFUSED(db, "alg \"none\" is never allowed", "issuer", "add", "a",
		"--issuer", ISS, "--audience", AUD, "--jwks", jw, "--alg",
		"none");
	REFUSED(db, "alg \"none\" is never allowed", "issuer", "add", "a",
		"--issuer", ISS, "--audience", AUD, "--jwks", jw, "--alg",
		"RS256,None");
	REFUSED(db, "alg HS256 refused: HMAC", "issuer", "add", "a",
		"--issuer", ISS, "--audience", AUD, "--jwks", jw, "--alg",
		"HS256");
	REFUSED(db, "alg HS512 refused: HMAC", "issuer", "add", "a",
		"--issuer", ISS, "--audience", AUD, "--jwks", jw, "--alg",
		"RS256", "--alg", "HS512");
	REFUSED(db, "unknown alg \"rs256\" (names are case-sensitive: RS256)",
		"issuer", "add", "a", "--issuer", ISS, "--audience", AUD,
		"--jwks", jw, "--alg", "rs256");
	REFUSED(db, "unknown alg \"RS1\"", "issuer", "add", "a", "--issuer",
		ISS, "--audience", AUD, "--jwks", jw, "--alg", "RS1");
	REFUSED(db, "--alg needs an algorithm name", "issuer", "add", "a",
		"--issuer", ISS, "--audience", AUD, "--jwks", jw, "--alg", "");
	/* the JWKS file itself */
	REFUSED(db, "cannot read JWKS file", "issuer", "add", "a", "--issuer",
		ISS, "--audience", AUD, "--jwks", vec("no-such-file.json"));
	REFUSED(db, "is larger than 256 KiB", "issuer", "add", "a", "--issuer",
		ISS, "--audience", AUD, "--jwks", vec("big.json"));
	REFUSED(db, "JWKS is not valid JSON", "issuer", "add", "a",
		"--issuer", ISS, "--audience", AUD, "--jwks",
		vec("not-json.json"));
	REFUSED(db, "JWKS has no keys", "issuer", "add", "a", "--issuer", ISS,
		"--audience", AUD, "--jwks", vec("empty.json"));
	REFUSED(db, "bad or incomplete option", "issuer", "add", "a",
		"--issuer", ISS, "--audience", AUD, "--jwks", jw, "--bogus");

	/* positive control: the same command with good values */
	free(RUN_OK(db, "issuer", "add", "a", "--issuer", ISS, "--audience",
		    AUD, "--jwks", jw, "--alg", "RS256,ES256,EdDSA",
		    "--scope", "mail", "--leeway", "30"));
	assert_keys(db, "a", "rsa-rs256:RS256 ec-p256:ES256 ed-1:EdDSA");
	free(iss256);
	free(claim64);
	free(scope513);
	free(oidc513);
	free(name256);
	free(db);
}

/* every file in the script's badkeys.json, with the script's message */
static void test_bad_keys_refused(void)
{
	char *db = cli_new_store("iss-bad");
	json_t *bad = json_load_file(vec("badkeys.json"), 0, NULL), *b;
	size_t i, n = 0;

	CU_ASSERT_FATAL(json_array_size(bad) >= 5);
	json_array_foreach(bad, i, b) {
		const char *name = cli_jstr(b, "name");
		const char *want = cli_jstr(b, "err");

		/* a lone encryption key: skipped, so nothing is left */
		if (strcmp(name, "use-enc") == 0)
			want = "holds only an encryption key";
		REFUSED(db, want, "issuer", "add", "bad", "--issuer", ISS,
			"--audience", AUD, "--alg", ALL_ALGS, "--jwks",
			vec(cli_jstr(b, "file")));
		n++;
	}
	CU_ASSERT(n >= 10);
	json_decref(bad);

	/* the cases the brief names, with their exact reasons */
	REFUSED(db, "RSA modulus is 1024 bits; at least 2048 are required",
		"issuer", "add", "bad", "--issuer", ISS, "--audience", AUD,
		"--jwks", vec("bad_rsa1024.json"));
	REFUSED(db, "EC point is not on curve P-256", "issuer", "add", "bad",
		"--issuer", ISS, "--audience", AUD, "--jwks",
		vec("bad_offcurve.json"));
	REFUSED(db, "key type \"oct\" refused", "issuer", "add", "bad",
		"--issuer", ISS, "--audience", AUD, "--jwks",
		vec("bad_oct.json"));
	REFUSED(db, "member \"d\" present: this is a private key", "issuer",
		"add", "bad", "--issuer", ISS, "--audience", AUD, "--jwks",
		vec("bad_private.json"));
	REFUSED(db, "unsupported curve \"X25519\"", "issuer", "add", "bad",
		"--issuer", ISS, "--audience", AUD, "--jwks",
		vec("bad_x25519.json"));
	/* all or nothing: a good key beside a private one is not imported */
	REFUSED(db, "key 1 (kid \"leaked\"): member \"d\" present", "issuer",
		"add", "bad", "--issuer", ISS, "--audience", AUD, "--jwks",
		vec("rsa-and-private.json"));
	/* positive control: the good key alone */
	free(RUN_OK(db, "issuer", "add", "bad", "--issuer", ISS, "--audience",
		    AUD, "--jwks", vec("rsa-only.json")));
	assert_keys(db, "bad", "rsa-rs256:RS256");
	free(db);
}

static void test_enc_keys_skipped(void)
{
	char *db = cli_new_store("iss-enc");
	char *err;

	/* control: the encryption key alone is refused by the importer */
	REFUSED(db, "has no signature keys (1 encryption key skipped)",
		"issuer", "add", "kc", "--issuer", ISS, "--audience", AUD,
		"--jwks", vec("only-enc.json"));
	err = RUN_OK(db, "issuer", "add", "kc", "--issuer", ISS, "--audience",
		     AUD, "--jwks", vec("mixed.json"));
	CU_ASSERT(strstr(err, "skipped key 1 (kid \"enc\"): an encryption "
			      "key") != NULL);
	CU_ASSERT(strstr(err, "3 keys") != NULL);
	CU_ASSERT(strncmp(err, "saslkey:", 8) != 0);
	free(err);
	assert_keys(db, "kc", "rsa-rs256:RS256 ec-p256:ES256 ed-1:EdDSA");

	/* other faults still fail the whole file, with the file's numbers */
	REFUSED(db, "key 2 (kid \"weak\"): RSA modulus is 1024 bits", "issuer",
		"add", "kc2", "--issuer", "https://kc2", "--audience", AUD,
		"--jwks", vec("mixed-weak.json"));
	REFUSED(db, "key 2 (kid \"rsa-rs256\"): duplicate kid (also key 0)",
		"issuer", "add", "kc2", "--issuer", "https://kc2",
		"--audience", AUD, "--jwks", vec("mixed-dup.json"));
	/* an encryption key with private material is a leak: refused */
	REFUSED(db, "key 1 (kid \"enc\"): member \"d\" present", "issuer",
		"add", "kc2", "--issuer", "https://kc2", "--audience", AUD,
		"--jwks", vec("enc-private.json"));
	free(db);
}

static void test_duplicates(void)
{
	char *db = cli_new_store("iss-dup");
	const char *jw = vec("sig3.json");

	add_issuer(db, "one", ISS, jw);
	REFUSED(db, "issuer \"one\" already exists", "issuer", "add", "one",
		"--issuer", "https://other", "--audience", AUD, "--jwks", jw);
	REFUSED(db, "issuer one already has the issuer URL " ISS, "issuer",
		"add", "two", "--issuer", ISS, "--audience", AUD, "--jwks", jw);
	/* control: another name and URL */
	add_issuer(db, "two", ISS "/other", jw);
	/* update cannot take another issuer's URL either, its own is fine */
	REFUSED(db, "issuer one already has the issuer URL", "issuer",
		"update", "two", "--issuer", ISS);
	free(RUN_OK(db, "issuer", "update", "two", "--issuer", ISS "/other"));
	free(db);
}

static void test_unknown_issuer(void)
{
	char *db = cli_new_store("iss-unknown");

	add_issuer(db, "idp", ISS, vec("sig3.json"));
	REFUSED(db, "no issuer \"nope\"", "issuer", "show", "nope");
	REFUSED(db, "no issuer \"nope\"", "issuer", "update", "nope",
		"--leeway", "5");
	REFUSED(db, "no issuer \"nope\"", "issuer", "update", "nope", "--jwks",
		vec("sig3.json"));
	REFUSED(db, "no issuer \"nope\"", "issuer", "remove", "nope");
	REFUSED(db, "no issuer \"nope\"", "token", "revoke", "--issuer",
		"nope", "--jti", "x");
	REFUSED(db, "no issuer \"nope\"", "token", "list", "--issuer", "nope");
	/* controls */
	free(cli_ok(db, "issuer", "show", "idp", NULL));
	free(cli_ok(db, "token", "list", "--issuer", "idp", NULL));
	free(RUN_OK(db, "issuer", "update", "idp", "--leeway", "5"));
	assert_field(db, "idp", "leeway", "5");
	free(db);
}

/* ---- update ---- */

static void test_update_fields(void)
{
	char *db = cli_new_store("iss-upd");
	char *before;

	add_issuer(db, "idp", ISS, vec("sig3.json"));
	before = show_field(db, "idp", "created");

	REFUSED(db, "nothing to change", "issuer", "update", "idp");
	free(RUN_OK(db, "issuer", "update", "idp", "--issuer",
		    "https://new.example"));
	assert_field(db, "idp", "issuer", "\"https://new.example\"");
	assert_field(db, "idp", "audience", "\"" AUD "\"");
	free(RUN_OK(db, "issuer", "update", "idp", "--audience", "smtp-aud"));
	assert_field(db, "idp", "audience", "\"smtp-aud\"");
	assert_field(db, "idp", "issuer", "\"https://new.example\"");
	free(RUN_OK(db, "issuer", "update", "idp", "--username-claim", "sub"));
	assert_field(db, "idp", "username_claim", "\"sub\"");
	free(RUN_OK(db, "issuer", "update", "idp", "--scope", "mail"));
	assert_field(db, "idp", "scope", "\"mail\"");
	free(RUN_OK(db, "issuer", "update", "idp", "--leeway", "300"));
	assert_field(db, "idp", "leeway", "300");
	assert_field(db, "idp", "scope", "\"mail\"");
	free(RUN_OK(db, "issuer", "update", "idp", "--openid-configuration",
		    "https://new.example/.well-known/openid-configuration"));
	assert_field(db, "idp", "openid_configuration",
		     "\"https://new.example/.well-known/openid-configuration\"");
	/* '' clears the optional ones */
	free(RUN_OK(db, "issuer", "update", "idp", "--scope", "",
		    "--openid-configuration", ""));
	assert_field(db, "idp", "scope", "null");
	assert_field(db, "idp", "openid_configuration", "null");
	/* the rest is untouched */
	assert_field(db, "idp", "username_claim", "\"sub\"");
	assert_field(db, "idp", "leeway", "300");
	assert_field(db, "idp", "created", before);
	assert_keys(db, "idp", "rsa-rs256:RS256 ec-p256:ES256 ed-1:EdDSA");

	/* bad values change nothing, also when combined with good ones */
	REFUSED(db, "bad --leeway", "issuer", "update", "idp", "--audience",
		"x", "--leeway", "9999");
	REFUSED(db, "bad --issuer", "issuer", "update", "idp", "--issuer", "");
	REFUSED(db, "bad --audience", "issuer", "update", "idp", "--audience",
		"");
	REFUSED(db, "bad --username-claim", "issuer", "update", "idp",
		"--username-claim", "");
	REFUSED(db, "alg \"none\" is never allowed", "issuer", "update", "idp",
		"--alg", "none");
	REFUSED(db, "expected 1 argument", "issuer", "update", "--leeway",
		"5");
	free(before);
	free(db);
}

static void test_update_jwks_rotation(void)
{
	char *db = cli_new_store("iss-rot");
	char *err;

	add_issuer(db, "idp", ISS, vec("sig3.json"));
	/* a bad new set leaves the old keys in place */
	REFUSED(db, "RSA modulus is 1024 bits", "issuer", "update", "idp",
		"--jwks", vec("bad_rsa1024.json"));
	REFUSED(db, "cannot read JWKS file", "issuer", "update", "idp",
		"--jwks", vec("missing.json"), "--leeway", "1");
	assert_keys(db, "idp", "rsa-rs256:RS256 ec-p256:ES256 ed-1:EdDSA");
	/* rotation: the new set replaces every key */
	err = RUN_OK(db, "issuer", "update", "idp", "--jwks",
		     vec("rotated.json"));
	CU_ASSERT(strstr(err, "keys replaced by 2 keys") != NULL);
	free(err);
	assert_keys(db, "idp", "rotated-1:RS256 rotated-2:EdDSA");
	/* --jwks is checked against the new --alg list when both are given */
	REFUSED(db, "alg RS384 is not in the issuer's allowed algorithms",
		"issuer", "update", "idp", "--jwks", vec("jwks.json"));
	free(RUN_OK(db, "issuer", "update", "idp", "--jwks", vec("jwks.json"),
		    "--alg", ALL_ALGS));
	err = key_list(db, "idp");
	CU_ASSERT(strncmp(err, "rsa-rs256:RS256 rsa-rs384:RS384 ", 32) == 0);
	CU_ASSERT(strstr(err, "rotated") == NULL);
	free(err);
	/* encryption keys are skipped on update too */
	err = RUN_OK(db, "issuer", "update", "idp", "--jwks",
		     vec("mixed.json"));
	CU_ASSERT(strstr(err, "skipped key 1 (kid \"enc\")") != NULL);
	free(err);
	assert_keys(db, "idp", "rsa-rs256:RS256 ec-p256:ES256 ed-1:EdDSA");
	free(db);
}

static void test_update_alg_strands_key(void)
{
	char *db = cli_new_store("iss-alg");

	add_issuer(db, "idp", ISS, vec("sig3.json"));
	/* dropping EdDSA would leave ed-1 unusable */
	REFUSED(db, "key ed-1 (EdDSA) would no longer be usable", "issuer",
		"update", "idp", "--alg", "RS256,ES256");
	REFUSED(db, "key rsa-rs256 (RS256) would no longer be usable",
		"issuer", "update", "idp", "--alg", "PS256 ES256 EdDSA");
	assert_field(db, "idp", "algorithms", "[\"RS256\",\"ES256\",\"EdDSA\"]");
	/* control: a list that still fits every key, in a new order */
	free(RUN_OK(db, "issuer", "update", "idp", "--alg", "EdDSA",
		    "--alg", "ES256", "--alg", "RS256", "--alg", "PS256"));
	assert_field(db, "idp", "algorithms",
		     "[\"EdDSA\",\"ES256\",\"RS256\",\"PS256\"]");
	assert_keys(db, "idp", "rsa-rs256:RS256 ec-p256:ES256 ed-1:EdDSA");
	/* with new keys the new list only has to fit those */
	free(RUN_OK(db, "issuer", "update", "idp", "--alg", "RS256", "--jwks",
		    vec("rsa-only.json")));
	assert_field(db, "idp", "algorithms", "[\"RS256\"]");
	assert_keys(db, "idp", "rsa-rs256:RS256");
	free(db);
}

/* ---- remove, tokens ---- */

static void test_remove(void)
{
	char *db = cli_new_store("iss-rm");
	struct cli_res r;
	json_t *j;

	add_issuer(db, "idp", ISS, vec("sig3.json"));
	add_issuer(db, "keep", "https://keep", vec("rsa-only.json"));
	free(RUN_OK(db, "token", "revoke", "--issuer", "idp", "--jti", "j1"));
	free(RUN_OK(db, "token", "revoke", "--issuer", "idp", "--sub", "s1"));
	free(RUN_OK(db, "token", "revoke", "--issuer", "keep", "--sub", "s1"));
	REFUSED(db, "expected 1 argument", "issuer", "remove");
	cli_run(&r, NULL, db, "issuer", "remove", "idp", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strstr(r.err, "issuer idp removed (3 keys, 2 revoked-token "
				"entries deleted)") != NULL);
	cli_free(&r);
	REFUSED(db, "no issuer \"idp\"", "issuer", "remove", "idp");
	j = cli_json(db, "issuer", "list", "--json", NULL);
	CU_ASSERT_EQUAL(json_array_size(j), 1);
	CU_ASSERT_STRING_EQUAL(cli_jstr(json_array_get(j, 0), "name"), "keep");
	json_decref(j);
	/* the other issuer keeps its entries */
	assert_field(db, "keep", "revoked_tokens", "1");
	/* a new issuer of the same name starts empty */
	add_issuer(db, "idp", ISS, vec("rsa-only.json"));
	assert_keys(db, "idp", "rsa-rs256:RS256");
	assert_field(db, "idp", "revoked_tokens", "0");
	j = cli_json(db, "token", "list", "--issuer", "idp", "--json", NULL);
	CU_ASSERT_EQUAL(json_array_size(j), 0);
	json_decref(j);
	free(db);
}

static char *tokens(const char *db, const char *issuer)
{
	return cli_ok(db, "token", "list", "--issuer", issuer, "--json", NULL);
}

static void token_refused(const char *db, const char *want,
			  const char *const args[])
{
	char *before = tokens(db, "idp"), *after;

	check_refused(db, want, args);
	after = tokens(db, "idp");
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
}

#define TOKEN_REFUSED(db, want, ...) \
	token_refused(db, want, (const char *const[]){ __VA_ARGS__, NULL })

static void test_token_revoke_list(void)
{
	char *db = cli_new_store("iss-tok");
	char *v255 = repeat('v', 255, ""), *v256 = repeat('v', 256, "");
	char *err, *out;
	json_t *j, *e;

	add_issuer(db, "idp", ISS, vec("sig3.json"));
	add_issuer(db, "other", "https://other", vec("sig3.json"));
	j = cli_json(db, "token", "list", "--issuer", "idp", "--json", NULL);
	CU_ASSERT(json_is_array(j) && json_array_size(j) == 0);
	json_decref(j);

	err = RUN_OK(db, "token", "revoke", "--issuer", "idp", "--jti",
		     "7c1a-49f0");
	CU_ASSERT(strstr(err, "revoked") != NULL);
	free(err);
	free(RUN_OK(db, "token", "revoke", "--sub", "248289761001", "--issuer",
		    "idp"));
	free(RUN_OK(db, "token", "revoke", "--issuer", "idp", "--sub", v255));
	free(RUN_OK(db, "token", "revoke", "--issuer", "idp", "--jti",
		    "with space"));
	j = cli_json(db, "token", "list", "--issuer", "idp", "--json", NULL);
	CU_ASSERT_FATAL(json_array_size(j) == 4);
	e = json_array_get(j, 0);
	CU_ASSERT_STRING_EQUAL(cli_jstr(e, "kind"), "jti");
	CU_ASSERT_STRING_EQUAL(cli_jstr(e, "value"), "7c1a-49f0");
	CU_ASSERT(cli_time(cli_jstr(e, "revoked")) > 0);
	e = json_array_get(j, 1);
	CU_ASSERT_STRING_EQUAL(cli_jstr(e, "kind"), "sub");
	CU_ASSERT_STRING_EQUAL(cli_jstr(e, "value"), "248289761001");
	CU_ASSERT_STRING_EQUAL(cli_jstr(json_array_get(j, 2), "value"), v255);
	json_decref(j);
	assert_field(db, "idp", "revoked_tokens", "4");
	assert_field(db, "other", "revoked_tokens", "0");

	/* idempotent: a second revoke is fine and adds nothing */
	out = tokens(db, "idp");
	err = RUN_OK(db, "token", "revoke", "--issuer", "idp", "--jti",
		     "7c1a-49f0");
	CU_ASSERT(strstr(err, "already revoked") != NULL);
	free(err);
	free(RUN_OK(db, "token", "revoke", "--issuer", "idp", "--sub",
		    "248289761001"));
	err = tokens(db, "idp");
	CU_ASSERT_STRING_EQUAL(out, err);
	free(out);
	free(err);
	/* a jti and a sub of the same value are different entries */
	free(RUN_OK(db, "token", "revoke", "--issuer", "idp", "--sub",
		    "7c1a-49f0"));
	assert_field(db, "idp", "revoked_tokens", "5");

	/* the text listing */
	out = cli_ok(db, "token", "list", "--issuer", "idp", NULL);
	CU_ASSERT(strncmp(out, "KIND ", 5) == 0);
	CU_ASSERT(strstr(out, "\njti ") != NULL);
	CU_ASSERT(strstr(out, " 248289761001\n") != NULL);
	free(out);

	/* errors */
	TOKEN_REFUSED(db, "give exactly one of --jti ID", "token", "revoke",
		      "--issuer", "idp");
	TOKEN_REFUSED(db, "give exactly one of --jti ID", "token", "revoke",
		      "--issuer", "idp", "--jti", "a", "--sub", "b");
	TOKEN_REFUSED(db, "--jti given twice", "token", "revoke", "--issuer",
		      "idp", "--jti", "a", "--jti", "b");
	TOKEN_REFUSED(db, "bad --jti", "token", "revoke", "--issuer", "idp",
		      "--jti", "");
	TOKEN_REFUSED(db, "bad --sub", "token", "revoke", "--issuer", "idp",
		      "--sub", v256);
	TOKEN_REFUSED(db, "bad --sub", "token", "revoke", "--issuer", "idp",
		      "--sub", "a\nb");
	TOKEN_REFUSED(db, "bad --jti", "token", "revoke", "--issuer", "idp",
		      "--jti", "a\x7f");
	TOKEN_REFUSED(db, "missing --issuer", "token", "revoke", "--jti", "a");
	TOKEN_REFUSED(db, "expected 0 arguments", "token", "revoke",
		      "--issuer", "idp", "--jti", "a", "extra");
	TOKEN_REFUSED(db, "--jti and --sub are for", "token", "list",
		      "--issuer", "idp", "--jti", "a");
	TOKEN_REFUSED(db, "missing subcommand", "token");
	TOKEN_REFUSED(db, "unknown subcommand \"delete\"", "token", "delete");
	/* control: the same revoke with one good value */
	free(RUN_OK(db, "token", "revoke", "--issuer", "idp", "--jti", "a"));
	assert_field(db, "idp", "revoked_tokens", "6");
	free(v255);
	free(v256);
	free(db);
}

/* ---- no secrets in the store ---- */

static void test_no_private_material(void)
{
	char *db = cli_new_store("iss-priv");

	/* refused imports */
	REFUSED(db, "member \"d\" present", "issuer", "add", "p", "--issuer",
		ISS, "--audience", AUD, "--jwks", vec("bad_private.json"));
	REFUSED(db, "member \"d\" present", "issuer", "add", "p", "--issuer",
		ISS, "--audience", AUD, "--jwks", vec("bad_ec-private.json"));
	REFUSED(db, "member \"d\" present", "issuer", "add", "p", "--issuer",
		ISS, "--audience", AUD, "--jwks", vec("rsa-and-private.json"));
	REFUSED(db, "member \"d\" present", "issuer", "add", "p", "--issuer",
		ISS, "--audience", AUD, "--jwks", vec("enc-private.json"));
	/* and successful ones (the public halves of the same keys) */
	add_issuer(db, "p", ISS, vec("mixed.json"));
	free(RUN_OK(db, "issuer", "update", "p", "--jwks", vec("jwks.json"),
		    "--alg", ALL_ALGS));
	add_issuer(db, "q", "https://q", vec("sig3.json"));

	CU_ASSERT(strlen(d_rsa) > 100 && strlen(d_ec) >= 40);
	CU_ASSERT_FALSE(sk_test_file_contains(db, d_rsa, strlen(d_rsa)));
	CU_ASSERT_FALSE(sk_test_file_contains(db, d_ec, strlen(d_ec)));
	CU_ASSERT_FALSE(sk_test_file_contains(db, d_enc, strlen(d_enc)));
	/* a prefix is enough to notice a leak, whatever the encoding */
	CU_ASSERT_FALSE(sk_test_file_contains(db, d_rsa, 24));
	CU_ASSERT_FALSE(sk_test_file_contains(db, d_ec, 24));
	/* control: the search finds public key material that is stored */
	CU_ASSERT(sk_test_file_contains(db, n_rsa, strlen(n_rsa)));
	free(db);
}

static void test_jwks_stdin_and_usage(void)
{
	char *db = cli_new_store("iss-stdin");
	char *jw = sk_test_read_file(vec("sig3.json"), NULL);
	const char *argv[] = { cli_bin(), "--db", db, "issuer", "add", "idp",
			       "--issuer", ISS, "--audience", AUD, "--jwks",
			       "-", NULL };
	const char *env[] = { "SASLKEY_DB", NULL };
	char *out = NULL, *err = NULL;
	struct cli_res r;

	CU_ASSERT_FATAL(jw != NULL);
	CU_ASSERT_EQUAL(sk_run(argv, env, "", &out, &err), 1);
	CU_ASSERT(strstr(err, "JWKS is empty") != NULL);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(sk_run(argv, env, jw, &out, &err), 0);
	free(out);
	free(err);
	assert_keys(db, "idp", "rsa-rs256:RS256 ec-p256:ES256 ed-1:EdDSA");
	free(jw);

	REFUSED(db, "missing subcommand", "issuer");
	REFUSED(db, "unknown subcommand \"rm\"", "issuer", "rm", "idp");
	cli_run(&r, NULL, NULL, "--help", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strstr(r.out, "  issuer add NAME --issuer URL") != NULL);
	CU_ASSERT(strstr(r.out, "  token revoke --issuer NAME") != NULL);
	cli_free(&r);
	cli_run(&r, NULL, db, "issuer", "add", "--help", NULL);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT(strstr(r.out, "--openid-configuration URL") != NULL);
	cli_free(&r);
	free(db);
}

SK_SUITE(cli_issuer, suite_init, suite_cleanup,
	 SK_TEST(test_add_defaults_show),
	 SK_TEST(test_add_full_jwks),
	 SK_TEST(test_add_every_option),
	 SK_TEST(test_add_validation),
	 SK_TEST(test_bad_keys_refused),
	 SK_TEST(test_enc_keys_skipped),
	 SK_TEST(test_duplicates),
	 SK_TEST(test_unknown_issuer),
	 SK_TEST(test_update_fields),
	 SK_TEST(test_update_jwks_rotation),
	 SK_TEST(test_update_alg_strands_key),
	 SK_TEST(test_remove),
	 SK_TEST(test_token_revoke_list),
	 SK_TEST(test_no_private_material),
	 SK_TEST(test_jwks_stdin_and_usage))
