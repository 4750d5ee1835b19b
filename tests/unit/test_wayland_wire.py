"""The pure parts of the Wayland client and idle source: the wire format, the socket's place,
the idle estimate and each protocol's argument order, with plain bytes and numbers."""

from __future__ import annotations

import struct
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.desktop.idle.wayland import (
    EXT_IDLE_NOTIFY,
    KWIN_IDLE,
    idle_estimate,
    notification_args,
)
from posture_guard.desktop.wayland import (
    Args,
    Message,
    WaylandError,
    message,
    parse_error,
    socket_path,
    split_messages,
    string,
    uint,
)

ENDIAN = "<" if sys.byteorder == "little" else ">"


def words(*values: int) -> bytes:
    return struct.pack(f"{ENDIAN}{len(values)}I", *values)


def test_a_request_is_header_then_arguments_in_host_order() -> None:
    # wl_display.get_registry(new_id 2): object 1, size 12 << 16 | opcode 1, then the id
    assert message(1, 1, uint(2)) == words(1, 12 << 16 | 1, 2)


def test_a_string_counts_its_nul_and_pads_to_four_bytes() -> None:
    assert string("wl_seat") == words(8) + b"wl_seat\0"
    assert string("abc") == words(4) + b"abc\0"
    assert string("abcd") == words(5) + b"abcd\0\0\0\0"


def test_a_bind_request_carries_interface_version_and_id() -> None:
    # wl_registry.bind(name 7, "org_kde_kwin_idle", version 1, new id 4), as wayland-info sends
    raw = message(2, 0, uint(7), string("org_kde_kwin_idle"), uint(1), uint(4))
    assert len(raw) == 8 + 4 + 4 + 20 + 4 + 4
    ((got,), rest) = split_messages(raw)
    assert rest == b""
    args = Args(got.payload)
    assert (args.uint(), args.string(), args.uint(), args.uint()) == (7, "org_kde_kwin_idle", 1, 4)


def test_split_messages_keeps_a_partial_message_for_later() -> None:
    first = message(5, 0)
    second = message(6, 1, uint(3000))
    found, rest = split_messages(first + second[:7])
    assert found == [Message(5, 0, b"")]
    assert rest == second[:7]
    found, rest = split_messages(rest + second[7:])
    assert found == [Message(6, 1, uint(3000))]
    assert rest == b""


def test_a_corrupt_size_is_refused_not_looped_on() -> None:
    with pytest.raises(WaylandError, match=r"^corrupt message from the compositor \(size 4\)$"):
        split_messages(words(3, 4 << 16))


def test_args_refuse_a_payload_cut_short() -> None:
    with pytest.raises(WaylandError, match="cut short"):
        Args(words(9) + b"abc").string()
    with pytest.raises(WaylandError, match="cut short"):
        Args(b"\0\0").uint()


def test_a_string_with_a_nul_is_refused_before_it_is_sent() -> None:
    """The other side reads a string up to its first NUL: one inside would cut it short."""
    with pytest.raises(ValueError, match=r"^a Wayland string cannot hold a NUL character"):
        string("wl_\0seat")


def test_only_the_terminating_nul_is_taken_off_a_received_string() -> None:
    """A string's length counts its terminating NUL; the text before it is kept whole."""
    assert Args(uint(4) + b"ab\0\0").string() == "ab\0"
    assert Args(uint(0)).string() == ""  # a null string


#: Text a Wayland string can carry: UTF-8 (no lone surrogates) without a NUL.
_NO_NUL = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=40
)


@given(st.lists(st.tuples(st.integers(2, 2**32 - 1), st.integers(0, 0xFFFF), _NO_NUL)))
def test_messages_survive_the_round_trip_split_anywhere(
    sent: list[tuple[int, int, str]],
) -> None:
    stream = b"".join(message(obj, op, string(text)) for obj, op, text in sent)
    received: list[Message] = []
    rest = b""
    for at in range(0, len(stream), 5):  # arrives 5 bytes at a time
        found, rest = split_messages(rest + stream[at : at + 5])
        received += found
    assert rest == b""
    assert [(m.object_id, m.opcode, Args(m.payload).string()) for m in received] == sent


def test_a_protocol_error_reads_as_a_sentence() -> None:
    payload = uint(3) + uint(1) + string("invalid seat")
    assert parse_error(payload) == "protocol error 1 on object 3: invalid seat"


@pytest.mark.parametrize(
    ("env", "path"),
    [
        ({"XDG_RUNTIME_DIR": "/run/user/1000", "WAYLAND_DISPLAY": "wayland-1"}, "/run/user/1000/wayland-1"),
        ({"XDG_RUNTIME_DIR": "/run/user/1000"}, "/run/user/1000/wayland-0"),
        ({"WAYLAND_DISPLAY": "/tmp/w/socket"}, "/tmp/w/socket"),
    ],
)  # fmt: skip
def test_the_socket_is_found_as_libwayland_finds_it(env: dict[str, str], path: str) -> None:
    assert socket_path(env) == path


def test_no_runtime_dir_is_said() -> None:
    with pytest.raises(WaylandError, match=r"^XDG_RUNTIME_DIR is not set"):
        socket_path({"WAYLAND_DISPLAY": "wayland-0"})


def test_idle_is_zero_until_idled_then_the_timeout_plus_the_time_since() -> None:
    assert idle_estimate(None, now=100.0, timeout_s=5.0) == 0.0
    assert idle_estimate(90.0, now=90.0, timeout_s=5.0) == 5.0
    assert idle_estimate(90.0, now=100.5, timeout_s=5.0) == 15.5
    assert idle_estimate(90.0, now=89.0, timeout_s=5.0) == 5.0  # never below the timeout


def test_each_protocol_has_its_own_argument_order() -> None:
    # ext_idle_notifier_v1.get_idle_notification(id, timeout, seat)
    assert notification_args(EXT_IDLE_NOTIFY, 9, 3, 5.0) == words(9, 5000, 3)
    # org_kde_kwin_idle.get_idle_timeout(id, seat, timeout)
    assert notification_args(KWIN_IDLE, 9, 3, 5.0) == words(9, 3, 5000)
    assert (EXT_IDLE_NOTIFY.request, KWIN_IDLE.request) == (1, 0)
    assert notification_args(KWIN_IDLE, 9, 3, 0.0) == words(9, 3, 1)  # at least 1 ms
