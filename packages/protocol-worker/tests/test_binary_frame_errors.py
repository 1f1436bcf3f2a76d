"""BinaryFrame rejections: each decode check in contract order with its message, and encode."""

from __future__ import annotations

import re
import struct
from typing import Any

import numpy as np
import pytest

from juniper_cascor_protocol.worker import BinaryFrame, BinaryFrameError, BinaryFrameHeader


def _u32(*values: int) -> bytes:
    return struct.pack(f"<{len(values)}I", *values)


def _frame(shape: tuple[int, ...], dtype: bytes, payload: bytes = b"") -> bytes:
    return _u32(len(shape), *shape, len(dtype)) + dtype + payload


def _decode_error(data: Any, **kwargs: Any) -> str:
    with pytest.raises(BinaryFrameError) as caught:
        BinaryFrame.decode(data, **kwargs)
    assert isinstance(caught.value, ValueError)
    return str(caught.value)


UNSUPPORTED = (
    "is not supported: only bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64"
)

# (frame, max_size, exact message), one per check, in the contract's order. Each frame is
# built so that it would also fail every later check, proving the earlier one runs first.
CHECKS = [
    pytest.param(
        b"\x0b\x00\x00",
        2,
        "Binary frame exceeds maximum size (3 > 2): the limit is 2 bytes",
        id="1-over-size-limit",
    ),
    pytest.param(
        b"\x01\x00",
        None,
        "Binary frame too short for shape header: 2 bytes, the ndim field needs 4",
        id="2-shorter-than-4-bytes",
    ),
    pytest.param(
        _u32(11),
        None,
        "Unreasonable number of dimensions: 11, over the maximum of 10",
        id="3-ndim-over-10",
    ),
    pytest.param(
        _u32(3, 5),
        None,
        "Binary frame too short for shape values: 8 bytes, a shape of 3 dimensions needs 16",
        id="4-short-for-shape",
    ),
    pytest.param(
        _u32(1, 5) + b"\x07\x00",
        None,
        "Binary frame too short for dtype header: 10 bytes, the dtype length needs 12",
        id="5-short-for-dtype-length",
    ),
    pytest.param(
        _u32(1, 5, 65) + b"float32",
        None,
        "Unreasonable dtype string length: 65 bytes, over the maximum of 64",
        id="6-dtype-length-over-64",
    ),
    pytest.param(
        _u32(1, 5, 7) + b"flo",
        None,
        "Binary frame too short for dtype string: 15 bytes, the 7-byte dtype string needs 19",
        id="7-short-for-dtype-string",
    ),
    pytest.param(
        _frame((5,), b"\xfffloat"),
        None,
        "Binary frame dtype string is not valid UTF-8: b'\\xfffloat'",
        id="8-dtype-not-utf8",
    ),
    pytest.param(
        _frame((5,), b"float33"),
        None,
        "Invalid dtype string: 'float33' is not a numpy dtype",
        id="9-dtype-not-numpy",
    ),
    pytest.param(
        _frame((2,), b"float32", b"\x00" * 4),
        None,
        "Data size mismatch: expected 8 bytes, got 4 (2 items of 4 bytes for shape (2,) and "
        "dtype float32)",
        id="10-payload-length",
    ),
]


@pytest.mark.parametrize(("frame", "max_size", "message"), CHECKS)
def test_each_decode_check_in_order_with_its_message(
    frame: bytes, max_size: int | None, message: str
) -> None:
    kwargs = {} if max_size is None else {"max_size": max_size}
    assert _decode_error(frame, **kwargs) == message


# What juniper-cascor-protocol 0.2 raised for the same frames: code matching those messages
# keeps working, as each message starts with them.
UPSTREAM_WORDING = [
    pytest.param(b"\x0b\x00\x00", 2, "Binary frame exceeds maximum size (3 > 2)", id="size"),
    pytest.param(b"\x01\x00", None, "Binary frame too short for shape header", id="header"),
    pytest.param(_u32(11), None, "Unreasonable number of dimensions: 11", id="ndim"),
    pytest.param(_u32(3, 5), None, "Binary frame too short for shape values", id="shape"),
    pytest.param(
        _u32(1, 5) + b"\x07\x00", None, "Binary frame too short for dtype header", id="dtype-len"
    ),
    pytest.param(
        _u32(1, 5, 65) + b"float32", None, "Unreasonable dtype string length: 65", id="dtype-max"
    ),
    pytest.param(
        _u32(1, 5, 7) + b"flo", None, "Binary frame too short for dtype string", id="dtype-short"
    ),
    pytest.param(
        _frame((5,), b"\xfffloat"),
        None,
        "Binary frame dtype string is not valid UTF-8",
        id="dtype-utf8",
    ),
    pytest.param(_frame((5,), b"float33"), None, "Invalid dtype string: 'float33'", id="dtype"),
    pytest.param(
        _frame((2,), b"float32", b"\x00" * 4),
        None,
        "Data size mismatch: expected 8 bytes, got 4",
        id="payload",
    ),
]


@pytest.mark.parametrize(("frame", "max_size", "upstream"), UPSTREAM_WORDING)
def test_each_message_starts_with_the_upstream_wording(
    frame: bytes, max_size: int | None, upstream: str
) -> None:
    kwargs = {} if max_size is None else {"max_size": max_size}
    message = _decode_error(frame, **kwargs)
    assert message.startswith(upstream)
    assert len(message) > len(upstream)  # followed by our detail


def test_default_size_limit_is_100_mib() -> None:
    limit = 100 * 1024 * 1024
    message = _decode_error(memoryview(bytearray(limit + 1)))
    assert message == (
        f"Binary frame exceeds maximum size ({limit + 1} > {limit}): the limit is {limit} bytes"
    )


def test_size_limit_is_checked_on_bytes_not_items() -> None:
    words = np.zeros(4, dtype=np.uint64).data
    assert _decode_error(words, max_size=31) == (
        "Binary frame exceeds maximum size (32 > 31): the limit is 31 bytes"
    )


def test_zero_d_array_needs_one_item() -> None:
    message = _decode_error(_frame((), b"float64"))
    assert (
        message
        == "Data size mismatch: expected 8 bytes, got 0 (1 items of 8 bytes for shape () and "
        "dtype float64)"
    )


def test_trailing_bytes_are_refused() -> None:
    message = _decode_error(_frame((1,), b"uint8", b"\x01\x02"))
    assert message.startswith("Data size mismatch: expected 1 bytes, got 2 ")


@pytest.mark.parametrize(
    "spelling",
    [
        "object",
        "O",
        "<U4",
        "str",
        "S8",
        "bytes",
        "V8",
        "f4,f4",
        "(2,)f4",
        "datetime64[ns]",
        "m8",
        "float128",
        "complex256",
        "a",
    ],
)
def test_non_numeric_dtypes_are_refused_on_decode(spelling: str) -> None:
    message = _decode_error(_frame((1,), spelling.encode(), b"\x00" * 16))
    refused = (
        f"Invalid dtype string: dtype {spelling!r} {UNSUPPORTED}, float16, float32, float64, "
        "complex64, complex128 (either byte order) are carried"
    )
    unknown = f"Invalid dtype string: {spelling!r} is not a numpy dtype"  # numpy 2.5 dropped "a"
    assert message in (refused, unknown)


def test_empty_dtype_string_is_not_a_numpy_dtype() -> None:
    assert _decode_error(_frame((1,), b"", b"\x00")) == (
        "Invalid dtype string: '' is not a numpy dtype"
    )


@pytest.mark.parametrize(
    "spelling", ["f4\x00", "i4 ", "(-1,)f4", "(1e400,)f4", " e,]+,", "[('a','f4')]"]
)
def test_numpy_parser_failures_of_every_kind_are_translated(spelling: str) -> None:
    message = _decode_error(_frame((1,), spelling.encode(), b"\x00" * 4))
    assert message == f"Invalid dtype string: {spelling!r} is not a numpy dtype"


def test_shape_beyond_what_numpy_can_index_is_refused_before_allocation() -> None:
    message = _decode_error(_frame((0, 2**31, 2**30), b"float32"))
    assert message == (
        "shape (0, 2147483648, 1073741824) of float32 spans 9223372036854775808 bytes, "
        "more than the 9223372036854775807 bytes an array can index"
    )


def test_empty_shape_just_inside_numpy_limits_decodes() -> None:
    decoded = BinaryFrame.decode(_frame((0, 2**31 - 1, 2**30), b"float32"))
    assert decoded.shape == (0, 2**31 - 1, 2**30)


def test_huge_declared_shape_with_short_payload_is_a_length_error() -> None:
    message = _decode_error(_frame((2**31, 2**31), b"uint8", b"\x00"))
    assert message.startswith(f"Data size mismatch: expected {2**62} bytes, got 1 ")


def test_shape_overflowing_numpy_is_refused_even_with_a_payload() -> None:
    message = _decode_error(_frame((2**32 - 1, 2**32 - 1), b"uint8", b"\x00"))
    assert message.startswith("shape (4294967295, 4294967295) of uint8 spans ")


@pytest.mark.parametrize("data", ["text", None, 5, [1, 2], object()])
def test_non_buffers_are_refused(data: Any) -> None:
    message = _decode_error(data)
    assert message == f"expected bytes, bytearray or memoryview, got {type(data).__name__}"


def _released_view() -> memoryview:
    view = memoryview(b"\x00" * 8)
    view.release()
    return view


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_released_view(), id="released-memoryview"),
        pytest.param(np.zeros(2, dtype="datetime64[s]"), id="array-without-buffer-format"),
    ],
)
def test_objects_whose_buffer_cannot_be_read_are_refused(data: Any) -> None:
    assert _decode_error(data).startswith("cannot read a ")


def test_non_contiguous_buffer_is_refused() -> None:
    strided = np.zeros(32, dtype=np.uint8)[::2].data
    assert _decode_error(strided) == "binary frame buffer is not contiguous"


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.array(["a"]), "dtype '<U1' " + UNSUPPORTED),
        (np.array([object()]), "dtype 'object' " + UNSUPPORTED),
        (np.array([b"x"]), "dtype '|S1' " + UNSUPPORTED),
        (np.zeros(2, dtype="f4,f4"), "dtype \"[('f0', '<f4'), ('f1', '<f4')]\" " + UNSUPPORTED),
        (np.zeros(2, dtype="datetime64[s]"), "dtype 'datetime64[s]' " + UNSUPPORTED),
        (np.zeros(2, dtype="timedelta64[s]"), "dtype 'timedelta64[s]' " + UNSUPPORTED),
        (np.zeros(2, dtype=np.longdouble), "dtype 'float128' " + UNSUPPORTED),
        (np.zeros((1,) * 11), "Unreasonable number of dimensions: 11, over the maximum of 10"),
        ([1.0, 2.0], "expected a numpy array, got list"),
    ],
)
def test_encode_refuses_what_the_wire_cannot_carry(array: Any, message: str) -> None:
    with pytest.raises(BinaryFrameError, match=re.escape(message)):
        BinaryFrame.encode(array)


def test_encode_refuses_a_dimension_over_32_bits() -> None:
    huge = np.lib.stride_tricks.as_strided(
        np.zeros(1, dtype=np.uint8), shape=(2**32,), strides=(0,)
    )
    with pytest.raises(BinaryFrameError, match=r"has a dimension outside 0\.\.4294967295"):
        BinaryFrame.encode_parts(huge)


def test_header_refuses_bad_fields_when_built_by_hand() -> None:
    with pytest.raises(BinaryFrameError, match="Unreasonable number of dimensions: 11"):
        BinaryFrameHeader((1,) * 11, np.dtype("f4"))
    with pytest.raises(BinaryFrameError, match="has a dimension outside"):
        BinaryFrameHeader((-1,), np.dtype("f4"))
    with pytest.raises(BinaryFrameError, match="is not supported"):
        BinaryFrameHeader((1,), np.dtype("U3"))
