/* saslkey fuzzing - PLAIN (RFC 4616) responses, through the real
 * libsasl2 into the real plugin and its request layer (lib/saslfx.h) */
#include "fuzz.h"
#include "saslfx.h"

SKF_SASL_TARGET("PLAIN")
