"""The reader's colours, light and dark, and the stylesheet that uses them: one for a
day (`day.render_day`), a paper's page (`papers.render_paper`) and what the reader
appends. Point sizes here are at the reader's base size; `ui.reader_look` scales them."""

from __future__ import annotations

from collections.abc import Mapping

LIGHT = {
    "text": "#1f2328",
    "muted": "#656d76",
    "card": "#ffffff",
    "card_selected": "#fff8e1",
    "accent": "#0969da",
    "border": "#d0d7de",
    "chip": "#eef2f7",
    "placeholder": "#f0f2f4",
    "background": "#f6f8fa",
    "mine": "#d1242f",
    "star": "#e3a008",
}
DARK = {
    "text": "#e6edf3",
    "muted": "#8d96a0",
    "card": "#161b22",
    "card_selected": "#2d2a1a",
    "accent": "#4493f8",
    "border": "#30363d",
    "chip": "#262c36",
    "placeholder": "#21262d",
    "background": "#0d1117",
    "mine": "#ff7b72",
    "star": "#e3b341",
}


def stylesheet(theme: Mapping[str, str]) -> str:
    return f"""
body {{ color: {theme["text"]}; background-color: {theme["background"]}; }}
a {{ color: {theme["accent"]}; text-decoration: none; }}
h1 {{ font-size: 20pt; margin-bottom: 2px; }}
p.meta {{ color: {theme["muted"]}; margin-top: 0px; }}
p.head {{ font-size: 13pt; font-weight: 600; margin: 0px; }}
span.num, a.num {{ color: {theme["muted"]}; }}
a.title {{ color: {theme["text"]}; }}
p.field {{ color: {theme["muted"]}; font-size: 9pt; margin-bottom: 0px; }}
p.body {{ margin-top: 4px; margin-bottom: 4px; }}
p.chip {{ margin-top: 2px; margin-bottom: 0px; }}
span.chip {{ background-color: {theme["chip"]}; }}
span.stars {{ color: {theme.get("star", "#e3a008")}; }}
a.muted {{ color: {theme["muted"]}; font-size: 9pt; }}
span.removed {{ color: {theme["muted"]}; font-style: italic; }}
span.mine {{ color: {theme["muted"]}; font-size: 10pt; }}
a.on {{ color: {theme["mine"]}; }}
a.off {{ color: {theme["muted"]}; }}
p.xref {{ margin-top: 4px; margin-bottom: 0px; }}
span.why {{ color: {theme["muted"]}; font-size: 9pt; }}
div.note {{ color: {theme["text"]}; }}
p.placeholder {{ color: {theme["muted"]}; background-color: {theme["placeholder"]};
  margin-top: 8px; }}
"""
