/* saslkey tests - suite registration and shared helpers */
#ifndef SK_TEST_H
#define SK_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include <CUnit/CUnit.h>

/*
 * Each test file declares its suite with SK_SUITE(); a constructor adds it
 * to the runner's list, so adding a test file needs no central table.
 * Cases run in the order written: put the positive control right before
 * the negative cases it guards.
 */
struct sk_test_case {
	const char *name;
	void (*fn)(void);
};

struct sk_test_suite {
	const char *name;
	int (*init)(void);
	int (*cleanup)(void);
	const struct sk_test_case *cases;
	size_t ncases;
};

void sk_test_register(const struct sk_test_suite *s);

#define SK_TEST(fn) { #fn, fn }

#define SK_SUITE(sname, init_fn, cleanup_fn, ...)				\
	static const struct sk_test_case sname##_cases[] = { __VA_ARGS__ };	\
	static const struct sk_test_suite sname##_suite = {			\
		.name = #sname, .init = init_fn, .cleanup = cleanup_fn,	\
		.cases = sname##_cases,						\
		.ncases = sizeof(sname##_cases) / sizeof(sname##_cases[0]),	\
	};									\
	__attribute__((constructor)) static void sname##_register(void)	\
	{									\
		sk_test_register(&sname##_suite);				\
	}

/* a fresh private directory under $TMPDIR, removed at exit */
const char *sk_test_tmpdir(void);
/* "<tmpdir>/<name>" in a static rotating buffer */
const char *sk_test_path(const char *name);
/* whole file into a malloc'd NUL-terminated buffer (NULL if unreadable) */
char *sk_test_read_file(const char *path, size_t *len);
bool sk_test_write_file(const char *path, const void *data, size_t len);
/* does the file contain these bytes anywhere? */
bool sk_test_file_contains(const char *path, const void *needle, size_t n);
/* count lines of a file (0 if missing) */
size_t sk_test_count_lines(const char *path);
/* the last line of a file, malloc'd, without newline */
char *sk_test_last_line(const char *path);

/*
 * Secret hygiene (tests/e2e/secret_scan.sh): every key, CRAM secret,
 * password or token a test creates or uses is appended, one per line, to
 * the registry $SK_SECRETS (default $SK_BUILD/secrets/registry, 0600) that
 * only the scanner reads; without SK_BUILD nothing is recorded.  At exit
 * the runner copies every audit* and *.log file of the scratch directory
 * to $SK_LOGS (default $SK_BUILD/logs) before removing it, so the scanner
 * sees what the suites wrote.
 */
void sk_test_record_secret(const void *s, size_t n);

#endif
