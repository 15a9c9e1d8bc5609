"""The networks' write side in one object: each answer goes to its post's network's writer."""

from dataclasses import dataclass

from ingest.telegram.publish import TelegramAnswerWriter, reply_mode
from ingest.vk.publish import VK_SOURCES, VkAnswerWriter, vk_place
from models.publication import PublicationStatus, PublishedReply, PublishRefused, ReplyTarget
from models.source import SourceKind


@dataclass(frozen=True)
class AnswerWriters:
    """`triage.publishing.AnswerPublisher` over VK and Telegram (either may be missing)."""

    vk: VkAnswerWriter | None
    telegram: TelegramAnswerWriter | None

    def network_of(self, target: ReplyTarget) -> str:
        if target.source_kind in VK_SOURCES:
            vk_place(target)
            return "vk"
        if target.source_kind == SourceKind.TELEGRAM:
            reply_mode(target)
            return "telegram"
        raise PublishRefused(
            PublicationStatus.NOT_SUPPORTED,
            f"a {target.source_kind} source (an imported file or a manual entry) has no "
            "network to answer on",
        )

    def find(self, target: ReplyTarget, *, marker: str) -> PublishedReply | None:
        return self._writer(target).find(target, marker=marker)

    def publish(self, target: ReplyTarget, *, message: str) -> PublishedReply:
        return self._writer(target).publish(target, message=message)

    def _writer(self, target: ReplyTarget) -> VkAnswerWriter | TelegramAnswerWriter:
        network = self.network_of(target)
        writer = self.vk if network == "vk" else self.telegram
        if writer is None:
            setting = "OTKLIK_VK_PUBLISH_TOKENS" if network == "vk" else "OTKLIK_TELEGRAM_API_*"
            raise PublishRefused(
                PublicationStatus.NO_CREDENTIALS, f"no {network} credentials ({setting})"
            )
        return writer
