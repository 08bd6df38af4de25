#!/bin/sh
# The shipped fail2ban filter and jail (packaging/fail2ban/) against
# saslkey's syslog audit line, with the real fail2ban-regex and
# fail2ban-client:
#   - synthetic lines, one per reason in common/reason.c: every credential
#     or policy failure matches, no outage (SASL_UNAVAIL) and no success
#     does - so a new outage reason that the filter does not know fails
#     here;
#   - the lines a real Postfix produced (tests/e2e/postfix.sh leaves them
#     in $SK_BUILD/postfix-syslog.log; without it we run that test);
#   - the jail loads in fail2ban-client's configuration test.
set -u
. "$(dirname "$0")/lib.sh"
SRC=${SK_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}

T=$(mktemp -d /tmp/sk-fail2ban.XXXXXX)
trap '[ -n "${SK_KEEP:-}" ] || rm -rf "$T"' EXIT INT TERM

# fail2ban resolves "before = common.conf" beside the filter
mkdir -p "$T/conf"
cp -r /etc/fail2ban/. "$T/conf/"
rm -f "$T/conf/jail.d/"*.conf "$T/conf/jail.local"
cp "$SRC/packaging/fail2ban/filter.d/saslkey.conf" "$T/conf/filter.d/"
cp "$SRC/packaging/fail2ban/jail.d/saslkey.conf" "$T/conf/jail.d/"
FILTER=$T/conf/filter.d/saslkey.conf

# regex LOG: the matched lines (fail2ban-regex -o msg) in LOG.matched
regex() {
	fail2ban-regex -o msg "$1" "$FILTER" >"$1.matched" 2>"$1.err"
}
nlines() { grep -c . "$1" 2>/dev/null || true; }

# the reasons and the SASL result each maps to, from the request layer
$PY - "$SRC/common/reason.c" >"$T/reasons" <<'PYEOF'
import re, sys
src = open(sys.argv[1]).read()
for name, code in re.findall(r'\{\s*"([a-z_]+)",\s*(SASL_[A-Z]+)\s*\}', src):
    print(name, code)
PYEOF
check "read the reasons from common/reason.c" \
    [ "$(nlines "$T/reasons")" -ge 20 ]
# what must never ban: outages, and a valid credential the host refused
awk '$2 == "SASL_UNAVAIL" { print $1 }' "$T/reasons" >"$T/nofail"
echo canon_user_failed >>"$T/nofail"

# --- synthetic lines as rsyslog writes them to /var/log/auth.log
i=0
while read -r reason _code; do
	i=$((i + 1))
	case $reason in
	ok) word=success ;;
	*) word=failure ;;
	esac
	printf 'Nov 28 16:15:%02d mx saslkey[4242]: auth %s: client=[198.51.100.%d]:40000 service=smtp mech=PLAIN user=apikey account=acme key_id=0zCCHsbnuLx5 reason=%s\n' \
	    $((i % 60)) "$word" "$i" "$reason"
done <"$T/reasons" >"$T/synth.log"
# an IPv6 client, an OAuth failure, a Dovecot (imap) one, and a client
# whose user name tries to pass for an outage (saslkey writes spaces and
# "=" in it as "?", so it cannot end the line with another reason): bans
cat >>"$T/synth.log" <<'LOG'
Nov 28 16:16:01 mx saslkey[4242]: auth failure: client=[2001:db8::7]:50000 service=smtp mech=PLAIN user=apikey account=- key_id=0zCCHsbnuLx5 reason=unknown_key
Nov 28 16:16:02 mx saslkey[4243]: auth failure: client=[203.0.113.9]:50001 service=submission mech=OAUTHBEARER user=alice@example.com account=- key_id=- reason=bad_signature
Nov 28 16:16:03 mx saslkey[4244]: auth failure: client=[203.0.113.10]:50002 service=imap mech=PLAIN user=apikey account=acme key_id=0zCCHsbnuLx5 reason=bad_secret
Nov 28 16:16:04 mx saslkey[4244]: auth failure: client=[203.0.113.13]:50004 service=smtp mech=LOGIN user=x?reason?store_unavailable account=- key_id=- reason=malformed_key
LOG
# never bans: no client address; a success whose user claims to be a
# failure; Postfix's own line (the stock postfix filter's business)
cat >>"$T/synth.log" <<'LOG'
Nov 28 16:16:04 mx saslkey[4245]: auth failure: client=[-] service=smtp mech=PLAIN user=apikey account=acme key_id=0zCCHsbnuLx5 reason=no_client_address
Nov 28 16:16:05 mx saslkey[4245]: auth success: client=[203.0.113.11]:50003 service=smtp mech=PLAIN user=auth?failure:?client?[203.0.113.12] account=acme key_id=0zCCHsbnuLx5 reason=ok
Nov 28 16:16:06 mx postfix/smtpd[4246]: warning: unknown[203.0.113.12]: SASL PLAIN authentication failed: authentication failure
LOG
want=$(awk 'NR == FNR { skip[$1] = 1; next }
	    $1 != "ok" && !($1 in skip) { n++ } END { print n + 4 }' \
	    "$T/nofail" "$T/reasons")
regex "$T/synth.log"
got=$(nlines "$T/synth.log.matched")
check "synthetic: $want of $(nlines "$T/synth.log") lines match (every failure reason, IPv6, OAuth, imap, hostile user)" \
    [ "$got" -eq "$want" ]
check "synthetic: bad_secret from 198.51.100.x matches" \
    grep -q 'reason=bad_secret$' "$T/synth.log.matched"
check "synthetic: the IPv6 client matches" \
    grep -q 'client=\[2001:db8::7\]' "$T/synth.log.matched"
for r in $(cat "$T/nofail"); do
	check "synthetic: an outage/refused-identity line ($r) does not match" \
	    sh -c '! grep -q "reason=$1\$" "$2"' - "$r" "$T/synth.log.matched"
done
check "synthetic: no success line matches" \
    sh -c '! grep -q "auth success" "$1"' - "$T/synth.log.matched"
check "synthetic: Postfix's own line is not ours to match" \
    sh -c '! grep -q "postfix/smtpd" "$1"' - "$T/synth.log.matched"
# the host fail2ban would ban is the client address, not something else
fail2ban-regex -o ip "$T/synth.log" "$FILTER" >"$T/ips" 2>/dev/null
check "synthetic: the banned hosts are the client addresses" \
    eval 'grep -qx 198.51.100.5 "$T/ips" && grep -qx 2001:db8::7 "$T/ips" &&
          ! grep -qx 203.0.113.11 "$T/ips"'

# --- the lines a real Postfix wrote
PFLOG=${SK_BUILD:-/nonexistent}/postfix-syslog.log
if [ ! -s "$PFLOG" ]; then
	echo "   ($PFLOG absent: running the Postfix test for its syslog lines)"
	mkdir -p "$T/pf"
	SK_BUILD=$T/pf sh "$(dirname "$0")/postfix.sh" >"$T/pf/out" 2>&1
	PFLOG=$T/pf/postfix-syslog.log
fi
check "Postfix's syslog lines are there" [ -s "$PFLOG" ]
# what the listener received is "<PRI>Mmm dd hh:mm:ss tag[pid]: msg";
# rsyslog writes "Mmm dd hh:mm:ss host tag[pid]: msg"
sed -n 's/^<[0-9]*>\([A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]*\) \(saslkey\[\)/\1 mx \2/p' \
    "$PFLOG" >"$T/postfix.log"
want=$(awk 'NR == FNR { skip["reason=" $1] = 1; next }
	    / auth failure: client=\[[0-9a-f.:]+\]/ && !($NF in skip) { n++ }
	    END { print n + 0 }' "$T/nofail" "$T/postfix.log")
regex "$T/postfix.log"
got=$(nlines "$T/postfix.log.matched")
check "Postfix: $got of $(nlines "$T/postfix.log") lines match, $want expected (> 0)" \
    [ "$got" -eq "$want" -a "$want" -gt 0 ]
check "Postfix: the log has a store_unavailable line and it does not match" \
    eval 'grep -q "reason=store_unavailable" "$T/postfix.log" &&
          ! grep -q "reason=store_unavailable" "$T/postfix.log.matched"'
check "Postfix: the log has success lines and none matches" \
    eval 'grep -q "auth success" "$T/postfix.log" &&
          ! grep -q "auth success" "$T/postfix.log.matched"'
check "Postfix: the refused address 127.0.0.2 (ip_not_allowed_account) matches" \
    grep -q 'client=\[127\.0\.0\.2\].*reason=ip_not_allowed_account' \
    "$T/postfix.log.matched"

# --- the jail: fail2ban's own configuration test, pointed at our log
printf '[saslkey]\nlogpath = %s\nbackend = polling\n' "$T/postfix.log" \
    >"$T/conf/jail.local"
check "jail: fail2ban-client's configuration test passes" \
    sh -c 'fail2ban-client -c "$1" -t >"$1/test.out" 2>&1' - "$T/conf"
fail2ban-client -c "$T/conf" -d >"$T/dump" 2>/dev/null
check "jail: [saslkey] uses the saslkey filter with the journal match" \
    eval 'grep -q "\[.add., .saslkey., " "$T/dump" &&
          grep -q "SYSLOG_IDENTIFIER=saslkey" "$T/dump"'
printf '[saslkey]\nfilter = saslkey-missing\nlogpath = %s\n' "$T/postfix.log" \
    >"$T/conf/jail.local"
check "jail: the configuration test does fail for a missing filter (control)" \
    sh -c '! fail2ban-client -c "$1" -t >/dev/null 2>&1' - "$T/conf"

summary fail2ban
