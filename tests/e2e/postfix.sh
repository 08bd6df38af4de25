#!/bin/sh
# A real Postfix smtpd on 127.0.0.1 with libsaslkey.so first in SASL_PATH,
# driven by real clients (swaks).  Checks SMTP replies, that accepted mail
# is queued, the audit file and syslog lines, and Postfix's own log.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/postfix-lib.sh"

T=$(mktemp -d /tmp/sk-postfix.XXXXXX)
PORT=$(pf_free_port)
cleanup() { pf_stop "$T"; [ -n "${SK_KEEP:-}" ] || rm -rf "$T"; }
trap cleanup EXIT INT TERM
export SASLKEY_DB=$T/store/keys.db
MECHS="PLAIN LOGIN CRAM-MD5"

# the store and its master key first, as an administrator would: smtpd
# reads the master key (0600 root) when it starts, before dropping root
mkdir -p "$T/store"
"$SK_CLI" init >/dev/null
"$SK_CLI" account add acme >/dev/null 2>&1
"$SK_CLI" account add lo --allow 127.0.0.1/32 >/dev/null 2>&1
# --cram: the same keys also work for CRAM-MD5 (user = key id)
KEY=$("$SK_CLI" key create acme --cram 2>/dev/null)
KEY_LO=$("$SK_CLI" key create lo --cram 2>/dev/null)
KEY_REV=$("$SK_CLI" key create acme --cram 2>/dev/null)
"$SK_CLI" key revoke "$(printf '%s' "$KEY_REV" | cut -d_ -f2)" 2>/dev/null

pf_start "$T" "$PORT" "$MECHS" || { not_ok "postfix starts"; summary postfix; exit 1; }
ok "postfix starts with libsaslkey.so in SASL_PATH (port $PORT)"
pf_store_perms "$T"
AUDIT=$T/audit.json

# swaks_auth MECH USER PASS [extra swaks args]: prints the transcript
swaks_auth() {
	mech=$1 user=$2 pass=$3
	shift 3
	swaks --server "127.0.0.1:$PORT" --auth "$mech" --auth-user "$user" \
	    --auth-password "$pass" --from sender@example.test \
	    --to rcpt@example.net --h-Subject "saslkey e2e" "$@" 2>&1
}

# expect_reply DESC TRANSCRIPT CODE...: each code appears as a server reply
expect_reply() {
	desc=$1 out=$2
	shift 2
	for code in "$@"; do
		if ! printf '%s\n' "$out" | grep -q "^<[-*~ ]* $code "; then
			not_ok "$desc (no $code reply)"
			printf '%s\n' "$out" | grep '^<' | sed 's/^/     /' | tail -5
			return
		fi
	done
	ok "$desc"
}

kid() { printf '%s' "$1" | cut -d_ -f2; }

for mech in PLAIN LOGIN CRAM-MD5; do
	# CRAM-MD5 sends only a digest: the user must say which key (its id)
	u() { if [ $mech = CRAM-MD5 ]; then kid "$1"; else echo apikey; fi; }
	n=$(audit_count "$AUDIT")
	out=$(swaks_auth $mech "$(u "$KEY")" "$KEY")
	expect_reply "$mech with an API key: 235, then 250 after DATA" "$out" 235 250
	check "$mech success: exactly one audit event, reason ok" \
	    [ "$(audit_count "$AUDIT")" -eq $((n + 1)) -a \
	      "$(audit_field "$AUDIT" event.reason)" = ok ]
	check "$mech success: the event names the account and the key id" \
	    [ "$(audit_field "$AUDIT" user.id)" = acme -a \
	      "$(audit_field "$AUDIT" saslkey.key_id)" = "$(printf '%s' "$KEY" | cut -d_ -f2)" ]

	out=$(swaks_auth $mech "$(u "$KEY")" "$(forge_key "$KEY")" --quit-after AUTH)
	expect_reply "$mech with a wrong key: 535" "$out" 535
	check "$mech wrong key audited as bad_secret" \
	    [ "$(audit_field "$AUDIT" event.reason)" = bad_secret ]

	out=$(swaks_auth $mech "$(u "$KEY_REV")" "$KEY_REV" --quit-after AUTH)
	expect_reply "$mech with a revoked key: 535" "$out" 535
	check "$mech revoked key audited as key_revoked" \
	    [ "$(audit_field "$AUDIT" event.reason)" = key_revoked ]

	out=$(swaks_auth $mech "$(u "$KEY_LO")" "$KEY_LO" --quit-after AUTH)
	expect_reply "$mech key restricted to 127.0.0.1/32, from 127.0.0.1: 235" "$out" 235
	out=$(swaks_auth $mech "$(u "$KEY_LO")" "$KEY_LO" --quit-after AUTH \
	    --local-interface 127.0.0.2)
	expect_reply "$mech same key from 127.0.0.2: 535" "$out" 535
	check "$mech refused address audited as ip_not_allowed_account from 127.0.0.2" \
	    [ "$(audit_field "$AUDIT" event.reason)" = ip_not_allowed_account -a \
	      "$(audit_field "$AUDIT" source.ip)" = 127.0.0.2 ]
done

# the store made unreadable: a temporary failure, not bad credentials
chmod 000 "$T/store/keys.db"
out=$(swaks_auth PLAIN apikey "$KEY" --quit-after AUTH)
expect_reply "store unreadable: 454 (temporary)" "$out" 454
check "unreadable store audited as store_unavailable" \
    [ "$(audit_field "$AUDIT" event.reason)" = store_unavailable ]
pf_store_perms "$T"
out=$(swaks_auth PLAIN apikey "$KEY" --quit-after AUTH)
expect_reply "store readable again: 235 without restarting Postfix" "$out" 235

# Postfix's own view of the accepted mails
sleep 0.5
check "Postfix logged sasl_method=PLAIN, sasl_username=acme" \
    grep -q "sasl_method=PLAIN, sasl_username=acme" "$T/maillog"
check "Postfix logged sasl_method=LOGIN, sasl_username=acme" \
    grep -q "sasl_method=LOGIN, sasl_username=acme" "$T/maillog"
check "Postfix logged sasl_method=CRAM-MD5, sasl_username=acme" \
    grep -q "sasl_method=CRAM-MD5, sasl_username=acme" "$T/maillog"
check "accepted mail reached the discard sink" \
    grep -q "status=sent (saslkey test sink)" "$T/maillog"

# the syslog line: one per attempt, fail2ban-shaped
check "one syslog line per audit event" \
    [ "$(grep -c 'saslkey\[[0-9]*\]: auth ' "$T/syslog.log")" -eq "$(audit_count "$AUDIT")" ]
check "syslog failure line carries client, mech, user and reason" \
    grep -Eq 'saslkey\[[0-9]+\]: auth failure: client=\[127\.0\.0\.2\]:[0-9]+ service=smtp mech=PLAIN user=apikey account=lo key_id=[0-9A-Za-z]{12} reason=ip_not_allowed_account$' "$T/syslog.log"
cp "$T/syslog.log" "${SK_BUILD:-/tmp}/postfix-syslog.log" 2>/dev/null || true

for k in "$KEY" "$KEY_LO" "$KEY_REV"; do
	sec=$(printf '%s' "$k" | cut -d_ -f3)
	if grep -qF "$sec" "$AUDIT" "$T/syslog.log" "$T/maillog" "$T/store/keys.db"; then
		not_ok "a key secret appears in a log or the store"
	else
		ok "no key secret in the audit file, syslog, maillog or store"
	fi
done

master=$(tr -d ' ' <"$T/spool/pid/master.pid")
listener=$(cat "$T/syslog.pid")
pf_stop "$T"
check "postfix and the syslog listener stopped, nothing left running" \
    sh -c '! kill -0 "$1" 2>/dev/null && ! kill -0 "$2" 2>/dev/null &&
           ! pgrep -u postfix -f "smtpd -n 127.0.0.1:$3" >/dev/null' \
    - "$master" "$listener" "$PORT"
summary "postfix"
