/* saslkey - status codes */
#include "status.h"

const char *sk_status_str(enum sk_status st)
{
	switch (st) {
	case SK_OK:		return "ok";
	case SK_NOTFOUND:	return "not found";
	case SK_INVALID:	return "invalid input";
	case SK_EXISTS:		return "already exists";
	case SK_CONFLICT:	return "conflict";
	case SK_UNAVAIL:	return "store unavailable";
	case SK_NOMEM:		return "out of memory";
	}
	return "unknown status";
}
