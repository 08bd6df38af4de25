#!/usr/bin/python3
"""saslkey tests - an independent JWT issuer for the JOSE verification tests.

Usage: /usr/bin/python3 jwt_vectors.py OUTDIR [NOW]

NOW (Unix seconds, default 1750000000) is the time the tokens are minted
for; the mechanism tests pass the real time so tokens are live.

Fresh keys every run (RSA-2048, RSA-3072, RSA-1024, P-256, P-384, P-521,
Ed25519, plus attacker keys).  The JWS is built by hand with `cryptography`
so that the header and payload bytes are exactly what each case needs
(duplicate members, odd types, padding); PyJWT would normalise them away.

Writes:
  OUTDIR/policy.json   issuer, audience, username claim, scope, leeway and
                       the allowed algorithms the C side must configure
  OUTDIR/jwks.json     the issuer's public JWKS
  OUTDIR/tokens.json   [{"name", "token", "kid", "expect", "now", "user"?}]
                       expect is sk_reason_str() of the expected outcome
  OUTDIR/badkeys.json  [{"name", "file", "err"}]: JWK files that the
                       import must refuse, with a substring of the error
  OUTDIR/bad_*.json    those JWK files

Never prints a token.
"""

import base64
import hashlib
import hmac
import json
import os
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, x25519
from cryptography.hazmat.primitives.asymmetric.utils import (decode_dss_signature,
                                                             encode_dss_signature)

ISSUER = "https://idp.example.com/realms/mail"
AUDIENCE = "imap://mail.example.com"
USER_CLAIM = "email"
USER = "alice@example.com"
SCOPE = "mail"
LEEWAY = 60
NOW = 1750000000
ALLOWED = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
           "ES256", "ES384", "ES512", "EdDSA"]
MAX_LEN = 16384

P256_P = 2**256 - 2**224 + 2**192 + 2**96 - 1
P256_B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def ub64u(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def int_bytes(i, size=None):
    if size is None:
        size = max(1, (i.bit_length() + 7) // 8)
    return i.to_bytes(size, "big")


def compact(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


# ---------------------------------------------------------------- keys

HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
EC_SIZE = {"P-256": 32, "P-384": 48, "P-521": 66}


def rsa_jwk(key, **extra):
    pub = key.public_key().public_numbers()
    jwk = {"kty": "RSA", "n": b64u(int_bytes(pub.n)), "e": b64u(int_bytes(pub.e))}
    jwk.update(extra)
    return jwk


def rsa_private_jwk(key, **extra):
    priv = key.private_numbers()
    jwk = rsa_jwk(key, **extra)
    jwk.update({
        "d": b64u(int_bytes(priv.d)), "p": b64u(int_bytes(priv.p)),
        "q": b64u(int_bytes(priv.q)), "dp": b64u(int_bytes(priv.dmp1)),
        "dq": b64u(int_bytes(priv.dmq1)), "qi": b64u(int_bytes(priv.iqmp)),
    })
    return jwk


def ec_jwk(key, crv, **extra):
    pub = key.public_key().public_numbers()
    size = EC_SIZE[crv]
    jwk = {"kty": "EC", "crv": crv, "x": b64u(int_bytes(pub.x, size)),
           "y": b64u(int_bytes(pub.y, size))}
    jwk.update(extra)
    return jwk


def okp_jwk(pub_raw, crv, **extra):
    jwk = {"kty": "OKP", "crv": crv, "x": b64u(pub_raw)}
    jwk.update(extra)
    return jwk


def raw_public(key):
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


# ---------------------------------------------------------------- signing

def sign(alg, key, data):
    """The JWS signature of data (bytes) for alg with key, raw bytes."""
    fam, bits = alg[:2], alg[2:]
    if alg == "EdDSA":
        return key.sign(data)
    h = HASHES[bits]()
    if fam == "RS":
        return key.sign(data, padding.PKCS1v15(), h)
    if fam == "PS":
        return key.sign(data, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), h)
    if fam == "ES":
        der = key.sign(data, ec.ECDSA(h))
        r, s = decode_dss_signature(der)
        size = (key.curve.key_size + 7) // 8
        return int_bytes(r, size) + int_bytes(s, size)
    if fam == "HS":
        return hmac.new(key, data, getattr(hashlib, "sha" + bits)).digest()
    raise ValueError(alg)


def jws(header, payload, alg, key, sig_override=None):
    """header/payload: dict (compact JSON) or bytes (used verbatim)."""
    hb = header if isinstance(header, bytes) else compact(header)
    pb = payload if isinstance(payload, bytes) else compact(payload)
    si = b64u(hb) + "." + b64u(pb)
    if sig_override is not None:
        sig = sig_override
    elif key is None:
        sig = b""
    else:
        sig = sign(alg, key, si.encode("ascii"))
    return si + "." + b64u(sig)


def claims(**over):
    c = {
        "iss": ISSUER, "sub": "248289761001", "aud": AUDIENCE,
        "exp": NOW + 600, "nbf": NOW - 30, "iat": NOW - 30,
        "jti": "7c1a-49f0", "client_id": "thunderbird",
        "scope": "openid " + SCOPE + " profile", USER_CLAIM: USER,
    }
    for k, v in over.items():
        if v is DROP:
            c.pop(k, None)
        else:
            c[k] = v
    return c


DROP = object()


def record_secrets(tokens):
    """Every token minted, for tests/e2e/secret_scan.sh (never printed)."""
    path = os.environ.get("SK_SECRETS") or (
        os.environ.get("SK_BUILD") and
        os.path.join(os.environ["SK_BUILD"], "secrets", "registry"))
    if not path:
        return
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a") as f:
        for t in tokens:
            if t and "\n" not in t:
                f.write(t + "\n")


def main():
    global NOW
    if len(sys.argv) not in (2, 3):
        sys.stderr.write("usage: jwt_vectors.py OUTDIR [NOW]\n")
        return 2
    out = sys.argv[1]
    if len(sys.argv) == 3:
        NOW = int(sys.argv[2])
    os.makedirs(out, exist_ok=True)

    rsa2048 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa2048b = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa3072 = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    rsa1024 = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    p256 = ec.generate_private_key(ec.SECP256R1())
    p384 = ec.generate_private_key(ec.SECP384R1())
    p521 = ec.generate_private_key(ec.SECP521R1())
    ed = ed25519.Ed25519PrivateKey.generate()
    xk = x25519.X25519PrivateKey.generate()
    evil_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    evil_ec = ec.generate_private_key(ec.SECP256R1())

    # The issuer's keys.  Keys without "alg" are pinned by the importer:
    # RSA to the first RS/PS alg in ALLOWED (RS256), EC by curve.  The same
    # RSA key appears under several kids, each pinned to another alg, so a
    # correct signature under the wrong alg must still be refused.
    jwks = {"keys": [
        rsa_jwk(rsa2048, kid="rsa-rs256"),
        rsa_jwk(rsa2048, kid="rsa-rs384", alg="RS384", use="sig"),
        rsa_jwk(rsa2048, kid="rsa-ps256", alg="PS256"),
        rsa_jwk(rsa2048, kid="rsa-ps384", alg="PS384", key_ops=["verify"]),
        rsa_jwk(rsa3072, kid="rsa3072-rs512", alg="RS512"),
        rsa_jwk(rsa3072, kid="rsa3072-ps512", alg="PS512"),
        ec_jwk(p256, "P-256", kid="ec-p256"),
        ec_jwk(p384, "P-384", kid="ec-p384", alg="ES384"),
        ec_jwk(p521, "P-521", kid="ec-p521", use="sig"),
        okp_jwk(raw_public(ed), "Ed25519", kid="ed-1", alg="EdDSA"),
        # no kid: a second RS256 key makes kid-less RS256 tokens ambiguous
        rsa_jwk(rsa2048b, alg="RS256"),
    ]}
    kids = {
        "rsa-rs256": ("RS256", rsa2048), "rsa-rs384": ("RS384", rsa2048),
        "rsa-ps256": ("PS256", rsa2048), "rsa-ps384": ("PS384", rsa2048),
        "rsa3072-rs512": ("RS512", rsa3072), "rsa3072-ps512": ("PS512", rsa3072),
        "ec-p256": ("ES256", p256), "ec-p384": ("ES384", p384),
        "ec-p521": ("ES512", p521), "ed-1": ("EdDSA", ed),
    }

    vectors = []

    def add(name, token, kid, expect, now=NOW, user=None):
        v = {"name": name, "token": token, "kid": kid, "expect": expect, "now": now}
        if expect == "ok":
            v["user"] = USER if user is None else user
        vectors.append(v)

    def good(kid, alg=None, typ="at+jwt", payload=None, **hdr):
        a, key = kids[kid]
        h = {"alg": alg or a, "kid": kid}
        if typ is not None:
            h["typ"] = typ
        h.update(hdr)
        return jws(h, claims() if payload is None else payload, alg or a, key)

    # -- every algorithm, positive controls
    for kid, (alg, _) in kids.items():
        add("ok-" + alg, good(kid), kid, "ok")

    # -- typ
    add("typ-absent", good("rsa-rs256", typ=None), "rsa-rs256", "ok")
    for t in ["JWT", "at+jwt", "application/at+jwt", "application/jwt",
              "at+JWT", "jwt"]:
        add("typ-" + t, good("rsa-rs256", typ=t), "rsa-rs256", "ok")
    for t in ["JOSE", "dpop+jwt", "", "at+jwt "]:
        add("typ-refused-" + t, good("rsa-rs256", typ=t), "rsa-rs256", "malformed")
    add("typ-number", good("rsa-rs256", typ=1), "rsa-rs256", "malformed")

    # -- key selection without kid: only if exactly one key has the alg
    for alg, key in [("ES512", p521), ("EdDSA", ed)]:
        add("no-kid-" + alg, jws({"alg": alg, "typ": "at+jwt"}, claims(), alg, key), None, "ok")
    add("no-kid-RS256-ambiguous",
        jws({"alg": "RS256"}, claims(), "RS256", rsa2048b), None, "unknown_kid")
    add("no-kid-ES256-ok", jws({"alg": "ES256"}, claims(), "ES256", p256), None, "ok")

    # -- alg none / HMAC confusion / case / substitution
    for a in ["none", "None", "NONE", "nOnE"]:
        add("alg-" + a, jws({"alg": a, "typ": "JWT"}, claims(), a, None), None, "alg_not_allowed")
    add("alg-none-with-sig",
        jws({"alg": "none", "kid": "rsa-rs256"}, claims(), "none", None,
            sig_override=sign("RS256", rsa2048, b"x")), "rsa-rs256", "alg_not_allowed")
    add("alg-none-kid", jws({"alg": "none", "kid": "rsa-rs256"}, claims(), "none", None),
        "rsa-rs256", "alg_not_allowed")
    pem = rsa2048.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    for a in ["HS256", "HS384", "HS512"]:
        add("hmac-confusion-" + a,
            jws({"alg": a, "kid": "rsa-rs256", "typ": "JWT"}, claims(), a, pem),
            "rsa-rs256", "alg_not_allowed")
    add("alg-lowercase-rs256", jws({"alg": "rs256", "kid": "rsa-rs256"}, claims(), "RS256",
                                   rsa2048), "rsa-rs256", "alg_not_allowed")
    add("alg-unknown-RS1", jws({"alg": "RS1", "kid": "rsa-rs256"}, claims(), "RS256", rsa2048),
        "rsa-rs256", "alg_not_allowed")
    add("alg-number", jws({"alg": 256, "kid": "rsa-rs256"}, claims(), "RS256", rsa2048),
        "rsa-rs256", "malformed")
    add("alg-missing", jws({"kid": "rsa-rs256"}, claims(), "RS256", rsa2048),
        "rsa-rs256", "malformed")
    # ES384 label over a P-256 key, signed for real with SHA-384 on P-256
    add("ES384-on-P-256", jws({"alg": "ES384", "kid": "ec-p256"}, claims(), "ES384", p256),
        "ec-p256", "alg_not_allowed")
    add("ES256-on-P-384", jws({"alg": "ES256", "kid": "ec-p384"}, claims(), "ES256", p384),
        "ec-p384", "alg_not_allowed")
    # a correct RS256 signature by the key that is pinned to PS256
    add("RS256-on-PS256-key", jws({"alg": "RS256", "kid": "rsa-ps256"}, claims(), "RS256", rsa2048),
        "rsa-ps256", "alg_not_allowed")
    add("PS256-on-RS256-key", jws({"alg": "PS256", "kid": "rsa-rs256"}, claims(), "PS256", rsa2048),
        "rsa-rs256", "alg_not_allowed")
    add("RS512-on-RS256-key", jws({"alg": "RS512", "kid": "rsa-rs256"}, claims(), "RS512", rsa2048),
        "rsa-rs256", "alg_not_allowed")
    add("ES256-on-RSA-key", jws({"alg": "ES256", "kid": "rsa-rs256"}, claims(), "ES256", p256),
        "rsa-rs256", "alg_not_allowed")
    add("EdDSA-on-EC-key", jws({"alg": "EdDSA", "kid": "ec-p256"}, claims(), "EdDSA", ed),
        "ec-p256", "alg_not_allowed")

    # -- kid handling: opaque lookup string only
    for name, kid in [("unknown", "nope"), ("path", "../../dev/null"),
                      ("quotes", "a\"b'c`d"), ("sql", "x' OR '1'='1"),
                      ("empty", ""), ("case", "RSA-RS256")]:
        add("kid-" + name, jws({"alg": "RS256", "kid": kid}, claims(), "RS256", rsa2048),
            kid, "unknown_kid")
    add("kid-too-long", jws({"alg": "RS256", "kid": "k" * 129}, claims(), "RS256", rsa2048),
        "k" * 129, "malformed")
    add("kid-128", jws({"alg": "RS256", "kid": "k" * 128}, claims(), "RS256", rsa2048),
        "k" * 128, "unknown_kid")
    add("kid-control", jws({"alg": "RS256", "kid": "rsa-rs256\n"}, claims(), "RS256", rsa2048),
        None, "malformed")
    add("kid-number", jws({"alg": "RS256", "kid": 7}, claims(), "RS256", rsa2048),
        None, "malformed")

    # -- the token brings its own key: never used
    evil_jwk = rsa_jwk(evil_rsa, kid="attacker-1")
    evil_ec_jwk = ec_jwk(evil_ec, "P-256", kid="ec-p256")
    for hname, hval in [("jku", "https://attacker.example/jwks.json"),
                        ("x5u", "https://attacker.example/cert.pem"),
                        ("jwk", evil_jwk)]:
        add(hname + "-attacker-kid",
            jws({"alg": "RS256", "kid": "attacker-1", hname: hval}, claims(), "RS256", evil_rsa),
            "attacker-1", "unknown_kid")
        add(hname + "-legit-kid",
            jws({"alg": "RS256", "kid": "rsa-rs256", hname: hval}, claims(), "RS256", evil_rsa),
            "rsa-rs256", "bad_signature")
    add("jwk-ec-embedded",
        jws({"alg": "ES256", "kid": "ec-p256", "jwk": evil_ec_jwk}, claims(), "ES256", evil_ec),
        "ec-p256", "bad_signature")
    add("jwk-embedded-no-kid",
        jws({"alg": "EdDSA", "jwk": okp_jwk(raw_public(ed25519.Ed25519PrivateKey.generate()),
                                            "Ed25519")}, claims(), "EdDSA",
            ed25519.Ed25519PrivateKey.generate()), None, "bad_signature")
    add("x5c-legit-kid",
        jws({"alg": "RS256", "kid": "rsa-rs256", "x5c": [b64u(b"not a cert")]}, claims(),
            "RS256", evil_rsa), "rsa-rs256", "bad_signature")
    # the headers themselves are harmless when the issuer's key signed
    add("jku-ignored-good-sig", good("rsa-rs256", jku="https://attacker.example/jwks.json"),
        "rsa-rs256", "ok")

    # -- crit
    add("crit-exp", good("rsa-rs256", crit=["exp"]), "rsa-rs256", "malformed")
    add("crit-empty", good("rsa-rs256", crit=[]), "rsa-rs256", "malformed")

    # -- time claims (leeway 60)
    add("expired", good("rsa-rs256", payload=claims(exp=NOW - 3600, nbf=NOW - 7200,
                                                    iat=NOW - 7200)), "rsa-rs256", "expired")
    add("exp-edge-expired", good("ec-p256", payload=claims(exp=NOW - LEEWAY)), "ec-p256", "expired")
    add("exp-edge-valid", good("ec-p256", payload=claims(exp=NOW - LEEWAY + 1)), "ec-p256", "ok")
    add("nbf-future", good("rsa-rs256", payload=claims(nbf=NOW + 3600)), "rsa-rs256",
        "not_yet_valid")
    add("nbf-edge-valid", good("ed-1", payload=claims(nbf=NOW + LEEWAY)), "ed-1", "ok")
    add("nbf-edge-future", good("ed-1", payload=claims(nbf=NOW + LEEWAY + 1)), "ed-1",
        "not_yet_valid")
    add("iat-future", good("rsa-rs256", payload=claims(iat=NOW + 3600)), "rsa-rs256",
        "not_yet_valid")
    add("exp-missing", good("rsa-rs256", payload=claims(exp=DROP)), "rsa-rs256", "malformed")
    for name, val in [("string", str(NOW + 600)), ("null", None), ("bool", True),
                      ("negative", -1), ("huge", 253402300800), ("object", {"v": 1})]:
        add("exp-" + name, good("rsa-rs256", payload=claims(exp=val)), "rsa-rs256", "malformed")
    add("nbf-string", good("rsa-rs256", payload=claims(nbf=str(NOW))), "rsa-rs256", "malformed")
    add("iat-string", good("rsa-rs256", payload=claims(iat=str(NOW))), "rsa-rs256", "malformed")
    add("exp-real", good("rsa-rs256", payload=claims(exp=NOW + 0.5)), "rsa-rs256", "ok")
    add("exp-real-floor", good("rsa-rs256", payload=claims(exp=NOW + LEEWAY - 0.5)),
        "rsa-rs256", "ok", now=NOW)
    add("exp-real-floor-expired", good("rsa-rs256", payload=claims(exp=NOW - LEEWAY + 0.5)),
        "rsa-rs256", "expired")

    # -- iss / aud / scope / user
    add("iss-wrong", good("rsa-rs256", payload=claims(iss="https://evil.example")),
        "rsa-rs256", "wrong_issuer")
    add("iss-trailing-slash", good("rsa-rs256", payload=claims(iss=ISSUER + "/")),
        "rsa-rs256", "wrong_issuer")
    add("iss-missing", good("rsa-rs256", payload=claims(iss=DROP)), "rsa-rs256", "malformed")
    add("iss-array", good("rsa-rs256", payload=claims(iss=[ISSUER])), "rsa-rs256", "malformed")
    add("aud-wrong", good("rsa-rs256", payload=claims(aud="smtp://other.example")),
        "rsa-rs256", "wrong_audience")
    add("aud-array-wrong", good("rsa-rs256", payload=claims(aud=["a", "b"])),
        "rsa-rs256", "wrong_audience")
    add("aud-array-contains", good("rsa-rs256", payload=claims(aud=["other", AUDIENCE])),
        "rsa-rs256", "ok")
    add("aud-missing", good("rsa-rs256", payload=claims(aud=DROP)), "rsa-rs256",
        "wrong_audience")
    add("aud-number", good("rsa-rs256", payload=claims(aud=5)), "rsa-rs256", "wrong_audience")
    add("scope-missing", good("rsa-rs256", payload=claims(scope="openid profile")),
        "rsa-rs256", "missing_scope")
    add("scope-prefix-only", good("rsa-rs256", payload=claims(scope="openid mailbox")),
        "rsa-rs256", "missing_scope")
    add("scope-absent", good("rsa-rs256", payload=claims(scope=DROP)), "rsa-rs256",
        "missing_scope")
    add("scp-array", good("rsa-rs256", payload=claims(scope=DROP, scp=["openid", SCOPE])),
        "rsa-rs256", "ok")
    add("scp-string", good("rsa-rs256", payload=claims(scope=DROP, scp="openid " + SCOPE)),
        "rsa-rs256", "ok")
    add("user-missing", good("rsa-rs256", payload=claims(email=DROP)), "rsa-rs256", "malformed")
    add("user-not-string", good("rsa-rs256", payload=claims(email=["alice@example.com"])),
        "rsa-rs256", "malformed")
    add("user-empty", good("rsa-rs256", payload=claims(email="")), "rsa-rs256", "malformed")
    add("user-control", good("rsa-rs256", payload=claims(email="alice\r\nbob")),
        "rsa-rs256", "malformed")
    add("user-utf8", good("rsa-rs256", payload=claims(email="j\u00f6rg@example.com")),
        "rsa-rs256", "ok", user="j\u00f6rg@example.com")
    add("sub-number", good("rsa-rs256", payload=claims(sub=12)), "rsa-rs256", "malformed")

    # -- JSON ambiguity
    hdr = b'{"alg":"RS256","kid":"rsa-rs256"}'
    body = compact(claims())
    dup_sub = body[:-1] + b',"sub":"admin"}'
    add("dup-claim-sub", jws(hdr, dup_sub, "RS256", rsa2048), "rsa-rs256", "malformed")
    add("dup-claim-control", jws(hdr, body, "RS256", rsa2048), "rsa-rs256", "ok")
    add("dup-header-alg", jws(b'{"alg":"none","alg":"RS256","kid":"rsa-rs256"}', body,
                              "RS256", rsa2048), "rsa-rs256", "malformed")
    add("dup-header-kid", jws(b'{"alg":"RS256","kid":"nope","kid":"rsa-rs256"}', body,
                              "RS256", rsa2048), "rsa-rs256", "malformed")
    add("header-array", jws(b'["RS256"]', body, "RS256", rsa2048), None, "malformed")
    add("payload-null", jws(hdr, b"null", "RS256", rsa2048), "rsa-rs256", "malformed")
    add("payload-not-json", jws(hdr, b"foo", "RS256", rsa2048), "rsa-rs256", "malformed")
    add("payload-bad-utf8", jws(hdr, body[:-1] + b',"x":"\xff\xfe"}', "RS256", rsa2048),
        "rsa-rs256", "malformed")
    add("payload-nul", jws(hdr, body[:-1] + b',"x":"a\\u0000b"}', "RS256", rsa2048),
        "rsa-rs256", "malformed")
    add("payload-trailing-garbage", jws(hdr, body + b"x", "RS256", rsa2048),
        "rsa-rs256", "malformed")
    add("payload-trailing-space", jws(hdr, body + b" \n", "RS256", rsa2048),
        "rsa-rs256", "ok")

    # -- size: the cap is on the token text, before any decoding
    def sized(target):
        for hpad in range(0, 4):
            for pad in range(0, 20000):
                h = {"alg": "RS256", "kid": "rsa-rs256", "x": "h" * hpad}
                c = claims(pad="p" * pad)
                si = b64u(compact(h)) + "." + b64u(compact(c))
                total = len(si) + 1 + 342   # RSA-2048 signature: 256 bytes
                if total == target:
                    return jws(h, c, "RS256", rsa2048)
                if total > target:
                    break
        raise RuntimeError("no token of %d bytes" % target)
    big = sized(MAX_LEN)
    assert len(big) == MAX_LEN
    add("len-max", big, "rsa-rs256", "ok")
    big1 = sized(MAX_LEN + 1)
    add("len-max-plus", big1, "rsa-rs256", "malformed")
    add("len-1MiB", jws(hdr, compact(claims(pad="p" * (1 << 20))), "RS256", rsa2048),
        "rsa-rs256", "malformed")

    # -- base64url strictness and segments
    t = good("rsa-rs256")
    h64, p64, s64 = t.split(".")
    assert len(ub64u(s64)) % 3 == 1     # 256-byte signature: would need "=="
    add("pad-signature", t + "==", "rsa-rs256", "malformed")
    add("pad-header", h64 + "=." + p64 + "." + s64, "rsa-rs256", "malformed")
    add("pad-payload", h64 + "." + p64 + "=." + s64, "rsa-rs256", "malformed")
    for name, ch in [("space", " "), ("plus", "+"), ("slash", "/"), ("dot-star", "*")]:
        add("stray-" + name, h64 + "." + ch + p64[1:] + "." + s64, "rsa-rs256", "malformed")
    # the same signature in standard base64 ("+/" instead of "-_")
    std = base64.b64encode(ub64u(s64)).decode().rstrip("=")
    if std == s64:
        std = "+" + s64[1:]
    add("std-base64-sig", h64 + "." + p64 + "." + std, "rsa-rs256", "malformed")
    add("leading-space", " " + t, "rsa-rs256", "malformed")
    add("trailing-newline", t + "\n", "rsa-rs256", "malformed")
    add("segments-2", h64 + "." + p64, "rsa-rs256", "malformed")
    add("segments-4", t + "." + s64, "rsa-rs256", "malformed")
    add("segments-5-jwe", h64 + ".." + p64 + "." + s64 + ".", "rsa-rs256", "malformed")
    add("empty-payload", h64 + ".." + s64, "rsa-rs256", "malformed")
    add("empty-signature", h64 + "." + p64 + ".", "rsa-rs256", "malformed")
    add("empty-header", "." + p64 + "." + s64, None, "malformed")
    add("empty-token", "", None, "malformed")
    add("dots-only", "..", None, "malformed")
    # a base64url length no encoder produces (4k+1)
    add("sig-len-4k+1", h64 + "." + p64 + "." + s64 + "AAA", "rsa-rs256", "malformed")
    # non-zero unused bits: Ed25519 signature, 64 bytes -> last char holds
    # 2 data bits and 4 that must be zero
    te = good("ed-1")
    eh, ep, es = te.split(".")
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alpha.index(es[-1])
    assert last & 15 == 0
    add("sig-noncanonical-bits", eh + "." + ep + "." + es[:-1] + alpha[last | 1], "ed-1",
        "malformed")
    add("sig-canonical-control", te, "ed-1", "ok")

    # -- signatures
    def flip(tok, idx=-1):
        hh, pp, ss = tok.split(".")
        raw = bytearray(ub64u(ss))
        raw[idx] ^= 0x01
        return hh + "." + pp + "." + b64u(bytes(raw))

    for kid in ["rsa-rs256", "rsa-ps256", "rsa3072-ps512", "ec-p256", "ec-p521", "ed-1"]:
        alg = kids[kid][0]
        add("sig-bitflip-" + alg, flip(good(kid), 5), kid, "bad_signature")
    add("sig-truncated-RS256", h64 + "." + p64 + "." + b64u(ub64u(s64)[:-1]), "rsa-rs256",
        "bad_signature")
    add("sig-extra-leading-zero-RS256",
        h64 + "." + p64 + "." + b64u(b"\x00" + ub64u(s64)), "rsa-rs256", "bad_signature")
    tes = good("ec-p256")
    ch_, cp_, cs_ = tes.split(".")
    raw = ub64u(cs_)
    add("sig-truncated-ES256", ch_ + "." + cp_ + "." + b64u(raw[:-1]), "ec-p256", "bad_signature")
    add("sig-truncated-EdDSA", eh + "." + ep + "." + b64u(ub64u(es)[:-1]), "ed-1",
        "bad_signature")
    r = int.from_bytes(raw[:32], "big")
    s = int.from_bytes(raw[32:], "big")
    add("sig-ES256-DER", ch_ + "." + cp_ + "." + b64u(encode_dss_signature(r, s)), "ec-p256",
        "bad_signature")
    zero = bytes(32)
    nb = int_bytes(P256_N, 32)
    for name, sig in [("r0-s0", zero + zero), ("r0", zero + raw[32:]), ("s0", raw[:32] + zero),
                      ("r=s=n", nb + nb), ("r=n", nb + raw[32:]), ("s=n", raw[:32] + nb),
                      ("all-ff", b"\xff" * 64)]:
        add("ES256-" + name, ch_ + "." + cp_ + "." + b64u(sig), "ec-p256", "bad_signature")
    # high-S: OpenSSL (like Python cryptography) accepts (r, n - s); a JWS
    # verifier built on it is therefore malleable - recorded, not hidden
    add("ES256-high-S", ch_ + "." + cp_ + "." + b64u(raw[:32] + int_bytes(P256_N - s, 32)),
        "ec-p256", "ok")
    # a payload change under an old signature
    add("payload-swapped", h64 + "." + b64u(compact(claims(email="mallory@example.com"))) +
        "." + s64, "rsa-rs256", "bad_signature")
    # a signature from the same key over another token
    add("sig-from-other-token", h64 + "." + p64 + "." +
        good("rsa-rs256", payload=claims(jti="other")).split(".")[2], "rsa-rs256",
        "bad_signature")

    # ---------------------------------------------------- bad keys
    bad = []

    def badkey(name, jwk, err):
        fname = "bad_" + name + ".json"
        with open(os.path.join(out, fname), "w") as f:
            json.dump(jwk, f)
        bad.append({"name": name, "file": fname, "err": err})

    badkey("rsa1024", rsa_jwk(rsa1024, kid="weak"),
           "RSA modulus is 1024 bits; at least 2048 are required")
    pub = p256.public_key().public_numbers()
    y = (pub.y + 1) % P256_P
    while (y * y - (pub.x ** 3 - 3 * pub.x + P256_B)) % P256_P == 0:
        y = (y + 1) % P256_P
    badkey("offcurve", {"kty": "EC", "crv": "P-256", "kid": "off",
                        "x": b64u(int_bytes(pub.x, 32)), "y": b64u(int_bytes(y, 32))},
           "EC point is not on curve P-256")
    badkey("oct", {"kty": "oct", "kid": "hmac", "k": b64u(os.urandom(32)), "alg": "HS256"},
           "key type \"oct\" refused")
    badkey("private", rsa_private_jwk(rsa2048, kid="leaked"),
           "member \"d\" present: this is a private key")
    badkey("ec-private", ec_jwk(p256, "P-256", kid="leaked-ec",
                                d=b64u(int_bytes(p256.private_numbers().private_value, 32))),
           "member \"d\" present")
    badkey("x25519", okp_jwk(raw_public(xk), "X25519", kid="x"), "unsupported curve \"X25519\"")
    badkey("use-enc", rsa_jwk(rsa2048, kid="enc", use="enc", alg="RSA-OAEP"),
           "\"use\" is not \"sig\"")
    badkey("secp256k1", {"kty": "EC", "crv": "secp256k1", "kid": "k1",
                         "x": b64u(bytes(32)), "y": b64u(bytes(32))},
           "unsupported curve \"secp256k1\"")
    badkey("rsa-alg-es256", rsa_jwk(rsa2048, kid="mix", alg="ES256"),
           "alg ES256 does not fit this RSA key")
    badkey("p256-alg-es384", ec_jwk(p256, "P-256", kid="mix2", alg="ES384"),
           "alg ES384 does not fit this EC P-256 key")
    badkey("key-ops-sign", ec_jwk(p256, "P-256", kid="ops", key_ops=["sign"]),
           "\"key_ops\" does not include \"verify\"")

    with open(os.path.join(out, "jwks.json"), "w") as f:
        json.dump(jwks, f, indent=1)
    with open(os.path.join(out, "tokens.json"), "w") as f:
        json.dump(vectors, f)
    record_secrets(v["token"] for v in vectors)
    with open(os.path.join(out, "badkeys.json"), "w") as f:
        json.dump(bad, f, indent=1)
    with open(os.path.join(out, "policy.json"), "w") as f:
        json.dump({"issuer": ISSUER, "audience": AUDIENCE, "username_claim": USER_CLAIM,
                   "scope": SCOPE, "leeway": LEEWAY, "allowed": ALLOWED,
                   "nkeys": len(jwks["keys"])}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
