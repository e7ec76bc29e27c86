import pytest

from factories import PASSWORD, EnterpriseFactory, ParkKPIFactory

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_overview_shows_kpis_chart_and_branches(client, network):
    for year in (2022, 2023, 2024):
        ParkKPIFactory(park=network.park, year=year, employees=1000 * year)
    sign_in(client, network.operator)
    page = client.get(f"/parks/{network.park.id}/").content.decode()
    assert "2024000" in page  # latest employees tile
    assert 'id="kpi-chart-option"' in page and '"2022"' in page
    assert "昆山分园" in page


def test_directory_search_filters_and_paging(client, network):
    for index in range(30):
        EnterpriseFactory(park=network.park, name=f"上海数联{index:02d}有限公司", industry="cloud")
    sign_in(client, network.tenant)
    page = client.get("/enterprises/", {"q": "数联"}).content.decode()
    assert "共 30 家企业" in page and "第 1 / 2 页" in page
    partial = client.get(
        "/enterprises/", {"q": "数联", "page": 2}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in partial and "上海数联29有限公司" in partial
    assert "上海云图" in client.get("/enterprises/", {"q": "yuntu"}).content.decode()
    unknown = client.get("/enterprises/", {"park": "00000000-0000-0000-0000-000000000000"})
    assert "未知的园区" in unknown.content.decode()


def test_enterprise_detail_shows_leases_only_to_those_who_may_see_them(client, network):
    sign_in(client, network.tenant)
    own = client.get(f"/enterprises/{network.enterprise.id}/").content.decode()
    assert 'data-testid="leases"' in own and "18,000.00" in own
    other = client.get(f"/enterprises/{network.other_enterprise.id}/").content.decode()
    assert 'data-testid="leases"' not in other and "18,000.00" not in other


def test_directory_has_a_query_budget(client, network, django_assert_max_num_queries):
    for _ in range(40):
        EnterpriseFactory(park=network.park)
    sign_in(client, network.operator)
    with django_assert_max_num_queries(12):
        assert client.get("/enterprises/").status_code == 200


def test_audit_log_is_for_operators(client, network):
    from parkos.parks import services

    services.lease_update(actor=network.operator, lease=network.lease, monthly_rent="21000")
    sign_in(client, network.tenant)
    assert client.get("/audit/").status_code == 403
    sign_in(client, network.operator)
    page = client.get("/audit/").content.decode()
    assert "lease.update" in page and "21000.00" in page
    sign_in(client, network.branch_operator)
    assert "lease.update" not in client.get("/audit/").content.decode()


def test_pages_need_sign_in(client, network):
    for path in (
        "/parks/",
        f"/parks/{network.park.id}/",
        "/enterprises/",
        "/audit/",
        "/enterprises/import/",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_pages_have_a_query_budget(client, network, django_assert_max_num_queries):
    from factories import ParkFactory
    from parkos.parks import services

    for index in range(10):
        ParkFactory(parent=network.park, code=f"branch-{index}")
        ParkKPIFactory(park=network.park, year=2010 + index)
    for rent in range(20):
        services.lease_update(
            actor=network.operator, lease=network.lease, monthly_rent=str(20000 + rent)
        )
    sign_in(client, network.operator)
    for path in (f"/parks/{network.park.id}/", "/audit/"):
        with django_assert_max_num_queries(14):
            assert client.get(path).status_code == 200


def test_an_import_report_page_has_a_query_budget(client, network, django_assert_max_num_queries):
    from parkos.parks.imports import import_start

    lines = ["企业名称,统一社会信用代码,行业"] + [f"公司{i},bad{i},ai" for i in range(60)]
    job = import_start(
        actor=network.operator,
        park=network.park,
        file_name="bad.csv",
        content="\n".join(lines).encode(),
    )
    sign_in(client, network.operator)
    with django_assert_max_num_queries(10):
        page = client.get(f"/imports/{job.id}/")
    assert page.content.decode().count("<tr>") == 61
