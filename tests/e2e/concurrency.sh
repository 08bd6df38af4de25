#!/bin/sh
# Concurrency: $WORKERS processes authenticate through libsasl2 (our PLAIN
# and LOGIN, tests/stress/sk_stress.c) in a tight loop for $DURATION
# seconds while the CLI creates, rotates, revokes and expires keys of the
# same store.  Every attempt is logged with its start and end time, key
# id and result, every CLI command with its start and end time, so the
# checker knows exactly:
#   - valid keys (created before the attempt began, not touched until it
#     ended): every attempt succeeds - a "database is locked" may not turn
#     into a failure, temporary or not;
#   - keys revoked, expired or rotated away (grace 0) before the attempt
#     began: no attempt succeeds;
#   - one audit event per attempt, well-formed, no outage reported as a
#     credential failure;
#   - every CLI command succeeded, and the store passes integrity_check
#     and holds every key the CLI created.
set -u
. "$(dirname "$0")/lib.sh"
STRESS=${SK_STRESS:-${SK_BUILD:-}/tests/sk-stress}
DURATION=${SK_STRESS_SECONDS:-12}
WORKERS=${SK_STRESS_WORKERS:-4}
# microseconds between two attempts of a worker: with none, four workers on
# two cores starve the CLI (30 commands in 12 s) and write 150 MB of audit
# events; 1 ms still gives some 700 attempts a second each
PAUSE=${SK_STRESS_PAUSE_US:-1000}

T=$(mktemp -d /tmp/sk-stress.XXXXXX)
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	keep_logs concurrency "$T/audit.json"
	[ -n "${SK_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM
export SASLKEY_DB=$T/keys.db
[ -x "$STRESS" ] || { not_ok "no $STRESS (make tests)"; summary concurrency; exit 1; }

"$SK_CLI" init >/dev/null 2>&1
"$SK_CLI" account add acme >/dev/null 2>&1
cat >"$T/stress.conf" <<CONF
mech_list: PLAIN LOGIN
saslkey_db: $SASLKEY_DB
saslkey_audit_file: $T/audit.json
saslkey_audit_syslog: no
CONF
(umask 077; : >"$T/keys"; : >"$T/events"; : >"$T/active")

now() { date +%s%N; }
# op NAME ID ARGS...: one CLI command, timed; a key it prints joins the pool
op() {
	name=$1 id=$2
	shift 2
	t0=$(now)
	new=$("$SK_CLI" "$@" 2>"$T/cli.err")
	rc=$?
	t1=$(now)
	newid=-
	if [ -n "$new" ]; then
		newid=$(printf '%s' "$new" | cut -d_ -f2)
		printf '%s\n' "$new" >>"$T/keys"
		echo "$newid" >>"$T/active"
	fi
	echo "$t0 $t1 $name $id $rc $newid" >>"$T/events"
	[ $rc -eq 0 ] || sed 's/^/     cli: /' "$T/cli.err"
}
# the oldest key still in play leaves it
oldest() {
	id=$(head -1 "$T/active")
	sed -i 1d "$T/active"
	echo "$id"
}

for _ in 1 2 3 4 5 6; do op create - key create acme; done
i=0
while [ $i -lt "$WORKERS" ]; do
	i=$((i + 1))
	"$STRESS" "$T" "$SK_PLUGIN_DIR:$SK_STOCK_PLUGIN_DIR" "$T/keys" \
	    "$T/attempts.$i" "$DURATION" "$PAUSE" &
	PIDS="$PIDS $!"
done
end=$(( $(date +%s) + DURATION - 1 ))
n=0
while [ "$(date +%s)" -lt $end ]; do
	case $((n % 5)) in
	0|1) op create - key create acme ;;
	2) old=$(oldest); op rotate "$old" key rotate "$old" --grace 0 ;;
	3) old=$(oldest); op revoke "$old" key revoke "$old" ;;
	4) old=$(oldest); op expire "$old" key expire "$old" now ;;
	esac
	n=$((n + 1))
done
for p in $PIDS; do wait "$p" || not_ok "a worker failed"; done
PIDS=

$PY - "$T" <<'PYEOF' >"$T/verdict"
import glob, json, os, sqlite3, sys
T = sys.argv[1]
SASL_OK, SASL_BADAUTH, SASL_UNAVAIL = 0, -13, -24
born, died, cli_fail, made = {}, {}, 0, 0
for line in open(os.path.join(T, "events")):
    t0, t1, op, kid, rc, new = line.split()
    t0, t1, rc = int(t0), int(t1), int(rc)
    if rc != 0:
        cli_fail += 1
        continue
    if new != "-":
        born[new] = t1
        made += 1
    if op in ("rotate", "revoke", "expire") and kid not in died:
        died[kid] = (t0, t1)
valid = revoked = flux = 0
bad_valid = {}
revoked_ok = 0
revoked_unavail = 0
attempts = 0
for f in glob.glob(os.path.join(T, "attempts.*")):
    for line in open(f):
        s, e, kid, mech, rc = line.split()
        s, e, rc = int(s), int(e), int(rc)
        attempts += 1
        d = died.get(kid)
        if d is not None and s > d[1]:
            revoked += 1
            if rc == SASL_OK:
                revoked_ok += 1
            elif rc == SASL_UNAVAIL:
                revoked_unavail += 1
        elif kid in born and s > born[kid] and (d is None or e < d[0]):
            valid += 1
            if rc != SASL_OK:
                bad_valid[rc] = bad_valid.get(rc, 0) + 1
        else:
            flux += 1
events, reasons, malformed = 0, {}, 0
outage_as_credential = 0
for line in open(os.path.join(T, "audit.json")):
    events += 1
    try:
        ev = json.loads(line)["event"]
    except Exception:
        malformed += 1
        continue
    k = (ev["reason"], ev["code"])
    reasons[k] = reasons.get(k, 0) + 1
    if ev["reason"] in ("store_unavailable", "internal") and ev["code"] != "SASL_UNAVAIL":
        outage_as_credential += 1
db = sqlite3.connect("file:%s?mode=ro" % os.path.join(T, "keys.db"), uri=True)
integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
stored = db.execute("SELECT count(*) FROM keys").fetchone()[0]
print(json.dumps({
    "attempts": attempts, "valid": valid, "revoked": revoked, "flux": flux,
    "valid_failed": bad_valid, "revoked_succeeded": revoked_ok,
    "revoked_unavail": revoked_unavail,
    "cli_commands": sum(1 for _ in open(os.path.join(T, "events"))),
    "cli_failed": cli_fail, "keys_made": made, "keys_stored": stored,
    "events": events, "malformed_events": malformed,
    "outage_as_credential": outage_as_credential,
    "reasons": {"%s/%s" % k: v for k, v in sorted(reasons.items())},
    "odd_reasons": sorted({r for r, _ in reasons} -
                          {"ok", "key_revoked", "key_expired", "store_unavailable"}),
    "integrity": integrity}))
PYEOF
v() { $PY -c 'import json,sys; print(eval(sys.argv[2], {}, json.load(open(sys.argv[1]))))' "$T/verdict" "$1"; }
echo "   $(cat "$T/verdict")"
check "$WORKERS processes, $DURATION s: $(v attempts) attempts, $(v cli_commands) CLI commands" \
    [ "$(v 'attempts > 1000 and cli_commands > 30')" = True ]
check "valid keys: all $(v valid) attempts succeeded (no database-is-locked failure)" \
    [ "$(v 'valid > 500 and not valid_failed')" = True ]
check "keys revoked/expired/rotated before the attempt began: 0 of $(v revoked) succeeded" \
    [ "$(v 'revoked > 100 and revoked_succeeded == 0')" = True ]
check "one audit event per attempt, each well-formed" \
    [ "$(v 'events == attempts and malformed_events == 0')" = True ]
check "no outage reported as a credential failure" \
    [ "$(v 'outage_as_credential == 0 and not odd_reasons')" = True ]
check "every CLI command succeeded under the load" [ "$(v cli_failed)" = 0 ]
check "the store passes PRAGMA integrity_check and holds all $(v keys_made) keys made" \
    [ "$(v 'integrity == "ok" and keys_stored == keys_made')" = True ]
summary concurrency
