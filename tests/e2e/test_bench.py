"""The benchmark runs end to end on a tiny configuration (no timings are asserted)."""

import subprocess
import sys

from tests.conftest import ROOT
from tests.e2e.conftest import SLOW


def test_pose_benchmark_runs_quick(tmp_path):
    # A subprocess: Playwright's sync API cannot nest inside pytest-playwright's.
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--seconds", "1", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300 * SLOW)
    assert run.returncode == 0, run.stderr[-2000:]
    table = (tmp_path / "pose.md").read_text()
    assert "| BlazePose lite, tracking |" in table
    assert table in run.stdout


def test_benchmark_all_runs_quick(tmp_path):
    # The tiny configuration: frontml MoveNet, one MediaPipe anchor, the TF.js anchor, one
    # model's native-vs-page latency, the start-up of one page. Any request that leaves
    # 127.0.0.1 fails the run (non-zero exit).
    run = subprocess.run(
        [sys.executable, "-m", "bench", "all", "--quick", "--seconds", "1",
         "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=400 * SLOW)
    assert run.returncode == 0, run.stderr[-2000:]
    report = (tmp_path / "report.md").read_text()
    for heading in ("### frontml: pose", "### MediaPipe legacy web solutions",
                    "### MediaPipe Tasks Vision", "### TensorFlow.js MoveNet",
                    "### Plain model latency",
                    "### Start-up and size"):
        assert heading in report
    assert "| MoveNet MultiPose |" in report
    assert "| MediaPipe SelfieSegmentation general |" in report
    assert "| MediaPipe Tasks ImageSegmenter selfie general |" in report
    assert "could not run" not in report
    assert "| pose_detection |" in report
    assert "| pose (MoveNet MultiPose) |" in report
    assert (tmp_path / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
