"""The README's promises: its descriptor example validates, its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import invoke

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_descriptor_example_is_valid(tmp_path: Path) -> None:
    (example,) = re.findall(r"```yaml\n(.*?)```", README, re.DOTALL)
    (tmp_path / "my-trial.yaml").write_text(example, encoding="utf-8")
    result = invoke("validate", str(tmp_path))
    assert result.exit_code == 0, result.stdout
    shown = invoke("show", "my-trial", "--studies-dir", str(tmp_path))
    assert "9/11 = 81.8% (95% CI 52.3–94.9%, computed)" in shown.stdout


def test_every_stemcell_command_in_the_readme_has_help() -> None:
    commands = set(re.findall(r"^\$? ?stemcell ([a-z]+)", README, re.MULTILINE))
    assert {"list", "show", "compare", "validate", "schema", "import", "cite"} <= commands
    for command in commands:
        shown = invoke(command, "--help")
        assert shown.exit_code == 0, command
        assert f"Usage: stemcell {command}" in " ".join(shown.stdout.split()), command
        assert "Example:" in shown.stdout or "─ Commands ─" in shown.stdout, command
