"""Where the key comes from, when the environment is read, and how callers replace it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from juniper_cascor_client_rest import (
    JuniperCascorAuthenticationError,
    JuniperCascorClient,
    JuniperCascorConfigurationError,
)
from juniper_cascor_fake_server import FakeCascorServer

ENV = "JUNIPER_CASCOR_API_KEY"
KEY = "k-1f3e5d7c"
OTHER = "k-9a8b7c6d"


def sent_keys(server: FakeCascorServer) -> list[str | None]:
    return [r.header("X-API-Key") for r in server.requests]


@pytest.fixture(autouse=True)
def no_key_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)


def test_environment_is_read_at_the_first_request_not_at_construction(
    cascor_server: FakeCascorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with JuniperCascorClient(cascor_server.http_url) as client:
        monkeypatch.setenv(ENV, KEY)  # set after construction, before the first request
        client.get_training_status()
        monkeypatch.setenv(ENV, OTHER)  # read once: later changes do not count
        client.get_training_status()
    assert sent_keys(cascor_server) == [KEY, KEY]


def test_reading_api_key_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    client = JuniperCascorClient("http://127.0.0.1:9", api_key=None)
    assert "not read yet" in repr(client)
    monkeypatch.setenv(ENV, f"  {KEY}  ")
    assert client.api_key == KEY
    assert repr(client).endswith("api_key=ApiKey('***'))")
    assert KEY not in repr(client) + repr(client.session.headers)
    client.close()


@pytest.mark.parametrize("bad", ["k-line\nbreak-5e2a", "k-esc\x1b-5e2a", "k-snow\u2603-5e2a"])
def test_an_unusable_environment_key_fails_the_request_not_the_construction(
    cascor_server: FakeCascorServer, monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv(ENV, bad)
    client = JuniperCascorClient(cascor_server.http_url, retries=0)  # does not raise
    for _ in range(2):
        with pytest.raises(JuniperCascorConfigurationError, match=ENV) as caught:
            client.get_training_status()
        text = str(caught.value) + repr(caught.value)
        assert "5e2a" not in text
    assert client.api_key is None
    assert "unusable" in repr(client)
    assert cascor_server.requests == []  # nothing was sent

    client.api_key = KEY  # replacing the key makes the client usable again
    client.get_training_status()
    assert sent_keys(cascor_server) == [KEY]
    client.close()


def test_assigning_none_sends_no_key_and_stops_the_environment_lookup(
    cascor_server: FakeCascorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, KEY)
    with JuniperCascorClient(cascor_server.http_url) as client:
        client.api_key = None
        client.get_training_status()
        assert client.api_key is None
    assert sent_keys(cascor_server) == [None]


def test_removing_the_header_sends_no_key_even_before_the_environment_is_read(
    cascor_server: FakeCascorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, KEY)
    with JuniperCascorClient(cascor_server.http_url) as client:
        assert client.session.headers.pop("X-API-Key", None) is None  # not read yet: absent
        client.get_training_status()
        assert client.api_key is None
    assert sent_keys(cascor_server) == [None]


def test_removing_a_set_key_from_the_headers_sends_none(cascor_server: FakeCascorServer) -> None:
    with JuniperCascorClient(cascor_server.http_url, api_key=KEY) as client:
        client.get_training_status()
        del client.session.headers["x-api-key"]
        client.get_training_status()
        client.session.headers["X-API-Key"] = OTHER  # set by hand, as the 0.8 client allowed
        client.get_training_status()
        assert client.api_key == OTHER
    assert sent_keys(cascor_server) == [KEY, None, OTHER]


def test_the_dashboards_unbinding_sequence_sends_no_key(
    cascor_server: FakeCascorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the canopy dashboard does to a client when it resolved no key itself."""
    monkeypatch.setenv(ENV, "k-raw\x7f-refused")
    with JuniperCascorClient(cascor_server.http_url, api_key=None) as client:
        if client.api_key is not None:
            client.api_key = None
        client.session.headers.pop("X-API-Key", None)
        assert client.get_training_status()["status"] == "success"
    assert sent_keys(cascor_server) == [None]


def test_assignment_applies_to_the_calls_of_other_threads(
    cascor_server: FakeCascorServer,
) -> None:
    with (
        JuniperCascorClient(cascor_server.http_url, api_key=KEY) as client,
        ThreadPoolExecutor(max_workers=1) as worker,
    ):
        worker.submit(client.get_training_status).result(timeout=30)
        client.api_key = OTHER
        worker.submit(client.get_training_status).result(timeout=30)
        client.api_key = None
        worker.submit(client.get_training_status).result(timeout=30)
    assert sent_keys(cascor_server) == [KEY, OTHER, None]


@pytest.mark.cascor_server(api_keys=[KEY])
def test_a_key_assigned_on_one_thread_authenticates_another(
    cascor_server: FakeCascorServer,
) -> None:
    """Against a server that checks the key: refused, then accepted once assigned."""
    client = JuniperCascorClient(cascor_server.http_url, api_key="k-wrong", retries=0)
    with pytest.raises(JuniperCascorAuthenticationError):
        client.get_training_status()
    assigner = threading.Thread(target=setattr, args=(client, "api_key", KEY))
    assigner.start()
    assigner.join(timeout=30)
    assert client.get_training_status()["status"] == "success"
    client.close()


@pytest.mark.parametrize("bad", ["k-line\nbreak-5e2a", "k-tab\t-5e2a"])
def test_an_unusable_key_is_refused_where_it_is_given(bad: str) -> None:
    with pytest.raises(JuniperCascorConfigurationError, match="api_key argument") as caught:
        JuniperCascorClient("http://127.0.0.1:9", api_key=bad)
    assert "5e2a" not in str(caught.value)
    client = JuniperCascorClient("http://127.0.0.1:9", api_key=KEY)
    with pytest.raises(JuniperCascorConfigurationError, match="api_key attribute") as caught:
        client.api_key = bad
    assert "5e2a" not in str(caught.value)
    assert client.api_key == KEY  # unchanged
    client.close()


def test_an_unusable_key_set_in_the_headers_fails_the_request(
    cascor_server: FakeCascorServer,
) -> None:
    with JuniperCascorClient(cascor_server.http_url, api_key=KEY, retries=0) as client:
        client.session.headers["X-API-Key"] = "k-line\nbreak-5e2a"
        with pytest.raises(JuniperCascorConfigurationError, match="X-API-Key header") as caught:
            client.get_training_status()
    assert "5e2a" not in str(caught.value)
    assert cascor_server.requests == []


def test_an_empty_string_sends_no_key_and_ignores_the_environment(
    cascor_server: FakeCascorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, KEY)
    with JuniperCascorClient(cascor_server.http_url, api_key="") as client:
        client.get_training_status()
        assert client.api_key is None
    assert sent_keys(cascor_server) == [None]
