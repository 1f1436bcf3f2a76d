"""The public surface and the dependency rule of the distribution."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

import juniper_cascor_protocol.envelope as envelope
from juniper_cascor_protocol.envelope import KNOWN_ENVELOPES, BaseEnvelope, UnknownEnvelope

PUBLIC = {
    "BaseEnvelope",
    "UnknownEnvelope",
    "ConnectionEstablishedEnvelope",
    "InitialStatusEnvelope",
    "StateEnvelope",
    "InitialMetricsEnvelope",
    "MetricsEnvelope",
    "TopologyEnvelope",
    "CascadeAddEnvelope",
    "CandidateProgressEnvelope",
    "EventEnvelope",
    "ChunkedMessageEnvelope",
    "ResumeOkEnvelope",
    "ResumeFailedEnvelope",
    "PingEnvelope",
    "PongEnvelope",
    "ResumeEnvelope",
    "SubscribeMetricsEnvelope",
    "CommandEnvelope",
    "CommandResponseEnvelope",
    "CommandRateLimitedEnvelope",
    "ConnectionEstablishedData",
    "InitialMetricsData",
    "ChunkedMessageData",
    "CommandResponseData",
    "KnownEnvelope",
    "CHUNK_THRESHOLD_BYTES",
    "CHUNK_PAYLOAD_SIZE",
    "validate_envelope",
    "KNOWN_ENVELOPES",
    "UNKNOWN_TYPE_BUDGET",
    "UNMATCHED_TYPE_LABEL",
    "MALFORMED_TYPE_LABEL",
    "reset_unknown_label_state",
    "__version__",
}


def test_all_is_exactly_the_public_api() -> None:
    assert set(envelope.__all__) == PUBLIC
    assert len(envelope.__all__) == len(PUBLIC)
    assert all(hasattr(envelope, name) for name in PUBLIC)
    assert envelope.__version__ == "0.1.0"


def test_known_envelopes_maps_each_type_to_its_model() -> None:
    assert len(KNOWN_ENVELOPES) == 18
    for name, model in KNOWN_ENVELOPES.items():
        assert issubclass(model, BaseEnvelope)
        assert model is not UnknownEnvelope
        assert get_args(model.model_fields["type"].annotation) == (name,)
        assert model.__name__.endswith("Envelope")
        assert getattr(envelope, model.__name__) is model


def test_namespace_package_has_no_init() -> None:
    source = Path(envelope.__file__).resolve().parent.parent
    assert source.name == "juniper_cascor_protocol"
    assert not (source / "__init__.py").exists()
    assert (source / "envelope" / "py.typed").exists()


def test_import_pulls_in_no_forbidden_module() -> None:
    code = (
        "import sys, juniper_cascor_protocol.envelope as e\n"
        'e.validate_envelope(\'{"type": "pong"}\')\n'
        "bad = [m for m in ('numpy', 'websockets', 'requests', 'juniper_cascor_client_core',"
        " 'juniper_cascor_protocol.worker') if m in sys.modules]\n"
        "assert not bad, bad\n"
        "assert 'pydantic' in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


# Every name juniper-cascor-protocol 0.2 offered, by the module it offered it from.
UPSTREAM_PATHS = {
    "juniper_cascor_protocol.envelope": {
        "BaseEnvelope",
        "UnknownEnvelope",
        "MetricsEnvelope",
        "StateEnvelope",
        "TopologyEnvelope",
        "EventEnvelope",
        "CascadeAddEnvelope",
        "CandidateProgressEnvelope",
        "InitialMetricsEnvelope",
        "InitialMetricsData",
        "ChunkedMessageEnvelope",
        "ChunkedMessageData",
        "CommandResponseEnvelope",
        "CommandResponseData",
        "ConnectionEstablishedEnvelope",
        "ConnectionEstablishedData",
        "validate_envelope",
        "KnownEnvelope",
        "KNOWN_ENVELOPES",
        "UNMATCHED_TYPE_LABEL",
        "UNKNOWN_TYPE_BUDGET",
        "reset_unknown_label_state",
    },
    "juniper_cascor_protocol.envelope.base": {"BaseEnvelope", "UnknownEnvelope"},
    "juniper_cascor_protocol.envelope.control": {
        "CommandResponseData",
        "CommandResponseEnvelope",
        "ConnectionEstablishedData",
        "ConnectionEstablishedEnvelope",
    },
    "juniper_cascor_protocol.envelope.training": {
        "MetricsEnvelope",
        "StateEnvelope",
        "TopologyEnvelope",
        "EventEnvelope",
        "CascadeAddEnvelope",
        "CandidateProgressEnvelope",
        "InitialMetricsData",
        "InitialMetricsEnvelope",
        "ChunkedMessageData",
        "ChunkedMessageEnvelope",
    },
    "juniper_cascor_protocol.envelope.validate": {
        "KNOWN_ENVELOPES",
        "UNKNOWN_TYPE_BUDGET",
        "UNMATCHED_TYPE_LABEL",
        "KnownEnvelope",
        "UnknownEnvelope",
        "reset_unknown_label_state",
        "validate_envelope",
        "BaseEnvelope",
    },
}


@pytest.mark.parametrize("module_name", sorted(UPSTREAM_PATHS))
def test_every_upstream_import_path_resolves_to_the_package_object(module_name: str) -> None:
    module = importlib.import_module(module_name)
    for name in UPSTREAM_PATHS[module_name]:
        assert getattr(module, name) is getattr(envelope, name), f"{module_name}.{name}"


def test_base_module_exports_the_two_base_classes() -> None:
    from juniper_cascor_protocol.envelope import base

    assert set(base.__all__) == {"BaseEnvelope", "UnknownEnvelope"}
    assert issubclass(base.UnknownEnvelope, base.BaseEnvelope)
