"""Benchmark of the quality programme's screen (names and patient data) on the corpus of French sentences.

Prints the recall on named sentences, the false-flag rate on name-free ones, the patient-data escapes caught, and
p50 / p95 time per text once the French model is loaded; the last line is one JSON object.
Aims (issue 19): recall ≥ 95 %, false flags ≤ 5 %, p95 < 50 ms.

    python bench/screening.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quality import screening  # noqa: E402
from tests.quality import screening_corpus as corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    screening.model()
    load = time.perf_counter() - started
    today = date(2026, 12, 6)

    def screen_text(field, text):
        return screening.screen_text(field, text, today=today)

    figures = corpus.measure(screen_text)
    texts = [t for t, _ in corpus.NAMED] + corpus.NAME_FREE + [t for t, _ in corpus.PATIENT_DATA]
    times = []
    for _ in range(args.repeat):
        for text in texts:
            t0 = time.perf_counter()
            screen_text("t", text)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    recall = figures["names_caught"] / figures["names"]
    false_rate = figures["name_free_flagged"] / figures["name_free"]
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"modèle chargé en {load:.1f} s")
    print(f"noms trouvés : {figures['names_caught']}/{figures['names']} ({recall:.1%})")
    for text in figures["names_missed"]:
        print(f"  manqué : {text}")
    print(f"phrases sans nom signalées : {figures['name_free_flagged']}/{figures['name_free']} ({false_rate:.1%})")
    for text in figures["flagged"]:
        print(f"  signalée : {text} -> {[(f.kind, f.text) for f in screen_text('t', text)]}")
    print(f"données patient trouvées : {figures['patient_data_caught']}/{figures['patient_data']}")
    for text in figures["patient_data_missed"]:
        print(f"  manqué : {text}")
    print(f"temps par texte : p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms ({len(times)} textes)")
    print(json.dumps({"recall": round(recall, 4), "false_flag_rate": round(false_rate, 4),
                      "patient_data_caught": figures["patient_data_caught"],
                      "patient_data": figures["patient_data"], "p50_ms": round(statistics.median(times), 2),
                      "p95_ms": round(p95, 2), "load_s": round(load, 2)}))


if __name__ == "__main__":
    main()
