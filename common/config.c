/* saslkey - options */
#include "config.h"
#include "key.h"
#include "status.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sk_parse_bool(const char *v, size_t n, bool *out)
{
	static const char *const yes[] = { "1", "t", "true", "y", "yes", "on" };
	static const char *const no[] = { "0", "f", "false", "n", "no", "off" };
	size_t i;

	for (i = 0; i < SK_N_ELEMENTS(yes); i++) {
		if (strlen(yes[i]) == n && strncasecmp(v, yes[i], n) == 0) {
			*out = true;
			return SK_OK;
		}
		if (strlen(no[i]) == n && strncasecmp(v, no[i], n) == 0) {
			*out = false;
			return SK_OK;
		}
	}
	return SK_INVALID;
}

static int copy_opt(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap || memchr(v, '\0', n) != NULL)
		return SK_INVALID;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return SK_OK;
}

int sk_settings_load(struct sk_settings *s, sk_getopt_fn *get, void *ctx,
		     char *err, size_t errlen)
{
	static const struct {
		const char *name;
		enum { STR, BOOL, UINT } type;
		size_t off, cap;
	} opts[] = {
#define STR_OPT(n, f) { n, STR, offsetof(struct sk_settings, f), \
			sizeof(((struct sk_settings *)0)->f) }
#define BOOL_OPT(n, f) { n, BOOL, offsetof(struct sk_settings, f), 0 }
		STR_OPT("saslkey_db", db),
		STR_OPT("saslkey_audit_file", audit_file),
		BOOL_OPT("saslkey_audit_syslog", audit_syslog),
		STR_OPT("saslkey_audit_syslog_socket", audit_syslog_socket),
		BOOL_OPT("saslkey_fallback", fallback),
		STR_OPT("saslkey_key_username", key_username),
		STR_OPT("saslkey_key_prefix", key_prefix),
		STR_OPT("saslkey_master_key", master_key),
		BOOL_OPT("saslkey_oauth_require_account",
			 oauth_require_account),
		{ "saslkey_scram_iterations", UINT,
		  offsetof(struct sk_settings, scram_iterations), 0 },
#undef STR_OPT
#undef BOOL_OPT
	};
	size_t i;

	memset(s, 0, sizeof(*s));
	snprintf(s->db, sizeof(s->db), "%s", SK_DEFAULT_DB);
	s->audit_syslog = true;
	snprintf(s->audit_syslog_socket, sizeof(s->audit_syslog_socket), "%s",
		 SK_DEFAULT_SYSLOG_SOCKET);
	snprintf(s->key_username, sizeof(s->key_username), "%s",
		 SK_DEFAULT_KEY_USERNAME);
	snprintf(s->key_prefix, sizeof(s->key_prefix), "%s",
		 SK_KEY_DEFAULT_PREFIX);
	s->scram_iterations = SK_SCRAM_ITER_DEFAULT;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (get == NULL)
		return SK_OK;

	for (i = 0; i < SK_N_ELEMENTS(opts); i++) {
		char *field = (char *)s + opts[i].off;
		size_t n = 0;
		const char *v = get(ctx, opts[i].name, &n);
		int r = SK_OK;

		if (v == NULL)
			continue;
		switch (opts[i].type) {
		case STR:
			r = copy_opt(field, opts[i].cap, v, n);
			break;
		case BOOL:
			r = sk_parse_bool(v, n, (bool *)(void *)field);
			break;
		case UINT: {
			char tmp[16];
			char *end;
			unsigned long u;

			r = copy_opt(tmp, sizeof(tmp), v, n);
			if (r != SK_OK)
				break;
			errno = 0;
			u = strtoul(tmp, &end, 10);
			if (errno != 0 || *end != '\0' || !isdigit((unsigned char)tmp[0]) ||
			    u < SK_SCRAM_ITER_MIN || u > 10000000)
				r = SK_INVALID;
			else
				*(unsigned *)(void *)field = (unsigned)u;
			break;
		}
		}
		if (r != SK_OK) {
			snprintf(err, errlen, "bad value for option %s",
				 opts[i].name);
			return SK_INVALID;
		}
	}
	if (!sk_key_prefix_valid(s->key_prefix)) {
		snprintf(err, errlen, "saslkey_key_prefix must be 1-16 of [a-z0-9]");
		return SK_INVALID;
	}
	if (s->key_username[0] == '\0') {
		snprintf(err, errlen, "saslkey_key_username must not be empty");
		return SK_INVALID;
	}
	return SK_OK;
}

void sk_settings_master_key_path(const struct sk_settings *s, char *out,
				 size_t cap)
{
	const char *slash;

	if (s->master_key[0] != '\0') {
		snprintf(out, cap, "%s", s->master_key);
		return;
	}
	slash = strrchr(s->db, '/');
	if (slash == NULL)
		snprintf(out, cap, "master.key");
	else
		snprintf(out, cap, "%.*s/master.key", (int)(slash - s->db),
			 s->db);
}

/* ---- "key: value" files ---- */

struct conf_entry {
	char *key;
	char *value;
};

struct sk_conffile {
	size_t n, cap;
	struct conf_entry *e;
};

void sk_conffile_free(struct sk_conffile *cf)
{
	size_t i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->n; i++) {
		free(cf->e[i].key);
		free(cf->e[i].value);
	}
	free(cf->e);
	free(cf);
}

const char *sk_conffile_get(void *ctx, const char *name, size_t *len)
{
	const struct sk_conffile *cf = ctx;
	size_t i;

	if (cf == NULL)
		return NULL;
	/* first occurrence wins, as in libsasl2 */
	for (i = 0; i < cf->n; i++) {
		if (strcmp(cf->e[i].key, name) == 0) {
			*len = strlen(cf->e[i].value);
			return cf->e[i].value;
		}
	}
	return NULL;
}

static bool key_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-';
}

int sk_conffile_load(const char *path, struct sk_conffile **out, char *err,
		     size_t errlen)
{
	struct sk_conffile *cf;
	char line[4096];
	unsigned lineno = 0;
	FILE *f;

	*out = NULL;
	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return SK_UNAVAIL;
	}
	if ((cf = calloc(1, sizeof(*cf))) == NULL) {
		fclose(f);
		return SK_NOMEM;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line, *k, *v, *end;
		size_t klen;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path,
				 lineno);
			goto bad;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		k = p;
		while (key_char((unsigned char)*p))
			p++;
		klen = (size_t)(p - k);
		if (klen == 0 || *p != ':') {
			snprintf(err, errlen,
				 "%s:%u: expected \"key: value\"", path,
				 lineno);
			goto bad;
		}
		p++;
		while (isspace((unsigned char)*p))
			p++;
		v = p;
		end = v + strlen(v);
		while (end > v && isspace((unsigned char)end[-1]))
			end--;
		if (end == v) {
			snprintf(err, errlen, "%s:%u: empty value", path,
				 lineno);
			goto bad;
		}
		if (cf->n == cf->cap) {
			size_t nc = cf->cap ? cf->cap * 2 : 16;
			struct conf_entry *ne =
				realloc(cf->e, nc * sizeof(*ne));

			if (ne == NULL)
				goto nomem;
			cf->e = ne;
			cf->cap = nc;
		}
		cf->e[cf->n].key = strndup(k, klen);
		cf->e[cf->n].value = strndup(v, (size_t)(end - v));
		if (cf->e[cf->n].key == NULL || cf->e[cf->n].value == NULL) {
			free(cf->e[cf->n].key);
			free(cf->e[cf->n].value);
			goto nomem;
		}
		/* libsasl2 lower-cases keys on read */
		for (p = cf->e[cf->n].key; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		cf->n++;
	}
	fclose(f);
	*out = cf;
	return SK_OK;
nomem:
	snprintf(err, errlen, "%s: out of memory", path);
bad:
	fclose(f);
	sk_conffile_free(cf);
	return SK_INVALID;
}
