"""BinaryFrame round trips: every supported dtype, every shape kind, byte orders, copies."""

from __future__ import annotations

import struct
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from juniper_cascor_protocol.worker import SUPPORTED_DTYPE_NAMES, BinaryFrame, BinaryFrameHeader


def _sample(dtype: str, shape: tuple[int, ...]) -> npt.NDArray[Any]:
    """A deterministic array of ``dtype``/``shape`` whose items differ from each other."""
    values = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    if np.dtype(dtype).kind == "c":
        return (values + 1j * (values + 0.5)).astype(dtype)
    if dtype == "bool":
        return np.asarray(values % 2 == 1)
    return (values % 100).astype(dtype)


def _assert_same(decoded: npt.NDArray[Any], original: npt.NDArray[Any]) -> None:
    """Same shape, same logical dtype and byte-identical little-endian items."""
    assert decoded.shape == original.shape
    little = original.dtype.newbyteorder("<")
    assert decoded.dtype.newbyteorder("<") == little
    assert decoded.astype(little).tobytes() == original.astype(little).tobytes()


@pytest.mark.parametrize("dtype", SUPPORTED_DTYPE_NAMES)
@pytest.mark.parametrize("shape", [(), (0,), (0, 3), (3, 0, 2), (5,), (2, 3), (2, 1, 3, 1)])
def test_round_trip_every_dtype_and_shape_kind(dtype: str, shape: tuple[int, ...]) -> None:
    array = _sample(dtype, shape)
    decoded = BinaryFrame.decode(BinaryFrame.encode(array))
    _assert_same(decoded, array)
    assert str(decoded.dtype) == dtype


@pytest.mark.parametrize("ndim", range(1, 11))
def test_round_trip_one_to_ten_dimensions(ndim: int) -> None:
    shape = tuple(2 if axis < 3 else 1 for axis in range(ndim))
    array = _sample("float64", shape)
    _assert_same(BinaryFrame.decode(BinaryFrame.encode(array)), array)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda a: a[::2, 1:], id="slice"),
        pytest.param(lambda a: a.T, id="transpose"),
        pytest.param(lambda a: np.asfortranarray(a), id="fortran"),
        pytest.param(lambda a: a[:, ::-1], id="reversed"),
        pytest.param(lambda a: a[1:3, 2], id="column"),
    ],
)
def test_round_trip_non_contiguous_input(make: Any) -> None:
    array = make(_sample("int32", (6, 5)))
    assert not array.flags.c_contiguous
    decoded = BinaryFrame.decode(BinaryFrame.encode(array))
    assert np.array_equal(decoded, array)
    assert decoded.flags.c_contiguous


@pytest.mark.parametrize("dtype", ["int16", "uint32", "float32", "float64", "complex128"])
def test_big_endian_input_is_written_little_endian(dtype: str) -> None:
    array = _sample(dtype, (3, 2)).astype(np.dtype(dtype).newbyteorder(">"))
    frame = BinaryFrame.encode(array)
    header, offset = BinaryFrameHeader.parse(memoryview(frame))
    assert str(header.dtype) == dtype
    assert frame[offset:] == array.astype(np.dtype(dtype).newbyteorder("<")).tobytes()
    decoded = BinaryFrame.decode(frame)
    assert np.array_equal(decoded, array)
    assert decoded.dtype.isnative


def test_layout_is_exactly_the_documented_one() -> None:
    array = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    expected = struct.pack("<III", 2, 1, 3) + struct.pack("<I", 7) + b"float32"
    assert BinaryFrame.encode(array) == expected + struct.pack("<3f", 1.0, 2.0, 3.0)


def test_zero_d_array_holds_one_item() -> None:
    frame = BinaryFrame.encode(np.array(7, dtype=np.int64))
    assert frame == struct.pack("<II", 0, 5) + b"int64" + struct.pack("<q", 7)
    decoded = BinaryFrame.decode(frame)
    assert decoded.shape == ()
    assert decoded == 7


@pytest.mark.parametrize("spelling", [">f4", "<f4", "f4", "=f4", "single"])
def test_decode_accepts_other_spellings_and_byte_orders(spelling: str) -> None:
    dtype = np.dtype(spelling)
    values = np.array([1.5, -2.25, 2.0**100], dtype=dtype)
    text = spelling.encode()
    frame = struct.pack("<III", 1, 3, len(text)) + text + values.tobytes()
    for copy in (True, False):
        decoded = BinaryFrame.decode(frame, copy=copy)
        assert decoded.tolist() == [1.5, -2.25, 2.0**100]


def test_big_endian_frame_decodes_to_native_copy_or_big_endian_view() -> None:
    values = np.array([1, 256, -3], dtype=">i4")
    frame = struct.pack("<III", 1, 3, 3) + b">i4" + values.tobytes()
    owned = BinaryFrame.decode(frame)
    assert owned.dtype.isnative
    assert owned.tolist() == [1, 256, -3]
    view = BinaryFrame.decode(frame, copy=False)
    assert view.dtype == np.dtype(">i4")
    assert view.tolist() == [1, 256, -3]


def test_encode_parts_shares_a_contiguous_little_endian_array() -> None:
    array = _sample("float32", (4, 4))
    header, payload = BinaryFrame.encode_parts(array)
    assert np.shares_memory(np.frombuffer(payload, dtype=np.uint8), array)
    assert header + bytes(payload) == BinaryFrame.encode(array)
    assert payload.nbytes == array.nbytes


def test_encode_parts_converts_other_layouts() -> None:
    array = _sample("float32", (4, 4)).T
    header, payload = BinaryFrame.encode_parts(array)
    assert header == BinaryFrame.encode(array)[: len(header)]
    assert not np.shares_memory(np.frombuffer(payload, dtype=np.uint8), array)
    assert bytes(payload) == np.ascontiguousarray(array).tobytes()


@pytest.mark.parametrize("container", [bytes, bytearray, memoryview])
def test_copy_true_returns_an_owned_writeable_array(container: Any) -> None:
    array = _sample("float64", (3, 3))
    data = container(BinaryFrame.encode(array))
    decoded = BinaryFrame.decode(data)
    assert decoded.flags.writeable
    assert decoded.flags.owndata
    assert not np.shares_memory(decoded, np.frombuffer(data, dtype=np.uint8))
    decoded[0, 0] = -1.0
    assert np.array_equal(BinaryFrame.decode(data), array)


@pytest.mark.parametrize("container", [bytes, bytearray, memoryview])
def test_copy_false_is_a_read_only_view_of_the_input(container: Any) -> None:
    array = _sample("int16", (5, 2))
    data = container(BinaryFrame.encode(array))
    decoded = BinaryFrame.decode(data, copy=False)
    assert np.array_equal(decoded, array)
    assert not decoded.flags.writeable
    assert np.shares_memory(decoded, np.frombuffer(data, dtype=np.uint8))
    with pytest.raises(ValueError, match="read-only"):
        decoded[0, 0] = 1


def test_copy_false_view_follows_a_mutable_buffer() -> None:
    data = bytearray(BinaryFrame.encode(np.zeros(2, dtype=np.uint8)))
    view = BinaryFrame.decode(data, copy=False)
    data[-1] = 9
    assert view.tolist() == [0, 9]


def test_decode_accepts_a_buffer_of_another_item_format() -> None:
    frame = BinaryFrame.encode(np.arange(3, dtype=np.int32))
    padded = frame + b"\x00" * (-len(frame) % 4)
    words = np.frombuffer(padded, dtype=np.uint32)
    trimmed = words.data.cast("B")[: len(frame)]
    assert BinaryFrame.decode(trimmed).tolist() == [0, 1, 2]
    assert BinaryFrame.decode(np.frombuffer(frame, dtype=np.int8).data).tolist() == [0, 1, 2]
