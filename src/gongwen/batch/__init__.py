"""An activity folder and its phases, made one phase at a time.

* :mod:`.activity` — ``activity.yaml``: phases, shared values, roster, tallies;
* :mod:`.checks` — the checks across documents made before anything renders;
* :mod:`.phase` — :func:`plan_phase` and :func:`run_phase`, the entry points;
* :mod:`.run`, :mod:`.render`, :mod:`.pdfs`, :mod:`.steps` — the run's stages
  (render in worker processes, convert, bundle), :mod:`.isolate` keeps a bad member
  to its own documents, :mod:`.manifest` decides what a re-run redoes;
* :mod:`.result`, :mod:`.progress` — what the run reports; :mod:`.scaffold` — ``init``.
"""

from __future__ import annotations

from .activity import Activity, Phase, load_activity
from .phase import PhasePlan, PlannedDocument, check_phase, plan_phase, run_phase
from .result import BatchResult, DocumentOutcome, Failure

__all__ = [
    "Activity",
    "BatchResult",
    "DocumentOutcome",
    "Failure",
    "Phase",
    "PhasePlan",
    "PlannedDocument",
    "check_phase",
    "load_activity",
    "plan_phase",
    "run_phase",
]
