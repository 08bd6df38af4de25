/* saslkey - client addresses and CIDR allow-lists */
#include "acl.h"
#include "status.h"
#include "strbuf.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				      0xff, 0xff };

/*
 * glibc's inet_pton4, step for step (four decimal octets, none above 255,
 * no leading zeros), on a counted string: every attempt parses the client
 * and server address and every allow-list entry, and inet_pton needs a
 * NUL-terminated copy first.  1 = parsed, 0 = not a dotted quad.
 */
static int pton4(const char *s, size_t n, uint8_t dst[4])
{
	uint8_t tmp[4] = { 0 };
	size_t i, t = 0;
	int octets = 0, saw_digit = 0;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= '0' && ch <= '9') {
			unsigned v = tmp[t] * 10u + (ch - '0');

			if (saw_digit && tmp[t] == 0)
				return 0;
			if (v > 255)
				return 0;
			tmp[t] = (uint8_t)v;
			if (!saw_digit) {
				if (++octets > 4)
					return 0;
				saw_digit = 1;
			}
		} else if (ch == '.' && saw_digit) {
			if (octets == 4)
				return 0;
			tmp[++t] = 0;
			saw_digit = 0;
		} else {
			return 0;
		}
	}
	if (octets < 4)
		return 0;
	memcpy(dst, tmp, 4);
	return 1;
}

int sk_addr_parse(const char *s, size_t n, struct sk_addr *out)
{
	char tmp[SK_ADDR_TEXT_MAX + 16];
	const char *pct;

	memset(out, 0, sizeof(*out));
	if ((pct = memchr(s, '%', n)) != NULL)
		n = (size_t)(pct - s);
	if (n == 0 || n >= sizeof(tmp) || memchr(s, '\0', n) != NULL)
		return SK_INVALID;
	if (pton4(s, n, out->b) == 1) {
		out->family = 4;
		return SK_OK;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, out->b) == 1) {
		out->family = 6;
		if (memcmp(out->b, v4mapped, sizeof(v4mapped)) == 0) {
			memmove(out->b, out->b + 12, 4);
			memset(out->b + 4, 0, 12);
			out->family = 4;
		}
		return SK_OK;
	}
	memset(out, 0, sizeof(*out));
	return SK_INVALID;
}

/*
 * Dotted quad, as inet_ntop writes it (decimal, no leading zeros).  Every
 * audit event formats one or two addresses; inet_ntop + snprintf cost
 * ~2,300 instructions each, this ~100 (bench/RESULTS.md).
 */
static size_t format_v4(const uint8_t b[4], char *out)
{
	size_t n = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (i > 0)
			out[n++] = '.';
		if (v >= 100)
			out[n++] = (char)('0' + v / 100);
		if (v >= 10)
			out[n++] = (char)('0' + v / 10 % 10);
		out[n++] = (char)('0' + v % 10);
	}
	out[n] = '\0';
	return n;
}

void sk_addr_format(const struct sk_addr *a, char *out, size_t cap)
{
	char tmp[INET6_ADDRSTRLEN];
	const char *r = NULL;
	size_t n;

	if (a->family == 4) {
		format_v4(a->b, tmp);
		r = tmp;
	} else if (a->family == 6) {
		r = inet_ntop(AF_INET6, a->b, tmp, sizeof(tmp));
	}
	if (cap == 0)
		return;
	if (r == NULL)
		tmp[0] = '\0';
	/* snprintf(out, cap, "%s", tmp) without the formatter */
	n = strlen(tmp);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, tmp, n);
	out[n] = '\0';
}

static unsigned addr_bits(const struct sk_addr *a)
{
	return a->family == 4 ? 32 : 128;
}

/* do a and b agree on their first len bits? */
static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned bytes = len / 8, rem = len % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	if (rem == 0)
		return true;
	return ((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - rem))) == 0;
}

static bool host_bits_zero(const struct sk_addr *a, unsigned len)
{
	unsigned i;

	for (i = len; i < addr_bits(a); i++)
		if (a->b[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

int sk_cidr_parse(const char *s, size_t n, struct sk_cidr *out,
		  const char **err)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	unsigned long len;
	bool mapped;
	const char *e = "not an IP address";

	memset(out, 0, sizeof(*out));
	if (memchr(s, '%', alen) != NULL) {
		e = "scope ids are not allowed in allow-lists";
		goto bad;
	}
	if (sk_addr_parse(s, alen, &out->addr) != SK_OK)
		goto bad;
	/* was it written as ::ffff:a.b.c.d?  then its length counts from 96 */
	mapped = out->addr.family == 4 && memchr(s, ':', alen) != NULL;
	if (slash == NULL) {
		len = addr_bits(&out->addr);
	} else {
		const char *p = slash + 1, *end = s + n;

		e = "bad prefix length";
		if (p == end || end - p > 3)
			goto bad;
		len = 0;
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				goto bad;
			len = len * 10 + (unsigned long)(*p - '0');
		}
		/* no leading zeros: "/08" is more likely a typo than 8 */
		if (end - (slash + 1) > 1 && slash[1] == '0')
			goto bad;
		if (mapped) {
			if (len < 96 || len > 128) {
				e = "an IPv4-mapped prefix must be /96 to /128";
				goto bad;
			}
			len -= 96;
		}
		if (len > addr_bits(&out->addr))
			goto bad;
	}
	out->prefix = (uint8_t)len;
	if (!host_bits_zero(&out->addr, out->prefix)) {
		e = "address has bits set beyond the prefix length";
		goto bad;
	}
	return SK_OK;
bad:
	memset(out, 0, sizeof(*out));
	if (err != NULL)
		*err = e;
	return SK_INVALID;
}

void sk_cidr_format(const struct sk_cidr *c, char *out, size_t cap)
{
	char a[SK_ADDR_TEXT_MAX];

	sk_addr_format(&c->addr, a, sizeof(a));
	snprintf(out, cap, "%s/%u", a, (unsigned)c->prefix);
}

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == ',';
}

int sk_acl_parse(const char *text, size_t n, struct sk_acl *out,
		 const char **err)
{
	size_t i = 0;

	out->n = 0;
	if (n > SK_ACL_TEXT_MAX) {
		if (err != NULL)
			*err = "allow-list too long";
		return SK_INVALID;
	}
	while (i < n) {
		size_t start;

		while (i < n && is_sep(text[i]))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && !is_sep(text[i]))
			i++;
		if (out->n == SK_ACL_MAX) {
			if (err != NULL)
				*err = "too many allow-list entries";
			out->n = 0;
			return SK_INVALID;
		}
		if (sk_cidr_parse(text + start, i - start, &out->e[out->n],
				  err) != SK_OK) {
			out->n = 0;
			return SK_INVALID;
		}
		out->n++;
	}
	return SK_OK;
}

bool sk_acl_match(const struct sk_acl *acl, const struct sk_addr *a)
{
	size_t i;

	for (i = 0; i < acl->n; i++) {
		const struct sk_cidr *c = &acl->e[i];

		if (c->addr.family == a->family &&
		    prefix_equal(c->addr.b, a->b, c->prefix))
			return true;
	}
	return false;
}

bool sk_acl_format(const struct sk_acl *acl, char *out, size_t cap)
{
	struct sk_strbuf sb;
	char one[SK_ADDR_TEXT_MAX + 8];
	size_t i, keep;

	sk_strbuf_init(&sb, out, cap);
	for (i = 0; i < acl->n && !sb.overflow; i++) {
		keep = sb.len;
		if (i > 0)
			sk_strbuf_putc(&sb, ' ');
		sk_cidr_format(&acl->e[i], one, sizeof(one));
		sk_strbuf_puts(&sb, one);
		/* never a cut entry: "2001:db8::/128" cut to ".../12" widens */
		if (sb.overflow && cap > 0)
			out[keep] = '\0';
	}
	return !sb.overflow;
}

int sk_ipport_parse(const char *s, size_t n, struct sk_addr *addr,
		    unsigned *port)
{
	const char *semi = NULL, *p;
	unsigned long v = 0;

	*port = 0;
	for (p = s + n; p > s; p--) {
		if (p[-1] == ';') {
			semi = p - 1;
			break;
		}
	}
	if (sk_addr_parse(s, semi ? (size_t)(semi - s) : n, addr) != SK_OK)
		return SK_INVALID;
	if (semi == NULL)
		return SK_OK;
	for (p = semi + 1; p < s + n; p++) {
		if (*p < '0' || *p > '9' || p - semi > 5)
			goto bad;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535)
		goto bad;
	*port = (unsigned)v;
	return SK_OK;
bad:
	memset(addr, 0, sizeof(*addr));
	return SK_INVALID;
}
