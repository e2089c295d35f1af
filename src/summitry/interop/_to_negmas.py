"""summitry agents playing inside NegMAS's ``SAOMechanism`` (and so in its tournaments).

:class:`SummitryNegotiator` is a NegMAS ``SAONegotiator``. When its negotiation starts it
builds, from what NegMAS gives it, what a summitry agent is given: the outcome space (from
the discrete cartesian NegMAS space), a table utility holding NegMAS's value of every outcome
(a NegMAS ``ExpDiscountedUFun`` gives its undiscounted utility plus the discount factor), the
reservation value, the parties (NegMAS's negotiator ids, in order) and the deadline (NegMAS's
``n_steps`` read as rounds: divided by the number of parties when the mechanism makes one
offer per step; its time limit as seconds). Each time NegMAS asks it to act, it hands the
summitry agent an observation (standing offer and proposer, the offers made so far, NegMAS's
relative time) and answers with the agent's action.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from negmas import ResponseType
from negmas.sao import SAONegotiator, SAOResponse

from summitry.agents import Negotiator, negotiator_from_text
from summitry.errors import AgentParameterError
from summitry.protocols import Accept, EndNegotiation, Observation, Offer, PrivateView, Request
from summitry.protocols import Deadline as _Deadline

from ._negmas_model import OutcomeCodec, summitry_space, summitry_utility

__all__ = ["AgentSource", "SummitryNegotiator"]

AgentSource = str | Negotiator | Callable[[], Negotiator]
"""A summitry agent: a registry spec (``"boulware:exponent=0.1"``), a negotiator, or a factory."""

_FIRST: tuple[type, ...] = (Offer, EndNegotiation)
_LATER: tuple[type, ...] = (Offer, Accept, EndNegotiation)
_NO_DEADLINE_ROUNDS = 1_000_000


def _make_agent(agent: AgentSource) -> Negotiator:
    if isinstance(agent, str):
        return negotiator_from_text(agent)
    if isinstance(agent, Negotiator):
        return agent
    if callable(agent):
        made = agent()
        if hasattr(made, "start") and hasattr(made, "act"):
            return made
    raise AgentParameterError(
        f"agent: expected a summitry agent spec, negotiator or factory of negotiators, got {agent!r}"
    )


class SummitryNegotiator(SAONegotiator):  # type: ignore[misc]  # reason: NegMAS ships no type information
    """A NegMAS SAO negotiator played by a summitry agent.

    Args:
        agent: a registry spec such as ``"boulware"`` or ``"hardheaded:exponent=0.1"``, a
            summitry negotiator, or a zero-argument factory of them (then a fresh one is
            made for each negotiation).
        seed: seed of the random generator the summitry agent is given.
        **kwargs: passed to NegMAS's ``SAONegotiator`` (``name``, ``id``, ``ufun``...).
    """

    def __init__(self, agent: AgentSource = "boulware", *, seed: int = 0, **kwargs: Any) -> None:
        """Create the negotiator; the summitry agent is made when the negotiation starts."""
        self.agent_source = agent
        if "name" not in kwargs and isinstance(agent, str):
            kwargs["name"] = agent
        super().__init__(**kwargs)
        self.seed = int(seed)
        self.agent: Negotiator | None = None
        self._codec: OutcomeCodec | None = None
        self._step_scale = 1

    def on_negotiation_start(self, state: Any) -> None:
        """Make the summitry agent and start it with this negotiation's private view."""
        super().on_negotiation_start(state)
        self._prepare()

    def _prepare(self) -> None:
        nmi = self.nmi
        space, codec = summitry_space(nmi.outcome_space)
        if self.ufun is None:
            raise AgentParameterError(f"negotiator {self.name!r}: NegMAS gave it no utility function")
        utility, discount = summitry_utility(self.ufun, space, codec)
        parties = tuple(str(i) for i in nmi.negotiator_ids)
        n = max(len(parties), 1)
        self._step_scale = n if getattr(nmi, "one_offer_per_step", False) else 1
        rounds = None if nmi.n_steps is None else max(1, math.ceil(nmi.n_steps / self._step_scale))
        seconds = None if not math.isfinite(float(nmi.time_limit)) else float(nmi.time_limit)
        if rounds is None and seconds is None:
            rounds = _NO_DEADLINE_ROUNDS
        view = PrivateView(
            party=str(self.id),
            index=parties.index(str(self.id)) if str(self.id) in parties else 0,
            parties=parties,
            space=space,
            utility=utility,
            reservation_value=utility.reservation_value,
            deadline=_Deadline(rounds=rounds, seconds=seconds),
            protocol="sao",
            discount_factor=discount,
        )
        self.agent = _make_agent(self.agent_source)
        self._codec = codec
        self.agent.start(view, np.random.default_rng(self.seed))

    def _observe(self, state: Any) -> Observation:
        assert self._codec is not None  # reason: set by _prepare
        codec = self._codec
        offers = [offer for past in self.nmi.history for offer in getattr(past, "new_offers", ())]
        offers.extend(getattr(state, "new_offers", ()))
        history = tuple((str(who), codec.summitry_outcome(outcome)) for who, outcome in offers if outcome is not None)
        standing = state.current_offer
        return Observation(
            request=Request.OFFER,
            party=str(self.id),
            round=int(state.step) // self._step_scale,
            step=int(state.step),
            time=float(state.relative_time),
            standing_offer=None if standing is None else codec.summitry_outcome(standing),
            standing_offer_by=None if standing is None else str(state.current_proposer),
            history=history,
            legal=_FIRST if standing is None else _LATER,
        )

    def __call__(self, state: Any, dest: str | None = None) -> Any:
        """Return the summitry agent's action as a NegMAS ``SAOResponse``."""
        if self.agent is None:
            self._prepare()
        assert self.agent is not None and self._codec is not None  # reason: set by _prepare
        action = self.agent.act(self._observe(state))
        if isinstance(action, Offer):
            return SAOResponse(ResponseType.REJECT_OFFER, self._codec.negmas_outcome(action.outcome))
        if isinstance(action, Accept) and state.current_offer is not None:
            return SAOResponse(ResponseType.ACCEPT_OFFER, state.current_offer)
        return SAOResponse(ResponseType.END_NEGOTIATION, None)
