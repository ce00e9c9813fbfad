"""Scenario 27: schemathesis against the OpenAPI description, stateful (the links from a
new alert to reading, pausing, resuming and removing it; from a new token to revoking it;
from a search to its first story), with a token: 0 server errors, 0 undocumented statuses,
0 responses outside their schema. The live stream is left out (it never ends)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from .helpers import COPPER, LiveServer, Person, store_story, story

CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "use_after_free",
    )
)


def _schemathesis() -> list[str]:
    found = Path(sys.executable).with_name("schemathesis")
    if found.exists():
        return [str(found)]
    return [shutil.which("schemathesis") or "schemathesis"]


def test_schemathesis_finds_no_server_error_or_schema_violation(
    live: LiveServer, svc: Any, ann: Person, bob: Person, tmp_path: Path
) -> None:
    store_story(svc, story(*COPPER, url="https://ledger.example/st"))
    # the fuzzer revokes tokens by small ids: the one it runs with lies far above them
    for n in range(300):
        svc.add_token("bob", f"filler {n}")
    token = svc.add_token("ann", "schemathesis").token
    reports = tmp_path / "reports"
    run = subprocess.run(
        [
            *_schemathesis(),
            "run",
            f"{live.url}/openapi.json",
            "-H",
            f"Authorization: Bearer {token}",
            "--exclude-path",
            "/api/v1/stream",
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            "15",
            "--workers",
            "1",
            "--seed",
            "2026",
            "--request-timeout",
            "20",
            "--no-color",
            "--report",
            "junit",
            "--report-dir",
            str(reports),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    tail = run.stdout[-6000:]
    assert run.returncode == 0, tail
    assert "Stateful" in run.stdout and "generated" in run.stdout, tail
    assert "Authentication failed" not in run.stdout, tail
