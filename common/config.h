/* saslkey - options */
#ifndef SK_CONFIG_H
#define SK_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "log.h"

/*
 * Every option lives in the application's SASL config file (for Postfix on
 * Debian /etc/postfix/sasl/smtpd.conf) as "saslkey_<name>: value".  The
 * plugin reads them through libsasl2's getopt callback; the CLI and the
 * checkpassword helper read the same file with sk_conffile, so one file
 * configures everything.  libsasl2's file namespace is global, hence the
 * saslkey_ prefix on every name.
 */
#define SK_DEFAULT_DB		"/var/lib/saslkey/keys.db"
#define SK_DEFAULT_KEY_USERNAME	"apikey"
#define SK_DEFAULT_SYSLOG_SOCKET	"/dev/log"
#define SK_SCRAM_ITER_DEFAULT	10000
#define SK_SCRAM_ITER_MIN	4096
#define SK_USER_MAX		255	/* longest user name we accept */

struct sk_settings {
	char db[PATH_MAX];
	char audit_file[PATH_MAX];	/* "" = no audit file */
	bool audit_syslog;
	char audit_syslog_socket[108];
	bool fallback;
	char key_username[SK_USER_MAX + 1];
	char key_prefix[17];
	char master_key[PATH_MAX];	/* "" = <store dir>/master.key */
	bool oauth_require_account;
	unsigned scram_iterations;
};

/* returns the option's value (not necessarily NUL-terminated) or NULL */
typedef const char *sk_getopt_fn(void *ctx, const char *name, size_t *len);

/*
 * Fill s from defaults, then from get.  An unparsable value is an error
 * (err says which option), so a typo never silently weakens policy.
 */
int sk_settings_load(struct sk_settings *s, sk_getopt_fn *get, void *ctx,
		     char *err, size_t errlen);

/* master key path: the option, else "master.key" beside the store */
void sk_settings_master_key_path(const struct sk_settings *s, char *out,
				 size_t cap);

/* yes/no in libsasl2's spelling: 1 t true y yes on / 0 f false n no off */
int sk_parse_bool(const char *v, size_t n, bool *out);

/* A "key: value" file in libsasl2's syntax, for the CLI and helpers. */
struct sk_conffile;

int sk_conffile_load(const char *path, struct sk_conffile **out, char *err,
		     size_t errlen);
sk_getopt_fn sk_conffile_get;	/* ctx = struct sk_conffile * */
void sk_conffile_free(struct sk_conffile *cf);

#endif
