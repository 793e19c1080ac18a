"""The templates' context calls plain callables without asking them for Jinja's
pass_context marker, and still hands the context to those that carry it."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import jinja2
import pytest

from sitegen.config import default_config
from sitegen.render import make_environment


class _Box:
    def plain(self, x: str) -> str:
        return f"plain {x}"

    @jinja2.pass_context
    def marked(self, context, x: str) -> str:
        return f"marked {context['name']} {x}"


def _env(tmp_path: Path) -> jinja2.Environment:
    return make_environment(default_config(tmp_path))


@pytest.fixture
def calls(tmp_path: Path):
    env = _env(tmp_path)

    @jinja2.pass_context
    def with_context(context, x):
        return f"{context['name']}:{x}"

    @jinja2.pass_environment
    def with_environment(environment, x):
        return f"{type(environment).__name__}:{x}"

    def plain(x):
        return f"<{x}>"

    def stops(x):
        raise StopIteration

    template = env.from_string(
        "{{ with_context('a') }}|{{ with_environment('b') }}|{{ plain('c') }}|{{ part('d') }}|"
        "{{ box.plain('e') }}|{{ box.marked('f') }}|{{ len('ghi') }}|"
        "{% for i in [1] %}{{ with_context(i) }}{{ plain(i) }}{% endfor %}|{{ stops(1) is undefined }}"
    )
    return template.render(
        name="n", with_context=with_context, with_environment=with_environment, plain=plain,
        part=partial(plain), box=_Box(), len=len, stops=stops,
    )  # fmt: skip


def test_each_kind_of_callable_gets_what_jinja_would_give_it(calls: str) -> None:
    assert calls == "n:a|_Environment:b|&lt;c&gt;|&lt;d&gt;|plain e|marked n f|3|n:1&lt;1&gt;|True"


def test_plain_callables_are_not_asked_for_the_marker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[object] = []
    real = jinja2.utils._PassArg.from_obj.__func__

    def spy(cls, obj):
        asked.append(obj)
        return real(cls, obj)

    monkeypatch.setattr(jinja2.utils._PassArg, "from_obj", classmethod(spy))
    env = _env(tmp_path)
    env.from_string("{{ f('ab') }}{{ p('c') }}{{ m(3) }}{{ g(4) }}").render(f=len, p=partial(len), m=_Box().plain, g=lambda x: x)
    assert asked == []
    env.from_string("{{ m(3) }}").render(m=_Box().marked, name="n")
    assert asked  # a marked one goes through Jinja's own call, which asks
