/* saslkey - the master key as a store records it */
#ifndef SK_MKSTORE_H
#define SK_MKSTORE_H

#include <stdbool.h>

#include "seal.h"
#include "store.h"

/*
 * A store remembers the fingerprint of the master key its secrets are
 * sealed under, so a wrong key file is recognised as exactly that.
 *
 *   SK_OK        mk matches (or nothing was recorded and record is true:
 *                it is recorded now, inside the caller's transaction)
 *   SK_NOTFOUND  nothing recorded and record is false (nothing sealed yet)
 *   SK_CONFLICT  mk is not the key this store's secrets are sealed under
 *   SK_UNAVAIL   the store could not answer
 */
int sk_master_key_verify(struct sk_store *st, const struct sk_master_key *mk,
			 bool record);

#endif
