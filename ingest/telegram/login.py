"""Authorise the Telegram session file the crawler reads with: phone, code, 2FA password.

The flow takes the client and the prompts as arguments, so it runs the same in a terminal
and in tests. Telegram's refusals become `LoginFailed` with a message for the operator; the
code and the password are passed to Telethon and never kept, logged or put in a message.
"""

import asyncio
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from telethon import errors

MAX_CODE_ATTEMPTS = 3
SESSION_EXTENSION = ".session"  # Telethon adds it to a session name without it
REFUSALS: dict[type[Exception], str] = {
    errors.ApiIdInvalidError: "Telegram rejects this API id and hash (see my.telegram.org)",
    errors.PhoneNumberInvalidError: "Telegram does not accept this phone number",
    errors.PhoneNumberBannedError: "this phone number is banned by Telegram",
    errors.PhoneNumberUnoccupiedError: "no Telegram account uses this phone number",
    errors.PhoneCodeExpiredError: "the code has expired; run the command again for a new one",
    errors.PasswordHashInvalidError: "the two-step verification password is wrong",
}


class LoginFailed(Exception):
    """The session could not be authorised; the message is meant for the operator."""


class TelegramLoginClient(Protocol):
    """`telethon.TelegramClient` as the login sees it."""

    async def connect(self) -> Any: ...

    async def disconnect(self) -> Any: ...

    async def is_user_authorized(self) -> bool: ...

    async def send_code_request(self, phone: str) -> Any: ...

    async def sign_in(
        self, phone: str | None = None, code: str | None = None, *, password: str | None = None
    ) -> Any: ...

    async def get_me(self) -> Any: ...


@dataclass(frozen=True)
class LoginPrompts:
    """What the flow asks the operator; `code` gets the attempt number, from 1."""

    phone: Callable[[], str]
    code: Callable[[int], str]
    password: Callable[[], str]


@dataclass(frozen=True)
class TelegramAccount:
    """The account a session belongs to, with the phone already masked."""

    id: int
    first_name: str | None
    username: str | None
    masked_phone: str | None

    def describe(self) -> str:
        parts = [f"@{self.username}" if self.username else None, f"id {self.id}"]
        if self.masked_phone:
            parts.append(f"phone {self.masked_phone}")
        details = ", ".join(part for part in parts if part)
        return f"{self.first_name or 'no name'} ({details})"


@dataclass(frozen=True)
class LoginResult:
    account: TelegramAccount
    already_authorised: bool


def mask_phone(phone: str) -> str:
    """`+7********67`: the country's first digit and the last two, nothing between."""
    digits = "".join(char for char in phone if char.isdigit())
    if len(digits) < 5:
        return "*" * len(digits)
    return f"+{digits[0]}{'*' * (len(digits) - 3)}{digits[-2:]}"


def adapt_account(user: Any) -> TelegramAccount:
    """Telethon's `User` from `get_me()` as the few fields the operator is shown."""
    return TelegramAccount(
        id=user.id,
        first_name=user.first_name,
        username=user.username,
        masked_phone=mask_phone(user.phone) if user.phone else None,
    )


def log_in(client: TelegramLoginClient, *, phone: str | None, prompts: LoginPrompts) -> LoginResult:
    """Authorise the client's session, or report the account it is already authorised for."""
    return asyncio.run(_log_in(client, phone, prompts))


def session_file(session_path: Path) -> Path:
    """The file Telethon writes for the configured session path."""
    if session_path.name.endswith(SESSION_EXTENSION):
        return session_path
    return session_path.with_name(session_path.name + SESSION_EXTENSION)


def restrict_session_file(session_path: Path) -> Path:
    """Make the session file, if Telethon wrote one, readable and writable by its owner only."""
    path = session_file(session_path)
    if path.exists():
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return path


async def _log_in(
    client: TelegramLoginClient, phone: str | None, prompts: LoginPrompts
) -> LoginResult:
    try:
        await client.connect()
        if await client.is_user_authorized():
            return LoginResult(await _account(client), already_authorised=True)
        await _sign_in(client, phone or prompts.phone(), prompts)
        return LoginResult(await _account(client), already_authorised=False)
    except errors.FloodWaitError as error:
        raise LoginFailed(
            f"Telegram asks to wait {error.seconds} s before the next attempt"
        ) from error
    except tuple(REFUSALS) as error:
        raise LoginFailed(_refusal(error)) from error
    except (ConnectionError, OSError, asyncio.IncompleteReadError) as error:
        raise LoginFailed(f"cannot reach Telegram ({type(error).__name__}: {error})") from error
    finally:
        await client.disconnect()


async def _sign_in(client: TelegramLoginClient, phone: str, prompts: LoginPrompts) -> None:
    await client.send_code_request(phone)
    try:
        await _enter_code(client, phone, prompts)
    except errors.SessionPasswordNeededError:
        await client.sign_in(password=prompts.password())


async def _enter_code(client: TelegramLoginClient, phone: str, prompts: LoginPrompts) -> None:
    for attempt in range(1, MAX_CODE_ATTEMPTS + 1):
        try:
            await client.sign_in(phone, prompts.code(attempt))
            return
        except errors.PhoneCodeInvalidError:
            continue
    raise LoginFailed(
        f"the code was wrong {MAX_CODE_ATTEMPTS} times; run the command again for a new one"
    )


def _refusal(error: Exception) -> str:
    return next(message for kind, message in REFUSALS.items() if isinstance(error, kind))


async def _account(client: TelegramLoginClient) -> TelegramAccount:
    user = await client.get_me()
    if user is None:
        raise LoginFailed("Telegram did not confirm the login; run the command again")
    return adapt_account(user)
