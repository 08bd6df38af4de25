/* saslkey plugins - the entry points libsasl2 looks up, and nothing else */
#include "plugin.h"
#include "seal.h"
#include "status.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define PLUGIN_NAME "saslkey"

/*
 * One process context for every mechanism and the auxprop.  libsasl2 calls
 * mech_free once per mechanism entry and auxprop_free once, so the context
 * is reference counted and freed by the last of them; a host may then run
 * sasl_server_init() again and get a fresh one.
 */
static struct {
	pthread_mutex_t lock;
	unsigned refs;
	struct sk_ctx *ctx;
	const sasl_utils_t *utils;	/* the global utils of the last init */
	struct sk_logger lg;
} glob = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void glob_log(void *c, enum sk_log_level level, const char *msg)
{
	const sasl_utils_t *u = c;

	/* conn NULL: libsasl2 sends it straight to syslog (facility auth) */
	u->log(NULL, skp_log_level(level), "%s", msg);
}

static const char *utils_getopt(void *c, const char *name, size_t *len)
{
	const sasl_utils_t *u = c;
	const char *v = NULL;
	unsigned n = 0;

	if (u->getopt == NULL ||
	    u->getopt(u->getopt_context, PLUGIN_NAME, name, &v, &n) != SASL_OK ||
	    v == NULL)
		return NULL;
	*len = n ? n : strlen(v);
	return v;
}

struct sk_ctx *skp_ctx(void)
{
	return glob.ctx;
}

int skp_acquire(const sasl_utils_t *utils, unsigned refs)
{
	struct sk_settings s;
	struct stat sb;
	char err[256];
	int rc = SASL_OK;

	pthread_mutex_lock(&glob.lock);
	if (glob.ctx == NULL) {
		glob.utils = utils;
		glob.lg = (struct sk_logger){ .emit = glob_log,
					      .ctx = (void *)utils };
		if (sk_settings_load(&s, utils_getopt, (void *)utils, err,
				     sizeof(err)) != SK_OK) {
			/* a typo in policy options must not go unnoticed */
			sk_log(&glob.lg, SK_LOG_ERR, "saslkey: %s", err);
			rc = SASL_BADPARAM;
			goto out;
		}
		if (sk_ctx_new(&s, &glob.lg, &glob.ctx) != SK_OK) {
			sk_log(&glob.lg, SK_LOG_ERR,
			       "saslkey: cannot initialise");
			rc = SASL_NOMEM;
			goto out;
		}
		/*
		 * The store is opened on first use, after the host dropped
		 * privileges (Postfix: and chrooted); here we only warn early.
		 */
		if (stat(s.db, &sb) != 0)
			sk_log(&glob.lg, SK_LOG_ERR,
			       "saslkey: key store %s does not exist yet; every "
			       "attempt fails temporarily until it does "
			       "(saslkey init)", s.db);
	}
	glob.refs += refs;
out:
	pthread_mutex_unlock(&glob.lock);
	return rc;
}

void skp_release(void)
{
	pthread_mutex_lock(&glob.lock);
	if (glob.refs > 0 && --glob.refs == 0) {
		sk_ctx_free(glob.ctx);
		glob.ctx = NULL;
		/* libsasl2 may dlclose() us next: nothing cached may outlive it */
		sk_seal_release();
	}
	pthread_mutex_unlock(&glob.lock);
}

static void mech_free(void *glob_context, const sasl_utils_t *utils)
{
	(void)glob_context;
	(void)utils;
	skp_release();
}

static const sasl_server_plug_t *const mechs[] = {
	&skp_plain_mech,
	&skp_login_mech,
	&skp_cram_mech,
	&skp_oauthbearer_mech,
	&skp_xoauth2_mech,
};
static sasl_server_plug_t server_plugs[SK_N_ELEMENTS(mechs)];

__attribute__((visibility("default")))
int sasl_server_plug_init(const sasl_utils_t *utils, int maxversion,
			  int *out_version, sasl_server_plug_t **pluglist,
			  int *plugcount);

int sasl_server_plug_init(const sasl_utils_t *utils, int maxversion,
			  int *out_version, sasl_server_plug_t **pluglist,
			  int *plugcount)
{
	size_t i;
	int rc;

	if (maxversion < SASL_SERVER_PLUG_VERSION)
		return SASL_BADVERS;
	if ((rc = skp_acquire(utils, SK_N_ELEMENTS(mechs))) != SASL_OK)
		return rc;
	for (i = 0; i < SK_N_ELEMENTS(mechs); i++) {
		server_plugs[i] = *mechs[i];
		server_plugs[i].mech_free = mech_free;
	}
	*out_version = SASL_SERVER_PLUG_VERSION;
	*pluglist = server_plugs;
	*plugcount = (int)SK_N_ELEMENTS(mechs);
	return SASL_OK;
}

static sasl_auxprop_plug_t auxprop_plug;

__attribute__((visibility("default")))
int sasl_auxprop_plug_init(const sasl_utils_t *utils, int max_version,
			   int *out_version, sasl_auxprop_plug_t **plug,
			   const char *plugname);

int sasl_auxprop_plug_init(const sasl_utils_t *utils, int max_version,
			   int *out_version, sasl_auxprop_plug_t **plug,
			   const char *plugname)
{
	int rc;

	(void)plugname;
	if (max_version < SASL_AUXPROP_PLUG_VERSION)
		return SASL_BADVERS;
	if ((rc = skp_acquire(utils, 1)) != SASL_OK)
		return rc;
	auxprop_plug = skp_auxprop;
	*out_version = SASL_AUXPROP_PLUG_VERSION;
	*plug = &auxprop_plug;
	return SASL_OK;
}
