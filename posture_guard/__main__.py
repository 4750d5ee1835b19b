"""`python -m posture_guard` runs the command-line front end."""

from __future__ import annotations

import sys

from posture_guard.cli import main

sys.exit(main())
