"""Migrations 0019 and 0020: `paper_meta`, what arXiv said about each paper asked about,
and `doi_meta`, what a DOI's registration agency said of the work (the imported side of
the library; `store.metadata` and `store.dois` read and write them). Apart from that
module so that opening a library never imports the feed parser."""

from __future__ import annotations

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


__all__ = ["doi_meta", "paper_meta"]
