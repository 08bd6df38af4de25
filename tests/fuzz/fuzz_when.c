/* saslkey fuzzing - times and durations (when.h): --expires, --grace and
 * "key expire" arguments */
#include "fuzz.h"
#include "status.h"
#include "when.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = skf_cstr(data, size), text[64];
	int64_t t = -1, again = -1, d = -1;

	if (sk_when_parse(s, SKF_NOW, &t) == SK_OK) {
		SKF_CHECK(t >= 0 && t <= INT64_C(253402300799));
		/* what "key list" prints is accepted back as the same time */
		sk_when_format(t, text, sizeof(text));
		SKF_CHECK(sk_when_parse(text, SKF_NOW, &again) == SK_OK &&
			  again == t);
	}
	if (sk_duration_parse(s, &d) == SK_OK)
		SKF_CHECK(d >= 0 && d <= INT64_C(3650000000));
	free(s);
	return 0;
}
