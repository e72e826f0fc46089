"""YAML/JSON loading that keeps each value's line, so errors can point at it.

JSON is read by :mod:`json` first (its errors name the line), then by ruamel.yaml,
which accepts JSON and records positions the same way as for YAML files.

A file is checked cheapest first: its size before it is read (:mod:`.limits`), its
nesting while it is parsed, and what its aliases expand to before it is copied into
plain data, so that a hostile file is refused in a moment with one line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..errors import InputError, Location
from ..text.bidi import strip_bidi_controls
from .limits import MAX_ALIAS_VALUES, MAX_DEPTH, check_size, data_limit

#: a path into nested data: keys as the user wrote them, list indices as ints
KeyPath = tuple[str | int, ...]
DATA_SUFFIXES = (".yaml", ".yml", ".json")
#: flow brackets left open at once that no file of gongwen's could have, even counting
#: brackets in its text: refused before the YAML scanner, which slows down with each
#: one it keeps open (20,000 took it 7 s to reach Python's recursion limit)
MAX_OPEN_BRACKETS = MAX_DEPTH * 8
_BRACKET = re.compile(r"[\[\]{}]")


@dataclass
class SourceData:
    """Plain data (dicts, lists, scalars) plus the location of every key and item."""

    data: Any
    file: str | None = None
    locations: dict[KeyPath, Location] = field(default_factory=dict)

    def where(self, path: KeyPath) -> Location:
        """The location of ``path``, or of its closest located ancestor."""
        while path:
            if path in self.locations:
                return self.locations[path]
            path = path[:-1]
        return self.locations.get((), Location(self.file))


def load_text(path: Path) -> str:
    """Read a UTF-8 text file; a missing file, bad encoding or a file larger than
    :func:`~.limits.data_limit` is an InputError.  Bidi controls are dropped here, so
    no data or body text carries one into a document or a file name
    (:mod:`gongwen.text.bidi`)."""
    check_size(path, data_limit(), "data file")
    try:
        return strip_bidi_controls(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError("file not found", location=Location(str(path)),
                         hint="check the path; relative paths start at the data file's folder"
                         ) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 text (byte {exc.start})", location=Location(str(path)),
                         hint="save the file as UTF-8") from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", location=Location(str(path))) from None


def load_named_text(base_dir: Path, name: str, location: Location, field: str) -> str:
    """The text of a file a data file names (正文文件): an error names that data file's
    line and field, and the path it looked for."""
    path = base_dir / name
    try:
        return load_text(path)
    except InputError as exc:
        raise InputError(f"{name!r}: {exc.message} (looked for {path})", location=location,
                         field=field, hint=exc.hint) from None


def load_data(path: str | Path) -> SourceData:
    """Load a YAML or JSON mapping from ``path``."""
    path = Path(path)
    name = str(path)
    if path.is_dir():
        raise InputError("is a folder, not a data file", location=Location(name),
                         hint="name a .yaml or .json file in it; for an activity folder, "
                              "run `gongwen batch FOLDER --phase <名称>`")
    if path.suffix.lower() not in DATA_SUFFIXES:
        raise InputError(f"unsupported file type {path.suffix or '(none)'}",
                         location=Location(name), hint="use a .yaml, .yml or .json file")
    text = load_text(path)
    if path.suffix.lower() == ".json":
        try:
            json.loads(text)
        except RecursionError:
            raise _too_deep(name) from None
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed JSON: {exc.msg}",
                             location=Location(name, exc.lineno, exc.colno),
                             hint="check quotes, commas and brackets near this line") from None
    _check_brackets(text, name)
    yaml = YAML(typ="rt")
    # dates stay text: gongwen parses them itself, with messages that name the field
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
    try:
        raw = yaml.load(text)
    except RecursionError:
        raise _too_deep(name) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = (exc.problem or exc.context or "syntax error").strip()
        raise InputError(f"malformed YAML: {problem}", location=Location(name, line),
                         hint="check indentation and quote values that contain ':' or '#'"
                         ) from None
    except YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", location=Location(name)) from None
    if not isinstance(raw, CommentedMap):
        raise InputError("expected a mapping of field: value at the top level",
                         location=Location(name, 1), hint="start the file with 'kind: …'")
    _check_shape(raw, name)
    source = SourceData(data=None, file=name)
    source.locations[()] = Location(name, 1)
    source.data = _plain(raw, (), source)
    return source


def _too_deep(name: str, line: int | None = None) -> InputError:
    return InputError(f"lists or mappings are nested too deeply (more than {MAX_DEPTH} "
                      "levels)", location=Location(name, line),
                      hint="a gongwen data file nests a few levels at most; check brackets")


def _check_brackets(text: str, name: str) -> None:
    """Refuse text with more than :data:`MAX_OPEN_BRACKETS` brackets open at once, in
    one quick pass, naming the line where they went over."""
    if text.count("[") + text.count("{") <= MAX_OPEN_BRACKETS:
        return
    depth = 0
    for match in _BRACKET.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_OPEN_BRACKETS:
                raise _too_deep(name, text.count("\n", 0, match.start()) + 1)
        elif depth:
            depth -= 1


def _check_shape(root: CommentedMap, name: str) -> None:
    """Refuse data nested more than :data:`MAX_DEPTH` levels (an anchor that contains
    its own alias is infinitely deep) or whose aliases repeat anchors into more than
    :data:`MAX_ALIAS_VALUES` values (a "billion laughs"), naming the top-level field.
    Each distinct node is measured once, so this costs one pass over the file's own
    nodes however much the aliases would expand."""
    sizes: dict[int, tuple[int, int]] = {}  # id → (values when expanded, height)
    written = [0]  # values the file itself holds (an alias's expansion not counted)

    def measure(node: Any, depth: int) -> tuple[int, int]:
        if not isinstance(node, (CommentedMap, CommentedSeq)):
            written[0] += 1
            return 1, 0
        known = sizes.get(id(node))
        if known is not None and depth + known[1] <= MAX_DEPTH:
            return known
        if depth >= MAX_DEPTH:
            raise _too_deep(name)
        written[0] += 1
        children = node.values() if isinstance(node, CommentedMap) else node
        count, height = 1, 0
        for child in children:
            child_count, child_height = measure(child, depth + 1)
            count += child_count
            height = max(height, child_height + 1)
        sizes[id(node)] = count, height
        return count, height

    expanded = 0
    for key, value in root.items():
        line, column = root.lc.key(key)
        try:
            count, _ = measure(value, 1)
        except InputError as exc:
            raise InputError(exc.message, location=Location(name, line + 1, column + 1),
                             field=str(key), hint=exc.hint) from None
        expanded += count
        if expanded - written[0] > MAX_ALIAS_VALUES:
            raise InputError(f"its aliases (*name) repeat more than {MAX_ALIAS_VALUES:,} "
                             "values", location=Location(name, line + 1,
                                                                        column + 1),
                             field=str(key), hint="write the values out, or refer to an "
                             "anchor (&name) fewer times")


def _timestamp_as_text(constructor: Any, node: Any) -> str:
    return str(constructor.construct_scalar(node))


def _plain(node: Any, path: KeyPath, source: SourceData) -> Any:
    """Convert ruamel's commented containers to plain ones, recording locations."""
    if isinstance(node, CommentedMap):
        result: dict[str, Any] = {}
        for key, value in node.items():
            line, column = node.lc.key(key)
            key_text = str(key)
            child_path = (*path, key_text)
            source.locations[child_path] = Location(source.file, line + 1, column + 1)
            result[key_text] = _plain(value, child_path, source)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            line, column = node.lc.item(index)
            child_path = (*path, index)
            source.locations[child_path] = Location(source.file, line + 1, column + 1)
            items.append(_plain(value, child_path, source))
        return items
    if hasattr(node, "__str__") and type(node).__module__.startswith("ruamel"):
        # ScalarString, ScalarFloat, … → the plain Python value
        for plain in (bool, int, float, str):
            if isinstance(node, plain):
                return plain(node)
    return node
