/* saslkey - JWT access-token claims (RFC 7519, RFC 9068, RFC 8725) */
#include "jwt.h"
#include "status.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

static bool has_nul(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

static bool has_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

static bool str_eq(const json_t *v, const char *want)
{
	size_t n = strlen(want);

	return json_is_string(v) && json_string_length(v) == n &&
	       memcmp(json_string_value(v), want, n) == 0;
}

/* copy a JSON string of at most cap-1 bytes without NUL */
static bool copy_str(const json_t *v, char *out, size_t cap)
{
	size_t n = json_string_length(v);

	if (!json_is_string(v) || n >= cap || has_nul(json_string_value(v), n))
		return false;
	memcpy(out, json_string_value(v), n);
	out[n] = '\0';
	return true;
}

/*
 * A NumericDate (RFC 7519 §2): integer or real seconds, reals floored.
 * Strings, booleans and null are refused rather than read as 0 (libjwt
 * reads them as 0, so a string "nbf" is silently ignored).  The upper
 * bound keeps all the arithmetic below far from int64 overflow.
 */
static bool numeric_date(const json_t *v, int64_t *out)
{
	double d;

	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < 0 || i > SK_JWT_TIME_MAX)
			return false;
		*out = (int64_t)i;
		return true;
	}
	if (!json_is_real(v))
		return false;
	d = json_real_value(v);
	/* jansson never parses NaN or Inf, but a json_t may be built */
	if (!isfinite(d) || d < 0 || d > (double)SK_JWT_TIME_MAX)
		return false;
	*out = (int64_t)d;	/* truncation is floor for d >= 0 */
	return true;
}

/* n bytes of word, bounded by spaces, inside the space-separated list s */
static bool has_word(const char *s, size_t slen, const char *word, size_t n)
{
	size_t i = 0;

	while (i < slen) {
		size_t j = i;

		while (j < slen && s[j] != ' ')
			j++;
		if (j - i == n && memcmp(s + i, word, n) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

static bool claim_has_scope(const json_t *v, const char *word, size_t n)
{
	size_t i;

	if (json_is_string(v))
		return has_word(json_string_value(v), json_string_length(v),
				word, n);
	if (json_is_array(v))
		for (i = 0; i < json_array_size(v); i++) {
			const json_t *e = json_array_get(v, i);

			if (json_is_string(e) && json_string_length(e) == n &&
			    memcmp(json_string_value(e), word, n) == 0)
				return true;
		}
	return false;
}

/* every space-separated scope in want appears in "scope" or in "scp" */
static bool scopes_ok(const json_t *claims, const char *want)
{
	/* RFC 9068 §2.2.3 / RFC 8693 §4.2: "scope" is a string; "scp" is
	 * Entra ID's spelling (array or string); other types grant nothing */
	const json_t *scope = json_object_get(claims, "scope");
	const json_t *scp = json_object_get(claims, "scp");
	size_t len = strlen(want), i = 0;

	if (scope != NULL && !json_is_string(scope))
		scope = NULL;
	while (i < len) {
		size_t j = i;

		while (j < len && want[j] != ' ')
			j++;
		if (j > i && !claim_has_scope(scope, want + i, j - i) &&
		    !claim_has_scope(scp, want + i, j - i))
			return false;
		i = j + 1;
	}
	return true;
}

static bool audience_ok(const json_t *aud, const char *want)
{
	size_t i, n;
	bool found = false;

	if (json_is_string(aud))
		return str_eq(aud, want);
	if (!json_is_array(aud) || (n = json_array_size(aud)) == 0)
		return false;
	/* RFC 7519 §4.1.3: an array of StringOrURI; a number or object in it
	 * makes the claim malformed, not merely non-matching */
	for (i = 0; i < n; i++) {
		const json_t *e = json_array_get(aud, i);

		if (!json_is_string(e))
			return false;
		found |= str_eq(e, want);
	}
	return found;
}

static enum sk_reason check(const json_t *claims, const struct sk_jwt_policy *p,
			    struct sk_jwt_claims *out)
{
	static const char *const dates[] = { "exp", "nbf", "iat" };
	int64_t *date_out[] = { &out->exp, &out->nbf, &out->iat };
	int64_t leeway = p->leeway;
	const json_t *v;
	size_t i;

	if (p->issuer == NULL || p->issuer[0] == '\0' || p->audience == NULL ||
	    p->audience[0] == '\0' || p->username_claim == NULL ||
	    p->username_claim[0] == '\0')
		return SK_R_INTERNAL;
	if (!json_is_object(claims))
		return SK_R_TOKEN_MALFORMED;

	v = json_object_get(claims, "iss");
	if (!json_is_string(v))
		return SK_R_TOKEN_MALFORMED;
	if (!str_eq(v, p->issuer))
		return SK_R_WRONG_ISSUER;
	if (!copy_str(v, out->iss, sizeof(out->iss)))
		return SK_R_TOKEN_MALFORMED;

	/* RFC 9068 §2.2: exp is REQUIRED in an access token */
	if (json_object_get(claims, "exp") == NULL)
		return SK_R_TOKEN_MALFORMED;
	for (i = 0; i < SK_N_ELEMENTS(dates); i++) {
		v = json_object_get(claims, dates[i]);
		if (v != NULL && !numeric_date(v, date_out[i]))
			return SK_R_TOKEN_MALFORMED;
	}
	/* bounded, so that exp + leeway and nbf - leeway cannot overflow */
	if (leeway < 0)
		leeway = 0;
	if (leeway > SK_JWT_TIME_MAX)
		leeway = SK_JWT_TIME_MAX;
	/* RFC 7519 §4.1.4: on or after exp the token is no longer valid */
	if (p->now >= out->exp + leeway)
		return SK_R_TOKEN_EXPIRED;
	if (out->nbf - leeway > p->now || out->iat - leeway > p->now)
		return SK_R_NOT_YET_VALID;

	if (!audience_ok(json_object_get(claims, "aud"), p->audience))
		return SK_R_WRONG_AUDIENCE;
	if (p->scope != NULL && p->scope[0] != '\0' &&
	    !scopes_ok(claims, p->scope))
		return SK_R_MISSING_SCOPE;

	/* the name the SASL user is bound to: no control characters, which
	 * would forge log lines or confuse the host's protocol */
	v = json_object_get(claims, p->username_claim);
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    has_control(json_string_value(v), json_string_length(v)) ||
	    !copy_str(v, out->user, sizeof(out->user)))
		return SK_R_TOKEN_MALFORMED;

	v = json_object_get(claims, "sub");
	if (v != NULL && !copy_str(v, out->sub, sizeof(out->sub)))
		return SK_R_TOKEN_MALFORMED;
	v = json_object_get(claims, "jti");
	if (v != NULL && !copy_str(v, out->jti, sizeof(out->jti)))
		return SK_R_TOKEN_MALFORMED;
	return SK_R_OK;
}

enum sk_reason sk_jwt_check_claims(const json_t *claims,
				   const struct sk_jwt_policy *p,
				   struct sk_jwt_claims *out)
{
	enum sk_reason r;

	memset(out, 0, sizeof(*out));
	r = p == NULL ? SK_R_INTERNAL : check(claims, p, out);
	if (r != SK_R_OK)
		memset(out, 0, sizeof(*out));
	return r;
}

enum sk_reason sk_jwt_peek_issuer(const json_t *claims, char *out, size_t cap)
{
	const json_t *iss = json_is_object(claims) ?
				    json_object_get(claims, "iss") :
				    NULL;

	if (out == NULL || cap == 0)
		return SK_R_INTERNAL;
	out[0] = '\0';
	if (json_string_length(iss) == 0 || !copy_str(iss, out, cap)) {
		out[0] = '\0';
		return SK_R_TOKEN_MALFORMED;
	}
	return SK_R_OK;
}
