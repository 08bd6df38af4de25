# saslkey end-to-end tests - shared shell helpers (sourced)
# Each script counts its own results and prints "<name>: N passed, M failed".

: "${SK_CLI:?SK_CLI must point at the saslkey binary (run through make)}"
: "${SK_PLUGIN_DIR:?}"
: "${SK_STOCK_PLUGIN_DIR:=/usr/lib/x86_64-linux-gnu/sasl2}"
# Debian's python3 has python3-cryptography; a pyenv one on PATH may not
PY=/usr/bin/python3

# Secret hygiene (tests/e2e/secret_scan.sh): every secret a test makes goes
# to $SK_SECRETS, one per line, and every log worth scanning to $SK_LOGS.
# The CLI runs through a wrapper that records what "key create|rotate" and
# "cram set|rotate" print; tokens are recorded by tests/vectors/mint_token.py.
if [ -n "${SK_BUILD:-}" ]; then
	: "${SK_SECRETS:=$SK_BUILD/secrets/registry}"
	: "${SK_LOGS:=$SK_BUILD/logs}"
	export SK_SECRETS SK_LOGS
	(umask 077; mkdir -p "$(dirname "$SK_SECRETS")" "$SK_LOGS")
	if [ -z "${SK_CLI_REAL:-}" ]; then
		SK_CLI_REAL=$SK_CLI
		SK_CLI=$(dirname "$SK_SECRETS")/saslkey
		cat >"$SK_CLI.$$" <<'WRAP'
#!/bin/sh
# saslkey, recording the secrets it prints (tests/e2e/lib.sh)
out=$(mktemp "${SK_SECRETS%/*}/out.XXXXXX") || exit 2
"$SK_CLI_REAL" "$@" >"$out"
rc=$?
cat "$out"
case " $* " in
*" key create "*|*" key rotate "*|*" cram set "*|*" cram rotate "*)
	grep -v '^$' "$out" >>"$SK_SECRETS" ;;
esac
rm -f "$out"
exit $rc
WRAP
		chmod 0700 "$SK_CLI.$$" && mv -f "$SK_CLI.$$" "$SK_CLI"
		export SK_CLI SK_CLI_REAL
	fi
fi

# record_secret VALUE...: for the scanner only (never printed)
# (the functions' variables are _sk_*: the scripts share their names)
record_secret() {
	[ -n "${SK_SECRETS:-}" ] || return 0
	for _sk_s in "$@"; do
		[ -n "$_sk_s" ] && printf '%s\n' "$_sk_s" >>"$SK_SECRETS"
	done
	return 0
}

# keep_logs NAME FILE...: copies for the scanner, before the test's
# scratch directory goes
keep_logs() {
	[ -n "${SK_LOGS:-}" ] || return 0
	_sk_d=$SK_LOGS/e2e-$1.$$
	shift
	mkdir -p "$_sk_d"
	for _sk_f in "$@"; do
		[ -f "$_sk_f" ] && cp "$_sk_f" "$_sk_d/${_sk_f##*/}"
	done
	return 0
}

PASS=0
FAIL=0

ok() {
	PASS=$((PASS + 1))
	echo "ok   $*"
}

not_ok() {
	FAIL=$((FAIL + 1))
	echo "FAIL $*"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

summary() {
	echo "$1: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}

# the last audit event's field (a jq-like dotted path), via python
audit_field() {
	$PY - "$1" "$2" <<'PYEOF'
import json, sys
path, field = sys.argv[1], sys.argv[2]
lines = [l for l in open(path) if l.strip()]
v = json.loads(lines[-1])
for part in field.split('.'):
    v = v.get(part) if isinstance(v, dict) else None
print('' if v is None else v)
PYEOF
}

audit_count() {
	[ -f "$1" ] && wc -l <"$1" | tr -d ' ' || echo 0
}

# forge_key KEY: the same prefix and id with another secret and a valid
# checksum - a "wrong secret" that gets past the checksum to the store
forge_key() {
	$PY - "$1" <<'PYEOF'
import secrets, sys, zlib
b62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
prefix, kid, _ = sys.argv[1].split("_")
body = "%s_%s_%s" % (prefix, kid, "".join(secrets.choice(b62) for _ in range(32)))
crc, out = zlib.crc32(body.encode()), ""
for _ in range(6):
    out = b62[crc % 62] + out
    crc //= 62
print(body + out)
PYEOF
}

# One SASL exchange between the sample server and client, no tty.
# getpass() in the client reads the password from stdin, so it is spliced
# into the server->client stream where the client asks for it: PLAIN after
# the mechanism list, LOGIN after "Password:" (server line 3).
# run_mech CONFDIR USER PASS MECH: exit 0 iff negotiation completed.
# $REMOTE ("ip;port") sets the client address the server sees.
run_mech() {
	confdir=$1 user=$2 pass=$3 mech=$4
	case $mech in PLAIN) after=1 ;; LOGIN) after=3 ;; *) after=2 ;; esac
	D=$(mktemp -d "$confdir/run.XXXXXX")
	mkfifo "$D/c2s" "$D/s2c"
	( SASL_CONF_PATH=$confdir stdbuf -oL sasl-sample-server \
	      -p "$SK_PLUGIN_DIR:$SK_STOCK_PLUGIN_DIR" -s smtp -m "$mech" \
	      -i "local=127.0.0.1;25,remote=${REMOTE:-127.0.0.1;40000}" \
	      <"$D/c2s" 2>"$D/server.err" | tee "$D/server.out" |
	      grep --line-buffered '^S: ' >"$D/s2c" ) &
	spid=$!
	( exec 3<"$D/s2c"
	  i=0
	  while [ $i -lt $after ]; do
		IFS= read -r l <&3 || exit 0
		printf '%s\n' "$l"
		i=$((i + 1))
	  done
	  printf '%s\n' "$pass"
	  cat <&3 ) |
	  stdbuf -oL sasl-sample-client -p "$SK_STOCK_PLUGIN_DIR" -s smtp \
	      -m "$mech" -a "$user" 2>"$D/client.err" | tee "$D/client.out" |
	  grep --line-buffered '^C: ' >"$D/c2s"
	wait $spid
	grep -q '^Negotiation complete' "$D/server.out"
	rc=$?
	LAST_SERVER_OUT=$(cat "$D/server.out")
	rm -rf "$D"
	return $rc
}

