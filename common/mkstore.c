/* saslkey - the master key as a store records it */
#include "mkstore.h"
#include "secret.h"
#include "status.h"

int sk_master_key_verify(struct sk_store *st, const struct sk_master_key *mk,
			 bool record)
{
	unsigned char want[SK_MASTER_FPR_LEN], have[SK_MASTER_FPR_LEN];
	size_t len = 0;
	int r;

	if (!mk->loaded || sk_master_key_fingerprint(mk, have) != SK_OK)
		return SK_UNAVAIL;
	r = st->ops->meta_get(st, SK_META_MASTER_FPR, want, sizeof(want), &len);
	if (r == SK_NOTFOUND)
		return record ? st->ops->meta_set(st, SK_META_MASTER_FPR, have,
						  sizeof(have)) :
				SK_NOTFOUND;
	if (r != SK_OK)
		return r;
	return len == sizeof(want) && sk_ct_equal(want, have, sizeof(want)) ?
		       SK_OK : SK_CONFLICT;
}
