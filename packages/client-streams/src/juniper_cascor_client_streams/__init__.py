"""Async WebSocket clients for the juniper-cascor ``/ws/training`` and ``/ws/control`` streams.

``CascorTrainingStream`` delivers training events; ``CascorControlStream`` sends commands and
returns their answers. Neither reconnects unless given a ``ReconnectPolicy``. ``iter_training``
and ``BlockingControlStream`` offer the same from synchronous code.
"""

import logging

from juniper_cascor_client_streams._callbacks import (
    DataCallback,
    DisconnectCallback,
    LossCallback,
    ReconnectCallback,
)
from juniper_cascor_client_streams._stream import BaseStream
from juniper_cascor_client_streams._version import __version__
from juniper_cascor_client_streams.chunks import ChunkError, ChunkReassembler
from juniper_cascor_client_streams.control import CascorControlStream
from juniper_cascor_client_streams.losses import Loss
from juniper_cascor_client_streams.metrics import UNRECOGNIZED_FRAMES_METRIC
from juniper_cascor_client_streams.options import (
    DEFAULT_MAX_SIZE,
    DEFAULT_WS_BASE_URL,
    StreamOptions,
)
from juniper_cascor_client_streams.queueing import QUEUE_POLICIES, QueuePolicy
from juniper_cascor_client_streams.reconnect import ReconnectPolicy
from juniper_cascor_client_streams.responses import CommandResponseDataDict, CommandResponseDict
from juniper_cascor_client_streams.states import TRAINING_STATES, normalize_state
from juniper_cascor_client_streams.sync import BlockingControlStream, iter_training
from juniper_cascor_client_streams.training import (
    SUPERSEDING_TYPES,
    CascorTrainingStream,
    Message,
    MessageIterator,
    MessageT,
    TrainingStreamOptions,
)

# A library never prints on its own: without logging configured, its records go nowhere
# (not to the last-resort stderr handler).
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "DEFAULT_MAX_SIZE",
    "DEFAULT_WS_BASE_URL",
    "QUEUE_POLICIES",
    "SUPERSEDING_TYPES",
    "TRAINING_STATES",
    "UNRECOGNIZED_FRAMES_METRIC",
    "BaseStream",
    "BlockingControlStream",
    "CascorControlStream",
    "CascorTrainingStream",
    "ChunkError",
    "ChunkReassembler",
    "CommandResponseDataDict",
    "CommandResponseDict",
    "DataCallback",
    "DisconnectCallback",
    "Loss",
    "LossCallback",
    "Message",
    "MessageIterator",
    "MessageT",
    "QueuePolicy",
    "ReconnectCallback",
    "ReconnectPolicy",
    "StreamOptions",
    "TrainingStreamOptions",
    "__version__",
    "iter_training",
    "normalize_state",
]
