"""Pictures and videos of a digest in the reader: boxes that say what and where, and the
width a picture may take (the digest's `zoom:NN%`).

The window draws the pictures it has (`kbapp/ui/images.py`); what it does not have, and
every video, is a box written here. Nothing here loads anything remote.
"""

from __future__ import annotations

import html

from kbapp.core.digest.model import Image, Video
from kbapp.core.render.links import anchor
from kbapp.core.render.prose import url_text_html


def render_image(image: Image) -> str:
    """A placeholder box naming where the picture comes from."""
    where = image.host or (f"local file {image.resolved_path}" if image.is_local else "image")
    return (
        '<p class="placeholder" align="center">&nbsp;<br>'
        '<img src="icon:image" width="14" height="14">'
        f"&nbsp; image · {html.escape(where)}<br>&nbsp;</p>"
    )


def render_video(video: Video) -> str:
    """A `<video>` of the digest as a box to click: it opens the video in the browser
    (the reader plays nothing). The digests' videos are signed, expiring `mpvideo`
    links, so the box also shows where it points, shortened, the full URL as tooltip."""
    where = html.escape(video.host or "video")
    if not video.src:
        return (
            f'<p class="placeholder video" align="center">&nbsp;<br>▶ Video · {where}'
            " (no address)<br>&nbsp;</p>"
        )
    box = anchor(video.src, f"<b>▶&nbsp;Video&nbsp;·&nbsp;{where}</b>", tooltip=True)
    address = anchor(video.src, url_text_html(video.src), css="muted", tooltip=True)
    return f'<p class="placeholder video" align="center">&nbsp;<br>{box}<br>{address}<br>&nbsp;</p>'


def max_image_width(reader_width: int, zoom: int | None) -> int:
    """The widest a picture may be shown: the digest's `zoom:NN%` of the reader's width
    (all of it without a zoom; a zoom above 100% does not widen past the reader)."""
    if zoom is None or zoom <= 0 or zoom >= 100:
        return reader_width
    return max(1, reader_width * zoom // 100)


def fit_image(width: int, height: int, reader_width: int, zoom: int | None) -> tuple[int, int]:
    """A picture's shown size: its own, scaled down (aspect kept) to `max_image_width`."""
    widest = max_image_width(reader_width, zoom)
    if width <= widest or width <= 0:
        return width, height
    return widest, max(1, round(height * widest / width))
