"""The 命令（令）格式 template (GB/T 9704 10.2): 「××令」 in red with its top 20 mm below the
版心's top, the 令号 centred two lines under it, the body two lines under that; the
签发人's 职务, 签名章 and the 成文日期 (7.3.5.3) come with the closing.  Pages, page
numbers, 附件 pages and 版记 are the 公文 template's.
"""

from __future__ import annotations

from ...layout import standard
from ...layout.standard import Profile, mm_to_twips
from .base import (
    SINGLE_SPACING,
    add_paragraph,
    new_document,
    set_style_spacing,
    tag_paragraph,
    to_bytes,
)
from .plan import add_body_to_end


def build_order(profile: Profile) -> bytes:
    doc = new_document(profile)
    # the mark's line is as tall as its type (MARK_LINE_SHARE): the space above it alone
    # puts its top edge ORDER_MARK_TOP_BELOW_TEXT_BLOCK_MM down
    set_style_spacing(doc, "GwMark", before=mm_to_twips(standard.ORDER_MARK_TOP_BELOW_TEXT_BLOCK_MM),
                      line=round(SINGLE_SPACING * standard.MARK_LINE_SHARE), rule="auto")
    number_size = profile.style("GwDocNumber").size
    set_style_spacing(doc, "GwDocNumber", line=round(number_size * standard.TWIPS_PER_PT))
    add_paragraph(doc, "{{r order.mark }}", "GwMark")
    for _ in range(standard.ORDER_NUMBER_LINES_BELOW_MARK):
        add_paragraph(doc, "", "GwBody")
    tag_paragraph(doc, "{%p if order.number %}")
    add_paragraph(doc, "{{ order.number }}", "GwDocNumber")
    for _ in range(standard.ORDER_BODY_LINES_BELOW_NUMBER):
        add_paragraph(doc, "", "GwBody")
    tag_paragraph(doc, "{%p endif %}")
    add_body_to_end(doc)
    return to_bytes(doc)
