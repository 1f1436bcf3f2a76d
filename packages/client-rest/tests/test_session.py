"""The attributes consumers touch, and ``client.session`` applying to every thread's calls."""

from __future__ import annotations

import base64
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import certifi
import pytest
import requests
from requests.adapters import HTTPAdapter

from juniper_cascor_client_rest import (
    JuniperCascorClient,
    JuniperCascorClientError,
    JuniperCascorConfigurationError,
    JuniperCascorConnectionError,
    SharedSession,
    __version__,
)
from juniper_cascor_fake_server import FakeCascorServer

T = TypeVar("T")


def on_another_thread(call: Callable[[], T]) -> T:
    """Run ``call`` on a new thread (one with no session of its own yet) and return its result."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result(timeout=30)


def test_attributes_of_the_0_8_client() -> None:
    client = JuniperCascorClient("example.com:9000/v1/", timeout=12, retries=2, api_key="k-abc")
    assert client.base_url == "http://example.com:9000"
    assert client.api_url == "http://example.com:9000/v1"
    assert (client.timeout, client.retries, client.backoff_factor) == (12, 2, 0.5)
    assert client.api_key == "k-abc"
    assert isinstance(client.session, requests.Session)
    assert isinstance(client.session, SharedSession)
    assert client.session.headers["X-API-Key"] == "k-abc"
    assert client.session.headers["User-Agent"] == f"juniper-cascor-client-rest/{__version__}"
    client.close()


def test_timeout_can_be_replaced(server: Any, make_client: Any) -> None:
    client = make_client(retries=0)
    client.timeout = (1.0, 0.1)
    assert client.timeout == (1.0, 0.1)
    server.push(delay=0.4)
    with pytest.raises(JuniperCascorClientError, match="timed out"):
        client.get_metrics()
    with pytest.raises(JuniperCascorConfigurationError):
        client.timeout = 0
    assert client.timeout == (1.0, 0.1)


@pytest.mark.cascor_server(scenario="idle")
def test_headers_set_on_one_thread_are_sent_by_another(cascor_server: FakeCascorServer) -> None:
    with JuniperCascorClient(cascor_server.http_url) as client:
        on_another_thread(client.get_network)  # that thread now has its own session
        client.session.headers["X-Trace"] = "t-1"
        client.session.headers.update({"X-Tenant": "blue"})
        on_another_thread(client.get_network)
        client.get_network()
        del client.session.headers["X-Trace"]
        client.get_network()
    first, second, third, fourth = cascor_server.requests
    assert first.header("X-Trace") is None
    assert (second.header("X-Trace"), second.header("X-Tenant")) == ("t-1", "blue")
    assert (third.header("X-Trace"), third.header("X-Tenant")) == ("t-1", "blue")
    assert (fourth.header("X-Trace"), fourth.header("X-Tenant")) == (None, "blue")


def test_replacing_all_headers_replaces_the_key_too(cascor_server: FakeCascorServer) -> None:
    with JuniperCascorClient(cascor_server.http_url, api_key="k-abc") as client:
        client.session.headers = {"X-Only": "1"}
        assert client.api_key is None
        on_another_thread(client.get_training_status)
    (seen,) = cascor_server.requests
    assert seen.header("X-Only") == "1"
    assert seen.header("X-API-Key") is None
    assert seen.header("User-Agent") is not None


def test_auth_set_on_one_thread_is_used_by_another(cascor_server: FakeCascorServer) -> None:
    with JuniperCascorClient(cascor_server.http_url) as client:
        client.session.auth = ("ada", "s3cret")
        on_another_thread(client.get_training_status)
    (seen,) = cascor_server.requests
    assert seen.header("Authorization") == "Basic " + base64.b64encode(b"ada:s3cret").decode()


def test_cookies_are_one_jar_for_every_thread(server: Any, client: JuniperCascorClient) -> None:
    client.session.cookies.set("pref", "dark")
    server.push(headers={"Set-Cookie": "sid=abc123; Path=/"})
    on_another_thread(client.get_metrics)  # the server sets a cookie on that thread's call
    client.get_metrics()  # this thread sends it
    on_another_thread(client.get_metrics)
    assert "sid=abc123" not in server.requests[0].headers.get("Cookie", "")
    for seen in server.requests[1:]:
        cookies = sorted(seen.headers["Cookie"].split("; "))
        assert cookies == ["pref=dark", "sid=abc123"]
    assert client.session.cookies.get("sid") == "abc123"


def test_proxies_set_on_one_thread_are_used_by_another(
    server: Any, make_client: Any, refused_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing listens at the base URL, nor at the environment's proxy: the call succeeds only
    through the session's proxy, which wins over the environment."""
    monkeypatch.setenv("HTTP_PROXY", refused_url)
    client = make_client(base_url=refused_url, retries=0)
    client.session.proxies = {"http": server.url}
    answer = on_another_thread(client.get_metrics)
    assert answer["status"] == "success"
    (seen,) = server.requests
    assert seen.path == "/v1/metrics"
    assert seen.headers["Host"] == refused_url.removeprefix("http://")


def test_verify_set_on_one_thread_is_used_by_another(
    tls_server: Any, self_signed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session's CA bundle wins over ``REQUESTS_CA_BUNDLE`` (a plain requests session
    would let the environment override it)."""
    cert, _ = self_signed
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    client = JuniperCascorClient(tls_server.url, retries=0, api_key="")
    with pytest.raises(JuniperCascorConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        on_another_thread(client.get_metrics)  # the default trust store refuses it
    client.session.verify = str(cert)
    assert on_another_thread(client.get_metrics)["status"] == "success"
    assert client.get_metrics()["status"] == "success"
    client.session.verify = str(cert.parent / "missing.pem")
    with pytest.raises(JuniperCascorClientError, match=r"missing\.pem") as caught:
        on_another_thread(client.get_metrics)
    assert isinstance(caught.value.__cause__, OSError)
    client.close()
    assert len(tls_server.requests) == 2


def test_mounting_an_adapter_is_refused(client: JuniperCascorClient) -> None:
    with pytest.raises(JuniperCascorConfigurationError, match="transport adapters"):
        client.session.mount("http://", HTTPAdapter())
    assert isinstance(client.session, requests.Session)


def test_the_session_cannot_be_replaced(client: JuniperCascorClient) -> None:
    with pytest.raises(AttributeError):
        client.session = requests.Session()  # type: ignore[misc,assignment]


def test_the_key_never_shows_in_the_headers_repr(client: JuniperCascorClient) -> None:
    shown = repr(client.session.headers) + str(client.session.headers)
    assert "sk-test-3f9a7c1e5b" not in shown
    assert "'X-API-Key': '***'" in shown
    copied = client.session.headers.copy()
    assert copied["X-API-Key"] == "sk-test-3f9a7c1e5b"  # a copy is plain headers


def test_many_threads_follow_one_setting_change(server: Any, client: JuniperCascorClient) -> None:
    """Eight threads each call before and after one change: every later call carries it."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: client.get_metrics(), range(8)))
        client.session.headers["X-Phase"] = "two"
        list(pool.map(lambda _: client.get_metrics(), range(8)))
    phases = [r.headers.get("X-Phase") for r in server.requests]
    assert phases == [None] * 8 + ["two"] * 8
