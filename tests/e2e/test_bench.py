"""The benchmark runs end to end on a tiny configuration (no timings are asserted)."""

import subprocess
import sys

from tests.conftest import ROOT


def test_pose_benchmark_runs_quick(tmp_path):
    # A subprocess: Playwright's sync API cannot nest inside pytest-playwright's.
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--seconds", "1", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    table = (tmp_path / "pose.md").read_text()
    assert "| BlazePose lite, tracking |" in table
    assert table in run.stdout
