/* saslkey tests - account and credential policy */
#include "policy.h"
#include "sktest.h"
#include "status.h"

#include <sasl/sasl.h>
#include <stdio.h>

#include <string.h>

#define NOW 1800000000

static struct sk_addr addr(const char *s)
{
	struct sk_addr a;

	memset(&a, 0, sizeof(a));
	if (s != NULL)
		CU_ASSERT_EQUAL_FATAL(sk_addr_parse(s, strlen(s), &a), SK_OK);
	return a;
}

static void test_policy_table(void)
{
	static const struct {
		const char *label;
		bool account, disabled;
		const char *account_allow;
		struct sk_credential cred;
		const char *service, *client;
		enum sk_reason want;
	} rows[] = {
		{ "control", true, false, "", { .services = "smtp" }, "smtp", "192.0.2.1", SK_R_OK },
		{ "revoked", true, false, "", { .services = "smtp", .revoked = NOW - 1 }, "smtp", "192.0.2.1", SK_R_KEY_REVOKED },
		{ "revoked beats expired", true, false, "", { .revoked = 1, .expires = 1 }, "smtp", NULL, SK_R_KEY_REVOKED },
		{ "expires in a second", true, false, "", { .expires = NOW + 1 }, "smtp", NULL, SK_R_OK },
		{ "expires now", true, false, "", { .expires = NOW }, "smtp", NULL, SK_R_KEY_EXPIRED },
		{ "disabled", true, true, "", { 0 }, "smtp", NULL, SK_R_ACCOUNT_DISABLED },
		{ "expired beats disabled", true, true, "", { .expires = 1 }, "smtp", NULL, SK_R_KEY_EXPIRED },
		{ "service listed", true, false, "", { .services = "imap smtp" }, "smtp", NULL, SK_R_OK },
		{ "service not listed", true, false, "", { .services = "imap pop" }, "smtp", NULL, SK_R_SERVICE_NOT_ALLOWED },
		{ "service prefix is not a match", true, false, "", { .services = "smtps" }, "smtp", NULL, SK_R_SERVICE_NOT_ALLOWED },
		{ "any service", true, false, "", { .services = "*" }, "sieve", NULL, SK_R_OK },
		{ "services unrestricted", true, false, "", { .services = NULL }, "sieve", NULL, SK_R_OK },
		{ "account acl in", true, false, "192.0.2.0/24", { 0 }, "smtp", "192.0.2.9", SK_R_OK },
		{ "account acl out", true, false, "192.0.2.0/24", { 0 }, "smtp", "198.51.100.9", SK_R_IP_NOT_ALLOWED_ACCOUNT },
		{ "key acl in", true, false, "", { .allow = "2001:db8::/32" }, "smtp", "2001:db8::5", SK_R_OK },
		{ "key acl out", true, false, "", { .allow = "2001:db8::/32" }, "smtp", "2001:db9::5", SK_R_IP_NOT_ALLOWED_KEY },
		{ "both in", true, false, "192.0.2.0/24", { .allow = "192.0.2.7" }, "smtp", "192.0.2.7", SK_R_OK },
		{ "both: key out", true, false, "192.0.2.0/24", { .allow = "192.0.2.7" }, "smtp", "192.0.2.8", SK_R_IP_NOT_ALLOWED_KEY },
		{ "both: account out first", true, false, "192.0.2.0/24", { .allow = "198.51.100.1" }, "smtp", "198.51.100.1", SK_R_IP_NOT_ALLOWED_ACCOUNT },
		{ "no client, no list", true, false, "", { 0 }, "smtp", NULL, SK_R_OK },
		{ "no client, account list", true, false, "192.0.2.0/24", { 0 }, "smtp", NULL, SK_R_NO_CLIENT_ADDRESS },
		{ "no client, key list", true, false, "", { .allow = "192.0.2.0/24" }, "smtp", NULL, SK_R_NO_CLIENT_ADDRESS },
		{ "corrupt account list fails closed", true, false, "192.0.2.0/33", { 0 }, "smtp", "192.0.2.1", SK_R_STORE_UNAVAILABLE },
		{ "corrupt key list fails closed", true, false, "", { .allow = "garbage" }, "smtp", "192.0.2.1", SK_R_STORE_UNAVAILABLE },
		{ "no account: credential rules only", false, false, "", { .allow = "192.0.2.0/24" }, "smtp", "192.0.2.1", SK_R_OK },
		{ "no account: credential list applies", false, false, "", { .allow = "192.0.2.0/24" }, "smtp", "198.51.100.1", SK_R_IP_NOT_ALLOWED_KEY },
	};
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(rows); i++) {
		struct sk_account a;
		struct sk_addr client = addr(rows[i].client);
		enum sk_reason got;

		memset(&a, 0, sizeof(a));
		a.disabled = rows[i].disabled;
		snprintf(a.allow, sizeof(a.allow), "%s", rows[i].account_allow);
		got = sk_policy_check(rows[i].account ? &a : NULL, &rows[i].cred,
				      rows[i].service, &client, NOW);
		if (got != rows[i].want)
			fprintf(stderr, "\n  [%s] got %s\n", rows[i].label,
				sk_reason_str(got));
		CU_ASSERT_EQUAL(got, rows[i].want);
	}
}

static void test_reason_mapping(void)
{
	int r;

	/* every credential and policy failure looks the same to the client */
	for (r = SK_R_MALFORMED_KEY; r <= SK_R_TOKEN_REVOKED; r++)
		CU_ASSERT_EQUAL(sk_reason_result(r), SASL_BADAUTH);
	CU_ASSERT_EQUAL(sk_reason_result(SK_R_OK), SASL_OK);
	CU_ASSERT_EQUAL(sk_reason_result(SK_R_MALFORMED_REQUEST), SASL_BADPROT);
	/* and every "could not decide" is temporary */
	for (r = SK_R_STORE_UNAVAILABLE; r <= SK_R_INTERNAL; r++)
		CU_ASSERT_EQUAL(sk_reason_result(r), SASL_UNAVAIL);
	/* each reason has its own name */
	for (r = 0; r < SK_R_COUNT; r++) {
		int s;

		CU_ASSERT_PTR_NOT_NULL(sk_reason_str(r));
		for (s = r + 1; s < SK_R_COUNT; s++)
			CU_ASSERT(strcmp(sk_reason_str(r), sk_reason_str(s)) != 0);
	}
}

SK_SUITE(policy, NULL, NULL,
	 SK_TEST(test_policy_table),
	 SK_TEST(test_reason_mapping))
