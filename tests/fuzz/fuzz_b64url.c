/* saslkey fuzzing - strict base64url (b64url.h): every JWS segment and
 * every JWK member goes through it */
#include "fuzz.h"
#include "b64url.h"
#include "status.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	size_t cap = sk_b64url_decoded_len(size), got = 99, enclen, n;
	unsigned char *out = malloc(cap ? cap : 1);
	char *enc;

	SKF_CHECK(out != NULL);
	if (sk_b64url_decode(in, size, out, cap, &got) == SK_OK) {
		/* decoded_len is exact for a valid text ... */
		SKF_CHECK(got == cap);
		/* ... which is the one spelling of those bytes */
		enclen = sk_b64url_encoded_len(got);
		SKF_CHECK(enclen == size);
		enc = malloc(enclen + 1);
		SKF_CHECK(enc != NULL);
		SKF_CHECK(sk_b64url_encode(out, got, enc, enclen + 1) == size);
		SKF_CHECK(memcmp(enc, in, size) == 0 && enc[size] == '\0');
		free(enc);
		/* one byte short of room: refused before writing */
		if (cap > 0)
			SKF_CHECK(sk_b64url_decode(in, size, out, cap - 1,
						   &got) == SK_INVALID &&
				  got == 0);
	} else {
		SKF_CHECK(got == 0);
	}
	free(out);

	/* any bytes encode, and decode back to themselves */
	enclen = sk_b64url_encoded_len(size);
	enc = malloc(enclen + 1);
	out = malloc(size ? size : 1);
	SKF_CHECK(enc != NULL && out != NULL);
	SKF_CHECK(sk_b64url_encode(data, size, enc, enclen + 1) == enclen);
	SKF_CHECK(sk_b64url_encode(data, size, enc, enclen) == 0 &&
		  enc[0] == '\0');
	SKF_CHECK(sk_b64url_encode(data, size, enc, enclen + 1) == enclen);
	SKF_CHECK(sk_b64url_decode(enc, enclen, out, size, &n) == SK_OK &&
		  n == size && memcmp(out, data, size) == 0);
	free(enc);
	free(out);
	return 0;
}
