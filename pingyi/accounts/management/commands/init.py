"""`pingyi init`: set up a district from an empty database: the district, the first superuser, the first inspector.

Interactive at a terminal (it asks for what the flags did not give); for scripts every value is a flag and
``--no-input`` refuses to ask. Passwords come from PINGYI_INIT_SUPERUSER_PASSWORD / PINGYI_INIT_INSPECTOR_PASSWORD,
or are generated, printed once, and must be replaced at the first sign-in. A second run with the same values changes
nothing; with other values it refuses and says what differs.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pingyi.accounts.firstrun import FirstRun, FirstRunResult, first_run

PROMPTS = (
    ("district_code", "行政区划代码（6位，例如 330106）"),
    ("district_name", "区的名称（例如 西湖区）"),
    ("superuser", "超级管理员用户名"),
    ("inspector", "纪检监察人员用户名"),
)


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = "Create the district, its first superuser and first inspector (once), and print what to do next."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district-code", help="行政区划代码, six digits (e.g. 330106)")
        parser.add_argument("--district-name", help="the district's name (e.g. 西湖区)")
        parser.add_argument("--superuser", help="username of the first superuser")
        parser.add_argument("--inspector", help="username of the first inspector (纪检监察)")
        parser.add_argument(
            "--no-input", "--noinput", action="store_true", dest="no_input", help="never prompt"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        values = {key: (options.get(key) or "").strip() for key, _ in PROMPTS}
        missing = [label for key, label in PROMPTS if not values[key]]
        if missing and options["no_input"]:
            raise CommandError("缺少：" + "；".join(missing))
        for key, label in PROMPTS:
            while not values[key]:
                self.stdout.write(f"{label}：", ending="")
                self.stdout.flush()
                line = self.stdin.readline() if self.stdin is not None else ""
                if not line:
                    raise CommandError("输入已结束，未作任何更改")
                values[key] = line.strip()
        request = FirstRun(
            **values,
            superuser_password=os.environ.get("PINGYI_INIT_SUPERUSER_PASSWORD", ""),
            inspector_password=os.environ.get("PINGYI_INIT_INSPECTOR_PASSWORD", ""),
        )
        try:
            result = first_run(request)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        self._report(request, result)

    def execute(self, *args: Any, **options: Any) -> Any:
        self.stdin = options.get("stdin", sys.stdin)  # call_command(..., stdin=StringIO(...)) in tests
        return super().execute(*args, **options)

    def _report(self, request: FirstRun, result: FirstRunResult) -> None:
        district = result.district
        if not result.created:
            self.stdout.write(
                f"已初始化：{district.code} {district.name}，与这次给出的值相同，未作任何更改。"
            )
            return
        write = self.stdout.write
        write(self.style.SUCCESS(f"已创建区 {district.code} {district.name}"))
        for username, role in ((request.superuser, "超级管理员"), (request.inspector, "纪检监察")):
            password = result.generated.get(username)
            shown = (
                f"一次性密码 {password}（只显示这一次，首次登录须修改）" if password else "密码取自环境变量"
            )
            write(f"  {role}：{username}  {shown}")
        site = settings.SITE_URL
        write("")
        write("下一步：")
        for step in (
            f"1. 启动服务：pingyi serve，另开一个终端运行 pingyi worker；以超级管理员登录 {site}/login/",
            f"2. 建大厅和便民服务中心：{site}/catalog/halls/new/，或 pingyi import halls 大厅.xlsx",
            "3. 依次导入单位、窗口、工作人员、事项、排班：pingyi import units|windows|staff|items|rosters 文件，"
            f"或在 {site}/imports/ 上传；每种导入的模板（.xlsx）在该页下载",
            f"4. 建账户：{site}/users/new/ 逐个创建，或 pingyi import users 账户.xlsx 批量导入（每人一个一次性密码）",
            f"5. 打印窗口二维码：{site}/posters/；群众扫码评价后，{site}/ratings/ 可见第一条评价",
        ):
            write(f"  {step}")
