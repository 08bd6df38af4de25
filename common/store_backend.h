/* saslkey - store backends (for store.c and tests only) */
#ifndef SK_STORE_BACKEND_H
#define SK_STORE_BACKEND_H

#include "store.h"

int sk_store_sqlite_open(const char *path, enum sk_store_mode mode,
			 const struct sk_logger *lg, struct sk_store **out);

/* tests: a store file at an older schema version, to exercise migrations */
int sk_store_sqlite_create_at(const char *path, int version);

#endif
