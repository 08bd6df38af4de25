# saslkey end-to-end tests - shared shell helpers (sourced)
# Each script counts its own results and prints "<name>: N passed, M failed".

: "${SK_CLI:?SK_CLI must point at the saslkey binary (run through make)}"
: "${SK_PLUGIN_DIR:?}"
: "${SK_STOCK_PLUGIN_DIR:=/usr/lib/x86_64-linux-gnu/sasl2}"
# Debian's python3 has python3-cryptography; a pyenv one on PATH may not
PY=/usr/bin/python3

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

