"""One renderer per document kind: model + options → documents.

A renderer turns a validated model into the template context of its kind; the
:class:`Document` it returns, the template choice and the file handling are shared
in :mod:`.document`, the Jinja environment in :mod:`gongwen.templating`.
:func:`render_all` is the library's main entry point: data → model → renderer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError, Location
from ..inputs import SourceData, load_data
from ..layout import standard
from ..models import KINDS, GongwenModel, Official, Plan, validate
from ..models.briefing import Briefing
from ..models.evaluation import Evaluation
from ..models.pledge import Pledge
from .briefing import render_briefing
from .document import Document, RenderOptions
from .evaluation import render_ballot
from .evaluation_register import render_register
from .evaluation_summary import render_summary
from .members import roster_for
from .plan import render_plan
from .pledge import render_pledge

Renderer = Callable[..., list[Document]]


def render_evaluation(model: Evaluation, options: RenderOptions) -> list[Document]:
    """Render the 民主评议 form ``model.form`` names (测评表, 登记表 or 汇总表)."""
    roster = roster_for(options, model.roster)
    renderer = {"ballot": render_ballot, "register": render_register,
                "summary": render_summary}[model.form]
    return renderer(model, options, roster)

#: model class → renderer
RENDERERS: dict[type[GongwenModel], Renderer] = {
    Plan: render_plan,
    Official: render_plan,
    Briefing: render_briefing,
    Pledge: render_pledge,
    Evaluation: render_evaluation,
}


def per_member(model: GongwenModel) -> bool | None:
    """Whether ``model`` makes a document per roster member (a 承诺书, a 登记表) or
    one for the whole branch; None for a kind this registry does not know."""
    if isinstance(model, Pledge):
        return True
    if isinstance(model, Evaluation):
        return model.form == "register"
    if isinstance(model, Official | Briefing):
        return False
    return None


def render_all(
    data: str | Path | Mapping[str, Any] | GongwenModel | SourceData,
    *,
    template: str | Path | None = None,
    profile: str | None = None,
    roster: str | Path | None = None,
    tallies: str | Path | None = None,
    members: Sequence[str] = (),
) -> list[Document]:
    """Render ``data`` into every document it describes (one per member for pledges).

    ``template`` is a user's ``.docx`` (rendered in Jinja's sandbox); ``profile``
    overrides the data's 版式; ``roster``/``tallies`` are CSV/XLSX files for the kinds
    that need members; ``members`` limits those kinds to the named members.
    """
    if profile is not None and profile not in standard.PROFILES:
        raise InputError(f"unknown profile {profile!r}", field="profile",
                         hint="one of: " + ", ".join(standard.PROFILES))
    source, model, base_dir = _load(data)
    options = RenderOptions(source, base_dir, template, profile, roster, tallies, tuple(members))
    renderer = RENDERERS.get(type(model))
    if renderer is None:
        raise InputError(f"no renderer for {type(model).__name__}", location=source.where(()))
    return renderer(model, options)


def render(
    data: str | Path | Mapping[str, Any] | GongwenModel,
    *,
    template: str | Path | None = None,
    profile: str | None = None,
    **kwargs: Any,
) -> Document:
    """Render ``data`` (a YAML/JSON path, a dict, or a model) into one :class:`Document`.

    For kinds that make one document per member use :func:`render_all`.
    """
    documents = render_all(data, template=template, profile=profile, **kwargs)
    if len(documents) != 1:
        where = Location(documents[0].source) if documents else Location()
        raise InputError(f"this data makes {len(documents)} documents, not one",
                         location=where, hint="use gongwen.render_all() to get all of them")
    return documents[0]


def _load(data: Any) -> tuple[SourceData, GongwenModel, Path]:
    if isinstance(data, SourceData):  # read already (an activity's shared values merged)
        source = data
        base_dir = Path(data.file).resolve().parent if data.file else Path.cwd()
    elif isinstance(data, GongwenModel):
        return SourceData(data=data.model_dump(), file=None), data, Path.cwd()
    elif isinstance(data, Mapping):
        source = SourceData(data=dict(data), file=None)
        base_dir = Path.cwd()
    else:
        path = Path(data)
        source = load_data(path)
        base_dir = path.resolve().parent
    kind = source.data.get("kind", source.data.get("类型", "plan"))
    model_class = KINDS.get(str(kind))
    if model_class is None:
        loc = source.where(("kind",)) if "kind" in source.data else source.where(("类型",))
        raise InputError(f"unknown document kind {kind!r}", location=loc, field="kind",
                         hint="one of: " + ", ".join(k for k in KINDS if k.isascii()))
    return source, validate(model_class, source), base_dir


__all__ = ["RENDERERS", "Document", "RenderOptions", "Renderer", "per_member", "render",
           "render_all"]
