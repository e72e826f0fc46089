"""Validated document models, one module per kind."""

from .base import GongwenModel, validate
from .plan import DocNumber, Header, Plan

#: ``kind:`` value → model class
KINDS: dict[str, type[GongwenModel]] = {"plan": Plan, "实施方案": Plan}

__all__ = ["KINDS", "DocNumber", "GongwenModel", "Header", "Plan", "validate"]
