/* saslkey tests - driving the saslkey binary */
#ifndef SK_CLI_UTIL_H
#define SK_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct cli_res {
	int rc;
	char *out;
	char *err;
};

/* $SK_CLI, the saslkey under test */
const char *cli_bin(void);

/*
 * saslkey [--db db] args... (NULL-terminated); db NULL: no --db.  env: extra
 * NAME=VALUE / NAME-to-remove entries for sk_run; SASLKEY_DB is removed
 * from the inherited environment unless env sets it.
 */
void cli_run(struct cli_res *r, const char *const env[], const char *db, ...)
	__attribute__((sentinel));
/* the same with an argument vector */
void cli_runv(struct cli_res *r, const char *const env[], const char *db,
	      const char *const args[]);
void cli_free(struct cli_res *r);

/* a fresh initialised store in the tmpdir; the path is malloc'd */
char *cli_new_store(const char *tag);

/* run, expecting success; returns stdout (malloc'd) */
char *cli_ok(const char *db, ...) __attribute__((sentinel));
/* stdout of a --json command, parsed (strict) */
json_t *cli_json(const char *db, ...) __attribute__((sentinel));

/*
 * A usage/input error as scripts see it: stdout empty, the first line of
 * stderr "saslkey: ...", no other line like it (only a "usage:" hint may
 * follow), no control bytes.  want (or NULL) must appear in that line.
 */
bool cli_one_error_line(const struct cli_res *r, const char *want);

/* "account list --json" + "key list --json": the whole visible state */
char *cli_snapshot(const char *db);

/*
 * stdout of key create/rotate: exactly "<prefix>_<12 b62>_<38 b62>\n".
 * Checked without ever printing it.
 */
bool cli_key_shape_ok(const char *out, const char *prefix);
/* the id (12 chars) and secret (32 chars) parts of a printed key */
void cli_key_parts(const char *out, char id[13], char secret[33]);

/* seconds since the epoch of an RFC 3339 "YYYY-MM-DDTHH:MM:SSZ" */
long long cli_time(const char *s);

/* a JSON string field, or "" */
const char *cli_jstr(json_t *j, const char *key);

#endif
