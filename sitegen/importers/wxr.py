"""WordPress exports (WXR): published posts with their authors, terms,
dates and slugs; drafts and private posts only when asked for."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from urllib.parse import unquote

from lxml import etree

from ..arabic import clean_text
from .dates import parse_date
from .furniture import Furniture
from .htmlconv import html_to_markdown
from .language import guess_lang
from .model import Draft, Failure, Skip

_BARE_AMP_RE = re.compile(r"&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_DRAFT_STATUSES = frozenset({"draft", "pending", "private", "future"})
# WordPress's placeholder categories say nothing about the post.
_NO_TOPIC = frozenset({"uncategorized", "غير مصنف", "غير مصنّف", "بدون تصنيف"})


def read_wxr(text: str, name: str, furniture: Furniture, include_drafts: bool = False) -> Iterator[Draft | Failure | Skip]:
    root, note = _parse(text)
    if root is None:
        yield Failure(name, f"not a readable WordPress export: {note}", "re-export it from WordPress (Tools → Export)")
        return
    channel = _child(root, "channel")
    if channel is None:
        yield Failure(name, "no <channel> in this export", "re-export it from WordPress (Tools → Export)")
        return
    authors = {
        _text(a, "author_login"): _text(a, "author_display_name") or _text(a, "author_login")
        for a in channel if _local(a) == "author"
    }  # fmt: skip
    site_lang = (_text(channel, "language") or "").split("-")[0]
    for item in channel:
        if _local(item) != "item":
            continue
        yield _read_item(item, name, authors, site_lang, note, include_drafts)


def _read_item(item: etree._Element, name: str, authors: dict[str, str], site_lang: str, note: str, include_drafts: bool) -> Draft | Failure | Skip:
    post_id = _text(item, "post_id") or "?"
    origin = f"{name}#{post_id}"
    kind = _text(item, "post_type") or "post"
    if kind != "post":
        return Skip(origin, f"a {kind}, not a post")
    status = _text(item, "status") or "publish"
    if status != "publish" and not (include_drafts and status in _DRAFT_STATUSES):
        return Skip(origin, f"{status} post" + (" (use --drafts to import it)" if status in _DRAFT_STATUSES else ""))
    title = " ".join(clean_text(_text(item, "title")).split())
    if not title:
        return Failure(origin, "post has no title", "give the post a title in WordPress, then export again")
    draft = Draft(origin=origin, format="wxr", title=title, draft=status != "publish")
    if note:
        draft.notes.append(note)
    creator = _text(item, "creator")
    if creator:
        draft.authors = [authors.get(creator, creator)]
    draft.date = _post_date(item)
    draft.source_url = _text(item, "link")
    slug = unquote(_text(item, "post_name"))
    draft.slug = clean_text(slug)
    for term in item:
        if _local(term) == "category" and term.get("domain") in ("category", "post_tag"):
            label = " ".join(clean_text(term.text or "").split())
            if label and label.lower() not in _NO_TOPIC and label not in draft.topics:
                draft.topics.append(label)
    excerpt = _text(item, "encoded", "excerpt")
    if excerpt:
        draft.summary = " ".join(clean_text(html_to_markdown(excerpt)).split())
    draft.body = clean_text(html_to_markdown(_text(item, "encoded", "content")))
    draft.lang = guess_lang(title + " " + draft.body[:2000]) or site_lang
    return draft


def _post_date(item: etree._Element) -> str | None:
    """The local post date with its offset, from post_date and post_date_gmt."""
    local, gmt = _text(item, "post_date"), _text(item, "post_date_gmt")
    try:
        local_time = dt.datetime.fromisoformat(local)
    except ValueError:
        return parse_date(_text(item, "pubDate"))
    try:
        offset = local_time - dt.datetime.fromisoformat(gmt)
    except ValueError:  # drafts have no GMT date
        return local_time.isoformat()
    minutes = round(offset.total_seconds() / 60)
    if abs(minutes) > 14 * 60:
        return local_time.isoformat()
    return local_time.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes))).isoformat()


def _parse(text: str) -> tuple[etree._Element | None, str]:
    data = text.encode("utf-8")
    try:
        return etree.fromstring(data, etree.XMLParser(huge_tree=True, resolve_entities=False, strip_cdata=False)), ""
    except etree.XMLSyntaxError as exc:
        problem = f"XML not well formed ({exc.msg}); read leniently"
    # Exports hand-edited or made by plugins often carry a bare "&".
    fixed = _BARE_AMP_RE.sub("&amp;", text).encode("utf-8")
    parser = etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False)
    try:
        root = etree.fromstring(fixed, parser)
    except etree.XMLSyntaxError as exc:
        return None, exc.msg
    return root, problem if root is not None else ""


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace_hint(element: etree._Element) -> str:
    tag = element.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _child(parent: etree._Element, local: str, namespace_part: str = "") -> etree._Element | None:
    for child in parent:
        if _local(child) == local and (not namespace_part or namespace_part in _namespace_hint(child)):
            return child
    return None


def _text(parent: etree._Element, local: str, namespace_part: str = "") -> str:
    child = _child(parent, local, namespace_part)
    return (child.text or "").strip() if child is not None else ""
