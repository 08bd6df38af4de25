/* saslkey - bounded string builder */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sk_strbuf_init(struct sk_strbuf *sb, char *buf, size_t cap)
{
	sb->buf = buf;
	sb->cap = cap;
	sk_strbuf_reset(sb);
}

void sk_strbuf_reset(struct sk_strbuf *sb)
{
	sb->len = 0;
	sb->overflow = sb->cap == 0;
	if (sb->cap > 0)
		sb->buf[0] = '\0';
}

void sk_strbuf_append_cut(struct sk_strbuf *sb, const void *s, size_t n)
{
	size_t room;

	if (sb->cap == 0)
		return;
	room = sb->cap - 1 - sb->len;
	if (n > room) {
		n = room;
		sb->overflow = true;
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sk_strbuf_puts(struct sk_strbuf *sb, const char *s)
{
	sk_strbuf_append(sb, s, strlen(s));
}

void sk_strbuf_put_u64(struct sk_strbuf *sb, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sk_strbuf_append(sb, tmp + i, sizeof(tmp) - i);
}

void sk_strbuf_put_i64(struct sk_strbuf *sb, int64_t v)
{
	if (v < 0) {
		sk_strbuf_putc(sb, '-');
		/* negate in unsigned arithmetic: INT64_MIN has no positive twin */
		sk_strbuf_put_u64(sb, (uint64_t)0 - (uint64_t)v);
	} else {
		sk_strbuf_put_u64(sb, (uint64_t)v);
	}
}

void sk_strbuf_printf(struct sk_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->cap == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->buf[sb->len] = '\0';
		sb->overflow = true;
	} else if ((size_t)n >= sb->cap - sb->len) {
		sb->len = sb->cap - 1;
		sb->overflow = true;
	} else {
		sb->len += (size_t)n;
	}
}

/* length of the valid UTF-8 sequence at s, or 0 if it is not valid */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * Bytes a JSON string can carry as they are: printable ASCII except '"'
 * and '\\'.  A table lookup per byte, and one append per run of them,
 * instead of a call per byte: audit events put a dozen strings per
 * attempt through here (bench/RESULTS.md).
 */
static const unsigned char json_plain[256] = {
	[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
};

/* sk_strbuf_append, with the common case (it fits) inlined */
static inline void append_fast(struct sk_strbuf *sb, const void *s, size_t n)
{
	if (sb->len + n < sb->cap) {
		memcpy(sb->buf + sb->len, s, n);
		sb->len += n;
		sb->buf[sb->len] = '\0';
	} else {
		sk_strbuf_append(sb, s, n);
	}
}

void sk_strbuf_put_json(struct sk_strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start, l;

	append_fast(sb, "\"", 1);
	while (i < n) {
		unsigned char c;

		start = i;
		while (i < n && json_plain[p[i]])
			i++;
		if (i > start)
			append_fast(sb, p + start, i - start);
		if (i == n)
			break;
		c = p[i];
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			append_fast(sb, esc, 2);
			i++;
		} else if (c == 0) {
			/* valid JSON, but many consumers (jansson by default)
			 * refuse \u0000: keep the event readable everywhere */
			append_fast(sb, "\\ufffd", 6);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4],
					hex[c & 15] };
			append_fast(sb, esc, 6);
			i++;
		} else if ((l = utf8_seq_len(p + i, n - i)) != 0) {
			append_fast(sb, p + i, l);
			i += l;
		} else {
			append_fast(sb, "\\ufffd", 6);
			i++;
		}
	}
	append_fast(sb, "\"", 1);
}

void sk_strbuf_put_token(struct sk_strbuf *sb, const char *s, size_t n,
			 size_t max)
{
	size_t i, lim = n > max ? max : n;

	if (n == 0) {
		sk_strbuf_putc(sb, '-');
		return;
	}
	for (i = 0; i < lim; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '=' || c == '"')
			c = '?';
		sk_strbuf_putc(sb, (char)c);
	}
	if (n > max)
		sk_strbuf_puts(sb, "...");
}
