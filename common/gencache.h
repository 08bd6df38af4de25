/* saslkey - small caches of store answers, valid for one store generation */
#ifndef SK_GENCACHE_H
#define SK_GENCACHE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A long-lived process (an smtpd serving many connections) asks the store
 * the same questions again and again: the same key, the same account.
 * An answer is kept with the store generation (sk_store_ops.generation)
 * it was read under and used only while the generation is unchanged, so
 * any commit - a key revoked, an account disabled - is seen by the very
 * next attempt, exactly as without the cache.  A caller may keep "not
 * found" too, in a value of its own making.
 *
 * Direct-mapped: a fixed number of slots, a name's slot chosen by a hash
 * of it; a new answer replaces whatever held its slot.  Values are
 * buffers the caller fills in place, reused when big enough.  They hold
 * what the store file holds - key hashes, sealed (encrypted) CRAM state,
 * policy - never a secret, so they are not wiped: a miss must stay as
 * cheap as it was without the cache.  Not thread-safe: callers hold the
 * request layer's lock, which also keeps a returned pointer valid until
 * the caller's attempt ends.
 */
#define SK_GENCACHE_NAME_MAX	256

struct sk_gencache;

/* nslots: a power of two */
struct sk_gencache *sk_gencache_new(size_t nslots);
void sk_gencache_free(struct sk_gencache *c);

/* the value kept for name under gen, or NULL */
void *sk_gencache_get(struct sk_gencache *c, uint64_t gen, const char *name,
		      size_t len);
/*
 * A buffer of size bytes for name (its old contents undefined), to fill
 * in place; sk_gencache_get does not return it until sk_gencache_keep().
 * NULL: no memory, or a name too long to keep.
 */
void *sk_gencache_put(struct sk_gencache *c, const char *name, size_t len,
		      size_t size);
/* the buffer sk_gencache_put returned for name now answers for gen */
void sk_gencache_keep(struct sk_gencache *c, const char *name, size_t len,
		      uint64_t gen);

#endif
