/* saslkey tests - store and environment faults through the real libsasl2
 * (issue 8)
 *
 * The process under test is a forked "server": it initialises libsasl2
 * with our plugin as an MTA does (as root; some tests then drop to
 * nobody, as smtpd does), and on each command runs one round of attempts
 * with valid credentials through every way in: PLAIN, LOGIN, CRAM-MD5,
 * OAUTHBEARER, XOAUTH2 and the auxprop gate behind the stock SCRAM.  This
 * process plays the administrator and the environment: it breaks the
 * store, the audit file or syslog between rounds, and checks
 *
 *   - an outage gives SASL_UNAVAIL for every mechanism, never SASL_OK and
 *     never SASL_BADAUTH, audited as store_unavailable (README: "A store
 *     that is missing, unreadable, corrupt, world-writable or locked for
 *     more than 250 ms is SASL_UNAVAIL");
 *   - no attempt takes longer than its bound, and the server never
 *     crashes (it must exit 0 when told to);
 *   - once the fault is gone the same process succeeds again, and the
 *     store holds exactly what it held before (SHA-256, integrity_check);
 *   - audit and syslog trouble never changes an authentication result.
 */
#define _GNU_SOURCE		/* setresuid, unshare, strndup */
#include "attempt.h"
#include "harness.h"
#include "run.h"
#include "secret.h"
#include "sktest.h"
#include "status.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define NOBODY	65534
#define NOGROUP	65534
#define ALICE	"alice@example.com"

static const enum ska_mech round_mechs[] = {
	SKA_PLAIN, SKA_LOGIN, SKA_CRAM, SKA_OAUTHBEARER, SKA_XOAUTH2, SKA_SCRAM
};
#define NM SK_N_ELEMENTS(round_mechs)
/* events a failed round writes: one per mechanism, the gate's included */
#define OUTAGE_EVENTS NM
/* a successful round: the gate's allowed lookup is silent */
#define OK_EVENTS (NM - 1)

struct round {
	int rc[NM];
	int ms[NM];
};

static struct skh_key k_key;
static char s_cram[25], *tok, dir[512], db[600], audit[600], saved[600];
static char logdir[512];
static char pristine_sha[65];
static bool ns_ok;		/* a private mount namespace for this process */

/* time bounds stretch under valgrind (make check runs this suite there) */
static int slow(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p != NULL && strstr(p, "vgpreload") != NULL ? 20 : 1;
}

/* ---- the server process ---- */

struct sopts {
	const char *db;		/* NULL: the suite's store */
	const char *audit;	/* NULL: the suite's audit file; "" none */
	const char *syslog;	/* a socket path; NULL: no syslog */
	bool drop;		/* run the rounds as nobody */
	off_t fsize;		/* RLIMIT_FSIZE for the rounds; 0: none */
};

struct server {
	pid_t pid;
	int cmd, res;
};

static const char *cred_of(enum ska_mech m)
{
	switch (m) {
	case SKA_CRAM:		return s_cram;
	case SKA_OAUTHBEARER:
	case SKA_XOAUTH2:	return tok;
	default:		return k_key.text;
	}
}

static const char *user_of(enum ska_mech m)
{
	switch (m) {
	case SKA_PLAIN:		return "apikey";
	case SKA_SCRAM:		return k_key.id;
	case SKA_OAUTHBEARER:
	case SKA_XOAUTH2:	return ALICE;
	default:		return "acme";
	}
}

static int ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (int)((t1.tv_sec - t0->tv_sec) * 1000 +
		     (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

/* never returns; never exit(): the runner's atexit handlers are ours */
static void server_main(const struct sopts *o, int cmd, int res)
{
	char l_db[700], l_audit[700], l_sock[700], l_mk[700];
	const char *opts[] = {
		"mech_list: PLAIN LOGIN CRAM-MD5 OAUTHBEARER XOAUTH2 "
		"SCRAM-SHA-256", "auxprop_plugin: saslkey", l_db, l_audit,
		o->syslog ? "saslkey_audit_syslog: yes" :
			    "saslkey_audit_syslog: no", l_mk, l_sock, NULL
	};
	char c;

	snprintf(l_db, sizeof(l_db), "saslkey_db: %s", o->db ? o->db : db);
	snprintf(l_audit, sizeof(l_audit), "saslkey_audit_file: %s",
		 o->audit ? o->audit : audit);
	snprintf(l_mk, sizeof(l_mk), "saslkey_master_key: %s",
		 skh_master_key());
	snprintf(l_sock, sizeof(l_sock), "saslkey_audit_syslog_socket: %s",
		 o->syslog ? o->syslog : "/dev/log");
	/* as root, like Postfix: the master key is read here */
	if (skh_init(opts) != 0)
		_exit(3);
	if (o->drop && (setgroups(0, NULL) != 0 ||
			setresgid(NOGROUP, NOGROUP, NOGROUP) != 0 ||
			setresuid(NOBODY, NOBODY, NOBODY) != 0))
		_exit(4);
	if (o->fsize > 0) {
		/* files stop growing there: writes come back short, then
		 * fail with EFBIG (not SIGXFSZ) */
		struct rlimit rl = { (rlim_t)o->fsize, RLIM_INFINITY };

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(7);
	}
	if (write(res, "R", 1) != 1)
		_exit(5);
	while (read(cmd, &c, 1) == 1 && (c == 'r' || c == 'u')) {
		struct round r;
		size_t i;

		if (c == 'u') {
			struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

			setrlimit(RLIMIT_FSIZE, &rl);
			continue;
		}

		for (i = 0; i < NM; i++) {
			enum ska_mech m = round_mechs[i];
			struct skh_result sr;
			struct timespec t0;
			const char *u = user_of(m), *p = cred_of(m);

			clock_gettime(CLOCK_MONOTONIC, &t0);
			r.rc[i] = ska_attempt(m, u, strlen(u), p, strlen(p),
					      NULL, &sr);
			r.ms[i] = ms_since(&t0);
		}
		if (write(res, &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(6);
	}
	skh_done();
	_exit(0);
}

static bool wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

static bool server_start(struct server *s, const struct sopts *o)
{
	int c[2], r[2];
	char ready;

	fflush(NULL);
	if (pipe2(c, O_CLOEXEC) != 0 || pipe2(r, O_CLOEXEC) != 0)
		return false;
	s->pid = fork();
	if (s->pid == 0) {
		close(c[1]);
		close(r[0]);
		server_main(o, c[0], r[1]);
	}
	close(c[0]);
	close(r[1]);
	s->cmd = c[1];
	s->res = r[0];
	if (s->pid < 0 || !wait_readable(s->res, 20000 * (slow() > 1 ? 6 : 1)) ||
	    read(s->res, &ready, 1) != 1 || ready != 'R') {
		fprintf(stderr, "\n  the server process did not start\n");
		return false;
	}
	return true;
}

/* one round; false if the server died or overran the bound */
static bool server_round(struct server *s, struct round *r)
{
	size_t got = 0;

	if (write(s->cmd, "r", 1) != 1)
		return false;
	while (got < sizeof(*r)) {
		ssize_t n;

		/* six attempts, each bounded by far less than this */
		if (!wait_readable(s->res, 20000 * (slow() > 1 ? 6 : 1))) {
			fprintf(stderr, "\n  a round took more than 20 s\n");
			return false;
		}
		n = read(s->res, (char *)r + got, sizeof(*r) - got);
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* tell it to stop: it must exit 0 by itself (no crash, no hang) */
static void server_stop(struct server *s)
{
	int status = -1, i;

	if (s->pid <= 0)
		return;
	if (write(s->cmd, "q", 1) != 1)
		fprintf(stderr, "\n  the server process is gone\n");
	for (i = 0; i < 200 * slow(); i++) {
		if (waitpid(s->pid, &status, WNOHANG) == s->pid)
			break;
		usleep(50000);
	}
	if (i == 200 * slow()) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &status, 0);
		fprintf(stderr, "\n  the server process hung\n");
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "\n  the server process ended badly: %#x\n",
			status);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(s->cmd);
	close(s->res);
	s->pid = 0;
}

/* ---- expectations ---- */

static bool verbose(void)
{
	return getenv("SK_TEST_VERBOSE") != NULL;
}


static void show(const char *label, const struct round *r)
{
	size_t i;

	if (!verbose())
		return;
	fprintf(stderr, "\n  [%s]", label);
	for (i = 0; i < NM; i++)
		fprintf(stderr, " %s=%d/%dms", ska_mech_name(round_mechs[i]),
			r->rc[i], r->ms[i]);
}

static void expect_ok(struct server *s, const char *label)
{
	struct round r;
	size_t i, before = skh_audit_count();

	CU_ASSERT_FATAL(server_round(s, &r));
	show(label, &r);
	for (i = 0; i < NM; i++) {
		if (r.rc[i] != SASL_OK || r.ms[i] >= 2000 * slow())
			fprintf(stderr, "\n  [%s] %s: rc=%d in %d ms\n", label,
				ska_mech_name(round_mechs[i]), r.rc[i], r.ms[i]);
		CU_ASSERT_EQUAL(r.rc[i], SASL_OK);
		CU_ASSERT(r.ms[i] < 2000 * slow());
	}
	(void)before;
}

/* the last n audit events all have this reason and code */
static bool last_events(size_t n, const char *reason, const char *code)
{
	size_t len, seen = 0;
	char *data = sk_test_read_file(skh_audit(), &len), *p;
	bool ok = data != NULL;

	while (ok && seen < n && len > 0) {
		json_t *ev;
		const char *r = NULL, *c = NULL;

		while (len > 0 && data[len - 1] == '\n')
			data[--len] = '\0';
		p = memrchr(data, '\n', len);
		p = p ? p + 1 : data;
		ev = json_loads(p, JSON_REJECT_DUPLICATES, NULL);
		ok = ev != NULL &&
		     json_unpack(ev, "{s:{s:s, s:s}}", "event", "reason", &r,
				 "code", &c) == 0 &&
		     strcmp(r, reason) == 0 && strcmp(c, code) == 0;
		if (!ok)
			fprintf(stderr, "\n  audit event: %s\n", p);
		json_decref(ev);
		len = (size_t)(p - data);
		seen++;
	}
	free(data);
	return ok && seen == n;
}

/*
 * An outage: SASL_UNAVAIL everywhere (the stock SCRAM passes our gate's
 * code on), within max_ms each, one store_unavailable event per attempt.
 */
static void expect_unavail(struct server *s, const char *label, int max_ms)
{
	struct round r;
	size_t i, before = skh_audit_count();

	CU_ASSERT_FATAL(server_round(s, &r));
	show(label, &r);
	for (i = 0; i < NM; i++) {
		if (r.rc[i] != SASL_UNAVAIL || r.ms[i] > max_ms * slow())
			fprintf(stderr, "\n  [%s] %s: rc=%d in %d ms\n", label,
				ska_mech_name(round_mechs[i]), r.rc[i], r.ms[i]);
		CU_ASSERT_EQUAL(r.rc[i], SASL_UNAVAIL);
		CU_ASSERT_NOT_EQUAL(r.rc[i], SASL_OK);
		CU_ASSERT_NOT_EQUAL(r.rc[i], SASL_BADAUTH);
		CU_ASSERT(r.ms[i] <= max_ms * slow());
	}
	CU_ASSERT_EQUAL(skh_audit_count(), before + OUTAGE_EVENTS);
	CU_ASSERT(last_events(OUTAGE_EVENTS, "store_unavailable",
			      "SASL_UNAVAIL"));
}

static void store_sha(char out[65])
{
	ska_file_sha256(db, out);
}

static bool integrity_ok(const char *path)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *q = NULL;
	bool ok = false;

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) ==
		    SQLITE_OK &&
	    sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &q, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		ok = strcmp((const char *)sqlite3_column_text(q, 0), "ok") == 0;
	sqlite3_finalize(q);
	sqlite3_close(h);
	return ok;
}

/* the store exactly as the suite built it, and sound */
static void expect_store_intact(void)
{
	char sha[65];

	store_sha(sha);
	CU_ASSERT_STRING_EQUAL(sha, pristine_sha);
	CU_ASSERT(integrity_ok(db));
}

/* put the pristine store back under a new inode (as a restore does) */
static void restore_store(void)
{
	char tmp[700], cmd[8192];

	snprintf(tmp, sizeof(tmp), "%s.tmp", db);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chgrp %d '%s' && "
		 "chmod 0640 '%s' && mv '%s' '%s'", saved, tmp, NOGROUP, tmp,
		 tmp, tmp, db);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
}

/* ---- suite ---- */

static int suite_init(void)
{
	char cmd[8192], id[13];

	/*
	 * The files must be reachable by nobody: 0755 directories inside the
	 * scratch directory (made 0711: traversable, not listable), the store
	 * in one, the audit file in another (/var/lib/saslkey and
	 * /var/log/saslkey: breaking one must not touch the other).
	 */
	snprintf(dir, sizeof(dir), "%s", sk_test_path("faults"));
	snprintf(logdir, sizeof(logdir), "%s", sk_test_path("faults-log"));
	snprintf(db, sizeof(db), "%s/keys.db", dir);
	snprintf(audit, sizeof(audit), "%s/audit.json", logdir);
	snprintf(saved, sizeof(saved), "%s", sk_test_path("faults-keys.db"));
	if (chmod(sk_test_tmpdir(), 0711) != 0 ||
	    (mkdir(dir, 0755) != 0 && errno != EEXIST) ||
	    (mkdir(logdir, 0755) != 0 && errno != EEXIST))
		return -1;
	skh_use(db, audit);
	skh_store_reset();
	skh_account("acme", NULL, false);
	skh_key_scram("acme", NULL, NULL, 0, 0, &k_key);
	if (sk_random_base62(s_cram, 24) != 0)
		return -1;
	skh_cram_secret("acme", s_cram, 0, 0, id);
	if (ska_idp_init("faults-idp") != 0 || (tok = ska_mint("")) == NULL)
		return -1;
	/* as deployed: group-readable by the MTA's group; audit writable */
	snprintf(cmd, sizeof(cmd), "chgrp %d '%s' && chmod 0640 '%s' && "
		 "cp '%s' '%s' && : >'%s' && chown %d:%d '%s'", NOGROUP, db,
		 db, db, saved, audit, NOBODY, NOGROUP, audit);
	if (system(cmd) != 0)
		return -1;
	store_sha(pristine_sha);
	/*
	 * A private mount namespace for this test process (and the servers
	 * it forks): read-only bind mounts and tiny tmpfs file systems
	 * vanish with it, whatever happens.
	 */
	ns_ok = unshare(CLONE_NEWNS) == 0 &&
		mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == 0;
	if (!ns_ok)
		fprintf(stderr, "\n  NOTE: no private mount namespace (%s): the "
				"read-only and full file system cases cannot "
				"run\n", strerror(errno));
	return pristine_sha[0] ? 0 : -1;
}

static int suite_cleanup(void)
{
	free(tok);
	tok = NULL;
	skh_use(NULL, NULL);
	return 0;
}

/* ---- the store ---- */

static void test_store_missing_at_start(void)
{
	struct server s;
	struct sopts o = { 0 };

	CU_ASSERT_EQUAL_FATAL(unlink(db), 0);
	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_unavail(&s, "missing from the start", 500);
	expect_unavail(&s, "still missing", 500);
	/* "saslkey init" (here: the restore) - no restart needed */
	restore_store();
	expect_ok(&s, "created while running");
	server_stop(&s);
	expect_store_intact();
}

static void test_store_deleted_while_open(void)
{
	struct server s;
	struct sopts o = { 0 };
	char repl[700], cmd[8192];

	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_ok(&s, "control: open and in use");
	CU_ASSERT_EQUAL(unlink(db), 0);
	/* the open handle still reads the old inode: it must not be used */
	expect_unavail(&s, "deleted while open", 500);
	restore_store();
	expect_ok(&s, "restored");

	/*
	 * Replaced by another store (a restore from an older backup, a deploy
	 * moving a file into place) in which the key is revoked: the new file
	 * decides at once, not the inode the process opened.
	 */
	snprintf(repl, sizeof(repl), "%s.new", db);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chgrp %d '%s' && "
		 "'%s' --db '%s' key revoke %s >/dev/null 2>&1 && mv '%s' '%s'",
		 saved, repl, NOGROUP, repl, getenv("SK_CLI"), repl, k_key.id,
		 repl, db);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	{
		struct round r;

		CU_ASSERT_FATAL(server_round(&s, &r));
		show("replaced by a store where the key is revoked", &r);
		/* ours refuse; the gate refuses the stock SCRAM */
		CU_ASSERT_EQUAL(r.rc[0], SASL_BADAUTH);
		CU_ASSERT_EQUAL(r.rc[1], SASL_BADAUTH);
		CU_ASSERT_EQUAL(r.rc[5], SASL_DISABLED);
		CU_ASSERT_STRING_EQUAL(skh_last_reason(), "key_revoked");
	}
	restore_store();
	expect_ok(&s, "the original restored");
	server_stop(&s);
	expect_store_intact();
}

/* as nobody (root reads anything): the permissions really deny */
static void test_store_unreadable(void)
{
	struct server s;
	struct sopts o = { .drop = true };

	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_ok(&s, "control: as nobody, group-readable store");
	CU_ASSERT_EQUAL(chmod(db, 0600), 0);
	expect_unavail(&s, "store mode 0600 root", 500);
	CU_ASSERT_EQUAL(chmod(db, 0640), 0);
	expect_ok(&s, "readable again");
	CU_ASSERT_EQUAL(chmod(dir, 0700), 0);
	expect_unavail(&s, "directory mode 0700 root", 500);
	CU_ASSERT_EQUAL(chmod(dir, 0755), 0);
	expect_ok(&s, "directory open again");
	server_stop(&s);
	expect_store_intact();
}

static void test_store_truncated_or_corrupt(void)
{
	struct server s;
	struct sopts o = { 0 };
	size_t len, i;
	char *orig = sk_test_read_file(saved, &len), sha[65];
	const struct {
		const char *label;
		size_t keep;		/* bytes kept of the original */
		bool garbage;		/* then garbage over the first page */
	} cases[] = {
		{ "truncated to half, in place", 0, false },
		{ "truncated to one page, in place", 4096, false },
		{ "truncated to nothing, in place", 1, false },
		{ "header overwritten, in place", SIZE_MAX, true },
	};

	CU_ASSERT_PTR_NOT_NULL_FATAL(orig);
	CU_ASSERT_FATAL(len > 3 * 4096);
	CU_ASSERT_FATAL(server_start(&s, &o));
	for (i = 0; i < SK_N_ELEMENTS(cases); i++) {
		size_t keep = cases[i].keep == 0 ? len / 2 :
			      cases[i].keep == 1 ? 0 :
			      cases[i].keep == SIZE_MAX ? len : cases[i].keep;
		int fd;

		expect_ok(&s, "control");
		/* the same inode, as a failing disk or a bad copy leaves it */
		fd = open(db, O_WRONLY);
		CU_ASSERT_FATAL(fd >= 0);
		CU_ASSERT_EQUAL(ftruncate(fd, (off_t)keep), 0);
		if (cases[i].garbage)
			CU_ASSERT_EQUAL(pwrite(fd, "this is not SQLite format 3",
					       27, 0), 27);
		close(fd);
		store_sha(sha);
		expect_unavail(&s, cases[i].label, 500);
		expect_unavail(&s, cases[i].label, 500);
		{
			char after[65];

			/* the reader left the damage as it was */
			store_sha(after);
			CU_ASSERT_STRING_EQUAL(after, sha);
		}
		/* repaired in place (the same inode again) */
		CU_ASSERT(sk_test_write_file(db, orig, len));
		expect_ok(&s, "repaired in place");
	}
	server_stop(&s);
	free(orig);
	expect_store_intact();
}

static void test_store_not_sqlite(void)
{
	struct server s;
	struct sopts o = { 0 };
	char other[700];

	snprintf(other, sizeof(other), "%s.other", db);
	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_ok(&s, "control");
	/* a text file moved over it */
	CU_ASSERT(sk_test_write_file(other, "keys: none\n", 11));
	CU_ASSERT_EQUAL(chmod(other, 0640), 0);
	CU_ASSERT_EQUAL(rename(other, db), 0);
	expect_unavail(&s, "replaced by a text file", 500);
	restore_store();
	expect_ok(&s, "restored");
	/* a directory, a FIFO (opening one for reading would block), a
	 * device: none is a regular file */
	CU_ASSERT_EQUAL(unlink(db), 0);
	CU_ASSERT_EQUAL(mkdir(db, 0750), 0);
	expect_unavail(&s, "replaced by a directory", 500);
	CU_ASSERT_EQUAL(rmdir(db), 0);
	CU_ASSERT_EQUAL(mkfifo(db, 0640), 0);
	expect_unavail(&s, "replaced by a FIFO", 500);
	CU_ASSERT_EQUAL(unlink(db), 0);
	CU_ASSERT_EQUAL(symlink("/dev/zero", db), 0);
	expect_unavail(&s, "replaced by a link to /dev/zero", 500);
	CU_ASSERT_EQUAL(unlink(db), 0);
	restore_store();
	expect_ok(&s, "restored again");
	server_stop(&s);
	expect_store_intact();
}

/* ---- a writer holding the store ---- */

/*
 * A second process (this one: the server is another) holds the store in
 * a write transaction.  BEGIN EXCLUSIVE shuts readers out: after the
 * 250 ms busy timeout they give up with SASL_UNAVAIL - bounded, not a
 * stall, and not a credential failure.  BEGIN IMMEDIATE (what the CLI
 * does) lets readers go on, seeing the last committed state.
 */
static void test_store_locked_by_writer(void)
{
	struct server s;
	struct sopts o = { 0 };
	sqlite3 *w = NULL;
	char sql[200];

	CU_ASSERT_FATAL(sqlite3_open_v2(db, &w, SQLITE_OPEN_READWRITE, NULL) ==
			SQLITE_OK);
	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_ok(&s, "control");
	/*
	 * A fresh process: one that has already read these credentials
	 * keeps answering from its per-generation cache while the writer
	 * holds the lock and commits nothing - the committed state it read
	 * is still the store's.  A process that must ask the store waits.
	 */
	server_stop(&s);
	CU_ASSERT_FATAL(server_start(&s, &o));

	CU_ASSERT_FATAL(sqlite3_exec(w, "BEGIN EXCLUSIVE", NULL, NULL, NULL) ==
			SQLITE_OK);
	{
		struct round r;
		size_t i, before = skh_audit_count();

		CU_ASSERT_FATAL(server_round(&s, &r));
		show("held by BEGIN EXCLUSIVE", &r);
		for (i = 0; i < NM; i++) {
			/* waited for the writer, then gave up: 250 ms per
			 * store access (the gate's SCRAM looks up twice) */
			if (r.rc[i] != SASL_UNAVAIL || r.ms[i] < 200 ||
			    r.ms[i] > 1500 * slow())
				fprintf(stderr, "\n  %s: rc=%d in %d ms\n",
					ska_mech_name(round_mechs[i]), r.rc[i],
					r.ms[i]);
			CU_ASSERT_EQUAL(r.rc[i], SASL_UNAVAIL);
			CU_ASSERT(r.ms[i] >= 200 && r.ms[i] <= 1500 * slow());
		}
		CU_ASSERT_EQUAL(skh_audit_count(), before + OUTAGE_EVENTS);
		CU_ASSERT(last_events(OUTAGE_EVENTS, "store_unavailable",
				      "SASL_UNAVAIL"));
	}
	CU_ASSERT(sqlite3_exec(w, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
	expect_ok(&s, "released");
	expect_store_intact();

	/* the CLI's kind of transaction: readers are not blocked, and do not
	 * see what is not committed */
	snprintf(sql, sizeof(sql), "BEGIN IMMEDIATE; UPDATE keys SET revoked = 1"
		 " WHERE id = '%s'", k_key.id);
	CU_ASSERT_FATAL(sqlite3_exec(w, sql, NULL, NULL, NULL) == SQLITE_OK);
	expect_ok(&s, "a revocation in an open IMMEDIATE transaction");
	CU_ASSERT(sqlite3_exec(w, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
	{
		struct round r;

		CU_ASSERT_FATAL(server_round(&s, &r));
		show("the revocation committed", &r);
		CU_ASSERT_EQUAL(r.rc[0], SASL_BADAUTH);
		CU_ASSERT_EQUAL(r.rc[5], SASL_DISABLED);
	}
	snprintf(sql, sizeof(sql), "UPDATE keys SET revoked = 0 WHERE id = '%s'",
		 k_key.id);
	CU_ASSERT(sqlite3_exec(w, sql, NULL, NULL, NULL) == SQLITE_OK);
	expect_ok(&s, "the revocation undone");
	sqlite3_close(w);
	server_stop(&s);
	restore_store();	/* byte-exact again for the tests after us */
	expect_store_intact();
}

/* a short write transaction (50 ms) is waited for, not reported */
static void test_store_briefly_locked(void)
{
	struct server s;
	struct sopts o = { 0 };
	int sync[2];
	pid_t locker;
	char c;

	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_ok(&s, "control");
	CU_ASSERT_FATAL(pipe(sync) == 0);
	fflush(NULL);
	locker = fork();
	if (locker == 0) {
		sqlite3 *w = NULL;

		if (sqlite3_open_v2(db, &w, SQLITE_OPEN_READWRITE, NULL) !=
			    SQLITE_OK ||
		    sqlite3_exec(w, "BEGIN EXCLUSIVE", NULL, NULL, NULL) !=
			    SQLITE_OK)
			_exit(1);
		if (write(sync[1], "L", 1) != 1)
			_exit(1);
		usleep(50000);
		sqlite3_exec(w, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(w);
		_exit(0);
	}
	CU_ASSERT_FATAL(locker > 0);
	CU_ASSERT(read(sync[0], &c, 1) == 1);
	expect_ok(&s, "a 50 ms exclusive lock during the round");
	waitpid(locker, NULL, 0);
	close(sync[0]);
	close(sync[1]);
	server_stop(&s);
	expect_store_intact();
}

/* ---- a read-only file system ---- */

static bool ro_view(const char *view)
{
	if (mkdir(view, 0755) != 0 && errno != EEXIST)
		return false;
	return mount(dir, view, "none", MS_BIND, NULL) == 0 &&
	       mount("none", view, "none", MS_BIND | MS_REMOUNT | MS_RDONLY,
		     NULL) == 0;
}

/*
 * The plugin opens the store read-only and needs no write access to
 * anything (rollback journal): on a read-only file system credential
 * checks work.  What cannot work there is rolling back a hot journal a
 * crashed writer left: that is an outage, SASL_UNAVAIL.  The CLI cannot
 * write (exit 2) and changes nothing.
 */
static void test_store_readonly_filesystem(void)
{
	char view[600], rodb[700], roaudit[700], journal[700];
	char hot[700], sha[65];
	struct server s;
	struct sopts o = { .db = rodb, .audit = audit };
	struct cli_res { int rc; char *out, *err; } r;

	if (!ns_ok) {
		fprintf(stderr, "\n  SKIPPED: read-only file system (no mount "
				"namespace)\n");
		return;
	}
	snprintf(view, sizeof(view), "%s", sk_test_path("faults-ro"));
	snprintf(rodb, sizeof(rodb), "%s/keys.db", view);
	snprintf(roaudit, sizeof(roaudit), "%s/audit.json", view);
	snprintf(journal, sizeof(journal), "%s-journal", db);
	snprintf(hot, sizeof(hot), "%s", sk_test_path("faults-hot-journal"));
	CU_ASSERT_FATAL(ro_view(view));
	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_ok(&s, "control: the store on a read-only file system");
	{
		const char *argv[] = { getenv("SK_CLI"), "--db", rodb, "key",
				       "revoke", k_key.id, NULL };

		r.rc = sk_run(argv, NULL, NULL, &r.out, &r.err);
		CU_ASSERT_EQUAL(r.rc, 2);
		free(r.out);
		free(r.err);
	}
	expect_ok(&s, "after the CLI failed to write");
	expect_store_intact();

	/*
	 * A hot journal: a writer that died inside a transaction.  Made by
	 * copying the journal of an open transaction, then rolling back.
	 */
	{
		sqlite3 *w = NULL;
		char sql[200], *j;
		size_t jl;

		CU_ASSERT_FATAL(sqlite3_open_v2(db, &w, SQLITE_OPEN_READWRITE,
						NULL) == SQLITE_OK);
		/* unsynced journals start zeroed (never hot): no syncing */
		sqlite3_exec(w, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
		snprintf(sql, sizeof(sql), "BEGIN IMMEDIATE; UPDATE keys SET "
			 "label = 'x' WHERE id = '%s'", k_key.id);
		CU_ASSERT(sqlite3_exec(w, sql, NULL, NULL, NULL) == SQLITE_OK);
		j = sk_test_read_file(journal, &jl);
		CU_ASSERT_FATAL(j != NULL && jl > 0);
		sqlite3_exec(w, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(w);
		CU_ASSERT(sk_test_write_file(hot, j, jl));
		CU_ASSERT(sk_test_write_file(journal, j, jl));
		free(j);
	}
	store_sha(sha);
	/* (a fresh process: see test_store_locked_by_writer) */
	server_stop(&s);
	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_unavail(&s, "a hot journal on a read-only file system", 500);
	{
		char after[65];

		store_sha(after);
		CU_ASSERT_STRING_EQUAL(after, sha);
	}
	server_stop(&s);
	/*
	 * A read-only connection cannot roll it back on a writable file
	 * system either (SQLITE_READONLY_ROLLBACK): the plugin, which only
	 * ever reads, stays unavailable until the next writer - any saslkey
	 * command that writes - opens the store and rolls the journal back.
	 */
	{
		struct sopts rw = { 0 };
		sqlite3 *w = NULL;

		CU_ASSERT_FATAL(server_start(&s, &rw));
		expect_unavail(&s, "a hot journal, writable file system", 500);
		CU_ASSERT_FATAL(sqlite3_open_v2(db, &w, SQLITE_OPEN_READWRITE,
						NULL) == SQLITE_OK);
		CU_ASSERT(sqlite3_exec(w, "SELECT count(*) FROM keys", NULL,
				       NULL, NULL) == SQLITE_OK);
		sqlite3_close(w);
		expect_ok(&s, "rolled back by the next writer");
		server_stop(&s);
	}
	CU_ASSERT(access(journal, F_OK) != 0);
	/* the rollback restored exactly what was committed */
	expect_store_intact();
	/* the audit file on the read-only file system too: not written,
	 * and authentication goes on */
	{
		struct sopts ro = { .db = rodb, .audit = roaudit };
		size_t before = skh_audit_count();

		CU_ASSERT_FATAL(server_start(&s, &ro));
		expect_ok(&s, "audit file on a read-only file system");
		server_stop(&s);
		CU_ASSERT_EQUAL(skh_audit_count(), before);
	}
	umount2(view, MNT_DETACH);
	expect_store_intact();
}

/* ---- the audit file ---- */

static void test_audit_unwritable(void)
{
	struct server s;
	struct sopts o = { .drop = true };
	char rotated[700], asdir[700];
	size_t before;

	/*
	 * Opened as root when the server starts (as smtpd does), so the
	 * server as nobody cannot start a new file after logrotate moved the
	 * old one away: authentication goes on, events are lost until the
	 * administrator gives it a file it may write.
	 */
	snprintf(rotated, sizeof(rotated), "%s.1", audit);
	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_ok(&s, "control: audit file open");
	CU_ASSERT_EQUAL(rename(audit, rotated), 0);
	usleep(1100000);	/* the server looks for a rotation each second */
	before = sk_test_count_lines(rotated);
	expect_ok(&s, "audit file rotated away, directory not writable");
	expect_ok(&s, "still no audit file");
	CU_ASSERT_EQUAL(sk_test_count_lines(rotated), before);
	CU_ASSERT_EQUAL(access(audit, F_OK), -1);
	/* the administrator creates it for the MTA's user: events resume */
	CU_ASSERT(sk_test_write_file(audit, "", 0));
	CU_ASSERT_EQUAL(chown(audit, NOBODY, NOGROUP), 0);
	expect_ok(&s, "a new audit file the server may write");
	CU_ASSERT_EQUAL(skh_audit_count(), OK_EVENTS);
	server_stop(&s);
	/* keep the old events where the keep-logs step finds them */
	{
		size_t l1, l2;
		char *a = sk_test_read_file(rotated, &l1),
		     *b = sk_test_read_file(audit, &l2);

		CU_ASSERT(a != NULL && b != NULL);
		if (a != NULL && b != NULL) {
			a = realloc(a, l1 + l2 + 1);
			memcpy(a + l1, b, l2);
			CU_ASSERT(sk_test_write_file(audit, a, l1 + l2));
		}
		free(a);
		free(b);
		unlink(rotated);
	}

	/* unwritable for root as well: a directory, a missing directory */
	snprintf(asdir, sizeof(asdir), "%s/audit-is-a-dir", logdir);
	CU_ASSERT_FATAL(mkdir(asdir, 0755) == 0 || errno == EEXIST);
	o = (struct sopts){ .audit = asdir };
	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_ok(&s, "audit path is a directory");
	server_stop(&s);
	snprintf(asdir, sizeof(asdir), "%s/no/such/dir/audit.json", logdir);
	o = (struct sopts){ .audit = asdir };
	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_ok(&s, "audit directory missing");
	server_stop(&s);
	expect_store_intact();
}

/*
 * A full disk: /dev/full fails every write (ENOSPC); a tiny tmpfs also
 * produces the partial write at the boundary.  Authentication goes on;
 * once there is space again every event is one whole line of its own -
 * a torn line must not swallow the next event.
 */
static void test_audit_disk_full(void)
{
	struct server s;
	struct sopts o = { .audit = "/dev/full" };
	char full[600], faudit[700], filler[700];
	int i, fd;

	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_ok(&s, "audit file /dev/full");
	expect_ok(&s, "audit file /dev/full, again");
	server_stop(&s);

	if (!ns_ok) {
		fprintf(stderr, "\n  SKIPPED: full tmpfs (no mount namespace)\n");
		return;
	}
	snprintf(full, sizeof(full), "%s", sk_test_path("faults-full"));
	snprintf(faudit, sizeof(faudit), "%s/audit.json", full);
	snprintf(filler, sizeof(filler), "%s/filler", full);
	CU_ASSERT_FATAL(mkdir(full, 0755) == 0 || errno == EEXIST);
	CU_ASSERT_FATAL(mount("tmpfs", full, "tmpfs", 0, "size=64k,mode=0755")
			== 0);
	o.audit = faudit;
	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_ok(&s, "tiny file system, space left");
	/* fill it: the audit file's last page still has room for a part */
	fd = open(filler, O_WRONLY | O_CREAT, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	{
		char blk[512];

		memset(blk, 'f', sizeof(blk));
		while (write(fd, blk, sizeof(blk)) > 0)
			;
		while (write(fd, blk, 1) > 0)
			;
	}
	close(fd);
	/* the slack of the audit file's last page takes some 8 events */
	for (i = 0; i < 4; i++)
		expect_ok(&s, "file system full");
	CU_ASSERT_EQUAL(unlink(filler), 0);
	for (i = 0; i < 3; i++)
		expect_ok(&s, "space again");
	server_stop(&s);
	{
		size_t len, lines = 0, good = 0, bad = 0;
		char *data = sk_test_read_file(faudit, &len), *p, *nl;

		CU_ASSERT_PTR_NOT_NULL_FATAL(data);
		for (p = data; p < data + len; p = nl + 1) {
			json_t *ev;

			if ((nl = memchr(p, '\n', (size_t)(data + len - p))) ==
			    NULL)
				nl = data + len;
			ev = json_loadb(p, (size_t)(nl - p), 0, NULL);
			if (ev != NULL)
				good++;
			else
				bad++;
			json_decref(ev);
			lines++;
		}
		if (verbose() || bad != 1)
			fprintf(stderr, "\n  full tmpfs: %zu lines, %zu events, "
					"%zu torn", lines, good, bad);
		/* the torn write, alone on its line (none, rarely: when the
		 * events happened to fill the last page exactly; the size
		 * limit test below always tears one) */
		CU_ASSERT(bad <= 1);
		CU_ASSERT(len > 0 && data[len - 1] == '\n');
		free(data);
	}
	/* the three rounds after the space came back: whole lines each */
	{
		size_t len, n = 0;
		char *data = sk_test_read_file(faudit, &len), *p;

		CU_ASSERT_PTR_NOT_NULL_FATAL(data);
		while (len > 0 && data[len - 1] == '\n')
			data[--len] = '\0';
		while (n < 3 * OK_EVENTS && len > 0) {
			json_t *ev;

			p = memrchr(data, '\n', len);
			p = p ? p + 1 : data;
			ev = json_loads(p, JSON_REJECT_DUPLICATES, NULL);
			if (ev == NULL)
				fprintf(stderr, "\n  not an event: %.300s\n", p);
			CU_ASSERT_PTR_NOT_NULL(ev);
			json_decref(ev);
			len = p > data ? (size_t)(p - data - 1) : 0;
			data[len] = '\0';
			n++;
		}
		CU_ASSERT_EQUAL(n, 3 * OK_EVENTS);
		free(data);
	}
	umount2(full, MNT_DETACH);
	expect_store_intact();
}

/*
 * The same torn line without a file system of its own: a file size limit
 * (RLIMIT_FSIZE) cuts the write short exactly as a full disk does.
 */
static void test_audit_write_cut_short(void)
{
	struct server s;
	char faudit[700];
	struct stat sb;
	struct sopts o;
	int i;

	snprintf(faudit, sizeof(faudit), "%s/audit-fsize.json", logdir);
	CU_ASSERT_FATAL(sk_test_write_file(faudit, "", 0));
	o = (struct sopts){ .audit = faudit, .fsize = 3000 };
	CU_ASSERT_FATAL(server_start(&s, &o));
	for (i = 0; i < 3; i++)
		expect_ok(&s, "audit file at its size limit");
	CU_ASSERT_FATAL(stat(faudit, &sb) == 0);
	/* a whole number of lines would be a multiple of nothing: the
	 * limit was hit in the middle of one */
	CU_ASSERT_EQUAL(sb.st_size, 3000);
	CU_ASSERT_EQUAL(write(s.cmd, "u", 1), 1);
	for (i = 0; i < 2; i++)
		expect_ok(&s, "limit lifted");
	server_stop(&s);
	{
		size_t len, before = 0, after = 0, bad = 0;
		char *data = sk_test_read_file(faudit, &len), *p, *nl;

		CU_ASSERT_PTR_NOT_NULL_FATAL(data);
		CU_ASSERT(len > 0 && data[len - 1] == '\n');
		for (p = data; p < data + len; p = nl + 1) {
			json_t *ev;

			if ((nl = memchr(p, '\n', (size_t)(data + len - p))) ==
			    NULL)
				nl = data + len;
			ev = json_loadb(p, (size_t)(nl - p), 0, NULL);
			if (ev == NULL)
				bad++;
			else if (bad == 0)
				before++;
			else
				after++;
			json_decref(ev);
		}
		if (verbose())
			fprintf(stderr, "\n  size limit: %zu events, %zu torn, "
					"%zu events", before, bad, after);
		/* whole events, the one torn write on a line of its own, and
		 * every event after the limit was lifted whole */
		CU_ASSERT(before > 0);
		CU_ASSERT_EQUAL(bad, 1);
		CU_ASSERT_EQUAL(after, 2 * OK_EVENTS);
		free(data);
	}
	expect_store_intact();
}

/* ---- syslog ---- */

static void test_syslog_unavailable(void)
{
	char sock[600], msg[2048];
	struct server s;
	struct sopts o = { .syslog = sock };
	int fd, i;

	snprintf(sock, sizeof(sock), "%s", sk_test_path("faults-log.sock"));
	unlink(sock);
	/* nothing listening at all; the listener is opened after the fork
	 * so that only this process holds it */
	CU_ASSERT_FATAL(server_start(&s, &o));
	expect_ok(&s, "no syslog socket");
	/* syslog comes up: lines after the reconnect interval */
	fd = ska_syslog_open(sock);
	CU_ASSERT_FATAL(fd >= 0);
	usleep(1100000);
	expect_ok(&s, "syslog up");
	CU_ASSERT(ska_syslog_take(fd, msg, sizeof(msg)) > 0);
	/* a listener that stops reading: its queue (net.unix.max_dgram_qlen,
	 * 10 by default) fills, sends must not block (attempts stay fast) */
	for (i = 0; i < 6; i++) {
		struct round r;
		size_t k;

		CU_ASSERT_FATAL(server_round(&s, &r));
		for (k = 0; k < NM; k++) {
			CU_ASSERT_EQUAL(r.rc[k], SASL_OK);
			CU_ASSERT(r.ms[k] < 1000 * slow());
		}
	}
	/* the listener goes away (syslog daemon restarts) */
	close(fd);
	unlink(sock);
	expect_ok(&s, "syslog daemon gone");
	/* and comes back: lines again after the reconnect interval */
	fd = ska_syslog_open(sock);
	CU_ASSERT_FATAL(fd >= 0);
	usleep(1100000);
	expect_ok(&s, "syslog daemon back");
	CU_ASSERT(ska_syslog_take(fd, msg, sizeof(msg)) > 0);
	CU_ASSERT(strstr(msg, "saslkey[") != NULL);
	server_stop(&s);
	close(fd);
	unlink(sock);
	expect_store_intact();
}

SK_SUITE(sasl_faults, suite_init, suite_cleanup,
	 SK_TEST(test_store_missing_at_start),
	 SK_TEST(test_store_deleted_while_open),
	 SK_TEST(test_store_unreadable),
	 SK_TEST(test_store_truncated_or_corrupt),
	 SK_TEST(test_store_not_sqlite),
	 SK_TEST(test_store_locked_by_writer),
	 SK_TEST(test_store_briefly_locked),
	 SK_TEST(test_store_readonly_filesystem),
	 SK_TEST(test_audit_unwritable),
	 SK_TEST(test_audit_disk_full),
	 SK_TEST(test_audit_write_cut_short),
	 SK_TEST(test_syslog_unavailable))
