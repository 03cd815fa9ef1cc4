"""Files in S3-compatible object storage (AWS S3, MinIO, Ceph, Yandex Object Storage …), shared by every app server.

Credentials come the usual boto3 way (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a profile or an instance
role); ``ABONENT_S3_ENDPOINT_URL`` points at a non-AWS server. Objects are private: the app reads them and serves
them to users it allows, as it does with local files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse


class StoredObjectMissing(FileNotFoundError):
    """The key names no object in the bucket."""


@dataclass
class S3Storage:
    """:class:`core.files.storage.Storage` on one bucket, every key under ``prefix``."""

    bucket: str
    prefix: str
    client: Any

    @classmethod
    def from_location(cls, location: str, endpoint_url: str | None = None) -> S3Storage:
        """``s3://bucket/optional/prefix`` → a storage with its own boto3 client."""
        import boto3

        parsed = urlparse(location)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise ValueError(f"not an s3://bucket/prefix location: {location!r}")
        client = boto3.client("s3", endpoint_url=endpoint_url)
        return cls(parsed.netloc, parsed.path.strip("/"), client)

    def _key(self, key: str) -> str:
        if not key or key.startswith("/") or ".." in key.split("/"):
            raise ValueError("storage key escapes the storage prefix")
        return f"{self.prefix}/{key}" if self.prefix else key

    def write(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` (one PUT: readers see the whole object or none)."""
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def read(self, key: str) -> bytes:
        """The bytes under ``key``; :class:`StoredObjectMissing` if there are none."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey as error:
            raise StoredObjectMissing(key) from error
        return response["Body"].read()

    def delete(self, key: str) -> None:
        """Remove the object (no error if it is gone already)."""
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
