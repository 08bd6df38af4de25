/* saslkey tests - run a program and capture what it prints */
#define _GNU_SOURCE		/* pipe2, execvpe, environ */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

void (*sk_run_observer)(const char *const argv[], const char *stdin_data,
			const char *out);

struct capture {
	char *buf;
	size_t len, cap;
};

static void capture_add(struct capture *c, const char *p, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		size_t nc = c->cap ? c->cap : 4096;

		while (c->len + n + 1 > nc)
			nc *= 2;
		if ((c->buf = realloc(c->buf, nc)) == NULL)
			abort();
		c->cap = nc;
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
	c->buf[c->len] = '\0';
}

/* hand the buffer to the caller, or free it; never NULL when handed */
static void capture_give(struct capture *c, char **dst)
{
	if (dst == NULL) {
		free(c->buf);
		return;
	}
	if (c->buf == NULL)
		capture_add(c, "", 0);
	*dst = c->buf;
}

static size_t name_len(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq ? (size_t)(eq - s) : strlen(s);
}

/* does change (NAME or NAME=VALUE) concern the variable in entry? */
static bool same_name(const char *entry, const char *change)
{
	size_t n = name_len(change);

	return strncmp(entry, change, n) == 0 && entry[n] == '=';
}

/* environ with the changes applied; the strings are borrowed */
static char **build_env(const char *const env[])
{
	size_t n = 0, m = 0, i, j, k = 0;
	char **out;

	while (environ[n] != NULL)
		n++;
	while (env != NULL && env[m] != NULL)
		m++;
	if ((out = calloc(n + m + 1, sizeof(*out))) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		for (j = 0; j < m; j++)
			if (same_name(environ[i], env[j]))
				break;
		if (j == m)
			out[k++] = environ[i];
	}
	for (j = 0; j < m; j++) {
		size_t l;

		if (strchr(env[j], '=') == NULL)
			continue;
		/* a name given twice: the last one wins */
		for (l = j + 1; l < m; l++)
			if (same_name(env[j], env[l]) ||
			    (strchr(env[l], '=') == NULL &&
			     name_len(env[l]) == name_len(env[j]) &&
			     strncmp(env[l], env[j], name_len(env[j])) == 0))
				break;
		if (l == m)
			out[k++] = (char *)env[j];
	}
	out[k] = NULL;
	return out;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int sk_run(const char *const argv[], const char *const env[],
	   const char *stdin_data, char **out, char **err)
{
	struct capture cap[2] = { { 0 }, { 0 } };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	int in[2] = { -1, -1 }, o[2] = { -1, -1 }, e[2] = { -1, -1 };
	const char *const tenv = getenv("SK_RUN_TIMEOUT");
	long long deadline;
	size_t in_len = stdin_data ? strlen(stdin_data) : 0, in_off = 0;
	bool timed_out = false;
	int status = 0, rc = -1;
	char **envp;
	pid_t pid;

	deadline = now_ms() + 1000LL * (tenv && atoi(tenv) > 0 ? atoi(tenv) :
								 60);
	if (out != NULL)
		*out = NULL;
	if (err != NULL)
		*err = NULL;
	if (stdin_data != NULL) {
		if (pipe2(in, O_CLOEXEC) != 0)
			goto done;
	} else if ((in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		goto done;
	}
	if (pipe2(o, O_CLOEXEC) != 0 || pipe2(e, O_CLOEXEC) != 0)
		goto done;
	envp = build_env(env);
	/* a child that exits without reading its input must not kill us */
	sigaction(SIGPIPE, &ign, &old_pipe);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGPIPE, &old_pipe, NULL);
		if (dup2(in[0], 0) < 0 || dup2(o[1], 1) < 0 || dup2(e[1], 2) < 0)
			_exit(127);
		execvpe(argv[0], (char *const *)argv, envp);
		_exit(127);
	}
	free(envp);
	if (pid < 0) {
		sigaction(SIGPIPE, &old_pipe, NULL);
		goto done;
	}
	close_fd(&in[0]);
	close_fd(&o[1]);
	close_fd(&e[1]);
	if (in[1] >= 0) {
		fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
		if (in_len == 0)
			close_fd(&in[1]);
	}

	while (o[0] >= 0 || e[0] >= 0 || in[1] >= 0) {
		struct pollfd pf[3];
		int *fds[3] = { &in[1], &o[0], &e[0] };
		long long left = deadline - now_ms();
		int i, np;

		for (i = 0; i < 3; i++) {
			pf[i].fd = *fds[i];
			pf[i].events = i == 0 ? POLLOUT : POLLIN;
			pf[i].revents = 0;
		}
		if (left <= 0) {
			/* still running (or a grandchild holds the pipes) */
			kill(pid, SIGKILL);
			timed_out = true;
			break;
		}
		np = poll(pf, 3, left > 1000 ? 1000 : (int)left);
		if (np < 0 && errno != EINTR)
			break;
		if (np <= 0)
			continue;
		if (pf[0].revents != 0) {
			ssize_t w = write(in[1], stdin_data + in_off,
					  in_len - in_off);

			if (w > 0)
				in_off += (size_t)w;
			else if (w < 0 && errno != EAGAIN && errno != EINTR)
				in_off = in_len;	/* EPIPE: child closed it */
			if (in_off == in_len)
				close_fd(&in[1]);
		}
		for (i = 1; i < 3; i++) {
			char buf[8192];
			ssize_t r;

			if (pf[i].revents == 0)
				continue;
			r = read(*fds[i], buf, sizeof(buf));
			if (r > 0)
				capture_add(&cap[i - 1], buf, (size_t)r);
			else if (r == 0 || (errno != EAGAIN && errno != EINTR))
				close_fd(fds[i]);
		}
	}
	sigaction(SIGPIPE, &old_pipe, NULL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	if (!timed_out && status != -1 && WIFEXITED(status))
		rc = WEXITSTATUS(status);
done:
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&o[0]);
	close_fd(&o[1]);
	close_fd(&e[0]);
	close_fd(&e[1]);
	if (sk_run_observer != NULL)
		sk_run_observer(argv, stdin_data, cap[0].buf ? cap[0].buf : "");
	capture_give(&cap[0], out);
	capture_give(&cap[1], err);
	return rc;
}
