"""Identity check (issue 9): choosing from logits answers what grammar decoding answered.

    python bench/identity.py recompute [CASSETTES...]   # default: cassettes/dev/*.json
    python bench/identity.py compare OLD_DIR NEW_DIR     # two recordings, decision by decision

``recompute`` sends every recorded request of the cassettes (recorded by the old code, with
grammar-constrained generation) to the new embedded backend, the requests of one cassette
together as the pipeline sends them, and counts the answers identical to the recorded ones
(and the completions identical character for character). It runs the engine with
``verify``: at every position where the choice walk picked a token, llama.cpp's own grammar
sampler is asked for the same position on the same logits, and must pick the same token.
A different answer where the walk agreed with llama.cpp's sampler can only come from the
logits themselves (batched evaluation rounds differently from the old one-by-one calls); its
probabilities are printed to show how close the call was.

``compare`` matches two recordings of the same reports (``bench/speed.py`` writes them) by
request hash: the same prompt must get the same answer.
"""

from __future__ import annotations

import json
import math
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _answer(content: str) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return content


def _content(item: dict[str, Any]) -> str:
    return str(item["response"]["choices"][0]["message"]["content"])


def _schema(item: dict[str, Any]) -> str:
    return str(item["request"]["response_format"]["json_schema"]["name"])


def recompute(paths: list[Path]) -> int:
    from summarizer.backends.llama import LlamaBackend

    backend = LlamaBackend(verify=True)
    counts: Counter[str] = Counter()
    for path in paths:
        items = [i for i in json.loads(path.read_text("utf-8"))["interactions"] if "response" in i]
        got: list[dict[str, Any]] = [{}] * len(items)

        def ask(
            index: int, request: dict[str, Any], announced: Any, got: list[dict[str, Any]] = got
        ) -> None:
            try:
                got[index] = backend.complete(request)
            finally:
                announced.release()

        with backend.announce(len(items)) as announced:
            threads = [
                threading.Thread(target=ask, args=(i, item["request"], announced))
                for i, item in enumerate(items)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        for item, completion in zip(items, got, strict=True):
            kind = "choice" if _schema(item) != "MetaAnswer" else "decode"
            new = completion["choices"][0]["message"]["content"]
            old = _content(item)
            same = _answer(new) == _answer(old)
            counts[f"{kind} same" if same else f"{kind} different"] += 1
            counts[f"{kind} same text"] += new == old
            if not same:
                logprobs = completion["choices"][0].get("logprobs") or {}
                shown = {
                    alt["token"]: round(math.exp(alt["logprob"]), 3)
                    for entry in logprobs.get("content") or []
                    for alt in entry.get("top_logprobs") or []
                }
                print(f"  {path.stem[:3]} {_schema(item)}: recorded {old!r}, now {new!r} {shown}")
        print(f"{path.name}: {dict(sorted(counts.items()))}", flush=True)
    stats = backend.engine.stats
    print(
        f"walk checked against llama.cpp's grammar sampler at {stats.verified} positions: "
        f"{len(stats.mismatches)} differ"
    )
    for text, pick, expected in stats.mismatches[:20]:
        print(f"  after {text!r}: walk {pick}, sampler {expected}")
    print("totals:", dict(sorted(counts.items())))
    backend.close()
    return 1 if stats.mismatches else 0


def compare(old_dir: Path, new_dir: Path) -> int:
    counts: Counter[str] = Counter()
    for old_path in sorted(old_dir.rglob("*.json")):
        new_path = new_dir / old_path.relative_to(old_dir)
        if not new_path.exists() or old_path.name == "speed.json":
            continue
        new_items: dict[str, list[dict[str, Any]]] = {}
        for item in json.loads(new_path.read_text("utf-8"))["interactions"]:
            if "response" in item:
                new_items.setdefault(item["request_hash"], []).append(item)
        for item in json.loads(old_path.read_text("utf-8"))["interactions"]:
            if "response" not in item:
                continue
            match = new_items.get(item["request_hash"])
            if not match:
                counts["asked by the old code only"] += 1
                continue
            old, new = _content(item), _content(match[0])
            if _answer(old) == _answer(new):
                counts["same answer"] += 1
            else:
                counts["different answer"] += 1
                print(f"  {old_path.stem[:3]} {_schema(item)}: old {old!r}, new {new!r}")
    print(dict(sorted(counts.items())))
    return 0


if __name__ == "__main__":
    mode, *rest = sys.argv[1:] or ["recompute"]
    if mode == "compare":
        sys.exit(compare(Path(rest[0]), Path(rest[1])))
    sys.exit(
        recompute([Path(p) for p in rest] or sorted((ROOT / "cassettes" / "dev").glob("*.json")))
    )
