/* saslkey bench - fill a store with N accounts and keys, in bulk
 *
 *   skgen DB N OUTDIR [--probes P] [--cram C] [--scram S]
 *
 * Creates DB afresh (and its master key, master.key beside it) through
 * the store API the CLI uses, in ONE transaction: N accounts "acct0000001"
 * ..., each with an IP allow-list and one API key for "smtp".  Key ids are
 * random (as "saslkey key create" makes them) and inserted in sorted
 * order, each key with its own account, so every B-tree is filled by
 * appends: a million keys take seconds, not the hours of a million CLI
 * calls.  Every key has a real secret and its real hash.
 *
 * P keys picked uniformly at random among the N are the probes the
 * benchmark authenticates with; their secrets go to files in OUTDIR (mode
 * 0600), never to stdout:
 *   plain.txt       "apikey<TAB>key"             (P lines)
 *   plain-bad.txt   the same keys with a wrong secret (valid checksum)
 *   cram.txt        "account<TAB>secret"  C probe accounts get a CRAM-MD5
 *   cram-bad.txt    secret (sealed as "saslkey cram set" does)
 *   scram.txt       "keyid<TAB>key"       S probe keys get SCRAM verifiers
 *   scram-bad.txt   (4096 PBKDF2 rounds, the stock plugin's default)
 */
#include "cram.h"
#include "key.h"
#include "scram.h"
#include "seal.h"
#include "secret.h"
#include "status.h"
#include "store.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ALLOW	"127.0.0.0/8 192.0.2.0/24"
#define SCRAM_ITERATIONS 4096

static void die(const char *what)
{
	fprintf(stderr, "skgen: %s\n", what);
	exit(2);
}

#define CHECK(cond, what)                \
	do {                             \
		if (!(cond))             \
			die(what);       \
	} while (0)

static int cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, SK_KEY_ID_LEN);
}

static FILE *secret_file(const char *dir, const char *name)
{
	char path[4096];
	int fd;
	FILE *f = NULL;	/* clang cannot see that die() does not return */

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	CHECK(fd >= 0 && (f = fdopen(fd, "w")) != NULL, "cannot write OUTDIR");
	return f;
}

/* a different secret with a valid checksum: passes the format check */
static void wrong_secret(const struct sk_key *k, char *out, size_t cap)
{
	struct sk_key w = *k;

	w.secret[0] = w.secret[0] == 'A' ? 'B' : 'A';
	sk_key_format(&w, out, cap);
	sk_key_wipe(&w);
}

int main(int argc, char **argv)
{
	struct sk_store *st = NULL;
	struct sk_master_key mk;
	unsigned char fpr[SK_MASTER_FPR_LEN];
	char (*ids)[SK_KEY_ID_LEN + 1];
	unsigned char *probe;
	size_t n, nprobes = 1000, ncram = 100, nscram = 8, i, picked;
	const char *db, *out;
	char mkpath[4096], err[256], text[SK_KEY_MAX_LEN + 1];
	FILE *fp, *fpb, *fc, *fcb, *fs, *fsb;
	struct timespec t0, t1;
	int64_t now = (int64_t)time(NULL);
	int a;

	if (argc < 4)
		die("usage: skgen DB N OUTDIR [--probes P] [--cram C] [--scram S]");
	db = argv[1];
	n = strtoul(argv[2], NULL, 10);
	out = argv[3];
	for (a = 4; a + 1 < argc; a += 2) {
		size_t v = strtoul(argv[a + 1], NULL, 10);

		if (strcmp(argv[a], "--probes") == 0)
			nprobes = v;
		else if (strcmp(argv[a], "--cram") == 0)
			ncram = v;
		else if (strcmp(argv[a], "--scram") == 0)
			nscram = v;
		else
			die("unknown option");
	}
	CHECK(n > 0 && n < 100000000, "N out of range");
	if (nprobes > n)
		nprobes = n;
	if (ncram > nprobes)
		ncram = nprobes;
	if (nscram > nprobes)
		nscram = nprobes;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	/* the store and its master key, as "saslkey init" makes them */
	unlink(db);
	snprintf(mkpath, sizeof(mkpath), "%s", db);
	{
		char *slash = strrchr(mkpath, '/');

		if (slash)
			snprintf(slash + 1, sizeof(mkpath) - (size_t)(slash + 1 - mkpath),
				 "master.key");
		else
			snprintf(mkpath, sizeof(mkpath), "master.key");
	}
	unlink(mkpath);
	CHECK(sk_store_open(db, SK_STORE_CREATE, NULL, &st) == SK_OK,
	      "cannot create the store");
	CHECK(sk_master_key_create(mkpath, err, sizeof(err)) == SK_OK,
	      "cannot create the master key");
	CHECK(sk_master_key_load(mkpath, &mk, err, sizeof(err)) == SK_OK,
	      "cannot load the master key");
	CHECK(sk_master_key_fingerprint(&mk, fpr) == SK_OK, "fingerprint");

	/* random ids, sorted: appends only; duplicates are drawn again */
	ids = calloc(n, sizeof(*ids));
	probe = calloc(n, 1);
	CHECK(ids != NULL && probe != NULL, "out of memory");
	for (i = 0; i < n; i++)
		CHECK(sk_random_base62(ids[i], SK_KEY_ID_LEN) == SK_OK, "random");
	for (;;) {
		size_t dup = 0;

		qsort(ids, n, sizeof(*ids), cmp_id);
		for (i = 1; i < n; i++)
			if (memcmp(ids[i], ids[i - 1], SK_KEY_ID_LEN) == 0) {
				CHECK(sk_random_base62(ids[i], SK_KEY_ID_LEN) ==
					      SK_OK, "random");
				dup++;
			}
		if (dup == 0)
			break;
	}
	/* probes: uniform among the N (Floyd's would do; rejection is fine) */
	for (picked = 0; picked < nprobes;) {
		uint64_t r;

		CHECK(sk_random(&r, sizeof(r)) == SK_OK, "random");
		if (!probe[r % n]) {
			probe[r % n] = 1;
			picked++;
		}
	}

	fp = secret_file(out, "plain.txt");
	fpb = secret_file(out, "plain-bad.txt");
	fc = secret_file(out, "cram.txt");
	fcb = secret_file(out, "cram-bad.txt");
	fs = secret_file(out, "scram.txt");
	fsb = secret_file(out, "scram-bad.txt");

	CHECK(st->ops->begin(st) == SK_OK, "begin");
	CHECK(st->ops->meta_set(st, SK_META_MASTER_FPR, fpr, sizeof(fpr)) ==
		      SK_OK, "meta");
	{
		size_t crams = 0, scrams = 0;

		for (i = 0; i < n; i++) {
			struct sk_account acct = { .created = now };
			struct sk_keyrec k = { .created = now };
			struct sk_key key = { .prefix = "sk" };

			snprintf(acct.name, sizeof(acct.name), "acct%07zu", i + 1);
			snprintf(acct.allow, sizeof(acct.allow), "%s", ALLOW);
			CHECK(st->ops->account_add(st, &acct) == SK_OK,
			      "add account");

			memcpy(key.id, ids[i], SK_KEY_ID_LEN);
			CHECK(sk_random_base62(key.secret, SK_KEY_SECRET_LEN) ==
				      SK_OK, "random");
			memcpy(k.id, key.id, sizeof(k.id));
			k.account_id = acct.id;
			snprintf(k.services, sizeof(k.services), "smtp");
			snprintf(k.label, sizeof(k.label), "bench");
			CHECK(sk_key_hash(&key, k.hash) == SK_OK, "hash");
			if (probe[i]) {
				sk_key_format(&key, text, sizeof(text));
				fprintf(fp, "apikey\t%s\n", text);
				if (scrams < nscram) {
					CHECK(sk_scram_verifier(SK_SCRAM_SHA1, text,
						strlen(text), SCRAM_ITERATIONS,
						k.scram_sha1,
						sizeof(k.scram_sha1)) == SK_OK &&
					      sk_scram_verifier(SK_SCRAM_SHA256,
						text, strlen(text),
						SCRAM_ITERATIONS, k.scram_sha256,
						sizeof(k.scram_sha256)) == SK_OK,
					      "SCRAM verifier");
					fprintf(fs, "%s\t%s\n", k.id, text);
					scrams++;
				}
				wrong_secret(&key, text, sizeof(text));
				fprintf(fpb, "apikey\t%s\n", text);
				if (k.scram_sha1[0] != '\0')
					fprintf(fsb, "%s\t%s\n", k.id, text);
			}
			CHECK(st->ops->key_add(st, &k) == SK_OK, "add key");
			sk_key_wipe(&key);

			/* a CRAM-MD5 shared secret, as "saslkey cram set" */
			if (probe[i] && crams < ncram) {
				struct sk_secret x = { .account_id = acct.id,
						       .created = now };
				char sec[25];

				CHECK(sk_random_base62(sec, 24) == SK_OK &&
				      sk_random_base62(x.id, SK_KEY_ID_LEN) ==
					      SK_OK, "random");
				sec[24] = '\0';
				CHECK(sk_cram_seal(&mk, false, x.id, sec, 24,
						   x.cram, sizeof(x.cram),
						   &x.cram_len) == SK_OK,
				      "seal");
				CHECK(st->ops->secret_add(st, &x) == SK_OK,
				      "add secret");
				fprintf(fc, "%s\t%s\n", acct.name, sec);
				sec[0] = sec[0] == 'A' ? 'B' : 'A';
				fprintf(fcb, "%s\t%s\n", acct.name, sec);
				sk_wipe(sec, sizeof(sec));
				crams++;
			}
		}
	}
	CHECK(st->ops->commit(st) == SK_OK, "commit");
	sk_store_close(st);
	sk_master_key_wipe(&mk);
	CHECK(fclose(fp) == 0 && fclose(fpb) == 0 && fclose(fc) == 0 &&
	      fclose(fcb) == 0 && fclose(fs) == 0 && fclose(fsb) == 0,
	      "cannot write OUTDIR");
	free(ids);
	free(probe);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("skgen: %zu accounts and keys (%zu probes, %zu CRAM, %zu SCRAM) "
	       "in %.2f s\n", n, nprobes, ncram, nscram,
	       (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
