/* saslkey - the key store interface */
#include "store.h"
#include "status.h"
#include "store_backend.h"

#include <string.h>

static const struct {
	const char *scheme;	/* location prefix; NULL = a file path */
	int (*open)(const char *, enum sk_store_mode, const struct sk_logger *,
		    struct sk_store **);
} backends[] = {
	{ "sqlite:", sk_store_sqlite_open },
	{ NULL, sk_store_sqlite_open },
};

int sk_store_open(const char *location, enum sk_store_mode mode,
		  const struct sk_logger *lg, struct sk_store **out)
{
	size_t i;

	*out = NULL;
	if (location == NULL || location[0] == '\0')
		return SK_INVALID;
	for (i = 0; i < SK_N_ELEMENTS(backends); i++) {
		const char *sch = backends[i].scheme;

		if (sch == NULL)
			return backends[i].open(location, mode, lg, out);
		if (strncmp(location, sch, strlen(sch)) == 0)
			return backends[i].open(location + strlen(sch), mode,
						lg, out);
	}
	return SK_INVALID;
}
