/* saslkey - account and credential policy */
#include "policy.h"
#include "status.h"

#include <string.h>

bool sk_policy_service_allowed(const char *services, const char *service)
{
	size_t n = service ? strlen(service) : 0;
	const char *p = services;

	while (*p != '\0') {
		size_t w;

		while (*p == ' ')
			p++;
		w = strcspn(p, " ");
		if ((w == 1 && p[0] == '*') ||
		    (n > 0 && w == n && memcmp(p, service, n) == 0))
			return true;
		p += w;
	}
	return false;
}

/* SK_R_OK: allowed or no list; else the failure reason */
static enum sk_reason check_acl(const char *text, const struct sk_addr *client,
				enum sk_reason denied, bool *have_list)
{
	struct sk_acl acl;

	if (text == NULL || text[0] == '\0')
		return SK_R_OK;
	*have_list = true;
	if (sk_acl_parse(text, strlen(text), &acl, NULL) != SK_OK)
		return SK_R_STORE_UNAVAILABLE;
	if (client->family == 0)
		return SK_R_OK;		/* decided below: fail closed */
	return sk_acl_match(&acl, client) ? SK_R_OK : denied;
}

enum sk_reason sk_policy_check(const struct sk_account *account,
			       const struct sk_credential *cred,
			       const char *service,
			       const struct sk_addr *client, int64_t now)
{
	bool have_list = false;
	enum sk_reason r;

	if (cred->revoked != 0)
		return SK_R_KEY_REVOKED;
	if (cred->expires != 0 && now >= cred->expires)
		return SK_R_KEY_EXPIRED;
	if (account != NULL && account->disabled)
		return SK_R_ACCOUNT_DISABLED;
	if (cred->services != NULL &&
	    !sk_policy_service_allowed(cred->services, service))
		return SK_R_SERVICE_NOT_ALLOWED;
	if (account != NULL &&
	    (r = check_acl(account->allow, client, SK_R_IP_NOT_ALLOWED_ACCOUNT,
			   &have_list)) != SK_R_OK)
		return r;
	if ((r = check_acl(cred->allow, client, SK_R_IP_NOT_ALLOWED_KEY,
			   &have_list)) != SK_R_OK)
		return r;
	if (have_list && client->family == 0)
		return SK_R_NO_CLIENT_ADDRESS;
	return SK_R_OK;
}
