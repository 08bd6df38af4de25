/* saslkey - times and durations as administrators write them */
#ifndef SK_WHEN_H
#define SK_WHEN_H

#include <stddef.h>
#include <stdint.h>

/*
 * Times are Unix seconds (UTC) everywhere in the store.  Administrators
 * write them as
 *   now | never | <n>s|m|h|d|w (from now) | YYYY-MM-DD (00:00 UTC) |
 *   YYYY-MM-DDTHH:MM[:SS]Z | @<unix seconds>
 * "never" yields 0, which the store uses for "no expiry".
 */
int sk_when_parse(const char *s, int64_t now, int64_t *out);

/* "<n>s|m|h|d|w" or a plain number of seconds */
int sk_duration_parse(const char *s, int64_t *secs);

/* RFC 3339 UTC, "2026-11-28T15:19:37Z"; "never" for 0 */
void sk_when_format(int64_t t, char *out, size_t cap);

/* RFC 3339 with milliseconds, for audit timestamps */
void sk_when_format_ms(int64_t sec, long nsec, char *out, size_t cap);

#endif
