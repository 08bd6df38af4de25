#!/bin/sh
# Run every end-to-end script; fail if any failed.
set -u
dir=$(dirname "$0")
rc=0
# fail2ban reads the syslog lines postfix leaves in $SK_BUILD: keep it after
# concurrency runs while nothing else does; secret_scan is always last: it
# scans what every other script (and every suite before) left behind
for t in ${SK_E2E:-sample doctor postfix fail2ban checkpassword dovecot \
		packages concurrency secret_scan}; do
	echo "-- $t"
	if [ -n "${SK_BUILD:-}" ]; then
		# the output is kept for secret_scan; a file, not a pipe, so a
		# daemon a script leaves behind cannot hold this loop open
		mkdir -p "$SK_BUILD/logs"
		out=$SK_BUILD/logs/e2e-$t.out
		: >"$out"	# before tail opens it, not in the background
		sh "$dir/$t.sh" >"$out" 2>&1 &
		pid=$!
		tail -n +1 -s 0.2 --pid=$pid -f "$out"
		wait $pid || rc=1
	else
		sh "$dir/$t.sh" || rc=1
	fi
done
exit $rc
