"""The sandbox a user's template (``--template``, ``模板:``) renders in.

Jinja's immutable sandbox keeps a template from reaching Python or changing the data;
this one also keeps it from taking the process down.  Rendering stays in-process (a
承诺书 renders in ≈ 3 ms; a process per render would cost a batch its speed), so the
template's own code is bounded from inside:

* time: every call, attribute, item, operator and loop step of template code ticks a
  budget that checks the thread's CPU time (:data:`MAX_RENDER_SECONDS` a document)
  and the process's memory growth (:data:`MAX_RENDER_MEMORY`);
* one operation: what could build a huge value in one C call (``'A' * 2000000000``,
  ``'x'.center(10**9)``, ``replace``, ``join``, ``format`` widths, ``**``) is sized
  before it runs, against :data:`MAX_VALUE_CHARS`;
* output: a rendered part may hold :data:`MAX_OUTPUT_CHARS` characters;
* files: ``{% include %}``, ``{% extends %}`` and ``{% import %}`` are refused.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

#: CPU seconds the template code of one document may take (a 1,000-row 汇总表: ≈ 1 s)
MAX_RENDER_SECONDS = 10.0
#: bytes the process may grow by while one document's template code runs
MAX_RENDER_MEMORY = 768 << 20
#: characters (or items) of one value template code makes, counted with what it holds
MAX_VALUE_CHARS = 10_000_000
#: characters of one rendered part (a 1,000-row 汇总表's document.xml: ≈ 5 million)
MAX_OUTPUT_CHARS = 64_000_000
#: items of one range() (Jinja's own sandbox limit)
MAX_RANGE = 100_000
#: bits of an integer template code makes (Python prints at most 4,300 digits)
MAX_INT_BITS = 16_384
#: template operations between two looks at the clock and at memory
CHECK_EVERY = 256
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_FORMAT_FIELD = re.compile(r"\d+")


class TemplateLimitError(SecurityError):
    """Template code went past one of this module's limits."""


class _Budget(threading.local):
    deadline: float | None = None
    memory_cap: int | None = None
    ticks: int = 0


_budget = _Budget()


def _resident() -> int:
    """The process's resident memory in bytes (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


@contextmanager
def render_budget(seconds: float | None = None) -> Iterator[None]:
    """Bound the template code run inside by CPU time and memory growth."""
    saved = (_budget.deadline, _budget.memory_cap)
    _budget.deadline = time.thread_time() + (seconds or MAX_RENDER_SECONDS)
    resident = _resident()
    _budget.memory_cap = resident + MAX_RENDER_MEMORY if resident else None
    try:
        yield
    finally:
        _budget.deadline, _budget.memory_cap = saved


def tick() -> None:
    """Count one step of template code; every :data:`CHECK_EVERY` steps, stop it when
    it has used its time or memory."""
    if _budget.deadline is None:
        return
    _budget.ticks += 1
    if _budget.ticks % CHECK_EVERY:
        return
    if time.thread_time() > _budget.deadline:
        raise TemplateLimitError(f"it took more than {MAX_RENDER_SECONDS:g} s of CPU time")
    if _budget.memory_cap is not None and _resident() > _budget.memory_cap:
        raise TemplateLimitError(f"it used more than {MAX_RENDER_MEMORY >> 20} MB of memory")


def weight(value: Any, budget: int = MAX_VALUE_CHARS) -> int:
    """Characters ``value`` prints as, roughly: strings by length, containers by what
    they hold (a list of a thousand references to one long string weighs a thousand
    times the string).  Counting stops once past ``budget``."""
    total = 0
    stack = [value]
    while stack and total <= budget:
        item = stack.pop()
        if isinstance(item, (str, bytes, bytearray)):
            total += len(item)
        elif isinstance(item, dict):
            total += len(item) + 1
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += len(item) + 1
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            total += item.bit_length() // 3 + 1
        else:
            total += 1
    return total


def _too_big(what: str, size: int | None = None) -> TemplateLimitError:
    amount = f"{size:,} characters" if size is not None else "more characters"
    return TemplateLimitError(f"{what} would make a value of {amount}, more than the "
                              f"{MAX_VALUE_CHARS:,} allowed")


def _check(value: Any) -> Any:
    """``value`` if it is within :data:`MAX_VALUE_CHARS` (by length: cheap enough for
    every step), else a :class:`TemplateLimitError`."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > MAX_INT_BITS:
            raise TemplateLimitError(f"it made a number of more than {MAX_INT_BITS:,} bits")
    elif isinstance(value, (str, bytes, list, tuple, dict)) and len(value) > MAX_VALUE_CHARS:
        raise TemplateLimitError(f"it made a value of {len(value):,} characters, more than "
                                 f"the {MAX_VALUE_CHARS:,} allowed")
    return value


def _size_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse an operator whose result alone would exceed the limits, before it runs."""
    if operator == "*":
        for sequence, times in ((left, right), (right, left)):
            if isinstance(times, int) and isinstance(sequence, (str, bytes, list, tuple)):
                size = weight(sequence) * max(times, 0)
                if size > MAX_VALUE_CHARS:
                    raise _too_big("'*'", size)
    elif operator == "**" and isinstance(left, int) and isinstance(right, int):
        if right > 0 and abs(left) > 1 and left.bit_length() * right > MAX_INT_BITS:
            raise TemplateLimitError(f"'**' would make a number of more than "
                                     f"{MAX_INT_BITS:,} bits, the most allowed")
    elif operator == "%" and isinstance(left, str):
        _size_format(left, right if isinstance(right, tuple) else (right,), "'%'")
    elif operator == "+" and isinstance(left, (list, tuple)) and isinstance(right, type(left)):
        size = weight(left) + weight(right)
        if size > MAX_VALUE_CHARS:
            raise _too_big("'+'", size)


def _size_format(template: str, args: Iterable[Any], what: str) -> None:
    """A format string's widths and precisions (``%2000000000d``, ``{:>999999999}``),
    and a width taken from an argument (``%*d``, ``{:{}}``), stay under the limit."""
    if any(int(number) > MAX_VALUE_CHARS for number in _FORMAT_FIELD.findall(template)):
        raise _too_big(f"a width in {what}")
    if "*" in template or "{:{" in template or "{}}" in template:
        values = args.values() if isinstance(args, dict) else args
        if any(isinstance(v, int) and v > MAX_VALUE_CHARS for v in values):
            raise _too_big(f"a width in {what}")


def _size_call(name: str, subject: Any, extras: tuple[Any, ...], kwargs: dict[str, Any],
               *, method: bool) -> None:
    """Refuse a call of a method or filter named ``name`` that would build a value far
    larger than its inputs in one step.  ``subject`` is the string a method is bound
    to (``method``), or the value a filter filters; ``extras`` the other arguments."""
    values = [*extras, *kwargs.values()]
    largest = max((v for v in values if isinstance(v, int) and not isinstance(v, bool)),
                  default=0)
    size = 0
    if name in ("center", "ljust", "rjust", "zfill"):
        size = max(largest, weight(subject))
    elif name == "expandtabs":
        size = weight(subject) * max(largest, 1)
    elif name in ("batch", "slice"):
        fill = kwargs.get("fill_with", extras[1] if len(extras) > 1 else None)
        size = weight(subject) + largest * (weight(fill) + 1)
    elif name in ("indent", "wordwrap"):
        text = str(subject)
        width = extras[0] if extras else kwargs.get("width", 4)
        if name == "indent":
            added = width if isinstance(width, int) else weight(width)
            size = len(text) + (text.count("\n") + 1) * added
        else:
            wrap = kwargs.get("wrapstring", extras[2] if len(extras) > 2 else None) or "\n"
            lines = len(text) // max(width, 1) + 1 if isinstance(width, int) else len(text)
            size = len(text) + lines * len(str(wrap))
    elif name == "replace" and isinstance(subject, str) and len(extras) >= 2:
        old, new = str(extras[0]), str(extras[1])
        found = len(subject) + 1 if not old else subject.count(old)
        size = len(subject) + found * len(new)
    elif name == "join":
        items, separator = (extras[0] if extras else (), subject) if method else \
            (subject, extras[0] if extras else kwargs.get("d", ""))
        if isinstance(items, (list, tuple, dict, str, set)):
            size = weight(items) + len(items) * len(str(separator))
    elif name in ("format", "format_map") and isinstance(subject, str):
        _size_format(subject, values, f"{name}()")
    elif name == "translate" and method and extras and isinstance(extras[0], dict):
        longest = max((weight(v) for v in extras[0].values()), default=1)
        size = weight(subject) * max(longest, 1)
    elif name in ("sum", "string", "tojson", "pprint", "list", "unique", "urlencode"):
        size = weight(subject) + sum(weight(v) for v in values)
    if size > MAX_VALUE_CHARS:
        raise _too_big(f"{name}()", size)


def _bounded_concat(parts: Iterable[str]) -> str:
    """Join a render's output, stopping it once it passes :data:`MAX_OUTPUT_CHARS`.
    The error is thrown into the render where it stands, so that its traceback names
    the template line that was printing."""
    pieces: list[str] = []
    total = 0
    for piece in parts:
        total += len(piece)
        if total > MAX_OUTPUT_CHARS:
            error = TemplateLimitError(f"it rendered more than {MAX_OUTPUT_CHARS:,} "
                                       "characters, the most allowed")
            throw = getattr(parts, "throw", None)
            if throw is not None:
                throw(error)
            raise error
        pieces.append(piece)
        tick()
    return "".join(pieces)


def _ticking(value: Any) -> Iterator[Any]:
    """A ``{% for %}`` loop's items, each a step of template code."""
    for item in value:
        tick()
        yield item


def _guarded_range(*args: int) -> Iterator[int]:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimitError(f"range() of {len(numbers):,} numbers is more than the "
                                 f"{MAX_RANGE:,} allowed")
    return _ticking(numbers)


def _guard_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)  # keeps jinja's pass_context / pass_environment marks
    def guarded(*args: Any, **kwargs: Any) -> Any:
        tick()
        skip = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0
        plain = args[skip:]
        _size_call(name, plain[0] if plain else None, plain[1:], kwargs, method=False)
        return _check(function(*args, **kwargs))

    return guarded


class _NoFiles(jinja2.BaseLoader):
    """What ``{% include %}``, ``{% extends %}`` and ``{% import %}`` would load from."""

    def get_source(self, environment: jinja2.Environment, template: str) -> Any:
        raise SecurityError(f"templates cannot include files ({template!r} was asked for)")


#: the filter a ``{% for %}`` loop's items pass through (a name templates cannot shadow)
_LOOP_FILTER = "gongwen_loop_step"


class GuardedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with this module's limits on time, memory and size."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    concat = staticmethod(_bounded_concat)  # type: ignore[assignment]

    def __init__(self, **options: Any) -> None:
        super().__init__(loader=_NoFiles(), **options)
        self.globals.pop("lipsum", None)  # n paragraphs of filler: nothing a 公文 needs
        self.globals["range"] = _guarded_range

    def guard_filters(self) -> None:
        """Wrap every filter (call after adding one's own) so that each call ticks and
        is sized; a loop's items pass through :func:`_ticking`."""
        for name, function in list(self.filters.items()):
            if not getattr(function, "gongwen_guarded", False):
                guarded = _guard_filter(name, function)
                guarded.gongwen_guarded = True  # type: ignore[attr-defined]
                self.filters[name] = guarded
        self.filters[_LOOP_FILTER] = _ticking

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _LOOP_FILTER, [], [], None, None,
                                     lineno=loop.lineno)
        return tree

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        tick()
        _size_binop(operator, left, right)
        return _check(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        tick()
        bound = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped
        receiver = getattr(bound, "__self__", None)
        if isinstance(receiver, (str, bytes)):
            _size_call(getattr(__obj, "__name__", ""), receiver, args, kwargs, method=True)
        return _check(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj: Any, attribute: str) -> Any:
        tick()
        return _check(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        tick()
        return _check(super().getitem(obj, argument))


def printable(value: Any) -> Any:
    """``value`` before it is printed by ``{{ }}``: a container that would print as more
    than :data:`MAX_VALUE_CHARS` characters is refused before ``str()`` builds it."""
    if _budget.deadline is not None and isinstance(value, (list, tuple, dict, set)):
        size = weight(value)
        if size > MAX_VALUE_CHARS:
            raise _too_big("printing a list", size)
    return value
