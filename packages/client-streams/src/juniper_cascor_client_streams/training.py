"""``CascorTrainingStream``: the ``/ws/training`` stream of training events.

Messages are the frames as dicts (or, with ``typed=True``, their envelope models), in the order
the server sent them, starting with ``connection_established``. ``ping`` frames are answered and
never delivered; ``chunked_message`` frames are reassembled and the original frame is delivered.

Sequence numbers: ``last_seq`` is the newest ``seq`` seen, ``gaps`` counts the numbers skipped,
and a frame whose ``seq`` is not above ``last_seq`` is a duplicate and is dropped (counted in
``duplicates``). Losses are counted in ``missed`` (frames known lost) and ``possible_loss``
(suspected losses) and reported to the ``on_loss`` callbacks as they are noticed (see
:mod:`juniper_cascor_client_streams.losses`). A ``seq`` that is not an int in 0..2**63-1 is
not tracked (the frame is delivered as if it had none). With a
:class:`~juniper_cascor_client_streams.reconnect.ReconnectPolicy`, the first frame sent on a
new connection is ``resume`` with ``last_seq`` and ``server_instance_id``: the server replays
what was missed (``resume_ok`` then the frames), and the replay fills the gap without any
frame delivered twice. When it answers ``resume_failed`` instead, that frame is delivered so
the consumer knows to resync, and the fresh state frames (``initial_status``...) follow. Seq
tracking restarts when the server instance changes.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable
from typing import Any, Generic, Literal, TypeAlias, TypeGuard, Unpack, overload

if sys.version_info >= (3, 13):
    from typing import TypeVar
else:  # a TypeVar with a default (PEP 696)
    from typing_extensions import TypeVar

from juniper_cascor_client_core import JuniperCascorConnectionError
from juniper_cascor_client_core.constants import WS_TRAINING_PATH
from juniper_cascor_client_core.defaults import DEFAULT_QUEUE_SIZE
from juniper_cascor_client_core.options import one_of, positive_int
from juniper_cascor_client_streams._callbacks import (
    DataCallback,
    LossCallback,
    invoke_callback,
)
from juniper_cascor_client_streams._frames import (
    PONG_TEXT,
    Decoded,
    command_text,
    decode_frame,
    report_unrecognized,
    resume_text,
)
from juniper_cascor_client_streams._stream import BaseStream
from juniper_cascor_client_streams.chunks import ChunkError, ChunkReassembler
from juniper_cascor_client_streams.hangup import HANGUP_POLL_INTERVAL, peer_hung_up
from juniper_cascor_client_streams.losses import LossTracker
from juniper_cascor_client_streams.metrics import (
    DROPPED_FRAMES_METRIC,
    MISSED_FRAMES_METRIC,
    POSSIBLE_LOSSES_METRIC,
    count,
)
from juniper_cascor_client_streams.options import StreamOptions
from juniper_cascor_client_streams.queueing import (
    QUEUE_POLICIES,
    MessageQueue,
    QueueClosedError,
    QueuePolicy,
)
from juniper_cascor_client_streams.states import state_in_frame
from juniper_cascor_protocol.envelope import BaseEnvelope, CommandEnvelope

__all__ = [
    "CALLBACK_TYPES",
    "SUPERSEDING_TYPES",
    "CascorTrainingStream",
    "LossCallback",
    "Message",
    "MessageIterator",
    "MessageT",
    "TrainingStreamOptions",
]

logger = logging.getLogger("juniper_cascor_client_streams")

Message: TypeAlias = dict[str, Any] | BaseEnvelope
"""A delivered message: the frame's dict, or its envelope model with ``typed=True``."""

MessageT = TypeVar("MessageT", bound=Message, default=dict[str, Any])
"""The type of the messages a stream delivers: ``dict[str, Any]`` (the default, and what
``typed=False`` gives), ``BaseEnvelope`` (``typed=True``), or ``Message`` (a ``typed`` known
only at run time)."""

_OnData = TypeVar("_OnData", bound=DataCallback)
_OnLoss = TypeVar("_OnLoss", bound=LossCallback)

CALLBACK_TYPES = ("metrics", "state", "topology", "cascade_add", "event", "candidate_progress")
"""Message types that have an ``on_<type>`` callback."""

SUPERSEDING_TYPES = frozenset({"metrics", "state", "topology"})
"""Message types whose newest frame makes the previous one stale: the ``"latest"`` queue
policy keeps only the newest queued frame of each."""

_MAX_SEQ = 2**63 - 1


def _is_seq(value: object) -> TypeGuard[int]:
    """Whether ``value`` is a usable sequence number: an int in 0..2**63-1.

    Anything else (a negative number cannot be resumed from; a huge one would make every later
    frame look like a duplicate) is treated as no ``seq`` at all.
    """
    return type(value) is int and 0 <= value <= _MAX_SEQ


def _message_type(message: Message) -> object:
    return message.type if isinstance(message, BaseEnvelope) else message.get("type")


def _superseding_kind(message: Message) -> str | None:
    kind = _message_type(message)
    return kind if isinstance(kind, str) and kind in SUPERSEDING_TYPES else None


def _callback_argument(message: Message) -> dict[str, Any]:
    """What a callback receives: the message's ``data`` as a dict.

    ``{}`` when the frame has no ``data`` object; the model's fields as sent when it is a typed
    ``data`` model (``typed=True``; ``initial_metrics``, ``resume_ok``..., never the six
    ``on_<type>`` types, whose ``data`` is a dict in both forms).
    """
    if isinstance(message, BaseEnvelope):
        data = message.data
        if data is None:
            return {}
        return data if isinstance(data, dict) else data.model_dump(exclude_unset=True)
    found = message.get("data")
    return found if isinstance(found, dict) else {}


class MessageIterator(Generic[MessageT]):
    """Async iterator over a training stream's messages (of its type: ``dict[str, Any]``, or
    ``BaseEnvelope`` with ``typed=True``).

    Each message's callbacks run before it is returned. Cancelling ``__anext__`` while it
    waits for a message loses nothing; cancelling it while an async callback runs loses that
    message. :meth:`aclose` ends this iterator only (the stream stays connected).
    """

    def __init__(self, stream: CascorTrainingStream[MessageT]) -> None:
        self._stream = stream
        self._closed = False

    def __aiter__(self) -> MessageIterator[MessageT]:
        return self

    async def __anext__(self) -> MessageT:
        if self._closed:
            raise StopAsyncIteration
        stream = self._stream
        queue = stream._queue
        # the fast path: a message is ready
        message = queue.get_nowait() if queue else await stream._next_message()
        kind = _message_type(message)
        if isinstance(kind, str) and stream._callbacks.get(kind):
            await stream._dispatch(kind, message)
        return message

    async def aclose(self) -> None:
        """End this iteration, as ``aclose()`` ends an async generator."""
        self._closed = True


class TrainingStreamOptions(StreamOptions, total=False):
    """The keyword options of :class:`CascorTrainingStream` besides ``auto_pong`` and ``typed``
    (documented there), with the exact signature of each callback."""

    queue_size: int
    queue_policy: QueuePolicy
    on_metrics: DataCallback | None
    on_state: DataCallback | None
    on_topology: DataCallback | None
    on_cascade_add: DataCallback | None
    on_event: DataCallback | None
    on_candidate_progress: DataCallback | None
    on_loss: LossCallback | None


class CascorTrainingStream(BaseStream, Generic[MessageT]):
    """Async client of ``/ws/training``: iterate it, or run callbacks with :meth:`listen`.

    ::

        async with CascorTrainingStream("ws://localhost:8200") as stream:
            async for message in stream:
                if message["type"] == "metrics":
                    print(message["data"]["loss"], message["data"]["accuracy"])

    A ``metrics`` message's ``data`` holds ``epoch``, ``loss``, ``accuracy``,
    ``validation_loss``, ``validation_accuracy``, ``hidden_units``, ``phase`` and the
    classification metrics (``f1``, ``precision``, ``recall``, ``roc_auc``).

    For a type checker the stream is generic in its message type: ``CascorTrainingStream(url)``
    is a ``CascorTrainingStream[dict[str, Any]]`` (``message["data"]["epoch"]`` checks), and
    ``CascorTrainingStream(url, typed=True)`` a ``CascorTrainingStream[BaseEnvelope]``.

    Args:
        base_url: Service URL (``ws(s)://`` or ``http(s)://``); ``None`` reads
            ``JUNIPER_CASCOR_URL``, else ``http://localhost:8200`` (as ``ws://``).
        api_key: Sent as ``X-API-Key``; ``None`` reads ``JUNIPER_CASCOR_API_KEY``.
        origin: ``Origin`` header; ``None`` reads ``JUNIPER_CASCOR_WS_ORIGIN``.
        auto_pong: Ignored, with a ``DeprecationWarning`` (pings are always answered).
        typed: Deliver envelope models (``BaseEnvelope``) instead of dicts; fixed at
            construction (the message type follows it).
        queue_size: Messages buffered between the reader and the consumer.
        queue_policy: ``"block"`` (backpressure), ``"drop_oldest"`` or ``"latest"`` (the
            newest ``metrics``, ``state`` and ``topology`` frames; see
            :mod:`juniper_cascor_client_streams.queueing`). Under every policy a connection
            lost while the consumer is behind is noticed at once (``on_disconnect``,
            ``connections_lost``, ``is_connected``); the frames received before it are still
            delivered.
        on_metrics, on_state, on_topology, on_cascade_add, on_event, on_candidate_progress:
            Callbacks called with the ``data`` (a ``dict[str, Any]``, in both forms) of each
            message of their type (sync or async), as the message is consumed (by iteration
            or :meth:`listen`).
        on_loss: Called with a :class:`~juniper_cascor_client_streams.losses.Loss` each time
            frames are found missed or probably missed (sync or async), as it is noticed.
        **options: Connection options of :class:`BaseStream` (timeouts, ``max_size``,
            ``idle_timeout``, ``reconnect``, ``on_disconnect``, ``on_reconnect``).

    Raises:
        TypeError: For an unknown keyword option (the closest known one is suggested).
        JuniperCascorConfigurationError: When ``base_url`` or an option is invalid (e.g. a
            ``queue_size`` that is not a positive int).
    """

    path = WS_TRAINING_PATH
    endpoint = "training"

    @overload
    def __init__(
        self: CascorTrainingStream[dict[str, Any]],
        base_url: str | None = None,
        api_key: str | None = None,
        origin: str | None = None,
        *,
        auto_pong: bool | None = None,
        typed: Literal[False] = False,
        **options: Unpack[TrainingStreamOptions],
    ) -> None: ...

    @overload
    def __init__(
        self: CascorTrainingStream[BaseEnvelope],
        base_url: str | None = None,
        api_key: str | None = None,
        origin: str | None = None,
        *,
        auto_pong: bool | None = None,
        typed: Literal[True],
        **options: Unpack[TrainingStreamOptions],
    ) -> None: ...

    @overload
    def __init__(
        self: CascorTrainingStream[Message],
        base_url: str | None = None,
        api_key: str | None = None,
        origin: str | None = None,
        *,
        auto_pong: bool | None = None,
        typed: bool,
        **options: Unpack[TrainingStreamOptions],
    ) -> None: ...

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        origin: str | None = None,
        *,
        auto_pong: bool | None = None,
        typed: bool = False,
        queue_size: int = DEFAULT_QUEUE_SIZE,
        queue_policy: QueuePolicy = "block",
        on_metrics: DataCallback | None = None,
        on_state: DataCallback | None = None,
        on_topology: DataCallback | None = None,
        on_cascade_add: DataCallback | None = None,
        on_event: DataCallback | None = None,
        on_candidate_progress: DataCallback | None = None,
        on_loss: LossCallback | None = None,
        **options: Unpack[StreamOptions],
    ) -> None:
        super().__init__(base_url, api_key, origin, auto_pong=auto_pong, **options)
        self.typed = typed
        self._queue_size = positive_int("queue_size", queue_size)
        self._queue_policy = one_of("queue_policy", queue_policy, QUEUE_POLICIES)
        self._queue = self._new_queue()
        self._started = False
        self._dropped_before = 0
        self._callbacks: dict[str, list[DataCallback]] = {kind: [] for kind in CALLBACK_TYPES}
        given = (on_metrics, on_state, on_topology, on_cascade_add, on_event, on_candidate_progress)
        for kind, callback in zip(CALLBACK_TYPES, given, strict=True):
            if callback is not None:
                self._callbacks[kind].append(callback)
        self._loss_callbacks: list[LossCallback] = [] if on_loss is None else [on_loss]
        self._losses = LossTracker()
        self._restarted = False  # the server instance changed: its snapshot tells what we missed
        self._restart_seq: int | None = None
        self._hung_up = False  # the server hung up while the reader waited for room
        self._reassembler = ChunkReassembler()
        self.last_seq: int | None = None
        self.server_instance_id: str | None = None
        self.duplicates = 0
        self.training_state: str | None = None
        """The newest training state the server reported (in ``initial_status`` or ``state``),
        normalised (``STARTED``, ``COMPLETED``...); updated as frames are read, so it may be
        ahead of the messages not consumed yet. A ``FAILED`` straight after ``COMPLETED`` is
        not taken: juniper-cascor 0.12 may broadcast one for a run it completed."""

    # -- consuming ------------------------------------------------------------------------

    def __aiter__(self) -> MessageIterator[MessageT]:
        return MessageIterator(self)

    def stream(self) -> MessageIterator[MessageT]:
        """Return an async iterator over the messages (what ``async for ... in stream`` uses).

        The callbacks of each message run as it is consumed. The iterator ends when the
        connection is lost and reconnection is off, or after :meth:`disconnect`.

        Raises:
            JuniperCascorConnectionError: From the iterator, when the stream was never
                connected, or when reconnection gave up (the last connection error).
        """
        return MessageIterator(self)

    async def listen(self) -> None:
        """Consume every message, running the registered callbacks, until the stream ends.

        A callback that raises is logged and the stream goes on.

        Raises:
            JuniperCascorConnectionError: As :meth:`stream`.
        """
        async for _message in self.stream():
            pass

    @property
    def dropped(self) -> int:
        """Messages dropped by the queue policy (never with ``"block"``)."""
        return self._dropped_before + self._queue.dropped

    @property
    def gaps(self) -> int:
        """Sequence numbers skipped: broadcasts of one server instance never received."""
        return self._losses.gaps

    @property
    def missed(self) -> int:
        """Frames known lost: ``gaps`` plus what a restarted server broadcast before this
        stream's fresh snapshot (see :mod:`juniper_cascor_client_streams.losses`)."""
        return self._losses.missed

    @property
    def possible_loss(self) -> int:
        """Suspected losses (incidents): a resume that replayed nothing after an outage,
        followed by a ``metrics`` epoch further ahead than usual."""
        return self._losses.possible_loss

    @property
    def pending_chunk_sets(self) -> int:
        """Incomplete ``chunked_message`` sets held."""
        return self._reassembler.pending

    # -- callback registration (each returns the callback, so it works as a decorator) ----

    def on(self, message_type: str, callback: _OnData) -> _OnData:
        """Register ``callback``, called with the ``data`` of each message of ``message_type``."""
        self._callbacks.setdefault(message_type, []).append(callback)
        return callback

    def on_metrics(self, callback: _OnData) -> _OnData:
        """Register a ``metrics`` callback."""
        return self.on("metrics", callback)

    def on_state(self, callback: _OnData) -> _OnData:
        """Register a ``state`` callback."""
        return self.on("state", callback)

    def on_topology(self, callback: _OnData) -> _OnData:
        """Register a ``topology`` callback."""
        return self.on("topology", callback)

    def on_cascade_add(self, callback: _OnData) -> _OnData:
        """Register a ``cascade_add`` callback."""
        return self.on("cascade_add", callback)

    def on_event(self, callback: _OnData) -> _OnData:
        """Register an ``event`` callback."""
        return self.on("event", callback)

    def on_candidate_progress(self, callback: _OnData) -> _OnData:
        """Register a ``candidate_progress`` callback."""
        return self.on("candidate_progress", callback)

    def on_loss(self, callback: _OnLoss) -> _OnLoss:
        """Register a callback called with each :class:`~.losses.Loss` as it is noticed."""
        self._loss_callbacks.append(callback)
        return callback

    # -- sending --------------------------------------------------------------------------

    async def send_command(self, command: str, params: dict[str, Any] | None = None) -> None:
        """Send a command over the training socket, without waiting for any answer.

        Raises:
            JuniperCascorValidationError: When the command is malformed.
            JuniperCascorConnectionError: When not connected or sending failed.
        """
        await self._send(command_text(command, params, CommandEnvelope.new_command_id()))

    async def _dispatch(self, kind: str, message: Message) -> None:
        argument = _callback_argument(message)
        for callback in list(self._callbacks[kind]):
            await invoke_callback(callback, argument, logger=logger, name=f"on_{kind}")

    # -- hooks ----------------------------------------------------------------------------

    def _new_queue(self) -> MessageQueue[MessageT]:
        return MessageQueue(
            self._queue_size,
            self._queue_policy,
            superseding_kind=_superseding_kind,
            on_drop=self._count_drop,
        )

    def _count_drop(self) -> None:
        count(DROPPED_FRAMES_METRIC, endpoint=self.endpoint)

    def _prepare(self) -> None:
        if self._queue.closed:
            self._dropped_before += self._queue.dropped
            self._queue = self._new_queue()
        self._started = True

    async def _opened(self, handshake: Decoded, *, reconnected: bool) -> None:
        frame = handshake.frame or {}
        data = frame.get("data")
        instance = data.get("server_instance_id") if isinstance(data, dict) else None
        # The first frame decides: ``resume`` continues after ``last_seq``; anything else makes
        # the connection fresh at once. A fresh connection sends a ``pong`` (a liveness frame
        # every server accepts unasked) so the server does not wait out its resume window
        # (5 s) before sending the snapshot.
        if reconnected and self.last_seq is not None and self.server_instance_id is not None:
            logger.info("training: resuming after seq %d", self.last_seq)
            first = resume_text(self.last_seq, self.server_instance_id)
        else:
            first = PONG_TEXT
        self._hung_up = False
        try:
            await self._send(first)
        except JuniperCascorConnectionError as exc:
            logger.info("training: could not send the first frame: %s", exc)
        if isinstance(instance, str) and instance != self.server_instance_id:
            if self.server_instance_id is not None:
                logger.info("training: server instance changed; seq tracking restarts")
                self._restarted = self.last_seq is not None
                self._restart_seq = self.last_seq
                self.last_seq = None
                self._reassembler.clear()
            self.server_instance_id = instance
        if (waiting := self._deliver(handshake)) is not None:
            await waiting

    def _handle(self, decoded: Decoded) -> Awaitable[None] | None:
        frame = decoded.frame
        if frame is None:
            return None
        seq = frame.get("seq")
        if _is_seq(seq):
            last = self.last_seq
            if last is not None:
                if seq <= last:
                    self.duplicates += 1
                    return None
                self._losses.frames_missed(seq - last - 1, "seq_gap", last)
            self.last_seq = seq
        label = decoded.envelope.type
        if label == "chunked_message":
            original = self._reassemble(frame)
            if original is None or original.frame is None:
                return None
            decoded, frame, label = original, original.frame, original.envelope.type
        if label == "metrics":
            data = frame.get("data")
            if isinstance(data, dict):
                self._losses.saw_epoch(data.get("epoch"), self.last_seq)
        elif label in ("state", "initial_status"):
            self._track_state(state_in_frame(frame))
        elif label == "initial_metrics":
            self._adopt_current_seq(frame.get("data"))
        elif label == "resume_ok":
            self._resumed(frame.get("data"))
        elif label == "resume_failed":
            logger.warning("training: resume failed (%s); resync from REST", frame.get("data"))
        waiting = self._deliver(decoded)
        if self._losses.unreported:
            return self._report_losses(waiting)
        return waiting

    def _resumed(self, data: object) -> None:
        replayed = data.get("replayed_count") if isinstance(data, dict) else None
        if replayed == 0:
            self._losses.resumed_without_replay()

    async def _report_losses(self, waiting: Awaitable[None] | None) -> None:
        """Count and report the losses just noticed, then wait for the frame's place."""
        for loss in self._losses.take():
            logger.warning("training: %s", loss.detail)
            if loss.possible:
                count(POSSIBLE_LOSSES_METRIC, endpoint=self.endpoint)
            else:
                count(MISSED_FRAMES_METRIC, loss.missed, endpoint=self.endpoint)
            await self._notify(self._loss_callbacks, "on_loss", loss)
        if waiting is not None:
            await waiting

    def _track_state(self, state: str | None) -> None:
        """Keep the newest state, except a ``FAILED`` straight after ``COMPLETED``.

        juniper-cascor 0.12's state machine cannot fail a completed run, yet after a run
        completes the server may broadcast a ``state`` frame saying ``Failed`` (its state
        machine stays ``COMPLETED``, as ``GET /v1/training/status`` shows).
        """
        if state is None or (state == "FAILED" and self.training_state == "COMPLETED"):
            return
        self.training_state = state

    def _adopt_current_seq(self, data: object) -> None:
        """Take the snapshot's ``current_seq`` as the resume point.

        A fresh connection's snapshot covers every broadcast up to ``current_seq``, so a stream
        that has not yet seen a numbered frame can still resume from there after a drop. After
        a failed resume, the broadcasts between ``last_seq`` and the snapshot were missed and
        count as a gap.
        """
        current = data.get("current_seq") if isinstance(data, dict) else None
        restarted, self._restarted = self._restarted, False
        if not _is_seq(current):
            return
        if self.last_seq is None:
            if restarted:
                self._losses.frames_missed(current, "server_restarted", self._restart_seq)
            self.last_seq = current
        elif current > self.last_seq:
            self._losses.frames_missed(current - self.last_seq, "snapshot_gap", self.last_seq)
            self.last_seq = current

    def _reassemble(self, frame: dict[str, Any]) -> Decoded | None:
        data = frame.get("data")
        try:
            text = self._reassembler.add(data if isinstance(data, dict) else {})
        except ChunkError as exc:
            logger.warning("training: dropped a chunked message: %s", exc)
            return None
        if text is None:
            return None
        decoded = decode_frame(text)
        if not decoded.envelope.is_known:
            report_unrecognized(decoded, endpoint=self.endpoint, logger=logger)
        return decoded if decoded.frame is not None else None

    def _deliver(self, decoded: Decoded) -> Awaitable[None] | None:
        """Queue the message; return the wait for room when the queue cannot take it now."""
        if decoded.frame is None:
            return None
        # ``typed`` decides MessageT (see the __init__ overloads); no cast call per frame
        message: MessageT = decoded.envelope if self.typed else decoded.frame  # type: ignore[assignment]
        queue = self._queue
        if self._hung_up:
            queue.push(message)  # what is left of a connection that ended: bounded
            return None
        return None if queue.offer(message) else self._wait_for_room(message)

    async def _wait_for_room(self, message: MessageT) -> None:
        """Wait for the queue to take ``message``, watching the connection meanwhile.

        Not reading the socket hides a server that hung up; so while waiting, the socket is
        checked every :data:`~.hangup.HANGUP_POLL_INTERVAL` seconds. Once the server is gone,
        the frames it sent before (a bounded amount) are queued without waiting, so the reader
        reaches the end of the connection and reports it at once.
        """
        queue = self._queue
        while not queue.offer(message):
            await queue.wait_for_room(HANGUP_POLL_INTERVAL)
            opened = self._socket
            if opened is not None and peer_hung_up(opened.socket) and not queue.offer(message):
                logger.info("training: the server hung up while the consumer was behind")
                self._hung_up = True
                queue.push(message)
                return

    def _finish(self, error: Exception | None) -> None:
        self._queue.close(error)

    async def _next_message(self) -> MessageT:
        if not self._started:
            raise JuniperCascorConnectionError(
                "training stream is not connected: use 'async with' or await connect() first"
            )
        try:
            return await self._queue.get()
        except QueueClosedError as closed:
            if closed.error is not None:
                raise closed.error from None
            raise StopAsyncIteration from None
