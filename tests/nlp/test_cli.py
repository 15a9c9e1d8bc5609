import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from otklik.cli import app

runner = CliRunner()

ROWS = [
    ("Нет горячей воды в доме", "ЖКХ", "Отсутствие горячей воды"),
    ("Горячую воду отключили без предупреждения", "ЖКХ", "Отсутствие горячей воды"),
    ("Из крана только холодная, горячей воды нет неделю", "ЖКХ", "Отсутствие горячей воды"),
    ("Батареи холодные, отопления нет", "ЖКХ", "Отопление"),
    ("В квартире холодно, отопление не дали", "ЖКХ", "Отопление"),
    ("Отопление еле тёплое, дети мёрзнут", "ЖКХ", "Отопление"),
    ("Яма на дороге у остановки", "Дороги", "Ямы"),
    ("Глубокие ямы на проезжей части", "Дороги", "Ямы"),
    ("Дорога вся в ямах и выбоинах", "Дороги", "Ямы"),
    ("Светофор не работает на перекрёстке", "Дороги", "Светофоры"),
    ("Сломан светофор возле школы", "Дороги", "Светофоры"),
    ("Светофор мигает жёлтым целый день", "Дороги", "Светофоры"),
]


def _corpus(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Текст инцидента", "Группа тем", "Тема"])
        writer.writerows(ROWS * 3)
        writer.writerow(["", "ЖКХ", "Отопление"])  # no text: skipped and counted
    return path


def test_train_evaluate_annotate(configured: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    corpus = _corpus(tmp_path / "cur.csv")
    out = tmp_path / "model"
    trained = runner.invoke(app, ["nlp", "train", "--corpus", str(corpus),
                                  "--text-column", "Текст инцидента",
                                  "--label-column", "Группа тем", "--topic-column", "Тема",
                                  "--out", str(out)])  # fmt: skip
    assert trained.exit_code == 0, trained.output
    assert "skipped rows without text or label: 1" in trained.output
    assert (out / "model.joblib").is_file()

    evaluated = runner.invoke(app, ["nlp", "evaluate", "--model", str(out), "--corpus", str(corpus),
                                    "--text-column", "Текст инцидента", "--label-column", "Тема",
                                    "--json"])  # fmt: skip
    assert evaluated.exit_code == 0, evaluated.output
    report = json.loads(evaluated.stdout.strip().splitlines()[-1])
    assert report["n"] == len(ROWS) * 3
    assert report["accuracy"] > 0.9
    assert set(report["coverage"]) == {"0.95", "0.97", "0.99"}
    assert set(report["per_class"]) == {"Отсутствие горячей воды", "Отопление", "Ямы", "Светофоры"}

    lines = tmp_path / "in.jsonl"
    lines.write_text(
        '{"id": 1, "text": "В Лысьве яма на дороге у школы"}\nnot json\n{"id": 3, "text": "😀"}\n',
        encoding="utf-8",
    )
    output = tmp_path / "out.jsonl"
    annotated = runner.invoke(app, ["nlp", "annotate", "--input", str(lines), "--model", str(out),
                                    "--output", str(output)])  # fmt: skip
    assert annotated.exit_code == 0, annotated.output
    first, bad, emoji = (json.loads(line) for line in output.read_text("utf-8").splitlines())
    assert first["id"] == 1 and first["topic"] == "Ямы" and first["category"] == "Дороги"
    assert first["municipality"] == "Лысьвенский городской округ"
    assert first["municipality_span"] == "Лысьве"
    assert isinstance(first["topic_alternatives"], list)  # runner-ups: tests/nlp/test_classifier
    assert bad == {"line": 2, "error": bad["error"]} and "invalid JSON" in bad["error"]
    assert emoji["is_signal"] is False and emoji["topic_alternatives"] == []
    assert emoji["signal_structure"] == "emoji_only"


STRUCTURED = [
    {"id": 1, "text": "Приглашаем всех на праздник в парке", "kind": "post",
     "author_is_source": True, "source_role": "authority"},
    {"id": 2, "text": "Спасибо, передали в управляющую компанию", "kind": "reply",
     "author_is_source": True, "parent_text": "Во дворе нет отопления"},
    {"id": 3, "text": "у нас тоже", "kind": "reply",
     "parent_text": "Глубокие ямы на проезжей части у школы на Ленина"},
    {"id": 4, "text": "так и не убрали", "kind": "reply", "parent_text": ""},
    {"id": 5, "text": "Третий день нет горячей воды на Ленина, 5", "is_ad": True},
    {"id": 6, "text": "Продаю дрова колотые, берёза, доставка. Звоните 8 912 345-67-89"},
    {"id": 7, "text": "Разыгрываем самокат! Подпишитесь на нашу группу и сделайте репост"},
    {"id": 8, "text": "Суд приговорил похитителя велосипедов к двум годам колонии", "kind": "post",
     "author_is_source": True, "source_role": "media"},
    {"id": 9, "text": "Суд приговорил похитителя велосипедов к двум годам колонии",
     "kind": "comment", "source_role": "media"},
    {"id": 10, "text": "Снег идёт", "kind": "comment"},  # a few words alone, role unknown
    {"id": 11, "text": "Яма у второго подъезда", "kind": "comment"},  # ... naming a problem
]  # fmt: skip


def test_annotate_reads_the_structure_of_each_line(configured: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    lines = tmp_path / "in.jsonl"
    lines.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in STRUCTURED), "utf-8")
    output = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["nlp", "annotate", "--input", str(lines), "--output", str(output)])
    assert result.exit_code == 0, result.output
    written = output.read_text("utf-8").splitlines()
    own, answer, short, orphan, ad, offer, giveaway, report, comment, chatter, pothole = (
        json.loads(x) for x in written
    )
    assert (own["is_signal"], own["signal_structure"]) == (False, "authority_post")
    assert (answer["is_signal"], answer["signal_structure"]) == (False, "page_reply")
    assert short["signal_read_with_parent"] is True and short["category"] == "roads"
    assert (orphan["is_signal"], orphan["signal_structure"]) == (False, "orphan_short_reply")
    assert (ad["is_signal"], ad["signal_structure"]) == (False, "advert")
    assert (offer["is_signal"], offer["signal_structure"]) == (False, "commercial_offer")
    assert offer["signal_confidence"] == 1.0 and "signal_probability" not in offer
    assert (giveaway["is_signal"], giveaway["signal_structure"]) == (False, "promotion")
    assert (report["is_signal"], report["signal_structure"]) == (False, "outlet_report")
    assert comment.get("signal_structure") is None  # a resident's comment: left to the words
    assert (chatter["is_signal"], chatter["signal_structure"]) == (False, "short_alone")
    assert pothole.get("signal_structure") is None


def test_train_refuses_unknown_column(configured: str, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "cur.csv")
    result = runner.invoke(app, ["nlp", "train", "--corpus", str(corpus), "--text-column", "text",
                                 "--label-column", "Группа тем"])  # fmt: skip
    assert result.exit_code == 2
    assert "no column(s) ['text']" in result.output


def test_geo_import_and_resolve(configured: str, shared_data: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    gazetteer = shared_data / "gazetteer"
    args = ["geo", "import", "--oktmo", str(gazetteer / "oktmo_municipal_formations_2019.json"),
            "--cities", str(gazetteer / "hflabs_city.csv"), "--region-code", "38"]  # fmt: skip
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    # 10 cities and 312 поселения of the ОКТМО list
    assert "municipalities: 33, settlements: 322, already known: 0" in first.output
    again = runner.invoke(app, args).output
    assert "municipalities: 0, settlements: 0, already known: 33" in again

    resolved = runner.invoke(app, ["geo", "resolve", "Администрация Льговского района", "--json"])
    assert resolved.exit_code == 0, resolved.output
    payload = json.loads(resolved.stdout.strip().splitlines()[-1])
    assert payload["municipality"] == "Льговский муниципальный район"
    assert payload["span"] == "Льговского района"
    city = runner.invoke(app, ["geo", "resolve", "в Краснокамске нет воды"])
    assert city.output.startswith("Краснокамский городской округ\tКраснокамске\t")
