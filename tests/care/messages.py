"""ADT messages as a hospital's interface engine sends them (HL7 v2.5.1, as synth writes)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def adt(event: str, control_id: str, patient_id: str = "H1001", kind: str = "ADT") -> bytes:
    """One message: an ED registration (A04), an admission (A01), a discharge (A03), ..."""
    segments = [
        f"MSH|^~\\&|ADT|LGH^1988120659^NPI|COMMONTABLE|FLCT|20250301101500||{kind}^{event}^ADT_A01|"
        f"{control_id}|P|2.5.1",
        f"EVN|{event}|20250301101500",
        f"PID|1||{patient_id}^^^LGH&1988120659&NPI^MR||Moore^Sarah||19731016|F|||"
        "931 Munoz Ave^^Rochester^NY^14621||5858134860",
        "PV1|1|E|ED^02^B||||1706760026^^^^^^^^NPI|||MED||||1|||||LGHV000000587"
        + "|" * 25
        + "20250301101500|",
        "DG1|1||R10.9^^I10|||A",
    ]
    return "\r".join(segments).encode() + b"\r"


def visit_message(
    event: str,
    control_id: str,
    patient_id: str = "H1001",
    *,
    patient_class: str = "E",
    visit: str = "V1",
    disposition: str = "",
    at: str = "20250301101500",
    facility: str = "LGH",
    diagnosis: str = "R10.9",
) -> str:
    """One ADT message of a visit, with the fields notifications read: PV1-2 patient class,
    PV1-19 visit number, PV1-36 discharge disposition, PV1-44/45 admit and discharge times."""
    pv1 = [""] * 46
    pv1[0:4] = ["PV1", "1", patient_class, "ED^02^B"]
    pv1[19], pv1[36] = visit, disposition
    pv1[44] = at
    if event == "A03":
        pv1[45] = at
    segments = [
        f"MSH|^~\\&|ADT|{facility}|COMMONTABLE|FLCT|{at}||ADT^{event}^ADT_A01|{control_id}|P|2.5.1",
        f"EVN|{event}|{at}",
        f"PID|1||{patient_id}^^^{facility}^MR||Moore^Sarah||19731016|F|||"
        "931 Munoz Ave^^Rochester^NY^14621||5858134860",
        "|".join(pv1),
        f"DG1|1||{diagnosis}^^I10|||A",
    ]
    return "\r".join(segments)


def run_apart(work: Callable[..., T], *args: Any) -> T:
    """Run `work` in a thread of its own: asyncio.run needs a thread without a running event
    loop, and the browser tests' Playwright leaves one in the main thread of their worker."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(work, *args).result()
