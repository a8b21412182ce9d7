"""What the live ADT feed accepts, and the acknowledgement it sends back for each message
(HL7 v2.5.1 original-mode acknowledgement: MSA-1 AA accept, AE error, AR reject; Table 0008).

Accepted: ADT A01 admit, A02 transfer, A03 discharge, A04 register (an ED or outpatient
visit), A08 update, A11 cancel admit, A13 cancel discharge (HL7 v2.5.1 chapter 3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import hl7

from commontable.warehouse import ADT_EVENTS

ACCEPTED_EVENTS = ADT_EVENTS  # what the warehouse's adt_event takes, so AA means it loads
ACCEPT, ERROR, REJECT = "AA", "AE", "AR"  # HL7 Table 0008
# Why, in HL7 Table 0357 (message error condition codes), for ERR-3.
REQUIRED_FIELD_MISSING = "101^Required field missing^HL70357"
DATA_TYPE_ERROR = "102^Data type error^HL70357"
UNSUPPORTED_MESSAGE_TYPE = "200^Unsupported message type^HL70357"
UNSUPPORTED_EVENT_CODE = "201^Unsupported event code^HL70357"
SEGMENT_END = "\r"


@dataclass(frozen=True)
class Examined:
    """A received message: its text, the acknowledgement code it earns and why (None: AA)."""

    text: str
    code: str
    reason: str | None
    control_id: str = ""
    message: hl7.Message | None = None
    condition: str = ""  # HL7 Table 0357, for an AE or AR


def _text(block: bytes) -> str:
    """The message as text, its segments ended by carriage returns (some senders use \\n)."""
    text = block.decode("utf-8", errors="replace").strip()
    lines = text.replace("\r\n", "\r").replace("\n", "\r").split("\r")
    return SEGMENT_END.join(line for line in lines if line)


def examine(block: bytes) -> Examined:
    """Whether a message is an ADT event the feed takes: AR for what it does not take (not HL7,
    not ADT, an event it does not handle), AE for an ADT message it cannot use (no control id,
    no patient identifier), AA otherwise."""
    text = _text(block)
    if not text.startswith("MSH"):
        reason = "not an HL7 v2 message: it does not begin with MSH"
        return Examined(text, REJECT, reason, condition=DATA_TYPE_ERROR)
    try:
        message = hl7.parse(text)
        msh = message.segment("MSH")
        control_id = str(msh(10)).strip()
        kind, event = str(msh(9)(1)(1)).strip(), str(msh(9)(1)(2)).strip()
    except (hl7.ParseException, IndexError, KeyError) as error:
        reason = f"the MSH segment cannot be read: {error}"
        return Examined(text, REJECT, reason, condition=DATA_TYPE_ERROR)
    if kind != "ADT":
        reason = f"message type {kind or '(none)'} is not ADT"
        return Examined(text, REJECT, reason, control_id, message, UNSUPPORTED_MESSAGE_TYPE)
    if event not in ACCEPTED_EVENTS:
        reason = f"ADT {event} is not an event the feed takes ({', '.join(ACCEPTED_EVENTS)})"
        return Examined(text, REJECT, reason, control_id, message, UNSUPPORTED_EVENT_CODE)
    missing = _missing(message, control_id)
    if missing:
        return Examined(text, ERROR, missing, control_id, message, REQUIRED_FIELD_MISSING)
    return Examined(text, ACCEPT, None, control_id, message)


def _missing(message: hl7.Message, control_id: str) -> str | None:
    """What an ADT message lacks that the feed needs: its control id, the patient's id."""
    if not control_id:
        return "MSH-10 (message control id) is empty"
    try:
        patient_id = str(message.segment("PID")(3)(1)(1)).strip()
    except (KeyError, IndexError):
        return "the message has no PID segment"
    return None if patient_id else "PID-3 (patient identifier) is empty"


def acknowledgement(examined: Examined, now: datetime | None = None) -> bytes:
    """The ACK for a message: MSH answering the sender, MSA with the code, the message's control
    id and, for AE or AR, the reason (MSA-3, and ERR-8 user message)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    sender = receiver = ""
    if examined.message is not None:
        msh = examined.message.segment("MSH")
        sender, receiver = str(msh(3)), str(msh(4))
    reason = (examined.reason or "").replace("|", "/").replace("^", "/").replace("~", "/")
    segments = [
        f"MSH|^~\\&|COMMONTABLE|COMMONTABLE|{sender}|{receiver}|{stamp}||ACK|"
        f"ACK{examined.control_id or stamp}|P|2.5.1",
        f"MSA|{examined.code}|{examined.control_id}" + (f"|{reason}" if reason else ""),
    ]
    if reason:  # ERR-3 the condition, ERR-4 severity E (error), ERR-8 the user message
        segments.append(f"ERR|||{examined.condition}|E||||{reason}")
    return SEGMENT_END.join(segments).encode() + SEGMENT_END.encode()
