"""The digest format (`digest-format.md`): the parsed model, the line parser, entries,
labels, links, media lines, dates, text clean-up, identities of URLs and titles, and
reading files from disk. Pure: it imports nothing of kbapp outside this package.
"""
