/* saslkey - account passwords set through saslpasswd2 (auxprop store) */
#include "cram.h"
#include "ctx.h"
#include "mkstore.h"
#include "scram.h"
#include "secret.h"
#include "status.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sasl/sasl.h>

/*
 * saslpasswd2 -c USER hands us the plaintext once.  We keep what each
 * verifier needs and nothing else: SCRAM-SHA-1/-256 verifiers, and the
 * CRAM-MD5 state sealed under the master key.  The account is created if
 * it does not exist; its previous password is replaced in the same
 * transaction.  saslpasswd2 -d USER removes the password (not the account:
 * its keys are managed with saslkey).
 */

static bool name_ok(const char *u, size_t n)
{
	size_t i;

	if (n == 0 || n > SK_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || u[i] == 0x7f)
			return false;
	return true;
}

/* the secret row for a password: sealed CRAM state, SCRAM verifiers */
static int build(struct sk_ctx *ctx, struct sk_secret *x, const char *pass,
		 size_t plen)
{
	unsigned n = ctx->s.scram_iterations;

	if (sk_random_base62(x->id, SK_KEY_ID_LEN) != SK_OK ||
	    sk_cram_seal(&ctx->mk, false, x->id, pass, plen, x->cram,
			 sizeof(x->cram), &x->cram_len) != SK_OK ||
	    sk_scram_verifier(SK_SCRAM_SHA1, pass, plen, n, x->scram_sha1,
			      sizeof(x->scram_sha1)) != SK_OK ||
	    sk_scram_verifier(SK_SCRAM_SHA256, pass, plen, n, x->scram_sha256,
			      sizeof(x->scram_sha256)) != SK_OK)
		return SK_UNAVAIL;
	return SK_OK;
}

int sk_password_store(struct sk_ctx *ctx, const char *user, size_t ulen,
		      const char *pass, size_t plen)
{
	struct sk_store *st = NULL;
	struct sk_account a;
	struct sk_secret x;
	char name[SK_NAME_MAX + 1], path[PATH_MAX], err[256];
	int r, rc = SASL_FAIL;

	if (!name_ok(user, ulen) || (pass != NULL && plen > SK_CRAM_SECRET_MAX))
		return SASL_BADPARAM;
	memcpy(name, user, ulen);
	name[ulen] = '\0';
	pthread_mutex_lock(&ctx->lock);
	if (pass != NULL && !ctx->mk.loaded) {
		sk_settings_master_key_path(&ctx->s, path, sizeof(path));
		if (sk_master_key_load(path, &ctx->mk, err, sizeof(err)) !=
		    SK_OK) {
			sk_log(&ctx->proc_lg, SK_LOG_ERR, "saslkey: %s", err);
			goto out;
		}
	}
	if (sk_store_open(ctx->s.db, SK_STORE_WRITE, &ctx->proc_lg, &st) !=
		    SK_OK ||
	    st->ops->begin(st) != SK_OK)
		goto out;
	r = st->ops->account_get(st, name, &a);
	if (r == SK_NOTFOUND && pass == NULL) {
		rc = SASL_NOUSER;
		goto out;
	}
	if (r == SK_NOTFOUND) {
		memset(&a, 0, sizeof(a));
		snprintf(a.name, sizeof(a.name), "%s", name);
		a.created = (int64_t)time(NULL);
		r = st->ops->account_add(st, &a);
	}
	if (r != SK_OK ||
	    st->ops->secret_remove_kind(st, a.id, SK_SECRET_PASSWORD) != SK_OK)
		goto out;
	if (pass != NULL) {
		r = sk_master_key_verify(st, &ctx->mk, true);
		if (r == SK_CONFLICT)
			sk_log(&ctx->proc_lg, SK_LOG_ERR,
			       "saslkey: the master key does not match the "
			       "store %s", ctx->s.db);
		if (r != SK_OK)
			goto out;
		memset(&x, 0, sizeof(x));
		x.account_id = a.id;
		x.kind = SK_SECRET_PASSWORD;
		x.created = (int64_t)time(NULL);
		snprintf(x.label, sizeof(x.label), "password (saslpasswd2)");
		r = build(ctx, &x, pass, plen);
		if (r == SK_OK)
			r = st->ops->secret_add(st, &x);
		sk_wipe(&x, sizeof(x));
		if (r != SK_OK)
			goto out;
	}
	rc = st->ops->commit(st) == SK_OK ? SASL_OK : SASL_FAIL;
out:
	if (st != NULL) {
		if (rc != SASL_OK)
			st->ops->rollback(st);
		sk_store_close(st);
	}
	pthread_mutex_unlock(&ctx->lock);
	return rc;
}
