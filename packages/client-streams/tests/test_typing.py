"""Users' code type-checks under ``mypy --strict``: both message forms, callbacks, answers.

Small samples are checked in one mypy run. A line ending in ``# error: [code]`` must get that
error (and no other line any); ``# reveal: T`` marks a ``reveal_type`` whose type must be ``T``.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

HEADER = """\
from typing import Any

from juniper_cascor_client_core import JuniperCascorClientError
from juniper_cascor_client_streams import (
    BlockingControlStream,
    CascorControlStream,
    CascorTrainingStream,
    Loss,
    iter_training,
)
from juniper_cascor_protocol.envelope import BaseEnvelope
"""

SAMPLES = {
    "dict_form": """
        async def monitor() -> None:
            async with CascorTrainingStream("ws://localhost:8200") as stream:
                reveal_type(stream)  # reveal: CascorTrainingStream[dict[str, Any]]
                async for message in stream:
                    if message["type"] == "metrics":
                        epoch: int = message["data"]["epoch"]
                        print(epoch, message["data"]["loss"])
                iterator = stream.stream()
                reveal_type(await anext(iterator))  # reveal: dict[str, Any]

        def annotated(stream: CascorTrainingStream) -> dict[str, Any]:
            return stream.handshake or {}
    """,
    "typed_form": """
        async def monitor() -> None:
            async with CascorTrainingStream(typed=True) as stream:
                reveal_type(stream)  # reveal: CascorTrainingStream[BaseEnvelope]
                async for message in stream:
                    reveal_type(message)  # reveal: BaseEnvelope
                    print(message.type, message.seq, message.data)
                    print(message["data"])  # error: [index]

        async def decided_at_run_time(typed: bool) -> None:
            stream = CascorTrainingStream(typed=typed)
            reveal_type(stream)  # reveal: CascorTrainingStream[dict[str, Any] | BaseEnvelope]
    """,
    "callbacks": """
        def on_metrics(data: dict[str, Any]) -> None:
            print(data["epoch"])

        async def on_state(data: dict[str, Any]) -> None:
            print(data["status"])

        def on_disconnect(error: JuniperCascorClientError) -> None:
            print(error)

        async def on_reconnect(attempts: int) -> None:
            print(attempts + 1)

        def on_loss(loss: Loss) -> None:
            print(loss.missed)

        stream = CascorTrainingStream(
            on_metrics=on_metrics,
            on_state=on_state,
            on_cascade_add=lambda data: print(data["hidden_unit_index"]),
            on_disconnect=on_disconnect,
            on_reconnect=on_reconnect,
            on_loss=on_loss,
        )
        stream.on_topology(on_metrics)
        stream.on("initial_metrics", on_state)
        stream.on_disconnect(on_disconnect)
        stream.on_reconnect(on_reconnect)
        stream.on_loss(on_loss)

        @stream.on_event
        def on_event(data: dict[str, Any]) -> int:
            return len(data)

        reveal_type(on_event)  # reveal: def (data: dict[str, Any]) -> int
        control = CascorControlStream(on_disconnect=on_disconnect, on_reconnect=on_reconnect)
    """,
    "wrong_callbacks": """
        def on_loss(loss: Loss) -> None:
            print(loss.missed)

        def on_text(text: str) -> None:
            print(text)

        CascorTrainingStream(on_metrics=on_loss)  # error: [arg-type]
        CascorTrainingStream(on_loss=on_text)  # error: [arg-type]
        CascorTrainingStream(on_disconnect=on_text)  # error: [arg-type]
        CascorControlStream(on_reconnect=on_text)  # error: [arg-type]
        CascorTrainingStream().on_state(on_loss)  # error: [type-var]
        CascorTrainingStream().on_reconnect(on_loss)  # error: [type-var]
    """,
    "answers": """
        async def control() -> None:
            async with CascorControlStream(origin="http://localhost:8050") as control:
                answer = await control.set_params({"learning_rate": 0.01})
                status: str = answer["data"]["status"]
                print(status, answer["data"].get("result"), answer.get("timestamp"))
                print(answer["data"]["statu"])  # error: [typeddict-item]

        with BlockingControlStream() as blocking:
            print(blocking.stop()["data"]["command"])
    """,
    "blocking": """
        for message in iter_training(timeout=5.0):
            reveal_type(message)  # reveal: dict[str, Any]
            print(message["data"]["epoch"])
        for envelope in iter_training(typed=True):
            reveal_type(envelope)  # reveal: BaseEnvelope
    """,
}

_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<kind>error|note): (?P<text>.*)$")
_CODE = re.compile(r"  \[(?P<code>[a-z-]+)\]$")
_REVEALED = re.compile(r'^Revealed type is "(?P<type>.*)"$')
_QUALIFIED = re.compile(r"\b(?:[a-z_][a-z0-9_]*\.)+(?=[A-Z])")


@dataclass(frozen=True)
class Report:
    errors: dict[tuple[str, int], str]  # (sample, line) -> error code
    reveals: dict[tuple[str, int], str]  # (sample, line) -> revealed type, unqualified
    output: str


def _expected(marker: str) -> dict[tuple[str, int], str]:
    found = {}
    offset = HEADER.count("\n")
    for name, body in SAMPLES.items():
        for number, line in enumerate(textwrap.dedent(body).splitlines(), start=offset + 1):
            if marker in line:
                value = line.split(marker, 1)[1].strip()
                found[name, number] = value[1:-1] if marker == "# error:" else value
    return found


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = tmp_path_factory.mktemp("typing_samples")
    paths = []
    for name, body in SAMPLES.items():
        path = folder / f"{name}.py"
        path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
        paths.append(str(path))
    stdout, stderr, _status = mypy_api.run(
        ["--config-file", "", "--strict", "--cache-dir", str(folder / ".cache"), *paths]
    )
    errors, reveals = {}, {}
    for line in stdout.splitlines():
        if (match := _LINE.match(line)) is None:
            continue
        key = (Path(match["file"]).stem, int(match["line"]))
        text = match["text"]
        if match["kind"] == "error":
            code = _CODE.search(text)
            errors[key] = code["code"] if code else text
        elif revealed := _REVEALED.match(text):
            reveals[key] = _QUALIFIED.sub("", revealed["type"])
    return Report(errors, reveals, stdout + stderr)


def _errors_of(report: Report, sample: str) -> dict[tuple[str, int], str]:
    return {key: code for key, code in report.errors.items() if key[0] == sample}


def _expected_of(marker: str, sample: str) -> dict[tuple[str, int], str]:
    expected = {key: value for key, value in _expected(marker).items() if key[0] == sample}
    assert expected, f"no {marker!r} line in the {sample!r} sample"
    return expected


def _assert_reveals(report: Report, sample: str) -> None:
    for key, expected in _expected_of("# reveal:", sample).items():
        assert report.reveals.get(key) == expected, report.output


def test_the_dict_form_is_indexable(report: Report) -> None:
    assert _errors_of(report, "dict_form") == {}, report.output
    _assert_reveals(report, "dict_form")


def test_typed_true_gives_envelope_models_that_are_not_indexable(report: Report) -> None:
    expected = _expected_of("# error:", "typed_form")
    assert _errors_of(report, "typed_form") == expected, report.output
    _assert_reveals(report, "typed_form")


def test_callbacks_with_their_exact_signatures_type_check(report: Report) -> None:
    assert _errors_of(report, "callbacks") == {}, report.output
    _assert_reveals(report, "callbacks")  # a decorated callback keeps its type


def test_callbacks_with_the_wrong_signature_are_refused(report: Report) -> None:
    expected = _expected_of("# error:", "wrong_callbacks")
    assert len(expected) == 6
    assert _errors_of(report, "wrong_callbacks") == expected, report.output


def test_command_answers_are_typed_dicts(report: Report) -> None:
    expected = _expected_of("# error:", "answers")
    assert _errors_of(report, "answers") == expected, report.output


def test_iter_training_yields_the_form_asked_for(report: Report) -> None:
    assert _errors_of(report, "blocking") == {}, report.output
    _assert_reveals(report, "blocking")
