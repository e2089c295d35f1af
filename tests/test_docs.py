"""Every command a user can type is documented in the README."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.main import get_command

from summitry.cli import _register, app

ROOT = Path(__file__).resolve().parents[1]


def _command_paths(group: typer.Typer) -> list[str]:
    command = get_command(group)
    paths: list[str] = []

    def walk(node: object, prefix: str) -> None:
        for name, sub in getattr(node, "commands", {}).items():
            path = f"{prefix} {name}".strip()
            if getattr(sub, "commands", None):
                walk(sub, path)
            else:
                paths.append(path)

    walk(command, "")
    return paths


def test_every_cli_command_is_in_the_readme() -> None:
    _register()
    readme = (ROOT / "README.md").read_text("utf-8")
    paths = _command_paths(app)
    assert len(paths) >= 6
    missing = [p for p in paths if f"summitry {p}" not in readme]
    assert not missing, f"commands not shown in README.md: {missing}"


def test_readme_opens_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text("utf-8")[:800]
    assert "make demo" in head and "make test" in head


def test_every_doc_the_readme_links_exists() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for part in readme.split("](")[1:]:
        target = part.split(")")[0]
        if "://" not in target and not target.startswith("#"):
            assert (ROOT / target).exists(), target


def test_readme_python_example_prints_what_it_says(capsys) -> None:  # type: ignore[no-untyped-def]
    """The README's Python block runs, and prints the lines shown after it as ``# ...`` comments."""
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("```python\n", 1)[1].split("```", 1)[0]
    expected = [line[2:] for line in block.splitlines() if line.startswith("# ")]
    exec(compile(block, "README.md", "exec"), {})
    assert capsys.readouterr().out.splitlines() == expected


def test_every_command_has_help() -> None:
    """`summitry <command> --help` works for every command and shows its summary line."""
    from typer.testing import CliRunner

    _register()
    runner = CliRunner()
    for path in _command_paths(app):
        result = runner.invoke(app, [*path.split(), "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.output and "--help" in result.output, path
