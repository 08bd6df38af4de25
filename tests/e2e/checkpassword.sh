#!/bin/sh
# saslkey-checkpassword without Dovecot: the checkpassword protocol itself
# (fd 3 framing, the 512-byte limit, lookups, argv and options, exit
# statuses 0/1/3/111) and that it goes through the request layer (policy,
# one audit event per attempt, no output, no secret anywhere).
set -u
. "$(dirname "$0")/lib.sh"
: "${SK_CHECKPW:?SK_CHECKPW must point at saslkey-checkpassword}"

T=$(mktemp -d /tmp/sk-cpw.XXXXXX)
trap 'keep_logs checkpassword "$T/audit.json"; rm -rf "$T"' EXIT INT TERM
export SASLKEY_DB=$T/keys.db
AUDIT=$T/audit.json

"$SK_CLI" init >/dev/null 2>&1
"$SK_CLI" account add acme >/dev/null 2>&1
"$SK_CLI" account add lo --allow 127.0.0.1/32 >/dev/null 2>&1
KEY=$("$SK_CLI" key create acme --service imap --service smtp 2>/dev/null)
KEY_LO=$("$SK_CLI" key create lo --service imap 2>/dev/null)
KEY_SMTP=$("$SK_CLI" key create acme --service smtp 2>/dev/null)
kid() { printf '%s' "$1" | cut -d_ -f2; }
cat >"$T/conf" <<CONF
saslkey_db: $SASLKEY_DB
saslkey_audit_file: $AUDIT
saslkey_audit_syslog: no
CONF
# a stand-in for checkpassword-reply: records what it was given
cat >"$T/reply" <<'SH'
#!/bin/sh
printf 'USER=%s\nARGS=%s\n' "$USER" "$*" >"$(dirname "$0")/reply.out"
SH
chmod 755 "$T/reply"

# req FILE USER PASS [TIMESTAMP]: a request as Dovecot writes it
req() { printf '%s\0%s\0%s\0' "$2" "$3" "${4:-}" >"$1"; }

# cpw INFILE "VAR=VALUE ..." [ARGS...]: the helper in a clean environment
# (like Dovecot's) with fd 3 from INFILE; sets RC, leaves stdout/stderr in
# files.  Without ARGS: --config conf and the reply stand-in.
cpw() {
	in=$1 envs=$2
	shift 2
	[ $# -gt 0 ] || set -- --config "$T/conf" "$T/reply" arg1
	rm -f "$T/reply.out"
	# shellcheck disable=SC2086
	env -i PATH=/usr/bin:/bin $envs "$SK_CHECKPW" "$@" \
	    3<"$in" >"$T/stdout" 2>"$T/stderr"
	RC=$?
}
IMAP="SERVICE=imap TCPREMOTEIP=127.0.0.1 TCPREMOTEPORT=40001 TCPLOCALIP=127.0.0.1 TCPLOCALPORT=143 AUTH_MECH=PLAIN"
FAR="SERVICE=imap TCPREMOTEIP=192.0.2.7 TCPREMOTEPORT=40002 AUTH_MECH=PLAIN"

quiet() { [ ! -s "$T/stdout" ] && [ ! -s "$T/stderr" ]; }
replied() { [ -f "$T/reply.out" ] && grep -qx "USER=$1" "$T/reply.out"; }
no_reply() { [ ! -f "$T/reply.out" ]; }
last() { audit_field "$AUDIT" "$1"; }
one_line_stderr() { [ ! -s "$T/stdout" ] && [ "$(wc -l <"$T/stderr")" -eq 1 ]; }

# --- success: the reply program runs with USER = the key's account
n=$(audit_count "$AUDIT")
req "$T/in" apikey "$KEY"
cpw "$T/in" "$IMAP"
check "user apikey + key: exit 0 via the reply program, USER=acme" \
    eval '[ $RC -eq 0 ] && replied acme'
check "the reply program got Dovecot's arguments unchanged" \
    grep -qx "ARGS=arg1" "$T/reply.out"
check "success: nothing on stdout or stderr" quiet
check "success: exactly one audit event, reason ok" \
    [ "$(audit_count "$AUDIT")" -eq $((n + 1)) -a "$(last event.reason)" = ok ]
check "audit: mechanism from AUTH_MECH, service from SERVICE" \
    [ "$(last saslkey.mechanism)" = PLAIN -a "$(last service.name)" = imap ]
check "audit: client and server from TCPREMOTE*/TCPLOCAL*" \
    [ "$(last source.ip)" = 127.0.0.1 -a "$(last source.port)" = 40001 -a \
      "$(last server.ip)" = 127.0.0.1 -a "$(last server.port)" = 143 ]
check "audit: process name saslkey-checkpassword, account acme" \
    [ "$(last process.name)" = saslkey-checkpassword -a "$(last user.id)" = acme ]

req "$T/in" acme "$KEY"
cpw "$T/in" "$IMAP"
check "user = the account: exit 0, USER=acme" eval '[ $RC -eq 0 ] && replied acme'
req "$T/in" "$(kid "$KEY")" "$KEY"
cpw "$T/in" "$IMAP"
check "user = the key id: exit 0, USER=acme" eval '[ $RC -eq 0 ] && replied acme'

# --- credential and policy failures: 1, no reply, audited
req "$T/in" apikey "$(forge_key "$KEY")"
cpw "$T/in" "$IMAP"
check "wrong secret: exit 1, reply not run, nothing printed" \
    eval '[ $RC -eq 1 ] && no_reply && quiet'
check "wrong secret audited as bad_secret" [ "$(last event.reason)" = bad_secret ]
req "$T/in" bob "$KEY"
cpw "$T/in" "$IMAP"
check "another account's name as user: exit 1 (user_mismatch)" \
    eval '[ $RC -eq 1 ] && no_reply && [ "$(last event.reason)" = user_mismatch ]'
req "$T/in" apikey "not-a-key"
cpw "$T/in" "$IMAP"
check "a password that is not a key: exit 1 (malformed_key)" \
    eval '[ $RC -eq 1 ] && [ "$(last event.reason)" = malformed_key ]'

req "$T/in" apikey "$KEY_LO"
cpw "$T/in" "$IMAP"
check "account allowed from 127.0.0.1/32, client 127.0.0.1: exit 0" \
    eval '[ $RC -eq 0 ] && replied lo'
cpw "$T/in" "$FAR"
check "same key from 192.0.2.7: exit 1, ip_not_allowed_account" \
    eval '[ $RC -eq 1 ] && no_reply && [ "$(last event.reason)" = ip_not_allowed_account ]'
check "refused client audited with source.ip 192.0.2.7" \
    [ "$(last source.ip)" = 192.0.2.7 ]
cpw "$T/in" "SERVICE=imap AUTH_MECH=PLAIN"
check "same key, no TCPREMOTEIP: exit 1, no_client_address" \
    eval '[ $RC -eq 1 ] && [ "$(last event.reason)" = no_client_address ]'
cpw "$T/in" "SERVICE=imap TCPREMOTEIP=::1 AUTH_MECH=PLAIN"
check "IPv6 client ::1 is not in 127.0.0.1/32: exit 1, source.ip ::1" \
    eval '[ $RC -eq 1 ] && [ "$(last source.ip)" = ::1 ]'
cpw "$T/in" "SERVICE=imap TCPREMOTEIP=127.0.0.1 TCPREMOTEPORT=x1 AUTH_MECH=PLAIN"
check "a non-numeric TCPREMOTEPORT is dropped, the address kept: exit 0" \
    eval '[ $RC -eq 0 ] && [ "$(last source.ip)" = 127.0.0.1 -a -z "$(last source.port)" ]'

req "$T/in" apikey "$KEY_SMTP"
cpw "$T/in" "SERVICE=smtp TCPREMOTEIP=127.0.0.1 AUTH_MECH=PLAIN"
check "smtp-only key with SERVICE=smtp: exit 0" [ $RC -eq 0 ]
cpw "$T/in" "$IMAP"
check "smtp-only key with SERVICE=imap: exit 1, service_not_allowed" \
    eval '[ $RC -eq 1 ] && [ "$(last event.reason)" = service_not_allowed ]'

# --- client-controlled fields that do not make sense: 1, audited
n=$(audit_count "$AUDIT")
req "$T/in" "" "$KEY"
cpw "$T/in" "$IMAP"
check "empty user: exit 1, audited as malformed_request" \
    eval '[ $RC -eq 1 ] && no_reply && [ "$(last event.reason)" = malformed_request ]'
req "$T/in" apikey ""
cpw "$T/in" "$IMAP"
check "empty password outside a lookup: exit 1, audited" \
    eval '[ $RC -eq 1 ] && [ "$(audit_count "$AUDIT")" -eq $((n + 2)) ]'
req "$T/in" "$(printf '%0300d' 0)" "$KEY"
cpw "$T/in" "$IMAP"
check "a 300-byte user: exit 1, malformed_request" \
    eval '[ $RC -eq 1 ] && [ "$(last event.reason)" = malformed_request ]'

# --- lookups: an API key cannot be found without the key
n=$(audit_count "$AUDIT")
req "$T/in" apikey ""
cpw "$T/in" "AUTHORIZED=1 SERVICE=imap"
check "lookup (AUTHORIZED=1, no password): exit 3, no reply, quiet" \
    eval '[ $RC -eq 3 ] && no_reply && quiet'
req "$T/in" acme ""
cpw "$T/in" "AUTHORIZED=1 CREDENTIALS_LOOKUP=1 SCHEME=CRAM-MD5"
check "credentials lookup: exit 3" eval '[ $RC -eq 3 ] && no_reply'
req "$T/in" apikey "$KEY"
cpw "$T/in" "AUTHORIZED=1 SERVICE=imap TCPREMOTEIP=127.0.0.1"
check "AUTHORIZED=1 even with a valid key: exit 3, never a success" \
    eval '[ $RC -eq 3 ] && no_reply'
check "lookups write no audit event (no attempt was made)" \
    [ "$(audit_count "$AUDIT")" -eq "$n" ]
cpw "$T/in" "AUTHORIZED=2 SERVICE=imap TCPREMOTEIP=127.0.0.1"
check "AUTHORIZED=2 (not a lookup request): verified as usual, exit 0" \
    eval '[ $RC -eq 0 ] && replied acme'

# --- fd 3 framing: Dovecot's own input, 111 when it is not as specified
n=$(audit_count "$AUDIT")
pad() { printf "%0${1}d" 0; }
# user + key + 3 NULs + timestamp padding = exactly 512 bytes
ts=$(pad $((512 - 6 - ${#KEY} - 3)))
req "$T/in" apikey "$KEY" "$ts"
check "the 512-byte request is exactly 512 bytes" [ "$(wc -c <"$T/in")" -eq 512 ]
cpw "$T/in" "$IMAP"
check "512 bytes (the limit): accepted, exit 0" eval '[ $RC -eq 0 ] && replied acme'
req "$T/in" apikey "$KEY" "${ts}0"
cpw "$T/in" "$IMAP"
check "513 bytes: exit 111, reply not run" eval '[ $RC -eq 111 ] && no_reply'
check "513 bytes: one line on stderr, naming the limit, not the key" \
    eval 'one_line_stderr && grep -q "512 bytes" "$T/stderr" &&
    ! grep -qF "$(printf "%s" "$KEY" | cut -d_ -f3)" "$T/stderr"'
pad 4000 >"$T/in"
cpw "$T/in" "$IMAP"
check "4000 bytes without a NUL: exit 111" [ $RC -eq 111 ]
printf 'apikey%s' "$KEY" >"$T/in"
cpw "$T/in" "$IMAP"
check "no NUL at all: exit 111, reply not run" eval '[ $RC -eq 111 ] && no_reply'
printf 'apikey\0%s' "$KEY" >"$T/in"
cpw "$T/in" "$IMAP"
check "password not NUL-terminated: exit 111" eval '[ $RC -eq 111 ] && one_line_stderr'
printf 'apikey\0%s\0' "$KEY" >"$T/in"
cpw "$T/in" "$IMAP"
check "no timestamp field (qmail style, 2 NULs): accepted, exit 0" \
    eval '[ $RC -eq 0 ] && replied acme'
: >"$T/in"
cpw "$T/in" "$IMAP"
check "empty input: exit 111" [ $RC -eq 111 ]
env -i PATH=/usr/bin:/bin SERVICE=imap "$SK_CHECKPW" --config "$T/conf" \
    "$T/reply" 3<&- >"$T/stdout" 2>"$T/stderr"
RC=$?
check "fd 3 not open: exit 111, one line on stderr" \
    eval '[ $RC -eq 111 ] && one_line_stderr'
check "framing errors write no audit event (no client attempt)" \
    [ "$(audit_count "$AUDIT")" -eq $((n + 2)) ]

# --- invocation: argv and options
req "$T/in" apikey "$KEY"
cpw "$T/in" "$IMAP" --config "$T/conf"
check "no reply program: exit 111, one line on stderr" \
    eval '[ $RC -eq 111 ] && one_line_stderr'
cpw "$T/in" "$IMAP" --config "$T/conf" --bogus "$T/reply"
check "unknown option: exit 111, one line on stderr" \
    eval '[ $RC -eq 111 ] && one_line_stderr && no_reply'
cpw "$T/in" "$IMAP" --config "$T/conf" -- "$T/reply" --not-ours
check "after --, the reply program's own options are passed through" \
    eval '[ $RC -eq 0 ] && grep -qx "ARGS=--not-ours" "$T/reply.out"'
cpw "$T/in" "$IMAP" --config "$T/conf" "$T/reply" --db /nonexistent
check "options after the reply program are its own, not ours: exit 0" \
    eval '[ $RC -eq 0 ] && grep -qx "ARGS=--db /nonexistent" "$T/reply.out"'
cpw "$T/in" "$IMAP" --config "$T/conf" /nonexistent/reply
check "reply program missing: exit 111 (after a successful check)" \
    [ $RC -eq 111 ]
perl -e 'exec { $ARGV[0] } ()' "$SK_CHECKPW" 3<"$T/in" >"$T/stdout" 2>"$T/stderr"
RC=$?
# (Linux >= 5.18 turns an empty argv into {""}: either way 111)
check "empty argv: exit 111, nothing on stdout" eval '[ $RC -eq 111 ] && [ ! -s "$T/stdout" ]'
cpw "$T/in" "$IMAP" --help
check "--help: usage on stdout, exit 0" \
    eval '[ $RC -eq 0 ] && grep -q "^usage: saslkey-checkpassword" "$T/stdout"'

# --- configuration and store
cpw "$T/in" "$IMAP" --config "$T/nonexistent.conf" "$T/reply"
check "--config missing: exit 111, one line on stderr" \
    eval '[ $RC -eq 111 ] && one_line_stderr && no_reply'
printf 'saslkey_db: %s\nsaslkey_audit_syslog: perhaps\n' "$SASLKEY_DB" >"$T/bad.conf"
cpw "$T/in" "$IMAP" --config "$T/bad.conf" "$T/reply"
check "--config with a bad value: exit 111, stderr names the option" \
    eval '[ $RC -eq 111 ] && one_line_stderr && grep -q saslkey_audit_syslog "$T/stderr"'
printf 'this is not key: value\n' >"$T/bad.conf"
cpw "$T/in" "$IMAP" --config "$T/bad.conf" "$T/reply"
check "--config unparsable: exit 111" eval '[ $RC -eq 111 ] && one_line_stderr'

n=$(audit_count "$AUDIT")
cpw "$T/in" "$IMAP" --config "$T/conf" --db "$T/missing.db" "$T/reply"
check "store missing (--db): exit 111, reply not run, nothing printed" \
    eval '[ $RC -eq 111 ] && no_reply && quiet'
check "store missing audited as store_unavailable (SASL_UNAVAIL)" \
    [ "$(audit_count "$AUDIT")" -eq $((n + 1)) -a \
      "$(last event.reason)" = store_unavailable -a "$(last event.code)" = SASL_UNAVAIL ]
cp "$SASLKEY_DB" "$T/copy.db"
cpw "$T/in" "$IMAP" --config "$T/conf" --db "$T/copy.db" "$T/reply"
check "--db overrides saslkey_db of --config: exit 0 with a copy" [ $RC -eq 0 ]
printf 'this is not sqlite' >"$T/garbage.db"
cpw "$T/in" "$IMAP" --config "$T/conf" --db "$T/garbage.db" "$T/reply"
check "corrupt store: exit 111 (temporary), not 1" [ $RC -eq 111 ]
cpw "$T/in" "$IMAP SASLKEY_DB=$T/missing.db"
check "\$SASLKEY_DB in the environment is ignored (Dovecot extra fields)" \
    [ $RC -eq 0 ]
printf 'saslkey_audit_file: %s\nsaslkey_audit_syslog: no\n' "$AUDIT" >"$T/nodb.conf"
cpw "$T/in" "$IMAP" --config "$T/nodb.conf" --db "$SASLKEY_DB" "$T/reply"
check "--db alone names the store: exit 0" [ $RC -eq 0 ]

# --- no secret anywhere we wrote
leak=0
for k in "$KEY" "$KEY_LO" "$KEY_SMTP"; do
	sec=$(printf '%s' "$k" | cut -d_ -f3)
	grep -qF "$sec" "$AUDIT" "$SASLKEY_DB" "$T/stderr" "$T/stdout" && leak=1
done
check "no key secret in the audit file, the store or the helper's output" \
    [ $leak -eq 0 ]
check "the audit file has one valid JSON object per line" \
    $PY -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$AUDIT"

summary checkpassword
