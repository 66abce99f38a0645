"""Templates shown with their fields as coloured chips: rich text for previews, segments for painted rows."""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import lru_cache

from huashu.core import placeholders
from huashu.gui.theme import Colors

Segment = tuple[str, bool]  # (text, is_field)


@lru_cache(maxsize=4096)
def segments(text: str) -> tuple[Segment, ...]:
    """Literal runs and field names of a template; an invalid template is one literal run."""
    try:
        parsed = placeholders.parse(text)
    except placeholders.PlaceholderError:
        return ((text, False),)
    out: list[Segment] = []
    for part in parsed.parts:
        if isinstance(part, str):
            out.append((part, False))
        else:
            out.append((part.name, True))
    return tuple(out)


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _chip(text: str, bg: str, fg: str) -> str:
    # Qt rich text has no border-radius; non-breaking spaces pad the chip so it reads as one token.
    return f'<span style="background-color:{bg}; color:{fg};">&nbsp;{_escape(text)}&nbsp;</span>'


def template_html(text: str, c: Colors) -> str:
    """A template with each field as a chip holding its name."""
    try:
        parsed = placeholders.parse(text)
    except placeholders.PlaceholderError:
        return _escape(text)
    out = []
    for part in parsed.parts:
        if isinstance(part, str):
            out.append(_escape(part))
        else:
            label = part.name
            if part.choices:
                label += "：" + "/".join(part.choices)
            elif part.default:
                label += "=" + part.default
            out.append(_chip(label, c.chip_bg, c.chip_fg))
    return "".join(out)


def filled_html(text: str, values: Mapping[str, str], builtins: Mapping[str, str], c: Colors) -> str:
    """The finished reply: filled values highlighted, missing fields as red chips with their names."""
    try:
        parsed = placeholders.parse(text)
    except placeholders.PlaceholderError:
        return _escape(text)
    result = placeholders.fill(parsed, values, builtins=builtins)
    out = []
    for part in parsed.parts:
        if isinstance(part, str):
            out.append(_escape(part))
        elif part.name in result.used:
            out.append(_chip(result.used[part.name], c.accent_soft, c.text))
        else:
            out.append(_chip(f"[{part.name}]", c.missing_bg, c.missing_fg))
    return "".join(out)
