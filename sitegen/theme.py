"""Where a site's templates and static files come from: the site's own folders,
then its theme's (in the site, else bundled with sitegen).

Kept apart from render.py so that a build can list its inputs without
importing Jinja.
"""

from __future__ import annotations

from pathlib import Path

from .config import Config

BUNDLED_THEMES = Path(__file__).resolve().parent.parent / "themes"


def theme_dir(config: Config) -> Path | None:
    """The site's theme folder, else sitegen's own of that name, else None."""
    for themes in (config.root / "themes", BUNDLED_THEMES):
        if (themes / config.theme).is_dir():
            return themes / config.theme
    return None


def template_dirs(config: Config) -> list[Path]:
    """Site overrides first, then the theme."""
    theme = theme_dir(config)
    dirs = [config.root / "templates"] + ([theme / "templates"] if theme else [])
    return [d for d in dirs if d.is_dir()]


def static_dirs(config: Config) -> list[Path]:
    """Theme first, then the site's static/, whose files replace the theme's."""
    theme = theme_dir(config)
    dirs = ([theme / "static"] if theme else []) + [config.root / "static"]
    return [d for d in dirs if d.is_dir()]
