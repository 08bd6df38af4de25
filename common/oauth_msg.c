/* saslkey - OAUTHBEARER (RFC 7628) and XOAUTH2 client messages */
#include "oauth_msg.h"
#include "strbuf.h"

#include <string.h>
#include <strings.h>

#define KVSEP 0x01

static bool is_alpha(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* RFC 7628 value = *(VCHAR / SP / HTAB / CR / LF) */
static bool is_value_char(unsigned char c)
{
	return (c >= 0x20 && c <= 0x7e) || c == '\t' || c == '\r' || c == '\n';
}

/*
 * RFC 6750 b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 * One table lookup per byte: the token is most of the message (hundreds
 * of bytes, up to 16 KiB).
 */
#define B4(a, b, c, d) [a] = 1, [b] = 1, [c] = 1, [d] = 1
static const unsigned char b64token_char[256] = {
	B4('-', '.', '_', '~'), ['+'] = 1, ['/'] = 1,
	B4('0', '1', '2', '3'), B4('4', '5', '6', '7'), ['8'] = 1, ['9'] = 1,
	B4('A', 'B', 'C', 'D'), B4('E', 'F', 'G', 'H'), B4('I', 'J', 'K', 'L'),
	B4('M', 'N', 'O', 'P'), B4('Q', 'R', 'S', 'T'), B4('U', 'V', 'W', 'X'),
	['Y'] = 1, ['Z'] = 1,
	B4('a', 'b', 'c', 'd'), B4('e', 'f', 'g', 'h'), B4('i', 'j', 'k', 'l'),
	B4('m', 'n', 'o', 'p'), B4('q', 'r', 's', 't'), B4('u', 'v', 'w', 'x'),
	['y'] = 1, ['z'] = 1,
};
#undef B4

static bool b64token_ok(const char *t, size_t n)
{
	size_t i = 0;

	while (i < n && b64token_char[(unsigned char)t[i]])
		i++;
	if (i == 0)
		return false;
	while (i < n && t[i] == '=')
		i++;
	return i == n;
}

/* "Bearer" 1*SP b64token, the scheme in any case */
static bool parse_auth(const char *v, size_t n, struct sk_oauth_msg *out)
{
	size_t i = 6;

	if (n < 8 || strncasecmp(v, "Bearer", 6) != 0 || v[6] != ' ')
		return false;
	while (i < n && v[i] == ' ')
		i++;
	if (!b64token_ok(v + i, n - i))
		return false;
	out->token = v + i;
	out->token_len = n - i;
	return true;
}

static bool user_ok(const char *u, size_t n)
{
	size_t i;

	if (n == 0 || n > SK_OAUTH_USER_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] < 0x20 || u[i] == 0x7f)
			return false;
	return true;
}

/*
 * key=value pairs from p up to and including the terminating empty pair;
 * want_user: XOAUTH2's user= (required).  Returns bytes consumed or 0.
 */
static size_t parse_pairs(const char *p, size_t n, bool want_user,
			  struct sk_oauth_msg *out)
{
	bool have_auth = false, have_user = false;
	size_t i = 0;

	for (;;) {
		size_t key, klen, val, vlen;

		if (i == n)
			return 0;		/* no final separator */
		if (p[i] == KVSEP)
			break;			/* the empty pair: done */
		key = i;
		while (i < n && is_alpha((unsigned char)p[i]))
			i++;
		klen = i - key;
		if (klen == 0 || i == n || p[i] != '=')
			return 0;
		val = ++i;
		while (i < n && p[i] != KVSEP) {
			if (!is_value_char((unsigned char)p[i]))
				return 0;
			i++;
		}
		if (i == n)
			return 0;
		vlen = i - val;
		i++;				/* the pair's separator */
		if (klen == 4 && memcmp(p + key, "auth", 4) == 0) {
			if (have_auth || !parse_auth(p + val, vlen, out))
				return 0;
			have_auth = true;
		} else if (want_user && klen == 4 &&
			   memcmp(p + key, "user", 4) == 0) {
			if (have_user || !user_ok(p + val, vlen))
				return 0;
			memcpy(out->user, p + val, vlen);
			out->user[vlen] = '\0';
			out->user_len = vlen;
			have_user = true;
		}
		/* host, port and unknown keys: ignored, as RFC 7628 asks */
	}
	if (!have_auth || (want_user && !have_user))
		return 0;
	return i + 1;
}

static enum sk_oauth_parse fail(struct sk_oauth_msg *out)
{
	memset(out, 0, sizeof(*out));
	return SK_OAUTH_MALFORMED;
}

enum sk_oauth_parse sk_oauthbearer_parse(const char *in, size_t len,
					 struct sk_oauth_msg *out)
{
	size_t i = 2, used;

	memset(out, 0, sizeof(*out));
	if (len == 1 && in[0] == KVSEP)
		return SK_OAUTH_DUMMY;
	if (len < 4 || memchr(in, '\0', len) != NULL)
		return fail(out);
	/* gs2-cb-flag: only "n"; "y", "p=" and the "F" flag are refused */
	if (in[0] != 'n' || in[1] != ',')
		return fail(out);
	if (in[i] == 'a' && i + 1 < len && in[i + 1] == '=') {
		i += 2;
		while (i < len && in[i] != ',') {
			unsigned char c = (unsigned char)in[i];

			if (out->user_len == SK_OAUTH_USER_MAX || c < 0x20 ||
			    c == 0x7f || c == KVSEP)
				return fail(out);
			if (c == '=') {
				if (i + 2 >= len)
					return fail(out);
				if (in[i + 1] == '2' && in[i + 2] == 'C')
					c = ',';
				else if (in[i + 1] == '3' && in[i + 2] == 'D')
					c = '=';
				else
					return fail(out);
				i += 2;
			}
			out->user[out->user_len++] = (char)c;
			i++;
		}
		if (out->user_len == 0)
			return fail(out);
		out->user[out->user_len] = '\0';
	}
	if (i + 1 >= len || in[i] != ',' || in[i + 1] != KVSEP)
		return fail(out);
	i += 2;
	used = parse_pairs(in + i, len - i, false, out);
	if (used == 0 || i + used != len)
		return fail(out);
	return SK_OAUTH_OK;
}

enum sk_oauth_parse sk_xoauth2_parse(const char *in, size_t len,
				     struct sk_oauth_msg *out)
{
	size_t used;

	memset(out, 0, sizeof(*out));
	if (len == 1 && in[0] == KVSEP)
		return SK_OAUTH_DUMMY;
	if (len == 0 || memchr(in, '\0', len) != NULL)
		return fail(out);
	used = parse_pairs(in, len, true, out);
	if (used == 0 || used != len)
		return fail(out);
	return SK_OAUTH_OK;
}

static size_t finish_json(struct sk_strbuf *sb)
{
	sk_strbuf_putc(sb, '}');
	return sb->overflow ? 0 : sb->len;
}

static void member(struct sk_strbuf *sb, const char *k, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	sk_strbuf_puts(sb, ",\"");
	sk_strbuf_puts(sb, k);
	sk_strbuf_puts(sb, "\":");
	sk_strbuf_put_json(sb, v, strlen(v));
}

size_t sk_oauthbearer_error(const char *scope, const char *openid_conf,
			    char *out, size_t cap)
{
	struct sk_strbuf sb;

	sk_strbuf_init(&sb, out, cap);
	sk_strbuf_puts(&sb, "{\"status\":\"invalid_token\"");
	member(&sb, "scope", scope);
	member(&sb, "openid-configuration", openid_conf);
	return finish_json(&sb);
}

size_t sk_xoauth2_error(const char *scope, char *out, size_t cap)
{
	struct sk_strbuf sb;

	sk_strbuf_init(&sb, out, cap);
	sk_strbuf_puts(&sb, "{\"status\":\"401\",\"schemes\":\"bearer\"");
	member(&sb, "scope", scope);
	return finish_json(&sb);
}
