from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from .import_helpers import run_import


@pytest.fixture
def import_cmd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    """`sitegen import ARGS`, run in tmp_path so no site.yml is picked up."""
    monkeypatch.chdir(tmp_path)
    return run_import
