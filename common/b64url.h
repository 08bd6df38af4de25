/* saslkey - base64url (RFC 4648 §5) without padding, strict */
#ifndef SK_B64URL_H
#define SK_B64URL_H

#include <stddef.h>

/*
 * JOSE (RFC 7515 §2) uses base64url with the '=' padding removed.  The
 * decoder accepts exactly one spelling of every byte string: no padding,
 * no whitespace, no '+' or '/', no length that no encoder produces
 * (len % 4 == 1) and no non-zero bits in the unused low bits of the last
 * character.  A token therefore has one textual form, so two parsers (or
 * a cache keyed by the token text) can never disagree about what it
 * says (RFC 8725 §2.6).
 */

/*
 * Decode in[0..inlen) into out.  The output size is checked against
 * outcap before anything is written.  SK_OK with *outlen set, or
 * SK_INVALID (nothing useful in out; *outlen is 0).
 */
int sk_b64url_decode(const char *in, size_t inlen, unsigned char *out,
		     size_t outcap, size_t *outlen);

/* bytes that a valid encoding of inlen characters decodes to (0 if none) */
size_t sk_b64url_decoded_len(size_t inlen);

/* characters (without NUL) that n bytes encode to; SIZE_MAX on overflow */
size_t sk_b64url_encoded_len(size_t n);

/*
 * Encode n bytes and NUL-terminate.  Returns the length written (without
 * the NUL), or 0 and out = "" when outcap < sk_b64url_encoded_len(n) + 1.
 */
size_t sk_b64url_encode(const unsigned char *in, size_t n, char *out,
			size_t outcap);

#endif
