/* saslkey - why an attempt ended the way it did */
#ifndef SK_REASON_H
#define SK_REASON_H

/*
 * The precise outcome of an attempt.  It goes to the audit event only; the
 * client learns just the SASL result that sk_reason_result() maps it to:
 * every credential or policy failure is SASL_BADAUTH (535 in Postfix), so
 * a client cannot tell a revoked key from a wrong one; malformed input is
 * SASL_BADPROT; anything that says "we could not check" is SASL_UNAVAIL
 * (454, temporary), never BADAUTH - otherwise an outage would look like a
 * brute-force attack and fail2ban would ban real users.
 *
 * This file is the one place where that mapping is made.
 */
enum sk_reason {
	SK_R_OK,
	/* the client's message */
	SK_R_MALFORMED_REQUEST,
	/* the credential */
	SK_R_MALFORMED_KEY,
	SK_R_UNKNOWN_KEY,
	SK_R_BAD_SECRET,
	SK_R_BAD_PASSWORD,
	SK_R_UNKNOWN_USER,
	SK_R_NO_SECRET,
	SK_R_USER_MISMATCH,
	SK_R_AUTHZID_MISMATCH,
	/* the credential's and the account's state */
	SK_R_KEY_REVOKED,
	SK_R_KEY_EXPIRED,
	SK_R_ACCOUNT_DISABLED,
	SK_R_SERVICE_NOT_ALLOWED,
	SK_R_IP_NOT_ALLOWED_ACCOUNT,
	SK_R_IP_NOT_ALLOWED_KEY,
	SK_R_NO_CLIENT_ADDRESS,
	SK_R_NO_ACCOUNT,
	/* bearer tokens */
	SK_R_TOKEN_MALFORMED,
	SK_R_WRONG_ISSUER,
	SK_R_UNKNOWN_KID,
	SK_R_ALG_NOT_ALLOWED,
	SK_R_BAD_SIGNATURE,
	SK_R_TOKEN_EXPIRED,
	SK_R_NOT_YET_VALID,
	SK_R_WRONG_AUDIENCE,
	SK_R_MISSING_SCOPE,
	SK_R_TOKEN_REVOKED,
	/* could not decide: temporary */
	SK_R_STORE_UNAVAILABLE,
	SK_R_MASTER_KEY_UNAVAILABLE,
	SK_R_ISSUER_KEYS_UNAVAILABLE,
	SK_R_FALLBACK_UNAVAILABLE,
	SK_R_INTERNAL,
	/* the host refused the identity we established */
	SK_R_CANON_FAILED,
	SK_R_COUNT
};

const char *sk_reason_str(enum sk_reason r);
/* the SASL result code the client gets for this outcome */
int sk_reason_result(enum sk_reason r);

#endif
