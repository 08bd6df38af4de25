/* saslkey - one audit event per authentication attempt */
#define _GNU_SOURCE		/* program_invocation_short_name */
#include "audit.h"
#include "status.h"
#include "strbuf.h"
#include "when.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <sasl/sasl.h>

/* how often to look for a rotated file or a restarted syslog daemon */
#define RECHECK_SECONDS 1

struct sk_audit {
	const struct sk_logger *lg;
	char *path;		/* NULL = no file sink */
	int fd;
	ino_t ino;
	dev_t dev;
	time_t checked;
	bool file_warned;
	bool torn;		/* our last write was cut short: no newline */

	bool syslog;
	struct sockaddr_un sun;
	int sock;
	time_t sock_tried;
	bool sock_warned;
};

const char *sk_sasl_code_name(int code)
{
	switch (code) {
	case SASL_OK:		return "SASL_OK";
	case SASL_CONTINUE:	return "SASL_CONTINUE";
	case SASL_FAIL:		return "SASL_FAIL";
	case SASL_NOMEM:	return "SASL_NOMEM";
	case SASL_BADPROT:	return "SASL_BADPROT";
	case SASL_BADAUTH:	return "SASL_BADAUTH";
	case SASL_NOUSER:	return "SASL_NOUSER";
	case SASL_UNAVAIL:	return "SASL_UNAVAIL";
	case SASL_DISABLED:	return "SASL_DISABLED";
	case SASL_NOMECH:	return "SASL_NOMECH";
	case SASL_BADPARAM:	return "SASL_BADPARAM";
	case SASL_TRYAGAIN:	return "SASL_TRYAGAIN";
	}
	return "SASL_OTHER";
}

/* ---- rendering ---- */

#define PUT_LIT(sb, lit) sk_strbuf_append((sb), (lit), sizeof(lit) - 1)

/* "key": with the comma when it is not the object's first member */
#define JSON_KEY(sb, lit, first)                        \
	do {                                            \
		if (!*(first))                          \
			sk_strbuf_putc((sb), ',');            \
		*(first) = false;                       \
		PUT_LIT((sb), "\"" lit "\":");          \
	} while (0)

static void json_value(struct sk_strbuf *sb, const char *v, size_t max)
{
	sk_strbuf_put_json(sb, v, strnlen(v, max));
}

/* a string member, left out when the value is NULL or empty */
#define JSON_STR(sb, lit, v, max, first)                \
	do {                                            \
		const char *v_ = (v);                   \
		if (v_ != NULL && v_[0] != '\0') {      \
			JSON_KEY((sb), lit, (first));   \
			json_value((sb), v_, (max));    \
		}                                       \
	} while (0)

static void json_endpoint(struct sk_strbuf *sb, const char *open,
			  size_t open_len, const struct sk_addr *a,
			  unsigned port, bool *first)
{
	char ip[SK_ADDR_TEXT_MAX];

	if (a->family == 0)
		return;
	sk_addr_format(a, ip, sizeof(ip));
	if (!*first)
		sk_strbuf_putc(sb, ',');
	*first = false;
	sk_strbuf_append(sb, open, open_len);		/* "source":{ */
	if (ip[0] != '\0') {
		PUT_LIT(sb, "\"ip\":");
		json_value(sb, ip, sizeof(ip));
		if (port != 0)
			sk_strbuf_putc(sb, ',');
	}
	if (port != 0) {
		PUT_LIT(sb, "\"port\":");
		sk_strbuf_put_u64(sb, port);
	}
	sk_strbuf_putc(sb, '}');
}

static void render_json(struct sk_strbuf *sb, const struct sk_audit_event *ev,
			bool minimal)
{
	char ts[40];
	bool first = true, f;

	sk_strbuf_putc(sb, '{');
	sk_when_format_ms(ev->when.tv_sec, ev->when.tv_nsec, ts, sizeof(ts));
	JSON_STR(sb, "@timestamp", ts, sizeof(ts), &first);

	JSON_KEY(sb, "event", &first);
	PUT_LIT(sb, "{\"kind\":\"event\",\"category\":[\"authentication\"],"
		    "\"type\":[");
	if (strcmp(ev->action, "lookup") == 0)
		PUT_LIT(sb, "\"info\"");
	else
		PUT_LIT(sb, "\"start\"");
	PUT_LIT(sb, "],\"provider\":\"saslkey\"");
	f = false;
	JSON_STR(sb, "action", ev->action, 32, &f);
	JSON_STR(sb, "outcome", ev->success ? "success" : "failure", 16, &f);
	JSON_STR(sb, "reason", ev->reason, 64, &f);
	JSON_STR(sb, "code", sk_sasl_code_name(ev->code), 32, &f);
	JSON_KEY(sb, "duration", &f);
	sk_strbuf_put_i64(sb, ev->duration_ns);
	sk_strbuf_putc(sb, '}');

	json_endpoint(sb, "\"source\":{", 10, &ev->client, ev->client_port,
		      &first);
	json_endpoint(sb, "\"server\":{", 10, &ev->server, ev->server_port,
		      &first);
	if (ev->service != NULL && ev->service[0] != '\0') {
		f = true;
		JSON_KEY(sb, "service", &first);
		sk_strbuf_putc(sb, '{');
		JSON_STR(sb, "name", ev->service, 64, &f);
		sk_strbuf_putc(sb, '}');
	}
	if (!minimal && ((ev->user != NULL && ev->user_len > 0) ||
			 (ev->account != NULL && ev->account[0] != '\0'))) {
		f = true;
		JSON_KEY(sb, "user", &first);
		sk_strbuf_putc(sb, '{');
		if (ev->user != NULL && ev->user_len > 0) {
			JSON_KEY(sb, "name", &f);
			sk_strbuf_put_json(sb, ev->user,
					   ev->user_len > SK_AUDIT_USER_MAX ?
						   SK_AUDIT_USER_MAX :
						   ev->user_len);
		}
		JSON_STR(sb, "id", ev->account, 255, &f);
		sk_strbuf_putc(sb, '}');
	}

	f = true;
	JSON_KEY(sb, "saslkey", &first);
	sk_strbuf_putc(sb, '{');
	JSON_STR(sb, "mechanism", ev->mech, 32, &f);
	JSON_STR(sb, "key_id", ev->key_id, 64, &f);
	JSON_STR(sb, "credential", ev->credential, 32, &f);
	if (!minimal && (ev->issuer || ev->sub || ev->jti || ev->kid ||
			 ev->alg)) {
		bool g = true;

		JSON_KEY(sb, "oauth", &f);
		sk_strbuf_putc(sb, '{');
		JSON_STR(sb, "issuer", ev->issuer, 256, &g);
		JSON_STR(sb, "sub", ev->sub, 128, &g);
		JSON_STR(sb, "jti", ev->jti, 128, &g);
		JSON_STR(sb, "kid", ev->kid, 128, &g);
		JSON_STR(sb, "alg", ev->alg, 16, &g);
		sk_strbuf_putc(sb, '}');
	}
	sk_strbuf_putc(sb, '}');

	JSON_KEY(sb, "process", &first);
	PUT_LIT(sb, "{\"pid\":");
	sk_strbuf_put_u64(sb, (uint64_t)getpid());
	f = false;
	JSON_STR(sb, "name", program_invocation_short_name, 64, &f);
	PUT_LIT(sb, "}}");
}

size_t sk_audit_format_json(const struct sk_audit_event *ev, char *buf,
			    size_t cap)
{
	struct sk_strbuf sb;

	sk_strbuf_init(&sb, buf, cap);
	render_json(&sb, ev, false);
	if (sb.overflow) {
		/* every field is capped, so only a tiny buffer gets here */
		sk_strbuf_reset(&sb);
		render_json(&sb, ev, true);
		if (sb.overflow) {
			if (cap > 0)
				buf[0] = '\0';
			return 0;
		}
	}
	return sb.len;
}

size_t sk_audit_format_line(const struct sk_audit_event *ev, char *buf,
			    size_t cap)
{
	struct sk_strbuf sb;
	char ip[SK_ADDR_TEXT_MAX];
	const char *s;

	sk_strbuf_init(&sb, buf, cap);
	sk_strbuf_puts(&sb, ev->success ? "auth success: client=[" :
					  "auth failure: client=[");
	if (ev->client.family != 0) {
		sk_addr_format(&ev->client, ip, sizeof(ip));
		sk_strbuf_puts(&sb, ip);
	} else {
		sk_strbuf_putc(&sb, '-');
	}
	sk_strbuf_putc(&sb, ']');
	if (ev->client_port != 0) {
		sk_strbuf_putc(&sb, ':');
		sk_strbuf_put_u64(&sb, ev->client_port);
	}
	sk_strbuf_puts(&sb, " service=");
	s = ev->service ? ev->service : "";
	sk_strbuf_put_token(&sb, s, strlen(s), 32);
	sk_strbuf_puts(&sb, " mech=");
	s = ev->mech ? ev->mech : "";
	sk_strbuf_put_token(&sb, s, strlen(s), 32);
	sk_strbuf_puts(&sb, " user=");
	sk_strbuf_put_token(&sb, ev->user ? ev->user : "",
			    ev->user ? ev->user_len : 0, 64);
	sk_strbuf_puts(&sb, " account=");
	s = ev->account ? ev->account : "";
	sk_strbuf_put_token(&sb, s, strlen(s), 64);
	sk_strbuf_puts(&sb, " key_id=");
	s = ev->key_id ? ev->key_id : "";
	sk_strbuf_put_token(&sb, s, strlen(s), 64);
	sk_strbuf_puts(&sb, " reason=");
	s = ev->reason ? ev->reason : "";
	sk_strbuf_put_token(&sb, s, strlen(s), 64);
	return sb.len;
}

/* ---- sinks ---- */

static void file_open(struct sk_audit *au)
{
	struct stat sb;

	au->fd = open(au->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
				 O_NOCTTY, 0640);
	if (au->fd < 0) {
		if (!au->file_warned)
			sk_log(au->lg, SK_LOG_ERR,
			       "cannot open audit file %s: %s", au->path,
			       strerror(errno));
		au->file_warned = true;
		return;
	}
	au->file_warned = false;
	au->torn = false;
	if (fstat(au->fd, &sb) == 0) {
		au->ino = sb.st_ino;
		au->dev = sb.st_dev;
	}
}

/* after logrotate moved the file away, start a new one at the path */
static void file_recheck(struct sk_audit *au, time_t now)
{
	struct stat sb;

	if (au->fd >= 0 && now - au->checked < RECHECK_SECONDS)
		return;
	au->checked = now;
	if (au->fd >= 0) {
		if (stat(au->path, &sb) == 0 && sb.st_ino == au->ino &&
		    sb.st_dev == au->dev)
			return;
		close(au->fd);
		au->fd = -1;
	}
	file_open(au);
}

static void sock_connect(struct sk_audit *au, time_t now)
{
	if (au->sock >= 0 || now - au->sock_tried < RECHECK_SECONDS)
		return;
	au->sock_tried = now;
	au->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (au->sock < 0)
		return;
	if (connect(au->sock, (struct sockaddr *)&au->sun, sizeof(au->sun)) !=
	    0) {
		if (!au->sock_warned)
			sk_log(au->lg, SK_LOG_WARN,
			       "audit syslog socket %s: %s", au->sun.sun_path,
			       strerror(errno));
		au->sock_warned = true;
		close(au->sock);
		au->sock = -1;
		return;
	}
	au->sock_warned = false;
}

static void sock_send(struct sk_audit *au, const struct sk_audit_event *ev)
{
	static const char mon[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
					 "Jun", "Jul", "Aug", "Sep", "Oct",
					 "Nov", "Dec" };
	char msg[1024];
	struct tm tm;
	time_t t = ev->when.tv_sec;
	int n;
	size_t len;

	if (au->sock < 0)
		return;
	localtime_r(&t, &tm);
	/* RFC 3164: <PRI>Mmm dd hh:mm:ss TAG[PID]: MSG; auth = facility 4 */
	n = snprintf(msg, sizeof(msg), "<%d>%s %2d %02d:%02d:%02d saslkey[%ld]: ",
		     4 * 8 + (ev->success ? 6 : 5), mon[tm.tm_mon], tm.tm_mday,
		     tm.tm_hour, tm.tm_min, tm.tm_sec, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(msg))
		return;
	len = (size_t)n + sk_audit_format_line(ev, msg + n, sizeof(msg) - (size_t)n);
	if (send(au->sock, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
	    errno != EAGAIN) {
		/* syslog daemon restarted: reconnect on a later event */
		close(au->sock);
		au->sock = -1;
	}
}

int sk_audit_open(struct sk_audit **out, const char *file, bool syslog,
		  const char *syslog_socket, const struct sk_logger *lg)
{
	struct sk_audit *au;

	*out = NULL;
	if ((au = calloc(1, sizeof(*au))) == NULL)
		return SK_NOMEM;
	au->lg = lg;
	au->fd = -1;
	au->sock = -1;
	au->sock_tried = -RECHECK_SECONDS;
	if (file != NULL && file[0] != '\0') {
		if ((au->path = strdup(file)) == NULL) {
			free(au);
			return SK_NOMEM;
		}
		file_open(au);
		au->checked = time(NULL);
	}
	if (syslog && syslog_socket != NULL && syslog_socket[0] != '\0') {
		if (strlen(syslog_socket) >= sizeof(au->sun.sun_path)) {
			free(au->path);
			free(au);
			return SK_INVALID;
		}
		au->syslog = true;
		au->sun.sun_family = AF_UNIX;
		memcpy(au->sun.sun_path, syslog_socket, strlen(syslog_socket));
	}
	*out = au;
	return SK_OK;
}

void sk_audit_close(struct sk_audit *au)
{
	if (au == NULL)
		return;
	if (au->fd >= 0)
		close(au->fd);
	if (au->sock >= 0)
		close(au->sock);
	free(au->path);
	free(au);
}

void sk_audit_emit(struct sk_audit *au, const struct sk_audit_event *ev)
{
	char line[SK_AUDIT_LINE_MAX + 1];	/* + a leading newline */
	char *p = line + 1;
	ssize_t w;
	size_t n;

	if (au == NULL)
		return;
	if (au->path != NULL) {
		file_recheck(au, ev->when.tv_sec);
		if (au->fd >= 0) {
			n = sk_audit_format_json(ev, p, SK_AUDIT_LINE_MAX - 1);
			if (n > 0) {
				p[n++] = '\n';
				/*
				 * A full disk cuts a write short and leaves
				 * part of a line: end it first, so that this
				 * event is a line of its own again.
				 */
				if (au->torn) {
					*--p = '\n';
					n++;
				}
				/* one write: O_APPEND makes it atomic per line */
				w = write(au->fd, p, n);
				if (w == (ssize_t)n) {
					au->torn = false;
				} else {
					if (w > 0)
						au->torn = true;
					if (!au->file_warned)
						sk_log(au->lg, SK_LOG_ERR,
						       "audit file %s: write "
						       "failed: %s", au->path,
						       w < 0 ? strerror(errno) :
						       "short write");
					au->file_warned = true;
				}
			}
		}
	}
	if (au->syslog) {
		sock_connect(au, ev->when.tv_sec);
		sock_send(au, ev);
	}
}
