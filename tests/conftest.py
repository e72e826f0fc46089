"""Shared fixtures: the sample activity and a small plan written per test."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "chuangxian"


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """A private copy of the sample activity, safe to edit."""
    target = tmp_path / "sample"
    shutil.copytree(SAMPLE, target)
    return target


PLAN_YAML = """\
kind: plan
organ: 中共测试县第二小学支部委员会
doc_number: 测二小党支〔2025〕7号
header: true
title: 关于开展主题党日活动的实施方案
addressee: 各党小组
body: |
  为落实上级要求，制定本方案。
  # 工作目标
  全体党员参加主题党日。
  ## 学习安排
  每月第一周集中学习。
  ## 实践安排
  开展志愿服务。
  # 工作要求
  各党小组认真组织。
attachments: [活动安排表]
date: 2025-03-05
cc: [县教育局党组]
printer: 测试县第二小学党支部
print_date: 2025-03-05
"""


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN_YAML, encoding="utf-8")
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path
