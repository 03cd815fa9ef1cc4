"""Signature checks keyed by the public key's algorithm (its OID), so another algorithm (GOST) plugs in.

A :class:`Verifier` checks a challenge signature made with a certificate's key and a certificate's (or a
revocation list's) signature made by its issuer. RSA (PKCS #1 v1.5, SHA-256 for challenges) and ECDSA (SHA-256 for
challenges) come built in; :func:`register_verifier` adds one for another key algorithm, e.g. GOST R 34.10-2012
(``1.2.643.7.1.1.1.1``) through a library that implements it.
"""

from __future__ import annotations

from typing import Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import PublicKeyAlgorithmOID

CHALLENGE_HASH = hashes.SHA256()


class Verifier(Protocol):
    """The checks of one public-key algorithm."""

    def verify_challenge(self, cert: x509.Certificate, signature: bytes, message: bytes) -> bool:
        """True when ``signature`` over ``message`` was made with the key of ``cert``."""
        ...

    def verify_issued(
        self, signed: x509.Certificate | x509.CertificateRevocationList, issuer: x509.Certificate
    ) -> bool:
        """True when ``signed`` (a certificate or a revocation list) carries a valid signature by ``issuer``'s key."""
        ...


class _Cryptography:
    """RSA and ECDSA through ``cryptography``."""

    def verify_challenge(self, cert: x509.Certificate, signature: bytes, message: bytes) -> bool:
        key = cert.public_key()
        try:
            if isinstance(key, rsa.RSAPublicKey):
                key.verify(signature, message, padding.PKCS1v15(), CHALLENGE_HASH)
            elif isinstance(key, ec.EllipticCurvePublicKey):
                key.verify(signature, message, ec.ECDSA(CHALLENGE_HASH))
            else:
                return False
        except (InvalidSignature, ValueError):
            return False
        return True

    def verify_issued(
        self, signed: x509.Certificate | x509.CertificateRevocationList, issuer: x509.Certificate
    ) -> bool:
        try:
            if isinstance(signed, x509.CertificateRevocationList):
                return signed.is_signature_valid(issuer.public_key())  # type: ignore[arg-type]
            signed.verify_directly_issued_by(issuer)
        except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
            return False
        return True


_VERIFIERS: dict[str, Verifier] = {
    PublicKeyAlgorithmOID.RSAES_PKCS1_v1_5.dotted_string: _Cryptography(),
    PublicKeyAlgorithmOID.EC_PUBLIC_KEY.dotted_string: _Cryptography(),
}


def register_verifier(key_algorithm_oid: str, verifier: Verifier) -> None:
    """Check keys of the algorithm ``key_algorithm_oid`` (dotted, e.g. GOST's ``1.2.643.7.1.1.1.1``) with
    ``verifier``."""
    _VERIFIERS[key_algorithm_oid] = verifier


def verifier_for(cert: x509.Certificate) -> Verifier | None:
    """The verifier of ``cert``'s key algorithm, or ``None`` when no verifier knows it."""
    return _VERIFIERS.get(cert.public_key_algorithm_oid.dotted_string)
