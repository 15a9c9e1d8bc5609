"""Structure before words: role rules, replies read with their parent, the shipped signal
model's calibration, and moderators' labels fine-tuning it."""

import ast
import math
import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from benchmarks.social_signal import accept_threshold, fbeta_threshold
from models.annotation import PostContext
from nlp.annotator import Annotator
from nlp.classifier import ClassifierBundle
from nlp.echo import echoes
from nlp.features import prepare
from nlp.lemmas import Lemmatizer
from nlp.resolver import MunicipalityResolver
from nlp.sale_listing import is_sale_listing
from nlp.social import (
    RARE_GROUPS,
    RECALL_GROUPS,
    SOCIAL_MODEL_FILE,
    SignalFeatures,
    SocialSignalModel,
    fit_calibration,
    load_social_model,
    threshold_group,
)
from nlp.structure import (
    CONTACT_MARK,
    DIRECT_CONTACT,
    MAX_ADVERT_CHARS,
    SHAPE_MARK,
    WEB_LINK,
    WORDS_MARK,
    advert_by_words,
    is_commercial_offer,
    structural_verdict,
)
from nlp.vacancy import is_vacancy
from otklik.paths import DATA_DIR
from otklik.settings import Settings
from triage.thresholds import Thresholds

AUTHORITY_POST = PostContext(position="post", author_is_source=True, source_role="authority")
PAGE_REPLY = PostContext(position="reply", author_is_source=True, source_role="authority")
RESIDENT_COMMENT = PostContext(position="comment", author_is_source=False, source_role="authority")
UNKNOWN_AUTHOR = PostContext(position="comment", author_is_source=None, source_role="authority")
ORPHAN = PostContext(position="reply", parent_missing=True, source_role="authority")
OTHER_ACCOUNT = PostContext(position="comment", author_is_community=True, source_role="authority")
NEWS_OWN_POST = PostContext(position="post", author_is_source=True, source_role="media")
NEWS_COMMENT = PostContext(position="comment", author_is_source=False, source_role="media")
UNKNOWN_PAGE_COMMENT = PostContext(position="comment")
RESIDENTS_POST = PostContext(position="post", source_role="residents")
PARENT = "Во дворе дома на улице Ленина, 5 третью неделю не вывозят мусор, контейнеры переполнены"


@pytest.mark.parametrize(
    ("context", "text", "reason"),
    [
        (AUTHORITY_POST, "Приглашаем всех на фестиваль в парке", "authority_post"),
        (PAGE_REPLY, "Информация передана в управляющую компанию", "page_reply"),
        (OTHER_ACCOUNT, "Заявка принята в работу", "official_account"),
        (ORPHAN, "так и не убрали", "orphan_short_reply"),
        (ORPHAN, "Третий день без света", None),  # short, but its own complaint: the words decide
        (RESIDENT_COMMENT, "Когда уберут мусор во дворе?", None),
        (UNKNOWN_AUTHOR, "Когда уберут мусор во дворе?", None),  # read as a resident's
        (NEWS_OWN_POST, "На Ленина прорвало трубу", None),  # a news page's post: the words decide
        (ORPHAN, "Третью неделю на Ленина, 5 не вывозят мусор, контейнеры переполнены", None),
        # an advert: marked so by the network, or carrying the law's registration token
        (PostContext(is_ad=True), "Третий день нет горячей воды на Ленина, 5", "advert"),
        (
            RESIDENTS_POST,
            "Окна со скидкой 30%! Реклама. ООО «Окна» ИНН 0000000000. Erid: 4Xq9XyZ1a7",
            "advert",
        ),
        (
            NEWS_OWN_POST,
            "Карту можно [оформить](https://bank.example/x?erid=5KmAbCdEf8) бесплатно",
            "advert",
        ),
        (
            NEWS_OWN_POST,
            "Есть на [маркетплейсе](https://ads.example/erid_6PzQwErTy9_shop)",
            "advert",
        ),
        (
            RESIDENTS_POST,
            "Что за реклама с надписью erid на подъезде Ленина, 5? Кто разрешил?",
            None,
        ),
        (RESIDENTS_POST, "Во дворе на улице Шеридана, 5 erid123 не вывозят мусор", None),
    ],
)
def test_structural_verdicts(context: PostContext, text: str, reason: str | None) -> None:
    verdict = structural_verdict(context, text)
    assert (verdict.reason if verdict else None) == reason
    assert verdict is None or verdict.is_signal is False


@pytest.mark.parametrize(
    ("context", "text", "reason"),
    [
        # an offer and a contact: an advert by its words, wherever it is posted
        (RESIDENTS_POST, "Продаю детскую коляску, почти новая, 4500 руб. +7 (912) 345-67-89",
         "commercial_offer"),
        (UNKNOWN_PAGE_COMMENT, "Сдам однокомнатную квартиру на длительный срок, пишите в личку",
         "commercial_offer"),
        (RESIDENT_COMMENT, "Куплю гараж в районе Заречья @garage_buyer_77", "commercial_offer"),
        (RESIDENTS_POST, "Ремонт стиральных машин на дому, недорого, выезд в день заявки. Звоните!",
         "commercial_offer"),
        (NEWS_OWN_POST, "Скидка 20% на все шубы до воскресенья! Каталог: https://shop.example/fur",
         "commercial_offer"),
        # an offer without a contact: left to the words
        (RESIDENTS_POST, "Продаю детскую коляску, почти новая, недорого", None),
        (RESIDENTS_POST, "Скидки на пластиковые окна! Установка за один день", None),
        # a contact without an offer
        (RESIDENTS_POST, "Аварийная служба не берёт трубку: 8 912 345-67-89", None),
        # a price and a plain link: how news cite their source, not an advert
        (NEWS_OWN_POST, "Проезд в автобусах с января будет стоить 60 рублей https://news.example/1",
         None),
        # residents complaining about prices or adverts, with a phone or a link: signals
        (RESIDENTS_POST, "Опять подняли цены за вывоз мусора, а баки не вывозят. Звонили "
         "8 800 000-00-00, никто не берёт трубку", None),
        (RESIDENTS_POST, "Незаконная реклама на столбах по Ленина: «Продам дрова, "
         "8 912 000-11-22». Кто её снимет?", None),
        (RESIDENT_COMMENT, "Управляющая компания вместо ремонта предлагает платные услуги "
         "сантехника по телефону 8 912 345-67-89, а в доме третий день нет горячей воды", None),
    ],
)  # fmt: skip
def test_commercial_offers(context: PostContext, text: str, reason: str | None) -> None:
    """An offer for sale, rent or money with a contact and no complaint is an advert."""
    verdict = structural_verdict(context, text)
    assert (verdict.reason if verdict else None) == reason
    assert is_commercial_offer(text) is (reason == "commercial_offer")


@pytest.mark.parametrize(
    ("context", "text", "reason"),
    [
        # giveaways: a raffle's word and a way to take part or its result
        (NEWS_OWN_POST, "🎁 Разыгрываем три самоката! Подпишитесь на наш канал и нажмите "
         "«Участвовать». Итоги в пятницу", "promotion"),
        (RESIDENTS_POST, "Розыгрыш сертификата в салон красоты! Условия: лайк, репост, "
         "отметить двух друзей в комментариях", "promotion"),
        (NEWS_OWN_POST, "Напоминаем про розыгрыш наушников, до итогов осталось три дня",
         "promotion"),
        # an invitation to follow a channel or group
        (NEWS_OWN_POST, "Все новости района в нашем канале. Подписывайтесь: t.me/rayon_news_demo",
         "promotion"),
        (RESIDENTS_POST, "Любите выпечку? Переходите по ссылке в группу нашей пекарни "
         "vk.com/pekarnya_demo", "promotion"),
        # the sponsor's mark without the token
        (RESIDENTS_POST, "Новая коллекция курток уже в зале! Реклама | ИНН 000000000000",
         "promotion"),
        (NEWS_OWN_POST, "Партнёрский материал. Как выбрать зимние шины для города", "promotion"),
        # a seller's own sale and its price, no contact: the author is the contact
        (RESIDENTS_POST, "Продам велосипед подростковый, катались одно лето. Цена 7000, торг",
         "priced_sale"),
        (RESIDENTS_POST, "В продаже от собственника Лада Гранта 2015 г., 450тр", "priced_sale"),
        (UNKNOWN_PAGE_COMMENT, "Продаю коляску 2в1, состояние отличное, 9 тыс.", "priced_sale"),
        # complaints that mention a giveaway, a channel or a sale: signals, left to the words
        (RESIDENT_COMMENT, "Магазин на Садовой провёл розыгрыш, а победителям до сих пор не "
         "выдали призы", None),
        (RESIDENTS_POST, "Управляющая компания устроила розыгрыш подарков для жильцов, а в "
         "подъезде третий день нет света", None),
        (RESIDENTS_POST, "Подписывайтесь под обращением в администрацию: двор на Ленина, 5 "
         "весь в ямах, в группе ссылка", None),
        (RESIDENT_COMMENT, "Почему в нашей группе дома удаляют посты про протекающую крышу? "
         "Подпишитесь и поддержите соседей", None),
        (RESIDENTS_POST, "У остановки опять продают просроченное мясо по цене 300 рублей", None),
        (RESIDENTS_POST, "Незаконная реклама на фасаде: «Реклама. ООО Окна»", None),
        # news of a sale or a contest, no offer of one's own: left to the words
        (NEWS_OWN_POST, "Победители конкурса на лучший двор получат по 100 тысяч рублей", None),
        (NEWS_OWN_POST, "Здание бывшего кинотеатра выставят на торги в марте", None),
    ],
)  # fmt: skip
def test_promotions_and_priced_sales(context: PostContext, text: str, reason: str | None) -> None:
    """A giveaway, an invitation to follow, a sponsor's mark, a priced sale: not signals; the
    same words in a complaint never are decided by them."""
    verdict = structural_verdict(context, text)
    assert (verdict.reason if verdict else None) == reason
    assert advert_by_words(text) == reason
    assert reason is None or WORDS_MARK.search(text.lower().replace("ё", "е")), text


@pytest.mark.parametrize(
    ("context", "text", "reason"),
    [
        # a car for sale by its shape: an asking price and two marks of a car's description
        (RESIDENTS_POST, "Калина 2012 г.в., мотор и коробка без нареканий, цена 310 торг",
         "sale_listing"),
        (RESIDENTS_POST, "Шкода Октавия, 2016 год, пробег 140 тыс. км, один владелец. 780к",
         "sale_listing"),
        (UNKNOWN_PAGE_COMMENT, "Ниву отдаю недорого: ПТС оригинал, ходовая перебрана, 260тр",
         "sale_listing"),
        # a thing for sale: its condition and a price (a bare one closing the text will do)
        (RESIDENTS_POST, "Детский велосипед в хорошем состоянии, колёса накачаны. 3500",
         "sale_listing"),
        (RESIDENTS_POST, "Шкаф-купе б/у, самовывоз с Октябрьской, 4 тыс.", "sale_listing"),
        (RESIDENTS_POST, "Пылесос, почти не пользовались, цена 2500р", "sale_listing"),
        # an employer's offer of a job with its terms
        (RESIDENTS_POST, "Требуются кассиры в магазин у дома. Зарплата от 42 000 руб., "
         "график 2/2", "vacancy"),
        (NEWS_OWN_POST, "Приглашаем на работу водителей погрузчика: официальное "
         "трудоустройство, собеседование в офисе на Заводской", "vacancy"),
        (UNKNOWN_PAGE_COMMENT, "Открыта вакансия охранника, вахта 15/15, питание за счёт "
         "компании", "vacancy"),
        # complaints that mention prices, cars or jobs: left to the words
        (RESIDENTS_POST, "У рынка продают просроченное мясо по цене 500 р, куда жаловаться?",
         None),
        (RESIDENTS_POST, "Требуется ремонт дороги на Лесной, машины бьют подвеску каждый день",
         None),
        (RESIDENT_COMMENT, "Машину за 300 тысяч разбили на яме у школы, кто заплатит?", None),
        (RESIDENTS_POST, "Моя Лада 2015 года выпуска, пробег всего 40 тыс, а колесо пробило "
         "на Садовой", None),
        (RESIDENTS_POST, "Во дворе третий год стоит брошенная газель, владелец не найден, "
         "эвакуатор за 5 тыс не едет", None),
        (RESIDENT_COMMENT, "Горка на детской площадке не в рабочем состоянии, ремонт оценили "
         "в 50 тыс., а делать некому", None),
        (RESIDENT_COMMENT, "Зарплата от 20 тысяч, график 6/1, вот почему в поликлинике нет "
         "врачей: требуется хоть кто-то", None),
        (RESIDENTS_POST, "Требуются дворники, а пока их нет, мусор у дома 12 лежит неделю, "
         "собеседование в управляющей компании уже месяц не могут провести", None),
        (RESIDENT_COMMENT, "Маршрутка в ужасном состоянии, а проезд уже 45 руб", None),
        # news of a price or of jobs, no offer of one's own: left to the words
        (NEWS_OWN_POST, "Стоимость проезда в автобусах с 1 июня составит 40 рублей", None),
        (NEWS_OWN_POST, "Средняя зарплата в районе выросла до 52 тысяч рублей", None),
    ],
)  # fmt: skip
def test_sale_listings_and_vacancies(context: PostContext, text: str, reason: str | None) -> None:
    """A car or a thing for sale by its shape, an employer's offer of a job: not signals; the
    same words in a complaint or in the news never are decided by them."""
    verdict = structural_verdict(context, text)
    assert (verdict.reason if verdict else None) == reason
    assert advert_by_words(text) == reason
    lowered = text.lower().replace("ё", "е")
    if reason is not None:
        assert WORDS_MARK.search(lowered) or SHAPE_MARK.search(lowered), text
    if reason == "sale_listing":
        assert is_sale_listing(lowered)
    if reason == "vacancy":
        assert is_vacancy(lowered)


def test_the_first_look_for_a_contact_misses_none() -> None:
    """`CONTACT_MARK`, the cheap pass before the contact patterns, finds every contact they
    find (else the rule would miss adverts silently)."""
    contacts = ["+7 912 345 67 89", "8(912)345-67-89", "тел. 912-345-67-89", "[телефон]",
                "@seller_77", "wa.me/79123456789", "vk.me/seller", "пишите в лс", "напишите мне в "
                "директ", "пиши тг", "в личку", "в\nличных сообщениях", "звоните", "обращайтесь",
                "по всем вопросам пишите", "https://shop.example", "www.shop.example",
                "shop.рф/", "okna-dom.ru"]  # fmt: skip
    for contact in contacts:
        lowered = contact.lower()
        found = DIRECT_CONTACT.search(lowered) or WEB_LINK.search(lowered)
        assert found, contact
        assert CONTACT_MARK.search(lowered), contact


def test_the_advert_rules_read_a_text_s_head_and_the_complaint_guard_all_of_it() -> None:
    """A long text is read for an advert's words up to MAX_ADVERT_CHARS (a price's pattern
    over a long run of figures costs the square of its length), but a complaint far down
    still keeps it from being called an advert."""
    advert = "Продам велосипед, цена 5000р. "
    filler = "Подробности при встрече. " * (MAX_ADVERT_CHARS // 20)
    assert advert_by_words(advert + filler) == "priced_sale"
    assert advert_by_words(advert + filler + "Почему во дворе опять не убран снег?") is None
    assert advert_by_words(filler + advert) is None  # past the head: not read
    assert advert_by_words("продам " + "1 " * 8_000) is None  # no price unit: not an advert


@pytest.fixture(scope="module")
def shipped() -> SocialSignalModel:
    return load_social_model(DATA_DIR / SOCIAL_MODEL_FILE)


@pytest.fixture(scope="module")
def social_annotator(
    cold_bundle: ClassifierBundle, resolver: MunicipalityResolver, shipped: SocialSignalModel
) -> Annotator:
    return Annotator(cold_bundle, resolver, social=shipped)


def test_authority_items_are_decided_by_structure(social_annotator: Annotator) -> None:
    texts = ["Приглашаем всех на фестиваль в парке в субботу", "Спасибо, передали в ДЭУ"]
    results = social_annotator.annotate(texts, contexts=[AUTHORITY_POST, PAGE_REPLY])
    assert [r.is_signal for r in results] == [False, False]
    assert [r.reasons["structure"] for r in results] == ["authority_post", "page_reply"]
    assert all(r.signal_confidence == 1.0 for r in results)


def test_resident_items_are_decided_by_the_calibrated_model(social_annotator: Annotator) -> None:
    [result] = social_annotator.annotate([PARENT], contexts=[RESIDENT_COMMENT])
    assert result.is_signal is True
    assert 0.0 < result.reasons["signal_probability"] <= 1.0
    assert "structure" not in result.reasons


def test_a_short_reply_is_read_with_its_parent(social_annotator: Annotator) -> None:
    reply = PostContext(position="reply", parent_text=PARENT, source_role="authority")
    alone, with_parent = social_annotator.annotate([PARENT, "у нас тоже"],
                                                   contexts=[RESIDENT_COMMENT, reply])  # fmt: skip
    assert with_parent.reasons["read_with_parent"] is True
    assert with_parent.category_code == alone.category_code
    assert with_parent.is_signal is True


@pytest.mark.parametrize("text", ["Красота какая", "Доброе утро всем", "Ну и дела 😅"])
def test_a_short_reply_that_does_not_echo_its_parent_is_read_alone(
    social_annotator: Annotator, text: str
) -> None:
    """Chatter under a complaint is not that complaint again (it used to be read as one)."""
    reply = PostContext(position="reply", parent_text=PARENT, source_role="authority")
    [result] = social_annotator.annotate([text], contexts=[reply])
    assert "read_with_parent" not in result.reasons
    assert result.is_signal is False


@pytest.mark.parametrize(
    ("text", "echo"),
    [
        ("у нас тоже", True),
        ("И у меня во дворе тоже!", True),
        ("+1", True),
        ("так и не убрали", True),
        ("Опять нет воды", True),
        ("У кого ещё света нет?", True),
        ("Когда уже сделают?", True),
        ("до сих пор не чинят", True),
        ("Поддерживаю", True),
        ("Красота какая", False),
        ("Опять зима пришла", False),  # a mood, not the problem again
        ("Доброе утро", False),
        ("2+2", False),
        ("Я тоже люблю этот парк", False),
    ],
)
def test_echoes_of_the_parent_problem(text: str, echo: bool) -> None:
    assert echoes(text) is echo


def test_calibration_recovers_a_known_sigmoid() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 2, 20_000)
    y = (rng.random(20_000) < 1 / (1 + np.exp(-(2 * logits - 1)))).astype(float)
    scale, shift = fit_calibration(logits, y)
    assert scale == pytest.approx(2.0, abs=0.15)
    assert shift == pytest.approx(-1.0, abs=0.15)


def test_shipped_model_is_calibrated_weights_with_a_measured_threshold(
    shipped: SocialSignalModel, lemmatizer: Lemmatizer
) -> None:
    assert shipped.weights.shape == (SignalFeatures().size,)
    assert 0.05 < shipped.threshold < 0.95
    assert shipped.scale > 0  # calibration keeps the model's ranking
    texts = [PARENT, "Поздравляем всех с праздником! Хороших выходных", "Продам диван недорого"]
    probs = _probabilities(shipped, texts, lemmatizer)
    assert np.all((probs >= 0) & (probs <= 1))
    assert probs[0] > shipped.threshold > max(probs[1], probs[2])


def test_moderators_labels_fine_tune_the_signal_model(
    shipped: SocialSignalModel, lemmatizer: Lemmatizer
) -> None:
    noise = [f"Голосуйте за наш проект благоустройства сквера, вариант {n}" for n in range(8)]
    signals = [f"Прорвало трубу отопления в подвале дома {n}, течёт кипяток" for n in range(8)]
    items = noise + signals
    labels = [False] * len(noise) + [True] * len(signals)
    matrix = SignalFeatures().transform(prepare(items, lemmatizer), [PostContext()] * len(items))
    tuned = shipped.fine_tuned(matrix, labels)
    truth = np.array(labels, dtype=float)
    assert _log_loss(tuned.logits(matrix), truth) < _log_loss(shipped.logits(matrix), truth)
    after = tuned.probabilities(matrix)
    assert np.all(after[: len(noise)] < tuned.threshold)  # the moderators' «Не сигнал»
    assert np.all(after[len(noise) :] >= tuned.threshold)  # the signals stay signals
    assert tuned.info["fine_tuned_on"] == len(items)
    untouched = np.asarray(matrix.getnnz(axis=0)).ravel() == 0
    assert np.array_equal(tuned.weights[untouched], shipped.weights[untouched])  # anchored


def _probabilities(
    model: SocialSignalModel, texts: list[str], lemmatizer: Lemmatizer
) -> np.ndarray:
    matrix = SignalFeatures().transform(prepare(texts, lemmatizer), [PostContext()] * len(texts))
    return model.probabilities(matrix)


def _log_loss(logits: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean(np.logaddexp(0, logits) - truth * logits))


def test_accept_threshold_is_the_lowest_probability_keeping_the_precision() -> None:
    rng = np.random.default_rng(3)
    probs = rng.random(5_000)
    y = (rng.random(5_000) < probs).astype(float)  # calibrated by construction
    cut = accept_threshold(probs, y, 0.97)
    above = probs >= cut
    assert y[above].mean() >= 0.97
    lower = probs[probs < cut].max()  # one step further down the ranking breaks it
    assert y[probs >= lower].mean() < 0.97
    assert 0.9 < cut < 1.0  # calibrated: precision 0.97 sits near probability 0.94
    assert accept_threshold(probs, np.zeros_like(y), 0.97) == 1.0  # no signals: never


def test_auto_accept_default_is_the_shipped_models_measured_threshold(
    shipped: SocialSignalModel,
) -> None:
    """OTKLIK_TRIAGE_SIGNAL_ACCEPT comes from the shipped model's out-of-fold PR curve: the
    lowest calibrated probability with 97% precision, rounded up (BENCHMARKS.md)."""
    info = dict(ast.literal_eval(shipped.info["description"]))
    assert info["accept_precision"] == 0.97
    expected = math.ceil(info["accept_threshold"] * 100) / 100
    assert Settings.model_fields["triage_signal_accept"].default == expected
    assert Thresholds().signal_accept == expected
    assert shipped.threshold < expected  # review sits between the two


def test_shipped_model_knows_plain_utility_complaints(
    shipped: SocialSignalModel, lemmatizer: Lemmatizer
) -> None:
    """The labelled social sample holds few utility complaints; the authored seed signals in
    its training make them known (without them: 0.12–0.17, below the threshold). The eight-post
    test's ads are not left to the words: one scored 0.314 against the threshold 0.3195, so
    the structure decides them (`commercial_offer`: an offer and «звоните»)."""
    complaints = [
        "третий день нет горячей воды",
        "нет горячей воды",
        "когда дадут отопление? дома холодно",
        "в подъезде не работает лифт неделю",
    ]
    ads = ["Продам гараж в Березниках, недорого, звоните вечером",
           "Скидки на пластиковые окна в Перми! Установка за один день, звоните"]  # fmt: skip
    probs = _probabilities(shipped, complaints + ads, lemmatizer)
    assert np.all(probs[: len(complaints)] >= shipped.threshold), probs
    assert np.all(probs[len(complaints) :] < shipped.threshold), probs  # the words alone too
    for text in complaints:
        assert structural_verdict(PostContext(), text) is None, text
    for text in ads:
        verdict = structural_verdict(PostContext(), text)
        assert verdict is not None and verdict.reason == "commercial_offer", text


@pytest.mark.parametrize(
    ("context", "group"),
    [
        (RESIDENT_COMMENT, "authority_thread"),  # a resident on an administration's page
        (UNKNOWN_AUTHOR, "authority_thread"),
        (RESIDENTS_POST, "default"),  # «Подслушано»: where residents' stories are posted
        (PostContext(), "default"),  # nothing known: a resident's post
        (NEWS_OWN_POST, "media_post"),
        (NEWS_COMMENT, "media_comment"),
        (UNKNOWN_PAGE_COMMENT, "media_comment"),  # comments on a page of unknown role
        (PostContext(position="comment", source_role="residents"), "default"),
    ],
)
def test_threshold_groups(context: PostContext, group: str) -> None:
    assert threshold_group(context) == group


def test_shipped_model_reads_rare_signal_pages_at_their_own_thresholds(
    shipped: SocialSignalModel,
) -> None:
    """The rare-signal groups' thresholds come from their own PR curves (BENCHMARKS.md)."""
    assert set(shipped.group_thresholds) == {*RARE_GROUPS, *RECALL_GROUPS}
    cuts = shipped.thresholds([RESIDENT_COMMENT, NEWS_OWN_POST, NEWS_COMMENT, RESIDENTS_POST])
    groups = shipped.group_thresholds
    expected = [groups["authority_thread"], groups["media_post"], groups["media_comment"],
                shipped.threshold]  # fmt: skip
    assert cuts.tolist() == pytest.approx(expected)
    assert all(0.0 < cut < 1.0 for cut in cuts)


def test_group_thresholds_survive_saving_and_fine_tuning(
    shipped: SocialSignalModel, lemmatizer: Lemmatizer, tmp_path: Path
) -> None:
    model = replace(shipped, group_thresholds={"media_post": 0.61, "media_comment": 0.37})
    loaded = load_social_model(model.save(tmp_path / "signal.npz"))
    assert loaded.group_thresholds == pytest.approx({"media_post": 0.61, "media_comment": 0.37})
    texts = ["Прорвало трубу в подвале дома 5", "Поздравляем с праздником"]
    matrix = SignalFeatures().transform(prepare(texts, lemmatizer), [PostContext()] * 2)
    assert loaded.fine_tuned(matrix, [True, False]).group_thresholds == loaded.group_thresholds


def test_a_model_pickled_before_the_group_thresholds_reads_everything_at_one(
    shipped: SocialSignalModel,
) -> None:
    """Bundles saved by `nlp train` before them hold a fine-tuned model without the fields."""
    state = {k: v for k, v in vars(shipped).items() if k not in ("group_thresholds", "group_words")}
    old = pickle.loads(pickle.dumps(shipped))
    old.__dict__.clear()
    old.__setstate__(state)
    assert old.group_words is False
    assert old.thresholds([NEWS_COMMENT, RESIDENT_COMMENT]).tolist() == [shipped.threshold] * 2


def test_the_annotator_decides_each_item_at_its_groups_threshold(
    cold_bundle: ClassifierBundle, resolver: MunicipalityResolver, shipped: SocialSignalModel
) -> None:
    text = "На Ленина третий день нет горячей воды, когда дадут?"
    contexts = [RESIDENT_COMMENT, NEWS_COMMENT]
    probe = Annotator(cold_bundle, resolver, social=shipped).annotate([text] * 2, contexts=contexts)
    p_resident, p_news = (r.reasons["signal_probability"] for r in probe)
    # the same words on a news page's comments need more: a stricter cut there only
    strict = replace(shipped, threshold=p_resident - 0.01,
                     group_thresholds={"media_comment": p_news + 0.01})  # fmt: skip
    resident, news = Annotator(cold_bundle, resolver, social=strict).annotate(
        [text] * 2, contexts=contexts
    )
    assert (resident.is_signal, news.is_signal) == (True, False)
    lenient = replace(strict, group_thresholds={"media_comment": p_news - 0.01})
    _, news = Annotator(cold_bundle, resolver, social=lenient).annotate(
        [text] * 2, contexts=contexts
    )
    assert news.is_signal is True


def test_group_words_are_added_only_under_news_posts(lemmatizer: Lemmatizer) -> None:
    features = SignalFeatures()
    prepared = prepare(["Горит склад на Ленина"] * 3, lemmatizer)
    contexts = [RESIDENT_COMMENT, NEWS_COMMENT, NEWS_OWN_POST]
    grouped, plain = features.transform_pair(prepared, contexts, structure=False)
    assert (features.transform(prepared, contexts, structure=False) != grouped).nnz == 0
    assert (grouped[0] != plain[0]).nnz == 0  # a resident's comment: the words alone
    assert grouped[1].nnz > plain[1].nnz  # under a news post: its words again, as the group's
    assert (grouped[2] != plain[2]).nnz == 0  # a news page's own post: the words alone
    assert (plain[0] != plain[1]).nnz == 0  # the category model reads the same words


def test_fbeta_threshold_picks_the_best_cut() -> None:
    probs = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    y = np.array([1, 0, 1, 0, 0, 0, 1, 0], dtype=float)
    # F1 at each cut: 0.5, 0.4, 0.667, 0.571, 0.5, 0.444, 0.6, 0.545 -> 0.7
    assert fbeta_threshold(probs, y, 1.0) == 0.7
    # F2 weighs recall: keeping all three signals (cut 0.3) scores 0.789 against 0.667
    assert fbeta_threshold(probs, y, 2.0) == 0.3
    # a cut never splits equal probabilities: 0.5 passes all four (F1 0.571), so 0.9 wins
    # (0.667); counting the tied signal alone would make 0.5 look perfect (F1 1.0)
    tied = np.array([0.9, 0.5, 0.5, 0.5, 0.5])
    assert fbeta_threshold(tied, np.array([1, 1, 0, 0, 0], dtype=float), 1.0) == 0.9
