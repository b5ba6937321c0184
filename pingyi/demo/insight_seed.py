"""Demo steps: roll the demo year up (dashboards, rankings and reports open on real figures), judge the alert rules."""

from __future__ import annotations

import random

from pingyi.alerts.evaluate import alerts_evaluate
from pingyi.alerts.models import Alert
from pingyi.catalog.models import District
from pingyi.demo import names
from pingyi.demo.seed import DEMO_END, Summary, step
from pingyi.insight import metrics
from pingyi.insight.cubes.rollups import rollups_refresh


@step
def rollups(rng: random.Random, summary: Summary) -> None:
    del rng
    rollups_refresh()  # the first tick rebuilds everything; later ones recompute only the days that changed
    district = District.objects.get(code=names.DISTRICT[0])
    year = metrics.summary(
        metrics.Scope(district.pk), metrics.Period(DEMO_END.replace(month=1, day=1), DEMO_END)
    )
    verified = year.verified_satisfaction or 0.0
    summary.lines.append(
        f"  统计汇总：本年评价 {year.ratings} 条（主动 {year.active}），满意率 {100 * (year.satisfaction or 0):.2f}%，"
        f"核实后 {100 * verified:.2f}%，参评率 {100 * (year.participation or 0):.1f}%"
    )


@step
def alerts(rng: random.Random, summary: Summary) -> None:
    del rng
    alerts_evaluate()  # the default rules of each district, judged on the demo year as the worker would
    open_alerts = Alert.objects.filter(cleared_at__isnull=True).count()
    summary.lines.append(f"  预警：默认规则已建立，当前预警 {open_alerts} 条")
