"""The Russian words an export file uses for its columns and for the codes in its cells."""

from models.report import ReportStatus
from models.source import SourceKind

HEADERS: dict[str, str] = {
    # reports
    "id": "№",
    "status": "Статус",
    "incident_id": "Инцидент",
    "title": "Заголовок",
    "agency": "Ведомство",
    "municipality": "Муниципалитет",
    "topic_code": "Тема",
    "urgent": "Срочно",
    "created_at": "Создано",
    "due_at": "Срок",
    "overdue": "Просрочено",
    "escalation_level": "Уровень эскалации",
    "sent_at": "Направлено",
    "first_answer_at": "Первый ответ",
    "resolved_at": "Решено",
    "answer_text": "Ответ",
    "version": "Версия",
    # answers to publish
    "report_id": "Обращение",
    "post_id": "Пост",
    "source_kind": "Тип источника",
    "source_target": "Источник",
    "post_url": "Ссылка на пост",
    "post_external_id": "Идентификатор поста",
}

STATUS_NAMES: dict[str, str] = {
    ReportStatus.NEW: "новое",
    ReportStatus.SENT: "направлено",
    ReportStatus.IN_PROGRESS: "в работе",
    ReportStatus.WAITING_CITIZEN: "ждём заявителя",
    ReportStatus.ANSWERED: "дан ответ",
    ReportStatus.RESOLVED: "решено",
    ReportStatus.REJECTED: "отклонено",
    ReportStatus.DUPLICATE: "дубликат",
    ReportStatus.NOT_IN_COMPETENCE: "не в компетенции",
    ReportStatus.REOPENED: "открыто снова",
    ReportStatus.WITHDRAWN: "отозвано",
}

SOURCE_KIND_NAMES: dict[str, str] = {
    SourceKind.VK_WALL: "стена ВКонтакте",
    SourceKind.VK_COMMENTS: "комментарии ВКонтакте",
    SourceKind.VK_SEARCH: "поиск ВКонтакте",
    SourceKind.TELEGRAM: "канал Telegram",
    SourceKind.TELEGRAM_EXPORT: "выгрузка Telegram",
    SourceKind.VK_DUMP: "выгрузка ВКонтакте",
    SourceKind.CSV: "таблица CSV",
    SourceKind.JSONL: "файл JSONL",
    SourceKind.DEMO: "демонстрационные данные",
    SourceKind.MANUAL: "ручной ввод",
}
