#!/bin/sh
# A real Postfix smtpd on 127.0.0.1 with libsaslkey.so first in SASL_PATH,
# driven by real clients (swaks).  Checks SMTP replies, that accepted mail
# is queued, the audit file and syslog lines, and Postfix's own log.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/postfix-lib.sh"

T=$(mktemp -d /tmp/sk-postfix.XXXXXX)
PORT=$(pf_free_port)
cleanup() {
	pf_stop "$T"
	# (not curl.log: curl's transcript holds tokens by design)
	keep_logs postfix "$T/audit.json" "$T/syslog.log" "$T/maillog"
	[ -n "${SK_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM
export SASLKEY_DB=$T/store/keys.db
MECHS="PLAIN LOGIN CRAM-MD5 OAUTHBEARER XOAUTH2 SCRAM-SHA-256"

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

# an OAuth issuer: an independent token minter's key, imported as JWKS
mkdir -p "$T/idp"
$PY "$SK_SRCDIR/tests/vectors/mint_token.py" "$T/idp" init
"$SK_CLI" issuer add idp --issuer https://idp.example.test \
    --audience smtp://mx.example.test --jwks "$T/idp/jwks.json" \
    --scope mail >/dev/null 2>&1
mint() { $PY "$SK_SRCDIR/tests/vectors/mint_token.py" "$T/idp" token "$@"; }

pf_start "$T" "$PORT" "$MECHS" "auxprop_plugin: saslkey" ||
    { not_ok "postfix starts"; summary postfix; exit 1; }
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

out=$(swaks --server "127.0.0.1:$PORT" --quit-after EHLO 2>&1)
check "EHLO advertises each mechanism of mech_list once" \
    sh -c 'printf "%s\n" "$1" | grep -q "250-AUTH PLAIN LOGIN CRAM-MD5 OAUTHBEARER XOAUTH2 SCRAM-SHA-256"' - "$out"

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

# ---- OAuth 2.0 bearer tokens ----
printf 'Subject: oauth\r\n\r\nhello\r\n' >"$T/mail.txt"
# curl_oauth TOKEN: curl's OAUTHBEARER (it prefers it when offered); the
# verbose transcript goes to a file that is only grepped: it has the token
curl_oauth() {
	curl -sS -v --max-time 20 "smtp://127.0.0.1:$PORT" --sasl-ir \
	    --mail-from sender@example.test --mail-rcpt rcpt@example.net \
	    -T "$T/mail.txt" -u alice@example.com --oauth2-bearer "$1" \
	    >/dev/null 2>"$T/curl.log"
}
TOK=$(mint)
check "curl OAUTHBEARER with a valid JWT: mail accepted" curl_oauth "$TOK"
check "... 235 then 250 in curl's transcript" \
    sh -c 'grep -q "^< 235 " "$1" && grep -q "^< 250 2.0.0 Ok: queued" "$1"' - "$T/curl.log"
check "... audited ok with issuer, sub and jti" \
    [ "$(audit_field "$AUDIT" event.reason)" = ok -a \
      "$(audit_field "$AUDIT" saslkey.oauth.issuer)" = idp -a \
      "$(audit_field "$AUDIT" saslkey.oauth.sub)" = sub-alice@example.com ]
TOK_OLD=$(mint exp_in=-3600)
if curl_oauth "$TOK_OLD"; then rc=0; else rc=$?; fi
check "curl OAUTHBEARER with an expired JWT: refused (curl exit 67)" [ $rc -eq 67 ]
check "... after the error challenge: 334 JSON, the client's AQ==, then 535" \
    sh -c 'c=$(sed -n "s/^< 334 //p" "$1" | tr -d "\r" | tail -1 | base64 -d 2>/dev/null)
           [ "$c" = "{\"status\":\"invalid_token\",\"scope\":\"mail\"}" ] &&
           grep -q "^> AQ==" "$1" && grep -q "^< 535 " "$1"' - "$T/curl.log"
check "... audited as expired" [ "$(audit_field "$AUDIT" event.reason)" = expired ]

# smtplib: XOAUTH2, and tokens too long for Postfix's 2048-byte command
# line, sent after the server's empty challenge (no initial response)
smtplib_auth() {
	mech=$1 user=$2 ir=$3
	SK_TOKEN=$4 $PY - "$PORT" "$mech" "$user" "$ir" <<'PYEOF'
import os, smtplib, sys
port, mech, user, ir = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == "ir"
tok = os.environ["SK_TOKEN"]
s = smtplib.SMTP("127.0.0.1", port, timeout=20)
s.ehlo("client.example")
# smtplib calls the object once per server challenge (the first may be
# the empty one): the message first, then the reply to an error challenge
calls = []
def obj(chal=None):
    calls.append(chal)
    if len(calls) == 1:
        if mech == "XOAUTH2":
            return "user=%s\x01auth=Bearer %s\x01\x01" % (user, tok)
        return "n,a=%s,\x01auth=Bearer %s\x01\x01" % (user, tok)
    return "" if mech == "XOAUTH2" else "\x01"
try:
    code, _ = s.auth(mech, obj, initial_response_ok=ir)
except smtplib.SMTPAuthenticationError as e:
    code = e.smtp_code
print(code)
if code == 235:
    s.sendmail("sender@example.test", ["rcpt@example.net"], "Subject: x\r\n\r\nx\r\n")
s.quit()
PYEOF
}
check "smtplib XOAUTH2 with a valid JWT: 235" \
    [ "$(smtplib_auth XOAUTH2 alice@example.com ir "$(mint)")" = 235 ]
check "smtplib XOAUTH2 for another user: 535 (user_mismatch)" \
    [ "$(smtplib_auth XOAUTH2 bob@example.com ir "$(mint)")" = 535 -a \
      "$(audit_field "$AUDIT" event.reason)" = user_mismatch ]
check "smtplib XOAUTH2 without the required scope: 535 (missing_scope)" \
    [ "$(smtplib_auth XOAUTH2 alice@example.com ir "$(mint scope=openid)")" = 535 -a \
      "$(audit_field "$AUDIT" event.reason)" = missing_scope ]
LONG=$(mint pad=2200)
check "a $(printf %s "$LONG" | wc -c)-byte token: longer than Postfix's 2048-byte line" \
    [ "$(printf %s "$LONG" | wc -c)" -gt 2048 ]
check "... XOAUTH2 without initial response: 235" \
    [ "$(smtplib_auth XOAUTH2 alice@example.com noir "$LONG")" = 235 ]
check "... OAUTHBEARER without initial response: 235" \
    [ "$(smtplib_auth OAUTHBEARER alice@example.com noir "$LONG")" = 235 ]
check "Postfix logged sasl_method=OAUTHBEARER and XOAUTH2 for alice" \
    sh -c 'grep -q "sasl_method=OAUTHBEARER, sasl_username=alice@example.com" "$1" &&
           grep -q "sasl_method=XOAUTH2, sasl_username=alice@example.com" "$1"' - "$T/maillog"
for t in "$TOK" "$TOK_OLD" "$LONG"; do
	sig=${t##*.}
	if grep -qF "$sig" "$AUDIT" "$T/syslog.log" "$T/maillog"; then
		not_ok "a token appears in a log"
	else
		ok "no token in the audit file, syslog or maillog"
	fi
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
