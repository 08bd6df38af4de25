/* saslkey - handling of secret bytes */
#ifndef SK_SECRET_H
#define SK_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The few primitives every secret passes through.  Randomness comes from
 * getrandom(2) (never utils->rand, which is jrand48), comparisons are
 * constant-time over a length both sides already agree on (the caller
 * checks lengths first, which are public), and wiping uses OPENSSL_cleanse
 * so the compiler cannot drop it.
 */

/* fill buf with n bytes from the kernel CSPRNG; SK_OK or SK_UNAVAIL */
int sk_random(void *buf, size_t n);

/* n characters uniformly from [0-9A-Za-z] (rejection sampling, no bias) */
int sk_random_base62(char *out, size_t n);

bool sk_ct_equal(const void *a, const void *b, size_t n);

void sk_wipe(void *p, size_t n);

/* SHA-256 of n bytes; SK_OK or SK_UNAVAIL */
int sk_sha256(const void *data, size_t n, unsigned char out[32]);

#endif
