"""A source's role is guessed when it is first crawled, never over an operator's."""

from sqlmodel import Session, select
from telethon.tl.types import PeerChannel, PeerUser

from ingest.clients import Clients, CrawlLimits
from ingest.crawl import crawl_source
from ingest.sources import set_source_role
from models.post import Post
from models.source import Source, SourceKind, SourceRole
from tests.ingest.conftest import add_source
from tests.ingest.telegram_fake import CHANNEL_ID, FakeTelegramClient, discussion, open_post
from tests.ingest.vk_fake import FakeVk, vk_post

DATE = 1_717_000_000


def community(group_id: int, name: str, **fields: object) -> dict[str, object]:
    """A `groups.getById` item of API 5.199 with the fields the guess asks for."""
    return {"id": group_id, "name": name, "screen_name": f"club{group_id}", "is_closed": 0,
            "type": "page", "description": "", "activity": "", **fields}  # fmt: skip


def crawled(session: Session, source: Source, clients: Clients) -> Source:
    outcome = crawl_source(session, source_id=source.id or 0, clients=clients)
    session.refresh(source)
    assert outcome.role_guessed == (source.role if source.role_guessed else None)
    return source


def test_vk_state_organisation_mark_makes_an_authority(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    fake_vk.walls[-11] = [vk_post(-11, 1, DATE, "Поздравляем с Днём города!")]
    fake_vk.groups["11"] = community(11, "Лысьва 59", is_government_organization=True)
    source = add_source(session, kind=SourceKind.VK_WALL, target="-11")

    source = crawled(session, source, clients)

    assert (source.role, source.role_guessed) == (SourceRole.AUTHORITY, True)
    assert fake_vk.method_calls("groups.getById")[0]["fields"].count("is_government") == 1


def test_an_official_description_and_residents_posts(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    described = "Официальная страница управы района. Пишите жителям и о жителях."
    fake_vk.walls[-12] = [vk_post(-12, 1, DATE, "График приёма")]
    fake_vk.groups["12"] = community(12, "Кунгур сегодня", description=described)
    # a public whose wall is mostly residents' suggested posts signed by them
    fake_vk.walls[-13] = [vk_post(-13, n, DATE, "Яма на Ленина", from_id=40 + n) for n in (3, 2)]
    fake_vk.walls[-13].append(vk_post(-13, 1, DATE, "Правила группы"))
    fake_vk.groups["13"] = community(13, "Кунгур 24")
    official = add_source(session, kind=SourceKind.VK_WALL, target="-12")
    residents = add_source(session, kind=SourceKind.VK_WALL, target="-13")

    assert crawled(session, official, clients).role == SourceRole.AUTHORITY
    assert crawled(session, residents, clients).role == SourceRole.RESIDENTS


def test_an_operators_role_is_never_replaced(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    fake_vk.walls[-14] = [vk_post(-14, 1, DATE, "Новости")]
    fake_vk.groups["14"] = community(14, "Администрация", is_government_organization=True)
    source = add_source(session, kind=SourceKind.VK_WALL, target="-14")
    set_source_role(session, source_id=source.id or 0, role=SourceRole.MEDIA)
    session.commit()

    source = crawled(session, source, clients)

    assert (source.role, source.role_guessed) == (SourceRole.MEDIA, False)
    assert fake_vk.method_calls("groups.getById") == []  # nothing is asked for it


def test_nothing_to_tell_leaves_the_role_for_the_next_crawl(
    session: Session, fake_vk: FakeVk, clients: Clients
) -> None:
    fake_vk.walls[-15] = []
    fake_vk.groups["15"] = community(15, "Кунгур 24")
    source = add_source(session, kind=SourceKind.VK_WALL, target="-15")

    assert crawled(session, source, clients).role is None
    fake_vk.walls[-15] = [vk_post(-15, 1, DATE, "Фото заката"), vk_post(-15, 2, DATE, "Опрос")]
    assert crawled(session, source, clients).role == SourceRole.MEDIA
    assert len(fake_vk.method_calls("groups.getById")) == 2


def test_a_channel_answering_residents_in_its_discussion_is_an_authority(
    session: Session,
) -> None:
    fake = FakeTelegramClient(channel="kungur_official")
    fake.messages = [open_post(1, "Отключение воды 5 июня", comments=2)]
    fake.comments[1] = [
        discussion(501, "А на Мира когда дадут?", sender=PeerUser(42), top=500),
        discussion(502, "После 18:00", sender=PeerChannel(CHANNEL_ID), top=500, answers=501),
    ]
    source = add_source(session, kind=SourceKind.TELEGRAM, target="kungur_official")
    clients = Clients(telegram=lambda: fake, limits=CrawlLimits(), sleep=lambda _: None)

    source = crawled(session, source, clients)

    assert (source.role, source.role_guessed) == (SourceRole.AUTHORITY, True)
    assert len(session.exec(select(Post)).all()) == 3


def test_a_telegram_channel_is_guessed_from_its_title(session: Session) -> None:
    fake = FakeTelegramClient(channel="lysva59", title="Администрация Лысьвенского округа")
    fake.messages = [open_post(1, "Отключение воды 5 июня", comments=0)]
    fake.comments[1] = []
    source = add_source(session, kind=SourceKind.TELEGRAM, target="lysva59")
    clients = Clients(telegram=lambda: fake, limits=CrawlLimits(), sleep=lambda _: None)

    source = crawled(session, source, clients)

    # its items alone (one own post) would have made it media
    assert (source.role, source.role_guessed) == (SourceRole.AUTHORITY, True)
