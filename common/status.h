/* saslkey - status codes shared by every common/ module */
#ifndef SK_STATUS_H
#define SK_STATUS_H

/*
 * Every common/ function that can fail returns one of these.  They keep the
 * three kinds of failure apart that the SASL result mapping needs: the
 * caller's input was bad (INVALID), the thing asked for does not exist
 * (NOTFOUND), or the back end could not answer (UNAVAIL, a temporary
 * failure that must never be reported as bad credentials).
 */
enum sk_status {
	SK_OK = 0,
	SK_NOTFOUND,	/* no such account, key, issuer, ... */
	SK_INVALID,	/* malformed input; nothing was changed */
	SK_EXISTS,	/* would create a duplicate */
	SK_CONFLICT,	/* refused by a rule (e.g. account still has keys) */
	SK_UNAVAIL,	/* store missing, unreadable, corrupt, locked, ... */
	SK_NOMEM,
};

const char *sk_status_str(enum sk_status st);

#define SK_N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

#endif
