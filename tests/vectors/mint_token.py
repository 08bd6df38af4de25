#!/usr/bin/python3
"""saslkey tests - mint live JWT access tokens as an independent issuer.

  mint_token.py DIR init              an RSA-2048 key (kid "e2e-rs256"):
                                      DIR/key.pem (private), DIR/jwks.json
  mint_token.py DIR token [k=v ...]   one RS256 token on stdout; claims:
        user=alice@example.com  exp_in=600  aud=smtp://mx.example.test
        iss=https://idp.example.test  scope="openid mail"  pad=0 (bytes of
        filler claim, to make a long token)  jti=random

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
    with open(os.path.join(d, "key.pem"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    now = int(time.time())
    claims = {"iss": opt["iss"], "sub": "sub-" + opt["user"], "aud": opt["aud"],
              "exp": now + int(opt["exp_in"]), "iat": now - 5, "nbf": now - 5,
              "jti": opt["jti"], "scope": opt["scope"], "email": opt["user"]}
    if int(opt["pad"]) > 0:
        claims["x_pad"] = "p" * int(opt["pad"])
    header = {"alg": "RS256", "typ": "at+jwt", "kid": KID}
    si = b64u(json.dumps(header, separators=(",", ":")).encode()) + "." + \
        b64u(json.dumps(claims, separators=(",", ":")).encode())
    sig = key.sign(si.encode(), padding.PKCS1v15(), hashes.SHA256())
    sys.stdout.write(si + "." + b64u(sig))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[2] == "init":
        init(sys.argv[1])
    elif len(sys.argv) >= 3 and sys.argv[2] == "token":
        token(sys.argv[1], sys.argv[3:])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
