"""Each "% kế hoạch" drawn as a small bar, in CSS only, legible in black and white.

The bar's track spans 0 to :data:`~.common.BAR_SCALE` % of plan, with a tick at 100%: a leader
sees at a glance which figures crossed the plan. A plan met is a **solid** bar; a plan not met
is a **hollow** outlined bar, so the two differ by shape, not colour. Everything is drawn with
borders, which print even when the browser leaves out background colours; no scripts, no
images, nothing fetched. The bar repeats a number the text beside it states, so it is hidden
from screen readers.
"""

from __future__ import annotations

from markupsafe import Markup

from .common import PlanCell

__all__ = ["BAR_CSS", "bar_html"]

BAR_CSS = Markup(
    ".bar { display: inline-block; position: relative; width: 12mm; height: 2.4mm;"
    " margin-right: 1.2mm; vertical-align: -.2mm; border-bottom: .4pt solid #666; }\n"
    ".bar::after { content: ''; position: absolute; left: 66.667%; top: -.6mm; bottom: -.6mm;"
    " border-left: .8pt solid #000; }\n"
    ".bar > i { position: absolute; left: 0; top: .15mm; bottom: .15mm; box-sizing: border-box;"
    " border: 1.2mm solid #222; }\n"
    ".bar.below > i { border: .8pt solid #000; }\n"
    ".plan { display: block; }\n"
)


def bar_html(plan: PlanCell) -> Markup:
    """The bar of one plan percentage (numbers only, so nothing to escape); none for a
    threshold ("từ 70% kế hoạch trở lên"), which no figure is measured against."""
    if plan.threshold:
        return Markup("")
    kind = "bar below" if plan.below else "bar met"
    return Markup(
        f'<span class="{kind}" aria-hidden="true"><i style="width: {plan.bar_width}%"></i></span>'
    )
