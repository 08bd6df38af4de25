/* saslkey tests - tests/lib/run.c, the helper later suites rely on */
#include "run.h"
#include "status.h"
#include "sktest.h"

#include <stdlib.h>
#include <string.h>

static void test_exit_status_and_streams(void)
{
	const char *const ok[] = { "/bin/sh", "-c",
				   "printf out; printf err >&2; exit 0", NULL };
	const char *const three[] = { "/bin/sh", "-c", "echo x; exit 3", NULL };
	char *out = NULL, *err = NULL;

	CU_ASSERT_EQUAL(sk_run(ok, NULL, NULL, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(out, "out");
	CU_ASSERT_STRING_EQUAL(err, "err");
	free(out);
	free(err);
	CU_ASSERT_EQUAL(sk_run(three, NULL, NULL, &out, &err), 3);
	CU_ASSERT_STRING_EQUAL(out, "x\n");
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	/* streams can be discarded */
	CU_ASSERT_EQUAL(sk_run(three, NULL, NULL, NULL, NULL), 3);
}

static void test_signal_and_exec_failure(void)
{
	const char *const sig[] = { "/bin/sh", "-c", "kill -9 $$", NULL };
	const char *const none[] = { "/nonexistent/program", NULL };
	const char *const path[] = { "true", NULL };
	char *out = NULL, *err = NULL;

	CU_ASSERT_EQUAL(sk_run(sig, NULL, NULL, &out, &err), -1);
	CU_ASSERT(out != NULL && err != NULL);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(sk_run(none, NULL, NULL, &out, &err), 127);
	free(out);
	free(err);
	/* a bare name is looked up in $PATH */
	CU_ASSERT_EQUAL(sk_run(path, NULL, NULL, NULL, NULL), 0);
}

/* both streams large and interleaved: no deadlock, nothing lost */
static void test_large_output(void)
{
	const char *const big[] = {
		"/bin/sh", "-c",
		"i=0; while [ $i -lt 2000 ]; do "
		"echo 0123456789012345678901234567890123456789012345678901234567;"
		" echo abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefg"
		" >&2; i=$((i+1)); done", NULL };
	char *out = NULL, *err = NULL;

	CU_ASSERT_EQUAL(sk_run(big, NULL, NULL, &out, &err), 0);
	CU_ASSERT_EQUAL(strlen(out), 2000 * 59);
	CU_ASSERT_EQUAL(strlen(err), 2000 * 58);
	free(out);
	free(err);
}

/* input larger than a pipe buffer, while the child writes as it reads */
static void test_stdin(void)
{
	const char *const cat[] = { "cat", NULL };
	const char *const ignore[] = { "/bin/sh", "-c", "exit 4", NULL };
	size_t n = 1 << 20, i;
	char *in = malloc(n + 1), *out = NULL;

	CU_ASSERT_FATAL(in != NULL);
	for (i = 0; i < n; i++)
		in[i] = (char)('a' + i % 26);
	in[n] = '\0';
	CU_ASSERT_EQUAL(sk_run(cat, NULL, in, &out, NULL), 0);
	CU_ASSERT(out != NULL && strlen(out) == n && memcmp(out, in, n) == 0);
	free(out);
	/* a child that never reads its input: no SIGPIPE for us */
	CU_ASSERT_EQUAL(sk_run(ignore, NULL, in, NULL, NULL), 4);
	free(in);
	/* no input: stdin is at EOF at once */
	CU_ASSERT_EQUAL(sk_run(cat, NULL, NULL, &out, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	free(out);
}

static void test_environment(void)
{
	const char *const show[] = { "/bin/sh", "-c",
				     "printf '%s|%s|%s' \"$SK_A\" \"${HOME+set}\" "
				     "\"$SK_B\"", NULL };
	const char *const env[] = { "SK_A=one", "HOME", "SK_B=x=y", NULL };
	const char *const twice[] = { "SK_A=first", "SK_A=second", NULL };
	char *out = NULL, *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;

	CU_ASSERT_FATAL(setenv("HOME", "/somewhere", 1) == 0);
	CU_ASSERT_EQUAL(sk_run(show, NULL, NULL, &out, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "|set|");
	free(out);
	CU_ASSERT_EQUAL(sk_run(show, env, NULL, &out, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "one||x=y");
	free(out);
	CU_ASSERT_EQUAL(sk_run(show, twice, NULL, &out, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "second|set|");
	free(out);
	/* our own environment is untouched */
	CU_ASSERT(getenv("SK_A") == NULL);
	CU_ASSERT_STRING_EQUAL(getenv("HOME"), "/somewhere");
	if (home != NULL)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
	free(home);
}

static void test_timeout(void)
{
	const char *const slow[] = { "/bin/sh", "-c", "echo started; exec sleep 30",
				     NULL };
	char *out = NULL;

	CU_ASSERT_FATAL(setenv("SK_RUN_TIMEOUT", "1", 1) == 0);
	CU_ASSERT_EQUAL(sk_run(slow, NULL, NULL, &out, NULL), -1);
	unsetenv("SK_RUN_TIMEOUT");
	CU_ASSERT(out != NULL && strcmp(out, "started\n") == 0);
	free(out);
}

SK_SUITE(run, NULL, NULL,
	 SK_TEST(test_exit_status_and_streams),
	 SK_TEST(test_signal_and_exec_failure),
	 SK_TEST(test_large_output),
	 SK_TEST(test_stdin),
	 SK_TEST(test_environment),
	 SK_TEST(test_timeout))
