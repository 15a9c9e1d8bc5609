"""Authorising the Telegram session file: the flow through a fake with Telethon's interface
and errors, then `otklik ingest telegram-login` with that fake in place of Telethon's client."""

import logging
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.telegram.login import LoginFailed, LoginPrompts, log_in, mask_phone, session_file
from otklik.cli import app
from otklik.settings import get_settings
from tests.ingest.telegram_fake import FakeTelegramLogin

PHONE = "+7 999 123-45-67"
MASKED = "+7********67"
CODE = "24680"
PASSWORD = "correct horse battery"
API_HASH = "0123456789abcdef0123456789abcdef"
runner = CliRunner()


@dataclass
class Operator:
    """Answers the prompts from a script and records what was asked."""

    phone: str = PHONE
    codes: list[str] = field(default_factory=lambda: [CODE])
    password: str = PASSWORD
    asked: list[str] = field(default_factory=list)

    def prompts(self) -> LoginPrompts:
        return LoginPrompts(phone=self._phone, code=self._code, password=self._password)

    def _phone(self) -> str:
        self.asked.append("phone")
        return self.phone

    def _code(self, attempt: int) -> str:
        self.asked.append(f"code {attempt}")
        return self.codes[attempt - 1]

    def _password(self) -> str:
        self.asked.append("password")
        return self.password


def test_an_authorised_session_is_only_reported() -> None:
    fake, operator = FakeTelegramLogin(authorised=True), Operator()

    result = log_in(fake, phone=None, prompts=operator.prompts())

    assert result.already_authorised
    assert result.account.describe() == f"Ольга (@olga_cur, id 777000123, phone {MASKED})"
    assert (operator.asked, fake.codes_sent_to, fake.connected) == ([], [], False)


def test_code_flow_with_the_phone_prompted() -> None:
    fake, operator = FakeTelegramLogin(code=CODE), Operator()

    result = log_in(fake, phone=None, prompts=operator.prompts())

    assert not result.already_authorised and fake.authorised
    assert operator.asked == ["phone", "code 1"]
    assert fake.codes_sent_to == [PHONE]
    assert result.account.username == "olga_cur" and result.account.masked_phone == MASKED
    assert not fake.connected


def test_two_step_password_after_the_code() -> None:
    fake, operator = FakeTelegramLogin(code=CODE, password=PASSWORD), Operator()

    result = log_in(fake, phone=PHONE, prompts=operator.prompts())

    assert fake.authorised and result.account.id == 777_000_123
    assert operator.asked == ["code 1", "password"]


def test_a_wrong_code_is_asked_again() -> None:
    fake, operator = FakeTelegramLogin(code=CODE), Operator(codes=["11111", CODE])

    log_in(fake, phone=PHONE, prompts=operator.prompts())

    assert fake.authorised and operator.asked == ["code 1", "code 2"]
    assert fake.codes_sent_to == [PHONE]  # one code, typed twice


def test_three_wrong_codes_end_the_login() -> None:
    fake, operator = FakeTelegramLogin(code=CODE), Operator(codes=["1", "2", "3", CODE])

    with pytest.raises(LoginFailed, match="wrong 3 times"):
        log_in(fake, phone=PHONE, prompts=operator.prompts())

    assert operator.asked == ["code 1", "code 2", "code 3"]
    assert not fake.authorised and not fake.connected


def test_a_wrong_password_is_a_clear_error_without_the_password() -> None:
    fake = FakeTelegramLogin(code=CODE, password="the real one")

    with pytest.raises(LoginFailed) as failed:
        log_in(fake, phone=PHONE, prompts=Operator().prompts())

    assert str(failed.value) == "the two-step verification password is wrong"
    assert not fake.authorised


def test_a_flood_wait_names_the_wait() -> None:
    fake = FakeTelegramLogin(flood_wait=420)

    with pytest.raises(LoginFailed, match="wait 420 s"):
        log_in(fake, phone=PHONE, prompts=Operator().prompts())

    assert not fake.connected


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("79991234567", MASKED), ("+44 20 7946 0958", "+4*********58"), ("123", "***")],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("setting", "written"), [("var/tg.session", "var/tg.session"), ("var/tg", "var/tg.session")]
)
def test_session_file_is_the_one_telethon_writes(setting: str, written: str) -> None:
    assert session_file(Path(setting)) == Path(written)


@pytest.fixture
def session_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Telegram settings for the CLI; the session file in a folder that does not exist yet."""
    path = tmp_path / "private" / "telegram" / "crawler.session"
    monkeypatch.setenv("OTKLIK_TELEGRAM_API_ID", "123456")
    monkeypatch.setenv("OTKLIK_TELEGRAM_API_HASH", API_HASH)
    monkeypatch.setenv("OTKLIK_TELEGRAM_SESSION", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def telethon_replaced_by(fake: FakeTelegramLogin, monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Stand `fake` in for `telethon.TelegramClient`, which writes the session file (0644)."""
    built: list[tuple] = []

    def telegram_client(session: str, api_id: int, api_hash: str) -> FakeTelegramLogin:
        built.append((session, api_id, api_hash))
        Path(session).touch()
        Path(session).chmod(0o644)
        return fake

    monkeypatch.setattr("ingest.telegram.client.TelegramClient", telegram_client)
    return built


def test_cli_logs_in_with_two_step_password_and_prints_no_secret(
    session_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeTelegramLogin(code=CODE, password=PASSWORD)
    built = telethon_replaced_by(fake, monkeypatch)

    result = runner.invoke(
        app, ["ingest", "telegram-login", "--phone", PHONE], input=f"{CODE}\n{PASSWORD}\n"
    )

    assert result.exit_code == 0, result.output
    assert built == [(str(session_path), 123456, API_HASH)]
    assert fake.authorised and fake.codes_sent_to == [PHONE]
    assert f"authorised as Ольга (@olga_cur, id 777000123, phone {MASKED})" in result.output
    assert stat.S_IMODE(session_path.stat().st_mode) == 0o600
    for secret in (PASSWORD, CODE, API_HASH, "79991234567", "999 123"):
        assert secret not in result.output and secret not in caplog.text


def test_cli_asks_again_after_a_wrong_code_then_gives_up(
    session_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeTelegramLogin(code=CODE)
    telethon_replaced_by(fake, monkeypatch)

    result = runner.invoke(app, ["ingest", "telegram-login"], input=f"{PHONE}\n1\n2\n3\n")

    assert result.exit_code == 1
    assert "Wrong code; try again (3 of 3)" in result.output
    assert "error: the code was wrong 3 times" in result.output
    assert "Traceback" not in result.output and not fake.authorised
    assert stat.S_IMODE(session_path.stat().st_mode) == 0o600


def test_cli_reports_an_authorised_session(
    session_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    telethon_replaced_by(FakeTelegramLogin(authorised=True), monkeypatch)

    result = runner.invoke(app, ["ingest", "telegram-login"])

    assert result.exit_code == 0, result.output
    assert f"{session_path}: already authorised as Ольга" in result.output
    assert "Phone" not in result.output


def test_cli_without_api_id_is_a_clear_error(
    session_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OTKLIK_TELEGRAM_API_ID")
    get_settings.cache_clear()

    result = runner.invoke(app, ["ingest", "telegram-login", "--phone", PHONE])

    assert result.exit_code == 1
    assert "error: set OTKLIK_TELEGRAM_API_ID and OTKLIK_TELEGRAM_API_HASH" in result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert API_HASH not in result.output and not session_path.parent.exists()
