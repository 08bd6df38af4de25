#!/bin/sh
# make bench: the full suite (bench/README.md); writes bench/RESULTS.md.
# Runs from the Makefile with TEST_ENV + BENCH_ENV set.
set -eu
cd "$(dirname "$0")/.."
exec /usr/bin/python3 bench/run.py "$@"
