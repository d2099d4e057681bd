"""The CSL-JSON input schema (CSL 1.0.2, "csl-data.json"), restated from the Citation
Style Language's specification: its item types (Appendix III), its variables by kind
(Appendix IV: names, dates, numbers, standard strings) and its name and date models.
Items must have `id` and `type`; no other property is allowed (as in the published
schema's `additionalProperties: false`), so a field kbapp invents fails."""

from __future__ import annotations

from typing import Any

TYPES = [
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "classic",
    "collection",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "event",
    "figure",
    "graphic",
    "hearing",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "musical_score",
    "pamphlet",
    "paper-conference",
    "patent",
    "performance",
    "periodical",
    "personal_communication",
    "post",
    "post-weblog",
    "regulation",
    "report",
    "review",
    "review-book",
    "software",
    "song",
    "speech",
    "standard",
    "thesis",
    "treaty",
    "webpage",
]

NAMES = [
    "author",
    "chair",
    "collection-editor",
    "compiler",
    "composer",
    "container-author",
    "contributor",
    "curator",
    "director",
    "editor",
    "editorial-director",
    "executive-producer",
    "guest",
    "host",
    "illustrator",
    "interviewer",
    "narrator",
    "organizer",
    "original-author",
    "performer",
    "producer",
    "recipient",
    "reviewed-author",
    "script-writer",
    "series-creator",
    "translator",
]

DATES = ["accessed", "available-date", "event-date", "issued", "original-date", "submitted"]

NUMBERS = [
    "chapter-number",
    "citation-number",
    "collection-number",
    "edition",
    "first-reference-note-number",
    "issue",
    "locator",
    "number",
    "number-of-pages",
    "number-of-volumes",
    "page",
    "page-first",
    "part",
    "printing",
    "supplement",
    "volume",
]

STRINGS = [
    "abstract",
    "annote",
    "archive",
    "archive_collection",
    "archive_location",
    "archive-place",
    "authority",
    "call-number",
    "citation-key",
    "citation-label",
    "collection-title",
    "container-title",
    "container-title-short",
    "dimensions",
    "division",
    "DOI",
    "event",
    "event-title",
    "event-place",
    "genre",
    "ISBN",
    "ISSN",
    "jurisdiction",
    "keyword",
    "language",
    "journalAbbreviation",
    "license",
    "medium",
    "note",
    "original-publisher",
    "original-publisher-place",
    "original-title",
    "part-title",
    "PMCID",
    "PMID",
    "publisher",
    "publisher-place",
    "references",
    "reviewed-genre",
    "reviewed-title",
    "scale",
    "section",
    "shortTitle",
    "source",
    "status",
    "title",
    "title-short",
    "URL",
    "version",
    "year-suffix",
]

NAME: dict[str, Any] = {
    "type": "object",
    "properties": {
        **{
            p: {"type": "string"}
            for p in (
                "family",
                "given",
                "dropping-particle",
                "non-dropping-particle",
                "suffix",
                "literal",
            )
        },
        **{
            p: {"type": ["string", "number", "boolean"]}
            for p in ("comma-suffix", "static-ordering", "parse-names")
        },
    },  # fmt: skip
    "additionalProperties": False,
}

DATE: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": "[0-9,-,%,~,X,?,..,/]"},  # EDTF
        {
            "type": "object",
            "properties": {
                "date-parts": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 2,
                    "items": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 3,
                        "items": {"type": ["string", "number"]},
                    },
                },  # fmt: skip
                "season": {"type": ["string", "number"]},
                "circa": {"type": ["string", "number", "boolean"]},
                "literal": {"type": "string"},
                "raw": {"type": "string"},
            },
            "additionalProperties": False,
        },
    ]
}

SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": TYPES},
            "id": {"type": ["string", "number"]},
            "categories": {"type": "array", "items": {"type": "string"}},
            "custom": {"type": "object"},
            **{name: {"type": "array", "items": NAME} for name in NAMES},
            **{name: DATE for name in DATES},
            **{name: {"type": ["string", "number"]} for name in NUMBERS},
            **{name: {"type": "string"} for name in STRINGS},
        },
        "required": ["type", "id"],
        "additionalProperties": False,
    },
}
