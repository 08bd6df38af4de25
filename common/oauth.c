/* saslkey - OAuth issuers in memory, and the verified-token cache */
#include "oauth.h"
#include "secret.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

struct sk_oauth {
	bool loaded;
	uint64_t gen;
	struct sk_oauth_issuer *iss;
	size_t n, cap;
	struct sk_oauth_entry cache[SK_OAUTH_CACHE_SIZE];
};

int sk_oauth_new(struct sk_oauth **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? SK_OK : SK_NOMEM;
}

static void drop_issuers(struct sk_oauth *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		sk_jwks_free(o->iss[i].keys, o->iss[i].nkeys);
	free(o->iss);
	o->iss = NULL;
	o->n = o->cap = 0;
	o->loaded = false;
}

void sk_oauth_free(struct sk_oauth *o)
{
	if (o == NULL)
		return;
	drop_issuers(o);
	sk_wipe(o->cache, sizeof(o->cache));
	free(o);
}

static int collect_issuer(void *ctx, const struct sk_issuer *cfg)
{
	struct sk_oauth *o = ctx;
	struct sk_oauth_issuer *is;
	const char *p = cfg->algs;

	if (o->n == o->cap) {
		size_t nc = o->cap ? 2 * o->cap : 4;
		struct sk_oauth_issuer *ni = realloc(o->iss, nc * sizeof(*ni));

		if (ni == NULL)
			return 1;
		o->iss = ni;
		o->cap = nc;
	}
	is = &o->iss[o->n++];
	memset(is, 0, sizeof(*is));
	is->cfg = *cfg;
	while (*p != '\0' && is->nalgs < SK_ALG_COUNT) {
		size_t w;
		enum sk_jwk_alg a;

		while (*p == ' ')
			p++;
		w = strcspn(p, " ");
		if (w == 0)
			break;
		if ((a = sk_jwk_alg_parse(p, w)) == SK_ALG_NONE)
			is->unusable = true;	/* stored list is corrupt */
		else
			is->algs[is->nalgs++] = a;
		p += w;
	}
	return 0;
}

struct key_ctx {
	struct sk_oauth *o;
	const struct sk_logger *lg;
	bool nomem;
};

static struct sk_oauth_issuer *by_id(struct sk_oauth *o, int64_t id)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (o->iss[i].cfg.id == id)
			return &o->iss[i];
	return NULL;
}

static int collect_key(void *ctx, const struct sk_issuer_key *k)
{
	struct key_ctx *kc = ctx;
	struct sk_oauth_issuer *is = by_id(kc->o, k->issuer_id);
	struct sk_jwk *nk;
	json_t *j;
	char err[256];
	int r;

	if (is == NULL || is->unusable)
		return 0;
	if ((nk = realloc(is->keys, (is->nkeys + 1) * sizeof(*nk))) == NULL) {
		kc->nomem = true;
		return 1;
	}
	is->keys = nk;
	j = json_loads(k->jwk, JSON_REJECT_DUPLICATES, NULL);
	r = j ? sk_jwk_import(j, is->algs, is->nalgs, &is->keys[is->nkeys], err,
			      sizeof(err)) : SK_INVALID;
	json_decref(j);
	if (r != SK_OK) {
		/* fail closed: this issuer's tokens get a temporary failure */
		sk_log(kc->lg, SK_LOG_ERR,
		       "saslkey: issuer %s: stored key \"%s\" is unusable (%s); "
		       "its tokens are refused until \"saslkey issuer update\"",
		       is->cfg.name, k->kid, j ? err : "not JSON");
		is->unusable = true;
		return 0;
	}
	is->nkeys++;
	return 0;
}

int sk_oauth_sync(struct sk_oauth *o, struct sk_store *st, uint64_t gen,
		  const struct sk_logger *lg)
{
	struct key_ctx kc = { .o = o, .lg = lg };
	size_t i;
	int r;

	if (o->loaded && o->gen == gen)
		return SK_OK;
	drop_issuers(o);
	r = st->ops->issuer_list(st, collect_issuer, o);
	if (r == SK_OK)
		r = st->ops->issuer_key_list(st, 0, collect_key, &kc);
	if (r == SK_OK && kc.nomem)
		r = SK_NOMEM;
	if (r != SK_OK) {
		drop_issuers(o);
		return r;
	}
	for (i = 0; i < o->n; i++)
		if (o->iss[i].nkeys == 0)
			o->iss[i].unusable = true;
	o->loaded = true;
	o->gen = gen;
	return SK_OK;
}

const struct sk_oauth_issuer *sk_oauth_find(const struct sk_oauth *o,
					    const char *iss)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->iss[i].cfg.issuer, iss) == 0)
			return &o->iss[i];
	return NULL;
}

const struct sk_oauth_issuer *sk_oauth_only(const struct sk_oauth *o)
{
	return o->n == 1 ? &o->iss[0] : NULL;
}

enum sk_reason sk_oauth_select_key(const struct sk_oauth_issuer *is,
				   const struct sk_jws *jws,
				   const struct sk_jwk **key)
{
	const struct sk_jwk *hit = NULL;
	size_t i, n = 0;

	*key = NULL;
	for (i = 0; i < is->nkeys; i++) {
		const struct sk_jwk *k = &is->keys[i];

		if (jws->has_kid) {
			if (k->has_kid && strcmp(k->kid, jws->kid) == 0) {
				*key = k;
				return SK_R_OK;
			}
		} else if (k->alg == jws->alg) {
			hit = k;
			n++;
		}
	}
	if (!jws->has_kid && n == 1) {
		*key = hit;
		return SK_R_OK;
	}
	return SK_R_UNKNOWN_KID;
}

static size_t slot(const unsigned char hash[32])
{
	return ((size_t)hash[0] | (size_t)hash[1] << 8) % SK_OAUTH_CACHE_SIZE;
}

const struct sk_oauth_entry *sk_oauth_cache_get(struct sk_oauth *o,
						const unsigned char hash[32],
						uint64_t gen, int64_t now)
{
	struct sk_oauth_entry *e = &o->cache[slot(hash)];

	if (!e->used || !sk_ct_equal(e->hash, hash, 32))
		return NULL;
	if (e->gen != gen || now >= e->exp) {
		/* stale: the store changed or the token expired */
		sk_wipe(e, sizeof(*e));
		return NULL;
	}
	return e;
}

void sk_oauth_cache_put(struct sk_oauth *o, const struct sk_oauth_entry *e)
{
	struct sk_oauth_entry *d = &o->cache[slot(e->hash)];

	*d = *e;
	d->used = true;
}
