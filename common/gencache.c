/* saslkey - small caches of store answers, valid for one store generation */
#include "gencache.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	uint64_t gen;
	bool valid;			/* answers for gen */
	size_t len;
	char name[SK_GENCACHE_NAME_MAX];
	void *val;
	size_t cap;
};

struct sk_gencache {
	size_t mask;
	struct slot slot[];
};

struct sk_gencache *sk_gencache_new(size_t nslots)
{
	struct sk_gencache *c;

	if (nslots == 0 || (nslots & (nslots - 1)) != 0)
		return NULL;
	c = calloc(1, sizeof(*c) + nslots * sizeof(c->slot[0]));
	if (c != NULL)
		c->mask = nslots - 1;
	return c;
}

void sk_gencache_free(struct sk_gencache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i <= c->mask; i++)
		free(c->slot[i].val);
	free(c);
}

/* FNV-1a: names are short and the slot count small */
static struct slot *slot_of(struct sk_gencache *c, const char *name,
			    size_t len)
{
	uint64_t h = 0xcbf29ce484222325u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 0x100000001b3u;
	return &c->slot[(h ^ h >> 32) & c->mask];
}

static bool holds(const struct slot *s, const char *name, size_t len)
{
	return s->len == len && memcmp(s->name, name, len) == 0;
}

void *sk_gencache_get(struct sk_gencache *c, uint64_t gen, const char *name,
		      size_t len)
{
	struct slot *s;

	if (c == NULL || len > SK_GENCACHE_NAME_MAX)
		return NULL;
	s = slot_of(c, name, len);
	return s->valid && s->gen == gen && holds(s, name, len) ? s->val :
								  NULL;
}

void *sk_gencache_put(struct sk_gencache *c, const char *name, size_t len,
		      size_t size)
{
	struct slot *s;

	if (c == NULL || len > SK_GENCACHE_NAME_MAX || size == 0)
		return NULL;
	s = slot_of(c, name, len);
	s->valid = false;
	if (s->cap < size) {
		free(s->val);
		s->cap = 0;
		if ((s->val = malloc(size)) == NULL) {
			s->len = 0;
			return NULL;
		}
		s->cap = size;
	}
	memcpy(s->name, name, len);
	s->len = len;
	return s->val;
}

void sk_gencache_keep(struct sk_gencache *c, const char *name, size_t len,
		      uint64_t gen)
{
	struct slot *s;

	if (c == NULL || len > SK_GENCACHE_NAME_MAX)
		return;
	s = slot_of(c, name, len);
	if (s->val != NULL && holds(s, name, len)) {
		s->gen = gen;
		s->valid = true;
	}
}
