"""Search text: how an item's fields become index text and facet tokens, and how a
query reads (`text`). Pure; the store runs the SQL. Imports nothing of kbapp.
"""
