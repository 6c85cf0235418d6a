"""Run folders: random ids, owners, and files served only from inside a folder."""
from __future__ import annotations

from reports.web.storage import INTERRUPTED, RunStore, file_in


def test_runs_get_random_ids_and_belong_to_their_owner(tmp_path):
    store = RunStore(tmp_path)
    first, second = store.create("owner-a" * 3), store.create("owner-a" * 3)
    assert first.id != second.id and len(first.id) == 16
    assert store.open(first.id, "owner-a" * 3).state == first.state
    assert store.open(first.id, "owner-b" * 3) is None and store.open("../" + first.id, "owner-a" * 3) is None
    assert "owner-a" not in (first.folder / "state.json").read_text()  # only a hash of the cookie
    assert [r.id for r in store.list("owner-b" * 3)] == []


def test_unfinished_tasks_of_a_stopped_server_are_failed(tmp_path):
    store = RunStore(tmp_path)
    run = store.create("owner-a" * 3)
    run.set_task("run", status="running")
    run.set_task("render-en", status="done")
    store.mark_interrupted()
    assert run.task("run") == {"status": "failed", "error": INTERRUPTED}
    assert run.task("render-en")["status"] == "done"


def test_file_in_stays_inside_the_folder(tmp_path):
    folder = tmp_path / "out"
    (folder / "figures").mkdir(parents=True)
    (folder / "figures" / "a.png").write_bytes(b"png")
    (tmp_path / "secret").write_text("x")
    assert file_in(folder, "figures/a.png") == (folder / "figures" / "a.png").resolve()
    for name in ("", "../secret", "figures/../../secret", "/etc/passwd", "figures", "a\\..\\secret", "a\x00b"):
        assert file_in(folder, name) is None, name
