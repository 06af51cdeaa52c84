"""First-use polish of the command line (issue 15): Markdown, tables, sync, init, completion."""

from __future__ import annotations

from typer.testing import CliRunner

from syncsvc.cli.app import app


def run(db_url: str, *args: str, **kwargs):
    """Invoke syncsvc with ``--db`` set."""
    return CliRunner().invoke(app, ["--db", db_url, *args], **kwargs)


class TestMarkdown:
    """`--format markdown` escapes only where Markdown would misread the text."""

    def test_actions_keep_plain_punctuation(self, db_url, tmp_path) -> None:
        """No `\\#1` or `\\(vhari\\)` mid-line; emphasis, links and HTML are still inert."""
        src = tmp_path / "s.txt"
        src.write_text(
            "=== T ===\nActions:\n"
            "- vhari will close bug #1 (vhari) and *all* [bugs](x) <b>now</b>\n",
            encoding="utf-8",
        )
        assert run(db_url, "import", str(src)).exit_code == 0
        result = run(db_url, "actions", "--format", "markdown")
        assert result.exit_code == 0, result.stderr
        [line] = [x for x in result.stdout.splitlines() if x.startswith("- [")]
        assert line == (
            r"- [ ] #1 vhari will close bug #1 (vhari) and \*all\* \[bugs](x) \<b>now\</b>"
            " — vhari"
        )
