"""The live feed takes the ADT events care teams act on and answers every message: AA, or AE/AR
with the reason (HL7 Table 0008)."""

from __future__ import annotations

import hl7
import pytest

from commontable.care import ACCEPTED_EVENTS, acknowledgement, examine
from tests.care.messages import adt


@pytest.mark.parametrize("event", ACCEPTED_EVENTS)
def test_each_adt_event_a_care_team_acts_on_is_accepted(event: str) -> None:
    assert examine(adt(event, "M1")).code == "AA"


def test_an_event_the_feed_does_not_take_is_rejected_with_the_events_it_takes() -> None:
    examined = examine(adt("A31", "M2"))
    assert examined.code == "AR"
    assert "A31" in (examined.reason or "")
    assert "A03" in (examined.reason or "")


def test_a_message_that_is_not_adt_is_rejected() -> None:
    examined = examine(adt("R01", "M3", kind="ORU"))
    assert (examined.code, examined.reason) == ("AR", "message type ORU is not ADT")


def test_an_adt_message_without_a_patient_id_is_an_error() -> None:
    examined = examine(adt("A04", "M4", patient_id=""))
    assert (examined.code, examined.reason) == ("AE", "PID-3 (patient identifier) is empty")


def test_something_that_is_not_hl7_is_rejected() -> None:
    assert examine(b"hello").code == "AR"


def test_messages_with_newlines_between_segments_are_read() -> None:
    assert examine(adt("A03", "M5").replace(b"\r", b"\n")).code == "AA"


def test_the_acknowledgement_answers_the_message_by_its_control_id() -> None:
    ack = hl7.parse(acknowledgement(examine(adt("A03", "LGH42"))).decode())
    assert str(ack.segment("MSH")(9)) == "ACK"
    assert str(ack.segment("MSA")(1)) == "AA"
    assert str(ack.segment("MSA")(2)) == "LGH42"
    assert str(ack.segment("MSH")(5)) == "ADT"  # back to the sending application


def test_a_refusal_says_why_in_msa_and_err() -> None:
    ack = hl7.parse(acknowledgement(examine(adt("A04", "M6", patient_id=""))).decode())
    assert str(ack.segment("MSA")(1)) == "AE"
    assert str(ack.segment("MSA")(3)) == "PID-3 (patient identifier) is empty"
    assert str(ack.segment("ERR")(3)(1)(1)) == "101"  # Table 0357: required field missing
