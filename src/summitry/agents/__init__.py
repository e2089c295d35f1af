"""summitry.agents: the built-in negotiators, their registry, mediation voters and the conformance checker.

Write your own agent by subclassing :class:`Negotiator` and overriding ``propose`` /
``respond`` (see docs/writing-agents.md); look built-ins up with :func:`make_negotiator`.
"""

from __future__ import annotations

from .base import AgentSpec, Negotiator
from .bayesian import BayesianModel, BayesianNegotiator
from .checks import check_negotiator
from .hardheaded import FrequencyModel, HardHeaded
from .hardliner import Hardliner
from .micro import MiCRO
from .opponent_model import ModelledNegotiator, OpponentModel
from .random_agent import RandomNegotiator
from .registry import (
    DEFAULT_VOTER,
    REGISTRY,
    agent_names,
    agent_spec,
    make_negotiator,
    negotiator_from_text,
    parse_agent,
    register,
    sao_agent_names,
)
from .resolution import AgentFactory, register_prefix, resolve_agent
from .time_based import Boulware, Conceder, LinearConcession, TimeBased, concession_target
from .tit_for_tat import NaiveTitForTat, RelativeTitForTat
from .voting import AnnealingVoter, GreedyVoter

__all__ = [
    "DEFAULT_VOTER",
    "REGISTRY",
    "AgentFactory",
    "AgentSpec",
    "AnnealingVoter",
    "BayesianModel",
    "BayesianNegotiator",
    "Boulware",
    "Conceder",
    "FrequencyModel",
    "GreedyVoter",
    "HardHeaded",
    "Hardliner",
    "LinearConcession",
    "MiCRO",
    "ModelledNegotiator",
    "NaiveTitForTat",
    "Negotiator",
    "OpponentModel",
    "RandomNegotiator",
    "RelativeTitForTat",
    "TimeBased",
    "agent_names",
    "agent_spec",
    "check_negotiator",
    "concession_target",
    "make_negotiator",
    "negotiator_from_text",
    "parse_agent",
    "register",
    "register_prefix",
    "resolve_agent",
    "sao_agent_names",
]
