"""The OS and GUI shell: every adapter that touches the desktop. Platform branches live here."""
