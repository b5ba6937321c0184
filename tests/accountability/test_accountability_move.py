"""The accountability models moved out of tickets on their tables: a database at the schema before the move keeps every
row, link and content type when it migrates (and a new database gets the sanction types from accountability.0002)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pingyi.accountability.models import AccountabilityRecord, Mechanism, SanctionType, Suggestion
from pingyi.disclosure.models import Bulletin
from pingyi.tickets.models import Ticket

# The last migrations before the move; accountability did not exist.
BEFORE = [("tickets", "0004_ticket_files"), ("disclosure", "0001_initial"), ("accountability", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def _leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_records_links_and_content_types(world):
    sanction_count = SanctionType.objects.count()
    assert sanction_count == 22
    ticket = Ticket.objects.create(
        tracking_code="MOVE000001", district=world.district, unit=world.unit_a, source="hotline", summary="x"
    )
    inspector = world.users["inspector"]
    try:
        old = _migrate(BEFORE).loader.project_state([n for n in BEFORE if n[1]]).apps
        OldSanction = old.get_model("tickets", "SanctionType")
        OldRecord = old.get_model("tickets", "AccountabilityRecord")
        OldSuggestion = old.get_model("tickets", "Suggestion")
        OldMechanism = old.get_model("tickets", "Mechanism")
        OldBulletin = old.get_model("disclosure", "Bulletin")
        assert OldSanction.objects.count() == sanction_count  # the same table, read by the old state
        assert set(
            ContentType.objects.filter(model__in=["accountabilityrecord", "suggestion"]).values_list(
                "app_label", flat=True
            )
        ) == {"tickets"}
        record = OldRecord.objects.create(
            district_id=world.district.pk,
            unit_id=world.unit_a.pk,
            person_name="张三",
            sanction=OldSanction.objects.get(code="OR04"),
            reason="差评属实",
            decided_on=date(2026, 11, 20),
            decided_by_id=inspector.pk,
        )
        record.tickets.add(ticket.pk)
        suggestion = OldSuggestion.objects.create(
            district_id=world.district.pk,
            unit_id=world.unit_a.pk,
            number="测纪建〔2026〕9号",
            issues="x",
            suggestions="y",
            reply_by=date(2026, 12, 20),
            issued_on=date(2026, 11, 20),
            issued_by_id=inspector.pk,
        )
        suggestion.tickets.add(ticket.pk)
        mechanism = OldMechanism.objects.create(
            district_id=world.district.pk,
            unit_id=world.unit_a.pk,
            title="回访制度",
            description="z",
            adopted_on=date(2026, 11, 21),
            recorded_by_id=inspector.pk,
            suggestion=suggestion,
        )
        bulletin = OldBulletin.objects.create(
            district_id=world.district.pk,
            kind="monthly",
            title="月度通报",
            body="……",
            drafted_by_id=inspector.pk,
            drafted_at=ticket.opened_at,
        )
        bulletin.accountability.add(record)
    finally:
        _migrate(_leaves())

    moved = AccountabilityRecord.objects.get(pk=record.pk)
    assert moved.sanction.code == "OR04" and list(moved.tickets.all()) == [ticket]
    assert list(Ticket.objects.get(pk=ticket.pk).accountability.all()) == [moved]
    assert list(Suggestion.objects.get(pk=suggestion.pk).mechanisms.all()) == [
        Mechanism.objects.get(pk=mechanism.pk)
    ]
    assert list(Bulletin.objects.get(pk=bulletin.pk).accountability.all()) == [moved]
    assert SanctionType.objects.count() == sanction_count  # the upgrade loaded nothing twice
    names = ["sanctiontype", "accountabilityrecord", "suggestion", "mechanism"]
    assert ContentType.objects.filter(app_label="accountability", model__in=names).count() == 4
    assert not ContentType.objects.filter(app_label="tickets", model__in=names).exists()
