"""NegMAS interoperability: NegMAS negotiators in summitry, summitry agents in NegMAS.

Needs the optional extra (``pip install 'summitry[negmas]'``); importing this module without
NegMAS raises :class:`~summitry.errors.MissingExtraError` saying so. Nothing else in summitry
imports NegMAS.

- :func:`from_negmas` wraps a NegMAS SAO negotiator class as a summitry negotiator. Its
  NegMAS utility function is built from summitry's tables (GENIUS-normalised values), and it
  sees NegMAS's own ``nmi``, ``state.step`` and ``relative_time``: a summitry round of n
  parties is n NegMAS steps of a mechanism with ``one_offer_per_step=True``.
- :func:`to_negmas` exposes a summitry agent as a NegMAS ``SAONegotiator``
  (:class:`SummitryNegotiator`), for ``SAOMechanism`` and ``cartesian_tournament``.
- Anywhere summitry takes an agent name, ``negmas:package.module:Class`` (optionally followed
  by ``:param=value`` pairs, as for built-in agents) names a NegMAS negotiator; it is reported
  under that spec.
"""

from __future__ import annotations

from summitry.interop._negmas_import import INSTALL_HINT, require_negmas

require_negmas()

from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402  # reason: NegMAS must be checked before the adapters import it

from summitry.agents import parse_agent  # noqa: E402
from summitry.agents.resolution import AgentFactory, register_prefix  # noqa: E402
from summitry.errors import AgentParameterError  # noqa: E402

from ._from_negmas import NegmasNegotiator, is_negmas_negotiator_class, load_negmas_class  # noqa: E402
from ._negmas_model import (  # noqa: E402
    OutcomeCodec,
    negmas_outcome_space,
    negmas_utility,
    summitry_space,
    summitry_utility,
)
from ._to_negmas import AgentSource, SummitryNegotiator  # noqa: E402

__all__ = [
    "INSTALL_HINT",
    "PREFIX",
    "AgentSource",
    "NegmasNegotiator",
    "OutcomeCodec",
    "SummitryNegotiator",
    "agent_factory",
    "from_negmas",
    "negmas_outcome_space",
    "negmas_scenario",
    "negmas_utility",
    "negotiator_from_spec",
    "summitry_space",
    "summitry_utility",
    "to_negmas",
]

PREFIX = "negmas"
"""Agent names starting ``negmas:`` name a NegMAS negotiator class."""


def from_negmas(cls_or_path: type | str, *, name: str | None = None, **params: Any) -> NegmasNegotiator:
    """Return a summitry negotiator played by NegMAS negotiator ``cls_or_path(**params)``.

    ``cls_or_path`` is an ``SAONegotiator`` subclass or its import path
    (``"negmas.sao:BoulwareTBNegotiator"`` or ``"negmas.sao.BoulwareTBNegotiator"``). A fresh
    NegMAS negotiator is made at the start of each negotiation.

    Raises:
        AgentParameterError: the class cannot be found or is not a NegMAS SAO negotiator.
    """
    negotiator_class = load_negmas_class(cls_or_path) if isinstance(cls_or_path, str) else cls_or_path
    if not is_negmas_negotiator_class(negotiator_class):
        raise AgentParameterError(
            f"from_negmas: expected a NegMAS SAO negotiator class (SAONegotiator or GBNegotiator) or its import "
            f"path, got {cls_or_path!r}"
        )
    return NegmasNegotiator(negotiator_class, params, name=name)


def to_negmas(agent: AgentSource, **kwargs: Any) -> SummitryNegotiator:
    """Return a NegMAS ``SAONegotiator`` played by summitry agent ``agent``.

    ``agent`` is a registry spec (``"boulware"``, ``"hardheaded:exponent=0.1"``), a summitry
    negotiator, or a zero-argument factory of negotiators. ``kwargs`` go to NegMAS's
    negotiator (``name``, ``id``, ``seed``...). For ``cartesian_tournament`` pass
    :class:`SummitryNegotiator` as the competitor with ``{"agent": spec}`` as its parameters.
    """
    return SummitryNegotiator(agent, **kwargs)


def agent_factory(rest: str, base: Path | None = None) -> AgentFactory:
    """Return the factory of ``negmas:<rest>`` (``rest`` is ``package.module:Class[:param=value...]``).

    The class is imported and made once now, so that a wrong name or parameter is reported
    before any negotiation starts; each negotiator is reported under the whole spec.

    Raises:
        AgentParameterError: not of that form, or the class cannot be found or made.
    """
    label = f"{PREFIX}:{rest.strip()}"
    module_name, sep, tail = rest.strip().partition(":")
    if not sep or not module_name or not tail:
        raise AgentParameterError(f"agent {label!r}: expected negmas:package.module:Class[:param=value...]")
    class_name, params = parse_agent(tail)
    negotiator_class = load_negmas_class(f"{module_name}:{class_name}")
    NegmasNegotiator(negotiator_class, params)  # checks the parameters now

    def make(**given: Any) -> NegmasNegotiator:
        return NegmasNegotiator(negotiator_class, given, name=label)

    return AgentFactory(label=label, make_one=make, params=params)


def negotiator_from_spec(text: str) -> NegmasNegotiator:
    """Return the negotiator named ``negmas:package.module:Class[:param=value...]``, reported under ``text``.

    Raises:
        AgentParameterError: not of that form, or the class cannot be found.
    """
    prefix, _, rest = text.strip().partition(":")
    if prefix != PREFIX or not rest:
        raise AgentParameterError(f"agent {text!r}: expected negmas:package.module:Class[:param=value...]")
    negotiator = agent_factory(rest).make()
    assert isinstance(negotiator, NegmasNegotiator)  # reason: agent_factory makes only these
    return negotiator


register_prefix(PREFIX, agent_factory, replace=True)


def negmas_scenario(scenario: Any, *, discount: bool = True) -> Any:
    """Return a NegMAS ``Scenario`` with ``scenario``'s outcome space and utility functions (same values).

    Discount factors become NegMAS ``ExpDiscountedUFun`` s over relative time (left out when
    ``discount`` is False).
    """
    from negmas.inout import Scenario as NegmasScenario

    outcome_space = negmas_outcome_space(scenario.space, name=scenario.name)
    ufuns = tuple(
        negmas_utility(
            party.utility,
            outcome_space,
            discount_factor=party.utility.discount_factor if discount else None,
            name=party.name,
        )
        for party in scenario.parties
    )
    return NegmasScenario(outcome_space=outcome_space, ufuns=ufuns)
