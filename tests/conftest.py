"""Shared test helpers: where the repository, fixtures and the shared corpus are."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ("tests.jira_site",)  # the mock Jira site fixtures: cloud, data_center

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
CORPUS_BULK = SHARED / "corpus-bulk"


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.xml")) if CORPUS.is_dir() else []


def bulk_files() -> list[Path]:
    return sorted(CORPUS_BULK.glob("*.xml")) if CORPUS_BULK.is_dir() else []


@pytest.fixture
def repo() -> Path:
    return REPO
