"""Open311 GeoReport v2 contract and agencies' updates, over HTTP against a running server."""

from sqlalchemy import Engine
from sqlmodel import Session, select

from models.audit import AuditEvent
from models.report import Report, ReportStatus
from tests.api.conftest import Api
from triage.api_tokens import revoke_token
from triage.calendar import WorkCalendar
from triage.lifecycle import change_status

REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def _send(engine: Engine, report_id: int) -> None:
    """The ЦУР sends the report to its agency (what agencies then update)."""
    with Session(engine) as session:
        report = session.get(Report, report_id)
        assert report is not None
        change_status(
            session,
            report_id=report_id,
            status=ReportStatus.SENT,
            actor="op",
            user_id=None,
            expected_version=report.version,
            calendar=WorkCalendar(),
        )
        session.commit()


def test_services_are_the_active_topics(api: Api) -> None:
    response = api.get("/services.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    services = {s["service_code"]: s for s in response.json()}
    assert set(services) == {"housing_pipe_burst", "amenities_lighting", "roads_potholes"}
    assert services["roads_potholes"]["service_name"] == "Ямы"
    assert services["roads_potholes"]["group"] == "Дороги"
    assert services["roads_potholes"]["metadata"] is False
    assert services["roads_potholes"]["type"] == "realtime"


def test_service_definition_and_unknown_service(api: Api) -> None:
    assert api.get("/services/roads_potholes.json").json() == {
        "service_code": "roads_potholes",
        "attributes": [],
    }
    missing = api.get("/services/no_such.json")
    assert missing.status_code == 404
    assert missing.json()[0]["reason"] == "no_such_service"


def test_requests_need_a_token_and_refuse_unknown_ones(api: Api) -> None:
    missing = api.get("/requests.json")
    assert missing.status_code == 401
    assert missing.json()[0]["reason"] == "token_missing"
    wrong = api.get("/requests.json", token="otk_not-a-token")
    assert wrong.status_code == 401
    assert wrong.json()[0]["reason"] == "token_invalid"
    assert "Токен" in wrong.json()[0]["description"]
    by_parameter = api.get("/requests.json", api_key=api.perm_token)  # Open311's own way
    assert by_parameter.status_code == 200 and len(by_parameter.json()) == 1


def test_an_agency_sees_only_its_own_reports(api: Api) -> None:
    world = api.world
    rows = api.get("/requests.json", token=api.perm_token).json()
    assert [r["service_request_id"] for r in rows] == [str(world.perm_report)]
    row = rows[0]
    assert set(row) >= REQUEST_FIELDS
    assert row["status"] == "open"
    assert row["status_detail"] == "new"
    assert row["service_code"] == "roads_potholes"
    assert row["service_name"] == "Ямы"
    assert row["agency_responsible"] == "Администрация Перми"
    assert row["address"] == "Пермь, ул. Ленина, 5"
    assert row["description"] == "Яма на Ленина"
    assert row["expected_datetime"] is not None
    assert row["requested_datetime"].endswith("+00:00")
    other = api.get(f"/requests/{world.kungur_report}.json", token=api.perm_token)
    assert other.status_code == 404
    assert other.json()[0]["reason"] == "not_found"
    own = api.get(f"/requests/{world.kungur_report}.json", token=api.kungur_token)
    assert own.status_code == 200
    assert own.json()[0]["agency_responsible"] == "Администрация Кунгура"


def test_request_filters(api: Api) -> None:
    world, token = api.world, api.perm_token
    by_id = api.get("/requests.json", token=token, service_request_id=str(world.perm_report))
    assert len(by_id.json()) == 1
    # another agency's id is filtered out, not revealed
    foreign = api.get("/requests.json", token=token, service_request_id=str(world.kungur_report))
    assert foreign.json() == []
    assert len(api.get("/requests.json", token=token, service_code="roads_potholes").json()) == 1
    assert api.get("/requests.json", token=token, service_code="amenities_lighting").json() == []
    assert len(api.get("/requests.json", token=token, status="open").json()) == 1
    assert api.get("/requests.json", token=token, status="closed").json() == []
    assert api.get("/requests.json", token=token, start_date="2999-01-01T00:00:00Z").json() == []
    assert len(api.get("/requests.json", token=token, end_date="2999-01-01T00:00:00Z").json()) == 1
    bad = api.get("/requests.json", token=token, status="maybe")
    assert bad.status_code == 400
    assert bad.json()[0]["reason"] == "bad_request"
    bad_date = api.get("/requests.json", token=token, start_date="вчера")
    assert bad_date.status_code == 400
    assert bad_date.json()[0]["fields"] == ["start_date"]


def test_an_agency_answers_and_moves_its_report(api: Api, engine: Engine) -> None:
    report_id = api.world.perm_report
    _send(engine, report_id)
    version = api.get(f"/requests/{report_id}.json", token=api.perm_token).json()[0]["version"]
    response = api.post(
        f"/requests/{report_id}/updates.json",
        {"version": version, "status": "answered", "answer": "Яму заделаем до пятницы."},
        token=api.perm_token,
    )
    assert response.status_code == 200, response.text
    row = response.json()[0]
    assert row["status_detail"] == "answered"
    assert row["answer"] == "Яму заделаем до пятницы."
    assert "Яму заделаем" in row["status_notes"]
    assert row["version"] == version + 2
    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent).where(
                AuditEvent.entity_id == report_id, AuditEvent.entity_type == "report"
            )
        ).all()
    actions = {(e.action, e.actor) for e in events}
    assert ("set_answer", "agency:Администрация Перми") in actions
    assert ("status:answered", "agency:Администрация Перми") in actions


def test_a_stale_version_is_refused_with_its_reason(api: Api, engine: Engine) -> None:
    report_id = api.world.perm_report
    _send(engine, report_id)  # the version moved on since the agency read 1
    response = api.post(
        f"/requests/{report_id}/updates.json",
        {"version": 1, "status": "in_progress"},
        token=api.perm_token,
    )
    assert response.status_code == 409
    error = response.json()[0]
    assert error["reason"] == "version_conflict"
    assert error["current_version"] == 2
    assert "версию 1" in error["description"]
    with Session(engine) as session:
        assert session.get(Report, report_id).status == ReportStatus.SENT  # type: ignore[union-attr]


def test_a_move_the_lifecycle_forbids_is_refused(api: Api, engine: Engine) -> None:
    report_id = api.world.perm_report  # still "new": not sent, so it cannot be answered
    response = api.post(
        f"/requests/{report_id}/updates.json",
        {"version": 1, "status": "answered", "answer": "Готово"},
        token=api.perm_token,
    )
    assert response.status_code == 409
    error = response.json()[0]
    assert error["reason"] == "invalid_transition"
    assert error["current_status"] == "new"
    assert "«новое»" in error["description"]
    with Session(engine) as session:
        report = session.get(Report, report_id)
        assert report is not None
        assert report.answer_text is None  # all or nothing: the answer was not kept either
        assert report.version == 1


def test_statuses_that_are_the_cur_s_and_foreign_reports_are_refused(api: Api) -> None:
    world = api.world
    resolved = api.post(
        f"/requests/{world.perm_report}/updates.json",
        {"version": 1, "status": "resolved"},
        token=api.perm_token,
    )
    assert resolved.status_code == 403
    assert resolved.json()[0]["reason"] == "status_not_allowed"
    foreign = api.post(
        f"/requests/{world.kungur_report}/updates.json",
        {"version": 1, "answer": "чужое"},
        token=api.perm_token,
    )
    assert foreign.status_code == 404
    empty = api.post(
        f"/requests/{world.perm_report}/updates.json", {"version": 1}, token=api.perm_token
    )
    assert empty.status_code == 422
    assert empty.json()[0]["reason"] == "rejected"
    unknown_field = api.post(
        f"/requests/{world.perm_report}/updates.json",
        {"version": 1, "colour": "red"},
        token=api.perm_token,
    )
    assert unknown_field.status_code == 400
    assert "Неверный запрос" in unknown_field.json()[0]["description"]


def test_a_revoked_token_is_refused_at_once(api: Api, engine: Engine) -> None:
    assert api.get("/requests.json", token=api.perm_token).status_code == 200
    with Session(engine) as session:
        revoke_token(session, token_id=api.perm_token_id, actor="test")
        session.commit()
    response = api.get("/requests.json", token=api.perm_token)
    assert response.status_code == 401
    assert response.json()[0]["reason"] == "token_invalid"
    assert api.get("/requests.json", token=api.kungur_token).status_code == 200


def test_unknown_paths_answer_in_russian_json(api: Api) -> None:
    response = api.get("/nothing.json")
    assert response.status_code == 404
    assert response.json()[0]["reason"] == "no_such_path"
    create = api.post("/requests.json", {"service_code": "roads_potholes"}, token=api.perm_token)
    assert create.status_code == 405
    assert create.json()[0]["reason"] == "method_not_allowed"
