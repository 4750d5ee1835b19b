"""Posture Guard: a break-and-posture companion for people at screens."""

__version__ = "0.1.0"
