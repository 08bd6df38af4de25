/* saslkey tests - common/gencache.c: answers kept for one generation */
#include "gencache.h"
#include "sktest.h"

#include <string.h>

static void test_hit_only_in_its_generation(void)
{
	struct sk_gencache *c = sk_gencache_new(4);
	char *v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_PTR_NULL(sk_gencache_get(c, 7, "alice", 5));
	v = sk_gencache_put(c, "alice", 5, 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	memcpy(v, "record", 7);
	/* not an answer until kept */
	CU_ASSERT_PTR_NULL(sk_gencache_get(c, 7, "alice", 5));
	sk_gencache_keep(c, "alice", 5, 7);
	/* positive control: the same name, the same generation */
	CU_ASSERT_PTR_EQUAL(sk_gencache_get(c, 7, "alice", 5), v);
	CU_ASSERT_STRING_EQUAL((char *)sk_gencache_get(c, 7, "alice", 5),
			       "record");
	/* anything else misses */
	CU_ASSERT_PTR_NULL(sk_gencache_get(c, 8, "alice", 5));
	CU_ASSERT_PTR_NULL(sk_gencache_get(c, 6, "alice", 5));
	CU_ASSERT_PTR_NULL(sk_gencache_get(c, 7, "alic", 4));
	CU_ASSERT_PTR_NULL(sk_gencache_get(c, 7, "alicf", 5));
	CU_ASSERT_PTR_NULL(sk_gencache_get(c, 7, "alice\0", 6));
	sk_gencache_free(c);
}

static void test_replacement_and_refill(void)
{
	struct sk_gencache *c = sk_gencache_new(1);	/* one slot: collide */
	char *v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	v = sk_gencache_put(c, "a", 1, 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	memset(v, 'x', 8);
	sk_gencache_keep(c, "a", 1, 1);
	CU_ASSERT_PTR_NOT_NULL(sk_gencache_get(c, 1, "a", 1));
	/* another name takes the slot: the old answer is gone */
	v = sk_gencache_put(c, "b", 1, 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_PTR_NULL(sk_gencache_get(c, 1, "a", 1));
	/* a put that is never kept (the store failed) answers nothing */
	CU_ASSERT_PTR_NULL(sk_gencache_get(c, 1, "b", 1));
	/* keeping a name that no longer holds the slot does nothing */
	sk_gencache_keep(c, "a", 1, 1);
	CU_ASSERT_PTR_NULL(sk_gencache_get(c, 1, "a", 1));
	/* a bigger value for the same slot */
	v = sk_gencache_put(c, "b", 1, 4096);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	v[4095] = 1;
	sk_gencache_keep(c, "b", 1, 2);
	CU_ASSERT_PTR_EQUAL(sk_gencache_get(c, 2, "b", 1), v);
	sk_gencache_free(c);
}

static void test_limits(void)
{
	char name[SK_GENCACHE_NAME_MAX + 1];
	struct sk_gencache *c;

	CU_ASSERT_PTR_NULL(sk_gencache_new(0));
	CU_ASSERT_PTR_NULL(sk_gencache_new(3));
	CU_ASSERT_PTR_NULL(sk_gencache_get(NULL, 1, "a", 1));
	CU_ASSERT_PTR_NULL(sk_gencache_put(NULL, "a", 1, 1));
	sk_gencache_free(NULL);
	c = sk_gencache_new(2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	memset(name, 'n', sizeof(name));
	/* the longest name fits (positive control); one byte more does not */
	CU_ASSERT_PTR_NOT_NULL(sk_gencache_put(c, name, sizeof(name) - 1, 1));
	sk_gencache_keep(c, name, sizeof(name) - 1, 1);
	CU_ASSERT_PTR_NOT_NULL(sk_gencache_get(c, 1, name, sizeof(name) - 1));
	CU_ASSERT_PTR_NULL(sk_gencache_put(c, name, sizeof(name), 1));
	CU_ASSERT_PTR_NULL(sk_gencache_get(c, 1, name, sizeof(name)));
	CU_ASSERT_PTR_NULL(sk_gencache_put(c, "a", 1, 0));
	sk_gencache_free(c);
}

SK_SUITE(gencache, NULL, NULL,
	 SK_TEST(test_hit_only_in_its_generation),
	 SK_TEST(test_replacement_and_refill),
	 SK_TEST(test_limits))
