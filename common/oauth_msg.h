/* saslkey - OAUTHBEARER (RFC 7628) and XOAUTH2 client messages */
#ifndef SK_OAUTH_MSG_H
#define SK_OAUTH_MSG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Both mechanisms carry a bearer token in \x01-separated key=value pairs;
 * OAUTHBEARER prefixes a GS2 header (RFC 5801), XOAUTH2 a user= pair.  The
 * parsers are strict and bounded, never copy the token (it is pointed to
 * in the caller's buffer) and refuse NUL anywhere.
 *
 *   OAUTHBEARER:  "n," ["a=" saslname] "," %x01 *(key "=" value %x01) %x01
 *   XOAUTH2:      "user=" user %x01 "auth=Bearer " token %x01 %x01
 *
 * Channel binding ("y", "p=...") and the non-standard "F" flag are
 * refused.  saslname escapes "=2C" (",") and "=3D" ("="); any other "=" is
 * malformed.  Keys are 1*ALPHA; unknown keys are ignored (RFC 7628 §3.1),
 * a second "auth" is malformed.  auth is "Bearer" (any case), one or more
 * spaces, and an RFC 6750 b64token.  Nothing may follow the final %x01.
 */
#define SK_OAUTH_USER_MAX 255

enum sk_oauth_parse {
	SK_OAUTH_OK,
	SK_OAUTH_DUMMY,		/* a lone %x01: the reply to an error */
	SK_OAUTH_MALFORMED,
};

struct sk_oauth_msg {
	char user[SK_OAUTH_USER_MAX + 1];	/* authzid / user=, unescaped */
	size_t user_len;			/* 0: none given */
	const char *token;			/* inside the input */
	size_t token_len;
};

enum sk_oauth_parse sk_oauthbearer_parse(const char *in, size_t len,
					 struct sk_oauth_msg *out);
enum sk_oauth_parse sk_xoauth2_parse(const char *in, size_t len,
				     struct sk_oauth_msg *out);

/*
 * The error challenge sent before failing (as a SASL continuation; the
 * client answers and then gets the failure):
 *   OAUTHBEARER {"status":"invalid_token","scope":...,"openid-configuration":...}
 *   XOAUTH2     {"status":"401","schemes":"bearer","scope":...}
 * scope and discovery URL are omitted when empty.  Returns the length, 0
 * if it does not fit.
 */
size_t sk_oauthbearer_error(const char *scope, const char *openid_conf,
			    char *out, size_t cap);
size_t sk_xoauth2_error(const char *scope, char *out, size_t cap);

#endif
