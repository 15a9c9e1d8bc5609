"""Telegram Desktop exports and saved VK responses in their real shapes, built in tests."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2024, 4, 2, 9, tzinfo=UTC)
LOCAL_OFFSET = timedelta(hours=5)  # Telegram Desktop writes local time without a zone


def tg_message(number: int, text: Any, **extra: Any) -> dict[str, Any]:
    moment = START + timedelta(minutes=number)
    return {
        "id": number,
        "type": "message",
        "date": (moment + LOCAL_OFFSET).replace(tzinfo=None).isoformat(),
        "date_unixtime": str(int(moment.timestamp())),
        "from": "Пермь Онлайн",
        "from_id": "channel1234567",
        "text": text,
        "text_entities": [],
        **extra,
    }


def tg_service(number: int) -> dict[str, Any]:
    return {
        "id": number,
        "type": "service",
        "date": "2024-04-02T14:00:00",
        "date_unixtime": str(int(START.timestamp())),
        "actor": "Пермь Онлайн",
        "actor_id": "channel1234567",
        "action": "pin_message",
        "message_id": 1,
        "text": "",
        "text_entities": [],
    }


def single_chat(messages: list[dict[str, Any]], chat_id: int = 1234567) -> dict[str, Any]:
    return {"name": "Пермь Онлайн", "type": "public_channel", "id": chat_id, "messages": messages}


def full_account(chats: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 1, "first_name": "Оператор", "phone_number": "+7"},
        "frequent_contacts": {
            "about": "...",
            "list": [
                {"id": 555, "category": "people", "type": "user", "name": "Друг", "rating": 1}
            ],
        },
        "chats": {"about": "This page lists all chats from this export.", "list": chats},
        "left_chats": {"about": "...", "list": []},
    }


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)
