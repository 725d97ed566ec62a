"""Fixtures for tests that need real servers: moto's S3 server (started once per run) and a fresh bucket in it."""

import uuid

import boto3
import pytest

from users.tests.servers import moto_s3_server, port_for

S3_REGION = "us-east-1"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's standalone S3 server on loopback: a real HTTP S3 API in another process, not a mock in this one."""
    with moto_s3_server(port=port_for(1)) as url:
        yield url


@pytest.fixture(scope="session")
def s3_client(s3_endpoint):
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=S3_REGION,
        aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
    )


@pytest.fixture
def s3_env(s3_endpoint, s3_client) -> dict[str, str]:
    """The environment that points the app at a new, empty bucket (one per test, so tests never see each other)."""
    bucket = f"skillfolio-test-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=bucket)
    return {
        "USE_S3_MEDIA": "true",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_REGION_NAME": S3_REGION,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        **S3_KEYS,
    }
