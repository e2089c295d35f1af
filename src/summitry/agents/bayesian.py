"""A Bayesian opponent model over issue-weight rankings and value functions (simplified, documented).

Source: K. Hindriks and D. Tykhonov (2008), "Opponent modelling in automated multi-issue
negotiation using Bayesian learning", AAMAS 2008. As in the paper:

* weights are hypotheses over *rankings* of the issues, a ranking giving the issue of rank
  r (1 = least important) the weight ``2r / (n(n+1))``; all n! rankings for n ≤ 5 issues,
  else ``max_rankings`` rankings drawn with the agent's rng (plus the n "issue k on top"
  rotations so every issue can come first);
* each issue's evaluation function is one of a family of triangular shapes over its value
  levels (peak at each level; peaks at the ends are the paper's up-/downhill shapes);
* the opponent is assumed to concede: the utility to itself of its offer at relative time t
  is expected to be ``1 − concession · t``; the likelihood of an offer under a hypothesis is
  Gaussian in the gap between the hypothesis's predicted utility and that expectation
  (σ = ``sigma``);
* weight and value hypotheses are updated separately (the paper's independence
  assumption), each against the current expected model for the other parts.

Simplifications: categorical issues get the same triangular shapes over their listed order;
issues with more than ``max_peaks`` values use ``max_peaks`` evenly spaced peaks.
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt

from summitry.model import OutcomeSpace

from .opponent_model import ModelledNegotiator

__all__ = ["BayesianModel", "BayesianNegotiator"]


class BayesianModel:
    """Hindriks & Tykhonov's (2008) Bayesian opponent model, with independent weight and value hypotheses."""

    def __init__(
        self,
        *,
        concession: float = 0.3,
        sigma: float = 0.15,
        max_rankings: int = 240,
        max_peaks: int = 21,
        rng: np.random.Generator | None = None,
    ) -> None:
        """Create the model; ``rng`` draws the ranking hypotheses of spaces with more than five issues."""
        self.concession = float(concession)
        self.sigma = float(sigma)
        self.max_rankings = int(max_rankings)
        self.max_peaks = int(max_peaks)
        self.rng = rng if rng is not None else np.random.default_rng(0)
        self._rankings = np.ones((1, 1))
        self._weight_posterior = np.ones(1)
        self._shapes: list[npt.NDArray[np.float64]] = []
        self._value_posteriors: list[npt.NDArray[np.float64]] = []
        self._groups: list[_IssueGroup] = []
        self._weights: npt.NDArray[np.float64] | None = None  # posterior means, until the next update
        self._evaluations: list[npt.NDArray[np.float64]] | None = None

    def reset(self, space: OutcomeSpace) -> None:
        """Build the hypotheses with uniform priors."""
        n = len(space.issues)
        self._rankings = _ranking_weights(n, self.max_rankings, self.rng)
        self._weight_posterior = np.full(self._rankings.shape[0], 1.0 / self._rankings.shape[0])
        self._shapes = [_triangles(k, self.max_peaks) for k in space.cardinalities]
        self._groups = [_IssueGroup(columns, self._shapes) for columns in _by_hypotheses(self._shapes)]
        self._value_posteriors = [np.full(s.shape[0], 1.0 / s.shape[0]) for s in self._shapes]
        for group in self._groups:
            for row, column in enumerate(group.columns.tolist()):
                self._value_posteriors[column] = group.posterior[row]
        self._weights = None
        self._evaluations = None

    def update(self, levels: npt.NDArray[np.int64], t: float) -> None:
        """Update the weight and value posteriors with one offer made at relative time ``t``.

        The value posteriors of the issues with the same number of hypotheses are updated
        together, as the rows of one array: the same arithmetic, element by element and row
        by row, as updating them one issue at a time, so the results are the same to the bit
        (tested), at a fraction of the calls.
        """
        expected = max(0.0, 1.0 - self.concession * float(t))
        values = np.array([table[int(level)] for table, level in zip(self._current_evaluations(), levels, strict=True)])
        weights = self._current_weights()
        spread = 2 * self.sigma**2
        # weight hypotheses, against the expected value functions
        predicted = self._rankings @ values
        self._weight_posterior = _posterior(self._weight_posterior, predicted, expected, spread)
        # value hypotheses per issue, against the expected weights and the other issues' values
        total = float(weights @ values)
        rest = (total - weights * values)[:, None]
        posteriors = self._value_posteriors
        levels = np.asarray(levels, dtype=np.int64)[:, None]
        column_weights = weights[:, None]
        for group in self._groups:
            columns = group.columns
            updated = group.update(levels[columns], rest[columns], column_weights[columns], expected, spread)
            for row, column in enumerate(columns.tolist()):
                posteriors[column] = updated[row]
        self._weights = None
        self._evaluations = None

    def _current_weights(self) -> npt.NDArray[np.float64]:
        if self._weights is None:
            self._weights = self._weight_posterior @ self._rankings
            self._weights.setflags(write=False)
        return self._weights

    def _current_evaluations(self) -> list[npt.NDArray[np.float64]]:
        if self._evaluations is None:
            self._evaluations = [
                posterior @ shapes for posterior, shapes in zip(self._value_posteriors, self._shapes, strict=True)
            ]
            for table in self._evaluations:
                table.setflags(write=False)
        return self._evaluations

    def weights(self) -> npt.NDArray[np.float64]:
        """Return the posterior-mean issue weights (summing to 1; read-only, computed once per update)."""
        return self._current_weights()

    def evaluations(self) -> list[npt.NDArray[np.float64]]:
        """Return each issue's posterior-mean evaluation per value level (read-only, computed once per update)."""
        return list(self._current_evaluations())


_add = np.add.reduce
_largest = np.maximum.reduce


def _posterior(
    prior: npt.NDArray[np.float64], predicted: npt.NDArray[np.float64], expected: float, spread: float
) -> npt.NDArray[np.float64]:
    """Return the normalised posterior of each row of ``prior`` (one hypothesis per column)."""
    # prior >= 1e-12 / (1 + k·1e-12) always (see the clamp below), so no guard before the log
    log = np.log(prior) - (predicted - expected) ** 2 / spread
    log -= _largest(log, axis=-1, keepdims=True)
    posterior = np.exp(log)
    posterior = np.maximum(posterior / _add(posterior, axis=-1, keepdims=True), 1e-12)  # keep every hypothesis alive
    normalised: npt.NDArray[np.float64] = posterior / _add(posterior, axis=-1, keepdims=True)
    return normalised


def _by_hypotheses(shapes: list[npt.NDArray[np.float64]]) -> list[list[int]]:
    """Return the issue positions grouped by their number of value hypotheses (in issue order)."""
    groups: dict[int, list[int]] = {}
    for column, shape in enumerate(shapes):
        groups.setdefault(shape.shape[0], []).append(column)
    return list(groups.values())


class _IssueGroup:
    """Issues with the same number of value hypotheses, whose posteriors are updated as one array's rows."""

    def __init__(self, columns: list[int], shapes: list[npt.NDArray[np.float64]]) -> None:
        self.columns = np.array(columns, dtype=np.int64)
        hypotheses = shapes[columns[0]].shape[0]
        self.posterior = np.full((len(columns), hypotheses), 1.0 / hypotheses)  # row r: issue columns[r]
        # each issue's shapes transposed (one row of hypotheses per value level), end to end
        self._table = np.concatenate([np.ascontiguousarray(shapes[c].T).reshape(-1) for c in columns])
        sizes = [shapes[c].size for c in columns]
        self._starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)[:, None]
        self._hypotheses = hypotheses
        self._span = np.arange(hypotheses, dtype=np.int64)[None, :]

    def update(
        self,
        levels: npt.NDArray[np.int64],
        rest: npt.NDArray[np.float64],
        weights: npt.NDArray[np.float64],
        expected: float,
        spread: float,
    ) -> npt.NDArray[np.float64]:
        """Update and return the group's posteriors, one row per issue (``rest + weight · shape`` predicts the offer).

        ``levels``, ``rest`` and ``weights`` are the group's own, as columns (shape ``(issues, 1)``).
        """
        picked = self._table[self._starts + levels * self._hypotheses + self._span]
        self.posterior = _posterior(self.posterior, rest + weights * picked, expected, spread)
        return self.posterior


def _ranking_weights(n: int, limit: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Return one row of issue weights per ranking hypothesis."""
    scale = 2.0 / (n * (n + 1))
    ranks = np.arange(1, n + 1, dtype=float)
    if n <= 5:
        perms = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
    else:
        rotations = np.array([np.roll(np.arange(n), k) for k in range(n)], dtype=np.int64)
        drawn = np.array([rng.permutation(n) for _ in range(max(limit - n, 0))], dtype=np.int64).reshape(-1, n)
        perms = np.vstack([rotations, drawn])
    rows = np.zeros(perms.shape, dtype=float)
    np.put_along_axis(rows, perms, np.broadcast_to(ranks * scale, perms.shape), axis=1)
    return rows


def _triangles(k: int, max_peaks: int) -> npt.NDArray[np.float64]:
    """Return triangular evaluation shapes (one row per peak) over ``k`` value levels."""
    if k == 1:
        return np.ones((1, 1))
    peaks = np.unique(np.round(np.linspace(0, k - 1, min(k, max_peaks))).astype(np.int64))
    x = np.arange(k, dtype=float)[None, :]
    p = peaks[:, None].astype(float)
    span = np.maximum(p, (k - 1) - p)
    shapes: npt.NDArray[np.float64] = 1.0 - np.abs(x - p) / span
    return shapes


class BayesianNegotiator(ModelledNegotiator):
    """Boulware bidding that picks, near its target, the outcome a Bayesian opponent model rates best."""

    needs_full_history = False  # reads no offer older than its own previous turn

    name = "bayesian"

    def __init__(
        self,
        *,
        exponent: float = 0.2,
        window: float = 0.05,
        floor: float | None = None,
        concession: float = 0.3,
        sigma: float = 0.15,
        name: str | None = None,
    ) -> None:
        """Create a Bayesian-modelling negotiator."""
        super().__init__(
            model=BayesianModel(concession=concession, sigma=sigma),
            exponent=exponent,
            window=window,
            floor=floor,
            name=name,
        )

    def on_start(self) -> None:
        """Give the model this negotiator's rng, then reset it."""
        assert isinstance(self.model, BayesianModel)
        self.model.rng = self.rng
        super().on_start()
