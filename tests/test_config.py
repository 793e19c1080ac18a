from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_values(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "title: أرشيف\nbase_url: https://u.github.io/repo\ndigits: arab\n"))
    assert config.title == "أرشيف"
    assert config.language == "ar" and config.dir == "rtl"
    assert config.locale == "ar"
    assert config.base_path == "/repo/"
    assert config.per_page.home == 20
    assert config.root == tmp_path.resolve()


def test_every_problem_is_reported_together_with_key_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "title: x\nautor: y\ndigits: roman\nper_page:\n  home: 0\n  autor: 2\nbase_url: example.com\nlocale: zz\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text = str(caught.value)
    wheres = [p.where for p in caught.value.problems]
    assert f"{path}:2: autor" in wheres
    assert f"{path}:3: digits" in wheres
    assert f"{path}:5: per_page.home" in wheres
    assert f"{path}:6: per_page.autor" in wheres
    assert f"{path}:7: base_url" in wheres
    assert f"{path}:8: locale" in wheres
    assert "did you mean `author`?" in text


def test_base_url_with_query_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="query"):
        load_config(write(tmp_path, "base_url: https://example.org/a?x=1\n"))


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "title: x\npublisher: {name: [\n"))
    assert caught.value.problems[0].where.startswith(f"{tmp_path / 'site.yml'}:")


def test_nested_mapping_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(write(tmp_path, "publisher: درج\n"))
