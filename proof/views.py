"""Pages and downloads of the proof feature (learning time, certificat de réalisation,
attestation de fin de formation, evidence pack)."""

from __future__ import annotations

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

from proof import models as _models  # noqa: F401  (registers the table)
from proof.durations import init_durations
from proof.recording import init_recording

bp = Blueprint("proof", __name__)


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    init_recording(state.app)
    init_durations(state.app)
