"""Accounting of lost training frames (sans-I/O).

Two kinds of loss are told apart:

*missed* frames are known lost, and counted exactly:
    ``seq_gap``
        sequence numbers skipped between two frames of one server instance;
    ``snapshot_gap``
        after a failed resume (``out_of_range``), the broadcasts between the last frame seen
        and the fresh snapshot's ``current_seq``;
    ``server_restarted``
        after a failed resume (``server_restarted``), the broadcasts the new server instance
        made before the fresh snapshot (its ``current_seq``). What the old instance broadcast
        after the last frame seen is unknowable and not counted.

a *possible* loss can only be suspected, and counts one per incident:
    ``unreplayed_outage``
        juniper-cascor 0.12 numbers and buffers nothing while no client is connected, so a lone
        client that reconnects is told ``resume_ok`` with ``replayed_count`` 0 however much it
        missed, and the sequence numbers show no gap. When the first ``metrics`` frame after
        such a resume is further past the last epoch seen than the usual step between two
        metrics frames, frames were probably missed.

Frames the queue policy drops on purpose are not losses here: they are counted in the stream's
``dropped``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Loss", "LossReason", "LossTracker"]

LossReason = Literal["seq_gap", "snapshot_gap", "server_restarted", "unreplayed_outage"]


@dataclass(frozen=True, slots=True)
class Loss:
    """One loss of training frames, as reported to the ``on_loss`` callbacks.

    Attributes:
        reason: What revealed it (see :mod:`juniper_cascor_client_streams.losses`).
        missed: Frames known lost; 0 for a possible loss.
        last_seq: The stream's ``last_seq`` before the loss (``None`` when unknown).
        detail: A short human-readable account.
    """

    reason: LossReason
    missed: int
    last_seq: int | None
    detail: str

    @property
    def possible(self) -> bool:
        """Whether the loss is only suspected (no frame count is known)."""
        return self.missed == 0


class LossTracker:
    """Counts the losses of one stream and keeps those not yet reported.

    Attributes:
        gaps: Sequence numbers skipped (``seq_gap`` and ``snapshot_gap`` losses).
        missed: Frames known lost, every reason included.
        possible_loss: Suspected losses (incidents, not frames).
    """

    def __init__(self) -> None:
        self.gaps = 0
        self.missed = 0
        self.possible_loss = 0
        self._unreported: list[Loss] = []
        self._last_epoch: int | None = None
        self._epoch_step = 1
        self._check_epoch = False

    @property
    def unreported(self) -> bool:
        """Whether losses wait to be reported (:meth:`take`)."""
        return bool(self._unreported)

    def take(self) -> list[Loss]:
        """Return the losses not yet reported, and forget them."""
        losses, self._unreported = self._unreported, []
        return losses

    def frames_missed(self, count: int, reason: LossReason, last_seq: int | None) -> None:
        """Record ``count`` frames known lost (nothing when ``count`` < 1)."""
        if count < 1:
            return
        if reason in ("seq_gap", "snapshot_gap"):
            self.gaps += count
        self.missed += count
        after = "" if last_seq is None else f" after seq {last_seq}"
        self._unreported.append(
            Loss(reason, count, last_seq, f"{count} frame(s) missed{after} ({reason})")
        )

    def resumed_without_replay(self) -> None:
        """A resume after an outage replayed nothing: check the next ``metrics`` epoch."""
        self._check_epoch = self._last_epoch is not None

    def saw_epoch(self, epoch: object, last_seq: int | None) -> None:
        """Take the ``epoch`` of a ``metrics`` frame (anything but an int is ignored)."""
        if type(epoch) is not int:
            return
        last = self._last_epoch
        if last is not None:
            step = epoch - last
            if self._check_epoch and step > self._epoch_step:
                self.possible_loss += 1
                self._unreported.append(
                    Loss(
                        "unreplayed_outage",
                        0,
                        last_seq,
                        f"metrics jumped from epoch {last} to {epoch} across a resume that "
                        "replayed nothing: frames were probably missed",
                    )
                )
            elif step > 0 and not self._check_epoch:
                self._epoch_step = step
        self._check_epoch = False
        self._last_epoch = epoch
