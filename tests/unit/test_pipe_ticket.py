"""The Windows control channel's choices, checked where Windows cannot run: which transport each
OS gets, the pipe's random name and key, and the ticket file that names them (desktop/pipes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from posture_guard.core.errors import ControlError
from posture_guard.desktop.ipc import UnixSocketChannel, select_channel
from posture_guard.desktop.pipes import (
    PIPE_PREFIX,
    PipeChannel,
    Ticket,
    format_ticket,
    new_ticket,
    parse_ticket,
)

TICKET = Path("C:/Users/ana/AppData/Local/Temp/posture-guard/control.ticket")
KEY = "ab" * 32


def test_windows_gets_the_named_pipe_and_unix_the_socket() -> None:
    """ipc.py Rule 1: the choice per OS; nothing else picks a transport."""
    windows = select_channel(TICKET, platform="win32")
    assert isinstance(windows, PipeChannel)
    assert (windows.family, windows.path) == ("AF_PIPE", TICKET)
    for platform in ("linux", "darwin", "freebsd14"):
        assert isinstance(select_channel(Path("/run/x/control.sock"), platform), UnixSocketChannel)


def test_a_pipe_name_and_key_are_random_and_secret() -> None:
    """pipes.py Rule 1: a fresh name (128 random bits) and a 32-byte key at each start; the
    key never shows in a repr (logs, tracebacks)."""
    first, second = new_ticket("AF_PIPE", TICKET), new_ticket("AF_PIPE", TICKET)
    for ticket in (first, second):
        assert ticket.address.startswith("\\\\.\\pipe\\posture-guard-")
        suffix = ticket.address.removeprefix(PIPE_PREFIX)
        assert len(suffix) == 32
        assert int(suffix, 16) >= 0
        assert len(ticket.authkey) == 32
        assert ticket.authkey.hex() not in repr(ticket)
    assert first.address != second.address
    assert first.authkey != second.authkey


def test_the_unix_stand_in_listens_beside_its_ticket() -> None:
    ticket = new_ticket("AF_UNIX", Path("/run/u/posture-guard/control.ticket"))
    assert ticket.address == "/run/u/posture-guard/control.ticket.sock"


@pytest.mark.parametrize("family", ["AF_PIPE", "AF_UNIX"])
def test_a_ticket_reads_back_as_written(family: str) -> None:
    where = TICKET if family == "AF_PIPE" else Path("/run/u/posture-guard/control.ticket")
    ticket = new_ticket("AF_PIPE" if family == "AF_PIPE" else "AF_UNIX", where)
    assert parse_ticket(format_ticket(ticket), TICKET) == ticket


def test_the_ticket_file_is_three_plain_lines() -> None:
    ticket = Ticket("AF_PIPE", PIPE_PREFIX + "0" * 32, bytes.fromhex(KEY))
    assert format_ticket(ticket) == (
        f"family AF_PIPE\naddress \\\\.\\pipe\\posture-guard-{'0' * 32}\nauthkey {KEY}\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            f"family AF_PIPE\naddress {PIPE_PREFIX}1\nauthkey {KEY}\nport 5\n",
            'line 4: expected "family", "address" or "authkey", got \'port\'',
        ),
        (
            f"family AF_PIPE\nauthkey {KEY}\n",
            '"address" is missing; expected the lines "family", "address" and "authkey"',
        ),
        (
            f"family AF_INET\naddress {PIPE_PREFIX}1\nauthkey {KEY}\n",
            "\"family\": expected AF_PIPE or AF_UNIX, got 'AF_INET'",
        ),
        (
            f"family AF_PIPE\naddress \\\\.\\pipe\\other\nauthkey {KEY}\n",
            '"address": expected a pipe name starting with \\\\.\\pipe\\posture-guard-,'
            " got '\\\\\\\\.\\\\pipe\\\\other'",
        ),
        (
            f"family AF_UNIX\naddress run/control.sock\nauthkey {KEY}\n",
            "\"address\": expected an absolute path, got 'run/control.sock'",
        ),
        (
            f"family AF_PIPE\naddress {PIPE_PREFIX}1\nauthkey {KEY[:-2]}zz\n",
            f"\"authkey\": expected 64 hexadecimal digits, got '{KEY[:-2]}zz'",
        ),
        (
            f"family AF_PIPE\naddress {PIPE_PREFIX}1\nauthkey abcd\n",
            "\"authkey\": expected 64 hexadecimal digits, got 'abcd'",
        ),
    ],
    ids=["unknown-key", "missing", "family", "pipe-name", "relative", "not-hex", "short"],
)
def test_a_bad_ticket_is_one_line_naming_file_key_expected_and_got(text: str, message: str) -> None:
    with pytest.raises(ControlError) as caught:
        parse_ticket(text, TICKET)
    assert str(caught.value) == f"{TICKET}: {message}"
    assert "\n" not in str(caught.value)
