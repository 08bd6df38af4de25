/* saslkey fuzzing - CRAM-MD5 (RFC 2195) responses, through the real
 * libsasl2 into the real plugin and its request layer (lib/saslfx.h) */
#include "fuzz.h"
#include "saslfx.h"

SKF_SASL_TARGET("CRAM-MD5")
