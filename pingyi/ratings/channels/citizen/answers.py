"""What the citizen is told once a rating is stored (the page's answer and the lean intake's, word for word)."""

from __future__ import annotations

from pingyi.ratings.models import Rating


def thanks_message(rating: Rating) -> str:
    if rating.negative:
        return (
            "您的意见已收到。被评价单位须在1个工作日内回访核实并整改"
            + ("，我们会通过您留下的电话与您联系" if rating.phone_index else "")
            + "。请记下查询码，可凭它拨打12345热线查询处理进展。"
        )
    return "感谢您的评价！您的意见将帮助我们改进服务。"
