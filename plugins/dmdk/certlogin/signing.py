"""Signing a login challenge with a key file: what ``abonent dmdk sign-challenge`` does (and the tests)."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from plugins.dmdk.certlogin.service import challenge_message
from plugins.dmdk.certlogin.verifiers import CHALLENGE_HASH


class SigningError(ValueError):
    """The key cannot sign a challenge (unreadable, protected by a password not given, of an unknown kind)."""


def load_private_key(data: bytes, password: bytes | None = None):
    """An RSA or EC private key from PEM ``data``."""
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError) as error:
        raise SigningError(f"cannot read the private key: {error}") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningError("only RSA and ECDSA keys can sign here")
    return key


def sign_challenge(key, nonce: str, origin: str) -> str:
    """The base64 signature of the challenge ``nonce`` for the site ``origin`` made with ``key``."""
    message = challenge_message(nonce, origin)
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(message, padding.PKCS1v15(), CHALLENGE_HASH)
    else:
        signature = key.sign(message, ec.ECDSA(CHALLENGE_HASH))
    return base64.b64encode(signature).decode()
