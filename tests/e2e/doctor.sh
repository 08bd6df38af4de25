#!/bin/sh
# saslkey doctor against a real libsasl2 and the real stock plugins: it
# must name the plugin that serves each mechanism (the first provider in
# plugin-path order) and warn when a stock plugin shadows ours.
set -u
. "$(dirname "$0")/lib.sh"

T=$(mktemp -d /tmp/sk-doctor.XXXXXX)
trap 'keep_logs doctor "$T/audit.json"; rm -rf "$T"' EXIT
"$SK_CLI" --db "$T/keys.db" init >/dev/null
cat >"$T/smtpd.conf" <<CONF
mech_list: PLAIN LOGIN SCRAM-SHA-256
saslkey_db: $T/keys.db
saslkey_audit_file: $T/audit.json
CONF
ours_first=$SK_PLUGIN_DIR:$SK_STOCK_PLUGIN_DIR
stock_first=$SK_STOCK_PLUGIN_DIR:$SK_PLUGIN_DIR

out=$("$SK_CLI" doctor --conf-dir "$T" --plugin-path "$ours_first")
rc=$?
check "ours first: exit 0" [ $rc -eq 0 ]
check "ours first: PLAIN served by saslkey, stock plain second" \
    sh -c 'printf "%s\n" "$1" | grep -Eq "^PLAIN +saslkey +plain$"' - "$out"
check "ours first: LOGIN served by saslkey" \
    sh -c 'printf "%s\n" "$1" | grep -Eq "^LOGIN +saslkey "' - "$out"
check "ours first: SCRAM-SHA-256 served by the stock scram, no warning" \
    sh -c 'printf "%s\n" "$1" | grep -Eq "^SCRAM-SHA-256 +scram " &&
           ! printf "%s\n" "$1" | grep -q WARNING' - "$out"
check "ours first: the store opens read-only" \
    sh -c 'printf "%s\n" "$1" | grep -q "opens read-only"' - "$out"

out=$("$SK_CLI" doctor --conf-dir "$T" --plugin-path "$stock_first")
rc=$?
check "stock first: exit 1" [ $rc -eq 1 ]
check "stock first: PLAIN served by the stock plain, with a warning" \
    sh -c 'printf "%s\n" "$1" | grep -Eq "^PLAIN +plain +saslkey$" &&
           printf "%s\n" "$1" | grep -q "WARNING: PLAIN is served by the stock plugin"' - "$out"

mv "$T/keys.db" "$T/gone.db"
out=$("$SK_CLI" doctor --conf-dir "$T" --plugin-path "$ours_first" 2>/dev/null)
check "missing store: reported" \
    sh -c 'printf "%s\n" "$1" | grep -q "key store cannot be opened"' - "$out"
mv "$T/gone.db" "$T/keys.db"

mkdir "$T/ro" && chmod 0500 "$T/ro"
sed -i "s|^saslkey_audit_file:.*|saslkey_audit_file: $T/ro/sub/audit.json|" "$T/smtpd.conf"
out=$("$SK_CLI" doctor --conf-dir "$T" --plugin-path "$ours_first")
check "unwritable audit file: reported" \
    sh -c 'printf "%s\n" "$1" | grep -q "audit file .* is not writable"' - "$out"

# the auxprop: listed by the stock tool, with store support, and reported
out=$(SASL_PATH="$SK_PLUGIN_DIR" saslpluginviewer -a 2>&1)
check "saslpluginviewer -a lists the saslkey auxprop, API 8, store support" \
    sh -c 'printf "%s\n" "$1" | grep -A1 "Plugin \"saslkey\"" |
           grep -q "supports store: yes" &&
           printf "%s\n" "$1" | grep -q "Plugin \"saslkey\" ,.*API version: 8"' - "$out"
printf 'auxprop_plugin: saslkey sasldb\n' >>"$T/smtpd.conf"
out=$("$SK_CLI" doctor --conf-dir "$T" --plugin-path "$ours_first")
check "doctor reports the saslkey auxprop as loaded" \
    sh -c 'printf "%s\n" "$1" | grep -q "saslkey auxprop loaded"' - "$out"
out=$("$SK_CLI" doctor --conf-dir "$T" --plugin-path "$SK_STOCK_PLUGIN_DIR")
check "doctor warns when auxprop_plugin names saslkey but it is not loaded" \
    sh -c 'printf "%s\n" "$1" | grep -q "names saslkey but the plugin path"' - "$out"

summary "doctor"
