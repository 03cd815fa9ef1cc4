"""``abonent dmdk sign-challenge --key KEY.pem --cert CERT.pem --nonce N --origin URL``: the signature to paste."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from cryptography.hazmat.primitives import serialization
from flask.cli import AppGroup

from plugins.dmdk.certlogin.certs import CertificateFormatError, load_certificates
from plugins.dmdk.certlogin.signing import SigningError, load_private_key, sign_challenge

dmdk = AppGroup("dmdk", help="ГИИС ДМДК plugin: certificate login tools.")

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _spki(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


@dmdk.command("sign-challenge")
@click.option("--key", "key_file", type=_FILE, required=True, help="The certificate's private key (PEM).")
@click.option("--cert", "cert_file", type=_FILE, required=True, help="The certificate (PEM).")
@click.option("--nonce", required=True, help="The challenge shown on the login page.")
@click.option(
    "--origin", required=True, help="The site's address as shown on the login page, e.g. https://lk.example.ru"
)
@click.option("--password", default=None, help="The key's password, if it has one.")
def sign_challenge_command(key_file: Path, cert_file: Path, nonce: str, origin: str, password: str | None) -> None:
    """Print the base64 signature of the challenge NONCE for ORIGIN, to paste into the login form with the
    certificate. Exit code 1 with the reason when the key or the certificate cannot be used."""
    try:
        key = load_private_key(key_file.read_bytes(), password.encode() if password else None)
        cert = load_certificates(cert_file.read_bytes())[0]
    except (SigningError, CertificateFormatError) as error:
        click.echo(f"{key_file if isinstance(error, SigningError) else cert_file}: {error}", err=True)
        sys.exit(1)
    if _spki(key.public_key()) != _spki(cert.public_key()):
        click.echo(f"{key_file}: this key is not the key of the certificate {cert_file}", err=True)
        sys.exit(1)
    click.echo(sign_challenge(key, nonce, origin))
