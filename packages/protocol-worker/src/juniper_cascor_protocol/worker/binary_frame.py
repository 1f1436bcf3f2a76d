"""``BinaryFrame``: the tensor codec of the worker protocol's binary frames.

Layout, every integer an unsigned 32-bit little-endian value, with no magic, version or
padding::

    ndim | shape[0] .. shape[ndim - 1] | dtype_len | dtype (UTF-8) | payload (C order)

The dtype string is ``str(array.dtype)`` of the encoded array (``"float32"``, ``"int64"``,
``">f4"``). Encoding always writes little-endian payloads so frames are portable between
hosts; decoding accepts either byte order. Every limit is checked before anything is
allocated, every failure raises ``BinaryFrameError`` and the codec does no I/O. Each message a
decode check raises starts with the words juniper-cascor-protocol 0.2 used for the same check
(``"Binary frame too short for shape header"``, ``"Data size mismatch"``...), then gives the
numbers involved.
"""

from __future__ import annotations

import math
import struct
from typing import TYPE_CHECKING, Any

import numpy as np

from juniper_cascor_protocol.worker._records import Record, record
from juniper_cascor_protocol.worker.dtypes import (
    is_supported_dtype,
    parse_dtype,
    unsupported_dtype_message,
)
from juniper_cascor_protocol.worker.errors import BinaryFrameError

if TYPE_CHECKING:
    import numpy.typing as npt

MAX_BINARY_FRAME_BYTES = 100 * 1024 * 1024
"""Default limit on the size of a whole binary frame (100 MiB)."""
MAX_NDIM = 10
"""Most dimensions a frame may carry."""
MAX_DTYPE_LEN = 64
"""Longest dtype string, in bytes."""

_U32 = struct.Struct("<I")
_U32_MAX = 0xFFFF_FFFF
# numpy refuses any array whose non-zero dimensions multiply, times the item size, past
# its index range, even when another dimension is zero and the array would hold nothing.
_MAX_ARRAY_BYTES = int(np.iinfo(np.intp).max)

BytesLike = bytes | bytearray | memoryview

# The dtype strings of headers already serialized; only supported dtypes get here, so the
# cache stays small (fourteen dtypes in two byte orders), the cap is a second guard.
_SPELLINGS: dict[np.dtype[Any], bytes] = {}
_SPELLINGS_CAP = 64


@record
class BinaryFrameHeader(Record):
    """The header of a binary frame: the shape and dtype of the tensor that follows it.

    Attributes:
        shape: The tensor's shape; ``()`` for a 0-d array, which holds one item.
        dtype: The payload's dtype, in the byte order the frame declares.

    Raises:
        BinaryFrameError: On construction, when ``shape`` has more than ``MAX_NDIM``
            dimensions or one that does not fit 32 bits, when ``dtype`` is not a supported
            numeric or bool dtype, or when the shape describes more bytes than numpy can
            index.
    """

    shape: tuple[int, ...]
    dtype: np.dtype[Any]

    def __post_init__(self) -> None:
        shape = self.shape
        if len(shape) > MAX_NDIM:
            raise BinaryFrameError(_too_many_dimensions(len(shape)))
        for size in shape:
            if not 0 <= size <= _U32_MAX:
                raise BinaryFrameError(f"shape {shape} has a dimension outside 0..{_U32_MAX}")
        if not is_supported_dtype(self.dtype):
            raise BinaryFrameError(unsupported_dtype_message(str(self.dtype)))
        needed = math.prod(shape) * self.dtype.itemsize
        if not needed:
            needed = math.prod(size for size in shape if size) * self.dtype.itemsize
        if needed > _MAX_ARRAY_BYTES:
            raise BinaryFrameError(
                f"shape {self.shape} of {self.dtype} spans {needed} bytes, more than the "
                f"{_MAX_ARRAY_BYTES} bytes an array can index"
            )

    @property
    def count(self) -> int:
        """Number of items in the tensor (1 for a 0-d array)."""
        return math.prod(self.shape)

    @property
    def payload_size(self) -> int:
        """Exact size of the payload that must follow this header, in bytes."""
        return self.count * self.dtype.itemsize

    @classmethod
    def parse(cls, frame: memoryview) -> tuple[BinaryFrameHeader, int]:
        """Parse the header at the start of ``frame``, a one-dimensional byte view.

        Returns:
            The header and the offset of the payload within ``frame``.

        Raises:
            BinaryFrameError: When the frame is too short for any header field, declares
                more than ``MAX_NDIM`` dimensions or a dtype string over ``MAX_DTYPE_LEN``
                bytes, its dtype string is not UTF-8, not a numpy dtype or not supported, or
                its shape spans more bytes than numpy can index.
        """
        size = frame.nbytes
        if size < 4:
            raise BinaryFrameError(
                f"Binary frame too short for shape header: {size} bytes, the ndim field needs 4"
            )
        (ndim,) = _U32.unpack_from(frame)
        if ndim > MAX_NDIM:
            raise BinaryFrameError(_too_many_dimensions(ndim))
        dtype_len_at = 4 + 4 * ndim
        if size < dtype_len_at:
            raise BinaryFrameError(
                f"Binary frame too short for shape values: {size} bytes, a shape of {ndim} "
                f"dimensions needs {dtype_len_at}"
            )
        dtype_at = dtype_len_at + 4
        if size < dtype_at:
            raise BinaryFrameError(
                f"Binary frame too short for dtype header: {size} bytes, the dtype length "
                f"needs {dtype_at}"
            )
        (dtype_len,) = _U32.unpack_from(frame, dtype_len_at)
        if dtype_len > MAX_DTYPE_LEN:
            raise BinaryFrameError(
                f"Unreasonable dtype string length: {dtype_len} bytes, over the maximum of "
                f"{MAX_DTYPE_LEN}"
            )
        payload_at = dtype_at + dtype_len
        if size < payload_at:
            raise BinaryFrameError(
                f"Binary frame too short for dtype string: {size} bytes, the {dtype_len}-byte "
                f"dtype string needs {payload_at}"
            )
        raw = bytes(frame[dtype_at:payload_at])
        try:
            spelling = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BinaryFrameError(
                f"Binary frame dtype string is not valid UTF-8: {raw!r}"
            ) from exc
        dtype = parse_dtype(spelling)
        if dtype is None:
            raise BinaryFrameError(f"Invalid dtype string: {spelling!r} is not a numpy dtype")
        if not is_supported_dtype(dtype):
            raise BinaryFrameError(f"Invalid dtype string: {unsupported_dtype_message(spelling)}")
        shape = struct.unpack_from(f"<{ndim}I", frame, 4)
        return cls(shape, dtype), payload_at

    def serialize(self) -> bytes:
        """Return the header's bytes, which the payload follows."""
        spelling = _SPELLINGS.get(self.dtype)
        if spelling is None:
            spelling = str(self.dtype).encode("utf-8")  # slow in numpy, hence the cache
            if len(_SPELLINGS) < _SPELLINGS_CAP:
                _SPELLINGS[self.dtype] = spelling
        ndim = len(self.shape)
        return struct.pack(f"<I{ndim}II", ndim, *self.shape, len(spelling)) + spelling


class BinaryFrame:
    """Encode numpy arrays to binary frames and decode them back (see the module docstring)."""

    __slots__ = ()

    @staticmethod
    def encode(array: npt.NDArray[Any] | np.generic) -> bytes:
        """Return the whole binary frame for ``array``.

        The payload is copied once when ``array`` is C-contiguous and little-endian; any
        other layout or byte order is converted first (one more copy).

        Raises:
            BinaryFrameError: When ``array`` is not a numpy array or scalar, has an
                unsupported dtype, more than ``MAX_NDIM`` dimensions or a dimension that
                does not fit 32 bits.
        """
        return b"".join(BinaryFrame.encode_parts(array))

    @staticmethod
    def encode_parts(array: npt.NDArray[Any] | np.generic) -> tuple[bytes, memoryview]:
        """Return the frame's header and a byte view of its payload, for a zero-copy send.

        The view is onto ``array`` itself when it is C-contiguous and little-endian (so the
        array must not change until the frame is sent), otherwise onto a converted copy.
        0-d arrays (and numpy scalars, sent as 0-d arrays), empty dimensions and
        non-contiguous arrays are all encoded exactly.

        Raises:
            BinaryFrameError: As ``encode``.
        """
        if isinstance(array, np.generic):
            array = np.asarray(array)
        if not isinstance(array, np.ndarray):
            raise BinaryFrameError(f"expected a numpy array, got {type(array).__name__}")
        header = BinaryFrameHeader(array.shape, array.dtype.newbyteorder("<"))
        contiguous = np.asarray(array, dtype=header.dtype, order="C")
        return header.serialize(), contiguous.reshape(-1).view(np.uint8).data

    @staticmethod
    def decode(
        data: BytesLike, *, max_size: int = MAX_BINARY_FRAME_BYTES, copy: bool = True
    ) -> npt.NDArray[Any]:
        """Decode a binary frame into an array of the shape and dtype it declares.

        Args:
            data: The frame, as received.
            max_size: Largest frame accepted, in bytes; checked before anything else.
            copy: ``True`` returns an owned, writeable array in native byte order.
                ``False`` returns a read-only view onto ``data`` without copying, in the
                frame's byte order; its cost does not depend on the payload size.

        Raises:
            BinaryFrameError: For any frame that breaks the layout or a limit, checked in
                this order: over ``max_size``; shorter than 4 bytes; ndim over 10; too short
                for the shape; too short for the dtype length; dtype length over 64; too short
                for the dtype string; dtype not UTF-8; dtype not a numpy dtype; dtype not
                numeric or bool; shape too large for numpy; payload length not
                ``prod(shape) * itemsize``. Also when ``data`` is not a contiguous buffer.
                Nothing else is raised for any input.
        """
        frame = _byte_view(data, max_size)
        header, payload_at = BinaryFrameHeader.parse(frame)
        payload = frame[payload_at:]
        if payload.nbytes != header.payload_size:
            raise BinaryFrameError(
                f"Data size mismatch: expected {header.payload_size} bytes, got "
                f"{payload.nbytes} ({header.count} items of {header.dtype.itemsize} bytes for "
                f"shape {header.shape} and dtype {header.dtype})"
            )
        if copy and header.dtype.isnative:
            # One byte copy into an owned array: a memcpy, whatever the payload's alignment.
            owned = np.empty(header.shape, dtype=header.dtype)
            owned.reshape(-1).view(np.uint8)[:] = np.frombuffer(payload, dtype=np.uint8)
            return owned
        array = np.frombuffer(payload, dtype=header.dtype).reshape(header.shape)
        if copy:  # a foreign byte order: convert while copying, still one pass
            return array.astype(header.dtype.newbyteorder("="))
        array.flags.writeable = False
        return array


def _too_many_dimensions(ndim: int) -> str:
    """The message for a shape of ``ndim`` dimensions, over ``MAX_NDIM``."""
    return f"Unreasonable number of dimensions: {ndim}, over the maximum of {MAX_NDIM}"


def _byte_view(data: BytesLike, max_size: int) -> memoryview:
    """Return ``data`` as a one-dimensional byte view, refusing it when over ``max_size``."""
    try:
        view = memoryview(data)
    except TypeError as exc:
        raise BinaryFrameError(
            f"expected bytes, bytearray or memoryview, got {type(data).__name__}"
        ) from exc
    except (ValueError, BufferError) as exc:  # a released view, a format with no buffer code
        raise BinaryFrameError(f"cannot read a {type(data).__name__} buffer: {exc}") from exc
    if view.nbytes > max_size:
        raise BinaryFrameError(
            f"Binary frame exceeds maximum size ({view.nbytes} > {max_size}): the limit is "
            f"{max_size} bytes"
        )
    if not view.c_contiguous:
        raise BinaryFrameError("binary frame buffer is not contiguous")
    if view.format == "B" and view.ndim == 1:
        return view
    try:
        return view.cast("B")
    except (TypeError, ValueError) as exc:
        raise BinaryFrameError(f"cannot read a {view.format!r} buffer as bytes") from exc
