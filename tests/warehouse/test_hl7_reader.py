"""HL7 v2 ADT intake: messages to `adt_event` rows, problems per message, refusals per file."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from commontable.errors import InvalidSubmission
from commontable.warehouse.contracts import CONTRACTS
from commontable.warehouse.readers import hl7v2
from commontable.warehouse.readers.base import ROW_REF, Reading
from commontable.warehouse.readers.hl7_fast import fast_rows
from commontable.warehouse.readers.hl7_segments import split_segments
from commontable.warehouse.readers.hl7v2 import hl7_time, read_hl7

FEED = Path(__file__).parent.parent / "data" / "hl7" / "adt_feed.hl7"
MSH = "MSH|^~\\&|EPIC|SGH^1245319599^NPI|HIE|REGION|20240105083000||ADT^{event}|{control}|P|2.5.1"
PID = "PID|1||MRN9^^^SGH^MR||Doe^Jane||19800115|F"
PV1 = "PV1|1|E|ED^^^SGH"


def message(event: str = "A04", control: str = "C1", *segments: str) -> str:
    return "\r".join([MSH.format(event=event, control=control), *(segments or (PID, PV1))]) + "\r"


def write(tmp_path: Path, text: str | bytes, name: str = "feed.hl7") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def events(reading: Reading) -> dict[str, dict[str, Any]]:
    return {r[ROW_REF]: r for b in reading.batches for r in b.rows.to_pylist()}


@pytest.fixture(scope="module")
def feed() -> Reading:
    return read_hl7([FEED])


def test_every_emitted_column_is_in_the_adt_event_contract(feed: Reading) -> None:
    (batch,) = feed.batches
    allowed = {c.name for c in CONTRACTS["adt_event"].submitted_columns} | {ROW_REF}
    assert batch.table == "adt_event"
    assert set(batch.rows.column_names) <= allowed
    assert set(CONTRACTS["adt_event"].required_columns) <= set(batch.rows.column_names)


def test_adt_a01_gives_admission_with_patient_and_visit(feed: Reading) -> None:
    admit = events(feed)["MSG0001"]
    assert (admit["event_type"], admit["event_datetime"]) == ("A01", "2024-01-05 08:25:00")
    assert (admit["person_id"], admit["first_name"], admit["last_name"]) == (
        "MRN123",
        "Pat",
        "O&Brien",
    )
    assert (admit["birth_date"], admit["sex"]) == ("1980-01-15", "female")
    assert (admit["patient_class"], admit["location"], admit["visit_number"]) == (
        "I",
        "ICU",
        "V1001",
    )
    assert (admit["attending_npi"], admit["admit_datetime"]) == (
        "1234567893",
        "2024-01-05 08:15:00",
    )
    assert admit["diagnosis_code"] == "I50.9"


def test_patient_address_phone_and_ssn_come_from_pid(feed: Reading) -> None:
    admit = events(feed)["MSG0001"]
    assert (admit["address"], admit["city"], admit["state"], admit["zip_code"]) == (
        "12 Elm St",
        "Springfield",
        "IL",
        "62701",
    )
    assert (admit["phone"], admit["social_security_number"]) == ("2175550100", "123-45-6789")


def test_sending_facility_and_its_npi_come_from_msh4(feed: Reading) -> None:
    admit = events(feed)["MSG0001"]
    assert (admit["sending_facility"], admit["facility_npi"]) == (
        "SPRINGFIELD GENERAL",
        "1245319599",
    )


def test_adt_a03_gives_discharge_datetime_and_disposition(feed: Reading) -> None:
    discharge = events(feed)["MSG0002"]
    assert discharge["event_type"] == "A03"
    assert discharge["discharge_datetime"] == "2024-01-09 11:30:00"
    assert discharge["discharge_disposition_code"] == "03"


def test_v23_phone_in_the_first_component_is_reduced_to_digits(feed: Reading) -> None:
    assert events(feed)["MSG0002"]["phone"] == "2175550100"


def test_event_time_falls_back_on_msh7_without_evn(feed: Reading) -> None:
    assert events(feed)["MSG0003"]["event_datetime"] == "2024-02-01 10:15:00"


def test_value_that_is_not_an_hl7_date_is_kept_for_validation(feed: Reading) -> None:
    assert events(feed)["MSG0003"]["birth_date"] == "1975-02-30"


@pytest.mark.parametrize(
    ("code", "sex"),
    [("M", "male"), ("F", "female"), ("O", "other"), ("A", "other"), ("U", "unknown")],
)
def test_pid8_maps_to_the_contracts_sex(tmp_path: Path, code: str, sex: str) -> None:
    text = message("A04", "C1", f"PID|1||MRN9||Doe^Jane||19800115|{code}")
    assert events(read_hl7([write(tmp_path, text)]))["C1"]["sex"] == sex


@pytest.mark.parametrize(
    ("value", "text"),
    [("20240105", "2024-01-05"), ("202401050830", "2024-01-05 08:30:00"),
     ("20240105083015", "2024-01-05 08:30:15"), ("20240105083015.1234-0500", "2024-01-05 08:30:15"),
     ("2024010508", "2024-01-05 08:00:00"), ("yesterday", "yesterday"), ("", None)],
)  # fmt: skip
def test_hl7_timestamps_become_iso_text(value: str, text: str | None) -> None:
    assert hl7_time(value) == text


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_segments_may_end_in_cr_lf_or_crlf(tmp_path: Path, newline: str) -> None:
    text = (message("A01", "C1") + message("A08", "C2")).replace("\r", newline)
    reading = read_hl7([write(tmp_path, text)])
    assert [(r["message_control_id"], r["event_type"]) for r in events(reading).values()] == [
        ("C1", "A01"),
        ("C2", "A08"),
    ]


def test_segments_not_read_are_allowed(tmp_path: Path) -> None:
    text = message("A01", "C1", PID, "NK1|1|Doe^John|SPO", PV1, "OBX|1|NM|8867-4^Heart rate^LN||72")
    assert events(read_hl7([write(tmp_path, text)]))["C1"]["patient_class"] == "E"


def test_mllp_framing_is_tolerated(tmp_path: Path) -> None:
    framed = "".join(f"\x0b{message('A02', c)}\x1c\r" for c in ("C1", "C2"))
    reading = read_hl7([write(tmp_path, framed)])
    assert (list(events(reading)), reading.problems) == (["C1", "C2"], [])


def test_batch_envelope_segments_are_ignored(tmp_path: Path) -> None:
    text = "FHS|^~\\&|EPIC\rBHS|^~\\&|EPIC\r" + message("A01", "C1") + "BTS|1\rFTS|1\r"
    assert list(events(read_hl7([write(tmp_path, text)]))) == ["C1"]


def test_broken_segment_quarantines_only_its_message(tmp_path: Path) -> None:
    broken = message("A01", "C2", PID, "PV1|1|I|ICU^101", "^A|||1234567893")  # PV1 split in two
    reading = read_hl7([write(tmp_path, message("A01", "C1") + broken + message("A03", "C3"))])
    assert list(events(reading)) == ["C1", "C3"]
    (problem,) = reading.problems
    assert (problem.row_ref, problem.table) == ("C2", "adt_event")
    assert problem.reason.startswith("broken segment '^A|||1234567893': ")


def test_unsupported_trigger_event_is_reported(tmp_path: Path) -> None:
    reading = read_hl7([write(tmp_path, message("A31", "C7") + message("A01", "C8"))])
    assert [(p.row_ref, p.reason) for p in reading.problems] == [
        ("C7", "trigger event A31 is not read")
    ]
    assert list(events(reading)) == ["C8"]


def test_message_that_is_not_adt_is_reported(tmp_path: Path) -> None:
    text = message("A01", "C1").replace("ADT^A01", "ORU^R01")
    (problem,) = read_hl7([write(tmp_path, text)]).problems
    assert problem.reason == "message type ORU is not read; only ADT messages are"


def test_message_without_pid_is_reported(tmp_path: Path) -> None:
    (problem,) = read_hl7([write(tmp_path, message("A01", "C1", PV1))]).problems
    assert (problem.row_ref, problem.reason) == (
        "C1",
        "has no PID segment, so the patient is unknown",
    )


def test_message_without_control_id_is_referred_to_by_its_number(tmp_path: Path) -> None:
    text = message("A01", "C1") + message("A31", "")
    (problem,) = read_hl7([write(tmp_path, text)]).problems
    assert problem.row_ref == "message 2"


def test_latin1_text_is_read(tmp_path: Path) -> None:
    text = message("A01", "C1", "PID|1||MRN9||Muñoz^José||19800115|M").encode("latin-1")
    assert events(read_hl7([write(tmp_path, text)]))["C1"]["last_name"] == "Muñoz"


def test_one_batch_per_file(tmp_path: Path) -> None:
    first = write(tmp_path, message("A01", "C1"), "a.hl7")
    second = write(tmp_path, message("A03", "C2"), "b.hl7")
    assert [b.file_name for b in read_hl7([first, second]).batches] == ["a.hl7", "b.hl7"]


@pytest.mark.parametrize("content", ["", "\r\n  \n"])
def test_empty_file_is_rejected(tmp_path: Path, content: str) -> None:
    with pytest.raises(InvalidSubmission, match="the file is empty"):
        read_hl7([write(tmp_path, content)])


def test_file_without_any_msh_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidSubmission, match="has no MSH segment") as refused:
        read_hl7([write(tmp_path, "person_id,event\n1,admit\n", "adt.csv")])
    assert refused.value.file_name == "adt.csv"


# The fast path (hl7_fast) against python-hl7 (fast=False): same rows and problems, message by
# message, on the fixtures and on generated feeds full of the cases it must hand to python-hl7.

# One message as `commontable synth` writes them (synth/hl7_adt.py), to fill in
SYNTH_LIKE = (
    "MSH|^~\\&|ADT|LGH^1988120659^NPI|COMMONTABLE|FLCT|{stamp}||ADT^{event}^ADT_A01|LGH{n:010d}|P|2.5.1\r"
    "EVN|{event}|{stamp}\r"
    "PID|1||H{n:08d}^^^LGH&1988120659&NPI^MR||{last}^{first}||{birth}|{sex}|||{street}^^Rochester^NY"
    "^14606||{phone}||||||{ssn}\r"
    "PV1|1|{klass}|ED^03^A||||1984753362^^^^^^^^NPI|||MED||||1|||||LGHV{n:09d}|||||||||||||||||"
    "{disposition}||||||||{stamp}|{discharge}\r"
    "DG1|1||{code}^^I10|||A\r\n"
)
ODD_VALUES = (
    "", " ", "  x  ", "\tx\x0b", "\u3000x\xa0", "a^b", "a~b", "a&b^c", "^b", "~b", "a\\T\\b",
    "a\\F\\b", "Muñoz", "Ñ", "x\x00y", "١٩٨٠٠١١٥", "m", "f", "u", "ß", "ı", "Z", "²",
    "+1 (217) 555-0100", "12175550100", "20240105", "202401050830", "2024010508",
    "20240105083015.1234-0500", "20240105+0100", "2024010508.5", "20240105083", "1980-01-15",
    "\u200b", "NPI", " NPI ",
)  # fmt: skip


def _odd(rng: random.Random) -> str:
    return rng.choice(ODD_VALUES) if rng.random() < 0.05 else rng.choice(["A", "Bo", "C9", ""])


def _segment(rng: random.Random, name: str, width: int, fields: dict[int, str]) -> str:
    values = [fields.get(i, _odd(rng) if rng.random() < 0.1 else "") for i in range(1, width + 1)]
    return (
        "|".join([name, *values]).rstrip("|") if rng.random() < 0.5 else "|".join([name, *values])
    )


def generated_feed(seed: int, count: int) -> str:
    """Messages mostly regular, each with a fair chance of what the fast path must not read."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        event = rng.choices(
            ["A01", "A03", "A04", "A08", "A02", "A11", "A31", "", "a01"], [4] * 6 + [1] * 3
        )[0]
        kind = rng.choices(["ADT", "ORU", "", " ADT"], [12, 1, 1, 1])[0]
        msh = {3: _odd(rng), 4: rng.choice(["SGH^1245319599^NPI", "SGH", _odd(rng)]),
               7: rng.choice(["20240105083000", _odd(rng)]), 9: f"{kind}^{event}^ADT_A01",
               10: rng.choice([f"C{n}", "", f" C{n}^x", f"C{n}~y"]), 12: "2.5.1"}  # fmt: skip
        head = "MSH|^~\\&|" + "|".join(msh.get(i, "") for i in range(3, 13))
        if rng.random() < 0.05:
            head = head.replace("|", rng.choice(["#", "*"])).replace("MSH#", "MSH#", 1)
        if rng.random() < 0.05:
            head = head.replace("^~\\&", rng.choice(["^~\\&#", "^~", "$~\\&"]), 1)
        pid = {3: rng.choice(["MRN1^^^SGH&1&NPI^MR", "~MRN2", _odd(rng)]), 2: _odd(rng),
               5: rng.choice(["Doe^Jane^Q", _odd(rng) + "^" + _odd(rng)]), 7: _odd(rng),
               8: _odd(rng), 11: "^".join(_odd(rng) for _ in range(5)), 19: _odd(rng),
               13: rng.choice(["(217)555-0100", "^PRN^PH^^1^217^5550100", _odd(rng),
                               f"^^^^{_odd(rng)}^{_odd(rng)}^{_odd(rng)}"])}  # fmt: skip
        pv1 = {i: _odd(rng) for i in (2, 3, 7, 14, 19, 36)} | {44: _odd(rng), 45: _odd(rng)}
        segments = [head]
        if rng.random() < 0.8:
            segments.append(_segment(rng, "EVN", 2, {1: _odd(rng), 2: _odd(rng)}))
        if rng.random() < 0.92:
            segments.append(_segment(rng, "PID", 20, pid))
        for name, width, fields in (("NK1", 3, {}), ("PV1", 46, pv1), ("DG1", 4, {3: _odd(rng)})):
            if rng.random() < 0.85:
                segments.append(_segment(rng, name, width, fields))
        if rng.random() < 0.1:
            segments.append(rng.choice(["pv1|1|I", "^A|||1", "PI", "PID|1||SECOND", "ZZ1 |x"]))
        if rng.random() < 0.05:
            segments.insert(1, rng.choice(["BHS|^~\\&|X", "  ", "\t"]))
        breaks = rng.choice(["\r", "\n", "\r\n"])
        text = breaks.join(segments) + breaks
        out.append(f"\x0b{text}\x1c\r" if rng.random() < 0.1 else text)
    return "".join(out)


def synth_like_feed(seed: int, count: int) -> str:
    """Regular messages shaped as the synth region's hospital feed, with its odd names."""
    rng = random.Random(seed)
    names = ["Reyonlds", "Wtaver", "O'Neil", "Perez", "Thomas", "A\x00y", "Van Der Berg", "Li"]
    return "".join(
        SYNTH_LIKE.format(
            n=n,
            event=rng.choice(["A01", "A02", "A03", "A04", "A08"]),
            stamp=f"2023{rng.randint(1, 12):02d}{rng.randint(10, 28)}{rng.randint(0, 235959):06d}",
            last=rng.choice(names),
            first=rng.choice(names),
            sex=rng.choice("MFOU"),
            birth=f"19{rng.randint(10, 99)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}",
            street=f"{rng.randint(1, 9999)} Fowler St",
            phone=rng.choice(["", "5852364019"]),
            ssn=rng.choice(["", "017089405"]),
            klass=rng.choice("EIO"),
            disposition=rng.choice(["", "01", "03"]),
            code=rng.choice(["R51.9", "S61.419A"]),
            discharge=rng.choice(["", "20240116103000"]),
        )  # fmt: skip
        for n in range(count)
    )


def assert_same_reading(path: Path) -> Reading:
    fast, reference = read_hl7([path]), read_hl7([path], fast=False)
    rows = [r for b in fast.batches for r in b.rows.to_pylist()]
    expected = [r for b in reference.batches for r in b.rows.to_pylist()]
    for got, want in zip(rows, expected, strict=True):
        assert got == want, {k: (got[k], want[k]) for k in got if got[k] != want[k]}
    assert fast.problems == reference.problems
    assert [b.rows.schema for b in fast.batches] == [b.rows.schema for b in reference.batches]
    return fast


def share_read_fast(path: Path) -> float:
    segments = split_segments(path.read_text(encoding="utf-8"))
    found, _ = fast_rows(segments)
    return len(found) / segments.count


def test_fast_path_reads_the_fixture_feed_as_python_hl7_does() -> None:
    assert_same_reading(FEED)


def test_regular_synth_messages_all_take_the_fast_path(tmp_path: Path) -> None:
    path = write(tmp_path, synth_like_feed(0, 300))
    assert not assert_same_reading(path).problems
    assert share_read_fast(path) == 1.0


@pytest.mark.parametrize("seed", range(4))
def test_fast_path_reads_generated_feeds_as_python_hl7_does(tmp_path: Path, seed: int) -> None:
    path = write(tmp_path, generated_feed(seed, 300))
    reading = assert_same_reading(path)
    assert reading.problems  # the feed has messages only python-hl7 reads, and broken ones
    assert 0.1 < share_read_fast(path) < 0.9


# A large file is read in pieces of whole messages, each checked while the next is read.


@pytest.mark.parametrize("fast", [True, False])
def test_a_file_read_in_pieces_gives_the_same_rows_problems_and_message_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    path = write(tmp_path, generated_feed(1, 300))
    whole = read_hl7([path], fast=fast)
    monkeypatch.setattr(hl7v2, "PIECE_CHARS", 2_000)
    pieces = read_hl7([path], fast=fast)
    assert len(pieces.batches) > 10
    assert [r for b in pieces.batches for r in b.rows.to_pylist()] == [
        r for b in whole.batches for r in b.rows.to_pylist()
    ]
    assert pieces.problems == whole.problems
    assert any(p.row_ref.startswith("message ") for p in pieces.problems)


def test_pieces_start_at_message_starts_and_cover_the_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = generated_feed(2, 200)
    monkeypatch.setattr(hl7v2, "PIECE_CHARS", 1_000)
    pieces = list(hl7v2._pieces(text))
    assert "".join(pieces) == text
    assert all(piece.startswith("MSH") for piece in pieces[1:])
    assert sum(len(split_segments(p).starts) - 1 for p in pieces) == split_segments(text).count


def test_a_file_whose_first_piece_holds_no_message_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "\r\n" * 50 + message("A01", "C1"))
    monkeypatch.setattr(hl7v2, "PIECE_CHARS", 10)
    assert list(events(read_hl7([path]))) == ["C1"]


@pytest.mark.parametrize("fast", [True, False])
def test_mllp_frames_sent_back_to_back_are_separate_messages(tmp_path: Path, fast: bool) -> None:
    # no CR between a message's last segment and the end block, none after the end block
    framed = "".join(f"\x0b{message('A01', c).rstrip()}\x1c" for c in ("C1", "C2", "C3"))
    assert list(events(read_hl7([write(tmp_path, framed)], fast=fast))) == ["C1", "C2", "C3"]


def test_back_to_back_frames_read_in_pieces_give_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    framed = "".join(f"\x0b{message('A01', f'C{n}').rstrip()}\x1c" for n in range(40))
    path = write(tmp_path, framed)
    whole = list(events(read_hl7([path])))
    monkeypatch.setattr(hl7v2, "PIECE_CHARS", 100)
    assert list(events(read_hl7([path]))) == whole == [f"C{n}" for n in range(40)]
