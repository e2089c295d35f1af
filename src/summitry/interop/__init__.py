"""Adapters between summitry and other negotiation libraries.

:mod:`summitry.interop.negmas` lets NegMAS negotiators play inside summitry and summitry's
agents inside NegMAS (install ``summitry[negmas]``). Importing this package imports no other
library: NegMAS is loaded only when :mod:`summitry.interop.negmas` is imported.
"""

from __future__ import annotations

__all__: list[str] = []
