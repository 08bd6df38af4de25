/* saslkey - why an attempt ended the way it did */
#include "reason.h"

#include <sasl/sasl.h>

static const struct {
	const char *name;
	int result;
} reasons[SK_R_COUNT] = {
	[SK_R_OK] = { "ok", SASL_OK },
	[SK_R_MALFORMED_REQUEST] = { "malformed_request", SASL_BADPROT },
	[SK_R_MALFORMED_KEY] = { "malformed_key", SASL_BADAUTH },
	[SK_R_UNKNOWN_KEY] = { "unknown_key", SASL_BADAUTH },
	[SK_R_BAD_SECRET] = { "bad_secret", SASL_BADAUTH },
	[SK_R_BAD_PASSWORD] = { "bad_password", SASL_BADAUTH },
	[SK_R_UNKNOWN_USER] = { "unknown_user", SASL_BADAUTH },
	[SK_R_NO_SECRET] = { "no_secret", SASL_BADAUTH },
	[SK_R_USER_MISMATCH] = { "user_mismatch", SASL_BADAUTH },
	[SK_R_AUTHZID_MISMATCH] = { "authzid_mismatch", SASL_BADAUTH },
	[SK_R_KEY_REVOKED] = { "key_revoked", SASL_BADAUTH },
	[SK_R_KEY_EXPIRED] = { "key_expired", SASL_BADAUTH },
	[SK_R_ACCOUNT_DISABLED] = { "account_disabled", SASL_BADAUTH },
	[SK_R_SERVICE_NOT_ALLOWED] = { "service_not_allowed", SASL_BADAUTH },
	[SK_R_IP_NOT_ALLOWED_ACCOUNT] = { "ip_not_allowed_account",
					  SASL_BADAUTH },
	[SK_R_IP_NOT_ALLOWED_KEY] = { "ip_not_allowed_key", SASL_BADAUTH },
	[SK_R_NO_CLIENT_ADDRESS] = { "no_client_address", SASL_BADAUTH },
	[SK_R_NO_ACCOUNT] = { "no_account", SASL_BADAUTH },
	[SK_R_TOKEN_MALFORMED] = { "malformed", SASL_BADAUTH },
	[SK_R_WRONG_ISSUER] = { "wrong_issuer", SASL_BADAUTH },
	[SK_R_UNKNOWN_KID] = { "unknown_kid", SASL_BADAUTH },
	[SK_R_ALG_NOT_ALLOWED] = { "alg_not_allowed", SASL_BADAUTH },
	[SK_R_BAD_SIGNATURE] = { "bad_signature", SASL_BADAUTH },
	[SK_R_TOKEN_EXPIRED] = { "expired", SASL_BADAUTH },
	[SK_R_NOT_YET_VALID] = { "not_yet_valid", SASL_BADAUTH },
	[SK_R_WRONG_AUDIENCE] = { "wrong_audience", SASL_BADAUTH },
	[SK_R_MISSING_SCOPE] = { "missing_scope", SASL_BADAUTH },
	[SK_R_TOKEN_REVOKED] = { "revoked", SASL_BADAUTH },
	[SK_R_STORE_UNAVAILABLE] = { "store_unavailable", SASL_UNAVAIL },
	[SK_R_MASTER_KEY_UNAVAILABLE] = { "master_key_unavailable",
					  SASL_UNAVAIL },
	[SK_R_ISSUER_KEYS_UNAVAILABLE] = { "issuer_keys_unavailable",
					   SASL_UNAVAIL },
	[SK_R_FALLBACK_UNAVAILABLE] = { "fallback_unavailable", SASL_UNAVAIL },
	[SK_R_INTERNAL] = { "internal", SASL_UNAVAIL },
	[SK_R_CANON_FAILED] = { "canon_user_failed", SASL_BADAUTH },
};

const char *sk_reason_str(enum sk_reason r)
{
	return (unsigned)r < SK_R_COUNT ? reasons[r].name : "internal";
}

int sk_reason_result(enum sk_reason r)
{
	return (unsigned)r < SK_R_COUNT ? reasons[r].result : SASL_UNAVAIL;
}
