"""HTML for the reader: a day as cards (`day`) and a paper's page (`papers`), written
for Qt's rich-text engine, from digest text (`prose`), the user's notes (`notes`) and
pictures and videos (`media`). Pure: data in, HTML out; may import `digest`, `day` and
the store's value types, never a connection.
"""
