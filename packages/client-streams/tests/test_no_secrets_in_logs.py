"""No credential reaches a log record, at any level, over every path driven on real sockets."""

from __future__ import annotations

import base64
import contextlib
import logging
from collections.abc import Iterator

import pytest

from juniper_cascor_client_core import JuniperCascorClientError
from juniper_cascor_client_rest import JuniperCascorClient
from juniper_cascor_client_streams import CascorControlStream, CascorTrainingStream
from juniper_cascor_fake_server.config import DEFAULT_ALLOWED_ORIGINS

KEY = "sk-the-key-0123456789"
PASSWORD = "s3cr3t-pw-XYZ"
SECRETS = (KEY, PASSWORD, base64.b64encode(f"user:{PASSWORD}".encode()).decode())


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def captured() -> Iterator[list[logging.LogRecord]]:
    root = logging.getLogger()
    handler, level = Everything(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def with_userinfo(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://user:{PASSWORD}@{rest}"


@pytest.mark.cascor_server(api_keys=[KEY], allowed_origins=DEFAULT_ALLOWED_ORIGINS)
async def test_no_key_or_password_in_any_log_record(cascor_server, captured) -> None:
    ws = cascor_server.ws_url
    async with CascorTrainingStream(ws, api_key=KEY):
        pass
    async with CascorTrainingStream(with_userinfo(ws), api_key=KEY):
        pass
    for stream in (
        CascorTrainingStream(with_userinfo(ws), api_key="wrong-" + KEY),
        CascorControlStream(ws, api_key="wrong-" + KEY, origin="http://localhost:8050"),
        CascorControlStream(with_userinfo(ws), api_key=KEY, origin="http://evil.example"),
    ):
        with pytest.raises(JuniperCascorClientError):
            await stream.connect()
    with contextlib.suppress(JuniperCascorClientError):
        async with CascorTrainingStream(with_userinfo(ws), api_key=KEY):
            cascor_server.faults.drop_connections("training")
    for key in ("wrong-" + KEY, KEY):
        with contextlib.suppress(JuniperCascorClientError):
            JuniperCascorClient(with_userinfo(cascor_server.http_url), api_key=key).get_dataset()

    texts = [f"{r.getMessage()} {r.args!s}" for r in captured]
    hits = [text for text in texts if any(secret in text for secret in SECRETS)]
    assert hits == []
    handshake = [r for r in captured if r.name == "websockets.client"]
    assert any("> GET /ws/training" in r.getMessage() for r in handshake)
    assert any(r.getMessage().startswith("> X-API-Key: ***") for r in handshake)
    assert any(r.getMessage().startswith("> Authorization: ***") for r in handshake)
    print(f"searched {len(texts)} records, {len(hits)} hits")
