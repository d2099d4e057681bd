"""The image cache: checking that bytes are a picture (`check`), the cache's files and
states (`cache`), and downloading with httpx (`fetch`). No SQL: the store records what
the cache holds. Imports nothing of kbapp but `kbapp.__version__`.
"""
