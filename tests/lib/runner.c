/* saslkey tests - CUnit runner: every registered suite, summary printed */
#define _GNU_SOURCE		/* memmem, memrchr, nftw */
#include "sktest.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* $NAME, else $SK_BUILD/sub; false if neither is set */
static bool hygiene_path(const char *name, const char *sub, char *out,
			 size_t cap)
{
	const char *v = getenv(name), *b = getenv("SK_BUILD");
	int n;

	if (v != NULL && v[0] != '\0')
		n = snprintf(out, cap, "%s", v);
	else if (b != NULL && b[0] != '\0')
		n = snprintf(out, cap, "%s/%s", b, sub);
	else
		return false;
	return n > 0 && (size_t)n < cap;
}

void sk_test_record_secret(const void *s, size_t n)
{
	char path[1024], *slash;
	int fd;

	if (s == NULL || n == 0 || memchr(s, '\n', n) != NULL ||
	    memchr(s, '\0', n) != NULL ||
	    !hygiene_path("SK_SECRETS", "secrets/registry", path, sizeof(path)))
		return;
	if ((slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	{
		char *line = malloc(n + 1);

		if (line != NULL) {
			memcpy(line, s, n);
			line[n] = '\n';
			/* best effort: a test under a file size limit */
			if (write(fd, line, n + 1) < 0)
				(void)0;
			free(line);
		}
	}
	close(fd);
}

static char keep_dir[1200];

/* audit* and *.log files of the scratch directory go to keep_dir */
static int keep_one(const char *p, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	const char *base = p + ftw->base;
	size_t bl = strlen(base);
	char dst[2048], *c;
	char *data;
	size_t len;

	(void)sb;
	if (flag != FTW_F ||
	    (strncmp(base, "audit", 5) != 0 &&
	     (bl < 4 || strcmp(base + bl - 4, ".log") != 0)))
		return 0;
	snprintf(dst, sizeof(dst), "%s/%s", keep_dir, p + strlen(tmpdir) + 1);
	for (c = dst + strlen(keep_dir) + 1; *c != '\0'; c++)
		if (*c == '/')
			*c = '_';
	if ((data = sk_test_read_file(p, &len)) != NULL) {
		sk_test_write_file(dst, data, len);
		free(data);
	}
	return 0;
}

static void rm_tmpdir(void)
{
	char base[1024];

	if (tmpdir[0] == '\0')
		return;
	if (hygiene_path("SK_LOGS", "logs", base, sizeof(base))) {
		mkdir(base, 0700);
		snprintf(keep_dir, sizeof(keep_dir), "%s/%s.%ld", base,
			 program_invocation_short_name, (long)getpid());
		if (mkdir(keep_dir, 0700) == 0) {
			nftw(tmpdir, keep_one, 16, FTW_PHYS);
			rmdir(keep_dir);	/* only if nothing was kept */
		}
	}
	if (getenv("SK_TEST_KEEP") == NULL)
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
