"""Imports every command module so that each registers itself on the app."""

from __future__ import annotations
from summitry.cli import agenda  # noqa: F401
from summitry.cli import convert  # noqa: F401
from summitry.cli import analyze  # noqa: F401
from summitry.cli import negotiate  # noqa: F401
from summitry.cli import mediate  # noqa: F401
from summitry.cli import replay  # noqa: F401
from summitry.cli import roadmap  # noqa: F401
from summitry.cli import demo  # noqa: F401
from summitry.cli import tournament  # noqa: F401
from summitry.cli import serve  # noqa: F401
from summitry.cli import envoy  # noqa: F401
from summitry.cli import db  # noqa: F401
from summitry.cli import agents  # noqa: F401
