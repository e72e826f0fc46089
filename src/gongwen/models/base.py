"""What every document model shares: bilingual field names, value types, and the
translation of pydantic's errors into one-line :class:`InputError`\\ s with a place."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..errors import InputError
from ..inputs.loader import SourceData
from ..text import parse_date, parse_doc_number, strip_bidi_controls_in

M = TypeVar("M", bound="GongwenModel")


class GongwenModel(BaseModel):
    """A strict model: unknown fields are errors, every field has a Chinese name too."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _without_bidi_controls(cls, data: Any) -> Any:
        """Data given from Python, not read from a file, is cleaned like a file's."""
        return strip_bidi_controls_in(data)

    @classmethod
    def field_names(cls) -> dict[str, str]:
        """Every accepted spelling of each field → the field's Python name."""
        names: dict[str, str] = {}
        for name, info in cls.model_fields.items():
            names[name] = name
            alias = info.validation_alias
            if isinstance(alias, AliasChoices):
                for choice in alias.choices:
                    names[str(choice)] = name
        return names


def zh(chinese: str, *more: str, **kwargs: Any) -> Any:
    """A field accepted under its Python name and its Chinese name(s).

    The Python name is filled in by pydantic: AliasChoices lists the extra spellings,
    and ``populate_by_name`` keeps the attribute name valid.
    """
    return Field(validation_alias=AliasChoices(chinese, *more), **kwargs)


def _as_date(value: Any) -> Any:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return parse_date(value)
    except InputError as exc:
        raise PydanticCustomError("gongwen", exc.message, {"hint": exc.hint or ""}) from None


def _as_doc_number(value: Any) -> Any:
    if value is None or isinstance(value, dict):
        return value
    try:
        agency, year, serial = parse_doc_number(str(value))
    except InputError as exc:
        raise PydanticCustomError("gongwen", exc.message, {"hint": exc.hint or ""}) from None
    return {"agency": agency, "year": year, "serial": serial}


def _as_list(value: Any) -> Any:
    """One item may be written without a list; 「、」 or 「，」 separate items in a string."""
    if isinstance(value, str):
        for separator in ("、", "，", ","):
            if separator in value:
                return [part.strip() for part in value.split(separator) if part.strip()]
        return [value]
    return value


def _known_profile(value: str) -> str:
    from ..layout.standard import PROFILES

    if value not in PROFILES:
        raise ValueError(f"unknown 版式 {value!r}; known: {', '.join(PROFILES)}")
    return value


def _title_length(value: str) -> str:
    from ..layout.conventions import TITLE_MAX_CHARS

    if len(value) > TITLE_MAX_CHARS:
        raise PydanticCustomError(
            "gongwen", f"is {len(value):,} characters long, more than a title's "
            f"{TITLE_MAX_CHARS}", {"hint": "shorten it; the text under it goes in 正文"})
    return value


Date = Annotated[dt.date, BeforeValidator(_as_date)]
#: a title (标题): at most conventions.TITLE_MAX_CHARS characters
Title = Annotated[str, AfterValidator(_title_length)]
#: a layout profile's name (版式), checked against standard.PROFILES
ProfileName = Annotated[str, AfterValidator(_known_profile)]
DocNumberInput = BeforeValidator(_as_doc_number)
StrList = Annotated[list[str], BeforeValidator(_as_list)]

_HINTS = {
    "missing": "add it to the file",
    "string_type": "write it as text (quote it if it looks like a number or date)",
    "int_parsing": "write a whole number",
    "float_parsing": "write a plain number, its unit left out: 42, not 42mm",
    "bool_parsing": "write true or false",
    "list_type": "write a list: one '- item' per line",
    "dict_type": "write a mapping of field: value lines under it",
}


def field_path(loc: Sequence[object]) -> str:
    """A field's path as a reader counts: ``附件[2].表格``, ``文章[1].图片[1].文件`` — a list's
    items numbered from 1 in brackets, not pydantic's ``附件.1.表格``."""
    text = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def validate(model: type[M], source: SourceData, *, context: dict[str, Any] | None = None) -> M:
    """Validate ``source`` into ``model``; the first error becomes an InputError."""
    try:
        return model.model_validate(source.data, context=context)
    except ValidationError as exc:
        raise _input_error(model, source, exc) from None


def _input_error(model: type[GongwenModel], source: SourceData, exc: ValidationError) -> InputError:
    errors = exc.errors(include_url=False)
    # report unknown fields first: a "missing" field is usually the same typo seen twice
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    error = _taken_branch(errors)
    loc = tuple(part for part in error["loc"] if not _is_branch(part))
    field = field_path(loc) or None
    location = source.where(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        twice = _given_twice(owner, source, loc)
        if twice is not None:
            return InputError(f"given twice: as {twice} and as {loc[-1]}", location=location,
                              field=str(loc[-1]) if len(loc) == 1 else field,
                              hint="keep one of them")
        known = list(owner.field_names()) if owner else []
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.5)
        hint = f"did you mean {guess[0]!r}?" if guess else _known_fields_hint(known)
        return InputError("unknown field", location=location, field=field, hint=hint)
    if kind == "missing":
        owner = _model_at(model, loc[:-1])
        python_name = owner.field_names().get(str(loc[-1]), str(loc[-1])) if owner else None
        spelled = _chinese_name(owner, python_name) if owner and python_name else None
        if spelled:
            field = field_path([*loc[:-1], f"{spelled} ({python_name})"])
        return InputError("is required but missing", location=location, field=field,
                          hint=_HINTS["missing"])
    if "input" in error and error["input"] is None:  # `成文日期:` with nothing after it
        owner = _model_at(model, loc[:-1])
        python_name = owner.field_names().get(str(loc[-1])) if owner and loc else None
        spelled = _chinese_name(owner, python_name) if owner and python_name else None
        if spelled:
            field = field_path([*loc[:-1], f"{spelled} ({python_name})"])
        return InputError("is empty", location=location, field=field,
                          hint="write its value after the colon, or leave the line out "
                               "if the field is optional")
    message = error["msg"].removeprefix("Value error, ")
    hint = (error.get("ctx") or {}).get("hint") or _HINTS.get(kind)
    if kind != "gongwen" and "input" in error and not isinstance(error["input"], dict | list):
        message = f"{error['input']!r}: {message[0].lower()}{message[1:]}"
    return InputError(message, location=location, field=field, hint=hint or None)


#: how pydantic names a branch of a union in an error's location (``str | list[…]``)
_BRANCH = re.compile(r"(str|int|float|bool|constrained-\w+|[\w-]+\[.*\])")


def _is_branch(part: object) -> bool:
    return isinstance(part, str) and _BRANCH.fullmatch(part) is not None


def _taken_branch(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The error to report: the first, or when it is in one branch of a union (署名: a
    name, or a list of them), the deepest error of the branches there — the branch the
    data was written for, not the one it was never meant as."""
    first = errors[0]
    at = next((i for i, part in enumerate(first["loc"]) if i and _is_branch(part)), None)
    if at is None:
        return first
    prefix = tuple(first["loc"][:at])
    same = [e for e in errors if tuple(e["loc"][:at]) == prefix and len(e["loc"]) > at
            and _is_branch(e["loc"][at])]
    return max(same, key=lambda e: len(e["loc"]))


def _given_twice(owner: type[GongwenModel] | None, source: SourceData,
                 loc: tuple[Any, ...]) -> str | None:
    """The other spelling of the field ``loc`` names, when the data gives both (标题 and
    title): pydantic keeps one and calls the other unknown."""
    if owner is None or not loc:
        return None
    names = owner.field_names()
    target = names.get(str(loc[-1]))
    if target is None:
        return None
    node: Any = source.data
    for part in loc[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    if not isinstance(node, dict):
        return None
    return next((str(key) for key in node if key != loc[-1] and names.get(str(key)) == target),
                None)


def _known_fields_hint(known: list[str]) -> str:
    ascii_names = [name for name in known if name.isascii()]
    return "known fields: " + ", ".join(ascii_names)


def _chinese_name(model: type[GongwenModel], name: str) -> str | None:
    info = model.model_fields.get(name)
    alias = info.validation_alias if info else None
    if isinstance(alias, AliasChoices) and alias.choices:
        return str(alias.choices[0])
    return None


def _model_at(model: type[GongwenModel], loc: tuple[Any, ...]) -> type[GongwenModel] | None:
    """The nested model class that the error path ``loc`` points into."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        names = current.field_names()
        info = current.model_fields.get(names.get(str(part), ""))
        if info is None:
            return None
        current = _model_type(info.annotation)
        if current is None:
            return None
    return current


def _model_type(annotation: Any) -> type[GongwenModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, GongwenModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_type(arg)
        if found:
            return found
    return None
