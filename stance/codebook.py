"""The codebook as one Markdown document, for a paper's appendix: every issue's current definition,
then its history of changes (who, when, why). A plain function of the codebook's DataFrames."""

from __future__ import annotations

import pandas as pd

from stance.model import stance_text

FIELDS = (("Description", "description"), ("+2 means", "plus_2"), ("-2 means", "minus_2"),
          ("Coding rules", "rules"), ("Examples", "examples"))


def _text(value: object) -> str:
    """Coder-typed text, kept as text: Markdown that would turn it into markup is escaped."""
    if not isinstance(value, str) or not value.strip():
        return "(not given)"
    escaped = "".join("\\" + ch if ch in "\\`*_{}[]<>#|" else ch for ch in value.strip())
    return escaped.replace("\n", "  \n")


def to_markdown(current: pd.DataFrame, history: pd.DataFrame, title: str = "Codebook") -> str:
    """`current` and `history` are stance.queries.team.codebook_current / codebook_history."""
    scale = ", ".join(stance_text(v) for v in (-2, -1, 0, 1, 2))
    lines = [f"# {title}", "", f"Stance scale: {scale}.", ""]
    for entry in current.itertuples():
        lines += [f"## {_text(entry.title)} (`{entry.issue}`)", "",
                  f"Version {entry.version}, {entry.changed_at[:10]}, by {_text(entry.changed_by)}.", ""]
        for label, column in FIELDS:
            lines += [f"**{label}.** {_text(getattr(entry, column))}", ""]
        changes = history[history["issue"] == entry.issue].sort_values("version")
        if len(changes) > 1:
            lines += ["History:", ""]
            for change in changes.itertuples():
                note = f": {_text(change.note)}" if isinstance(change.note, str) and change.note else ""
                lines.append(f"- version {change.version}, {change.changed_at[:10]}, {_text(change.changed_by)}{note}")
            lines.append("")
    return "\n".join(lines)
