/* saslkey fuzzing - libsasl2's ipremoteport/iplocalport ("ip;port"), as
 * the request layer parses them for the allow-list and the audit event,
 * and the address parser and formatter against glibc's (acl.c has its
 * own dotted-quad code, "inet_pton4 step for step") */
#include "fuzz.h"
#include "acl.h"
#include "status.h"

#include <arpa/inet.h>
#include <string.h>

/* what sk_addr_parse must say: inet_pton's verdict, v4-mapped as IPv4 */
static void check_against_glibc(const uint8_t *data, size_t size)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0xff, 0xff };
	char text[SK_ADDR_TEXT_MAX + 16], glibc[INET6_ADDRSTRLEN], ours[64];
	struct sk_addr a, want;

	/* no scope id ("%eth0" is cut before parsing), short, no NUL */
	if (size == 0 || size >= sizeof(text) || memchr(data, '%', size) ||
	    memchr(data, '\0', size))
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&want, 0, sizeof(want));
	if (inet_pton(AF_INET, text, want.b) == 1) {
		want.family = 4;
	} else if (inet_pton(AF_INET6, text, want.b) == 1) {
		want.family = 6;
		if (memcmp(want.b, mapped, sizeof(mapped)) == 0) {
			memmove(want.b, want.b + 12, 4);
			memset(want.b + 4, 0, 12);
			want.family = 4;
		}
	}
	if (sk_addr_parse((const char *)data, size, &a) == SK_OK)
		SKF_CHECK(memcmp(&a, &want, sizeof(a)) == 0);
	else
		SKF_CHECK(want.family == 0);
	if (want.family == 0)
		return;
	/* and the text the audit event carries is inet_ntop's */
	SKF_CHECK(inet_ntop(want.family == 4 ? AF_INET : AF_INET6, want.b,
			    glibc, sizeof(glibc)) != NULL);
	sk_addr_format(&a, ours, sizeof(ours));
	SKF_CHECK(strcmp(ours, glibc) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[SK_ADDR_TEXT_MAX];
	struct sk_addr a, again;
	unsigned port = 12345;

	check_against_glibc(data, size);
	if (sk_ipport_parse((const char *)data, size, &a, &port) != SK_OK) {
		SKF_CHECK(a.family == 0);
		return 0;
	}
	SKF_CHECK(a.family == 4 || a.family == 6);
	SKF_CHECK(port <= 65535);
	/* the audit event's source.ip parses back to the same address */
	sk_addr_format(&a, text, sizeof(text));
	SKF_CHECK(sk_addr_parse(text, strlen(text), &again) == SK_OK);
	SKF_CHECK(memcmp(&again, &a, sizeof(a)) == 0);
	return 0;
}
