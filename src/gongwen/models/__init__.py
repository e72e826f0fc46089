"""Validated document models, one module per kind."""

from .base import GongwenModel, validate
from .briefing import Article, Briefing, Picture
from .evaluation import Evaluation
from .member import Member
from .plan import Attachment, DocNumber, Header, Official, Plan
from .pledge import Pledge

#: ``kind:`` value → model class
KINDS: dict[str, type[GongwenModel]] = {"plan": Plan, "实施方案": Plan,
                                        "公文": Official, "official": Official}
KINDS.update({"briefing": Briefing, "简报": Briefing})
KINDS.update({"pledge": Pledge, "承诺书": Pledge, "党员承诺书": Pledge,
              "evaluation": Evaluation, "民主评议": Evaluation})

__all__ = ["KINDS", "Article", "Briefing", "Picture", "DocNumber", "GongwenModel", "Header", "Plan", "validate"]
__all__ += ["Attachment", "Evaluation", "Member", "Official", "Pledge"]
