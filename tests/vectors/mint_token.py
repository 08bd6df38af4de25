#!/usr/bin/python3
"""saslkey tests - mint live JWT access tokens as an independent issuer.

  mint_token.py DIR init              an RSA-2048 key (kid "e2e-rs256"):
                                      DIR/key.pem (private), DIR/jwks.json
  mint_token.py DIR token [k=v ...]   one RS256 token on stdout; claims:
        user=alice@example.com  exp_in=600  aud=smtp://mx.example.test
        iss=https://idp.example.test  scope="openid mail"  pad=0 (bytes of
        filler claim, to make a long token)  jti=random  sub=sub-USER
        len=N: pad so that the token is exactly N bytes long (not every
        N can be reached: a base64url segment is never 1 mod 4 long)

Every token is also appended to the secret registry ($SK_SECRETS, else
$SK_BUILD/secrets/registry) that tests/e2e/secret_scan.sh checks.

Hand-rolled JWS with `cryptography` (no JWT library), so the bytes are
exactly what the relying party must verify.  Callers keep the token in a
variable or a file; they must never print it.
"""
import base64
import json
import os
import secrets
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from jwt_vectors import record_secrets  # the secret registry, one writer

KID = "e2e-rs256"


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def init(d):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with open(os.path.join(d, "key.pem"), "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    pub = key.public_key().public_numbers()
    n = pub.n.to_bytes((pub.n.bit_length() + 7) // 8, "big")
    e = pub.e.to_bytes((pub.e.bit_length() + 7) // 8, "big")
    with open(os.path.join(d, "jwks.json"), "w") as f:
        json.dump({"keys": [{"kty": "RSA", "kid": KID, "use": "sig",
                             "alg": "RS256", "n": b64u(n), "e": b64u(e)}]}, f)


def token(d, args):
    opt = {"user": "alice@example.com", "exp_in": "600",
           "aud": "smtp://mx.example.test", "iss": "https://idp.example.test",
           "scope": "openid mail", "pad": "0", "jti": secrets.token_hex(8)}
    for a in args:
        k, _, v = a.partition("=")
        opt[k] = v
    if "len" in opt:
        # the payload's base64url grows by 4 per 3 bytes; a longer jti
        # reaches the lengths that padding alone skips
        want = int(opt.pop("len"))
        for extra in range(0, 3):
            jti = opt["jti"] + "j" * extra
            lo, hi = 0, want
            while lo <= hi:
                mid = (lo + hi) // 2
                t = make(d, dict(opt, pad=str(mid), jti=jti))
                if len(t) == want:
                    record_secrets([t])
                    sys.stdout.write(t)
                    return
                if len(t) < want:
                    lo = mid + 1
                else:
                    hi = mid - 1
        sys.exit("cannot mint a token of exactly %d bytes" % want)
    t = make(d, opt)
    record_secrets([t])
    sys.stdout.write(t)


def make(d, opt):
    with open(os.path.join(d, "key.pem"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    now = int(time.time())
    claims = {"iss": opt["iss"], "sub": opt.get("sub", "sub-" + opt["user"]),
              "aud": opt["aud"],
              "exp": now + int(opt["exp_in"]), "iat": now - 5, "nbf": now - 5,
              "jti": opt["jti"], "scope": opt["scope"], "email": opt["user"]}
    if int(opt["pad"]) > 0:
        claims["x_pad"] = "p" * int(opt["pad"])
    header = {"alg": "RS256", "typ": "at+jwt", "kid": KID}
    si = b64u(json.dumps(header, separators=(",", ":")).encode()) + "." + \
        b64u(json.dumps(claims, separators=(",", ":")).encode())
    sig = key.sign(si.encode(), padding.PKCS1v15(), hashes.SHA256())
    return si + "." + b64u(sig)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[2] == "init":
        init(sys.argv[1])
    elif len(sys.argv) >= 3 and sys.argv[2] == "token":
        token(sys.argv[1], sys.argv[3:])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
