/* saslkey - client addresses and CIDR allow-lists */
#include "acl.h"
#include "status.h"
#include "strbuf.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				      0xff, 0xff };

int sk_addr_parse(const char *s, size_t n, struct sk_addr *out)
{
	char tmp[SK_ADDR_TEXT_MAX + 16];
	const char *pct;

	memset(out, 0, sizeof(*out));
	if ((pct = memchr(s, '%', n)) != NULL)
		n = (size_t)(pct - s);
	if (n == 0 || n >= sizeof(tmp) || memchr(s, '\0', n) != NULL)
		return SK_INVALID;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, out->b) == 1) {
		out->family = 4;
		return SK_OK;
	}
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

void sk_addr_format(const struct sk_addr *a, char *out, size_t cap)
{
	char tmp[INET6_ADDRSTRLEN];
	const char *r = NULL;

	if (a->family == 4)
		r = inet_ntop(AF_INET, a->b, tmp, sizeof(tmp));
	else if (a->family == 6)
		r = inet_ntop(AF_INET6, a->b, tmp, sizeof(tmp));
	if (cap == 0)
		return;
	if (r == NULL)
		tmp[0] = '\0';
	snprintf(out, cap, "%s", tmp);
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
