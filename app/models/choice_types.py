"""The mechanics of the console's choice sets: `Choices` (codes with labels and styles) and the
reference lists the IT office keeps as data (`ReferenceChoices`, `ReferenceSynonyms`); the sets
themselves live in `app.models.choices`."""

from collections.abc import Callable, Mapping

from markupsafe import Markup

# Bootstrap 3 contextual classes a style map may name (label-<style>, progress-bar-<style>).
STYLES = ("default", "primary", "success", "info", "warning", "danger")


def split_codes(value: str | None) -> list[str]:
    """The codes of a comma-joined set column (user groups, problems...), in stored order."""
    return [code for code in (value or "").split(",") if code]


class Choices:
    """An ordered set of (code, label) pairs with lookups both ways.

    A pair may carry a third element, the code's style (one of STYLES). Every code becomes an
    upper-case attribute holding the code itself, so callers write `TASK_STATUS.DONE` instead
    of repeating the string.
    """

    def __init__(self, *entries):
        self.pairs = tuple((code, label) for code, label, *_style in entries)
        self.codes = tuple(code for code, _ in self.pairs)
        self.styles = {code: style[0] for code, _label, *style in entries if style}
        for code in self.codes:
            name = code.upper()
            assert name.isidentifier() and not hasattr(type(self), name), code
            setattr(self, name, code)
        assert set(self.styles.values()) <= set(STYLES), self.styles

    def __iter__(self):
        return iter(self.pairs)

    def __contains__(self, code):
        return code in self.codes

    def label(self, code):
        """The translated label of a code; the code itself when unknown, '' for None."""
        if code is None or code == "":
            return ""
        for value, label in self.pairs:
            if value == code:
                return str(label)
        return str(code)

    def labels(self, value: str | None, sep: str = "、") -> str:
        """The labels of a comma-joined set of codes, joined for reading ('' when empty)."""
        return sep.join(self.label(code) for code in split_codes(value))

    def code_for_label(self, label):
        """The code whose translated label (or code) equals `label`, else None."""
        for value, text in self.pairs:
            if str(text) == label or value == label:
                return value
        return None

    def style(self, code) -> str:
        """The Bootstrap style of a code by the set's style map ('default' when it has none)."""
        return self.styles.get(code, "default")

    def badge(self, code, css: str = "", count=None, key: str = "code") -> Markup:
        """`<span class="label label-<style> css" data-<key>="code">label</span>`, the label
        followed by `count` when one is given (e.g. 逾期 3)."""
        assert key.isidentifier(), key
        classes = " ".join(part for part in ("label", f"label-{self.style(code)}", css) if part)
        text = self.label(code) if count is None else f"{self.label(code)} {count}"
        return Markup('<span class="{}" data-{}="{}">{}</span>').format(
            classes, key, code or "", text
        )


class ReferenceList:
    """Where a reference list kept as data comes from: `load()` returns its current
    ((code, label) pairs, {synonym: codes}), or None to use the built-in entries (no
    application context, or an empty table). `app.services.catalog.audiences` installs it."""

    load: Callable[[], tuple[tuple, dict] | None] | None = None

    @classmethod
    def current(cls) -> tuple[tuple, dict] | None:
        return cls.load() if cls.load is not None else None


class ReferenceChoices(Choices):
    """A `Choices` whose pairs the IT office keeps in a table (`ReferenceList`); the entries
    given here seed it, stay its named constants and answer while the table is empty."""

    def __init__(self, *entries):
        self._builtin: dict[str, tuple] = {}
        super().__init__(*entries)

    @property
    def pairs(self):
        current = ReferenceList.current()
        return current[0] if current else self._builtin["pairs"]

    @pairs.setter
    def pairs(self, value):
        self._builtin["pairs"] = value

    @property
    def codes(self):
        return tuple(code for code, _label in self.pairs)

    @codes.setter
    def codes(self, value):
        self._builtin["codes"] = value

    def label(self, code):
        """Labels of inactive or removed codes still read from the built-in list."""
        text = super().label(code)
        if text == code and code not in self.codes:
            return str(dict(self._builtin["pairs"]).get(code, code))
        return text


class ReferenceSynonyms(Mapping):
    """{word: codes} of a `ReferenceChoices` list: the table's synonyms, or the built-in ones."""

    def __init__(self, builtin: dict[str, tuple[str, ...]]):
        self.builtin = builtin

    def _current(self) -> dict:
        current = ReferenceList.current()
        return current[1] if current else self.builtin

    def __getitem__(self, word):
        return self._current()[word]

    def __iter__(self):
        return iter(self._current())

    def __len__(self):
        return len(self._current())
