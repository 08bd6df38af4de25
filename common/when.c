/* saslkey - times and durations as administrators write them */
#define _GNU_SOURCE		/* timegm */
#include "when.h"
#include "status.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* digits only, no sign, fits comfortably in int64 */
static int parse_uint(const char *s, size_t n, int64_t max, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (n == 0 || n > 12)
		return SK_INVALID;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return SK_INVALID;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return SK_INVALID;
	*out = v;
	return SK_OK;
}

int sk_duration_parse(const char *s, int64_t *secs)
{
	size_t n = strlen(s);
	int64_t v, mult = 1;

	if (n == 0)
		return SK_INVALID;
	switch (s[n - 1]) {
	case 's': mult = 1; n--; break;
	case 'm': mult = 60; n--; break;
	case 'h': mult = 3600; n--; break;
	case 'd': mult = 86400; n--; break;
	case 'w': mult = 7 * 86400; n--; break;
	default: break;
	}
	/* cap at about 100 years: anything longer is a typo */
	if (parse_uint(s, n, 3650000000LL / mult, &v) != SK_OK)
		return SK_INVALID;
	*secs = v * mult;
	return SK_OK;
}

int sk_when_parse(const char *s, int64_t now, int64_t *out)
{
	struct tm tm;
	size_t n = strlen(s);
	int64_t d;
	time_t t;
	const char *end;

	if (strcmp(s, "now") == 0) {
		*out = now;
		return SK_OK;
	}
	if (strcmp(s, "never") == 0) {
		*out = 0;
		return SK_OK;
	}
	if (s[0] == '@')
		return parse_uint(s + 1, n - 1, 253402300799LL, out);
	if (n > 0 && s[n - 1] >= 'a' && s[n - 1] <= 'z') {
		if (sk_duration_parse(s, &d) != SK_OK)
			return SK_INVALID;
		*out = now + d;
		return SK_OK;
	}

	memset(&tm, 0, sizeof(tm));
	if (n == 10)
		end = strptime(s, "%Y-%m-%d", &tm);
	else if (n == 17)
		end = strptime(s, "%Y-%m-%dT%H:%MZ", &tm);
	else if (n == 20)
		end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		return SK_INVALID;
	if (end == NULL || *end != '\0' || tm.tm_year < 70 ||
	    tm.tm_year > 8099)
		return SK_INVALID;
	{
		/* strptime accepts 2026-02-31; a round trip catches it */
		struct tm chk = tm;

		t = timegm(&chk);
		if (chk.tm_mday != tm.tm_mday || chk.tm_mon != tm.tm_mon)
			return SK_INVALID;
	}
	*out = (int64_t)t;
	return SK_OK;
}

void sk_when_format(int64_t t, char *out, size_t cap)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0) {
		snprintf(out, cap, "never");
		return;
	}
	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, cap, "@%lld", (long long)t);
}

static void two(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* the general case: gmtime_r and snprintf */
static void format_ms_tm(int64_t sec, long nsec, char *out, size_t cap)
{
	struct tm tm;
	time_t tt = (time_t)sec;

	if (gmtime_r(&tt, &tm) == NULL) {
		snprintf(out, cap, "@%lld", (long long)sec);
		return;
	}
	snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, nsec / 1000000);
}

/*
 * Every audit event is stamped with this, so the usual case skips
 * gmtime_r and snprintf: the civil date from the day number (Howard
 * Hinnant's days_from_civil inverse, exact for the proleptic Gregorian
 * calendar gmtime uses), the same bytes as format_ms_tm.  Years outside
 * 0000-9999, a nanosecond field out of range or a small buffer take the
 * general path.
 */
void sk_when_format_ms(int64_t sec, long nsec, char *out, size_t cap)
{
	int64_t days, z, era, doe, yoe, doy, mp, y;
	unsigned sod, m, d;

	if (sec < -62167219200LL || sec > 253402300799LL || nsec < 0 ||
	    nsec > 999999999 || cap < 25) {
		format_ms_tm(sec, nsec, out, cap);
		return;
	}
	days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
	sod = (unsigned)(sec - days * 86400);
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	if (m <= 2)
		y++;
	two(out, (unsigned)(y / 100));
	two(out + 2, (unsigned)(y % 100));
	out[4] = '-';
	two(out + 5, m);
	out[7] = '-';
	two(out + 8, d);
	out[10] = 'T';
	two(out + 11, sod / 3600);
	out[13] = ':';
	two(out + 14, sod / 60 % 60);
	out[16] = ':';
	two(out + 17, sod % 60);
	out[19] = '.';
	out[20] = (char)('0' + nsec / 100000000);
	two(out + 21, (unsigned)(nsec / 1000000 % 100));
	out[23] = 'Z';
	out[24] = '\0';
}
