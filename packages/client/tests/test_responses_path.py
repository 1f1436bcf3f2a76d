"""``juniper_cascor_client.responses`` is the REST client's answer types at the meta path."""

from __future__ import annotations

import juniper_cascor_client_rest.responses as rest_responses
from juniper_cascor_client import responses


def test_every_answer_type_is_reexported() -> None:
    assert responses.__all__ == rest_responses.__all__
    for name in rest_responses.__all__:
        assert getattr(responses, name) is getattr(rest_responses, name), name
    assert "TrainingStatusResponse" in responses.__all__
