/* saslkey - bounded string builder */
#ifndef SK_STRBUF_H
#define SK_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * A string builder over a caller-owned fixed buffer.  Appends never write
 * past the buffer; when something does not fit, the builder keeps what fit,
 * stays NUL-terminated and remembers that it overflowed, so callers check
 * once at the end instead of after every append.  No allocation: audit
 * events and log lines are built inside the host's authentication path.
 */
struct sk_strbuf {
	char *buf;
	size_t cap;		/* including the terminating NUL */
	size_t len;
	bool overflow;
};

void sk_strbuf_init(struct sk_strbuf *sb, char *buf, size_t cap);
void sk_strbuf_reset(struct sk_strbuf *sb);
/* the part of an append that does not fit: what fits, then overflow */
void sk_strbuf_append_cut(struct sk_strbuf *sb, const void *s, size_t n);

/*
 * Inline: an audit event is built from some forty small appends on every
 * attempt, and a call per piece cost more than the copying.
 */
static inline void sk_strbuf_append(struct sk_strbuf *sb, const void *s,
				    size_t n)
{
	if (sb->len + n < sb->cap) {
		memcpy(sb->buf + sb->len, s, n);
		sb->len += n;
		sb->buf[sb->len] = '\0';
	} else {
		sk_strbuf_append_cut(sb, s, n);
	}
}

static inline void sk_strbuf_putc(struct sk_strbuf *sb, char c)
{
	sk_strbuf_append(sb, &c, 1);
}

void sk_strbuf_puts(struct sk_strbuf *sb, const char *s);
void sk_strbuf_put_u64(struct sk_strbuf *sb, uint64_t v);
void sk_strbuf_put_i64(struct sk_strbuf *sb, int64_t v);
void sk_strbuf_printf(struct sk_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A JSON string literal, quotes included.  Invalid UTF-8 and NUL bytes
 * become U+FFFD; other control bytes are \u00XX escapes.
 */
void sk_strbuf_put_json(struct sk_strbuf *sb, const char *s, size_t n);

/*
 * Peer data for a one-line, space-separated log: at most max bytes of s,
 * with every byte outside printable ASCII, and every space, '=' or '"',
 * replaced by '?', and "..." appended when cut.  An empty value is "-".
 */
void sk_strbuf_put_token(struct sk_strbuf *sb, const char *s, size_t n,
			 size_t max);

static inline const char *sk_strbuf_str(const struct sk_strbuf *sb)
{
	return sb->buf;
}

#endif
