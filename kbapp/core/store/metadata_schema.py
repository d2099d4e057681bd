"""Migrations 0019 and 0020: `paper_meta`, what arXiv said about each paper asked about,
and `doi_meta`, what a DOI's registration agency said of the work (the imported side of
the library; `store.metadata` and `store.dois` read and write them). Apart from that
module so that opening a library never imports the feed parser."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from kbapp.core.store.constraints import time_check

if TYPE_CHECKING:
    from sqlite_utils import Database


def paper_meta(db: Database) -> None:
    """Migration 0019: `paper_meta`, one row a paper asked about."""
    db.execute(
        f"""CREATE TABLE paper_meta (
            paper_key TEXT PRIMARY KEY CHECK (typeof(paper_key) = 'text'),
            source TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'not_found', 'failed')),
            reason TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            fetched_at TEXT NOT NULL {time_check("fetched_at")},
            next_try_at TEXT,
            data TEXT
        ) WITHOUT ROWID"""
    )


def doi_meta(db: Database) -> None:
    """Migration 0020: `doi_meta`, one row a DOI resolved (or tried), by its lower case."""
    db.execute(
        f"""CREATE TABLE doi_meta (
            doi TEXT PRIMARY KEY CHECK (typeof(doi) = 'text' AND doi = lower(doi)),
            status TEXT NOT NULL CHECK (status IN ('ok', 'not_found', 'failed')),
            reason TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            fetched_at TEXT NOT NULL {time_check("fetched_at")},
            next_try_at TEXT,
            data TEXT
        ) WITHOUT ROWID"""
    )


# What arXiv said of each paper (title, authors, abstract), searchable by `paper:`: a
# contentless FTS5 table (no copy of the text; a row leaves it by a 'delete' given the
# text it was indexed with, made again from `paper_meta.data`), its rowids the ids of
# `paper_search_ids`.
PAPER_SEARCH = (
    "CREATE VIRTUAL TABLE paper_search USING fts5(text, content = '', "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '1')"
)


def paper_search(db: Database) -> None:
    """Migration 0021: `paper_search` and `paper_search_ids`, filled from `paper_meta`."""
    from kbapp.core.metadata.arxiv import ArxivRecord
    from kbapp.core.search.text import paper_text

    db.execute(
        "CREATE TABLE paper_search_ids (id INTEGER PRIMARY KEY, "
        "paper_key TEXT NOT NULL UNIQUE CHECK (typeof(paper_key) = 'text'))"
    )
    db.execute(PAPER_SEARCH)
    rows = db.execute("SELECT paper_key, data FROM paper_meta WHERE data IS NOT NULL").fetchall()
    for key, data in rows:
        cursor = db.execute("INSERT INTO paper_search_ids (paper_key) VALUES (?)", [key])
        record = ArxivRecord.from_json(json.loads(data))
        db.execute(
            "INSERT INTO paper_search (rowid, text) VALUES (?, ?)",
            [cursor.lastrowid, paper_text(record)],
        )


def sources(db: Database) -> None:
    """Migration 0022: `sources`, the folders the user's digests live in, and
    `source_files`, the size and modification time of each file under them last read,
    so that a rescan reads only what changed."""
    db.execute(
        f"""CREATE TABLE sources (
            path TEXT PRIMARY KEY CHECK (typeof(path) = 'text' AND path <> ''),
            kind TEXT NOT NULL CHECK (kind IN ('folder', 'git')),
            added_at TEXT NOT NULL {time_check("added_at")},
            last_scan_at TEXT,
            last_error TEXT
        ) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TABLE source_files (
            path TEXT PRIMARY KEY CHECK (typeof(path) = 'text' AND path <> ''),
            size INTEGER NOT NULL CHECK (typeof(size) = 'integer'),
            mtime_ns INTEGER NOT NULL CHECK (typeof(mtime_ns) = 'integer')
        ) WITHOUT ROWID"""
    )


__all__ = ["PAPER_SEARCH", "doi_meta", "paper_meta", "paper_search", "sources"]
