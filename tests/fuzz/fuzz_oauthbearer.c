/* saslkey fuzzing - OAUTHBEARER (RFC 7628) messages, bearer tokens included, through the real
 * libsasl2 into the real plugin and its request layer (lib/saslfx.h) */
#include "fuzz.h"
#include "saslfx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	skf_sasl_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	skf_sasl_run("OAUTHBEARER", data, size);
	return 0;
}
