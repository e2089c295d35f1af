"""The CLI loads a command's module only when that command runs, and so only the libraries it needs.

Each check runs in a fresh interpreter: what matters is what a new ``summitry`` process
imports, which the test process (where every command is registered) cannot show.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from summitry.cli import _register, app
from summitry.cli._commands import COMMANDS

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
LAPTOP = SHARED / "scenarios" / "genius" / "Laptop"
FITNESS = SHARED / "scenarios" / "geniusweb" / "Fitness"

_COMMAND_MODULES = {module for module, _ in COMMANDS.values()}
"""The modules that define commands (the CLI's own private modules, ``cli._*``, are not commands)."""

HEAVY = ("matplotlib", "jinja2", "ortools", "icalendar")
"""Libraries that only some commands need (plots, the HTML report, road-map solving, calendars)."""


def _modules_after(code: str) -> set[str]:
    """Return the modules a fresh interpreter has imported after running ``code``."""
    script = (
        f"import sys, json\n{code}\nsys.stdout.flush()\nprint('\\n@@MODULES@@' + json.dumps(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "COLUMNS": "100"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    return set(json.loads(result.stdout.rsplit("@@MODULES@@", 1)[1]))


def _run_cli(*args: str) -> str:
    return (
        "import summitry.cli\n"
        f"sys.argv = ['summitry', *{list(args)!r}]\n"
        "try:\n"
        "    summitry.cli.main()\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
    )


def test_importing_the_cli_loads_no_command_and_no_heavy_library() -> None:
    loaded = _modules_after("import summitry.cli")
    unwanted = (
        *HEAVY,
        "numpy",
        "pydantic",
        "yaml",
        "rich.table",
        "rich.console",
        "summitry.formats",
        "summitry.analysis",
        "summitry.agents",
        "summitry.protocols",
    )
    assert sorted(m for m in unwanted if m in loaded) == []
    assert sorted(m for m in loaded if m in _COMMAND_MODULES) == []


def test_help_lists_every_command_without_loading_one() -> None:
    loaded = _modules_after(_run_cli("--help"))
    assert sorted(m for m in loaded if m in _COMMAND_MODULES) == []
    assert sorted(m for m in (*HEAVY, "numpy", "pydantic", "yaml") if m in loaded) == []


def test_help_is_the_same_with_every_command_loaded() -> None:
    """`summitry --help` from the table of contents equals the help of the fully loaded app."""
    env = {**os.environ, "COLUMNS": "100"}
    outputs = []
    for register in ("", "c._register(); "):
        code = f"import sys, summitry.cli as c; {register}sys.argv = ['summitry', '--help']; c.main()"
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        outputs.append(result.stdout)
    lazy, full = outputs
    assert lazy == full
    for name in COMMANDS:
        assert f"│ {name} " in lazy


@pytest.mark.skipif(not LAPTOP.is_dir(), reason="../shared/scenarios/genius/Laptop is absent")
def test_analyze_json_loads_none_of_the_heavy_libraries() -> None:
    loaded = _modules_after(_run_cli("analyze", str(LAPTOP), "--json"))
    assert "summitry.cli.analyze" in loaded
    assert sorted(m for m in (*HEAVY, "yaml", "summitry.agents", "summitry.formats.geniusweb") if m in loaded) == []


@pytest.mark.skipif(not LAPTOP.is_dir(), reason="../shared/scenarios/genius/Laptop is absent")
def test_analyze_json_of_a_genius_folder_loads_neither_pydantic_nor_rich() -> None:
    """Option values are converted without typer's pydantic adapters; rich waits for a table or an error."""
    loaded = _modules_after(_run_cli("analyze", str(LAPTOP), "--json"))
    unwanted = (
        "pydantic",
        "pydantic_core",
        "rich",
        "typer.rich_utils",
        "typer._adapters",
        "click",
        "importlib.metadata",
    )
    assert sorted(m for m in unwanted if m in loaded) == []


def test_a_usage_error_is_one_line_in_a_fresh_process() -> None:
    """typer's boxed error panel is replaced even though rich is loaded only when the error is shown."""
    env = {**os.environ, "COLUMNS": "100"}
    code = (
        "import sys, summitry.cli as c; sys.argv = ['summitry', 'negotiate', 'hanoi-deal', '--rounds', '0']; c.main()"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: --rounds: input should be greater than or equal to 1 (see 'summitry negotiate --help')"
    ]


def test_the_table_of_contents_matches_the_commands_the_modules_register() -> None:
    """Every registered command is in COMMANDS, with the first paragraph of its help as its line."""
    _register()
    group = typer.main.get_group(app)
    assert list(group.commands) == list(COMMANDS)
    for name, command in group.commands.items():
        first = (command.help or "").split("\n\n", 1)[0]
        assert " ".join(first.split()) == COMMANDS[name][1], name


@pytest.mark.skipif(not LAPTOP.is_dir(), reason="../shared/scenarios/genius/Laptop is absent")
def test_negotiate_json_without_a_trace_file_loads_neither_pydantic_nor_rich() -> None:
    """The trace writers (and their schemas) are imported only when --trace asks for a file."""
    loaded = _modules_after(_run_cli("negotiate", str(LAPTOP), "--json"))
    assert "summitry.cli.negotiate" in loaded
    unwanted = (*HEAVY, "pydantic", "rich", "yaml", "typer.rich_utils", "summitry.formats.trace_files")
    assert sorted(m for m in unwanted if m in loaded) == []


@pytest.mark.skipif(not FITNESS.is_dir(), reason="../shared/scenarios/geniusweb/Fitness is absent")
def test_analyze_json_of_a_geniusweb_folder_builds_only_the_geniusweb_schema() -> None:
    loaded = _modules_after(_run_cli("analyze", str(FITNESS), "--json"))
    assert "summitry.formats.geniusweb" in loaded
    unwanted = (*HEAVY, "rich", "summitry.formats._schema", "summitry.formats.native", "summitry.agents")
    assert sorted(m for m in unwanted if m in loaded) == []


QUICK_HELP = (
    "agenda",
    "convert",
    "analyze",
    "replay",
    "demo",
    "roadmap",
    "tournament",
    "serve",
    "envoy",
    "db",
    "agents",
    "negotiate",
    "mediate",
    "session",
)
"""Commands whose ``--help`` loads no numpy, pydantic or PyYAML."""


@pytest.mark.parametrize("command", QUICK_HELP)
def test_a_commands_help_loads_neither_numpy_nor_the_file_schemas(command: str) -> None:
    """A command module imports its machinery when the command runs, not when its help is printed."""
    loaded = _modules_after(_run_cli(command, "--help"))
    assert f"summitry.cli.{command}" in loaded
    assert sorted(m for m in (*HEAVY, "numpy", "pydantic", "yaml") if m in loaded) == []


def test_mediate_offers_the_registrys_default_voter() -> None:
    """`mediate` writes the default voter out (so that its --help loads no agent); it is the registry's."""
    from summitry.agents import DEFAULT_VOTER
    from summitry.cli import mediate

    assert mediate.DEFAULT_VOTER == DEFAULT_VOTER
    _register()
    command = typer.main.get_group(app).commands["mediate"]
    assert next(p for p in command.params if p.name == "agents").default == DEFAULT_VOTER
