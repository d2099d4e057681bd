"""One item as markdown, for the clipboard (the card's "Copy as markdown"): its title
line as a digest writes it (the author's stars as `:star:`), its entries and links, and
my rating and note below, so it pastes into another digest or a note as it reads."""

from __future__ import annotations

from kbapp.core.day import DayItem


def item_markdown(item: DayItem) -> str:
    number = item.index if item.index is not None else item.ordinal
    title = f"[{item.title}]({item.article_url})" if item.article_url else item.title
    stars = "  " + ":star:" * item.author_stars if item.author_stars else ""
    lines = [f"{number}. {title}{stars}"]
    for entry in item.entries:
        label = f"{entry.label}: " if entry.label else ""
        lines.append(f"   - {label}{entry.text}")
        for child in entry.children:
            lines += ["     " + line for line in child.plain(1).splitlines()]
    listed = "\n".join(lines)
    for link in item.links:
        if link.url and link.field != "inline" and link.url not in listed:
            name = link.label or link.field.capitalize()
            lines.append(f"   - {name}: {link.url}")
    if item.my_rating is not None:
        lines.append(f"   - Mine: {'★' * item.my_rating or '0'}")
    if item.note:
        note = item.note.strip().replace("\n", "\n     ")
        lines.append(f"   - Note: {note}")
    return "\n".join(lines) + "\n"
