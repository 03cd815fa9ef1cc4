"""With ``ABONENT_FILE_STORAGE=s3://…`` attachments live in S3-compatible object storage (a real moto server
here), so any app server serves a file another one received, and nothing lands on the local disk."""

from __future__ import annotations

import boto3
import pytest
from moto.server import ThreadedMotoServer

from core.app import create_app
from core.testing.live import free_port
from tests.support.conftest import PDF, PNG, open_via_web, stored_files, ticket_id_from, url

BUCKET = "abonent-files"


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def app_config(app_config, s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    if BUCKET not in [bucket["Name"] for bucket in client.list_buckets()["Buckets"]]:
        client.create_bucket(Bucket=BUCKET)
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    return {**app_config, "FILE_STORAGE": f"s3://{BUCKET}/site-a", "S3_ENDPOINT_URL": s3_endpoint}


def objects(endpoint: str) -> dict[str, bytes]:
    client = boto3.client("s3", endpoint_url=endpoint)
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    return {key: client.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys}


def test_an_attachment_is_stored_in_the_bucket_and_served_by_another_app_server(
    app, app_config, site, login, s3_endpoint
):
    client = login(site.tenant, site.subscriber)
    ticket_id = ticket_id_from(open_via_web(client, site, files=[(PDF, "act.pdf"), (PNG, "photo.png")]))
    stored = objects(s3_endpoint)
    assert len(stored) == 2 and all(key.startswith("site-a/") for key in stored)
    assert sorted(stored.values()) == sorted([PDF, PNG])
    assert stored_files(app) == []  # nothing on this server's disk

    other_server = create_app(app_config)
    other_server.test_client_class = app.test_client_class  # the suite's form-aware client
    other = other_server.test_client()
    other.submit(url(site, "/login"), {"login": site.subscriber.login, "password": site.subscriber.password})
    page = other.get(url(site, f"/support/{ticket_id}")).get_data(as_text=True)
    links = sorted(set(part.split('"')[0] for part in page.split(url(site, "/files/"))[1:]))
    assert len(links) == 2
    downloaded = sorted(other.get(url(site, f"/files/{link}")).get_data() for link in links)
    assert downloaded == sorted([PDF, PNG])


def test_a_refused_attachment_leaves_no_object_behind(app, site, login, s3_endpoint):
    client = login(site.tenant, site.subscriber)
    response = open_via_web(client, site, files=[(PNG, "ok.png"), (b"MZ\x90\x00 not a picture", "photo.png")])
    assert response.status_code == 400
    assert objects(s3_endpoint) == {}
