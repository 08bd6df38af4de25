#!/bin/sh
# Secret hygiene, after everything else: no API key, key secret, CRAM
# secret, password or token that any test used may appear in any log,
# audit file or captured test output.
#
#   secrets: $SK_BUILD/secrets/registry (and $SK_BUILD/*/secrets/registry,
#            the sanitizer build's), one per line, written by the suites'
#            fixtures (tests/sasl/harness.c, tests/cli/cli_util.c,
#            tests/e2e/lib.sh, tests/vectors/*.py); only this script reads
#            them, and never prints one
#   scanned: everything under $SK_BUILD/logs (and */logs): the audit files
#            and logs the suites kept, the captured output of the e2e
#            scripts and of `make check-run` (check-run.log), plus the
#            *.log files in $SK_BUILD (Postfix's syslog lines, valgrind)
#
# Each secret is looked for as is and base64-encoded at each of the three
# alignments (a SASL transcript carries it that way); a long one (a token)
# by its last 64 characters, its signature.  Entries shorter than 12 bytes
# are test literals ("x", "wrong") that ordinary words would match.  A
# positive control first proves the scan finds a planted secret.
set -u
. "$(dirname "$0")/lib.sh"
: "${SK_BUILD:?SK_BUILD must name the build directory (run through make)}"

T=$(mktemp -d /tmp/sk-scan.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM

# scan REGISTRY... -- FILE...: prints "HIT <file> <registry>:<line>" for
# every occurrence found (never the secret), then "STATS ..."
scan() {
	$PY - "$T" "$@" <<'PYEOF'
import base64, os, subprocess, sys
tmp, args = sys.argv[1], sys.argv[2:]
cut = args.index("--")
registries, files = args[:cut], [f for f in args[cut + 1:] if os.path.isfile(f)]
MIN, LONG, TAIL = 12, 200, 64
pats = {}          # pattern -> (registry, line number) of its secret
n = 0
for reg in registries:
    try:
        lines = open(reg, "rb").read().split(b"\n")
    except OSError:
        continue
    for i, s in enumerate(lines, 1):
        s = s.strip(b"\r")
        if len(s) < MIN:
            continue
        n += 1
        where = (reg, i)
        forms = [s[-TAIL:]] if len(s) > LONG else [s]
        if len(s) <= LONG:
            for k in range(3):
                enc = base64.b64encode(b"\0" * k + s)
                core = enc[4 if k else 0:-4]
                if len(core) >= 16:
                    forms.append(core)
        for f in forms:
            pats.setdefault(f, where)
with open(os.path.join(tmp, "patterns"), "wb") as f:
    f.write(b"\n".join(pats) + b"\n")
size = sum(os.path.getsize(f) for f in files)
hits = []
if pats and files:
    # fixed strings, all at once (Aho-Corasick in GNU grep); -l: names only
    r = subprocess.run(["grep", "-F", "-a", "-l", "-f",
                        os.path.join(tmp, "patterns"), "--"] + files,
                       stdout=subprocess.PIPE)
    if r.returncode > 1:
        sys.exit("grep failed")
    for f in r.stdout.decode().splitlines():
        data = open(f, "rb").read()
        for p, (reg, line) in pats.items():
            if p in data:
                hits.append((f, reg, line))
for f, reg, line in sorted(set(hits)):
    print("HIT %s %s:%d" % (f, reg, line))
print("STATS secrets=%d patterns=%d files=%d bytes=%d" % (n, len(pats),
                                                         len(files), size))
PYEOF
}

# --- positive control: a planted secret, as is and inside base64
$PY - "$T" <<'PYEOF'
import base64, os, secrets, sys
t = sys.argv[1]
s = "sk_" + secrets.token_hex(6) + "_" + secrets.token_urlsafe(30)
open(os.path.join(t, "planted.registry"), "w").write("short\n" + s + "\n")
open(os.path.join(t, "plain.log"), "w").write("Nov 28 x: user=apikey pass=%s ok\n" % s)
msg = base64.b64encode(b"\0apikey\0" + s.encode()).decode()
open(os.path.join(t, "b64.log"), "w").write("C: AUTH PLAIN %s\n" % msg)
open(os.path.join(t, "clean.log"), "w").write("user=apikey key_id=%s short\n" % s[3:15])
PYEOF
out=$(scan "$T/planted.registry" -- "$T/plain.log" "$T/b64.log" "$T/clean.log")
check "control: a planted secret is found as is" \
    sh -c 'printf "%s\n" "$1" | grep -q "^HIT .*/plain.log .*planted.registry:2$"' - "$out"
check "control: ... and inside a base64 SASL message" \
    sh -c 'printf "%s\n" "$1" | grep -q "^HIT .*/b64.log .*planted.registry:2$"' - "$out"
check "control: ... and its public key id alone is no hit" \
    sh -c '! printf "%s\n" "$1" | grep -q "clean.log"' - "$out"
check "control: the report names the registry line, never the secret" \
    sh -c '! printf "%s\n" "$1" | grep -qF "$(sed -n 2p "$2")"' - "$out" "$T/planted.registry"

# --- the real thing
REGS=$(ls "$SK_BUILD"/secrets/registry "$SK_BUILD"/*/secrets/registry 2>/dev/null)
find "$SK_BUILD/logs" "$SK_BUILD"/*/logs -type f 2>/dev/null >"$T/files"
find "$SK_BUILD" -maxdepth 2 -type f -name '*.log' 2>/dev/null >>"$T/files"
if [ -z "$REGS" ] || [ ! -s "$T/files" ]; then
	not_ok "nothing to scan (no secret registry or no logs in $SK_BUILD): run the suites first"
	summary "secret scan"
	exit 1
fi
for r in $REGS; do
	check "the registry $r is private (0600)" \
	    [ "$(stat -c %a "$r")" = 600 ]
done
# shellcheck disable=SC2046
out=$(scan $REGS -- $(cat "$T/files"))
stats=$(printf '%s\n' "$out" | sed -n 's/^STATS //p')
echo "   scanned: $stats"
[ -f "$SK_BUILD/logs/check-run.log" ] &&
    echo "   (including the captured output of make check-run)"
check "the suites recorded secrets, and left logs to scan" \
    sh -c 'printf "%s\n" "$1" | grep -Eq "secrets=[1-9][0-9]* .*files=[1-9]"' - "$stats"
hits=$(printf '%s\n' "$out" | grep '^HIT ' || true)
if [ -z "$hits" ]; then
	ok "no secret in any log, audit file or captured output"
else
	not_ok "secrets found (file, registry line):"
	printf '%s\n' "$hits" | sed 's/^HIT /     /'
fi
summary "secret scan"
