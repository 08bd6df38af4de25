#!/bin/sh
# Run every end-to-end script; fail if any failed.
set -u
dir=$(dirname "$0")
rc=0
# fail2ban reads the syslog lines postfix leaves in $SK_BUILD: keep it after
for t in ${SK_E2E:-sample doctor postfix fail2ban checkpassword dovecot \
		packages}; do
	echo "-- $t"
	sh "$dir/$t.sh" || rc=1
done
exit $rc
