"""Loads Swiss postal codes from the CSVs shipped in quartier/geo/data (see SOURCE.md)."""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
LOCALITIES_CSV = DATA_DIR / "ch_postal_codes.csv"
PO_BOXES_CSV = DATA_DIR / "ch_postal_codes_nongeo_geonames.csv"


def read_rows(localities: Path = LOCALITIES_CSV, po_boxes: Path = PO_BOXES_CSV) -> list[dict]:
    """One dict per (code, place), localities first; PO-box codes only where new."""
    rows: dict[tuple[str, str], dict] = {}
    with localities.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            _add(rows, row, is_po_box=False)
    with po_boxes.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            _add(rows, row, is_po_box=True)
    return list(rows.values())


def _add(rows: dict, row: dict, *, is_po_box: bool) -> None:
    code, place = row["postal_code"].strip(), row["place"].strip()
    if not (len(code) == 4 and code.isdigit()) or (code, place) in rows:
        return
    rows[(code, place)] = {
        "code": code,
        "place": place[:100],
        "canton": (row.get("canton") or "").strip()[:2],
        "language": (row.get("language") or "").strip()[:2],
        "latitude": float(row["latitude"]),
        "longitude": float(row["longitude"]),
        "is_po_box": is_po_box,
    }


def load_postal_codes(model) -> int:
    """Insert the rows that are missing (idempotent); returns how many were added."""
    existing = set(model.objects.values_list("code", "place"))
    missing = [model(**row) for row in read_rows() if (row["code"], row["place"]) not in existing]
    model.objects.bulk_create(missing, batch_size=1000)
    return len(missing)
