"""The per-process budget of labels given to unrecognised frame types.

Labels end up as metric label values, so their number is bounded: the first
``UNKNOWN_TYPE_BUDGET`` distinct type strings keep their own name, every later new one is
``UNMATCHED_TYPE_LABEL``. A frame whose ``type`` is missing or not a string is
``MALFORMED_TYPE_LABEL`` and uses no slot. The state is guarded by a lock; a type string that
already owns a slot is answered without taking it.
"""

from __future__ import annotations

import threading
from typing import Final

__all__ = [
    "MALFORMED_TYPE_LABEL",
    "UNKNOWN_TYPE_BUDGET",
    "UNMATCHED_TYPE_LABEL",
    "label_for_type",
    "reset_unknown_label_state",
]

UNKNOWN_TYPE_BUDGET: Final = 16
UNMATCHED_TYPE_LABEL: Final = "_unmatched"
MALFORMED_TYPE_LABEL: Final = "_malformed"

_lock = threading.Lock()
_labelled: set[str] = set()


def label_for_type(type_name: str) -> str:
    """Return the label of an unrecognised ``type_name``, claiming a slot while any are free.

    Raises:
        Nothing.
    """
    if type_name in _labelled:
        return type_name
    with _lock:
        if type_name in _labelled:
            return type_name
        if len(_labelled) < UNKNOWN_TYPE_BUDGET:
            _labelled.add(type_name)
            return type_name
    return UNMATCHED_TYPE_LABEL


def reset_unknown_label_state() -> None:
    """Forget every label handed out, freeing the whole budget (meant for tests).

    Raises:
        Nothing.
    """
    with _lock:
        _labelled.clear()
