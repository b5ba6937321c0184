"""The draft narrative paragraph of a report, in the style of the seed article's figures, with the numbers filled in.

It is a draft for the person writing the bulletin: every number comes from ``Figures`` (the same object the tables
and the Excel sheet show), numbers are printed as the article prints them (30401, 99.96%), and a rate always comes
with its sample size.
"""

from __future__ import annotations

from pingyi.reports.figures import Figures, percent


def _rate(figures: Figures) -> str:
    if figures.satisfaction is None:
        return "暂无群众主动评价"
    verified = (
        f"，剔除经复核撤销的差评后为{percent(figures.verified_satisfaction)}"
        if figures.verified_satisfaction is not None and figures.revoked_ratings
        else ""
    )
    return (
        f"群众满意率达{percent(figures.satisfaction)}"
        f"（主动评价{figures.active_ratings}条{verified}，核实后样本{figures.verified_sample}条）"
    )


def _problems(figures: Figures, top_types: list[str], verb: str) -> str:
    if not figures.problems_found:
        return "未发现违反评议纪律的问题"
    kinds = "、".join(top_types[:2])
    return (
        f"{verb}{kinds}等问题{figures.problems_found}个" if kinds else f"{verb}问题{figures.problems_found}个"
    )


def district_narrative(figures: Figures, *, issuer: str, period: str, top_types: list[str]) -> str:
    """The district's paragraph: inspections, 作风 and accountability, the hall, mechanisms, then the ratings."""
    return (
        f"{period}，{issuer}以“双评议”工作为抓手，开展监督检查{figures.inspections}次，"
        f"{_problems(figures, top_types, '共发现')}，"
        f"督促涉及到的{figures.units_involved}家参评单位全面查找问题根源，细化落实整改措施；"
        f"梳理发现作风问题{figures.work_style_problems}个，追责问责{figures.people_held_accountable}人，"
        f"其中党纪政务处分{figures.people_formally_sanctioned}人。"
        f"全区{figures.units_in_hall}个部门{figures.items_in_hall}项办理事项入驻政务服务大厅，"
        f"推动解决问题{figures.problems_solved}个，推动参评单位建立和完善制度机制{figures.mechanisms_built}项。"
        f"据统计，{period}{issuer}通过评议平台共收到{figures.ratings}条评价，{_rate(figures)}，"
        f"查处不满意评价{figures.negative_handled}条，问责处理{figures.accountable_from_ratings}人。"
    )


def unit_narrative(figures: Figures, *, unit: str, period: str, top_types: list[str]) -> str:
    """One unit's paragraph: its ratings first (what the unit is judged on), then inspections and accountability."""
    return (
        f"{period}，{unit}通过评议平台共收到{figures.ratings}条评价，{_rate(figures)}，"
        f"差评{figures.negative_ratings}条，办结差评工单{figures.negative_handled}条，"
        f"因群众评价问责处理{figures.accountable_from_ratings}人。"
        f"接受监督检查{figures.inspections}次，{_problems(figures, top_types, '被发现')}，"
        f"整改销号{figures.problems_solved}个；作风问题{figures.work_style_problems}个，"
        f"追责问责{figures.people_held_accountable}人，其中党纪政务处分{figures.people_formally_sanctioned}人；"
        f"建立和完善制度机制{figures.mechanisms_built}项。"
        f"{unit}{figures.items_in_hall}项办理事项入驻政务服务大厅。"
    )
