"""HTTP error responses and transport failures map to the right exception, with their fields."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from juniper_cascor_client_rest import (
    JuniperCascorAuthenticationError,
    JuniperCascorClient,
    JuniperCascorClientError,
    JuniperCascorConflictError,
    JuniperCascorConnectionError,
    JuniperCascorNotFoundError,
    JuniperCascorProtocolError,
    JuniperCascorRateLimitedError,
    JuniperCascorServiceUnavailableError,
    JuniperCascorTimeoutError,
    JuniperCascorValidationError,
)
from juniper_cascor_client_rest.errors import describe_error_body


def current(code: str, message: str, detail: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if detail is not None:
        error["detail"] = detail
    return {"status": "error", "error": error, "meta": {"timestamp": 1.0, "version": "t"}}


VALIDATION_LIST = [
    {"loc": ["body", "learning_rate"], "msg": "too small", "type": "value_error"},
    {"loc": ["query", "count", 0], "msg": "not an int", "type": "type_error"},
]

# (status, body, exception class, message after "HTTP <status>: ", detail)
STATUS_CASES: list[tuple[int, Any, type[JuniperCascorClientError], str, Any]] = [
    (
        400,
        current("BAD_REQUEST", "epochs must be positive"),
        JuniperCascorValidationError,
        "epochs must be positive",
        "epochs must be positive",
    ),
    (
        422,
        {"detail": VALIDATION_LIST},
        JuniperCascorValidationError,
        "body.learning_rate: too small; query.count.0: not an int",
        VALIDATION_LIST,
    ),
    (
        422,
        current("VALIDATION", "Invalid parameters", VALIDATION_LIST),
        JuniperCascorValidationError,
        "Invalid parameters",
        VALIDATION_LIST,
    ),
    (
        422,
        current("VALIDATION", "", VALIDATION_LIST),
        JuniperCascorValidationError,
        "body.learning_rate: too small; query.count.0: not an int",
        VALIDATION_LIST,
    ),
    (
        401,
        {"detail": "Missing API key"},
        JuniperCascorAuthenticationError,
        "Missing API key",
        "Missing API key",
    ),
    (
        403,
        current("FORBIDDEN", "Invalid API key"),
        JuniperCascorAuthenticationError,
        "Invalid API key",
        "Invalid API key",
    ),
    (
        404,
        current("NOT_FOUND", "No network exists"),
        JuniperCascorNotFoundError,
        "No network exists",
        "No network exists",
    ),
    (404, {"detail": "Not Found"}, JuniperCascorNotFoundError, "Not Found", "Not Found"),
    (
        409,
        {**current("CONFLICT", "Training is not active"), "detail": "legacy text"},
        JuniperCascorConflictError,
        "Training is not active",
        "legacy text",
    ),
    (
        503,
        {"detail": "Worker system is disabled"},
        JuniperCascorServiceUnavailableError,
        "Worker system is disabled",
        "Worker system is disabled",
    ),
    (
        500,
        current("INTERNAL", "boom", "trace id 7"),
        JuniperCascorClientError,
        "boom",
        "trace id 7",
    ),
    (
        418,
        "<html>  short\n and stout </html>",
        JuniperCascorClientError,
        "<html> short and stout </html>",
        "<html> short and stout </html>",
    ),
    (502, b"", JuniperCascorClientError, "Bad Gateway", None),
    (
        500,
        {"unexpected": True},
        JuniperCascorClientError,
        '{"unexpected": true}',
        '{"unexpected": true}',
    ),
    (
        422,
        {"detail": [{"loc": ["body", "layers", {"index": 0}, None, True], "msg": "bad"}]},
        JuniperCascorValidationError,
        'body.layers.{"index":0}.null.true: bad',
        [{"loc": ["body", "layers", {"index": 0}, None, True], "msg": "bad"}],
    ),
    (
        400,
        {"detail": {"field": "x"}},
        JuniperCascorValidationError,
        '{"field":"x"}',
        {"field": "x"},
    ),
]


@pytest.mark.parametrize(
    ("status", "body", "cls", "message", "detail"),
    STATUS_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(STATUS_CASES)],
)
def test_status_maps_to_exception_with_fields(
    server: Any,
    make_client: Any,
    status: int,
    body: Any,
    cls: type[JuniperCascorClientError],
    message: str,
    detail: Any,
) -> None:
    client = make_client(retries=0)
    server.push(status=status, body=body)

    with pytest.raises(cls) as caught:
        client.request("POST", "/training/start", json={})

    error = caught.value
    assert type(error) is cls
    assert str(error) == f"HTTP {status}: {message} (POST /training/start)"
    assert error.status_code == status
    assert error.detail == detail
    assert isinstance(error.response, requests.Response)
    assert error.response.status_code == status
    assert "[{" not in str(error)  # a list of errors is never shown as a Python repr


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (current("SNAPSHOT_ABSENT", "Snapshot 'x' not found"), "SNAPSHOT_ABSENT"),
        (current("HTTP_404", "No network created"), "HTTP_404"),
        (current("VALIDATION_ERROR", "", VALIDATION_LIST), "VALIDATION_ERROR"),
        ({"status": "error", "error": {"code": "HTTP_404"}}, "HTTP_404"),
        ({"detail": "Not Found"}, None),
        ({"status": "error", "error": {"code": 404, "message": "m"}}, None),
        ({"status": "error", "error": {"code": "", "message": "m"}}, None),
        ("plain text", None),
    ],
    ids=["semantic", "http", "validation", "code only", "legacy", "number", "empty", "text"],
)
def test_error_carries_the_servers_code(
    server: Any, make_client: Any, body: Any, code: str | None
) -> None:
    client = make_client(retries=0)
    server.push(status=404, body=body)
    with pytest.raises(JuniperCascorNotFoundError) as caught:
        client.get_snapshot("x")
    assert caught.value.code == code
    assert (f"code={code!r}" in repr(caught.value)) is (code is not None)
    clone = pickle.loads(pickle.dumps(caught.value))
    assert clone.code == code


def test_429_carries_retry_after(server: Any, make_client: Any) -> None:
    client = make_client(retries=0)
    server.push(status=429, body={"detail": "slow down"}, headers={"Retry-After": "7"})

    with pytest.raises(JuniperCascorRateLimitedError) as caught:
        client.get_metrics()

    assert caught.value.retry_after == 7.0
    assert caught.value.status_code == 429
    assert str(caught.value) == "HTTP 429: slow down (GET /metrics)"


def test_http_errors_survive_pickle_and_copy(server: Any, client: JuniperCascorClient) -> None:
    server.push(status=404, body=current("NOT_FOUND", "No network exists"))
    with pytest.raises(JuniperCascorNotFoundError) as caught:
        client.get_network()

    for clone in (
        pickle.loads(pickle.dumps(caught.value)),
        copy.copy(caught.value),
        copy.deepcopy(caught.value),
    ):
        assert type(clone) is JuniperCascorNotFoundError
        assert str(clone) == str(caught.value)
        assert (clone.status_code, clone.detail) == (404, "No network exists")
        assert clone.response.status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json at all", "body is not JSON: not json at all"),
        (b"\xff\xfe\x00garbage", "body is not JSON"),
        (b"[1, 2]", "body is JSON list, not an object"),
        (b'"text"', "body is JSON str, not an object"),
        (b"[" * 100_000 + b"]" * 100_000, "body is not JSON"),
    ],
    ids=["text", "binary", "list", "string", "deep"],
)
def test_2xx_body_that_is_not_a_json_object_is_a_protocol_error(
    server: Any, client: JuniperCascorClient, body: bytes, message: str
) -> None:
    server.push(status=200, body=body)
    with pytest.raises(JuniperCascorProtocolError, match=message) as caught:
        client.get_training_status()
    assert caught.value.status_code == 200
    assert caught.value.response is not None


def test_2xx_without_body_is_an_empty_dict(server: Any, client: JuniperCascorClient) -> None:
    server.push(status=204, body=b"")
    assert client.request("DELETE", "/network") == {}


def test_redirects_are_not_followed(server: Any, client: JuniperCascorClient) -> None:
    server.push(status=307, body=b"", headers={"Location": f"{server.url}/v1/elsewhere"})
    with pytest.raises(JuniperCascorClientError, match=r"^HTTP 307: Temporary Redirect") as caught:
        client.start_training()
    assert type(caught.value) is JuniperCascorClientError
    assert [r.path for r in server.requests] == ["/v1/training/start"]


def test_connection_refused_is_a_connection_error(make_client: Any, refused_url: str) -> None:
    client = make_client(base_url=refused_url, retries=0)
    with pytest.raises(JuniperCascorConnectionError, match="GET /health: could not connect") as c:
        client.health_check()
    assert isinstance(c.value.__cause__, requests.ConnectionError)


def test_dropped_connection_is_a_connection_error(server: Any, client: JuniperCascorClient) -> None:
    server.push(drop=True)
    with pytest.raises(JuniperCascorConnectionError, match="POST /training/stop: connection lost"):
        client.stop_training()


def test_read_timeout_is_a_timeout_error(server: Any, make_client: Any) -> None:
    client = make_client(timeout=(1.0, 0.1), retries=0)
    server.push(delay=0.3)
    with pytest.raises(JuniperCascorTimeoutError, match="GET /metrics: timed out") as caught:
        client.get_metrics()
    assert isinstance(caught.value.__cause__, requests.Timeout)


# -- describe_error_body, the pure part ------------------------------------------------------


def test_error_message_wins_over_legacy_detail() -> None:
    body = json.dumps({**current("X", "the message"), "detail": "the legacy detail"})
    assert describe_error_body(body.encode()) == ("the message", "the legacy detail", "X")


def test_long_text_body_is_trimmed() -> None:
    message, *_ = describe_error_body(b"x" * 5000)
    assert message is not None
    assert len(message) == 200
    assert message.endswith("...")


def test_validation_items_without_loc_or_msg_render_as_json() -> None:
    detail = [{"msg": "bad"}, "plain", {"loc": "oops", "msg": "m"}, {"code": 1}, 5]
    message, *_ = describe_error_body(json.dumps({"detail": detail}).encode())
    assert message == 'bad; plain; m; {"code":1}; 5'


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.binary())
def test_describe_never_raises_on_any_bytes(content: bytes) -> None:
    message, *_ = describe_error_body(content)
    assert message is None or isinstance(message, str)


@given(
    st.dictionaries(
        st.sampled_from(["error", "detail", "status", "other"]),
        json_values
        | st.fixed_dictionaries(
            {}, optional={"message": json_values, "detail": json_values, "code": json_values}
        ),
    )
)
def test_describe_never_raises_on_envelope_like_json(body: dict[str, Any]) -> None:
    message, *_ = describe_error_body(json.dumps(body).encode())
    assert message is None or (isinstance(message, str) and message)
