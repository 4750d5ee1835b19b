"""Package data: the exercise catalogue, warning signs and the sources they cite."""
