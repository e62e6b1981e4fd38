"""Recall and false alarms of the triage lexicon on a file of texts (text, expected kind or none).

.venv/bin/python -m tests.hazards.measure tests/hazards/texts_tuning.csv [--misses]
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

from putright.hazards.screening import BUILTIN_DIR, load_triage_file, screen


@dataclass
class Measure:
    hazards: int = 0
    found: int = 0
    harmless: int = 0
    false_alarms: int = 0
    misses: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.hazards if self.hazards else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.harmless if self.harmless else 0.0


def measure(path: Path) -> Measure:
    triage = load_triage_file(BUILTIN_DIR / "default.toml")
    result = Measure()
    with path.open(newline="", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            kinds = screen(triage, row["text"]).kinds()
            if row["expected"] == "none":
                result.harmless += 1
                if kinds:
                    result.false_alarms += 1
                    result.misses.append((row["text"], "none", kinds))
            else:
                result.hazards += 1
                if row["expected"] in kinds:
                    result.found += 1
                else:
                    result.misses.append((row["text"], row["expected"], kinds))
    return result


if __name__ == "__main__":
    found = measure(Path(sys.argv[1]))
    print(
        f"hazard texts {found.hazards}, recognised {found.found} (recall {found.recall:.1%}); "
        f"harmless texts {found.harmless}, flagged {found.false_alarms} "
        f"(false alarms {found.false_alarm_rate:.1%})"
    )
    if "--misses" in sys.argv:
        for text, expected, kinds in found.misses:
            print(f"  expected {expected}, found {kinds or 'nothing'}: {text}")
