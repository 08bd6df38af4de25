/* saslkey tests - run a program and capture what it prints */
#ifndef SK_TEST_RUN_H
#define SK_TEST_RUN_H

/*
 * Run argv[0] (a path, or a name looked up in $PATH) with arguments argv
 * (NULL-terminated).  env lists changes to the test's own environment for
 * the child, NULL-terminated, or is NULL: "NAME=VALUE" sets a variable,
 * a bare "NAME" removes it.  stdin_data (NUL-terminated) is written to the
 * child's standard input, which is then closed; NULL gives /dev/null.
 *
 * stdout and stderr are captured completely into malloc'd NUL-terminated
 * buffers (*out, *err; the caller frees them; either pointer may be NULL
 * to discard that stream).  All three pipes are served with poll(), so a
 * child that writes a lot before reading its input cannot deadlock us.
 *
 * Returns the child's exit status, or -1 if it was killed by a signal,
 * could not be started, or ran past the time limit (SK_RUN_TIMEOUT
 * seconds from the environment, default 60; the child is then killed).
 * A program that cannot be executed exits 127, like the shell.
 */
int sk_run(const char *const argv[], const char *const env[],
	   const char *stdin_data, char **out, char **err);

/* if set, sees every run's argv, stdin and stdout (secret registry) */
extern void (*sk_run_observer)(const char *const argv[],
			       const char *stdin_data, const char *out);

#endif
