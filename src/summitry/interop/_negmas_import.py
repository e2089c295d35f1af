"""Import NegMAS on demand, with one clear error when the optional extra is not installed."""

from __future__ import annotations

import importlib
from types import ModuleType

from summitry.errors import MissingExtraError

__all__ = ["INSTALL_HINT", "require_negmas"]

INSTALL_HINT = "pip install 'summitry[negmas]' (in a clone of summitry: .venv/bin/pip install -e '.[negmas]')"
"""How to install the NegMAS extra: from the released package, and in a clone of the repository
(quoted for shells that glob brackets)."""


def require_negmas() -> ModuleType:
    """Return the ``negmas`` module.

    Raises:
        MissingExtraError: NegMAS is not installed; the message says how to install it.
    """
    try:
        return importlib.import_module("negmas")
    except ImportError as exc:
        raise MissingExtraError(
            f"NegMAS interoperability needs the negmas package, which is not installed ({exc}); "
            f"install it with: {INSTALL_HINT}"
        ) from exc
