"""HTML for the reader: a day as cards (`day`) and a paper's page (`papers`), written
for Qt's rich-text engine. Pure: data in, HTML out; may import `digest`, `day` and the
store's value types, never a connection.
"""
