#!/usr/bin/python3
"""saslkey bench - the suite behind `make bench` and `make bench-smoke`.

    run.py            full suite: callgrind instruction counts and wall-time
                      medians for every scenario, written to bench/RESULTS.md
    run.py --smoke    every scenario a few times, natively, checking only
                      that it succeeds or fails as it must (CI; no timing)

Environment (the Makefile's TEST_ENV and BENCH_ENV): SK_BUILD, SK_SRCDIR,
SK_PLUGIN_DIR, SK_STOCK_PLUGIN_DIR, SK_CLI, SK_SKBENCH, SK_SKGEN.
Options: --out FILE (default bench/RESULTS.md), --runs R (timing runs per
scenario, default 5), --keep (leave the work directory).

Python standard library only; the token minter (bench/mint.py) needs the
`cryptography` package of Debian's /usr/bin/python3.  Never prints a key,
password or token: they live in files under the work directory (mode 0600)
that the harness reads.
"""
import base64
import concurrent.futures
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

MINT = "/usr/bin/python3"


def env(name, default=None):
    v = os.environ.get(name, default)
    if v is None:
        sys.exit("bench: %s is not set (run through make bench)" % name)
    return v


SRC = env("SK_SRCDIR", os.getcwd())
BUILD = env("SK_BUILD")
PLUGIN_DIR = env("SK_PLUGIN_DIR")
STOCK_DIR = env("SK_STOCK_PLUGIN_DIR")
CLI = env("SK_CLI")
SKBENCH = env("SK_SKBENCH")
SKGEN = env("SK_SKGEN")

PATHS = {
    "sk": PLUGIN_DIR + ":" + STOCK_DIR,   # as deployed: ours first
    "ours": PLUGIN_DIR,                   # saslkey alone
    "stock": STOCK_DIR,                   # the stock plugins alone
}

ISSUER = "https://idp.example.test"
AUDIENCE = "smtp://mx.example.test"
OAUTH_USER = "alice@example.com"
ALGS = ("RS256", "PS256", "ES256", "EdDSA")
ALLOW = ("127.0.0.0/8", "192.0.2.0/24")


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


def write_secret(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def sh(args, **kw):
    """run a helper; its output never contains secrets, show it on failure"""
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, **kw)
    if r.returncode != 0:
        sys.stderr.write(r.stdout)
        sys.exit("bench: failed: %s" % " ".join(args[:3]))
    return r.stdout


class Suite:
    def __init__(self, smoke, runs, out, keep):
        self.smoke = smoke
        self.runs = 1 if smoke else runs
        self.out = out
        self.keep = keep
        self.work = os.path.join(BUILD, "bench-smoke" if smoke else
                                 "bench-work")
        self.results = {}
        self.cg_files = {}
        self.captured = []
        self.notes = []

    def p(self, *parts):
        return os.path.join(self.work, *parts)

    # ---------------------------------------------------------- fixtures

    def setup(self):
        t0 = time.time()
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        sizes = {"1k": 1000, "100k": 100000, "1m": 1000000}
        if self.smoke:
            sizes = {"1k": 1000, "100k": 1000, "1m": 1000}
        self.gen_times = {}
        for name, n in sizes.items():
            d = self.p("s" + name)
            os.makedirs(d)
            t = time.time()
            out = sh([SKGEN, os.path.join(d, "keys.db"), str(n), d,
                      "--probes", "1000", "--cram", "100", "--scram",
                      "2" if self.smoke else "8"])
            self.gen_times[name] = (n, time.time() - t, out.strip())
            log(out.strip())
        # the OAuth issuer and its user's account, the way an admin adds them
        tok = self.p("tok")
        os.makedirs(tok)
        sh([MINT, os.path.join(SRC, "bench", "mint.py"), tok, "init"])
        db = self.p("s1k", "keys.db")
        args = [CLI, "--db", db, "account", "add", OAUTH_USER]
        for a in ALLOW:
            args += ["--allow", a]
        sh(args)
        args = [CLI, "--db", db, "issuer", "add", "bench", "--issuer", ISSUER,
                "--audience", AUDIENCE, "--jwks", os.path.join(tok, "jwks.json"),
                "--scope", "mail"]
        for a in ALGS:
            args += ["--alg", a]
        sh(args)
        count = 12 if self.smoke else 600
        for a in ALGS:
            sh([MINT, os.path.join(SRC, "bench", "mint.py"), tok, "tokens", a,
                str(count), "7200"])
        sh([MINT, os.path.join(SRC, "bench", "mint.py"), tok, "tokens",
            "RS256", "12" if self.smoke else "200", "7200", "bad"])
        # sasldb for the stock plugins, filled by the real saslpasswd2
        sdb = self.p("sasldb")
        os.makedirs(sdb)
        good, bad = [], []
        for i in range(4):
            user = "user%02d" % (i + 1)
            pw = os.urandom(18).hex()
            r = subprocess.run(["saslpasswd2", "-p", "-c", "-f",
                                os.path.join(sdb, "sasldb2"), "-u",
                                "mx.example", user], input=pw, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                sys.exit("bench: saslpasswd2 failed: " + r.stdout)
            good.append("%s\t%s\n" % (user, pw))
            bad.append("%s\t%sx\n" % (user, pw))
        write_secret(os.path.join(sdb, "creds.txt"), "".join(good))
        write_secret(os.path.join(sdb, "creds-bad.txt"), "".join(bad))
        write_secret(self.p("external.txt"), "bench-external\t-\n")
        write_secret(self.p("anonymous.txt"), "bench-trace\t-\n")
        self.write_confs()
        self.setup_secs = time.time() - t0

    def conf(self, name, lines):
        d = self.p("conf-" + name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "skbench.conf"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def write_confs(self):
        mechs = "mech_list: PLAIN LOGIN CRAM-MD5 OAUTHBEARER XOAUTH2 " \
                "ANONYMOUS EXTERNAL"
        audit = ["saslkey_audit_file: " + self.p("audit.json"),
                 "saslkey_audit_syslog: no"]
        for size in ("1k", "100k", "1m"):
            db = "saslkey_db: " + self.p("s" + size, "keys.db")
            self.conf("sk-" + size, [mechs, db] + audit)
        self.conf("sk-noaudit", [mechs, "saslkey_db: " +
                                 self.p("s1k", "keys.db"),
                                 "saslkey_audit_syslog: no"])
        self.conf("sk-scram", ["mech_list: SCRAM-SHA-256",
                               "auxprop_plugin: saslkey",
                               "saslkey_db: " + self.p("s1k", "keys.db")] +
                  audit)
        self.conf("stock", ["mech_list: PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256 "
                            "ANONYMOUS EXTERNAL",
                            "pwcheck_method: auxprop",
                            "auxprop_plugin: sasldb",
                            "sasldb_path: " + self.p("sasldb", "sasldb2")])

    # --------------------------------------------------------- scenarios

    def scenarios(self):
        S = []

        def add(sid, label, conf, path, mech, **kw):
            d = {"id": sid, "label": label, "conf": conf, "path": path,
                 "mech": mech, "expect": "ok", "cg": (200, 10),
                 "time": (2000, 20)}
            d.update(kw)
            S.append(d)

        s1k = lambda f: self.p("s1k", f)
        sdb = lambda f: self.p("sasldb", f)
        # the floor: a trivial mechanism, libsasl2 only
        add("floor-external", "EXTERNAL, stock plugins (**the floor**)",
            "stock", "stock", "EXTERNAL", creds=self.p("external.txt"))
        add("floor-anonymous", "ANONYMOUS, stock plugins", "stock",
            "stock", "ANONYMOUS", creds=self.p("anonymous.txt"))
        add("floor-external-sk", "EXTERNAL, saslkey config (its auxprop "
            "gate looks the user up)", "sk-1k", "sk", "EXTERNAL",
            creds=self.p("external.txt"))
        # PLAIN / LOGIN
        for mech in ("PLAIN", "LOGIN"):
            m = mech.lower()
            add("sk-%s-ok" % m, "saslkey %s, API key" % mech, "sk-1k", "sk",
                mech, creds=s1k("plain.txt"))
            add("sk-%s-same" % m, "saslkey %s, the same key again "
                "(per-generation cache)" % mech, "sk-1k", "sk", mech,
                creds=s1k("plain.txt"), same=True)
            add("sk-%s-bad" % m, "saslkey %s, wrong secret" % mech, "sk-1k",
                "sk", mech, creds=s1k("plain-bad.txt"), expect="fail")
            add("stock-%s-ok" % m, "stock %s + sasldb" % mech, "stock",
                "stock", mech, creds=sdb("creds.txt"), time=(1000, 10))
            add("stock-%s-bad" % m, "stock %s + sasldb, wrong password" % mech,
                "stock", "stock", mech, creds=sdb("creds-bad.txt"),
                expect="fail", time=(1000, 10))
        add("sk-plain-ok-noaudit", "saslkey PLAIN, API key, audit off",
            "sk-noaudit", "sk", "PLAIN", creds=s1k("plain.txt"))
        # CRAM-MD5
        add("sk-cram-ok", "saslkey CRAM-MD5, account secret", "sk-1k", "sk",
            "CRAM-MD5", creds=s1k("cram.txt"), time=(1000, 10))
        add("sk-cram-same", "saslkey CRAM-MD5, the same user again (cache)",
            "sk-1k", "sk", "CRAM-MD5", creds=s1k("cram.txt"), same=True,
            time=(1000, 10))
        add("sk-cram-bad", "saslkey CRAM-MD5, wrong secret", "sk-1k", "sk",
            "CRAM-MD5", creds=s1k("cram-bad.txt"), expect="fail",
            time=(1000, 10))
        add("stock-cram-ok", "stock CRAM-MD5 + sasldb", "stock", "stock",
            "CRAM-MD5", creds=sdb("creds.txt"), time=(1000, 10))
        add("stock-cram-bad", "stock CRAM-MD5 + sasldb, wrong password",
            "stock", "stock", "CRAM-MD5", creds=sdb("creds-bad.txt"),
            expect="fail", time=(1000, 10))
        # OAUTHBEARER
        tok = lambda a: self.p("tok", "tokens-%s.txt" % a)
        for a in ALGS:
            al = a.lower()
            add("ob-%s-fresh" % al, "OAUTHBEARER %s, fresh token" % a,
                "sk-1k", "sk", "OAUTHBEARER", tokens=tok(a), user=OAUTH_USER,
                fresh=True, cg=(40, 5), time=(500, 5))
            add("ob-%s-cached" % al, "OAUTHBEARER %s, repeated (cache)" % a,
                "sk-1k", "sk", "OAUTHBEARER", tokens=tok(a), user=OAUTH_USER,
                same=True, cg=(200, 5))
            add("raw-%s" % al, "raw OpenSSL verify, %s" % a, None, None,
                None, verify=a, tokens=tok(a), cg=(40, 2), time=(500, 5))
        add("xo-rs256-fresh", "XOAUTH2 RS256, fresh token", "sk-1k", "sk",
            "XOAUTH2", tokens=tok("RS256"), user=OAUTH_USER, fresh=True,
            cg=(40, 5), time=(500, 5))
        add("ob-rs256-badsig", "OAUTHBEARER RS256, bad signature", "sk-1k",
            "sk", "OAUTHBEARER", tokens=self.p("tok", "tokens-RS256-bad.txt"),
            user=OAUTH_USER, expect="fail", cg=(40, 2), time=(150, 2))
        add("hash-rs256", "SHA-256 of an RS256 token (cache key)", None, None,
            None, hash=True, tokens=tok("RS256"), cg=(200, 2))
        # SCRAM
        add("sk-scram-ok", "stock SCRAM-SHA-256 + saslkey auxprop", "sk-scram",
            "sk", "SCRAM-SHA-256", creds=s1k("scram.txt"), cg=(20, 2),
            time=(40, 2))
        add("sk-scram-bad", "stock SCRAM-SHA-256 + saslkey auxprop, wrong key",
            "sk-scram", "sk", "SCRAM-SHA-256", creds=s1k("scram-bad.txt"),
            expect="fail", cg=(20, 2), time=(40, 2))
        add("stock-scram-ok", "stock SCRAM-SHA-256 + sasldb", "stock", "stock",
            "SCRAM-SHA-256", creds=sdb("creds.txt"), cg=(4, 1), time=(20, 1))
        add("stock-scram-bad", "stock SCRAM-SHA-256 + sasldb, wrong password",
            "stock", "stock", "SCRAM-SHA-256", creds=sdb("creds-bad.txt"),
            expect="fail", cg=(4, 1), time=(20, 1))
        # scaling
        for size in ("100k", "1m"):
            add("sk-plain-%s" % size, "saslkey PLAIN, %s keys" % size,
                "sk-" + size, "sk", "PLAIN",
                creds=self.p("s" + size, "plain.txt"))
        return S

    def args(self, s, n, warmup):
        a = [SKBENCH, "--n", str(n), "--warmup", str(warmup)]
        if s.get("verify"):
            a += ["--verify", "--alg", s["verify"], "--pem",
                  self.p("tok", "%s.pub.pem" % s["verify"])]
        elif s.get("hash"):
            a += ["--hash"]
        else:
            a += ["--mech", s["mech"], "--conf-dir", self.p("conf-" + s["conf"]),
                  "--server-path", PATHS[s["path"]], "--client-path", STOCK_DIR]
        if s.get("creds"):
            a += ["--creds", s["creds"]]
        if s.get("tokens"):
            a += ["--tokens", s["tokens"]]
        if s.get("user"):
            a += ["--user", s["user"]]
        if s.get("fresh"):
            a += ["--fresh"]
        if s.get("same"):
            a += ["--same"]
        a += ["--expect", s["expect"]]
        return a

    def skbench(self, args, cg_file=None):
        # the full run keeps the audit file small; the smoke run keeps it
        # all, to check that no secret reached it
        if not self.smoke and os.path.exists(self.p("audit.json")):
            os.unlink(self.p("audit.json"))
        if cg_file:
            args = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
                    "--callgrind-out-file=" + cg_file] + args
        r = subprocess.run(args, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, cwd=self.work)
        self.captured.append(r.stdout + r.stderr)
        line = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
        kv = dict(x.split("=", 1) for x in line.split() if "=" in x)
        if r.returncode != 0:
            raise RuntimeError("exit %d: %s %s" % (r.returncode, line,
                                                   r.stderr.strip()[-300:]))
        return kv

    # ------------------------------------------------------------- smoke

    def run_smoke(self):
        failures = 0
        S = self.scenarios()
        for s in S:
            n = 3
            try:
                self.skbench(self.args(s, n, 1 if s.get("same") else 0))
                status = "ok"
            except RuntimeError as e:
                failures += 1
                status = "FAILED (%s)" % e
            print("  %-24s %-8s %s" % (s["id"], s["expect"], status),
                  flush=True)
        # cold start and memory, a few authentications each
        for sid, a in (("cold-1m", self.cold_args(*self.COLD[0][1:])),
                       ("rss-plain", self.rss_args("plain", 3))):
            try:
                self.skbench(a)
                print("  %-24s %-8s ok" % (sid, "ok"))
            except RuntimeError as e:
                failures += 1
                print("  %-24s %-8s FAILED (%s)" % (sid, "ok", e))
        leaks = self.secret_hygiene()
        print("bench-smoke: %d scenarios, %d failed; secret hygiene: %s" %
              (len(S) + 2, failures, "%d secrets leaked" % leaks if leaks
               else "no secret in any output or audit event"))
        return failures + leaks

    def secret_hygiene(self):
        """no key, password or token of this run in skbench's output or
        the audit file (as is, or base64 at any alignment); names the
        file a secret came from, never the secret"""
        secrets = []
        for root, _, files in os.walk(self.work):
            for name in files:
                path = os.path.join(root, name)
                if not name.endswith(".txt"):
                    continue
                with open(path) as f:
                    for line in f:
                        v = line.rstrip("\n").split("\t")[-1]
                        if len(v) >= 12:
                            secrets.append((v.encode(), name))
        hay = "".join(self.captured).encode()
        if os.path.exists(self.p("audit.json")):
            with open(self.p("audit.json"), "rb") as f:
                hay += f.read()
        def found(v, text):
            forms = [v[-64:]] if len(v) > 200 else [v]
            for k in range(3):
                enc = base64.b64encode(b"\0" * k + v[:200])
                forms.append(enc[4 if k else 0:-4])
            return any(len(x) >= 12 and x in text for x in forms)

        if not secrets or not hay:
            print("  secret hygiene check had nothing to check")
            return 1
        # positive control: a planted secret, base64-encoded, is found
        if not found(secrets[0][0], b"x" + base64.b64encode(b"\0" +
                                                             secrets[0][0])):
            print("  secret hygiene check cannot find a planted secret")
            return 1
        leaks = 0
        for v, src in secrets:
            if found(v, hay):
                leaks += 1
                print("  LEAK: a secret from %s appears in the output" % src)
        return leaks

    # -------------------------------------------------------------- full

    COLD = (
        # id, conf, plugin path, mechanism, credentials
        ("cold-1m", "sk-1m", "sk", "PLAIN", "s1m"),
        ("cold-1k", "sk-1k", "sk", "PLAIN", "s1k"),
        ("cold-1m-ours", "sk-1m", "ours", "PLAIN", "s1m"),
        ("cold-stock", "stock", "stock", "EXTERNAL", None),
    )

    def cold_args(self, conf, path, mech, store):
        creds = self.p(store, "plain.txt") if store else \
            self.p("external.txt")
        return [SKBENCH, "--cold", "--mech", mech, "--conf-dir",
                self.p("conf-" + conf), "--server-path", PATHS[path],
                "--client-path", STOCK_DIR, "--creds", creds, "--expect", "ok"]

    def rss_args(self, kind, n):
        if kind == "plain":
            extra = ["--mech", "PLAIN", "--creds", self.p("s1k", "plain.txt")]
        elif kind == "cram":
            extra = ["--mech", "CRAM-MD5", "--creds", self.p("s1k", "cram.txt")]
        else:
            extra = ["--mech", "OAUTHBEARER", "--tokens",
                     self.p("tok", "tokens-RS256.txt"), "--user", OAUTH_USER]
        return [SKBENCH, "--n", str(n), "--warmup", "0", "--conf-dir",
                self.p("conf-sk-1k"), "--server-path", PATHS["sk"],
                "--client-path", STOCK_DIR, "--expect", "ok"] + extra

    def run_callgrind(self, S):
        cgdir = self.p("callgrind")
        os.makedirs(cgdir, exist_ok=True)

        def one(s):
            f = os.path.join(cgdir, "cg." + s["id"])
            n, w = s["cg"]
            kv = self.skbench(self.args(s, n, w), cg_file=f)
            return s["id"], f, cg_total(f) / n, kv

        # callgrind counts are deterministic: two at a time is fine
        with concurrent.futures.ThreadPoolExecutor(2) as ex:
            for sid, f, ir, kv in ex.map(one, S):
                self.results.setdefault(sid, {})["ir"] = ir
                self.cg_files[sid] = f
                log("callgrind %-24s %10.0f instructions/auth" % (sid, ir))
        # cold start: from sasl_server_init to the first authentication
        for sid, *c in self.COLD:
            f = os.path.join(cgdir, "cg." + sid)
            self.skbench(self.cold_args(*c), cg_file=f)
            self.results.setdefault(sid, {})["ir"] = cg_total(f)
            self.cg_files[sid] = f
            log("callgrind %-24s %10.0f instructions" % (sid, cg_total(f)))

    def run_timing(self, S):
        for s in S:
            n, w = s["time"]
            rates, us = [], []
            for _ in range(self.runs):
                kv = self.skbench(self.args(s, n, w))
                rates.append(float(kv["auth_per_s"]))
                us.append(float(kv["server_us"]))
            r = self.results.setdefault(s["id"], {})
            r["rate"] = statistics.median(rates)
            r["us"] = statistics.median(us)
            r["us_min"] = min(us)
            log("time      %-24s %10.0f auth/s  %8.1f us/auth (server)" %
                (s["id"], r["rate"], r["us"]))
        # cold start, natively: a fresh process per run
        for sid, *c in self.COLD:
            runs = []
            for _ in range(max(self.runs * 3, 11)):
                kv = self.skbench(self.cold_args(*c))
                runs.append((float(kv["cold_total_us"]),
                             float(kv["cold_init_us"]),
                             float(kv["cold_auth_us"])))
            r = self.results.setdefault(sid, {})
            r["cold"] = [statistics.median(x[i] for x in runs)
                         for i in range(3)]
            r["cold_min"] = [min(x[i] for x in runs) for i in range(3)]
            log("cold      %-24s median %8.0f us, min %8.0f us" %
                (sid, r["cold"][0], r["cold_min"][0]))
        # memory: one process that did 1 authentication, one that did 100,000
        for kind in ("plain", "cram", "oauth"):
            one = self.skbench(self.rss_args(kind, 1))
            many = self.skbench(self.rss_args(kind, 100000))
            self.results["rss-" + kind] = {
                "one": int(one["peak_rss_kb"]), "many": int(many["peak_rss_kb"]),
                "cur_one": int(one["rss_kb"]), "cur_many": int(many["rss_kb"])}
            one, many = int(one["peak_rss_kb"]), int(many["peak_rss_kb"])
            log("rss       %-24s %d KiB after 1, %d KiB after 100,000" %
                (kind, one, many))

    # ----------------------------------------------------------- report

    def incl(self, sid, fn):
        return cg_inclusive(self.cg_files[sid], fn) / \
            self.scen[sid]["cg"][0]

    def libsasl2_part(self, sid, step_fn):
        """instructions outside saslkey's code: the whole server side minus
        the mechanism step, plus libsasl2's canon_user called from it"""
        return self.results[sid]["ir"] - self.incl(sid, step_fn) + \
            self.incl(sid, "conn_accept")

    def report(self, S, started, secs):
        self.scen = {s["id"]: s for s in S}
        R = self.results
        ir = lambda sid: R[sid]["ir"]
        floor = ir("floor-external")
        L = []
        w = L.append
        w("# saslkey benchmark results")
        w("")
        w("Generated by `make bench` (bench/run.py) on %s in %.0f s; every "
          "number below comes from this one run.  Method, harness and how "
          "to reproduce: [README.md](README.md)." %
          (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)), secs))
        w("")
        w("* **instructions** = server-side instructions per authentication "
          "under `valgrind --tool=callgrind`: collection is on only inside "
          "`sasl_server_new`, `sasl_server_start`, `sasl_server_step` and "
          "the server's `sasl_dispose` (a whole server conversation, as an "
          "MTA pays it per AUTH), for the measured iterations only (after a "
          "warm-up); client work is never counted.  Deterministic; the "
          "budgets are checked on these.")
        w("* **auth/s** = complete authentications per second, client and "
          "server in one process; **server µs** = wall time inside those "
          "server calls per authentication.  Medians of %d runs, natively, "
          "on a shared 2-core machine (load average below): indicative "
          "only." % self.runs)
        w("* saslkey runs with the plugin path `<saslkey>:<stock>` as "
          "deployed (README), an **audit file configured and syslog off**; "
          "the \"audit off\" row has neither.  The stock plugins run alone "
          "with `pwcheck_method: auxprop`, `auxprop_plugin: sasldb`.  "
          "Store: 1,000 accounts with one key each unless stated; every "
          "account has a 2-entry IP allow-list, every key the service "
          "`smtp`; the client is 127.0.0.1.")
        w("* **the floor** = the stock EXTERNAL mechanism with the stock "
          "plugins: libsasl2's own cost of a whole server conversation "
          "with a mechanism that does nothing (%s instructions)." %
          fmt_i(floor))
        w("")
        w("## Machine")
        w("")
        for k, v in machine_info():
            w("* %s: %s" % (k, v))
        w("* load average when the run started: %s" % self.load0)
        w("")

        # ---- budgets
        w("## Budgets")
        w("")
        w("| budget | measured | limit | |")
        w("|---|---:|---:|---|")

        def budget(name, measured, limit, fmt, proof):
            ok = measured <= limit
            w("| %s | %s | %s | %s |" % (name, fmt(measured), fmt(limit),
                                        "**met**" if ok else
                                        "**not met**: " + proof))

        i0 = fmt_i
        f2 = lambda v: "%.2f" % v
        f3 = lambda v: "%.3f" % v
        budget("API-key PLAIN, a key this process has read before (cache), "
               "instructions", ir("sk-plain-same"), 45000, i0,
               "[why](#plain-proof)")
        budget("API-key PLAIN, a key this process has not seen (SQLite "
               "lookup), instructions", ir("sk-plain-ok"), 45000, i0,
               "[why](#plain-proof)")
        budget("CRAM-MD5, a user this process has read before (cache), "
               "instructions", ir("sk-cram-same"), 45000, i0,
               "[why](#cram-proof)")
        budget("CRAM-MD5, a user this process has not seen (SQLite "
               "lookups), instructions", ir("sk-cram-ok"), 45000, i0,
               "[why](#cram-proof)")
        budget("OAUTHBEARER RS256, fresh token, instructions (floor + 1.2 × "
               "raw RS256 verify)", ir("ob-rs256-fresh"),
               floor + 1.2 * ir("raw-rs256"), i0, "[why](#rs256-proof)")
        budget("OAUTHBEARER RS256, repeated token (cache), instructions",
               ir("ob-rs256-cached"), 40000, i0, "[why](#cache-proof)")
        budget("PLAIN with 1M keys ÷ with 1k keys (instructions)",
               ir("sk-plain-1m") / ir("sk-plain-ok"), 1.1, f3,
               "see [scaling](#scaling)")
        budget("cold start, 1M keys, ms from `sasl_server_init` (median)",
               R["cold-1m"]["cold"][0] / 1000.0, 1.0, f2,
               "[why](#cold-proof)")
        budget("peak RSS growth from 1 to 100,000 authentications, MiB "
               "(worst of PLAIN, CRAM-MD5, OAUTHBEARER)",
               max((R["rss-" + k]["many"] - R["rss-" + k]["one"]) / 1024.0
                   for k in ("plain", "cram", "oauth")), 2.0, f2,
               "see [memory](#memory)")
        w("")

        def table(title, ids, ref=None, anchor=None):
            if anchor:
                w('<a id="%s"></a>' % anchor)
                w("")
            w("## " + title)
            w("")
            w("| scenario | instructions | × %s | auth/s | server µs |" %
              (self.scen[ref]["label"] if ref else "floor"))
            w("|---|---:|---:|---:|---:|")
            base = ir(ref) if ref else floor
            for sid in ids:
                r = R[sid]
                w("| %s | %s | %s | %s | %s |" % (
                    self.scen[sid]["label"], fmt_i(r["ir"]),
                    fmt_ratio(r["ir"] / base),
                    fmt_i(r["rate"]) if "rate" in r else "",
                    "%.1f" % r["us"] if "us" in r else ""))
            w("")

        table("The floor: a trivial mechanism", ["floor-external",
              "floor-anonymous", "floor-external-sk"])
        table("PLAIN and LOGIN: API key vs stock + sasldb",
              ["sk-plain-ok", "sk-plain-same", "stock-plain-ok",
               "sk-plain-bad", "stock-plain-bad", "sk-login-ok",
               "sk-login-same", "stock-login-ok", "sk-login-bad",
               "stock-login-bad"], ref="stock-plain-ok")
        w("\"API key\" and \"wrong secret\" cycle through 1,000 keys, so "
          "each attempt presents a key the process does not hold (its "
          "caches keep 64 keys and 64 accounts) and reads it from SQLite; "
          "\"the same key again\" presents one key every time, answered "
          "from the per-generation cache until the store changes (any "
          "commit by the CLI).")
        w("")
        table("The audit sink: JSON file vs off", ["sk-plain-ok",
              "sk-plain-ok-noaudit"], ref="sk-plain-ok")
        table("CRAM-MD5: saslkey vs stock + sasldb",
              ["sk-cram-ok", "sk-cram-same", "stock-cram-ok",
               "sk-cram-bad", "stock-cram-bad"], ref="stock-cram-ok")
        w("\"Account secret\" and \"wrong secret\" cycle through 100 "
          "users, so each attempt reads the user's candidates from SQLite "
          "(the cache keeps 16 users); \"the same user again\" is answered "
          "from the per-generation cache.")
        w("")
        # OAuth
        w("## OAUTHBEARER and XOAUTH2 vs the raw OpenSSL verify")
        w("")
        w("Live tokens minted for this run by bench/mint.py (an independent "
          "issuer: hand-rolled JWS with Python `cryptography`), about %d "
          "bytes for RS256.  \"Fresh\" = a token this process has not seen "
          "(each used once); \"repeated\" = the same token again, answered "
          "from the verified-token cache.  Raw verify = "
          "`EVP_DigestVerifyInit_ex` + `EVP_DigestVerify` of the same "
          "signing input and signature, key already loaded (ECDSA "
          "signatures converted to DER beforehand): what any relying party "
          "must spend per token." %
          token_len(self.p("tok", "tokens-RS256.txt")))
        w("")
        w("| alg | raw verify | fresh | fresh − raw | fresh ÷ raw | repeated "
          "| auth/s fresh | auth/s repeated | server µs fresh | server µs "
          "raw |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for a in ALGS:
            al = a.lower()
            fr, ca, raw = R["ob-%s-fresh" % al], R["ob-%s-cached" % al], \
                R["raw-%s" % al]
            w("| %s | %s | %s | %s | %.2f | %s | %s | %s | %.1f | %.1f |" % (
                a, fmt_i(raw["ir"]), fmt_i(fr["ir"]),
                fmt_i(fr["ir"] - raw["ir"]), fr["ir"] / raw["ir"],
                fmt_i(ca["ir"]), fmt_i(fr["rate"]), fmt_i(ca["rate"]),
                fr["us"], raw["us"]))
        w("")
        table("Other bearer rows", ["xo-rs256-fresh", "ob-rs256-badsig",
                                   "hash-rs256"])
        table("SCRAM-SHA-256: saslkey's auxprop vs sasldb",
              ["sk-scram-ok", "stock-scram-ok", "sk-scram-bad",
               "stock-scram-bad"], ref="stock-scram-ok")
        w("Debian's `saslpasswd2` stores only `userPassword` in sasldb, so "
          "the stock SCRAM plugin derives the salted password (PBKDF2, "
          "4,096 rounds) on every attempt; saslkey's auxprop serves stored "
          "RFC 5803 verifiers (made with 4,096 rounds too).  The client's "
          "own PBKDF2 bounds auth/s in both.")
        w("")
        table("Scaling", ["sk-plain-ok", "sk-plain-100k", "sk-plain-1m"],
              ref="sk-plain-ok", anchor="scaling")
        w("Stores made by bench/skgen (one transaction, sorted inserts): " +
          "; ".join("%s keys in %.1f s" % (fmt_i(n), t)
                    for n, t, _ in self.gen_times.values()) + ".  Each run "
          "cycles through 1,000 probe keys spread uniformly over the store, "
          "so lookups walk different B-tree pages; the extra cost at 1M is "
          "the deeper B-trees (three descents: key index, key row, "
          "account row).")
        w("")
        self.cold_section(w)
        w('<a id="memory"></a>')
        w("")
        w("## Memory")
        w("")
        w("Peak resident set size (`VmHWM`) of one process after 1 and "
          "after 100,000 authentications, and its RSS at the end "
          "(OAUTHBEARER: cycling 600 fresh RS256 tokens through the "
          "64-entry cache, so the cache is full and keeps being replaced).")
        w("")
        w("| mechanism | peak after 1 | peak after 100,000 | growth | RSS at "
          "the end, after 100,000 |")
        w("|---|---:|---:|---:|---:|")
        for k, label in (("plain", "PLAIN, API key"), ("cram", "CRAM-MD5"),
                         ("oauth", "OAUTHBEARER RS256")):
            r = R["rss-" + k]
            w("| %s | %s KiB | %s KiB | %s KiB | %s KiB |" % (
                label, fmt_i(r["one"]), fmt_i(r["many"]),
                fmt_i(r["many"] - r["one"]), fmt_i(r["cur_many"])))
        w("")
        self.proofs(w, floor)
        opt = os.path.join(SRC, "bench", "optimizations.md")
        if os.path.exists(opt):
            with open(opt) as f:
                w(f.read().rstrip())
            w("")
        with open(self.out, "w") as f:
            f.write("\n".join(L) + "\n")
        log("wrote %s" % self.out)

    def cold_section(self, w):
        R = self.results
        w('<a id="cold-proof"></a>')
        w("")
        w("## Cold start")
        w("")
        w("A fresh process per run: the clock starts just before "
          "`sasl_server_init` and stops when the first authentication's "
          "server side returns (`sasl_client_init` and client work "
          "excluded).  %d runs each; the machine is shared, so the minimum "
          "is shown beside the median.  The harness links libcrypto, as a "
          "TLS-capable MTA does, so loading it is not part of the figure.  "
          "Instructions: the same span under callgrind." %
          max(self.runs * 3, 11))
        w("")
        w("| first authentication, plugin path | instructions | median ms "
          "| min ms | `sasl_server_init` median ms | first auth median ms |")
        w("|---|---:|---:|---:|---:|---:|")
        for sid, label in (
                ("cold-1m", "PLAIN, 1M keys, saslkey + stock plugins"),
                ("cold-1k", "PLAIN, 1k keys, saslkey + stock plugins"),
                ("cold-1m-ours", "PLAIN, 1M keys, saslkey alone"),
                ("cold-stock", "EXTERNAL, stock plugins alone (no "
                 "saslkey)")):
            r = R[sid]
            w("| %s | %s | %.2f | %.2f | %.2f | %.2f |" % (
                label, fmt_i(r["ir"]), r["cold"][0] / 1000,
                r["cold_min"][0] / 1000, r["cold"][1] / 1000,
                r["cold"][2] / 1000))
        w("")
        ours_init = self.incl_cold("cold-1m", "sasl_server_init") - \
            self.incl_cold("cold-stock", "sasl_server_init")
        w("Where the instructions go (callgrind, 1M keys, saslkey + "
          "stock): `sasl_server_init` %s, of which the dynamic loader "
          "relocating the plugins and their libraries %s (the stock "
          "plugins alone: %s, so %s for loading libsaslkey.so, SQLite "
          "and jansson); the first authentication %s, of which SQLite "
          "opening the store and parsing its schema %s.  Nothing depends on "
          "the number of keys: 1M and 1k differ by %s instructions." % (
              fmt_i(self.incl_cold("cold-1m", "sasl_server_init")),
              fmt_i(self.incl_cold("cold-1m", "_dl_relocate_object")),
              fmt_i(self.incl_cold("cold-stock", "sasl_server_init")),
              fmt_i(ours_init),
              fmt_i(R["cold-1m"]["ir"] -
                    self.incl_cold("cold-1m", "sasl_server_init")),
              fmt_i(self.incl_cold("cold-1m", "sqlite3Init")),
              fmt_i(abs(R["cold-1m"]["ir"] - R["cold-1k"]["ir"]))))
        w("")
        st, ours = R["cold-stock"], R["cold-1m-ours"]
        w("Why 1 ms is out of reach here: libsasl2's own start-up with "
          "the stock plugins and no saslkey at all (the last row: "
          "`sasl_server_init` loading every plugin in the stock directory, "
          "libsasldb and Berkeley DB among them, then one EXTERNAL "
          "authentication) already takes %.2f ms (median; %.2f minimum) "
          "on this machine.  saslkey without the stock plugins takes %.2f "
          "ms (%.2f minimum): `sasl_server_init` %.2f ms, the dynamic "
          "loader mapping and relocating libsaslkey.so, SQLite and jansson "
          "(`dlopen` with RTLD_NOW, as libsasl2 does), and the first "
          "authentication %.2f ms, mostly SQLite's first open of the store "
          "and its schema parse; faulting in code and data pages costs "
          "more than the %s instructions suggest.  Both are the price of "
          "loading the libraries, paid once per process; neither depends "
          "on the store's size." % (
              st["cold"][0] / 1000, st["cold_min"][0] / 1000,
              ours["cold"][0] / 1000, ours["cold_min"][0] / 1000,
              ours["cold"][1] / 1000, ours["cold"][2] / 1000,
              fmt_i(ours["ir"])))
        w("")

    def incl_cold(self, sid, fn):
        return cg_inclusive(self.cg_files[sid], fn)

    def proofs(self, w, floor):
        R = self.results
        ir = lambda sid: R[sid]["ir"]
        inc = self.incl
        w("## Budgets not met: where the instructions go")
        w("")
        w("Inclusive callgrind costs per authentication, from this run's "
          "profiles, of the parts that each of these authentications has "
          "to pay: libsasl2's own work around the mechanism, the SQLite "
          "statements that read what the process does not hold yet, and "
          "the cryptography and parsing the credential needs "
          "(bench/README.md, \"Budgets that are not met\").  Each table's "
          "sum already exceeds its budget.")
        w("")

        def part_table(anchor, title, sid, parts, limit, text):
            w('<a id="%s"></a>' % anchor)
            w("")
            w("### " + title)
            w("")
            w("| part | instructions |")
            w("|---|---:|")
            total = 0.0
            for label, value in parts:
                w("| %s | %s |" % (label, fmt_i(value)))
                total += value
            w("| **sum of these parts** | **%s** |" % fmt_i(total))
            w("| budget | %s |" % fmt_i(limit))
            w("| measured, everything | %s |" % fmt_i(ir(sid)))
            w("")
            w(text)
            w("")

        full = R.get("sq-full", {}).get("ir", 0)
        narrow = R.get("sq-narrow", {}).get("ir", 0)

        # ---- PLAIN: a key the process has not read in this generation
        p_lib = self.libsasl2_part("sk-plain-ok", "plain_step")
        p_same = ir("sk-plain-same")
        part_table("plain-proof", "API-key PLAIN, a key this process has "
                   "not seen", "sk-plain-ok", [
            ("libsasl2 around the mechanism: connection set-up and "
             "tear-down, mechanism dispatch, `canon_user` with its auxprop "
             "calls", p_lib),
            ("the SQLite point lookup of the key and its account "
             "(`sq_auth_key`: one join, 19 columns, 11 TEXT/BLOB)",
             inc("sk-plain-ok", "sq_auth_key")),
            ("SHA-256 of the presented key, to compare with the stored "
             "hash (two compression blocks)",
             inc("sk-plain-ok", "sk_key_hash")),
        ], 45000,
            "A key this process has not read since the store last changed "
            "must be read from SQLite; everything else is the same as for "
            "a key it has read before, which the per-generation cache "
            "answers: the same key again costs %s, within the budget.  "
            "The difference, %s, is the lookup (%s of it in `sq_auth_key`) "
            "and keeping its answer.  The "
            "lookup cannot be made small enough: SQLite as Debian builds it "
            "(without the lookaside allocator) mallocs, copies and frees "
            "every TEXT/BLOB column it returns, on every execution, and "
            "walks three B-trees (key index, key row, account row).  "
            "`bench/sqprobe` measures the same join through the same "
            "SQLite at %s instructions for the full record and %s for only "
            "the 8 fields the password path reads - the floor of a SQLite "
            "lookup of that data here.  With that floor in place of the "
            "full record an unseen key would still cost about %s, and at "
            "least the cached path plus the floor (%s + %s = %s): above "
            "45,000 with this libsasl2 (%s before any saslkey code) and "
            "any SQLite lookup." % (
                fmt_i(p_same), fmt_i(ir("sk-plain-ok") - p_same),
                fmt_i(inc("sk-plain-ok", "sq_auth_key")),
                fmt_i(full), fmt_i(narrow),
                fmt_i(ir("sk-plain-ok") - full + narrow),
                fmt_i(p_same), fmt_i(narrow), fmt_i(p_same + narrow),
                fmt_i(p_lib)))

        # ---- CRAM-MD5: a user the process has not read in this generation
        c_same = ir("sk-cram-same")
        parts = [
            ("libsasl2 around the mechanism",
             self.libsasl2_part("sk-cram-ok", "cram_step")),
            ("store: `account_get`, the account by name",
             inc("sk-cram-ok", "sq_account_get")),
            ("store: `secret_list`, the account's secrets (sorted: a "
             "temporary B-tree)", inc("sk-cram-ok", "sq_secret_list")),
            ("store: `key_list`, the account's API keys as full records",
             inc("sk-cram-ok", "sq_key_list")),
        ]
        mkv = inc("sk-cram-ok", "sk_master_key_verify")
        if mkv > 0:
            parts.append(("`sk_master_key_verify`, the master key's "
                          "fingerprint against the store (once per store "
                          "generation)", mkv))
        parts.append(("AES-256-GCM unseal of the HMAC-MD5 state",
                      inc("sk-cram-ok", "sk_unseal")))
        part_table("cram-proof", "CRAM-MD5, a user this process has not "
                   "seen", "sk-cram-ok", parts, 45000,
            "The candidates a CRAM-MD5 response is checked against (the "
            "account's secrets and its keys' CRAM-MD5 state, sealed) come "
            "from three SQL statements the first time a user is seen in a "
            "store generation; the per-generation cache answers the same "
            "user again at %s, within the budget (no SQL; the unseal and "
            "the HMAC-MD5 check remain).  The master key's "
            "fingerprint is checked against the store once per generation, "
            "%s.  Even a single statement instead of three could not bring "
            "an unseen user under 45,000: the cached path plus one SQLite "
            "lookup at `bench/sqprobe`'s floor (%s for 8 narrow fields) is "
            "already %s." % (
                fmt_i(c_same),
                "and costs %s per attempt here" % fmt_i(mkv) if mkv > 0 else
                "so it falls in the warm-up and is absent from the measured "
                "attempts' profile", fmt_i(narrow), fmt_i(c_same + narrow)))

        # ---- OAUTHBEARER RS256, fresh token
        raw = ir("raw-rs256")
        parse = inc("ob-rs256-fresh", "sk_jws_parse")
        part_table("rs256-proof", "OAUTHBEARER RS256, fresh token",
                   "ob-rs256-fresh", [
                       ("libsasl2 around the mechanism",
                        self.libsasl2_part("ob-rs256-fresh", "ob_step")),
                       ("signature verification (`sk_jws_verify`; the raw "
                        "verify alone: %s)" % fmt_i(raw),
                        inc("ob-rs256-fresh", "sk_jws_verify")),
                       ("JWS parsing: base64url and jansson "
                        "(`sk_jws_parse`)", parse),
                       ("SHA-256 of the whole token (the cache key)",
                        inc("ob-rs256-fresh", "sk_sha256")),
                       ("OAUTHBEARER message parsing "
                        "(`sk_oauthbearer_parse`)",
                        inc("ob-rs256-fresh", "sk_oauthbearer_parse")),
                   ], floor + 1.2 * raw,
            "The budget allows 20 %% over the raw RSA verify (%s) for "
            "everything else a fresh token needs, and a JWS needs more than "
            "the signature check: its header, claims and signature are "
            "base64url-decoded and header and claims parsed as JSON by "
            "jansson, which allocates a node per value: `sk_jws_parse` "
            "costs %s, more than the whole allowance on its own (jansson's "
            "`json_loadb` %s of it, base64url %s).  The token is also hashed "
            "with SHA-256 to enter the verified-token cache (%s), and the "
            "OAUTHBEARER message around it is parsed (%s)." % (
                fmt_i(0.2 * raw), fmt_i(parse),
                fmt_i(inc("ob-rs256-fresh", "json_loadb")),
                fmt_i(inc("ob-rs256-fresh", "sk_b64url_decode")),
                fmt_i(inc("ob-rs256-fresh", "sk_sha256")),
                fmt_i(inc("ob-rs256-fresh", "sk_oauthbearer_parse"))))

        # ---- OAUTHBEARER, repeated token
        sha = inc("ob-rs256-cached", "sk_sha256")
        part_table("cache-proof", "OAUTHBEARER, repeated token (cache)",
                   "ob-rs256-cached", [
                       ("libsasl2 around the mechanism",
                        self.libsasl2_part("ob-rs256-cached", "ob_step")),
                       ("SHA-256 of the whole token, the cache key", sha),
                       ("OAUTHBEARER message parsing",
                        inc("ob-rs256-cached", "sk_oauthbearer_parse")),
                   ], 40000,
            "The cache key must be a collision-resistant hash of the whole "
            "token (DESIGN.md: a weaker key would let a forged token hit a "
            "verified one's entry), so hashing the token is the least a "
            "cache hit can do.  Under callgrind the CPU has no SHA "
            "extensions and OpenSSL's SHA-256 runs at about 1,800 "
            "instructions per 64-byte block: %s for this %d-byte token "
            "(measured alone, `EVP_Digest`: %s).  That hash and libsasl2's "
            "floor (%s, a mechanism that does nothing) already come to %s, "
            "above 40,000 for an RS256 token whatever the rest costs; the "
            "shorter ES256 and EdDSA tokens measure %s and %s." % (
                fmt_i(sha), token_len(self.p("tok", "tokens-RS256.txt")),
                fmt_i(ir("hash-rs256")), fmt_i(floor), fmt_i(floor + sha),
                fmt_i(ir("ob-es256-cached")),
                fmt_i(ir("ob-eddsa-cached"))))

    def sqprobe(self):
        """full vs narrow store lookup, same SQLite, same store"""
        exe = os.path.join(BUILD, "bench", "sqprobe")
        if not os.path.exists(exe):
            return
        for kind in ("full", "narrow"):
            f = self.p("callgrind", "cg.sq-" + kind)
            subprocess.run(["valgrind", "--tool=callgrind",
                            "--collect-atstart=no", "--callgrind-out-file=" + f,
                            exe, self.p("s1k", "keys.db"),
                            self.p("s1k", "plain.txt"), kind, "200"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=True)
            self.results["sq-" + kind] = {"ir": cg_total(f) / 200}

    def run_full(self):
        started = time.time()
        self.load0 = "%.2f %.2f %.2f" % os.getloadavg()
        self.setup()
        S = self.scenarios()
        log("setup done in %.1f s; %d scenarios" % (self.setup_secs, len(S)))
        self.run_callgrind(S)
        self.sqprobe()
        self.run_timing(S)
        self.report(S, started, time.time() - started)
        return 0


# ------------------------------------------------------------------ helpers

def fmt_i(v):
    return "{:,.0f}".format(v)


def fmt_ratio(v):
    return "%.2f" % v if v >= 0.1 else "%.4f" % v


def cg_total(path):
    with open(path) as f:
        for line in f:
            if line.startswith("totals:"):
                return float(line.split()[1])
    raise RuntimeError("no totals in " + path)


_annot = {}


def cg_inclusive(path, fn):
    """the inclusive cost of function fn (the largest entry of that name)"""
    if path not in _annot:
        out = subprocess.run(["callgrind_annotate", "--inclusive=yes",
                              "--threshold=100", "--auto=no", path],
                             stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
        costs = {}
        for line in out.splitlines():
            m = re.match(r"\s*([\d,]+) \([ \d.]+%\)\s+(\S+)", line)
            if not m:
                continue
            name = m.group(2).rsplit(":", 1)[-1]
            v = float(m.group(1).replace(",", ""))
            costs[name] = max(costs.get(name, 0.0), v)
        _annot[path] = costs
    return _annot[path].get(fn, 0.0)


def token_len(path):
    with open(path) as f:
        return len(f.readline().strip())


def run_text(args):
    try:
        return subprocess.run(args, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True).stdout
    except OSError:
        return ""


def pkg_version(pkg):
    v = run_text(["dpkg-query", "-W", "-f=${Version}", pkg]).strip()
    return v if v and "no packages" not in v else "?"


def machine_info():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1048576.0)
    deb = "?"
    if os.path.exists("/etc/debian_version"):
        with open("/etc/debian_version") as f:
            deb = f.read().strip()
    load = os.getloadavg()
    gcc = run_text(["gcc", "--version"]).splitlines()
    vg = run_text(["valgrind", "--version"]).strip()
    return [
        ("CPU", "%s, %d cores (as seen by the OS)" % (cpu, os.cpu_count())),
        ("memory", mem),
        ("OS", "Debian %s, Linux %s" % (deb, platform.release())),
        ("load average at report time", "%.2f %.2f %.2f" % load),
        ("libsasl2", pkg_version("libsasl2-2")),
        ("OpenSSL (libssl3)", pkg_version("libssl3")),
        ("SQLite", pkg_version("libsqlite3-0")),
        ("jansson", pkg_version("libjansson4")),
        ("valgrind", vg),
        ("compiler", gcc[0] if gcc else "?"),
        ("saslkey", saslkey_version()),
    ]


def saslkey_version():
    v = "?"
    try:
        with open(os.path.join(SRC, "Makefile")) as f:
            for line in f:
                if line.startswith("VERSION"):
                    v = line.split("=", 1)[1].strip()
    except OSError:
        pass
    head = os.path.join(SRC, ".git", "HEAD")
    if os.path.exists(head):
        with open(head) as f:
            ref = f.read().strip()
        if ref.startswith("ref: "):
            p = os.path.join(SRC, ".git", ref[5:])
            if os.path.exists(p):
                with open(p) as f:
                    ref = f.read().strip()
            else:
                ref = ref[5:]
        v += ", commit %s" % ref[:12]
        if tree_changed():
            v += " (plus the working tree's changes)"
    return v


def tree_changed():
    """uncommitted changes to anything but this report (git, if present)"""
    try:
        out = subprocess.run(["git", "-C", SRC, "status", "--porcelain",
                              "--untracked-files=no"], capture_output=True,
                             text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return True
    if out.returncode != 0:
        return True
    return any(not line.endswith("bench/RESULTS.md")
               for line in out.stdout.splitlines())


def main(argv):
    smoke = "--smoke" in argv
    keep = "--keep" in argv
    out = os.path.join(SRC, "bench", "RESULTS.md")
    runs = 5
    if "--out" in argv:
        out = argv[argv.index("--out") + 1]
    if "--runs" in argv:
        runs = int(argv[argv.index("--runs") + 1])
    for tool in ([] if smoke else ["valgrind", "callgrind_annotate"]) + \
            ["saslpasswd2"]:
        if shutil.which(tool) is None:
            sys.exit("bench: %s is missing (bench/deps.sh installs it)" % tool)
    suite = Suite(smoke, runs, out, keep)
    t0 = time.time()
    if smoke:
        suite.setup()
        rc = 1 if suite.run_smoke() else 0
        log("smoke run took %.1f s" % (time.time() - t0))
    else:
        rc = suite.run_full()
        log("full run took %.1f s" % (time.time() - t0))
    if not keep:
        shutil.rmtree(suite.work, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
