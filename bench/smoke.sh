#!/bin/sh
# make bench-smoke (the last step of make check): every benchmark scenario
# runs a few authentications natively and must succeed or fail as it
# should.  No valgrind, no timing assertions; a few seconds.
set -eu
cd "$(dirname "$0")/.."
exec /usr/bin/python3 bench/run.py --smoke "$@"
