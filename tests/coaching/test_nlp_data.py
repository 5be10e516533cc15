"""Checks of the hand-written coaching NLP data (bot/coaching/data).

statements.jsonl trains the statement classifier; services.txt and strengths.txt are
lexicons. The last test makes sure no row of the held-out dev set
(../shared/data/outcomes/dev.csv) has been copied into the training data: it compares
hashes of normalised texts and never prints the dev rows themselves.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from bot.coaching.contracts import DOMAINS

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "bot" / "coaching" / "data"
STATEMENTS = DATA / "statements.jsonl"
SERVICES = DATA / "services.txt"
STRENGTHS = DATA / "strengths.txt"
DEV_CSV_CANDIDATES = (
    REPO.parent / "shared" / "data" / "outcomes" / "dev.csv",
    Path("/work/shared/data/outcomes/dev.csv"),
)

KINDS = ("outcome", "service", "other")
TARGET_SHARES = {"outcome": 0.50, "service": 0.28, "other": 0.22}
SHARE_TOLERANCE = 0.15
MIN_ROWS = 1200
MIN_PER_DOMAIN = 35
MIN_SERVICE_TERMS = 250


def _normalise(text: str) -> str:
    """Lower case, NFC, straight quotes, punctuation and whitespace squeezed."""
    text = unicodedata.normalize("NFC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[^\w' ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _digest(text: str) -> str:
    return hashlib.sha256(_normalise(text).encode("utf-8")).hexdigest()


def _load_rows() -> list[tuple[int, dict]]:
    rows = []
    with STATEMENTS.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            assert line.strip(), f"line {number} is blank"
            rows.append((number, json.loads(line)))
    return rows


def _lexicon(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


@pytest.fixture(scope="module")
def rows() -> list[tuple[int, dict]]:
    return _load_rows()


def test_every_line_parses_with_the_expected_fields(rows) -> None:
    assert len(rows) >= MIN_ROWS
    for number, row in rows:
        assert isinstance(row, dict), f"line {number}"
        assert set(row) == {"text", "kind", "domain", "services"}, f"line {number}: {row}"
        assert isinstance(row["text"], str) and row["text"].strip(), f"line {number}"
        assert row["text"] == row["text"].strip(), f"line {number}: stray whitespace"
        assert isinstance(row["services"], list), f"line {number}"


def test_kinds_and_domains_are_valid(rows) -> None:
    for number, row in rows:
        assert row["kind"] in KINDS, f"line {number}: {row['kind']!r}"
        if row["kind"] == "outcome":
            assert row["domain"] in DOMAINS, f"line {number}: {row['domain']!r}"
        else:
            assert row["domain"] is None, f"line {number}: domain on a {row['kind']} row"


def test_service_spans_are_exact_substrings(rows) -> None:
    for number, row in rows:
        for span in row["services"]:
            assert isinstance(span, str) and span.strip(), f"line {number}: {span!r}"
            assert span in row["text"], f"line {number}: {span!r} not in {row['text']!r}"


def test_service_rows_name_their_service(rows) -> None:
    for number, row in rows:
        if row["kind"] == "service":
            assert row["services"], f"line {number}: service row with no span"


def test_no_duplicate_texts(rows) -> None:
    seen: dict[str, int] = {}
    for number, row in rows:
        key = _normalise(row["text"])
        assert key not in seen, f"line {number} duplicates line {seen[key]}: {row['text']!r}"
        seen[key] = number


def test_each_domain_has_enough_outcomes(rows) -> None:
    counts = Counter(row["domain"] for _, row in rows if row["kind"] == "outcome")
    short = {d: counts.get(d, 0) for d in DOMAINS if counts.get(d, 0) < MIN_PER_DOMAIN}
    assert not short, f"domains with fewer than {MIN_PER_DOMAIN} outcomes: {short}"


def test_kind_shares_are_near_the_targets(rows) -> None:
    counts = Counter(row["kind"] for _, row in rows)
    total = sum(counts.values())
    for kind, target in TARGET_SHARES.items():
        share = counts.get(kind, 0) / total
        assert abs(share - target) <= SHARE_TOLERANCE, f"{kind}: {share:.0%} vs {target:.0%}"


def test_services_lexicon() -> None:
    terms = _lexicon(SERVICES)
    assert len(terms) >= MIN_SERVICE_TERMS
    assert all(t == t.lower() for t in terms), [t for t in terms if t != t.lower()]
    duplicates = [t for t, n in Counter(terms).items() if n > 1]
    assert not duplicates, duplicates
    for must in ("walk-in shower", "stairlift", "home care", "respite", "day centre", "ot"):
        assert must in terms


def test_strengths_lexicon() -> None:
    text = STRENGTHS.read_text(encoding="utf-8")
    assert text.lstrip().startswith("#"), "strengths.txt needs a header comment"
    terms = _lexicon(STRENGTHS)
    assert len(terms) >= 100
    assert all(t == t.lower() for t in terms), [t for t in terms if t != t.lower()]
    duplicates = [t for t, n in Counter(terms).items() if n > 1]
    assert not duplicates, duplicates
    services = set(_lexicon(SERVICES))
    assert not services & set(terms), sorted(services & set(terms))


def test_no_dev_rows_leak_into_training_data(rows) -> None:
    dev = next((p for p in DEV_CSV_CANDIDATES if p.is_file()), None)
    if dev is None:
        pytest.skip("dev.csv not present")
    with dev.open(encoding="utf-8", newline="") as handle:
        dev_hashes = {_digest(rec["text"]) for rec in csv.DictReader(handle) if rec.get("text")}
    assert dev_hashes, "dev.csv has no texts"
    leaked = [number for number, row in rows if _digest(row["text"]) in dev_hashes]
    # Report only line numbers in statements.jsonl, never the dev texts.
    assert not leaked, f"statements.jsonl lines equal to dev rows: {leaked}"
