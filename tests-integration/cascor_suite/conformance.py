"""The conformance session: one scripted walk over every route and frame type of a cascor server.

``probe(url)`` drives a server through the same sequence of REST calls and WebSocket exchanges
and returns what it saw, reduced to a *shape* per step: the HTTP status (or ``ws``), the sorted
top-level keys, and the sorted keys under ``data`` (``[...]`` for a list, the keys of its
items). Values are left out on purpose: they differ between runs and servers; shapes must not.

The same session runs against the real juniper-cascor 0.12.0 server (its shapes are kept in
``real-0.12.0.json`` beside this file, a ``Capture``) and against the fake server;
``test_conformance.py`` asserts they agree and ``tools/conformance.py`` records the capture and
writes the table in ``docs/CONFORMANCE.md``.

The session talks raw HTTP (``requests``) and raw WebSockets (``websockets``), never our own
clients, so it measures the servers and nothing else. Every wait has a deadline.

The walk is deterministic on a fresh real server: captures of separate runs are identical.
What keeps it so:

- a frame type is recorded with the union of the keys of all its frames, so frames that omit
  optional keys do not make its shape vary;
- the end of a run is a *final* state (``STOPPED``, ``COMPLETED``, ``FAILED``), not merely
  "not running": a start is answered before the state machine leaves ``RESUME_READY``, and
  the replay steps must not race the resumed run;
- the worker round ends on a final state only once the run has been seen going (or a few
  seconds after its start);
- the frames provoked on purpose (the rate limit, a worker error, the first task and its
  acknowledgement) come every time from the real server.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import requests
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException
from websockets.sync.client import ClientConnection, connect

from juniper_cascor_protocol.worker import BinaryFrame

__all__ = [
    "CAPTURE",
    "CONTROL_ORIGIN",
    "Capture",
    "ProbeSession",
    "Shape",
    "probe",
    "shape_of",
    "walk",
]

CAPTURE = Path(__file__).with_name("real-0.12.0.json")
"""The real juniper-cascor 0.12.0 server's shapes (written by ``tools/conformance.py capture``)."""

CONTROL_ORIGIN = "http://localhost:8050"
"""An Origin on the real server's default ``/ws/control`` allowlist."""

_XOR = {
    "train_x": [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
    "train_y": [[0.0], [1.0], [1.0], [0.0]],
}
_NETWORK = {"input_size": 2, "output_size": 1, "max_hidden_units": 3, "candidate_pool_size": 4}
_TIMEOUT = 10.0
_TRAINING_TIMEOUT = 120.0
_RUNNING_STATES = ("STARTED", "PAUSED")
_FINAL_STATES = ("STOPPED", "COMPLETED", "FAILED")
_START_GRACE = 5.0
"""A run not seen going this long after its start is taken as over (or never begun)."""
_SECTION_FAILURES = (
    AssertionError,
    OSError,
    TimeoutError,
    WebSocketException,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
)

Shape = str
"""``"<status> {top,level,keys} data{keys}"``; ``data[]{item keys}`` for a list."""


@dataclass(frozen=True)
class Capture:
    """The shapes one server answered to the session, and the server that answered them."""

    server: str
    """The service and version its ``/v1/health`` reported, e.g. ``juniper-cascor 0.12.0``."""
    shapes: dict[str, Shape]
    """The shape of every step, by step name."""

    @classmethod
    def load(cls, path: Path = CAPTURE) -> Capture:
        """Read a capture written by ``dump``.

        Raises:
            OSError: when the file cannot be read.
            ValueError: when it is not a capture.
        """
        document = json.loads(path.read_text(encoding="utf-8"))
        server = document.get("server") if isinstance(document, dict) else None
        shapes = document.get("shapes") if isinstance(document, dict) else None
        if not isinstance(server, str) or not isinstance(shapes, dict):
            raise ValueError(f"{path} is not a capture: it needs 'server' and 'shapes'")
        return cls(server, {str(step): str(shape) for step, shape in shapes.items()})

    def dump(self, path: Path = CAPTURE) -> None:
        """Write the capture as JSON, steps sorted, so captures compare line by line.

        Raises:
            OSError: when the file cannot be written.
        """
        document = {"server": self.server, "shapes": dict(sorted(self.shapes.items()))}
        path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def _keys(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ",".join(sorted(str(k) for k in value)) + "}"
    if isinstance(value, list):
        first = value[0] if value else None
        return "[]" + (_keys(first) if isinstance(first, dict) else "")
    return "-" if value is None else type(value).__name__


def shape_of(status: int | str, body: object) -> Shape:
    """The shape of one answer (an HTTP response body or a WebSocket frame)."""
    if not isinstance(body, dict):
        return f"{status} {_keys(body)}"
    shape = f"{status} {_keys(body)}"
    if "data" in body:
        shape += f" data{_keys(body['data'])}"
    if isinstance(body.get("error"), dict):
        shape += f" error{_keys(body['error'])}"
    return shape


@dataclass
class ProbeSession:
    """One walk over a server; ``shapes`` maps a step's name to what it answered."""

    http_url: str
    api_key: str | None = None
    origin: str = CONTROL_ORIGIN
    shapes: dict[str, Shape] = field(default_factory=dict)
    bodies: dict[str, Any] = field(default_factory=dict)
    http: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.http_url = self.http_url.rstrip("/")
        if self.api_key:
            self.http.headers["X-API-Key"] = self.api_key

    @property
    def ws_url(self) -> str:
        """The WebSocket origin of the server."""
        return "ws" + self.http_url.removeprefix("http")

    # -- REST ----------------------------------------------------------------------------------
    def call(self, name: str, method: str, path: str, body: Any = None) -> Any:
        """Send one request, record its shape under ``name`` and return the parsed body."""
        response = self.http.request(method, self.http_url + path, json=body, timeout=_TIMEOUT)
        try:
            parsed: Any = response.json()
        except ValueError:
            parsed = response.text or None
        self.shapes[name] = shape_of(response.status_code, parsed)
        self.bodies[name] = parsed
        return parsed

    def get(self, path: str, note: str = "") -> Any:
        """``GET path`` recorded as ``GET path`` (plus ``note``)."""
        return self.call(_name("GET", path, note), "GET", path)

    def post(self, path: str, body: Any = None, note: str = "") -> Any:
        """``POST path`` recorded as ``POST path`` (plus ``note``)."""
        return self.call(_name("POST", path, note), "POST", path, body)

    def status(self) -> dict[str, Any]:
        """The current ``/v1/training/status`` data (not recorded)."""
        response = self.http.get(self.http_url + "/v1/training/status", timeout=_TIMEOUT)
        data = response.json().get("data")
        return data if isinstance(data, dict) else {}

    def state(self) -> str:
        """The upper-cased ``state_machine.status`` (not recorded)."""
        machine = self.status().get("state_machine")
        return str(machine.get("status", "")).upper() if isinstance(machine, dict) else ""

    def wait_final(self, timeout: float = _TRAINING_TIMEOUT) -> str:
        """Poll until the server's run is over (``STOPPED``, ``COMPLETED`` or ``FAILED``).

        Not merely "not running": a start is answered before the state machine leaves
        ``RESUME_READY``, so "not started" right after a start means "not yet".

        Raises:
            TimeoutError: when it does not within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.state()
            if state in _FINAL_STATES:
                return state
            time.sleep(0.1)
        raise TimeoutError(f"training did not finish within {timeout} s")

    # -- WebSockets ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def socket(
        self, name: str, path: str, origin: str | None = None
    ) -> Iterator[ClientConnection | None]:
        """A connection to ``path``; a refused handshake records ``<status> handshake``."""
        headers = {"X-API-Key": self.api_key} if self.api_key else {}
        try:
            ws = connect(
                self.ws_url + path,
                additional_headers=headers,
                origin=origin,  # type: ignore[arg-type]
                open_timeout=_TIMEOUT,
                max_size=None,
            )
        except InvalidStatus as refused:
            self.shapes[name] = f"{refused.response.status_code} handshake"
            yield None
            return
        with ws:
            yield ws

    def frames(
        self, ws: ClientConnection, until: Callable[[dict[str, Any]], bool], within: float
    ) -> list[dict[str, Any]]:
        """Frames read until one satisfies ``until`` (included) or ``within`` s pass.

        Answers application pings, as a client must.
        """
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + within
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                text = ws.recv(timeout=remaining)
            except (TimeoutError, WebSocketException):
                break
            frame = json.loads(text)
            if frame.get("type") == "ping":
                ws.send(json.dumps({"type": "pong"}))
            seen.append(frame)
            if until(frame):
                break
        return seen

    def record_frames(self, prefix: str, frames: list[dict[str, Any]]) -> None:
        """Record the shape of every frame type seen (the union of keys over its frames)."""
        merged: dict[str, dict[str, Any]] = {}
        for frame in frames:
            kind = str(frame.get("type"))
            if kind == "chunked_message":
                continue
            into = merged.setdefault(kind, {})
            for key, value in frame.items():
                if key == "data" and isinstance(value, dict) and isinstance(into.get("data"), dict):
                    into["data"] = {**into["data"], **value}
                else:
                    into.setdefault(key, value)
        for kind, frame in merged.items():
            self.shapes[f"{prefix} {kind}"] = shape_of("ws", frame)
            self.bodies[f"{prefix} {kind}"] = frame

    def record_frame(self, name: str, frame: dict[str, Any]) -> None:
        """Record the shape of one frame under ``name``."""
        self.shapes[name] = shape_of("ws", frame)
        self.bodies[name] = frame


def _name(method: str, path: str, note: str) -> str:
    return f"{method} {path}" + (f" ({note})" if note else "")


def probe(
    http_url: str, api_key: str | None = None, origin: str = CONTROL_ORIGIN
) -> dict[str, Shape]:
    """Walk the server at ``http_url`` and return the shape of every step.

    The walk creates and deletes networks and trains XOR: use a server nobody else needs.
    """
    return walk(ProbeSession(http_url, api_key, origin))


def walk(session: ProbeSession) -> dict[str, Shape]:
    """Run the whole walk on ``session``; returns its shapes, sorted by step name.

    A section that fails (a server that answers something the walk cannot follow) is recorded
    as ``! <section> aborted`` with the error, and the walk goes on with the next section.
    """
    sections = (
        _health,
        _no_network,
        _network,
        _training,
        _metrics_and_data,
        _datasets,
        _snapshots,
        _surgery,
        _service,
        _control,
        _workers,
        _resume,
        _cleanup,
    )
    for section in sections:
        try:
            section(session)
        except _SECTION_FAILURES as exc:
            aborted = f"! {section.__name__.strip('_')} aborted"
            session.shapes[aborted] = f"{type(exc).__name__}: {exc}"
    return dict(sorted(session.shapes.items()))


def _cleanup(s: ProbeSession) -> None:
    s.call("DELETE /v1/network", "DELETE", "/v1/network")


def _health(s: ProbeSession) -> None:
    for path in ("/v1/health", "/v1/health/live", "/v1/health/ready"):
        s.get(path)
    s.get("/health", "no /v1")
    s.get("/v1/training/retrain", "not a route")
    s.post("/v1/training/retrain", note="not a route")


def _no_network(s: ProbeSession) -> None:
    s.call("DELETE /v1/network (setup)", "DELETE", "/v1/network")
    s.shapes.pop("DELETE /v1/network (setup)")
    for path in ("/v1/network", "/v1/network/topology", "/v1/network/stats", "/v1/training/params"):
        s.get(path, "no network")
    s.post("/v1/training/start", {"epochs": 1}, "no network")


def _network(s: ProbeSession) -> None:
    s.post("/v1/network", _NETWORK)
    s.post("/v1/network", {"input_size": 0}, "invalid")
    s.get("/v1/network")
    s.get("/v1/network/topology")
    s.get("/v1/network/stats")
    s.get("/v1/training/params")
    s.call("PATCH /v1/training/params", "PATCH", "/v1/training/params", {"learning_rate": 0.02})
    s.call(
        "PATCH /v1/training/params (unknown key)",
        "PATCH",
        "/v1/training/params",
        {"bogus": 1},
    )
    s.call("PATCH /v1/training/params (invalid)", "PATCH", "/v1/training/params", {"patience": -1})
    s.get("/v1/training/status", "idle")
    s.post("/v1/training/stop", note="idle")
    s.post("/v1/training/pause", note="idle")
    s.post("/v1/training/resume", note="idle")


def _training(s: ProbeSession) -> None:
    start = {"epochs": 2, "dataset": {"source": "inline"}, "inline_data": _XOR}
    s.post("/v1/training/start", {**start, "params": {"bogus": 1}}, "unknown param")
    with s.socket("ws /ws/training", "/ws/training") as ws:
        assert ws is not None, "the training stream refused the handshake"
        greeting = s.frames(ws, lambda f: f.get("type") == "initial_metrics", 8.0)
        s.post("/v1/training/start", start)
        frames = s.frames(
            ws,
            lambda f: (
                f.get("type") == "event"
                and isinstance(f.get("data"), dict)
                and f["data"].get("event") == "training_complete"
            ),
            _TRAINING_TIMEOUT,
        )
        s.wait_final()
        frames += s.frames(ws, lambda f: False, 1.0)
    s.record_frames("ws /ws/training (connect)", greeting)
    s.record_frames("ws /ws/training", frames)
    s.get("/v1/training/status", "finished")


def _metrics_and_data(s: ProbeSession) -> None:
    s.get("/v1/metrics")
    s.get("/v1/metrics/history")
    s.get("/v1/metrics/history?count=2")
    s.get("/v1/metrics/transport")
    s.get("/v1/dataset")
    s.get("/v1/dataset/data")
    s.get("/v1/decision-boundary?resolution=10")
    s.get("/v1/decision-boundary?resolution=3", "too small")
    s.post("/v1/training/metrics/clear")
    s.post("/v1/training/metrics/clear/undo")
    s.post("/v1/training/metrics/clear/undo", note="nothing to undo")


def _datasets(s: ProbeSession) -> None:
    s.get("/v1/training/dataset/pending", "none")
    s.post("/v1/training/dataset", {"dataset_type": "xor", "n_samples": 8})
    s.get("/v1/training/dataset/pending")
    s.call("DELETE /v1/training/dataset", "DELETE", "/v1/training/dataset")
    s.post("/v1/training/dataset/live", {"dataset_type": "xor", "n_samples": 8}, "idle")
    s.call("DELETE /v1/training/dataset/live", "DELETE", "/v1/training/dataset/live")
    s.get("/v1/history/dataset_swaps")


def _snapshots(s: ProbeSession) -> None:
    saved = s.post("/v1/snapshots", {"description": "conformance"})
    snapshot_id = saved.get("data", {}).get("id") if isinstance(saved, dict) else None
    assert isinstance(snapshot_id, str), f"no snapshot id in {saved!r}"
    one = f"/v1/snapshots/{snapshot_id}"
    s.get("/v1/snapshots")
    s.call("GET /v1/snapshots/{id}", "GET", one)
    s.call("GET /v1/snapshots/{id}/history/dataset_swaps", "GET", one + "/history/dataset_swaps")
    s.get("/v1/snapshots/unknown_snapshot", "unknown")
    s.post("/v1/snapshots/unknown_snapshot/restore", note="unknown")
    s.post("/v1/snapshots/bad.id/restore", note="invalid id")
    s.call(
        "POST /v1/snapshots/{id}/replay/control (no replay)",
        "POST",
        one + "/replay/control",
        {"action": "pause"},
    )
    s.call("POST /v1/snapshots/{id}/restore", "POST", one + "/restore")
    s.get("/v1/training/status", "investigating")
    s.post("/v1/training/start", {"epochs": 1}, "investigating")
    s.call("POST /v1/snapshots/{id}/retrain", "POST", one + "/retrain")
    s.get("/v1/training/status", "after retrain")
    s.wait_final()
    s.call("POST /v1/snapshots/{id}/restore", "POST", one + "/restore")
    s.call("POST /v1/snapshots/{id}/resume", "POST", one + "/resume")
    s.get("/v1/training/status", "after resume")
    started = s.post("/v1/training/start", {"epochs": 1}, "after resume")
    if isinstance(started, dict) and started.get("status") == "success":
        s.wait_final()
    s.call("POST /v1/snapshots/{id}/replay", "POST", one + "/replay")
    s.get("/v1/training/status", "replaying")
    s.call(
        "POST /v1/snapshots/{id}/replay/control",
        "POST",
        one + "/replay/control",
        {"action": "stop"},
    )
    s.post("/v1/training/reset")


def _surgery(s: ProbeSession) -> None:
    s.call(
        "PATCH /v1/network/weights",
        "PATCH",
        "/v1/network/weights",
        {"target": "output", "field": "bias", "values": [0.0]},
    )
    s.post("/v1/network/hidden-units", {"weights": [0.1, 0.2]})
    s.call("DELETE /v1/network/hidden-units/{idx}", "DELETE", "/v1/network/hidden-units/0")
    s.call(
        "DELETE /v1/network/hidden-units/{idx} (unknown)",
        "DELETE",
        "/v1/network/hidden-units/99",
    )


def _service(s: ProbeSession) -> None:
    s.get("/v1/workers")
    s.get("/v1/workers/stats")
    s.get("/v1/workers/unknown_worker", "unknown")
    s.get("/v1/admin/experimental_functions")
    s.post("/v1/admin/experimental_functions", {"enabled": False})


def _command(ws: ClientConnection, s: ProbeSession, frame: dict[str, Any]) -> list[dict[str, Any]]:
    ws.send(json.dumps(frame))
    return s.frames(ws, lambda f: f.get("type") == "command_response", _TIMEOUT)


def _control(s: ProbeSession) -> None:
    refusals = (("no Origin", None), ("foreign Origin", "http://evil.test"))
    for note, origin in refusals:
        name = f"ws /ws/control ({note})"
        with s.socket(name, "/ws/control", origin) as ws:
            if ws is not None:
                s.shapes[name] = "101 handshake"
    with s.socket("ws /ws/control", "/ws/control", s.origin) as ws:
        assert ws is not None, "the control stream refused the allowed Origin"
        greeting = s.frames(ws, lambda f: f.get("type") == "connection_established", _TIMEOUT)
        s.record_frames("ws /ws/control", greeting)
        answers: dict[str, dict[str, Any]] = {
            "set_params": {"command": "set_params", "params": {"learning_rate": 0.03}},
            "set_params invalid": {"command": "set_params", "params": {"learning_rate": -1}},
            "pause when idle": {"command": "pause"},
            "unknown command": {"command": "dance"},
        }
        for name, command in answers.items():
            frames = _command(ws, s, {"type": "command", "command_id": name, **command})
            s.record_frame(f"ws /ws/control command_response ({name})", frames[-1])
        frames = _command(ws, s, {"type": "greeting", "command_id": "other type"})
        s.record_frame("ws /ws/control command_response (other frame type)", frames[-1])
        for index in range(15):
            ws.send(
                json.dumps(
                    {
                        "type": "command",
                        "command": "set_params",
                        "command_id": f"r{index}",
                        "params": {"learning_rate": 0.01},
                    }
                )
            )
        burst = s.frames(ws, lambda f: f.get("status") == "rate_limited", _TIMEOUT)
        limited = [f for f in burst if f.get("status") == "rate_limited"]
        if limited:
            s.record_frame("ws /ws/control command_response (rate_limited)", limited[0])


def _resume(s: ProbeSession) -> None:
    with s.socket("ws /ws/training", "/ws/training") as ws:
        assert ws is not None
        hello = s.frames(ws, lambda f: f.get("type") == "connection_established", _TIMEOUT)
        established = hello[-1].get("data", {})
        ws.send(
            json.dumps(
                {
                    "type": "resume",
                    "data": {
                        "last_seq": 0,
                        "server_instance_id": established.get("server_instance_id"),
                    },
                }
            )
        )
        s.record_frames(
            "ws /ws/training (resume)",
            s.frames(ws, lambda f: f.get("type", "").startswith("resume"), _TIMEOUT),
        )
    with s.socket("ws /ws/training", "/ws/training") as ws:
        assert ws is not None
        s.frames(ws, lambda f: f.get("type") == "connection_established", _TIMEOUT)
        ws.send(
            json.dumps({"type": "resume", "data": {"last_seq": 0, "server_instance_id": "other"}})
        )
        s.record_frames(
            "ws /ws/training (resume, other instance)",
            s.frames(ws, lambda f: f.get("type", "").startswith("resume"), _TIMEOUT),
        )


def _sub_shape(frame: dict[str, Any], key: str) -> dict[str, Any]:
    return {"type": frame.get("type"), "data": frame.get(key)}


def _close_code(ws: ClientConnection) -> str:
    try:
        ws.recv(timeout=_TIMEOUT)
        ws.recv(timeout=_TIMEOUT)
    except ConnectionClosed as closed:
        return f"ws close {closed.rcvd.code if closed.rcvd else 1006}"
    except TimeoutError:
        return "ws open"
    return "ws open"


def _answer_task(ws: ClientConnection, assign: dict[str, Any], tensors: list[bytes]) -> None:
    rows = BinaryFrame.decode(tensors[0]).shape[0]
    size = int(assign["candidate_data"]["input_size"])
    result = {
        "type": "task_result",
        "task_id": assign["task_id"],
        "candidate_id": assign["candidate_index"],
        "candidate_uuid": assign["candidate_data"].get("candidate_uuid"),
        "correlation": 0.0,
        "success": True,
        "epochs_completed": 1,
        "activation_name": assign["candidate_data"].get("activation_name"),
        "all_correlations": [0.0],
        "numerator": 0.0,
        "denominator": 1.0,
        "best_corr_idx": 0,
        "error_message": None,
    }
    arrays = {
        "weights": np.zeros(size, np.float32),
        "bias": np.zeros(1, np.float32),
        "norm_output": np.zeros(rows, np.float32),
        "norm_error": np.zeros(rows, np.float32),
    }
    result["tensor_manifest"] = {
        name: {"shape": list(array.shape), "dtype": str(array.dtype)}
        for name, array in arrays.items()
    }
    ws.send(json.dumps(result))
    for array in arrays.values():
        ws.send(BinaryFrame.encode(array))


def _worker_round(s: ProbeSession, ws: ClientConnection, worker_id: str) -> None:
    """Serve tasks while XOR trains; record the first task and its acknowledgement.

    The run starts fresh: the network trained earlier in the walk may need no new unit, and a
    run that does not grow hands out no task.
    """
    start = {"epochs": 2, "dataset": {"source": "inline"}, "inline_data": _XOR, "start_fresh": True}
    answer = s.http.post(s.http_url + "/v1/training/start", json=start, timeout=_TIMEOUT)
    assert answer.ok, f"training with a worker did not start: {answer.status_code}"
    started = time.monotonic()
    deadline = started + _TRAINING_TIMEOUT
    pending: dict[str, Any] | None = None
    tensors: list[bytes] = []
    began = False  # the run has been seen: running, or handing out a task
    while time.monotonic() < deadline:
        try:
            message = ws.recv(timeout=1.0)
        except TimeoutError:
            state = s.state()
            began = began or state in _RUNNING_STATES
            if state in _FINAL_STATES and (began or time.monotonic() - started > _START_GRACE):
                return
            ws.send(
                json.dumps({"type": "heartbeat", "worker_id": worker_id, "timestamp": time.time()})
            )
            continue
        if isinstance(message, bytes):
            tensors.append(message)
            if pending is not None and len(tensors) == len(pending["tensor_manifest"]):
                _answer_task(ws, pending, tensors)
                pending, tensors = None, []
            continue
        frame = json.loads(message)
        kind = frame.get("type")
        if kind == "task_assign":
            began = True
            if "ws /ws/v1/workers task_assign" not in s.shapes:
                s.record_frame("ws /ws/v1/workers task_assign", frame)
                for key in ("candidate_data", "training_params", "tensor_manifest"):
                    s.record_frame(f"ws /ws/v1/workers task_assign {key}", _sub_shape(frame, key))
            pending, tensors = frame, []
        elif kind == "result_ack":
            s.record_frame("ws /ws/v1/workers result_ack", frame)
    raise TimeoutError("training with a worker did not finish")


def _workers(s: ProbeSession) -> None:
    with s.socket("ws /ws/v1/workers (Origin)", "/ws/v1/workers", s.origin) as ws:
        if ws is not None:
            s.shapes["ws /ws/v1/workers (Origin)"] = _close_code(ws)
    with s.socket("ws /ws/v1/workers (first frame not register)", "/ws/v1/workers") as ws:
        assert ws is not None
        ws.recv(timeout=_TIMEOUT)
        ws.send(json.dumps({"type": "heartbeat", "worker_id": "x", "timestamp": 0.0}))
        s.shapes["ws /ws/v1/workers (first frame not register)"] = _close_code(ws)
    with s.socket("ws /ws/v1/workers", "/ws/v1/workers") as ws:
        assert ws is not None, "the workers endpoint refused the handshake"
        s.record_frame(
            "ws /ws/v1/workers connection_established", json.loads(ws.recv(timeout=_TIMEOUT))
        )
        register = {
            "type": "register",
            "worker_id": "probe-worker",
            "capabilities": {"cpu_cores": 1},
        }
        ws.send(json.dumps(register))
        ack = json.loads(ws.recv(timeout=_TIMEOUT))
        s.record_frame("ws /ws/v1/workers registration_ack", ack)
        worker_id = str(ack.get("worker_id"))
        ws.send(json.dumps({"type": "heartbeat", "worker_id": worker_id, "timestamp": time.time()}))
        s.record_frame("ws /ws/v1/workers heartbeat", json.loads(ws.recv(timeout=_TIMEOUT)))
        s.get("/v1/workers", "one worker")
        s.call("GET /v1/workers/{id}", "GET", f"/v1/workers/{worker_id}")
        _worker_round(s, ws, worker_id)
        ws.send("not json")
        errors = s.frames(ws, lambda f: f.get("type") == "error", _TIMEOUT)
        if errors:
            s.record_frame("ws /ws/v1/workers error", errors[-1])
