/* saslkey - diagnostics sink */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

void sk_log(const struct sk_logger *lg, enum sk_log_level level,
	    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (lg == NULL || lg->emit == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lg->emit(lg->ctx, level, msg);
}
