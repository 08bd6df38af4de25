/* saslkey tests - CUnit runner: every registered suite, summary printed */
#define _GNU_SOURCE		/* memmem, memrchr, nftw */
#include "sktest.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#define MAX_SUITES 128

static const struct sk_test_suite *suites[MAX_SUITES];
static size_t nsuites;
static char tmpdir[256];

void sk_test_register(const struct sk_test_suite *s)
{
	if (nsuites < MAX_SUITES)
		suites[nsuites++] = s;
}

static int rm_one(const char *p, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rm_tmpdir(void)
{
	if (tmpdir[0] != '\0' && getenv("SK_TEST_KEEP") == NULL)
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *sk_test_tmpdir(void)
{
	if (tmpdir[0] == '\0') {
		const char *base = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/sktest.XXXXXX",
			 base ? base : "/tmp");
		if (mkdtemp(tmpdir) == NULL) {
			perror("mkdtemp");
			exit(2);
		}
		atexit(rm_tmpdir);
	}
	return tmpdir;
}

const char *sk_test_path(const char *name)
{
	static char bufs[8][512];
	static unsigned next;
	char *b = bufs[next++ % 8];

	snprintf(b, 512, "%s/%s", sk_test_tmpdir(), name);
	return b;
}

char *sk_test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (buf == NULL)
				abort();
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

bool sk_test_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (f == NULL)
		return false;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

bool sk_test_file_contains(const char *path, const void *needle, size_t n)
{
	size_t len;
	char *buf = sk_test_read_file(path, &len);
	bool found = buf != NULL && memmem(buf, len, needle, n) != NULL;

	free(buf);
	return found;
}

size_t sk_test_count_lines(const char *path)
{
	size_t len, i, lines = 0;
	char *buf = sk_test_read_file(path, &len);

	for (i = 0; buf != NULL && i < len; i++)
		lines += buf[i] == '\n';
	free(buf);
	return lines;
}

char *sk_test_last_line(const char *path)
{
	size_t len;
	char *buf = sk_test_read_file(path, &len), *start, *res;

	if (buf == NULL)
		return NULL;
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	start = memrchr(buf, '\n', len);
	start = start ? start + 1 : buf;
	res = strdup(start);
	free(buf);
	return res;
}

int main(int argc, char **argv)
{
	unsigned failed;
	size_t i, j;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (i = 0; i < nsuites; i++) {
		const struct sk_test_suite *s = suites[i];
		CU_pSuite cs;
		bool want = argc < 2;
		int a;

		/* optional arguments select suites by name */
		for (a = 1; a < argc; a++)
			want |= strcmp(argv[a], s->name) == 0;
		if (!want)
			continue;
		cs = CU_add_suite(s->name, s->init, s->cleanup);
		if (cs == NULL)
			return 2;
		for (j = 0; j < s->ncases; j++)
			if (CU_add_test(cs, s->cases[j].name, s->cases[j].fn) ==
			    NULL)
				return 2;
	}
	CU_basic_set_mode(getenv("SK_TEST_VERBOSE") ? CU_BRM_VERBOSE :
						      CU_BRM_NORMAL);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() +
		 CU_get_number_of_suites_failed();
	printf("\n");
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
