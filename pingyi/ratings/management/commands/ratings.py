"""`pingyi ratings import FILE | export --from DATE --to DATE | seal [--date DATE]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Ratings: import/export the provincial exchange format; seal a day's ratings into the audit chain."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import ratings (JSON lines or CSV, provincial 好差评 fields)")
        imp.add_argument("file")
        imp.add_argument("--district", help="district code (default: the only district)")
        imp.add_argument("--area-code", dest="area_code", help="accept rows whose areaCode is this code")
        imp.add_argument(
            "--gbt39046", action="store_true", help="satisfaction uses GB/T 39046's code (1 = 非常满意)"
        )
        imp.add_argument("--pf-variant", dest="pf_variant", choices=["standard", "phone"], default="standard")
        exp = sub.add_parser("export", help="export ratings in the provincial format")
        exp.add_argument("--from", dest="date_from", required=True)
        exp.add_argument("--to", dest="date_to", required=True)
        exp.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        exp.add_argument("--output", "-o", default="-")
        exp.add_argument("--gbt39046", action="store_true", help="write satisfaction in GB/T 39046's code")
        exp.add_argument("--pf-variant", dest="pf_variant", choices=["standard", "phone"], default="standard")
        seal = sub.add_parser("seal", help="seal every finished day not sealed yet (or one --date)")
        seal.add_argument("--date")

    def handle(self, *args: object, **options: object) -> None:
        action = options["action"]
        if action in {"import", "export"}:
            from pingyi.ratings.channels.exchange import cli as exchange_cli

            exchange_cli.run(self, str(action), options)
        else:
            from pingyi.ratings.seals import cli as seals_cli

            seals_cli.run(self, options)
