/* saslkey - API key format */
#ifndef SK_KEY_H
#define SK_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * An API key is   <prefix>_<id>_<secret><crc>
 *
 *   prefix  1-16 of [a-z0-9], operator-chosen type marker ("sk" default);
 *           makes leaked keys findable by secret scanners
 *   id      12 base62 characters (~71 bits): the public key id, used for
 *           the store lookup and safe to log
 *   secret  32 base62 characters (~190 bits) from getrandom
 *   crc     CRC32 (IEEE) of "<prefix>_<id>_<secret>" in 6 base62 digits,
 *           most significant first, zero-padded
 *
 * '_' is not a base62 or base64 character, so the three parts split
 * unambiguously and a double click selects the whole key.  The checksum
 * lets a typo or a truncated paste be rejected before any store access.
 * The store keeps only sk_key_hash(): a fast hash is right because the
 * secret has 190 bits of entropy; a slow KDF would only add latency.
 */
#define SK_KEY_PREFIX_MAX	16
#define SK_KEY_ID_LEN		12
#define SK_KEY_SECRET_LEN	32
#define SK_KEY_CRC_LEN		6
#define SK_KEY_MAX_LEN		(SK_KEY_PREFIX_MAX + 1 + SK_KEY_ID_LEN + 1 + \
				 SK_KEY_SECRET_LEN + SK_KEY_CRC_LEN)
#define SK_KEY_HASH_LEN		32
#define SK_KEY_DEFAULT_PREFIX	"sk"

struct sk_key {
	char prefix[SK_KEY_PREFIX_MAX + 1];
	char id[SK_KEY_ID_LEN + 1];
	char secret[SK_KEY_SECRET_LEN + 1];	/* wipe with sk_key_wipe */
};

enum sk_key_parse {
	SK_KEY_OK,
	SK_KEY_NOT_A_KEY,	/* does not even start like a key */
	SK_KEY_MALFORMED,	/* starts like one; wrong length, charset or crc */
};

/* s need not be NUL-terminated; out is wiped unless SK_KEY_OK */
enum sk_key_parse sk_key_parse(const char *s, size_t n, struct sk_key *out);

/* a fresh key; SK_OK, SK_INVALID (bad prefix) or SK_UNAVAIL (no entropy) */
int sk_key_generate(const char *prefix, struct sk_key *out);

/* the full key text into out (SK_KEY_MAX_LEN + 1 bytes suffice) */
void sk_key_format(const struct sk_key *k, char *out, size_t cap);

/* SHA-256("saslkey-key-v1" NUL id NUL secret): binds the hash to its id */
int sk_key_hash(const struct sk_key *k, unsigned char out[SK_KEY_HASH_LEN]);

bool sk_key_prefix_valid(const char *prefix);
bool sk_key_id_valid(const char *s, size_t n);

/*
 * For logging text a client presented (a user name): the length of s up
 * to and including the first "_<12 base62>_" - the end of a key's public
 * "<prefix>_<id>_" - when more follows it, else n.  Whatever follows may
 * be the secret of a key typed into the wrong field.
 */
size_t sk_key_loggable_len(const char *s, size_t n);

uint32_t sk_crc32(const void *buf, size_t n);

void sk_key_wipe(struct sk_key *k);

#endif
