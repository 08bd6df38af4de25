/* saslkey bench - callgrind's client requests, or nothing without them */
#ifndef SKB_CALLGRIND_H
#define SKB_CALLGRIND_H

/*
 * The harnesses turn collection on around exactly what they measure
 * (valgrind --collect-atstart=no); built without valgrind's headers they
 * still run natively, the requests doing nothing.
 */
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif
#endif
#ifndef HAVE_CALLGRIND
#define CALLGRIND_TOGGLE_COLLECT do { } while (0)
#define RUNNING_ON_VALGRIND 0
#endif

#endif
