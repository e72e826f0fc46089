"""One renderer per document kind: model + options → documents.

A renderer turns a validated model into the template context of its kind; the
template, the Jinja environment and the file handling are shared in
:mod:`gongwen.documents` and :mod:`gongwen.templating`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..documents import Document, RenderOptions
from ..models import GongwenModel, Plan
from ..models.briefing import Briefing
from ..models.evaluation import Evaluation
from ..models.pledge import Pledge
from .briefing import render_briefing
from .evaluation import render_evaluation
from .plan import render_plan
from .pledge import render_pledge

Renderer = Callable[..., list[Document]]

#: model class → renderer
RENDERERS: dict[type[GongwenModel], Renderer] = {
    Plan: render_plan,
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
    if isinstance(model, Plan | Briefing):
        return False
    return None


__all__ = ["RENDERERS", "RenderOptions", "Renderer", "per_member"]
