"""The library: one SQLite file, opened through `library.Library`, whose parts
(`library.digests`, `.days`, `.user`, `.papers`, `.search`, `.images`, `.stats`,
`.transfer`, `.removal`) are
small classes over its one connection. Schema and migrations, table rows, the search
index and every query live here: all of kbapp's SQL and nowhere else (a test says so).
May import `digest`, `search`, `images`, `day` and `papers`; never `render`, `export`
or the importer.
"""
