/* saslkey fuzzing - options: a "key: value" file (sk_conffile_load, as
 * the CLI and the checkpassword helper read the MTA's SASL config) and
 * the values themselves (sk_settings_load, as the plugin gets them from
 * libsasl2's getopt: pointer and length, not NUL-terminated) */
#define _GNU_SOURCE		/* memmem */
#include "fuzz.h"
#include "config.h"
#include "key.h"
#include "status.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static char file[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(file, sizeof(file), "%s/skfuzz-config.%ld.conf",
		 tmp ? tmp : "/tmp", (long)getpid());
	return 0;
}

static void check_settings(const struct sk_settings *s)
{
	char mk[sizeof(s->db) + 16];

	SKF_CHECK(sk_key_prefix_valid(s->key_prefix));
	SKF_CHECK(s->key_username[0] != '\0');
	SKF_CHECK(s->scram_iterations >= SK_SCRAM_ITER_MIN &&
		  s->scram_iterations <= 10000000);
	SKF_CHECK(memchr(s->db, '\0', sizeof(s->db)) != NULL);
	sk_settings_master_key_path(s, mk, sizeof(mk));
	SKF_CHECK(memchr(mk, '\0', sizeof(mk)) != NULL);
}

/*
 * libsasl2's getopt over the input read as "name: value" lines; the value
 * is handed over in a heap buffer of exactly its length, so a read past
 * the length the plugin was given is an ASan report.
 */
struct raw {
	const char *in;
	size_t len;
	char *copy;		/* the last value handed out */
};

static const char *raw_get(void *ctx, const char *name, size_t *len)
{
	struct raw *r = ctx;
	size_t nl = strlen(name), i = 0;

	while (i < r->len) {
		const char *line = r->in + i, *eol;
		size_t ll;

		eol = memchr(line, '\n', r->len - i);
		ll = eol ? (size_t)(eol - line) : r->len - i;
		i += ll + 1;
		if (ll > nl + 1 && memcmp(line, name, nl) == 0 &&
		    line[nl] == ':') {
			free(r->copy);
			*len = ll - nl - 1;
			r->copy = malloc(*len);
			SKF_CHECK(r->copy != NULL);
			memcpy(r->copy, line + nl + 1, *len);
			return r->copy;
		}
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct raw r = { .in = (const char *)data, .len = size };
	struct sk_conffile *cf = (struct sk_conffile *)1;
	struct sk_settings s;
	char err[256] = "";
	int fd;

	if (sk_settings_load(&s, raw_get, &r, err, sizeof(err)) == SK_OK)
		check_settings(&s);
	else
		SKF_CHECK(err[0] != '\0');
	free(r.copy);

	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	SKF_CHECK(fd >= 0);
	SKF_CHECK(write(fd, data, size) == (ssize_t)size);
	SKF_CHECK(close(fd) == 0);
	err[0] = '\0';
	if (sk_conffile_load(file, &cf, err, sizeof(err)) != SK_OK) {
		SKF_CHECK(cf == NULL && err[0] != '\0');
	} else {
		if (sk_settings_load(&s, sk_conffile_get, cf, err,
				     sizeof(err)) == SK_OK)
			check_settings(&s);
		else
			SKF_CHECK(err[0] != '\0');
		sk_conffile_free(cf);
	}
	unlink(file);
	return 0;
}
