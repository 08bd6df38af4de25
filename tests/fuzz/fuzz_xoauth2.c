/* saslkey fuzzing - XOAUTH2 messages, bearer tokens included, through the real
 * libsasl2 into the real plugin and its request layer (lib/saslfx.h) */
#include "fuzz.h"
#include "saslfx.h"

SKF_SASL_TARGET("XOAUTH2")
