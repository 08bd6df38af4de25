#!/bin/sh
# Run every end-to-end script; fail if any failed.
set -u
dir=$(dirname "$0")
rc=0
for t in ${SK_E2E:-sample doctor postfix}; do
	echo "-- $t"
	sh "$dir/$t.sh" || rc=1
done
exit $rc
