/* saslkey - client addresses and CIDR allow-lists */
#ifndef SK_ACL_H
#define SK_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Addresses are kept as 4 or 16 raw bytes.  An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) is stored as the IPv4 address it carries, both when it
 * is a client address and when it is written in an allow-list, so
 * "192.0.2.0/24" matches a client Cyrus IMAP reports as ::ffff:192.0.2.7.
 * Families never match each other otherwise: ::/0 admits every IPv6 client
 * but no IPv4 one; allow everything with "0.0.0.0/0 ::/0".
 */
#define SK_ACL_MAX		64	/* entries per list */
#define SK_ACL_TEXT_MAX		2048	/* bytes of list text */
#define SK_ADDR_TEXT_MAX	48	/* INET6_ADDRSTRLEN + room */

struct sk_addr {
	uint8_t family;		/* 4 or 6; 0 = unknown */
	uint8_t b[16];
};

struct sk_cidr {
	struct sk_addr addr;	/* host bits are zero */
	uint8_t prefix;
};

struct sk_acl {
	size_t n;
	struct sk_cidr e[SK_ACL_MAX];
};

/* a numeric address; "%scope" suffixes are ignored */
int sk_addr_parse(const char *s, size_t n, struct sk_addr *out);
void sk_addr_format(const struct sk_addr *a, char *out, size_t cap);

/*
 * "a.b.c.d[/len]" or "v6addr[/len]"; a bare address is a host route.
 * Set host bits ("10.1.2.3/8") are refused as a likely typo.
 * On failure err (if not NULL) names the problem.
 */
int sk_cidr_parse(const char *s, size_t n, struct sk_cidr *out,
		  const char **err);
void sk_cidr_format(const struct sk_cidr *c, char *out, size_t cap);

/* entries separated by spaces, tabs or commas; the empty list is valid */
int sk_acl_parse(const char *text, size_t n, struct sk_acl *out,
		 const char **err);
bool sk_acl_match(const struct sk_acl *acl, const struct sk_addr *a);
/*
 * canonical text of the list, entries separated by one space; false if it
 * did not fit (the canonical text can be longer than the text parsed, e.g.
 * "/128" is added), and out then holds only the entries that fit whole
 */
bool sk_acl_format(const struct sk_acl *acl, char *out, size_t cap);

/*
 * libsasl2's ipremoteport/iplocalport: "<numeric-host>[;<port>]" with no
 * brackets around IPv6 ("2001:db8::1;54321").  The host part ends at the
 * last ';' (an IPv6 address has colons but never ';').  A missing or empty
 * port gives *port = 0.
 */
int sk_ipport_parse(const char *s, size_t n, struct sk_addr *addr,
		    unsigned *port);

#endif
