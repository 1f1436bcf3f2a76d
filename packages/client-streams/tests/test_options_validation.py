"""Stream options are validated at construction: unknown keywords and bad values fail at once."""

from __future__ import annotations

import math
from typing import Any

import pytest

from juniper_cascor_client_core import JuniperCascorConfigurationError
from juniper_cascor_client_streams import (
    CascorControlStream,
    CascorTrainingStream,
    ReconnectPolicy,
)

URL = "ws://127.0.0.1:9"


@pytest.mark.parametrize(
    ("stream", "keyword", "suggestion"),
    [
        (CascorTrainingStream, "reconect", "reconnect"),
        (CascorTrainingStream, "queue_sise", "queue_size"),
        (CascorControlStream, "max_pendin", "max_pending"),
        (CascorControlStream, "idle_timout", "idle_timeout"),
    ],
)
def test_unknown_keyword_is_a_type_error_with_a_suggestion(
    stream: type[Any], keyword: str, suggestion: str
) -> None:
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{keyword}'") as caught:
        stream(URL, **{keyword: ReconnectPolicy()})
    assert f"did you mean '{suggestion}'?" in str(caught.value)


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        ({"reconnect": "yes"}, "reconnect must be a ReconnectPolicy or None: 'yes'"),
        ({"open_timeout": 0}, "open_timeout must be a positive number: 0"),
        ({"handshake_timeout": -1}, "handshake_timeout must be a positive number: -1"),
        ({"close_timeout": math.inf}, "close_timeout must be a positive number: inf"),
        ({"idle_timeout": math.nan}, "idle_timeout must be a positive number or None: nan"),
        ({"ping_interval": True}, "ping_interval must be a positive number or None: True"),
        ({"max_size": 0}, "max_size must be a positive int: 0"),
        ({"on_disconnect": 5}, "on_disconnect must be callable or None: 5"),
        ({"queue_size": 0}, "queue_size must be a positive int: 0"),
        ({"queue_size": 1.5}, "queue_size must be a positive int: 1.5"),
        ({"queue_policy": "newest"}, "queue_policy must be one of"),
    ],
)
def test_training_stream_refuses_a_bad_value(options: dict[str, Any], shown: str) -> None:
    with pytest.raises(JuniperCascorConfigurationError) as caught:
        CascorTrainingStream(URL, **options)
    assert shown in str(caught.value)


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        ({"max_pending": 0}, "max_pending must be a positive int: 0"),
        ({"command_timeout": -1}, "command_timeout must be a positive number: -1"),
        ({"timeout": math.nan}, "timeout must be a positive number: nan"),
        ({"max_command_wait": 0}, "max_command_wait must be a positive number: 0"),
        ({"idle_timeout": 0}, "idle_timeout must be a positive number or None: 0"),
    ],
)
def test_control_stream_refuses_a_bad_value(options: dict[str, Any], shown: str) -> None:
    with pytest.raises(JuniperCascorConfigurationError) as caught:
        CascorControlStream(URL, **options)
    assert shown in str(caught.value)


def test_valid_options_are_kept() -> None:
    policy = ReconnectPolicy(max_attempts=2)
    stream = CascorTrainingStream(URL, reconnect=policy, idle_timeout=None, queue_size=1)
    assert stream.reconnect_policy is policy
    control = CascorControlStream(URL, command_timeout=5, max_pending=1)
    assert control.command_timeout == 5
    assert control._pending.max_pending == 1


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"initial_delay": math.nan}, "ReconnectPolicy.initial_delay must be a number >= 0: nan"),
        ({"initial_delay": -1}, "ReconnectPolicy.initial_delay must be a number >= 0: -1"),
        ({"max_delay": math.inf}, "ReconnectPolicy.max_delay must be a number >= 0.5: inf"),
        (
            {"initial_delay": 5, "max_delay": 1},
            "ReconnectPolicy.max_delay must be a number >= 5: 1",
        ),
        ({"multiplier": 0.5}, "ReconnectPolicy.multiplier must be a number >= 1: 0.5"),
        ({"max_attempts": 0}, "ReconnectPolicy.max_attempts must be a positive int or None: 0"),
        ({"max_attempts": True}, "ReconnectPolicy.max_attempts must be a positive int or None"),
        ({"jitter": "half"}, "ReconnectPolicy.jitter must be one of 'full', 'none': 'half'"),
        ({"reset_after": "1"}, "ReconnectPolicy.reset_after must be a number >= 0: '1'"),
    ],
)
def test_reconnect_policy_refuses_a_bad_field(fields: dict[str, Any], shown: str) -> None:
    with pytest.raises(JuniperCascorConfigurationError) as caught:
        ReconnectPolicy(**fields)
    assert shown in str(caught.value)
