"""Pictures drawn by code: the exercise illustrations (exercises.py) and their drawing kit (pose.py)."""
