"""The figures the security tests measure (examples tried, requests sent, seats taken, 5xx, run time).

Each run writes them to test-artifacts/security/<kind>.json (one file per xdist worker, merged by
`python -m tests.security.figures`), so that docs/security.md can quote the last figures.
"""

import json
import os
import sys
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "test-artifacts" / "security"


def save(kind, rows):
    FOLDER.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    vendor = os.environ.get("DATABASE_URL", "sqlite").split(":", 1)[0]
    path = FOLDER / f"{kind}-{vendor}-{worker}.json"
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1))


def main():
    for path in sorted(FOLDER.glob("*.json")):
        print(f"== {path.name}")
        for row in json.loads(path.read_text()):
            print("  ", json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
