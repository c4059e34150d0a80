"""A pseudo-locale: every string that goes through gettext comes back wrapped in ⟦ ⟧.

Inside `pseudo_translations()`, Django's gettext, ngettext, pgettext and npgettext (and so
`{% translate %}`, `{% blocktranslate %}`, `gettext_lazy`, form and model labels, Django's own
messages, month and day names) return their usual text between the markers. Whatever a page
then shows outside the markers was never marked for translation: `unmarked_text(html)` lists
it. Text that is data, not wording, is skipped: numbers and punctuation, elements marked
`translate="no"` (names, codes, a language's own name), and the `data` strings a test passes
(the people and departments it made). Marked text inside a marked sentence (a translated
word put into a blocktranslate) and data inside one (a name) count as marked.

The block also gathers every string looked up (`Lookup`), so a test can ask whether every
language offered translates all that the pages showed (`untranslated(lookups)`): Django's own
strings too, which Django translates for Spanish and Chinese but not for Filipino
(docs/translation.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any, NamedTuple

from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

OPEN, CLOSE = "⟦", "⟧"
# Attributes a person reads or hears: tooltips, labels, placeholders, image text.
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description")
SKIPPED_ELEMENTS = {"script", "style", "template", "noscript"}
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
INNERMOST_MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
LETTER = re.compile(r"[^\W\d_]")


class Lookup(NamedTuple):
    """A string looked up in the catalogues: its msgid, with its context and plural if any."""

    msgid: str
    context: str | None = None
    plural: str | None = None

    @classmethod
    def of(cls, name: str, args: tuple[Any, ...]) -> Lookup:
        """The lookup that `name` (gettext, ngettext, pgettext, npgettext) makes with `args`."""
        if name == "gettext":
            return cls(args[0])
        if name == "ngettext":
            return cls(args[0], plural=args[1])
        if name == "pgettext":
            return cls(args[1], context=args[0])
        return cls(args[1], context=args[0], plural=args[2])

    @property
    def key(self) -> str | tuple[str, int]:
        """Its key in a compiled catalogue (gettext's layout: a context joins with \\x04)."""
        msgid = self.msgid if self.context is None else f"{self.context}\x04{self.msgid}"
        return msgid if self.plural is None else (msgid, 0)


def _wrapped(name: str, function: Callable[..., str], lookups: set[Lookup]) -> Callable[..., str]:
    def pseudo(*args: Any) -> str:
        lookups.add(Lookup.of(name, args))
        text = function(*args)
        return f"{OPEN}{text}{CLOSE}" if text else text

    return pseudo


@contextmanager
def pseudo_translations() -> Iterator[set[Lookup]]:
    """Wrap every translated string in ⟦ ⟧ while the block runs (this thread's renders, so the
    test client's requests, not a live server's). The block gets the set of strings looked up."""
    trans = translation._trans  # type: ignore[attr-defined]  # Django's switchable backend
    names = ("gettext", "ngettext", "pgettext", "npgettext")
    originals = {name: getattr(trans, name) for name in names}  # resolves the real backend
    lookups: set[Lookup] = set()
    try:
        for name, function in originals.items():
            setattr(trans, name, _wrapped(name, function, lookups))
        yield lookups
    finally:
        for name, function in originals.items():
            setattr(trans, name, function)


def untranslated(lookups: Iterable[Lookup]) -> dict[str, list[Lookup]]:
    """For each language offered but English, the lookups that no catalogue of it translates
    (they would show in English); languages that translate them all are left out. A lookup of
    text already wrapped, a translation looked up again, is not one of the app's strings."""
    strings = [lookup for lookup in lookups if OPEN not in lookup.msgid]
    found = {}
    for language in (code for code, _ in settings.LANGUAGES if code != "en"):
        catalogue = trans_real.translation(language)._catalog  # all its catalogues, merged
        missing = [lookup for lookup in strings if lookup.key not in catalogue]
        if missing:
            found[language] = sorted(
                missing, key=lambda lookup: (lookup.msgid, lookup.context or "")
            )
    return found


class _TextNodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from the check)
        self.found: list[tuple[str, str]] = []  # (where, text)

    @property
    def skipping(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        hidden = tag in SKIPPED_ELEMENTS or values.get("translate") == "no"
        if not (hidden or self.skipping):
            for name in READ_ATTRIBUTES:
                if values.get(name):
                    self.found.append((f"[{name}] ", values[name] or ""))
            if (
                tag == "input"
                and values.get("type") in ("submit", "button")
                and values.get("value")
            ):
                self.found.append(("[value] ", values["value"] or ""))
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.found.append(("", data))


def _without_marked(html: str) -> str:
    """The page with every marked string taken out, innermost first. A marked sentence can
    hold markup (a link inside a blocktranslate) and other marked strings."""
    while INNERMOST_MARKED.search(html):
        html = INNERMOST_MARKED.sub(" ", html)
    return html


def unmarked_text(html: str, data: Iterable[str] = ()) -> list[str]:
    """The visible text and read attributes of `html` that were not marked for translation:
    what is left once the marked strings and the `data` are taken out, and has letters."""
    parser = _TextNodes()
    parser.feed(_without_marked(html))
    parser.close()
    values = sorted((value for value in data if value), key=len, reverse=True)
    unmarked = []
    for where, text in parser.found:
        rest = text
        for value in values:
            rest = rest.replace(value, " ")
        if LETTER.search(rest):
            unmarked.append(where + " ".join(text.split()))
    return unmarked
