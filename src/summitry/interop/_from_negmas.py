"""NegMAS SAO negotiators playing inside summitry's mechanisms.

A :class:`NegmasNegotiator` owns one NegMAS negotiator and a private *shadow* NegMAS
``SAOMechanism`` set up like summitry's negotiation: the same outcome space, the parties in
the same order, ``one_offer_per_step=True`` with ``n_steps = rounds × parties`` (a summitry
round of n parties is n NegMAS steps) and the same time limit. The other parties sit in the
shadow as stand-ins that never decide anything: before each of its turns the adapter replays
into the shadow what the other parties did in summitry (their offers and acceptances), then
lets the shadow call the NegMAS negotiator, and reads its answer back as a summitry action.

So everything the negotiator may use — ``ufun``, ``nmi`` (``n_steps``, ``time_limit``,
``outcome_space``, ``random_outcomes``…), ``reserved_value``, ``state.step``,
``relative_time`` — is NegMAS's own, and behaves exactly as in NegMAS's ``SAOMechanism``.
Its utility function is built from summitry's tables (see ``_negmas_model``); a discount
factor arrives as NegMAS's ``ExpDiscountedUFun`` over relative time.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
from negmas import ResponseType, SAOMechanism
from negmas.gb import GBNegotiator
from negmas.sao import SAONegotiator, SAOResponse

from summitry.agents import Negotiator
from summitry.errors import AgentParameterError
from summitry.protocols import Accept, Action, EndNegotiation, Observation, Offer, PrivateView, Request

from ._negmas_model import negmas_outcome_space, negmas_utility

__all__ = ["SAO_NEGOTIATOR_TYPES", "NegmasNegotiator", "is_negmas_negotiator_class", "load_negmas_class"]

SAO_NEGOTIATOR_TYPES: tuple[type, ...] = (SAONegotiator, GBNegotiator)
"""What ``SAOMechanism`` accepts: SAO negotiators and the generalised-bargaining ones (time-based, tit-for-tat...)."""


def is_negmas_negotiator_class(value: object) -> bool:
    """Return whether ``value`` is a NegMAS negotiator class that ``SAOMechanism`` can run."""
    return isinstance(value, type) and issubclass(value, SAO_NEGOTIATOR_TYPES)


class _StandIn(SAONegotiator):  # type: ignore[misc]  # reason: NegMAS ships no type information
    """A party of the shadow mechanism whose actions are always given by the adapter."""

    def __call__(self, state: Any, dest: str | None = None) -> Any:
        """Never decides: the adapter passes every stand-in action to ``SAOMechanism.step``."""
        raise RuntimeError(f"stand-in {self.id!r} was asked to decide; the adapter must give its action")


def load_negmas_class(path: str) -> type:
    """Return the NegMAS negotiator class named ``package.module:Class`` or ``package.module.Class``.

    Raises:
        AgentParameterError: the module or class cannot be found, or it is not a NegMAS SAO negotiator.
    """
    module_name, sep, class_name = path.partition(":")
    if not sep:
        module_name, _, class_name = path.rpartition(".")
    if not module_name or not class_name:
        raise AgentParameterError(
            f"NegMAS negotiator {path!r}: expected package.module:Class (e.g. negmas.sao:BoulwareTBNegotiator)"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise AgentParameterError(f"NegMAS negotiator {path!r}: cannot import module {module_name!r} ({exc})") from exc
    found = getattr(module, class_name, None)
    if found is None:
        raise AgentParameterError(f"NegMAS negotiator {path!r}: module {module_name!r} has no {class_name!r}")
    if not is_negmas_negotiator_class(found):
        raise AgentParameterError(
            f"NegMAS negotiator {path!r}: expected a NegMAS SAO negotiator class (SAONegotiator or GBNegotiator), "
            f"got {found!r}"
        )
    assert isinstance(found, type)  # reason: checked just above
    return found


class NegmasNegotiator(Negotiator):
    """A summitry negotiator played by a NegMAS SAO negotiator (made fresh at each ``start``).

    Under mediation (which NegMAS's SAO negotiators do not play) it falls back on the base
    class's votes by its own utility.

    Args:
        negotiator_class: the NegMAS ``SAONegotiator`` subclass.
        params: keyword arguments for it.
        name: the name summitry reports (default: the class's name).
    """

    def __init__(self, negotiator_class: type, params: dict[str, Any] | None = None, *, name: str | None = None):
        """Wrap ``negotiator_class(**params)``."""
        super().__init__(name=name or negotiator_class.__name__)
        self.negotiator_class = negotiator_class
        self.params = dict(params or {})
        self._make("summitry")  # refuse parameters the class does not take now, not mid-negotiation
        self.negotiator: Any = None
        self.mechanism: Any = None
        self._parties: tuple[str, ...] = ()
        self._stepped = 0
        self._replayed_offers = 0

    def start(self, view: PrivateView, rng: np.random.Generator) -> None:
        """Make the NegMAS negotiator and its shadow mechanism for ``view``'s negotiation."""
        super().start(view, rng)
        self._parties = tuple(view.parties)
        self._stepped = 0
        self._replayed_offers = 0
        outcome_space = negmas_outcome_space(view.space, name="summitry")
        ufun = negmas_utility(
            view.utility,
            outcome_space,
            reservation_value=view.reservation_value,
            discount_factor=view.discount_factor,
            name=view.party,
        )
        rounds, seconds = view.deadline.rounds, view.deadline.seconds
        n = len(self._parties)
        self.mechanism = SAOMechanism(
            outcome_space=outcome_space,
            n_steps=None if rounds is None else rounds * n,
            time_limit=float("inf") if seconds is None else float(seconds),
            one_offer_per_step=True,
            ignore_negotiator_exceptions=False,
            name=f"summitry-{view.party}",
        )
        self.negotiator = self._make(view.party)
        for party in self._parties:
            if party == view.party:
                self.mechanism.add(self.negotiator, ufun=ufun)
            else:
                self.mechanism.add(_StandIn(name=party, id=party))

    def _make(self, party: str) -> Any:
        try:
            return self.negotiator_class(**{"name": party, "id": party, **self.params})
        except (TypeError, ValueError) as exc:
            raise AgentParameterError(f"NegMAS negotiator {self.negotiator_class.__name__}: {exc}") from exc

    def act(self, observation: Observation) -> Action:
        """Replay the others' actions into the shadow, let the NegMAS negotiator act, and return its action."""
        if observation.request is not Request.OFFER:
            return super().act(observation)
        party = self.view.party
        self._catch_up(observation)
        state = self.mechanism.state
        if not state.running and state.started:
            return EndNegotiation(party=party)
        accepted_before = state.n_acceptances
        self.mechanism.step()
        self._stepped += 1
        state = self.mechanism.state
        mine = [outcome for who, outcome in state.new_offers if who == party]
        if mine and mine[-1] is not None:
            self._replayed_offers += 1
            return Offer(party=party, outcome=tuple(mine[-1]))
        if state.agreement is not None or (state.running and state.n_acceptances > accepted_before):
            return Accept(party=party)
        return EndNegotiation(party=party)

    def _catch_up(self, observation: Observation) -> None:
        """Step the shadow through the other parties' actions since this party's last one."""
        n = len(self._parties)
        history = observation.history
        while self._stepped < observation.step:
            actor = self._parties[self._stepped % n]
            if self._replayed_offers < len(history) and history[self._replayed_offers][0] == actor:
                response = SAOResponse(ResponseType.REJECT_OFFER, tuple(history[self._replayed_offers][1]))
                self._replayed_offers += 1
            else:
                response = SAOResponse(ResponseType.ACCEPT_OFFER, self.mechanism.state.current_offer)
            self.mechanism.step(action={actor: response})
            self._stepped += 1
