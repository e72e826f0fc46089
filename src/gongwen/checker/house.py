"""A house style: a YAML file that starts from a named profile and names each departure.

People ask for their own page-number format, their own pitch, a rule they do not apply;
``check --profile house.yaml`` then measures against that, and a finding the house
allows is not one.  Every departure must say why, so the file documents itself::

    名称: 都江市教育局版式
    基于: strict                  # or any named profile
    页码位置: 居中                # outside (odd right, even left) | 居中 / center
    行距磅值: 28                  # exact line pitch in pt (the standard's is 28.95)
    允许:                         # rule ids this house does not apply, each with a reason
      GW408: 二级标题用黑体加粗
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from pydantic import field_validator

from ..inputs import load_data
from ..layout import standard
from ..layout.standard import Profile
from ..models.base import GongwenModel, validate, zh
from .rules import ALL_RULES

_ALIGN = {"outside": "outside", "外侧": "outside", "center": "center", "居中": "center"}
_RULE_IDS = {rule.id for rule in ALL_RULES}


class HouseStyleModel(GongwenModel):
    name: str = zh("名称")
    base: str = zh("基于", default="strict")
    page_number_align: Literal["outside", "外侧", "center", "居中"] | None = zh(
        "页码位置", default=None)
    line_pt: float | None = zh("行距磅值", default=None, gt=10, lt=60)
    allow: dict[str, str] = zh("允许", default_factory=dict)

    @field_validator("base")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in standard.PROFILES:
            raise ValueError(f"unknown profile {value!r}; known: {', '.join(standard.PROFILES)}")
        return value

    @field_validator("allow")
    @classmethod
    def _rules(cls, value: dict[str, str]) -> dict[str, str]:
        for rule_id, reason in value.items():
            if rule_id not in _RULE_IDS:
                raise ValueError(f"{rule_id!r} is not a rule id (they run GW101 … GW408)")
            if not str(reason).strip():
                raise ValueError(f"{rule_id}: say why the house allows it")
        return value


@dataclass(frozen=True)
class HouseStyle:
    """The profile to measure against and the rules the house does not apply."""

    profile: Profile
    allowed: dict[str, str] = field(default_factory=dict)


def is_house_style_file(name: str) -> bool:
    return bool(re.search(r"\.(ya?ml|json)$", name, re.IGNORECASE))


def load_house_style(path: str | Path) -> HouseStyle:
    model = validate(HouseStyleModel, load_data(path))
    profile = standard.get_profile(model.base)
    deviations = list(profile.deviations)
    if model.page_number_align is not None:
        align = _ALIGN[model.page_number_align]
        profile = replace(profile, page_number_align=align)
        deviations.append(f"页码{model.page_number_align}")
    if model.line_pt is not None:
        profile = replace(profile, line_spacing="exact", exact_line_pt=model.line_pt)
        deviations.append(f"行距{model.line_pt:g}磅")
    deviations += [f"{rule_id}: {reason}" for rule_id, reason in model.allow.items()]
    profile = replace(profile, name=model.name, description=f"house style based on {model.base}",
                      deviations=tuple(deviations))
    return HouseStyle(profile, dict(model.allow))
