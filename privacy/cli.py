"""`flask data …`: the commands of the data-protection features (issue 21).

The ``data`` group lives here; each feature adds its commands to it (``retention`` below;
erasure adds its own with ``@data_cli.command``).
"""

from __future__ import annotations

from flask.cli import AppGroup

data_cli = AppGroup("data", help="Personal data: retention periods, erasure.")
