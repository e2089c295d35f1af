"""Adapters between summitry and other negotiation libraries.

:mod:`summitry.interop.negmas` lets NegMAS negotiators play inside summitry and summitry's
agents inside NegMAS (install ``summitry[negmas]``). Importing this package imports no other
library: NegMAS is loaded only when :mod:`summitry.interop.negmas` is imported;
:data:`INSTALL_HINT` says how to install it.
"""

from __future__ import annotations

from summitry.interop._negmas_import import INSTALL_HINT

__all__ = ["INSTALL_HINT"]
