"""Property tests: BinaryFrame round-trips any supported array and, fed anything at all,
either returns an array or raises BinaryFrameError."""

from __future__ import annotations

import struct
from typing import Any

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from juniper_cascor_protocol.worker import SUPPORTED_DTYPE_NAMES, BinaryFrame, BinaryFrameError

dtypes = st.sampled_from(SUPPORTED_DTYPE_NAMES).flatmap(
    lambda name: st.sampled_from(
        sorted({np.dtype(name).newbyteorder(o) for o in ("<", ">")}, key=str)
    )
)
supported_arrays = dtypes.flatmap(
    lambda dtype: hnp.arrays(
        dtype, hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=4)
    )
)


def _decode_or_frame_error(data: Any, *, copy: bool = True) -> None:
    """Decode ``data``; only an array or a ``BinaryFrameError`` is an acceptable outcome."""
    try:
        decoded = BinaryFrame.decode(data, copy=copy)
    except BinaryFrameError:
        return
    assert isinstance(decoded, np.ndarray)
    assert decoded.ndim <= 10


@given(supported_arrays)
def test_round_trip_is_exact(array: npt.NDArray[Any]) -> None:
    frame = BinaryFrame.encode(array)
    little = array.dtype.newbyteorder("<")
    for copy in (True, False):
        decoded = BinaryFrame.decode(frame, copy=copy)
        assert decoded.shape == array.shape
        assert decoded.dtype.newbyteorder("<") == little
        assert decoded.astype(little).tobytes() == array.astype(little).tobytes()


@given(st.binary(max_size=256))
def test_arbitrary_bytes(data: bytes) -> None:
    _decode_or_frame_error(data)
    _decode_or_frame_error(bytearray(data), copy=False)


dtype_spellings = (
    st.sampled_from([*SUPPORTED_DTYPE_NAMES, ">f4", "<i8", "|b1", "U4", "O", "f4,f4", "M8[s]"])
    | st.text(alphabet="<>=|()[],:' efiubcSUVOMm0123456789", max_size=12)
    | st.text(max_size=12)
    | st.binary(max_size=12)
)


@given(
    st.integers(0, 12),
    st.lists(st.integers(0, 4) | st.integers(0, 2**32 - 1), max_size=12),
    dtype_spellings,
    st.integers(-2, 2),
    st.binary(max_size=64),
)
def test_arbitrary_headers(
    ndim: int, shape: list[int], dtype: str | bytes, length_error: int, payload: bytes
) -> None:
    raw = dtype.encode("utf-8", "surrogatepass") if isinstance(dtype, str) else dtype
    fields = [ndim, *shape, max(0, len(raw) + length_error)]
    _decode_or_frame_error(struct.pack(f"<{len(fields)}I", *fields) + raw + payload)


@given(supported_arrays, st.data())
@settings(max_examples=300)
def test_mutated_valid_frames(array: npt.NDArray[Any], data: st.DataObject) -> None:
    frame = bytearray(BinaryFrame.encode(array))
    header_size = len(frame) - array.nbytes
    mutation = data.draw(st.sampled_from(["flip", "truncate", "extend", "field", "dtype"]))
    if mutation == "flip":
        index = data.draw(st.integers(0, len(frame) - 1))
        frame[index] ^= 1 << data.draw(st.integers(0, 7))
    elif mutation == "truncate":
        del frame[data.draw(st.integers(0, len(frame) - 1)) :]
    elif mutation == "extend":
        frame += data.draw(st.binary(min_size=1, max_size=16))
    elif mutation == "field":
        offset = 4 * data.draw(st.integers(0, (header_size - 4) // 4))
        frame[offset : offset + 4] = struct.pack("<I", data.draw(st.integers(0, 2**32 - 1)))
    else:
        start = header_size - len(str(array.dtype.newbyteorder("<")))
        text = data.draw(st.text(max_size=10)).encode("utf-8", "surrogatepass")
        frame[start - 4 : header_size] = struct.pack("<I", len(text)) + text
    _decode_or_frame_error(bytes(frame))
    _decode_or_frame_error(frame, copy=False)
