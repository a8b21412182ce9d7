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


def run_apart(work: Callable[..., T], *args: Any) -> T:
    """Run `work` in a thread of its own: asyncio.run needs a thread without a running event
    loop, and the browser tests' Playwright leaves one in the main thread of their worker."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(work, *args).result()
