"""A user's agent for the tournament example: Boulware that never offers below a floor it picks itself."""

from __future__ import annotations

from summitry.agents import Boulware


class StubbornBoulware(Boulware):
    """Boulware with a higher floor: it never goes below utility 0.6, however late it gets."""

    def __init__(self, **params: object) -> None:
        super().__init__(**{"floor": 0.6, **params})
