"""Pure parts of the command line: argument types, exit codes, frame bookkeeping, decoding."""

from __future__ import annotations

import argparse
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juniper_cascor_client.cli.commands.control import parse_assignment, unknown_parameters
from juniper_cascor_client.cli.exit_codes import ExitCode, exit_code_for, exit_codes_epilog
from juniper_cascor_client.cli.follow import RunRecord, state_label
from juniper_cascor_client.cli.output import format_field, format_percent, format_value
from juniper_cascor_client.cli.plotting import boundary_figure
from juniper_cascor_client.cli.progress import QuietRunView
from juniper_cascor_client.cli.remote import boundary_grid, training_points
from juniper_cascor_client_core.exceptions import (
    JuniperCascorAuthenticationError,
    JuniperCascorClientError,
    JuniperCascorCommandError,
    JuniperCascorConfigurationError,
    JuniperCascorConflictError,
    JuniperCascorNotFoundError,
    JuniperCascorProtocolError,
    JuniperCascorRateLimitedError,
    JuniperCascorStreamClosedError,
    JuniperCascorTimeoutError,
    JuniperCascorValidationError,
)

JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=20,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("learning_rate=0.1", ("learning_rate", 0.1)),
        ("patience=10", ("patience", 10)),
        ("flag=true", ("flag", True)),
        ("name=adam", ("name", "adam")),
        ('quoted="x y"', ("quoted", "x y")),
        ("empty=", ("empty", "")),
    ],
)
def test_assignments_read_json_scalars(text: str, expected: tuple[str, Any]) -> None:
    assert parse_assignment(text) == expected


@pytest.mark.parametrize("text", ["novalue", "=1", "1x=2", "a b=1", "x=[1]", 'x={"a": 1}'])
def test_bad_assignments_are_usage_errors(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=r"key=value|scalar"):
        parse_assignment(text)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (JuniperCascorStreamClosedError("closed"), ExitCode.CONNECTION),
        (JuniperCascorAuthenticationError("no"), ExitCode.AUTHENTICATION),
        (JuniperCascorValidationError("bad"), ExitCode.VALIDATION),
        (JuniperCascorTimeoutError("slow"), ExitCode.TIMEOUT),
        (JuniperCascorNotFoundError("gone"), ExitCode.NOT_FOUND),
        (JuniperCascorConflictError("busy"), ExitCode.CONFLICT),
        (JuniperCascorRateLimitedError("slow down"), ExitCode.UNAVAILABLE),
        (JuniperCascorConfigurationError("bad url"), ExitCode.USAGE),
        (JuniperCascorProtocolError("odd"), ExitCode.ERROR),
        (JuniperCascorClientError("HTTP 500: boom"), ExitCode.ERROR),
        (JuniperCascorCommandError("x", code="unknown_command"), ExitCode.VALIDATION),
        (JuniperCascorCommandError("x", code="invalid_params"), ExitCode.VALIDATION),
        (JuniperCascorCommandError("x", code="INVALID_PARAMS"), ExitCode.VALIDATION),
        (JuniperCascorCommandError("x", code="internal_error"), ExitCode.ERROR),
        (JuniperCascorCommandError("Command execution failed"), ExitCode.ERROR),
        (ValueError("not a client error"), ExitCode.ERROR),
    ],
)
def test_exit_code_for(error: Exception, code: ExitCode) -> None:
    assert exit_code_for(error) is code


@pytest.mark.parametrize(
    ("server_code", "status", "expected"),
    [
        ("SNAPSHOT_ABSENT", 404, ExitCode.NOT_FOUND),
        ("SNAPSHOT_ABSENT", None, ExitCode.NOT_FOUND),
        ("HTTP_404", None, ExitCode.NOT_FOUND),
        ("http_409", None, ExitCode.CONFLICT),
        ("HTTP_400", None, ExitCode.VALIDATION),
        ("HTTP_413", None, ExitCode.VALIDATION),
        ("VALIDATION_ERROR", None, ExitCode.VALIDATION),
        ("VALIDATION_ERROR", 400, ExitCode.VALIDATION),
        ("HTTP_403", None, ExitCode.AUTHENTICATION),
        ("HTTP_429", None, ExitCode.UNAVAILABLE),
        ("HTTP_503", None, ExitCode.UNAVAILABLE),
        ("HTTP_504", None, ExitCode.TIMEOUT),
        ("HTTP_500", None, ExitCode.ERROR),
        ("INTERNAL_ERROR", 500, ExitCode.ERROR),
        ("SOMETHING_NEW", 409, ExitCode.CONFLICT),
        (None, 422, ExitCode.VALIDATION),
        (None, 408, ExitCode.TIMEOUT),
        (None, 200, ExitCode.ERROR),
    ],
)
def test_the_server_code_then_the_status_decide_over_the_class(
    server_code: str | None, status: int | None, expected: ExitCode
) -> None:
    """A base-class error still gets its specific exit code from what the server said."""
    error = JuniperCascorClientError("refused", code=server_code, status_code=status)
    assert exit_code_for(error) is expected


def test_the_server_code_wins_over_the_class() -> None:
    assert exit_code_for(JuniperCascorConflictError("x", code="SNAPSHOT_ABSENT")) is (
        ExitCode.NOT_FOUND
    )
    assert exit_code_for(JuniperCascorNotFoundError("x", code="NEW_CODE")) is ExitCode.NOT_FOUND


def test_epilog_lists_every_exit_code() -> None:
    epilog = exit_codes_epilog()
    for code in ExitCode:
        assert f"  {code.value:<4} " in epilog


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["learning_rate", "patience"], None),
        (["learning_rat"], "unknown training parameter 'learning_rat' (did you mean "
                           "'learning_rate'?)"),
        (["bogus"], "unknown training parameter 'bogus'; the service's parameters are "
                    "learning_rate, patience"),
        (["bogus", "patienc"], "unknown training parameters 'bogus', 'patienc' (did you mean "
                               "'patience'?); the service's parameters are learning_rate, "
                               "patience"),
    ],
)  # fmt: skip
def test_unknown_parameters_are_named(names: list[str], expected: str | None) -> None:
    assert unknown_parameters(names, {"patience": 5, "learning_rate": 0.1}) == expected


class _RecordingView(QuietRunView):
    def __init__(self) -> None:
        self.shown: list[tuple[str, dict[str, Any]]] = []

    def metrics(self, data: Any) -> None:
        self.shown.append(("metrics", dict(data)))

    def state(self, data: Any) -> None:
        self.shown.append(("state", dict(data)))


_FINISHED_STATUS = {
    "state_machine": {"status": "COMPLETED", "phase": "OUTPUT"},
    "completion_reason": "early_stopped",
}


def test_a_seed_shows_the_state_machine_and_history_without_counting_them() -> None:
    view = _RecordingView()
    record = RunRecord()
    history = [
        {"epoch": 25, "loss": 0.3, "kind": "output_epoch"},
        {"epoch": 4, "loss": 0.25, "accuracy": 1.0, "kind": "training_step"},
    ]
    record.seed(_FINISHED_STATUS, history, view)
    assert view.shown[0] == ("state", _FINISHED_STATUS["state_machine"])
    assert [data for kind, data in view.shown[1:]] == history
    summary = record.summary()
    assert (summary["status"], summary["completion_reason"], summary["epochs"]) == (
        "Completed",
        "early_stopped",
        4,
    )
    assert (summary["finished"], summary["metrics_received"], list(record.recent)) == (
        False,
        0,
        [],
    )
    # The server's own report on connect (its training_state, which says Failed for a
    # completed 0.12 run) does not replace the state machine's.
    _observe(record, {"type": "state", "data": {"status": "Failed", "phase": "Idle"}})
    assert [kind for kind, _ in view.shown].count("state") == 1
    assert not record.finished


def test_a_new_run_after_a_seeded_final_state_is_followed_to_its_own_end() -> None:
    record = RunRecord()
    record.seed(_FINISHED_STATUS, [], QuietRunView())
    _observe(record, _metrics(1, 0.5))  # the new run's first frame, before any state frame
    assert record.running_seen
    assert not record.finished
    assert (record.status, record.completion_reason) == (None, None)
    _observe(record, {"type": "state", "data": {"status": "Completed"}})
    assert record.finished


def _observe(record: RunRecord, *frames: dict[str, Any]) -> RunRecord:
    for frame in frames:
        record.observe(frame, QuietRunView())
    return record


def _metrics(epoch: int, loss: float) -> dict[str, Any]:
    return {"type": "metrics", "data": {"epoch": epoch, "loss": loss, "hidden_units": 0}}


def test_a_stale_terminal_state_does_not_finish_a_fresh_subscription() -> None:
    record = _observe(
        RunRecord(),
        {"type": "initial_status", "data": {"training_active": False}},
        {"type": "state", "data": {"status": "Completed"}},
        {"type": "event", "data": {"event": "training_complete"}},
    )
    assert not record.finished
    assert record.status is None


def test_a_run_seen_running_finishes_with_its_state_and_event() -> None:
    record = _observe(
        RunRecord(),
        {"type": "state", "data": {"status": "Started", "phase": "Output"}},
        _metrics(1, 0.5),
        {"type": "cascade_add", "data": {"hidden_unit_index": 0, "total_hidden_units": 1}},
        _metrics(2, 0.25),
        {"type": "state", "data": {"status": "Completed"}},
    )
    assert record.finished
    assert record.finish_event is None
    _observe(record, {"type": "event", "data": {"event": "training_complete"}})
    summary = record.summary()
    assert (summary["event"], summary["epochs"], summary["final_loss"]) == (
        "training_complete",
        2,
        0.25,
    )
    assert (record.epochs, record.losses, record.unit_epochs) == ([1, 2], [0.5, 0.25], [1])


def test_a_running_initial_status_counts_in_any_case() -> None:
    status = {"training_active": True, "state_machine": {"status": "STARTED"}}
    record = _observe(
        RunRecord(),
        {"type": "initial_status", "data": status},
        {"type": "state", "data": {"status": "Completed"}},
    )
    assert (record.finished, record.status) == (True, "Completed")


def _real_metrics(kind: str, epoch: int, loss: float, accuracy: float | None) -> dict[str, Any]:
    data = {"epoch": epoch, "loss": loss, "accuracy": accuracy, "hidden_units": 1, "kind": kind}
    return {"type": "metrics", "data": data}


def test_a_real_server_run_is_summed_up_by_its_training_steps() -> None:
    """0.12 interleaves output-pass epochs (counted within each pass) with the training steps,
    and follows its ``Completed`` state frame with a ``Failed`` one."""
    record = _observe(
        RunRecord(),
        {"type": "state", "data": {"status": "Started", "phase": "Output"}},
        _real_metrics("output_epoch", 20, 0.26, None),
        _real_metrics("training_step", 1, 0.26, 0.75),
        _real_metrics("output_epoch", 1, 0.26, None),
        {"type": "cascade_add", "data": {"hidden_unit_index": 0, "total_hidden_units": 3}},
        _real_metrics("output_epoch", 25, 0.25, None),
        _real_metrics("training_step", 2, 0.2497, 0.5),
        {"type": "state", "data": {"status": "Completed", "phase": "Idle"}},
        {"type": "state", "data": {"status": "Failed", "phase": "Idle"}},
        {"type": "event", "data": {"event": "training_complete"}},
    )
    summary = record.summary()
    assert (summary["epochs"], summary["final_loss"], summary["final_accuracy"]) == (2, 0.2497, 0.5)
    assert summary["metrics_received"] == 5
    assert (record.epochs, record.losses, record.unit_epochs) == ([1, 2], [0.26, 0.2497], [1])
    assert record.finished
    assert record.status == "Failed"  # what the frames said; ``watch`` asks the state machine


@pytest.mark.parametrize(
    ("name", "label"),
    [("COMPLETED", "Completed"), ("Completed", "Completed"), ("STARTED", "Started"),
     ("INVESTIGATING", "Investigating"), ("IDLE", "Idle")],
)  # fmt: skip
def test_state_labels_read_both_spellings(name: str, label: str) -> None:
    assert state_label(name) == label


def test_metrics_are_read_by_their_names() -> None:
    record = _observe(RunRecord(), {"type": "metrics", "data": {"epoch": 3, "loss": 0.1,
                                                                "accuracy": 0.9}})  # fmt: skip
    assert (record.summary()["final_loss"], record.summary()["final_accuracy"]) == (0.1, 0.9)


@given(st.lists(st.fixed_dictionaries({"type": st.text(max_size=12), "data": JSON})))
def test_any_frames_are_recorded_without_error(frames: list[dict[str, Any]]) -> None:
    record = _observe(RunRecord(), *frames)
    assert record.metrics_received == sum(
        frame["type"] == "metrics" and isinstance(frame["data"], dict) for frame in frames
    )


def test_boundary_grid_reads_the_meshgrid() -> None:
    grid = boundary_grid(
        {
            "grid_x": [[0, 1, 2], [0, 1, 2]],
            "grid_y": [[5, 5, 5], [6, 6, 6]],
            "predictions": [[0, 1, 0], [1, 0, 1]],
        }
    )
    assert grid.values.shape == (2, 3)
    assert (grid.xs.tolist(), grid.ys.tolist()) == ([0.0, 1.0, 2.0], [5.0, 6.0])


_MESH = {"grid_x": [[0, 1], [0, 1]], "grid_y": [[0, 0], [1, 1]]}


@pytest.mark.parametrize(
    "data",
    [
        [],
        _MESH,
        {**_MESH, "predictions": [[0, 1], [1]]},
        {**_MESH, "predictions": [[0, 1, 0], [1, 0, 1]]},
        {**_MESH, "predictions": [[0, float("nan")], [1, 0]]},
        {"grid_x": [[0, 1]], "grid_y": [[0, 1]], "predictions": [[0, 1], [1, 0]]},
    ],
)
def test_malformed_boundaries_are_protocol_errors(data: Any) -> None:
    with pytest.raises(JuniperCascorProtocolError, match="decision boundary"):
        boundary_grid(data)


@given(JSON)
def test_boundary_decoding_never_raises_anything_else(data: Any) -> None:
    try:
        grid = boundary_grid(data)
    except JuniperCascorProtocolError:
        return
    assert grid.values.ndim == 2


@given(JSON)
def test_training_points_never_raise(data: Any) -> None:
    points = training_points(data)
    assert points is None or len(points) > 0


def test_training_points_of_a_dataset_answer() -> None:
    points = training_points({"train_x": [[0, 1], [1, 0]], "train_y": [[1], [0]]})
    assert points is not None
    assert (points.inputs.tolist(), points.targets.tolist()) == ([[0, 1], [1, 0]], [[1], [0]])
    assert training_points({"train": {"x": [[0, 1]], "y": [[1]]}}) is None


def test_value_formatting() -> None:
    assert format_value(None) == "-"
    assert format_value(0.123456) == "0.1235"
    assert format_value(True) == "yes"
    assert format_value({"a": 1}) == '{"a": 1}'
    assert format_percent(0.975) == "97.5%"
    assert format_percent(None) == "-"
    assert format_field("modified", 0.0).startswith("1970-01-0")
    assert format_field("epoch", 1795428372.9) == "1.795e+09"


def test_the_boundary_plot_has_its_title_once() -> None:
    grid = boundary_grid({"grid_x": [[0, 1], [0, 1]], "grid_y": [[0, 0], [1, 1]],
                          "predictions": [[0, 1], [1, 0]]})  # fmt: skip
    figure = boundary_figure(grid, None, title="Decision boundary at http://127.0.0.1:1")
    titles = [figure.get_suptitle(), *(text.get_text() for text in figure.texts)]
    for axes in figure.axes:
        titles += [axes.get_title(loc) for loc in ("left", "center", "right")]
    assert [title for title in titles if title] == ["Decision boundary at http://127.0.0.1:1"]
