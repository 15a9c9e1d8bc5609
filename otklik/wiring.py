"""Settings turned into the objects the stages take: the one place each is built from values.

The stages never read settings; the CLI, the rq jobs and the console call these.
"""

from functools import partial

from ingest.clients import Clients, CrawlLimits, make_clients
from ingest.publish import AnswerWriters
from ingest.telegram.client import make_telegram_client
from ingest.telegram.publish import TelegramAnswerWriter
from ingest.vk.client import make_vk_api
from ingest.vk.publish import VkAnswerWriter
from otklik.notify import Senders, SmtpSender, WebhookSender
from otklik.settings import Settings
from triage.calendar import calendar_from_settings as calendar_from_settings  # re-exported
from triage.thresholds import Thresholds


def thresholds_from_settings(settings: Settings) -> Thresholds:
    """The triage thresholds configured in `OTKLIK_TRIAGE_*`."""
    return Thresholds(
        signal_accept=settings.triage_signal_accept,
        category_accept=settings.triage_category_accept,
        topic_accept=settings.triage_topic_accept,
        municipality_accept=settings.triage_municipality_accept,
        not_signal_below=settings.triage_not_signal_below,
        group_similarity=settings.triage_group_similarity,
        group_window_hours=settings.triage_group_window_hours,
    )


def clients_from_settings(settings: Settings) -> Clients:
    """The crawl clients and limits the settings describe (credentials stay secret)."""
    return make_clients(
        vk_token=settings.vk_token.get_secret_value() if settings.vk_token else None,
        vk_rps_delay=settings.vk_rps_delay,
        vk_api_url=settings.vk_api_url,
        telegram_api_id=settings.telegram_api_id,
        telegram_api_hash=(
            settings.telegram_api_hash.get_secret_value() if settings.telegram_api_hash else None
        ),
        telegram_session=settings.telegram_session,
        limits=limits_from_settings(settings),
    )


def limits_from_settings(settings: Settings) -> CrawlLimits:
    return CrawlLimits(
        pages_per_run=settings.crawl_pages_per_run,
        telegram_messages_per_run=settings.telegram_messages_per_run,
        flood_wait_max_seconds=settings.telegram_flood_wait_max_seconds,
        backoff_seconds=settings.crawl_backoff_seconds,
        backoff_max_seconds=settings.crawl_backoff_max_seconds,
        search_window_seconds=settings.vk_search_window_hours * 3600,
        search_lookback_seconds=settings.vk_search_lookback_days * 86400,
        comments_posts=settings.vk_comments_posts,
        vk_thread_scan_pages=settings.vk_thread_scan_pages,
        vk_thread_recheck_seconds=settings.vk_thread_recheck_hours * 3600,
        vk_thread_rechecks_per_run=settings.vk_thread_rechecks_per_run,
        telegram_watch_posts=settings.telegram_watch_posts,
        telegram_threads_per_run=settings.telegram_threads_per_run,
        telegram_group_retry_seconds=settings.telegram_group_retry_hours * 3600,
    )


def senders_from_settings(settings: Settings) -> Senders:
    """The notification senders: SMTP (`OTKLIK_SMTP_*`) and signed webhooks."""
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    return Senders(
        email=SmtpSender(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            username=settings.smtp_username,
            password=password,
            starttls=settings.smtp_starttls,
            console_url=settings.console_url,
        ),
        webhook=WebhookSender(timeout=settings.webhook_timeout_seconds),
        global_secret=secret,
    )


def notify_retry_intervals(settings: Settings) -> list[int]:
    """rq's waits between a notification's attempts: doubling from `notify_retry_seconds`."""
    return [settings.notify_retry_seconds * 2**i for i in range(settings.notify_max_attempts - 1)]


def answer_writers_from_settings(settings: Settings) -> AnswerWriters:
    """What `triage.publishing` publishes answers through: community tokens for VK walls
    (`OTKLIK_VK_PUBLISH_TOKENS`), the crawler's Telegram session for Telegram."""
    tokens = {
        owner: token.get_secret_value() for owner, token in settings.vk_publish_tokens.items()
    }
    vk = VkAnswerWriter(
        tokens=tokens,
        make_vk=lambda token: make_vk_api(
            token=token, rps_delay=settings.vk_rps_delay, api_url=settings.vk_api_url
        ),
    )
    api_hash = settings.telegram_api_hash.get_secret_value() if settings.telegram_api_hash else None
    telegram = (
        TelegramAnswerWriter(
            make_client=partial(
                make_telegram_client,
                api_id=settings.telegram_api_id,
                api_hash=api_hash,
                session_path=settings.telegram_session,
            )
        )
        if settings.telegram_api_id and api_hash
        else None
    )
    return AnswerWriters(vk=vk if tokens else None, telegram=telegram)
