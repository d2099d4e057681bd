"""Sources: the folders the digests live in, and bringing git checkouts up to date."""
