#!/bin/sh
# End to end with the stock sample programs: sasl-sample-server loads our
# plugin (and the stock ones) exactly as an application would, and the
# stock client plugins of sasl-sample-client talk to it over a pipe.
set -u
. "$(dirname "$0")/lib.sh"

T=$(mktemp -d /tmp/sk-sample.XXXXXX)
trap 'keep_logs sample "$T/audit.json"; rm -rf "$T"' EXIT
DB=$T/keys.db
AUDIT=$T/audit.json
export SASLKEY_DB=$DB

"$SK_CLI" init >/dev/null
"$SK_CLI" account add acme >/dev/null 2>&1
KEY=$("$SK_CLI" key create acme --service rcmd --service smtp --cram 2>/dev/null)
KID=$(printf '%s' "$KEY" | cut -d_ -f2)
cat >"$T/sample.conf" <<CONF
mech_list: PLAIN LOGIN CRAM-MD5
saslkey_db: $DB
saslkey_audit_file: $AUDIT
saslkey_audit_syslog: no
CONF

for mech in PLAIN LOGIN CRAM-MD5; do
	# CRAM-MD5 never sends the key: the user names it (key id)
	user=apikey
	[ $mech = CRAM-MD5 ] && user=$KID
	n=$(audit_count "$AUDIT")
	check "$mech: sample client authenticates with an API key" \
	    run_mech "$T" $user "$KEY" $mech
	check "$mech: the server reports the account as the user" \
	    sh -c 'printf "%s\n" "$1" | grep -q "^Username: acme"' - "$LAST_SERVER_OUT"
	check "$mech: one audit event, outcome success" \
	    [ "$(audit_count "$AUDIT")" -eq $((n + 1)) -a \
	      "$(audit_field "$AUDIT" event.outcome)" = success ]
	bad=$(forge_key "$KEY")
	if run_mech "$T" $user "$bad" $mech; then
		not_ok "$mech: a wrong key is refused"
	else
		ok "$mech: a wrong key is refused"
	fi
	check "$mech: the refusal is audited as bad_secret" \
	    [ "$(audit_field "$AUDIT" event.reason)" = bad_secret ]
done

check "the audit file never contains the key" \
    sh -c '! grep -qF "$1" "$2"' - "$KEY" "$AUDIT"
summary "sample programs"
