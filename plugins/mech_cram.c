/* saslkey plugins - CRAM-MD5 (RFC 2195) */
#include "plugin.h"
#include "strbuf.h"
#include "cram.h"
#include "secret.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/*
 * S: "<" random "." timestamp "@" serverFQDN ">"
 * C: user SP digest
 *
 * digest is HMAC-MD5(secret, challenge) as exactly 32 hex digits (either
 * case); the user is everything before the LAST space, so user names with
 * spaces still parse.  The random part comes from getrandom (libsasl2's
 * mkchal uses jrand48).  Server-first: libsasl2 itself refuses an initial
 * response.
 */
#define FQDN_MAX 255

struct cram_ctx {
	bool challenged;
	size_t chal_len;
	char chal[1 + 20 + 1 + 20 + 1 + FQDN_MAX + 2];
};

static int cram_new(void *glob_context, sasl_server_params_t *sparams,
		    const char *challenge, unsigned challen,
		    void **conn_context)
{
	(void)glob_context;
	(void)challenge;
	(void)challen;
	return skp_state_new(sparams, sizeof(struct cram_ctx), conn_context);
}

static int hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int make_challenge(struct cram_ctx *c, sasl_server_params_t *sparams)
{
	const char *fqdn = sparams->serverFQDN;
	struct sk_strbuf sb;
	uint64_t rnd;

	if (fqdn == NULL || fqdn[0] == '\0' || strlen(fqdn) > FQDN_MAX)
		fqdn = "localhost";
	if (sk_random(&rnd, sizeof(rnd)) != 0)
		return SASL_FAIL;
	/* "<random.time@fqdn>", without the formatter (per attempt) */
	sk_strbuf_init(&sb, c->chal, sizeof(c->chal));
	sk_strbuf_putc(&sb, '<');
	sk_strbuf_put_u64(&sb, rnd);
	sk_strbuf_putc(&sb, '.');
	sk_strbuf_put_i64(&sb, (int64_t)time(NULL));
	sk_strbuf_putc(&sb, '@');
	sk_strbuf_puts(&sb, fqdn);
	sk_strbuf_putc(&sb, '>');
	if (sb.overflow)
		return SASL_FAIL;
	c->chal_len = sb.len;
	c->challenged = true;
	return SASL_CONTINUE;
}

static int cram_step(void *conn_context, sasl_server_params_t *sparams,
		     const char *in, unsigned inlen, const char **serverout,
		     unsigned *serveroutlen, sasl_out_params_t *oparams)
{
	struct cram_ctx *c = conn_context;
	unsigned char digest[SK_CRAM_DIGEST_LEN];
	const char *sp = NULL, *hex;
	size_t ulen, i;
	int rc;

	*serverout = NULL;
	*serveroutlen = 0;
	if (!c->challenged) {
		rc = make_challenge(c, sparams);
		*serverout = c->chal;
		*serveroutlen = (unsigned)c->chal_len;
		return rc;
	}

	for (i = inlen; in != NULL && i > 0; i--) {
		if (in[i - 1] == ' ') {
			sp = in + i - 1;
			break;
		}
	}
	if (sp == NULL)
		return skp_malformed(sparams, "CRAM-MD5", NULL, 0);
	ulen = (size_t)(sp - in);
	hex = sp + 1;
	if (ulen == 0 || ulen > SK_FIELD_MAX || memchr(in, '\0', ulen) ||
	    memchr(in, '\r', ulen) || memchr(in, '\n', ulen) ||
	    inlen - ulen - 1 != 2 * SK_CRAM_DIGEST_LEN)
		return skp_malformed(sparams, "CRAM-MD5", in,
				     ulen > SK_FIELD_MAX ? SK_FIELD_MAX : ulen);
	for (i = 0; i < SK_CRAM_DIGEST_LEN; i++) {
		int hi = hexval((unsigned char)hex[2 * i]);
		int lo = hexval((unsigned char)hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return skp_malformed(sparams, "CRAM-MD5", in, ulen);
		digest[i] = (unsigned char)(hi << 4 | lo);
	}
	return skp_cram(sparams, oparams, in, ulen, c->chal, c->chal_len,
			digest);
}

static void cram_dispose(void *conn_context, const sasl_utils_t *utils)
{
	skp_dispose_wiped(conn_context, utils, sizeof(struct cram_ctx));
}

/* the stock CRAM-MD5's flags: NOPLAINTEXT (no password crosses the wire) */
const sasl_server_plug_t skp_cram_mech = {
	.mech_name = "CRAM-MD5",
	.max_ssf = 0,
	.security_flags = SASL_SEC_NOPLAINTEXT | SASL_SEC_NOANONYMOUS,
	.features = SASL_FEAT_SERVER_FIRST,
	.mech_new = cram_new,
	.mech_step = cram_step,
	.mech_dispose = cram_dispose,
};
