"""How many connections a process holds to an X server, as the server itself counts them.

Asked through the X-Resource extension (XResQueryClientIds, local client PIDs) from a python
of its own, so the count does not depend on what the asking test process set up in
python-xlib (xconn.limit_extensions leaves X-Resource out) and does not include the asker.
"""

from __future__ import annotations

import subprocess
import sys

_COUNT = """
import sys
from Xlib import display
from Xlib.ext import res
conn = display.Display(sys.argv[1])
ids = conn.res_query_client_ids([{"client": 0, "mask": res.LocalClientPIDMask}]).ids
print(sum(1 for i in ids if list(i.value) == [int(sys.argv[2])]))
conn.close()
"""


def x_connections_of(display: str, pid: int) -> int:
    """The number of clients of the X server on `display` whose local PID is `pid`."""
    out = subprocess.run(
        [sys.executable, "-c", _COUNT, display, str(pid)],
        capture_output=True, text=True, check=True, timeout=20,
    )  # fmt: skip
    return int(out.stdout)
