"""summitry.tournament: agents × scenarios × role orders × repetitions, run anywhere, stored, scored.

A tournament spec (:func:`load_tournament_spec`) names the agents and scenarios; its
negotiations (:func:`plan_negotiations`) each have a seed derived from the spec's seed and their
coordinates; :func:`run_tournament` runs those not yet stored on a backend (this process, local
processes, a Dask cluster) and stores each result as it finishes; :func:`score` ranks the agents.
"""

from __future__ import annotations

from .backends import Backend, DaskBackend, InProcessBackend, LocalBackend, make_backend
from .plan import NegotiationTask, count_negotiations, derive_seed, plan_negotiations
from .results import ResultStore
from .runner import RunSettings, run_chunk, run_negotiation
from .running import RunSummary, TournamentResults, open_results, run_tournament
from .spec import TournamentSpec, load_tournament_spec, parse_tournament_spec

__all__ = [
    "Backend",
    "DaskBackend",
    "InProcessBackend",
    "LocalBackend",
    "NegotiationTask",
    "ResultStore",
    "RunSettings",
    "RunSummary",
    "TournamentResults",
    "TournamentSpec",
    "count_negotiations",
    "derive_seed",
    "load_tournament_spec",
    "make_backend",
    "open_results",
    "parse_tournament_spec",
    "plan_negotiations",
    "run_chunk",
    "run_negotiation",
    "run_tournament",
]
