"""Construction, configuration, lifecycle and the request() escape hatch."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from juniper_cascor_client_core import URL_ENV
from juniper_cascor_client_rest import (
    JuniperCascorClient,
    JuniperCascorClientError,
    JuniperCascorConfigurationError,
    JuniperCascorValidationError,
    __version__,
)
from juniper_cascor_fake_server import FakeCascorServer


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("example.com:9000", "http://example.com:9000"),
        ("HTTPS://h:9000/v1/", "https://h:9000"),
        ("  http://localhost:8200/  ", "http://localhost:8200"),
        ("http://host/prefix/v1", "http://host/prefix"),
    ],
)
def test_base_url_is_normalised(given: str, expected: str) -> None:
    with JuniperCascorClient(given) as client:
        assert client.base_url == expected


def test_default_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(URL_ENV, raising=False)
    with JuniperCascorClient() as client:
        assert client.base_url == "http://localhost:8200"


@pytest.mark.cascor_server(scenario="idle")
def test_without_a_url_the_client_calls_juniper_cascor_url(
    cascor_server: FakeCascorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(URL_ENV, f" {cascor_server.http_url}/v1/ ")
    with JuniperCascorClient() as client:
        assert client.base_url == cascor_server.http_url
        assert client.get_network()["data"]["input_size"] == 2
    assert [seen.path for seen in cascor_server.requests] == ["/v1/network"]


def test_juniper_cascor_url_is_read_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_ENV, "http://first.example:8200")
    client = JuniperCascorClient(timeout=5.0)
    monkeypatch.setenv(URL_ENV, "http://second.example:8200")
    with client, JuniperCascorClient("http://given.example", 5.0) as given:
        assert client.base_url == "http://first.example:8200"
        assert given.base_url == "http://given.example"  # an argument wins, positionally too
        assert given.timeout == 5.0


def test_a_bad_juniper_cascor_url_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(URL_ENV, "http://user:secret@:8200")
    with pytest.raises(JuniperCascorConfigurationError, match=URL_ENV) as caught:
        JuniperCascorClient()
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize("bad", ["", "http://", "/v1", "http:///v1", "ftp://h"])
def test_bad_base_url_is_a_configuration_error(bad: str) -> None:
    with pytest.raises(JuniperCascorConfigurationError):
        JuniperCascorClient(bad)


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": 0},
        {"timeout": -1},
        {"timeout": (1, 0)},
        {"timeout": (1, 2, 3)},
        {"timeout": "30"},
        {"timeout": float("nan")},
        {"retries": -1},
        {"backoff_factor": -1},
        {"deadline": 0},
        {"deadline": True},
        {"max_retry_after": -5},
        {"pool_maxsize": 0},
        {"max_response_bytes": 0},
        {"max_response_bytes": True},
        {"max_response_bytes": 1.5},
    ],
)
def test_bad_options_are_configuration_errors(options: dict[str, Any]) -> None:
    with pytest.raises(JuniperCascorConfigurationError):
        JuniperCascorClient("http://localhost:8200", **options)


def test_base_url_path_prefix_is_kept(server: Any, make_client: Any) -> None:
    client = make_client(base_url=f"{server.url}/cascor/v1/")
    client.get_metrics()
    assert server.requests[0].path == "/cascor/v1/metrics"


def test_headers_carry_key_user_agent_and_accept(server: Any, client: JuniperCascorClient) -> None:
    client.get_metrics()
    headers = server.requests[0].headers
    assert headers["X-API-Key"] == "sk-test-3f9a7c1e5b"
    assert headers["User-Agent"] == f"juniper-cascor-client-rest/{__version__}"
    assert headers["Accept"] == "application/json"


def test_key_is_read_from_the_environment(
    server: Any, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUNIPER_CASCOR_API_KEY", "from-env-key")
    make_client(api_key=None).get_metrics()
    make_client(api_key="").get_metrics()
    first, second = server.requests
    assert first.headers["X-API-Key"] == "from-env-key"
    assert "X-API-Key" not in second.headers


def test_per_call_timeout_applies(server: Any, client: JuniperCascorClient) -> None:
    server.push(delay=0.4)
    with pytest.raises(JuniperCascorClientError, match="timed out"):
        client.request("POST", "/training/start", timeout=(1.0, 0.1))
    with pytest.raises(JuniperCascorConfigurationError):
        client.request("GET", "/metrics", timeout=-1)


@pytest.mark.parametrize(
    "path",
    [
        "metrics",
        "//evil.example/x",
        "/a/../b",
        "/a/./b",
        "/%2e%2e/x",
        "/a b",
        "/a\\b",
        "/a#frag",
        "/a\r\nX-Injected: 1",
        "",
        "/snapshots/..",
        "http://evil.example/x",
        "/x/%2e%2e%2f%2e%2e/health",  # dot segments behind an encoded "/" or "\\"
        "/x/..%2Fhealth",
        "/x/..%5chealth",
        "/x/%2F..",
    ],
)
def test_request_rejects_unsafe_paths(server: Any, client: JuniperCascorClient, path: str) -> None:
    with pytest.raises(JuniperCascorValidationError):
        client.request("GET", path)
    assert server.requests == []


@pytest.mark.parametrize("method", ["", "GE T", "CONNECT", "TRACE", "X\r\n", 5])
def test_request_rejects_unknown_methods(
    server: Any, client: JuniperCascorClient, method: Any
) -> None:
    with pytest.raises(JuniperCascorValidationError, match="method"):
        client.request(method, "/metrics")
    assert server.requests == []


def test_request_accepts_a_query_in_the_path(server: Any, client: JuniperCascorClient) -> None:
    client.request("get", "/metrics/history?count=3", params={"x": "1"})
    assert server.requests[0].query == {"count": ["3"], "x": ["1"]}


def test_head_request_returns_an_empty_dict(server: Any, client: JuniperCascorClient) -> None:
    assert client.request("HEAD", "/health") == {}
    assert server.requests[0].method == "HEAD"


def test_context_manager_closes_and_close_is_idempotent(server: Any) -> None:
    with JuniperCascorClient(server.url) as client:
        client.get_metrics()
        closed_inside = client.closed
    closed_after = client.closed
    client.close()
    client.close()
    assert (closed_inside, closed_after, client.closed) == (False, True, True)


def test_call_after_close_raises_a_clear_error(server: Any, client: JuniperCascorClient) -> None:
    client.close()
    with pytest.raises(JuniperCascorClientError, match="JuniperCascorClient is closed"):
        client.get_training_status()
    with (
        pytest.warns(DeprecationWarning, match="_post"),
        pytest.raises(JuniperCascorClientError, match="closed"),
    ):
        client._post("/training/stop")
    assert server.requests == []


def test_repr_shows_base_url_and_state() -> None:
    client = JuniperCascorClient("localhost:8200", api_key="sk-very-secret")
    assert repr(client) == (
        "JuniperCascorClient(base_url='http://localhost:8200', api_key=ApiKey('***'))"
    )
    client.close()
    assert repr(client).endswith(", closed)")
    assert "sk-very-secret" not in repr(client) + str(client)


def test_import_pulls_in_no_websockets_pydantic_or_numpy() -> None:
    code = (
        "import sys, juniper_cascor_client_rest\n"
        "bad = {'websockets', 'pydantic', 'numpy'} & set(sys.modules)\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
