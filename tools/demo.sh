#!/bin/sh
# make demo: the main job on a real Postfix.  A throwaway Postfix on
# 127.0.0.1 loads the freshly built libsaslkey.so (first in SASL_PATH,
# through import_environment, as an administrator would set it up), an
# account allowed only from 127.0.0.1/32 gets an API key, and swaks sends
# a mail with it.  Then a wrong key and a refused client address fail,
# and the audit trail shows one event per attempt.  Postfix is stopped
# and the scratch directory removed however the demo ends.
#
# Run through `make demo` (as root: Postfix starts as root and drops
# privileges), which installs the packages and builds first.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/e2e/lib.sh"
. "$here/../tests/e2e/postfix-lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (Postfix starts as root, then drops to user postfix)" >&2
	exit 1
fi

T=$(mktemp -d /tmp/saslkey-demo.XXXXXX)
cleanup() {
	pf_stop "$T"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export SASLKEY_DB=$T/store/keys.db
AUDIT=$T/audit.json

bold() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; }
die() { printf '\ndemo FAILED: %s\n' "$*" >&2; exit 1; }

bold "a fresh key store, an account allowed only from 127.0.0.1/32, a key"
mkdir -p "$T/store"
show "saslkey init"
"$SK_CLI" init || die "saslkey init"
show "saslkey account add acme --allow 127.0.0.1/32 --note 'demo account'"
"$SK_CLI" account add acme --allow 127.0.0.1/32 --note "demo account" ||
    die "account add"
show 'KEY=$(saslkey key create acme --service smtp --label "billing app")'
KEY=$("$SK_CLI" key create acme --service smtp --label "billing app") ||
    die "key create"
KID=$(printf '%s' "$KEY" | cut -d_ -f2)
# the key is a secret: show its prefix and the start of its public id only
printf 'KEY=%s... (shown once; the store keeps only a SHA-256 hash)\n' \
    "$(printf '%s' "$KEY" | cut -c1-9)"

bold "a throwaway Postfix on 127.0.0.1 with libsaslkey.so first in SASL_PATH"
PORT=$(pf_free_port)
pf_start "$T" "$PORT" "PLAIN LOGIN CRAM-MD5" || die "Postfix did not start"
pf_store_perms "$T"
printf 'Postfix listening on 127.0.0.1:%s (master pid %s)\n' "$PORT" \
    "$(tr -d ' ' <"$T/spool/pid/master.pid")"
echo "main.cf:    import_environment = ... SASL_PATH=$SK_PLUGIN_DIR:$SK_STOCK_PLUGIN_DIR"
echo "smtpd.conf:"
sed 's/^/    /' "$T/etc/sasl/smtpd.conf" | grep -v '^ *$'

# send DESCRIPTION PASSWORD [swaks args]: the server's replies, no secrets
# (swaks's own transcript has the AUTH line, which carries the key)
send() {
	pass=$1
	shift
	swaks --server "127.0.0.1:$PORT" --auth PLAIN --auth-user apikey \
	    --auth-password "$pass" --from billing@example.test \
	    --to customer@example.net --h-Subject "saslkey demo" "$@" \
	    >"$T/swaks.out" 2>&1
	SWAKS_RC=$?
	grep -E '^<[-*~ ]* (235|454|535) |^<[-*~ ]* 250 .*queued' "$T/swaks.out" |
	    sed 's/^/    /'
}

bold "1. a mail with the key (AUTH PLAIN, user \"apikey\") from 127.0.0.1"
show 'swaks --server 127.0.0.1:'"$PORT"' --auth PLAIN --auth-user apikey --auth-password "$KEY" --to customer@example.net'
send "$KEY"
grep -q '^<[-*~ ]* 235 ' "$T/swaks.out" && grep -q '^<[-*~ ]* 250 .*queued' "$T/swaks.out" ||
    die "the key was not accepted (swaks exit $SWAKS_RC)"
echo "-> authenticated (235) and the mail was accepted (250)"

bold "2. the same with a wrong key (right id, wrong secret)"
show 'swaks ... --auth-password "$WRONG_KEY" --quit-after AUTH'
send "$(forge_key "$KEY")" --quit-after AUTH
grep -q '^<[-*~ ]* 535 ' "$T/swaks.out" || die "a wrong key was not refused"
echo "-> refused (535), like every credential or policy failure"

bold "3. the right key from 127.0.0.2, outside the account's allow-list"
show 'swaks ... --auth-password "$KEY" --local-interface 127.0.0.2 --quit-after AUTH'
send "$KEY" --local-interface 127.0.0.2 --quit-after AUTH
grep -q '^<[-*~ ]* 535 ' "$T/swaks.out" || die "a refused address was accepted"
echo "-> refused (535); the client learns nothing more, the audit trail does"

sleep 0.3	# Postfix logs the delivery asynchronously
bold "the audit trail ($AUDIT): one event per attempt"
$PY - "$AUDIT" <<'PYEOF' || die "cannot read the audit file"
import json, sys
last = None
for line in open(sys.argv[1]):
    e, last = json.loads(line), line
    ev = e["event"]
    src = e.get("source", {})
    print("%s  %-7s %-22s client=%s:%s user=%s account=%s key_id=%s" % (
        e["@timestamp"], ev["outcome"], ev["reason"], src.get("ip", "-"),
        src.get("port", "-"), e.get("user", {}).get("name", "-"),
        e.get("user", {}).get("id", "-"), e.get("saslkey", {}).get("key_id", "-")))
print("\nthe last event as written (JSON Lines, Elastic Common Schema names):")
print(last.strip())
PYEOF

bold "the same events as syslog lines (facility auth; what fail2ban reads)"
grep 'saslkey\[[0-9]*\]: auth ' "$T/syslog.log" | sed 's/^<[0-9]*>/    /'

bold "Postfix's own log of the accepted mail"
grep -E 'sasl_method=PLAIN|status=sent' "$T/maillog" | sed 's/^/    /' | cut -c1-160

# no secret anywhere the demo wrote (the key id is public)
SECRET=$(printf '%s' "$KEY" | cut -d_ -f3)
if grep -qF "$SECRET" "$AUDIT" "$T/syslog.log" "$T/maillog" "$SASLKEY_DB"; then
	die "the key's secret appears in a log or the store"
fi
[ "$(audit_count "$AUDIT")" -eq 3 ] || die "expected 3 audit events"

bold "done"
pf_stop "$T"
echo "Postfix stopped.  The key id ($KID) is public and in every event; the"
echo "key's secret is in no log, no audit event and not in the store."
