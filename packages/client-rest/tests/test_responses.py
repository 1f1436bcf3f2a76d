"""The declared answer types match what the server sends: every required key is there, every key
present has the declared kind, down to the leaves (against the fake twin of juniper-cascor 0.12)."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator
from typing import Any, TypeVar, get_args, get_origin, get_type_hints, is_typeddict

import pytest

from juniper_cascor_client_rest import JuniperCascorClient
from juniper_cascor_fake_server import FakeCascorServer
from juniper_cascor_fake_server.scenarios import connect_kit_workers
from juniper_cascor_fake_server.workers.candidate_worker import WorkerThread

Call = Callable[[JuniperCascorClient], Any]


def check(value: Any, kind: Any, where: str) -> None:
    """Assert that ``value`` is of the declared ``kind`` (a ``TypedDict``, generic or not, a
    list or dict of them, a union, a plain type or ``Any``)."""
    origin = get_origin(kind)
    if is_typeddict(kind) or is_typeddict(origin):
        check_typeddict(value, kind, where)
    elif origin in (typing.Union, types.UnionType):
        errors = []
        for option in get_args(kind):
            try:
                check(value, option, where)
            except AssertionError as exc:
                errors.append(str(exc))
            else:
                return
        raise AssertionError("; ".join(errors))
    elif origin is list:
        assert isinstance(value, list), f"{where}: {value!r} is not a list"
        for index, item in enumerate(value):
            check(item, get_args(kind)[0], f"{where}[{index}]")
    elif origin is dict:
        assert isinstance(value, dict), f"{where}: {value!r} is not a dict"
        for key, item in value.items():
            check(item, get_args(kind)[1], f"{where}[{key!r}]")
    elif kind is Any:
        return
    elif kind is type(None):
        assert value is None, f"{where}: {value!r} is not None"
    else:
        accepted = (int, float) if kind is float else kind
        assert isinstance(value, accepted), f"{where}: {value!r} is not {kind.__name__}"
        assert kind is bool or not isinstance(value, bool), f"{where}: {value!r} is a bool"


def check_typeddict(value: Any, kind: Any, where: str) -> None:
    cls = get_origin(kind) or kind
    bound: dict[Any, Any] = dict(
        zip(getattr(cls, "__parameters__", ()), get_args(kind), strict=True)
    )
    assert isinstance(value, dict), f"{where}: {value!r} is not an object"
    missing = cls.__required_keys__ - set(value)
    assert not missing, f"{where}: {cls.__name__} lacks {sorted(missing)}"
    for key, hint in get_type_hints(cls).items():
        if key in value:
            check(
                value[key],
                bound.get(hint, hint) if isinstance(hint, TypeVar) else hint,
                f"{where}.{key}",
            )


def answer_type(name: str) -> Any:
    return get_type_hints(getattr(JuniperCascorClient, name))["return"]


def investigated(client: JuniperCascorClient) -> str:
    """Save a snapshot of the trained network and restore it (``INVESTIGATING``)."""
    snapshot = client.save_snapshot("typed")["data"]["id"]
    client.load_snapshot(snapshot)
    return snapshot


def add_unit(client: JuniperCascorClient) -> Any:
    network = client.get_network()["data"]
    investigated(client)
    return client.add_hidden_unit([0.1] * (network["input_size"] + network["hidden_units"]))


def patch_bias(client: JuniperCascorClient) -> Any:
    outputs = client.get_network()["data"]["output_size"]
    investigated(client)
    return client.patch_network_weights(target="output", field="bias", values=[0.0] * outputs)


def remove_unit(client: JuniperCascorClient) -> Any:
    investigated(client)
    return client.remove_hidden_unit(0)


def stop_replay(client: JuniperCascorClient) -> Any:
    snapshot = client.save_snapshot()["data"]["id"]
    client.replay_snapshot(snapshot)
    return client.control_replay(snapshot, "stop")


def swap_live(client: JuniperCascorClient) -> Any:
    client.set_experimental_functions(True)
    client.start_training()
    answer = client.swap_dataset_live(dataset_type="xor", n_samples=8)
    client.stop_training()
    return answer


def undo_clear(client: JuniperCascorClient) -> Any:
    client.clear_metrics()
    return client.undo_clear_metrics()


def pause(client: JuniperCascorClient) -> Any:
    client.start_training()
    return client.pause_training()


def resume(client: JuniperCascorClient) -> Any:
    pause(client)
    return client.resume_training()


def snapshot_call(method: str) -> Call:
    return lambda c: getattr(c, method)(c.save_snapshot()["data"]["id"])


DONE, IDLE, SLOW, WORKERS = "xor_converged", "idle", "idle slowly", "xor_converged+kit"
"""Scenarios: a converged XOR network; the XOR network untrained; untrained, with 1 s epochs;
converged, with the test kit's two workers connected."""

CALLS: list[tuple[str, str, Call]] = [
    ("health_check", DONE, lambda c: c.health_check()),
    ("get_liveness", DONE, lambda c: c.get_liveness()),
    ("get_readiness", DONE, lambda c: c.get_readiness()),
    ("create_network", DONE, lambda c: c.create_network(input_size=2, output_size=1)),
    ("get_network", DONE, lambda c: c.get_network()),
    ("delete_network", DONE, lambda c: c.delete_network()),
    ("get_topology", DONE, lambda c: c.get_topology()),
    ("get_statistics", DONE, lambda c: c.get_statistics()),
    ("patch_network_weights", DONE, patch_bias),
    ("add_hidden_unit", DONE, add_unit),
    ("remove_hidden_unit", DONE, remove_unit),
    ("get_decision_boundary", DONE, lambda c: c.get_decision_boundary(10)),
    ("start_training", IDLE, lambda c: c.start_training()),
    ("stop_training", DONE, lambda c: c.stop_training()),
    ("pause_training", SLOW, pause),
    ("resume_training", SLOW, resume),
    ("reset_training", DONE, lambda c: c.reset_training()),
    ("clear_metrics", DONE, lambda c: c.clear_metrics()),
    ("undo_clear_metrics", DONE, undo_clear),
    ("get_training_status", DONE, lambda c: c.get_training_status()),
    ("get_training_status", SLOW, lambda c: (c.start_training(), c.get_training_status())[1]),
    ("wait_for_training", IDLE, lambda c: (c.start_training(), c.wait_for_training(60))[1]),
    ("get_training_params", DONE, lambda c: c.get_training_params()),
    ("update_params", DONE, lambda c: c.update_params({"bogus": 1}, learning_rate=0.02)),
    ("get_dataset", DONE, lambda c: c.get_dataset()),
    ("get_dataset", "empty", lambda c: c.get_dataset()),
    ("get_dataset_data", DONE, lambda c: c.get_dataset_data()),
    ("stage_dataset", DONE, lambda c: c.stage_dataset(dataset_type="xor", n_samples=8)),
    ("discard_staged_dataset", DONE, lambda c: c.discard_staged_dataset()),
    ("get_pending_dataset", DONE, lambda c: c.get_pending_dataset()),
    ("swap_dataset_live", SLOW, swap_live),
    ("get_dataset_swaps", DONE, lambda c: c.get_dataset_swaps()),
    ("get_metrics", DONE, lambda c: c.get_metrics()),
    ("get_metrics_history", DONE, lambda c: c.get_metrics_history()),
    ("get_transport_metrics", DONE, lambda c: c.get_transport_metrics()),
    ("save_snapshot", DONE, lambda c: c.save_snapshot("typed")),
    ("list_snapshots", DONE, lambda c: (c.save_snapshot(), c.list_snapshots())[1]),
    ("get_snapshot", DONE, snapshot_call("get_snapshot")),
    ("get_snapshot_dataset_swaps", DONE, snapshot_call("get_snapshot_dataset_swaps")),
    ("load_snapshot", DONE, snapshot_call("load_snapshot")),
    ("retrain_from_snapshot", DONE, snapshot_call("retrain_from_snapshot")),
    ("resume_from_snapshot", DONE, snapshot_call("resume_from_snapshot")),
    ("replay_snapshot", DONE, snapshot_call("replay_snapshot")),
    ("control_replay", DONE, stop_replay),
    ("list_workers", WORKERS, lambda c: c.list_workers()),
    (
        "get_worker",
        WORKERS,
        lambda c: c.get_worker(c.list_workers()["data"]["workers"][0]["worker_id"]),
    ),
    ("get_worker_stats", DONE, lambda c: c.get_worker_stats()),
    ("get_experimental_functions", DONE, lambda c: c.get_experimental_functions()),
    ("set_experimental_functions", DONE, lambda c: c.set_experimental_functions(False)),
]
UNREACHABLE = {"cancel_live_swap"}
"""Answered with success only during a live swap, which the fake finishes at once."""


@pytest.fixture
def client_on() -> Iterator[Callable[[str], JuniperCascorClient]]:
    servers: list[FakeCascorServer] = []
    clients: list[JuniperCascorClient] = []
    workers: list[WorkerThread] = []

    def start(scenario: str) -> JuniperCascorClient:
        delay = 1.0 if scenario == SLOW else 0.0
        name = IDLE if scenario == SLOW else scenario
        server = FakeCascorServer(scenario=name, epoch_delay=delay, allowed_origins=())
        servers.append(server.__enter__())
        if scenario == WORKERS:
            workers.extend(connect_kit_workers(server.ws_url))
        clients.append(JuniperCascorClient(server.http_url))
        return clients[-1]

    yield start
    for worker in workers:
        worker.stop()
    for client in clients:
        client.close()
    for server in servers:
        server.__exit__(None, None, None)


@pytest.mark.parametrize(
    ("name", "scenario", "call"), CALLS, ids=[f"{row[0]}-{row[1]}" for row in CALLS]
)
def test_the_answer_has_the_declared_shape(
    client_on: Callable[[str], JuniperCascorClient], name: str, scenario: str, call: Call
) -> None:
    answer = call(client_on(scenario))
    check(answer, answer_type(name), name)


def test_every_typed_method_is_checked() -> None:
    typed = {
        name
        for name in dir(JuniperCascorClient)
        if not name.startswith("_")
        and callable(getattr(JuniperCascorClient, name))
        and is_typeddict(get_origin(answer_type(name)) or answer_type(name))
    }
    assert typed == {row[0] for row in CALLS} | UNREACHABLE


def test_the_checker_catches_a_missing_key_and_a_wrong_kind() -> None:
    kind = answer_type("get_training_status")
    with pytest.raises(AssertionError, match="lacks"):
        check({"status": "success", "data": {}, "meta": {}}, kind, "status")
    network = {"status": "success", "meta": {"timestamp": 1.0, "version": "0.12.0"}}
    fields = {"input_size": 2, "output_size": 1, "max_hidden_units": 3, "learning_rate": 0.1}
    good = {**network, "data": {"uuid": "u", "hidden_units": 0, **fields}}
    check(good, answer_type("get_network"), "network")
    with pytest.raises(AssertionError, match="is not int"):
        check(
            {**good, "data": {**good["data"], "hidden_units": "0"}}, answer_type("get_network"), ""
        )
