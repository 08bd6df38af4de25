/* saslkey fuzzing - the real plugin through the real libsasl2 */
#ifndef SKF_SASLFX_H
#define SKF_SASLFX_H

#include <stddef.h>
#include <stdint.h>

/*
 * skf_sasl_init() (from LLVMFuzzerInitialize): a scratch directory under
 * $TMPDIR with a store holding fixed accounts, keys (fuzz.h), a CRAM
 * secret and an OAuth issuer with the fixture JWKS; a SASL config file
 * pointing the plugin at it; and sasl_server_init() loading only the
 * plugin of this build ($SK_PLUGIN_DIR, else <dir of the binary>/plugin).
 * It aborts unless our plugin serves all five mechanisms.
 *
 * skf_sasl_run(): one server-side exchange, exactly as a host runs it:
 * sasl_server_new, sasl_server_start, sasl_server_step while the server
 * says SASL_CONTINUE and the input has messages left, sasl_dispose.
 *
 *   input   = flags *1( message *( SEP message ) )
 *   SEP     = %xFF %xFE     (never part of valid UTF-8)
 *   flags   bit 0: no initial response (the first message is the answer
 *                  to the server's first challenge)
 *           bits 1-3: the client address libsasl2 reports (ipremoteport),
 *                  allowed, refused, IPv6, v4-mapped, none, ...
 *           bit 4: service "imap" instead of "smtp"
 *
 * Every message is passed in its own heap buffer of exactly its length,
 * so a read past its end is an ASan report.  The outcome is checked: a
 * success needs a real credential of the fixture in the input (never for
 * CRAM-MD5: its challenge is random) and names its account; a malformed
 * or refused attempt is SASL_BADPROT/BADAUTH, never an internal error.
 */
#define SKF_SEP		"\xff\xfe"
#define SKF_MAX_MSGS	8

void skf_sasl_init(void);
void skf_sasl_run(const char *mech, const uint8_t *data, size_t size);

/* the whole of a mechanism's target (fuzz_plain.c, ...) */
#define SKF_SASL_TARGET(mech)						\
	int LLVMFuzzerInitialize(int *argc, char ***argv)		\
	{								\
		(void)argc;						\
		(void)argv;						\
		skf_sasl_init();					\
		return 0;						\
	}								\
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)	\
	{								\
		skf_sasl_run((mech), data, size);			\
		return 0;						\
	}

#endif
