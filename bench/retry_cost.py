"""Tokens spent on validation re-asks as a share of all tokens, from the recorded dev run.

    python bench/retry_cost.py [cassettes/dev]

A re-ask is a request carrying instructor's correction turn (more than system + user
messages); its prompt and completion tokens are what the retry cost.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(folder: Path) -> None:
    total = reask = calls = reasks = 0
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data["interactions"]:
            usage = (item.get("response") or {}).get("usage") or {}
            tokens = int(usage.get("prompt_tokens", 0)) + int(usage.get("completion_tokens", 0))
            total += tokens
            calls += 1
            if len(item["request"]["messages"]) > 2:
                reask += tokens
                reasks += 1
    share = reask / total if total else 0.0
    print(f"{calls} calls, {reasks} re-asks; {reask} of {total} tokens on re-asks = {share:.1%}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "cassettes" / "dev")
