"""Rendering for people and machines, one module per format.

``text``: inert rich text (every remote string goes through it); ``tables``
and ``detail``: rich tables; ``lines``: plain lines (reports, IRC, to-dos);
``markdown``: Markdown; ``as_json``: the documented JSON shapes.
"""
