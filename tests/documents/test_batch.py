"""flask batch: a folder of answers files rendered in parallel or on the RQ queue, with failures reported per file."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import docx
import pypdf
import pytest

from policybuilder.documents import jobs

from .test_jobs import ROOT, redis_port  # noqa: F401  (the throwaway redis-server fixture)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def answers_folder(folder: Path, count: int) -> Path:
    """``count`` copies of examples/minimal.json, each for another organisation."""
    folder.mkdir()
    minimal = json.loads((EXAMPLES / "minimal.json").read_text(encoding="utf-8"))
    for n in range(1, count + 1):
        minimal["profile"]["name"] = f"vzw Site {n:02d}"
        (folder / f"site{n:02d}.json").write_text(json.dumps(minimal), encoding="utf-8")
    return folder


def test_fifty_files_with_one_broken(runner, tmp_path):
    folder = answers_folder(tmp_path / "in", 49)
    (folder / "kapot.json").write_text('{"profile": {"name": "X",}}', encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(args=["batch", str(folder), "--output", str(out), "--format", "docx", "--jobs", "2"])
    assert result.exit_code == 1, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == [f"site{n:02d}.docx" for n in range(1, 50)]
    for path in out.iterdir():
        text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
        assert f"vzw Site {path.stem[4:]}" in text
    assert "49 van 50 bestanden gelukt" in result.stdout
    assert "1 mislukt" in result.stdout
    assert "kapot.json: geen geldige JSON (regel 1, kolom 26" in result.stdout
    assert "Documenten maken" in result.stderr


def test_pdf_and_docx_and_invalid_answers(runner, tmp_path):
    folder = answers_folder(tmp_path / "in", 2)
    shutil.copy(EXAMPLES / "full.json", folder / "full.json")
    (folder / "telling.json").write_text(json.dumps({"profile": {"worker_count": "veel"}}), encoding="utf-8")
    (folder / "notities.txt").write_text("geen antwoorden", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(args=["batch", str(folder), "-o", str(out), "--format", "pdf,docx", "--jobs", "2"])
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "full.docx", "full.pdf", "site01.docx", "site01.pdf", "site02.docx", "site02.pdf",
    ]
    assert pypdf.PdfReader(out / "full.pdf").metadata.title
    assert "3 van 4 bestanden gelukt" in result.stdout
    assert "telling.json: ongeldige antwoorden" in result.stdout and "profile/worker_count" in result.stdout


def test_all_good_exits_zero(runner, tmp_path):
    folder = answers_folder(tmp_path / "in", 1)
    result = runner.invoke(args=["batch", str(folder), "-o", str(tmp_path / "out"), "--format", "docx", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "1 van 1 bestand gelukt" in result.stdout and "mislukt" not in result.stdout


@pytest.mark.parametrize("value", ["odt", "docx,html", ""])
def test_bad_format(runner, tmp_path, value):
    folder = answers_folder(tmp_path / "in", 1)
    result = runner.invoke(args=["batch", str(folder), "-o", str(tmp_path / "out"), "--format", value])
    assert result.exit_code == 2 and "kies docx, pdf of docx,pdf" in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_folder(runner, tmp_path):
    result = runner.invoke(args=["batch", str(tmp_path / "nergens"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "nergens: map niet gevonden" in result.stderr


def test_empty_folder(runner, tmp_path):
    (tmp_path / "leeg").mkdir()
    result = runner.invoke(args=["batch", str(tmp_path / "leeg"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0 and "Geen antwoordbestanden" in result.stdout


def test_output_that_cannot_be_made(runner, tmp_path):
    folder = answers_folder(tmp_path / "in", 1)
    (tmp_path / "bestand").write_text("", encoding="utf-8")
    result = runner.invoke(args=["batch", str(folder), "-o", str(tmp_path / "bestand" / "out"), "--format", "docx"])
    assert result.exit_code == 2 and "map kan niet gemaakt worden" in result.stderr


def run_worker_until(process: subprocess.Popen, env: dict) -> None:
    """Run ``flask worker --burst`` again and again until ``process`` (a queued batch) ends."""
    while process.poll() is None:
        worker = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
        assert worker.returncode == 0, worker.stderr
        time.sleep(0.2)


def test_the_queue_makes_the_same_files_as_the_local_pool(runner, tmp_path, redis_port):
    folder = answers_folder(tmp_path / "in", 2)
    shutil.copy(EXAMPLES / "full.json", folder / "full.json")
    (folder / "kapot.json").write_text("{", encoding="utf-8")
    local = runner.invoke(args=["batch", str(folder), "-o", str(tmp_path / "local"), "--format", "docx,pdf", "--jobs", "2"])
    assert local.exit_code == 1, local.output
    env = {**os.environ, "POLICYBUILDER_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "POLICYBUILDER_SECRET_KEY": "test",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"}
    batch = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "batch", str(folder), "-o", str(tmp_path / "queued"),
                              "--format", "docx,pdf"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    run_worker_until(batch, env)
    stdout, stderr = batch.communicate(timeout=60)
    assert batch.returncode == 1, stderr
    assert "3 bestanden in de wachtrij policybuilder-render" in stderr
    assert "3 van 4 bestanden gelukt" in stdout and "kapot.json: geen geldige JSON" in stdout
    names = sorted(p.name for p in (tmp_path / "local").iterdir())
    assert names == ["full.docx", "full.pdf", "site01.docx", "site01.pdf", "site02.docx", "site02.pdf"]
    assert sorted(p.name for p in (tmp_path / "queued").iterdir()) == names
    for name in names:
        assert (tmp_path / "queued" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    assert "vzw Site 02" in "\n".join(p.text for p in docx.Document(str(tmp_path / "queued" / "site02.docx")).paragraphs)


def test_a_queued_batch_without_a_worker_ends_and_says_why(tmp_path, redis_port):
    folder = answers_folder(tmp_path / "in", 2)
    env = {**os.environ, "POLICYBUILDER_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "POLICYBUILDER_SECRET_KEY": "test",
           "POLICYBUILDER_RENDER_TIMEOUT": "2", "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"}
    batch = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "batch", str(folder), "-o", str(tmp_path / "out"),
                            "--format", "pdf"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert batch.returncode == 1, batch.stderr
    assert "Er draait nu geen worker op die wachtrij: start er een met flask worker." in batch.stderr
    assert "0 van 2 bestanden gelukt" in batch.stdout
    assert "site01.json: niet gemaakt: geen worker begon eraan binnen 2 s (flask worker)" in batch.stdout
    assert not list((tmp_path / "out").iterdir())
    from redis import Redis
    assert Redis(port=redis_port).llen(f"rq:queue:{jobs.QUEUE_NAME}") == 0  # its jobs taken off the queue
