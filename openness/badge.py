"""Badges: a scorecard as a shields.io endpoint JSON, a markdown snippet or a static PNG.

Everything here but `png_bytes` is pure (scorecard -> badge -> text). A badge's label and
message are made of the tool's own words (axis names, verdict words, levels): no card
text reaches them, and the one outside value a snippet carries, the model id, is escaped
for markdown and quoted for URLs.
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from openness.errors import OpennessError
from openness.models import AXES, AxisName, Scorecard

BadgeAxis = Literal["weights", "data", "code", "summary"]
BADGE_AXES: tuple[BadgeAxis, ...] = ("weights", "data", "code", "summary")

# shields.io's named colours; `unknown` is grey, never green (nor is a mix of open and
# unknown: a summary is green only when every axis is open).
VERDICT_COLOURS = {"open": "brightgreen", "partial": "yellow", "closed": "red", "unknown": "lightgrey"}
# The same colours as shields draws them, for the PNG (its badge-maker palette).
COLOUR_HEX = {"brightgreen": "#44cc11", "yellow": "#dfb317", "red": "#e05d44", "lightgrey": "#9f9f9f"}
LABEL_HEX = "#555555"
# The initials the summary gives each axis ("W open · D partial · C closed").
_INITIALS = {"weights": "W", "data": "D", "code": "C"}
# What a shields endpoint URL looks like when no --json-url says where the JSON is served.
JSON_URL_PLACEHOLDER = "JSON_URL"
SHIELDS_ENDPOINT = "https://img.shields.io/endpoint?url="


class BadgeImageUnavailable(OpennessError):
    """--image needs Pillow (`pip install 'openness[badge]'`), which is not installed."""


class NotScored(OpennessError):
    """A badge was asked for a scorecard that has no verdicts (the model was not scored)."""


@dataclass(frozen=True)
class Badge:
    """The three things a badge shows: left text, right text, right colour (a shields name)."""

    label: str
    message: str
    color: str


def axis_badge(card: Scorecard, axis: AxisName) -> Badge:
    """One axis: label "open weights", message "open 4/4" (the level is left out when unknown)."""
    verdict = _verdict_of(card, axis)
    level = card.axes[axis].level
    message = verdict if level is None or verdict == "unknown" else f"{verdict} {level}/4"
    return Badge(label=f"open {axis}", message=message, color=VERDICT_COLOURS[verdict])


def summary_badge(card: Scorecard) -> Badge:
    """All three axes on one badge: "W open · D partial · C closed".

    Green only when every axis is open; yellow when some axis is open or partial; red when
    none is; grey when nothing could be told at all.
    """
    verdicts = [_verdict_of(card, axis) for axis in AXES]
    message = " · ".join(f"{_INITIALS[axis]} {verdict}" for axis, verdict in zip(AXES, verdicts))
    if all(v == "open" for v in verdicts):
        colour = "brightgreen"
    elif any(v in ("open", "partial") for v in verdicts):
        colour = "yellow"
    elif all(v == "unknown" for v in verdicts):
        colour = "lightgrey"
    else:
        colour = "red"
    return Badge(label="openness", message=message, color=colour)


def badge_for(card: Scorecard, axis: BadgeAxis = "summary") -> Badge:
    """The badge `openness badge --axis AXIS` shows. Raises NotScored for an error scorecard."""
    if card.status != "scored":
        raise NotScored(f"{card.repo_id} was not scored: no badge")
    return summary_badge(card) if axis == "summary" else axis_badge(card, axis)


def _verdict_of(card: Scorecard, axis: AxisName) -> str:
    verdict = card.axes[axis].verdict if axis in card.axes else "unknown"
    return verdict if verdict in VERDICT_COLOURS else "unknown"


def endpoint_document(badge: Badge) -> dict[str, object]:
    """The shields.io endpoint JSON (https://shields.io/badges/endpoint-badge), schemaVersion 1."""
    return {"schemaVersion": 1, "label": badge.label, "message": badge.message, "color": badge.color}


def endpoint_json(badge: Badge) -> str:
    return json.dumps(endpoint_document(badge), ensure_ascii=False, indent=2) + "\n"


def static_png_url(hub: str, repo_id: str, image_name: str, revision: str = "main") -> str:
    """Where the Hub serves a PNG committed beside the card: an absolute URL, which renders
    wherever the card is shown (the Hub page, a mirror, a notebook)."""
    return f"{hub.rstrip('/')}/{quote(repo_id, safe='/')}/resolve/{quote(revision, safe='')}/{quote(image_name)}"


def markdown_snippet(badge: Badge, repo_id: str, *, hub: str, json_url: str | None = None,
                     image_name: str = "openness-badge.png") -> str:
    """Two ways to show the badge in a README, each linked to the model's Hub page.

    The shields endpoint badge needs the JSON at a public URL (`json_url`; a placeholder
    without it). The static PNG is what a Hub card can show (the Hub does not render
    dynamic SVG badges): `openness badge --image` draws it, the publisher commits it.
    """
    alt = _markdown_text(f"{badge.label}: {badge.message}")
    page = f"{hub.rstrip('/')}/{quote(repo_id, safe='/')}"
    endpoint = SHIELDS_ENDPOINT + (quote(json_url, safe="") if json_url else JSON_URL_PLACEHOLDER)
    png = static_png_url(hub, repo_id, image_name)
    lines = [
        "<!-- shields.io endpoint badge: serve the JSON `openness badge` prints at a public URL",
        "     (commit it to a repository or a gist and use its raw URL), then give it as --json-url -->",
        f"[![{alt}]({endpoint})]({page})",
        "",
        "<!-- static PNG for a Hub model card: `openness badge MODEL --image "
        f"{_comment_text(image_name)}`, then commit the file beside README.md -->",
        f"[![{alt}]({png})]({page})",
    ]
    return "\n".join(lines) + "\n"


def _markdown_text(text: str) -> str:
    """Plain text for alt text: no markup, brackets, HTML or line breaks can get through."""
    from openness.render.text import one_line

    flat = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]()!#|])", r"\\\1", flat)


def _comment_text(text: str) -> str:
    """Text inside an HTML comment: one line, and no `--` or `>` that could end it."""
    from openness.render.text import one_line

    return one_line(text).replace("-->", "").replace("--", "-").replace(">", "")


# The PNG: shields' proportions (20 px high, 6 px padding each side of a text).
PNG_HEIGHT = 20
_PAD = 6


def png_bytes(badge: Badge) -> bytes:
    """The badge as a static PNG, drawn with Pillow's built-in font.

    Raises BadgeImageUnavailable when Pillow is not installed (it is the `badge` extra).
    """
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        raise BadgeImageUnavailable(
            "--image needs Pillow, which is not installed: pip install 'openness[badge]'") from None
    try:  # Pillow's own scalable font when it has FreeType: its spaces are spaces
        font: Any = ImageFont.load_default(size=11)
    except (ImportError, OSError, TypeError):  # a build without FreeType: the bitmap font
        font = ImageFont.load_default()
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    left_w = int(measure.textlength(badge.label, font=font)) + 2 * _PAD
    right_w = int(measure.textlength(badge.message, font=font)) + 2 * _PAD
    image = Image.new("RGB", (left_w + right_w, PNG_HEIGHT), LABEL_HEX)
    draw = ImageDraw.Draw(image)
    draw.rectangle((left_w, 0, left_w + right_w, PNG_HEIGHT), fill=COLOUR_HEX.get(badge.color, COLOUR_HEX["lightgrey"]))
    for x, text in ((_PAD, badge.label), (left_w + _PAD, badge.message)):
        # Centred by the text's own box: Pillow's bitmap font (no FreeType) has no anchors.
        top, bottom = draw.textbbox((0, 0), text, font=font)[1::2]
        draw.text((x, (PNG_HEIGHT - (bottom - top)) / 2 - top), text, fill="#ffffff", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
