/* saslkey fuzzing - shared by the libFuzzer targets in tests/fuzz */
#ifndef SKF_FUZZ_H
#define SKF_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Each tests/fuzz/fuzz_<name>.c is one target: it feeds the bytes to the
 * function the plugin, the CLI or the request layer calls on that input,
 * and checks the invariant that function promises (a round trip, a
 * bounded output, "never succeeds without the credential").  A broken
 * invariant aborts, which libFuzzer reports as a crash like any ASan or
 * UBSan finding.  Build with "make fuzz"; "make check" runs every target
 * for a fixed time (tests/fuzz/run.sh).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define SKF_CHECK(cond)                                                     \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);                 \
			abort();                                            \
		}                                                           \
	} while (0)

/* the bytes up to the first NUL as a malloc'd string of exactly that size */
char *skf_cstr(const uint8_t *data, size_t size);

/* fixture.c: the issuer's public JWKS (12 keys, every algorithm) ... */
extern const char skf_jwks[];
/* ... and one token it signed that is valid until 2105 (SKF_OAUTH_USER) */
extern const char skf_good_token[];

/* ... and the claims policy its tokens in corpus/ were minted for */
#define SKF_ISSUER	"https://idp.example.com/realms/mail"
#define SKF_AUDIENCE	"imap://mail.example.com"
#define SKF_USER_CLAIM	"email"
#define SKF_SCOPE	"mail"
#define SKF_LEEWAY	60
#define SKF_NOW		INT64_C(1750000000)	/* jwt_vectors.py's default */
#define SKF_OAUTH_USER	"alice@example.com"

/*
 * Fixed API keys of the SASL fixture store (saslfx.c), with valid CRCs, so
 * that the seed corpora can hold working credentials.  Test keys only.
 */
#define SKF_KEY_ACME	"sk_FuzzKeyAcme1_0123456789abcdefghijABCDEFGHIJkl29WYqh"
#define SKF_KEY_REVOKED	"sk_FuzzKeyRevk2_mnopqrstuvwxyzKLMNOPQRSTUVWXYZ012UEDdH"
#define SKF_KEY_EXPIRED	"sk_FuzzKeyExpd3_23456789abcdefghijklmnopqrstuvwx0TDX2W"
#define SKF_KEY_LOCKED	"sk_FuzzKeyLock4_yzABCDEFGHIJKLMNOPQRSTUVWXYZ01232Z7cvD"
#define SKF_KEY_IMAP	"sk_FuzzKeyImap5_456789abcdefghijklmnopqrstuvwxyz3d0ydX"
#define SKF_CRAM_SECRET	"fuzz-cram-secret-0123456789"

#endif
