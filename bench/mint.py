#!/usr/bin/python3
"""saslkey bench - an independent issuer of live JWT access tokens.

  mint.py DIR init
      one key per algorithm - RS256 (RSA-2048), PS256 (RSA-2048), ES256
      (P-256), EdDSA (Ed25519) - as DIR/<alg>.key.pem (private),
      DIR/<alg>.pub.pem (public, for the raw OpenSSL verify) and one public
      DIR/jwks.json with kids "bench-<alg>"

  mint.py DIR tokens ALG COUNT [EXP_IN] [bad]
      COUNT distinct tokens (each its own jti) to DIR/tokens-<ALG>[-bad].txt,
      one per line, mode 0600; EXP_IN seconds of life (default 7200).
      "bad": the last signature byte is flipped (a refused token).

Claims as tests/vectors/mint_token.py: iss https://idp.example.test,
aud smtp://mx.example.test, email alice@example.com, scope "openid mail",
typ at+jwt.  Hand-rolled JWS with `cryptography` (Debian's python3 at
/usr/bin/python3), so the bytes are exactly what the relying party
verifies.  Never prints a token.
"""
import base64
import json
import os
import secrets
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

ALGS = ("RS256", "PS256", "ES256", "EdDSA")
ISS = "https://idp.example.test"
AUD = "smtp://mx.example.test"
USER = "alice@example.com"


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def uint(i):
    return i.to_bytes((i.bit_length() + 7) // 8, "big")


def kid(alg):
    return "bench-" + alg.lower()


def private_path(d, alg):
    return os.path.join(d, alg + ".key.pem")


def write_private(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def init(d):
    keys = []
    for alg in ALGS:
        if alg in ("RS256", "PS256"):
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pub = key.public_key().public_numbers()
            jwk = {"kty": "RSA", "n": b64u(uint(pub.n)), "e": b64u(uint(pub.e))}
        elif alg == "ES256":
            key = ec.generate_private_key(ec.SECP256R1())
            pub = key.public_key().public_numbers()
            jwk = {"kty": "EC", "crv": "P-256",
                   "x": b64u(pub.x.to_bytes(32, "big")),
                   "y": b64u(pub.y.to_bytes(32, "big"))}
        else:
            key = ed25519.Ed25519PrivateKey.generate()
            raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)
            jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64u(raw)}
        jwk.update({"kid": kid(alg), "use": "sig", "alg": alg})
        keys.append(jwk)
        write_private(private_path(d, alg),
                      key.private_bytes(serialization.Encoding.PEM,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()))
        with open(os.path.join(d, alg + ".pub.pem"), "wb") as f:
            f.write(key.public_key().public_bytes(
                serialization.Encoding.PEM,
                serialization.PublicFormat.SubjectPublicKeyInfo))
    with open(os.path.join(d, "jwks.json"), "w") as f:
        json.dump({"keys": keys}, f)


def sign(key, alg, data):
    if alg == "RS256":
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if alg == "PS256":
        return key.sign(data, padding.PSS(mgf=padding.MGF1(hashes.SHA256()),
                                          salt_length=32), hashes.SHA256())
    if alg == "ES256":
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return key.sign(data)


def tokens(d, alg, count, exp_in, bad):
    with open(private_path(d, alg), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    header = b64u(json.dumps({"alg": alg, "typ": "at+jwt", "kid": kid(alg)},
                             separators=(",", ":")).encode())
    now = int(time.time())
    out = []
    for _ in range(count):
        claims = {"iss": ISS, "sub": "sub-" + USER, "aud": AUD,
                  "exp": now + exp_in, "iat": now - 5, "nbf": now - 5,
                  "jti": secrets.token_hex(8), "scope": "openid mail",
                  "email": USER}
        si = header + "." + b64u(json.dumps(claims, separators=(",", ":"))
                                 .encode())
        sig = bytearray(sign(key, alg, si.encode()))
        if bad:
            sig[-1] ^= 1
        out.append(si + "." + b64u(bytes(sig)))
    name = "tokens-%s%s.txt" % (alg, "-bad" if bad else "")
    write_private(os.path.join(d, name), ("\n".join(out) + "\n").encode())


def main(argv):
    if len(argv) >= 3 and argv[2] == "init":
        init(argv[1])
    elif len(argv) >= 5 and argv[2] == "tokens" and argv[3] in ALGS:
        exp_in = int(argv[5]) if len(argv) >= 6 else 7200
        tokens(argv[1], argv[3], int(argv[4]), exp_in,
               len(argv) >= 7 and argv[6] == "bad")
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
