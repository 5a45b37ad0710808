from pathlib import Path

import pytest

from automation.config import load_config
from automation.errors import UserError


def test_defaults_load_without_a_checkout_file(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config.bot_username == "incident-bot"
    assert config.cadence_minutes["SEV1"] == 30
    assert config.labels.severity["SEV2"] == "severity::2"


def test_a_team_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "bot.yml"
    path.write_text(
        "cadence_minutes: {SEV1: 15}\nlabels: {severity: {SEV1: S1, SEV2: S2, SEV3: S3}}\n"
    )
    config = load_config(path)
    assert config.cadence_minutes == {"SEV1": 15, "SEV2": 60, "SEV3": 240}
    assert config.labels.severity["SEV1"] == "S1"
    assert config.labels.state["active"] == "incident::active"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("cadence_minutes: {SEV1: fast}", "cadence_minutes.SEV1"),
        ("tier: gold", "tier"),
        ("labels: {sevrity: {}}", "sevrity"),
        ("regions: {EMEA: {timezone: Mars/Olympus, start: '08:00', end: '17:00'}}", "time zone"),
        ("[1, 2", "not valid YAML"),
        ("- a list", "settings"),
    ],
)
def test_a_bad_setting_is_one_clear_line(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "bot.yml"
    path.write_text(text)
    with pytest.raises(UserError) as error:
        load_config(path)
    assert words in str(error.value) and "\n" not in str(error.value)


def test_a_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not found"):
        load_config(tmp_path / "nope.yml")


def test_an_unknown_setting_is_named_with_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "bot.yml"
    path.write_text("bot_usrname: bot\n", encoding="utf-8")
    with pytest.raises(UserError) as error:
        load_config(path)
    message = str(error.value)
    assert "`bot_usrname` is not a known setting" in message and "bot_username" in message


def test_a_file_that_is_not_text_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bot.yml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(UserError, match="not UTF-8 text"):
        load_config(path)
