#!/bin/sh
# A real Dovecot (auth service only, on 127.0.0.1) with
# saslkey-checkpassword as its passdb, driven by `doveadm auth test`
# (PLAIN).  The helper runs as user dovecot, like in production, so the
# store needs the same group permissions an administrator would give it.
# Recipe: /work/shared/reference/recipes/dovecot-checkpw-test.sh.
set -u
. "$(dirname "$0")/lib.sh"
: "${SK_CHECKPW:?SK_CHECKPW must point at saslkey-checkpassword}"

T=$(mktemp -d /tmp/sk-dovecot.XXXXXX)
C=$T/dovecot.conf
MASTER=
cleanup() {
	if [ -n "$MASTER" ] && kill -0 "$MASTER" 2>/dev/null; then
		kill "$MASTER" 2>/dev/null
		for _ in $(seq 1 100); do
			kill -0 "$MASTER" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$MASTER" 2>/dev/null || true
	fi
	keep_logs dovecot "$T/audit.json" "$T/dovecot.log"
	[ -n "${SK_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM
# the helper (uid dovecot) must reach the store and the audit file
chmod 755 "$T"
mkdir -p "$T/run" "$T/state" "$T/store"
export SASLKEY_DB=$T/store/keys.db
AUDIT=$T/audit.json

"$SK_CLI" init >/dev/null 2>&1
"$SK_CLI" account add acme >/dev/null 2>&1
"$SK_CLI" account add lo --allow 127.0.0.1/32 >/dev/null 2>&1
KEY=$("$SK_CLI" key create acme --service imap 2>/dev/null)
KEY_LO=$("$SK_CLI" key create lo --service imap 2>/dev/null)
KEY_SMTP=$("$SK_CLI" key create acme --service smtp 2>/dev/null)
# the store as deployed for Dovecot: 0750 directory, 0640 file, group dovecot
chgrp dovecot "$T/store" "$T/store/keys.db"
chmod 0750 "$T/store"
chmod 0640 "$T/store/keys.db"
touch "$AUDIT"
chown dovecot "$AUDIT"

# the helper reads the same kind of file the MTA does
cat >"$T/saslkey.conf" <<CONF
saslkey_db: $SASLKEY_DB
saslkey_audit_file: $AUDIT
saslkey_audit_syslog: no
CONF
cat >"$C" <<CONF
base_dir = $T/run
state_dir = $T/state
instance_name = sk-dovecot-$$
log_path = $T/dovecot.log
protocols =
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# failures are answered at once (the default delays them 2 s)
auth_failure_delay = 0
auth_verbose = yes
auth_debug = yes
passdb {
  driver = checkpassword
  args = $SK_CHECKPW --config $T/saslkey.conf
}
userdb {
  driver = prefetch
}
CONF

if ! dovecot -c "$C" 2>"$T/start.err"; then
	not_ok "dovecot starts"
	cat "$T/start.err" "$T/dovecot.log" 2>/dev/null
	summary dovecot
	exit 1
fi
for _ in $(seq 1 100); do
	[ -S "$T/run/auth-client" ] && [ -s "$T/run/master.pid" ] && break
	sleep 0.05
done
MASTER=$(cat "$T/run/master.pid" 2>/dev/null)
check "dovecot starts with the checkpassword passdb (master pid ${MASTER:-?})" \
    [ -n "$MASTER" -a -S "$T/run/auth-client" ]

# auth USER PASS [-x k=v ...]: doveadm auth test (PLAIN); sets RC and OUT
auth() {
	u=$1 p=$2
	shift 2
	# no-penalty: no auth_penalty (2, 4, 8 ... s before each request
	# after failures from one address); login processes send it too
	OUT=$(doveadm -c "$C" auth test -x no-penalty=1 "$@" "$u" "$p" 2>&1)
	RC=$?
}
last() { audit_field "$AUDIT" "$1"; }
# split into words on purpose (doveadm arguments)
IMAP="-x service=imap -x rip=127.0.0.1 -x rport=40001 -x lip=127.0.0.1 -x lport=143"

n=$(audit_count "$AUDIT")
auth apikey "$KEY" $IMAP
check "user apikey + key: doveadm exit 0, auth succeeded" \
    eval '[ $RC -eq 0 ] && printf "%s\n" "$OUT" | grep -q "auth succeeded"'
check "Dovecot's user becomes the key's account (user=acme)" \
    sh -c 'printf "%s\n" "$1" | grep -q "user=acme"' - "$OUT"
check "one audit event per attempt, reason ok" \
    [ "$(audit_count "$AUDIT")" -eq $((n + 1)) -a "$(last event.reason)" = ok ]
check "audit: service.name imap, mechanism PLAIN, process saslkey-checkpassword" \
    [ "$(last service.name)" = imap -a "$(last saslkey.mechanism)" = PLAIN -a \
      "$(last process.name)" = saslkey-checkpassword ]
check "audit: source 127.0.0.1:40001, server 127.0.0.1:143 (from Dovecot)" \
    [ "$(last source.ip)" = 127.0.0.1 -a "$(last source.port)" = 40001 -a \
      "$(last server.ip)" = 127.0.0.1 -a "$(last server.port)" = 143 ]

auth acme "$KEY" $IMAP
check "user = account + key: exit 0, user=acme" \
    eval '[ $RC -eq 0 ] && printf "%s\n" "$OUT" | grep -q "user=acme"'

auth apikey "$(forge_key "$KEY")" $IMAP
check "wrong key: doveadm exit 77 (auth failed)" \
    eval '[ $RC -eq 77 ] && printf "%s\n" "$OUT" | grep -q "auth failed"'
check "wrong key audited as bad_secret" [ "$(last event.reason)" = bad_secret ]
check "Dovecot logged the helper's exit 1 as a login failure" \
    grep -q 'Login failed (status=1)' "$T/dovecot.log"

auth apikey "$KEY_SMTP" $IMAP
check "smtp-only key for service imap: exit 77, service_not_allowed" \
    eval '[ $RC -eq 77 ] && [ "$(last event.reason)" = service_not_allowed ]'
auth apikey "$KEY_SMTP" -x service=smtp -x rip=127.0.0.1
check "the same key for service smtp: exit 0" [ $RC -eq 0 ]

auth apikey "$KEY_LO" $IMAP
check "account allowed from 127.0.0.1/32, rip=127.0.0.1: exit 0" [ $RC -eq 0 ]
auth apikey "$KEY_LO" -x service=imap -x rip=192.0.2.7
check "same key, rip=192.0.2.7: exit 77 (refused)" [ $RC -eq 77 ]
check "refused address audited: ip_not_allowed_account, source.ip 192.0.2.7, service imap" \
    [ "$(last event.reason)" = ip_not_allowed_account -a \
      "$(last source.ip)" = 192.0.2.7 -a "$(last service.name)" = imap ]

OUT=$(doveadm -c "$C" auth lookup apikey 2>&1)
RC=$?
check "passdb lookup (AUTHORIZED=1): user unknown (doveadm exit 67)" \
    eval '[ $RC -eq 67 ] && printf "%s\n" "$OUT" | grep -q "doesn.t exist"'

# the store unreadable for uid dovecot: a temporary failure, not a mismatch
chmod 0600 "$T/store/keys.db"
auth apikey "$KEY" $IMAP
check "store unreadable for dovecot: refused (exit 77)" [ $RC -eq 77 ]
check "...audited as store_unavailable, SASL_UNAVAIL" \
    [ "$(last event.reason)" = store_unavailable -a "$(last event.code)" = SASL_UNAVAIL ]
check "...and Dovecot saw a temporary failure (status 111), not a mismatch" \
    grep -q 'exited with status 111' "$T/dovecot.log"
chmod 0640 "$T/store/keys.db"
auth apikey "$KEY" $IMAP
check "store readable again: exit 0 without restarting Dovecot" [ $RC -eq 0 ]

leak=0
for k in "$KEY" "$KEY_LO" "$KEY_SMTP"; do
	sec=$(printf '%s' "$k" | cut -d_ -f3)
	grep -qF "$sec" "$T/dovecot.log" "$AUDIT" && leak=1
done
check "no key secret in Dovecot's log or the audit file" [ $leak -eq 0 ]
check "Dovecot's log shows the helper ran (the leak check read a real log)" \
    grep -q 'checkpassword(acme' "$T/dovecot.log"

# stop by the master PID; its children go with it
kids=$(pgrep -P "$MASTER" | tr '\n' ' ')
kill "$MASTER" 2>/dev/null
for _ in $(seq 1 100); do
	kill -0 "$MASTER" 2>/dev/null || break
	sleep 0.1
done
alive=
for p in $MASTER $kids; do
	# a zombie left to init is not running; anything else is
	st=$(ps -o stat= -p "$p" 2>/dev/null | tr -d ' ')
	case $st in ''|Z*) ;; *) alive="$alive $p" ;; esac
done
check "dovecot stopped: master and its children gone" [ -z "$alive" ]
MASTER=
summary dovecot
