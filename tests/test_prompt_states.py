"""Processed system prompts on disk (backends/prompt_states.py), without llama.cpp: a fake
stands in for its two state-file calls."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path
from typing import Any

from summarizer.backends.prompt_states import MAX_FILES, PromptStates, fingerprint


class FakeLlama:
    """llama_cpp's state-file calls: a file holds the token ids, written as text."""

    llama_token = ctypes.c_int32

    def llama_state_seq_save_file(
        self, ctx: Any, path: bytes, seq: int, tokens: Any, n: int
    ) -> int:
        Path(path.decode()).write_text(",".join(str(tokens[i]) for i in range(n)))
        return 100 + n

    def llama_state_seq_load_file(
        self, ctx: Any, path: bytes, seq: int, tokens: Any, capacity: int, count: Any
    ) -> int:
        text = Path(path.decode()).read_text()
        if not text.replace(",", "").isdigit():
            return 0  # what llama.cpp returns for a file it cannot read
        ids = [int(t) for t in text.split(",")]
        for i, token in enumerate(ids):
            tokens[i] = token
        count._obj.value = len(ids)
        return 100 + len(ids)


def test_a_saved_prompt_is_read_back_with_its_tokens(tmp_path: Path) -> None:
    states = PromptStates(tmp_path / "states", "abc")
    llama = FakeLlama()
    states.save(llama, None, 3, (151644, 8948, 198))
    (path,) = states.saved()
    assert path.name.startswith("abc-") and path.suffix == ".kv"
    assert not list(path.parent.glob("*.partial"))  # written whole or not at all
    assert states.load(llama, None, path, 5, 64) == (151644, 8948, 198)
    states.save(llama, None, 3, (151644, 8948, 198))  # once per prompt
    assert len(states.saved()) == 1


def test_a_file_that_does_not_load_is_deleted(tmp_path: Path) -> None:
    states = PromptStates(tmp_path, "abc")
    broken = states.path_for((1, 2, 3))
    broken.write_text("not a state")
    assert states.load(FakeLlama(), None, broken, 5, 64) == ()
    assert not broken.exists()


def test_prune_drops_other_builds_and_the_oldest(tmp_path: Path) -> None:
    states = PromptStates(tmp_path, "new")
    (tmp_path / "old-0123.kv").write_text("1")
    for i in range(MAX_FILES + 2):
        path = states.path_for((i,))
        path.write_text(str(i))
        os.utime(path, ns=(i * 10**9, i * 10**9))
    states.prune()
    left = sorted(p.read_text() for p in tmp_path.glob("*.kv"))
    assert left == sorted(str(i) for i in range(2, MAX_FILES + 2))


def test_the_fingerprint_changes_with_the_model_file_and_the_build(tmp_path: Path) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"x" * 10)
    first = fingerprint(model, "0.3.36", True)
    assert fingerprint(model, "0.3.36", True) == first
    assert fingerprint(model, "0.3.37", True) != first
    assert fingerprint(model, "0.3.36", False) != first  # flash attention lays out V apart
    model.write_bytes(b"x" * 11)
    assert fingerprint(model, "0.3.36", True) != first


def test_no_folder_means_nothing_saved_and_nothing_read(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    states = PromptStates(blocker / "states", "abc")  # a folder under a file: cannot exist
    assert states.saved() == []
    states.save(FakeLlama(), None, 3, (1, 2))
    assert states.saved() == []


def test_choice_paths_are_carried_to_the_next_process(tmp_path: Path) -> None:
    states = PromptStates(tmp_path, "abc")
    assert states.read_paths(n_vocab=1000) == []  # nothing saved yet
    states.write_paths({(90, 330): 3, (4913,): 1})
    again = PromptStates(tmp_path, "abc")
    assert sorted(again.read_paths(n_vocab=5000)) == [((90, 330), 3), ((4913,), 1)]
    assert not list(tmp_path.glob("*.partial"))


def test_a_paths_file_that_does_not_fit_the_model_is_deleted(tmp_path: Path) -> None:
    states = PromptStates(tmp_path, "abc")
    states.write_paths({(90, 330): 3})
    assert states.read_paths(n_vocab=100) == []  # a token id the vocabulary lacks
    assert not states.paths_file.exists()
    states.paths_file.write_text('{"not": "pairs"}')
    assert states.read_paths(n_vocab=1000) == []
    assert not states.paths_file.exists()


def test_prune_keeps_this_builds_paths_and_drops_another_builds(tmp_path: Path) -> None:
    PromptStates(tmp_path, "old").write_paths({(1,): 1})
    states = PromptStates(tmp_path, "new")
    states.write_paths({(2,): 1})
    states.prune()
    assert [p.name for p in tmp_path.glob("*.paths.json")] == ["new.paths.json"]


def test_a_bad_file_that_cannot_be_deleted_is_left_and_ignored(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """A folder this user cannot write: reading a broken file still says "nothing saved"."""
    states = PromptStates(tmp_path, "abc")
    states.paths_file.write_text("[[[1, 2], 3]")  # cut short

    def refuse(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "unlink", refuse)
    assert states.read_paths(n_vocab=1000) == []
    assert states.paths_file.exists()
    broken = states.path_for((1, 2, 3))
    broken.write_text("not a state")
    assert states.load(FakeLlama(), None, broken, 5, 64) == ()
    states.prune()  # another build's files it cannot remove stay too
