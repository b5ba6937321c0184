"""Settings read from the environment: a value that cannot be read stops the process with a message naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from pingyi.lib.env import database_from_url, envbool, envchoice, envfloat, envint, envlist, envstr

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("word", ["1", "true", "True", "YES", "on", " yes "])
def test_envbool_reads_the_yes_words(monkeypatch, word):
    monkeypatch.setenv("PINGYI_X", word)
    assert envbool("PINGYI_X", False) is True


@pytest.mark.parametrize("word", ["0", "false", "FALSE", "no", "Off", " 0 "])
def test_envbool_reads_the_no_words(monkeypatch, word):
    monkeypatch.setenv("PINGYI_X", word)
    assert envbool("PINGYI_X", True) is False


@pytest.mark.parametrize("value", [None, "", "  "])
def test_envbool_unset_or_empty_is_the_default(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("PINGYI_X", raising=False)
    else:
        monkeypatch.setenv("PINGYI_X", value)
    assert envbool("PINGYI_X", True) is True
    assert envbool("PINGYI_X", False) is False


@pytest.mark.parametrize("word", ["ture", "y", "2", "enabled", "真"])
def test_envbool_refuses_anything_else_naming_the_variable_and_the_accepted_words(monkeypatch, word):
    monkeypatch.setenv("PINGYI_X", word)
    with pytest.raises(ImproperlyConfigured) as refused:
        envbool("PINGYI_X", False)
    message = str(refused.value)
    assert "PINGYI_X" in message and repr(word) in message
    assert "true" in message and "false" in message


def test_envint_reads_whole_numbers_and_defaults_when_unset(monkeypatch):
    monkeypatch.setenv("PINGYI_X", " 30 ")
    assert envint("PINGYI_X", 5) == 30
    monkeypatch.setenv("PINGYI_X", "-2")
    assert envint("PINGYI_X", 5) == -2
    monkeypatch.setenv("PINGYI_X", "")
    assert envint("PINGYI_X", 5) == 5
    monkeypatch.delenv("PINGYI_X")
    assert envint("PINGYI_X", 5) == 5


@pytest.mark.parametrize("value", ["1.5", "ten", "1e3", "30s", "0x10"])
def test_envint_refuses_what_is_not_a_whole_number(monkeypatch, value):
    monkeypatch.setenv("PINGYI_X", value)
    with pytest.raises(ImproperlyConfigured, match=r"PINGYI_X=.* is not a whole number"):
        envint("PINGYI_X", 5)


def test_envfloat_reads_numbers(monkeypatch):
    monkeypatch.setenv("PINGYI_X", "0.25")
    assert envfloat("PINGYI_X", 0.3) == 0.25
    monkeypatch.setenv("PINGYI_X", "1")
    assert envfloat("PINGYI_X", 0.3) == 1.0
    monkeypatch.delenv("PINGYI_X")
    assert envfloat("PINGYI_X", 0.3) == 0.3


@pytest.mark.parametrize("value", ["30%", "nan", "inf", "0,3"])
def test_envfloat_refuses_what_is_not_a_finite_number(monkeypatch, value):
    monkeypatch.setenv("PINGYI_X", value)
    with pytest.raises(ImproperlyConfigured, match=r"PINGYI_X=.* is not a number"):
        envfloat("PINGYI_X", 0.3)


def test_envchoice_accepts_the_listed_words_only(monkeypatch):
    monkeypatch.delenv("PINGYI_X", raising=False)
    assert envchoice("PINGYI_X", "five", ("five", "three")) == "five"
    monkeypatch.setenv("PINGYI_X", "three")
    assert envchoice("PINGYI_X", "five", ("five", "three")) == "three"
    monkeypatch.setenv("PINGYI_X", "Three")
    with pytest.raises(ImproperlyConfigured, match="PINGYI_X='Three' is not one of: five, three"):
        envchoice("PINGYI_X", "five", ("five", "three"))


def test_envstr_reads_the_variable_or_the_file_it_names(monkeypatch, tmp_path):
    monkeypatch.setenv("PINGYI_X", "plain")
    assert envstr("PINGYI_X") == "plain"
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("PINGYI_X_FILE", str(secret))
    assert envstr("PINGYI_X") == "from-a-file"


def test_envstr_refuses_a_file_that_cannot_be_read(monkeypatch, tmp_path):
    monkeypatch.setenv("PINGYI_X_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="PINGYI_X_FILE=.*cannot read the file"):
        envstr("PINGYI_X")


def test_envlist_splits_on_commas_and_drops_empty_items(monkeypatch):
    monkeypatch.setenv("PINGYI_X", " a.example, ,b.example,")
    assert envlist("PINGYI_X", ["x"]) == ["a.example", "b.example"]
    monkeypatch.setenv("PINGYI_X", " ")
    assert envlist("PINGYI_X", ["x"]) == ["x"]


def test_a_database_url_of_another_kind_is_refused(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="unsupported scheme 'mysql'"):
        database_from_url("mysql://db/pingyi", default_sqlite_path=tmp_path / "db.sqlite3")


@pytest.mark.parametrize(
    ("variable", "value"),
    [("PINGYI_HTTPS", "ture"), ("PINGYI_SESSION_SECONDS", "8h"), ("PINGYI_RATING_SCALE", "seven")],
)
def test_pingyi_does_not_start_on_a_bad_value_and_says_which(tmp_path, variable, value):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("PINGYI_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update({"PINGYI_HOME": str(tmp_path), variable: value})
    result = subprocess.run(  # noqa: S603
        [str(Path(sys.executable).with_name("pingyi")), "check"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and f"{variable}={value!r}" in result.stderr
