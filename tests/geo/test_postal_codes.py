import pytest
from django.core.management import call_command

from quartier.geo.loader import read_rows
from quartier.geo.models import PostalCode
from quartier.geo.projection import GeoPoint, haversine_km, plane_distance_km, project
from quartier.geo.selectors import postal_code_point
from quartier.platform.errors import ApplicationError


def test_every_row_of_both_files_is_loaded(db):
    rows = read_rows()

    assert PostalCode.objects.count() == len(rows)
    assert len(rows) > 4000
    assert PostalCode.objects.filter(code="8000", is_po_box=True).exists()
    assert set(PostalCode.objects.filter(code="8004").values_list("place", flat=True)) == {"Zürich"}


def test_loading_again_adds_nothing(db, capsys):
    call_command("load_postal_codes")

    assert "Added 0 postal codes" in capsys.readouterr().out


def test_a_code_with_several_localities_resolves_to_their_centroid(db):
    places = PostalCode.objects.filter(code="1000")
    assert places.count() > 1
    point = postal_code_point("1000")

    assert point.latitude == pytest.approx(sum(p.latitude for p in places) / places.count())


@pytest.mark.parametrize("code", ["0000", "99999", "abcd", "", None, "8004 "[:3]])
def test_unknown_or_malformed_codes_are_a_400_naming_the_field(db, code):
    with pytest.raises(ApplicationError) as raised:
        postal_code_point(code, field="home_postal_code")

    assert raised.value.status == 400
    assert list(raised.value.fields) == ["home_postal_code"]


def test_plane_distances_stay_close_to_great_circle_distances_in_switzerland(db):
    pairs = [
        ("8004", "8050"),
        ("1003", "1950"),
        ("3011", "6900"),
        ("1200", "8200"),
        ("7500", "9000"),
    ]
    for a, b in pairs:
        point_a, point_b = postal_code_point(a), postal_code_point(b)
        true = haversine_km(point_a, point_b)
        plane = plane_distance_km(point_a.projected(), point_b.projected())
        assert abs(plane - true) <= max(0.3, 0.025 * true), (a, b, plane, true)


def test_projection_is_in_kilometres():
    zurich, one_km_north = GeoPoint(47.3769, 8.5417), GeoPoint(47.3769 + 1 / 111.195, 8.5417)

    assert plane_distance_km(
        project(zurich.latitude, zurich.longitude),
        project(one_km_north.latitude, one_km_north.longitude),
    ) == pytest.approx(1.0, abs=0.001)
