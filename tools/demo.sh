#!/bin/sh
# make demo: the main job in two minutes.  A scratch store, an account and
# an API key; then the key authenticates through the real libsasl2 (the
# stock sample server loads libsaslkey.so, the stock sample client speaks
# PLAIN), a wrong key and a refused client address fail, and the audit
# trail shows one event per attempt.  Leaves nothing behind.
set -u
. "$(dirname "$0")/../tests/e2e/lib.sh"

T=$(mktemp -d /tmp/saslkey-demo.XXXXXX)
trap 'rm -rf "$T"' EXIT
export SASLKEY_DB=$T/keys.db
AUDIT=$T/audit.json
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "a scratch key store, an account allowed from 127.0.0.0/8, and a key"
run "$SK_CLI" init
run "$SK_CLI" account add acme --allow 127.0.0.0/8 --note "demo account"
printf '$ KEY=$(saslkey key create acme --label demo)\n'
KEY=$("$SK_CLI" key create acme --label demo)
printf 'KEY=%s... (shown once; the store keeps only a hash)\n' \
    "$(printf '%s' "$KEY" | cut -c1-16)"
cat >"$T/sample.conf" <<CONF
mech_list: PLAIN LOGIN
saslkey_db: $SASLKEY_DB
saslkey_audit_file: $AUDIT
saslkey_audit_syslog: no
CONF

say "AUTH PLAIN as user \"apikey\" with the key, from 127.0.0.1"
if run_mech "$T" apikey "$KEY" PLAIN; then
	printf '%s\n' "$LAST_SERVER_OUT" | grep -E '^(Username|Negotiation)'
	echo "-> accepted"
else
	echo "-> unexpectedly refused"; exit 1
fi

say "the same with a wrong key (right id, wrong secret)"
if run_mech "$T" apikey "$(forge_key "$KEY")" PLAIN; then
	echo "-> unexpectedly accepted"; exit 1
fi
printf '%s\n' "$LAST_SERVER_OUT" | grep -m1 'authentication failure' || true
echo "-> refused"

say "the right key from 192.0.2.1, outside the account's allow-list"
if REMOTE="192.0.2.1;40000" run_mech "$T" apikey "$KEY" PLAIN; then
	echo "-> unexpectedly accepted"; exit 1
fi
echo "-> refused"

say "the audit trail ($AUDIT)"
$PY - "$AUDIT" <<'PYEOF'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    ev = e["event"]
    print("%s  %-7s %-14s client=%s user=%s account=%s key_id=%s" % (
        e["@timestamp"], ev["outcome"], ev["reason"],
        e.get("source", {}).get("ip", "-"), e.get("user", {}).get("name", "-"),
        e.get("user", {}).get("id", "-"), e.get("saslkey", {}).get("key_id", "-")))
print("\nthe last event as written:")
print(line.strip())
PYEOF
grep -qF "$KEY" "$AUDIT" && { echo "the key leaked into the audit file"; exit 1; }
say "done: nothing left running, scratch files removed"
