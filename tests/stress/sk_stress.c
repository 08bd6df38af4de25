/* saslkey tests - one authenticating process for tests/e2e/concurrency.sh
 *
 *   sk-stress CONFDIR PLUGINPATH KEYFILE OUTFILE SECONDS [PAUSE_US]
 *
 * Loads libsasl2 with our plugin the way an MTA does (CONFDIR/stress.conf
 * names the store and the audit file) and, for SECONDS, authenticates in a
 * tight loop with the keys in KEYFILE - one key per line, appended to by
 * the churning CLI while we run, re-read as it grows - alternating PLAIN
 * and LOGIN, PAUSE_US microseconds apart (default 0: none).  Each attempt
 * is one line of OUTFILE:
 *
 *   START_NS END_NS KEY_ID MECH RC
 *
 * (CLOCK_REALTIME, so it compares with the churner's `date +%s%N`), from
 * which the checker decides exactly which attempts began after a key's
 * revocation had committed.  Never prints a key.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sasl/sasl.h>

#define MAX_KEYS 4096
#define KEY_MAX 128

static const char *conf_dir, *plugin_path;
static char keys[MAX_KEYS][KEY_MAX];
static size_t nkeys;
static long keys_off;

#define CB(fn) ((int (*)(void))(void (*)(void))(fn))

static int getpath(void *ctx, const char **path)
{
	(void)ctx;
	*path = plugin_path;
	return SASL_OK;
}

static int getconfpath(void *ctx, char **path)
{
	(void)ctx;
	*path = (char *)conf_dir;
	return SASL_OK;
}

/* quiet: libsasl2's own messages would only flood the test output */
static int logcb(void *ctx, int level, const char *msg)
{
	(void)ctx;
	(void)level;
	(void)msg;
	return SASL_OK;
}

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* pick up the keys the churner appended since the last look */
static void reload(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[KEY_MAX + 2];

	if (f == NULL)
		return;
	if (fseek(f, keys_off, SEEK_SET) == 0) {
		while (nkeys < MAX_KEYS && fgets(line, sizeof(line), f)) {
			size_t n = strlen(line);

			if (n == 0 || line[n - 1] != '\n')
				break;	/* half-written: next time */
			line[n - 1] = '\0';
			keys_off = ftell(f);
			if (n > 1)
				snprintf(keys[nkeys++], KEY_MAX, "%s", line);
		}
	}
	fclose(f);
}

static int attempt(const char *mech, const char *key)
{
	sasl_conn_t *c = NULL;
	const char *out = NULL;
	unsigned outlen = 0;
	char msg[KEY_MAX + 16];
	size_t kl = strlen(key);
	int rc;

	rc = sasl_server_new("smtp", "mx.example", NULL, "127.0.0.1;25",
			     "127.0.0.1;40000", NULL, 0, &c);
	if (rc != SASL_OK)
		return rc;
	if (strcmp(mech, "PLAIN") == 0) {
		memcpy(msg, "\0apikey\0", 8);
		memcpy(msg + 8, key, kl);
		rc = sasl_server_start(c, "PLAIN", msg, (unsigned)(8 + kl), &out,
				       &outlen);
	} else {
		rc = sasl_server_start(c, "LOGIN", "apikey", 6, &out, &outlen);
		if (rc == SASL_CONTINUE)
			rc = sasl_server_step(c, key, (unsigned)kl, &out,
					      &outlen);
	}
	sasl_dispose(&c);
	return rc;
}

int main(int argc, char **argv)
{
	static sasl_callback_t cb[] = {
		{ SASL_CB_GETPATH, CB(getpath), NULL },
		{ SASL_CB_GETCONFPATH, CB(getconfpath), NULL },
		{ SASL_CB_LOG, CB(logcb), NULL },
		{ SASL_CB_LIST_END, NULL, NULL },
	};
	struct timespec pause = { 0, 0 };
	int64_t end, t0, t1, last_reload = 0;
	unsigned long n = 0;
	FILE *out;

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: sk-stress CONFDIR PLUGINPATH KEYFILE "
				"OUTFILE SECONDS [PAUSE_US]\n");
		return 2;
	}
	pause.tv_nsec = argc == 7 ? atol(argv[6]) % 1000000 * 1000 : 0;
	conf_dir = argv[1];
	plugin_path = argv[2];
	if (sasl_server_init(cb, "stress") != SASL_OK) {
		fprintf(stderr, "sk-stress: sasl_server_init failed\n");
		return 1;
	}
	if ((out = fopen(argv[4], "w")) == NULL) {
		perror(argv[4]);
		return 1;
	}
	srandom((unsigned)now_ns());
	end = now_ns() + (int64_t)atoi(argv[5]) * 1000000000;
	while ((t0 = now_ns()) < end) {
		const char *mech = n % 2 ? "LOGIN" : "PLAIN";
		const char *key, *id;
		int rc;

		if (t0 - last_reload > 20000000 || nkeys == 0) {
			reload(argv[3]);
			last_reload = t0;
			if (nkeys == 0)
				continue;
		}
		/* the newest keys most often: they are the ones in play */
		key = keys[random() % 2 ? nkeys - 1 - (size_t)random() %
				(nkeys < 8 ? nkeys : 8) :
				(size_t)random() % nkeys];
		id = strchr(key, '_');
		t0 = now_ns();
		rc = attempt(mech, key);
		t1 = now_ns();
		fprintf(out, "%lld %lld %.12s %s %d\n", (long long)t0,
			(long long)t1, id ? id + 1 : "-", mech, rc);
		n++;
		if (pause.tv_nsec > 0)
			nanosleep(&pause, NULL);
	}
	fclose(out);
	sasl_done();
	return 0;
}
