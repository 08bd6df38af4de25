/* saslkey - the key store interface */
#ifndef SK_STORE_H
#define SK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acl.h"
#include "key.h"
#include "log.h"

/*
 * The store holds accounts and their credentials.  Callers see records and
 * a vtable; they never see SQL.  A backend embeds struct sk_store as its
 * first member (the Postfix XSASL pattern) and is picked by sk_store_open()
 * from the location: today only SQLite files; a PostgreSQL backend for a
 * fleet would add "postgresql://..." without touching any caller.
 *
 * Read-only handles (plugins, checkpassword) are opened once per process,
 * keep their prepared statements and see the CLI's committed changes
 * without reopening.  The read-write handle (CLI) runs every command in
 * one transaction: sk_store_begin() ... sk_store_commit(), and a failed
 * command rolls back, so it changes nothing.
 *
 * Every function returns an enum sk_status.  SK_UNAVAIL means "the store
 * could not answer" - missing, unreadable, corrupt, locked past the busy
 * timeout - and must reach the client as a temporary failure.
 *
 * Times are Unix seconds; 0 means "not set" (never expires, not revoked).
 */

#define SK_NAME_MAX	255
#define SK_LABEL_MAX	255
#define SK_NOTE_MAX	1024
#define SK_SERVICES_MAX	512

struct sk_account {
	int64_t id;
	char name[SK_NAME_MAX + 1];
	char allow[SK_ACL_TEXT_MAX + 1];	/* canonical CIDR list */
	bool disabled;
	int64_t created;
	char note[SK_NOTE_MAX + 1];
};

/* a sealed secret (seal.h): CRAM-MD5 HMAC state under the master key */
#define SK_SEALED_MAX	64
/* an RFC 5803 SCRAM verifier (scram.h) */
#define SK_SCRAM_MAX	192

struct sk_keyrec {
	char id[SK_KEY_ID_LEN + 1];
	int64_t account_id;
	char label[SK_LABEL_MAX + 1];
	unsigned char hash[SK_KEY_HASH_LEN];
	char services[SK_SERVICES_MAX + 1];	/* space-separated */
	char allow[SK_ACL_TEXT_MAX + 1];
	int64_t created;
	int64_t expires;
	int64_t revoked;
	char rotated_from[SK_KEY_ID_LEN + 1];
	/* CRAM-enabled keys: the sealed HMAC-MD5 state of the whole key */
	unsigned char cram[SK_SEALED_MAX];
	size_t cram_len;			/* 0 = not CRAM-enabled */
	/* SCRAM-enabled keys: RFC 5803 verifiers ("" = none) */
	char scram_sha1[SK_SCRAM_MAX + 1];
	char scram_sha256[SK_SCRAM_MAX + 1];
};

/*
 * An account's own secret (CRAM-MD5 shared secret): an account may hold
 * several, e.g. the old and the new one during a rotation.
 */
enum sk_secret_kind {
	SK_SECRET_CRAM,		/* "saslkey cram set" */
	SK_SECRET_PASSWORD,	/* the account password, from saslpasswd2 */
};

struct sk_secret {
	char id[SK_KEY_ID_LEN + 1];
	int64_t account_id;
	enum sk_secret_kind kind;
	char label[SK_LABEL_MAX + 1];
	unsigned char cram[SK_SEALED_MAX];
	size_t cram_len;
	char scram_sha1[SK_SCRAM_MAX + 1];
	char scram_sha256[SK_SCRAM_MAX + 1];
	int64_t created;
	int64_t expires;
	int64_t revoked;
};

/*
 * An OAuth 2.0 token issuer: tokens whose "iss" equals issuer are checked
 * against its keys and settings.  Kept in the store so a fleet shares
 * them.  algs is the allowed-algorithm list in preference order (JOSE
 * names, space-separated); it pins keys that carry no "alg" of their own.
 */
#define SK_ISSUER_URL_MAX	255
#define SK_ISSUER_TEXT_MAX	512

struct sk_issuer {
	int64_t id;
	char name[SK_NAME_MAX + 1];
	char issuer[SK_ISSUER_URL_MAX + 1];
	char audience[SK_ISSUER_URL_MAX + 1];
	char algs[128];
	char username_claim[64];
	char scope[SK_ISSUER_TEXT_MAX + 1];		/* "" = none required */
	char openid_configuration[SK_ISSUER_TEXT_MAX + 1];
	int64_t leeway;
	int64_t created;
};

/* one public key of an issuer, as imported (the canonical public JWK) */
#define SK_JWK_JSON_MAX	8192

struct sk_issuer_key {
	int64_t issuer_id;
	char kid[129];			/* "" = no kid */
	char alg[16];			/* the pinned algorithm */
	char jwk[SK_JWK_JSON_MAX + 1];
};

/* a revoked token: by its jti, or every token of a subject */
enum sk_deny_kind { SK_DENY_JTI, SK_DENY_SUB };

/* names in the store's small key/value table */
#define SK_META_MASTER_FPR "master_key_fingerprint"

enum sk_store_mode {
	SK_STORE_READ,		/* plugins and helpers */
	SK_STORE_WRITE,		/* the CLI; migrates an older schema */
	SK_STORE_CREATE,	/* saslkey init: WRITE, creating the file */
};

struct sk_store;

/* a listing callback; return non-zero to stop early */
typedef int sk_account_cb(void *ctx, const struct sk_account *a);
typedef int sk_key_cb(void *ctx, const struct sk_keyrec *k);
typedef int sk_secret_cb(void *ctx, const struct sk_secret *s);
typedef int sk_issuer_cb(void *ctx, const struct sk_issuer *i);
typedef int sk_issuer_key_cb(void *ctx, const struct sk_issuer_key *k);
typedef int sk_deny_cb(void *ctx, enum sk_deny_kind kind, const char *value,
		       int64_t created);

struct sk_store_ops {
	const char *name;
	void (*close)(struct sk_store *st);
	/* per attempt: notice a replaced/removed file, reconnect if needed */
	int (*check)(struct sk_store *st);
	/* changes whenever anybody commits a change (for caches) */
	int (*generation)(struct sk_store *st, uint64_t *gen);
	int (*schema_version)(struct sk_store *st, int *version);

	int (*begin)(struct sk_store *st);
	int (*commit)(struct sk_store *st);
	void (*rollback)(struct sk_store *st);

	int (*account_get)(struct sk_store *st, const char *name,
			   struct sk_account *out);
	int (*account_get_id)(struct sk_store *st, int64_t id,
			      struct sk_account *out);
	int (*account_add)(struct sk_store *st, struct sk_account *a);
	int (*account_update)(struct sk_store *st, const struct sk_account *a);
	int (*account_remove)(struct sk_store *st, int64_t id);
	int (*account_list)(struct sk_store *st, sk_account_cb *cb, void *ctx);

	int (*key_get)(struct sk_store *st, const char *id,
		       struct sk_keyrec *out);
	int (*key_add)(struct sk_store *st, const struct sk_keyrec *k);
	int (*key_update)(struct sk_store *st, const struct sk_keyrec *k);
	int (*key_count)(struct sk_store *st, int64_t account_id, size_t *n);
	int (*key_remove_all)(struct sk_store *st, int64_t account_id);
	/* account_id 0 lists every key */
	int (*key_list)(struct sk_store *st, int64_t account_id, sk_key_cb *cb,
			void *ctx);
	/* the authentication path: a key and its account in one lookup */
	int (*auth_key)(struct sk_store *st, const char *id,
			struct sk_keyrec *k, struct sk_account *a);

	int (*secret_add)(struct sk_store *st, const struct sk_secret *s);
	int (*secret_get)(struct sk_store *st, const char *id,
			  struct sk_secret *out);
	/* label, expires, revoked */
	int (*secret_update)(struct sk_store *st, const struct sk_secret *s);
	int (*secret_list)(struct sk_store *st, int64_t account_id,
			   sk_secret_cb *cb, void *ctx);
	int (*secret_count)(struct sk_store *st, int64_t account_id,
			    size_t *n);
	int (*secret_remove_all)(struct sk_store *st, int64_t account_id);
	/* remove the account's secrets of one kind (e.g. its password) */
	int (*secret_remove_kind)(struct sk_store *st, int64_t account_id,
				  enum sk_secret_kind kind);

	int (*issuer_add)(struct sk_store *st, struct sk_issuer *i);
	int (*issuer_get)(struct sk_store *st, const char *name,
			  struct sk_issuer *out);
	int (*issuer_update)(struct sk_store *st, const struct sk_issuer *i);
	/* removes its keys and deny-list entries too */
	int (*issuer_remove)(struct sk_store *st, int64_t id);
	int (*issuer_list)(struct sk_store *st, sk_issuer_cb *cb, void *ctx);
	/* replace all keys of an issuer (a new JWKS) */
	int (*issuer_keys_clear)(struct sk_store *st, int64_t issuer_id);
	int (*issuer_key_add)(struct sk_store *st,
			      const struct sk_issuer_key *k);
	/* issuer_id 0 lists the keys of every issuer */
	int (*issuer_key_list)(struct sk_store *st, int64_t issuer_id,
			       sk_issuer_key_cb *cb, void *ctx);

	int (*deny_add)(struct sk_store *st, int64_t issuer_id,
			enum sk_deny_kind kind, const char *value,
			int64_t created);
	/* SK_OK if jti (may be "") or sub (may be "") is denied, else NOTFOUND */
	int (*deny_check)(struct sk_store *st, int64_t issuer_id,
			  const char *jti, const char *sub);
	int (*deny_list)(struct sk_store *st, int64_t issuer_id, sk_deny_cb *cb,
			 void *ctx);

	int (*meta_get)(struct sk_store *st, const char *name, void *buf,
			size_t cap, size_t *len);
	int (*meta_set)(struct sk_store *st, const char *name, const void *v,
			size_t len);
};

struct sk_store {
	const struct sk_store_ops *ops;
	const struct sk_logger *lg;
};

/* the current schema version this build reads and writes */
#define SK_SCHEMA_VERSION 4

/*
 * Open the store at location.  Refuses a world-writable file (anyone could
 * add keys) and, for READ, a schema other than SK_SCHEMA_VERSION.  The
 * logger receives the precise reason; it must outlive the handle.
 */
int sk_store_open(const char *location, enum sk_store_mode mode,
		  const struct sk_logger *lg, struct sk_store **out);

static inline void sk_store_close(struct sk_store *st)
{
	if (st != NULL)
		st->ops->close(st);
}

#endif
