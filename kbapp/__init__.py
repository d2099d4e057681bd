"""kbapp: a desktop knowledge base for daily research-reading digests."""

__version__ = "0.1.0"
