"""syncsvc: keep PTG action items as tracked commitments and follow them upstream."""

__version__ = "0.1.0"
