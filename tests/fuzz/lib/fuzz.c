/* saslkey fuzzing - shared by the libFuzzer targets in tests/fuzz */
#include "fuzz.h"

#include <string.h>

char *skf_cstr(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t n = nul ? (size_t)(nul - data) : size;
	char *s = malloc(n + 1);

	SKF_CHECK(s != NULL);
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}
