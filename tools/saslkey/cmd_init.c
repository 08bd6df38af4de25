/* saslkey(8) - init: create or migrate the store */
#include "cli.h"
#include "seal.h"
#include "status.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char use_init[] = "init";

/* mkdir -p for the store's directory: parents 0755, the directory 0750 */
static int make_dirs(struct cli *c, const char *db)
{
	char dir[PATH_MAX];
	char *p, *slash;

	snprintf(dir, sizeof(dir), "%s", db);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return CLI_OK;
	*slash = '\0';
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		goto fail;
	return CLI_OK;
fail:
	cli_err(c, "cannot create directory %s: %s", dir, strerror(errno));
	return CLI_STORE;
}

/*
 * The master key that seals CRAM-MD5 state: created beside the store
 * (mode 0600) unless one exists, and its fingerprint recorded in the
 * store so a wrong key file is recognised later.
 */
static int init_master_key(struct cli *c)
{
	struct sk_master_key mk;
	char path[PATH_MAX], err[512];
	int r;

	sk_settings_master_key_path(&c->settings, path, sizeof(path));
	r = sk_master_key_create(path, err, sizeof(err));
	if (r == SK_OK) {
		printf("created master key %s (mode 0600; back it up apart "
		       "from the store)\n", path);
	} else if (r != SK_EXISTS) {
		cli_err(c, "%s", err);
		return cli_end(c, CLI_STORE);
	}
	if ((r = cli_begin(c)) != CLI_OK)
		return cli_end(c, r);
	r = cli_master_key(c, &mk);
	sk_master_key_wipe(&mk);
	if ((r = cli_end(c, r)) == CLI_OK)
		printf("master key %s matches the store\n", path);
	return r;
}

int cmd_init(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, { 0 } };
	struct stat sb;
	bool existed;
	int first, r, version = 0;

	first = cli_getopt(c, argc, argv, opts, NULL, NULL, use_init);
	if (!cli_nargs(c, argc, first, 0, use_init))
		return CLI_USAGE;
	/* settings first: the path may come from --config */
	if ((r = cli_open_settings_only(c)) != CLI_OK)
		return r;
	/*
	 * An empty file (an init that was interrupted, or a touch(1) to set
	 * the owner first) is not a store yet: create it, rather than
	 * refusing it as "not a saslkey store (run saslkey init)".
	 */
	existed = stat(c->settings.db, &sb) == 0 &&
		  !(S_ISREG(sb.st_mode) && sb.st_size == 0);
	if (!existed && (r = make_dirs(c, c->settings.db)) != CLI_OK)
		return r;
	if ((r = cli_open(c, existed ? SK_STORE_WRITE : SK_STORE_CREATE)) !=
	    CLI_OK)
		return r;
	c->st->ops->schema_version(c->st, &version);
	printf("%s store %s (schema version %d)\n",
	       existed ? "checked" : "created", c->settings.db, version);
	return init_master_key(c);
}
