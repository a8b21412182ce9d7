"""The job worker, for real: `commontable serve` with its worker, an upload through the API and
a command-line load at the same time (both succeed: they take turns), pages answering while the
warehouse is written, and the worker ending with the server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from commontable.appdb import transaction
from commontable.audit import app_db_engine
from commontable.config import load_settings
from commontable.members import OrganizationType, add_organization, issue_token
from commontable.warehouse.reading import Reading

pytestmark = pytest.mark.slow

ROWS = 150_000  # enough for the upload's load to take a few seconds
HEADER = (
    "person_id,gender,birth_date,enrollment_start_date,enrollment_end_date,payer,payer_type,plan\n"
)


def _eligibility(path: Path, payer: str, rows: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        out.write(HEADER)
        for i in range(rows):
            out.write(f"p{i},female,1970-02-03,2024-01-01,2024-12-31,{payer},commercial,PPO\n")
    return path


def _commontable(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "commontable", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, str]:
    """A workspace with an up-to-date app DB and a health plan's API token."""
    folder = tmp_path / "workspace"
    for args in (["init", str(folder)], ["db", "upgrade", "--workspace", str(folder)]):
        assert _commontable(*args).wait() == 0
    engine = app_db_engine(load_settings(folder))
    with transaction(engine) as session:
        plan = add_organization(session, "Cascade Health Plan", OrganizationType.HEALTH_PLAN)
        token = issue_token(session, plan, "claims feed").secret
    engine.dispose()
    return folder, token


@pytest.fixture
def server(workspace: tuple[Path, str]) -> Iterator[tuple[httpx.Client, subprocess.Popen[bytes]]]:
    """`commontable serve` (with its worker) on the workspace, and a client of it."""
    folder, token = workspace
    port = _free_port()
    env = {**os.environ, "COMMONTABLE_JOBS": "worker"}
    process = _commontable("serve", "--port", str(port), "--workspace", str(folder), env=env)
    client = httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if client.get("/api/submissions").status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not start"
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        time.sleep(0.3)
    yield client, process
    client.close()
    if process.poll() is None:
        process.kill()
        process.wait()


def _finished(client: httpx.Client, url: str) -> dict[str, object]:
    deadline = time.monotonic() + 120
    while True:
        job: dict[str, object] = client.get(url).json()
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, f"job still {job['status']}: {job['step']}"
        time.sleep(0.3)


def test_a_command_line_load_during_a_web_upload_both_succeed(
    server: tuple[httpx.Client, subprocess.Popen[bytes]],
    workspace: tuple[Path, str],
    tmp_path: Path,
) -> None:
    client, _process = server
    folder, _token = workspace
    upload = _eligibility(tmp_path / "upload" / "eligibility.csv", "Cascade Health Plan", ROWS)
    by_hand = _eligibility(tmp_path / "county" / "eligibility.csv", "County Plan", 1_000)
    with upload.open("rb") as sent:
        answer = client.post("/api/submissions", files=[("files", ("eligibility.csv", sent))])
    assert answer.status_code == 202
    command = _commontable(
        "load", str(by_hand.parent), "--source", "county-plan", "-w", str(folder)
    )
    pages = []
    while command.poll() is None:  # pages answer while the warehouse is being written
        pages.append(client.get("/api/submissions").status_code)
        time.sleep(0.2)
    output = command.stdout.read().decode() if command.stdout else ""
    assert command.returncode == 0, output
    job = _finished(client, answer.headers["location"])
    assert job["status"] == "done", job["message"]
    assert job["outcome"]["rows_loaded"] == ROWS  # type: ignore[index]
    assert set(pages) <= {200}
    copy = Reading(folder / "warehouse.reading.duckdb")  # what pages read, kept up to date
    try:
        log = copy.table("submission").to_pyarrow().to_pylist()
    finally:
        copy.close()
    assert {(row["data_source"], row["status"]) for row in log} == {
        ("cascade-health-plan", "loaded"),
        ("county-plan", "loaded"),
    }


def test_the_worker_ends_when_the_server_is_killed(
    server: tuple[httpx.Client, subprocess.Popen[bytes]],
) -> None:
    _client, process = server
    [worker] = psutil.Process(process.pid).children()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    gone, _alive = psutil.wait_procs([worker], timeout=30)
    assert gone, "the worker outlived the server"
