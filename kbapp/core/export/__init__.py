"""Taking the library out and the user's data back in: the versioned JSON export
(`library_json`), each day as markdown again (`markdown_days`), BibTeX (`bibtex`) and
`restore` from a JSON export. Reads through the store's methods; may import `digest`,
`store`, `day` and `papers`.
"""
