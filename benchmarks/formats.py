"""Speed and accuracy of the readers of downloaded formats: PDFs with a text layer, and
scans read by OCR.

    python benchmarks/formats.py                              the seed plans, scored
    python benchmarks/formats.py --layout official            printed as Decree 30/2020 sets
    python benchmarks/formats.py DOC.txt ... --gold GOLD.json  other documents, scored
    python benchmarks/formats.py ../shared/real/fulltext/docs/11_*.txt --strip-first-line \\
        --gold ../shared/real/fulltext/fulltext-gold.json

Each text is printed to a PDF as a word processor prints it (tests/printing.py: text layer,
ruled tables; dense, in 10-point type with 1 cm margins, or with --layout official in the
13-point type and margins of Decree 30/2020/NĐ-CP, as plans are printed) and scanned from it to an image-only PDF at 300 dpi, clean and "as received"
(in colour, turned up to 2°, speckled, a red seal on its last page).  Reported: text-layer pages/s in one
process; OCR pages/s with one page at a time (a core) and with a page a core (the reading
cache is off); and, with --gold, the scores of ../shared/eval/score.py for the texts, the
printed PDFs and both scans, each against the text's gold.  Appends to RESULTS.md with
--record.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from printing import OFFICIAL, as_pdf, scanned  # noqa: E402  (the tests' printer)

from vnlineage import BUNDLED_PLANS  # noqa: E402
from vnlineage.corpus.reader import read_text  # noqa: E402

AS_RECEIVED = {"skew": 2.0, "noise": 0.005, "stamp": True, "colour": True}
SCORER = HERE.parent.parent / "shared" / "eval" / "score.py"


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


LAYOUTS = {"dense": {}, "official": OFFICIAL}


def make_files(texts: list[Path], folder: Path, strip_first_line: bool, layout: dict) -> dict[str, list[Path]]:
    """Each text as .txt (its first line dropped if asked), printed PDF, clean scan and scan as received."""
    kinds: dict[str, list[Path]] = {"text": [], "printed": [], "scan": [], "received": []}
    for number, text in enumerate(texts):
        body = text.read_text(encoding="utf-8")
        if strip_first_line:
            body = body.split("\n", 1)[1] if "\n" in body else ""
        for kind in kinds:
            (folder / kind).mkdir(parents=True, exist_ok=True)
        plain = folder / "text" / text.name
        plain.write_text(body, encoding="utf-8")
        printed = as_pdf(body, folder / "printed" / (text.stem + ".pdf"), **layout)
        kinds["text"].append(plain)
        kinds["printed"].append(printed)
        kinds["scan"].append(scanned(printed, folder / "scan" / (text.stem + ".pdf")))
        kinds["received"].append(scanned(printed, folder / "received" / (text.stem + ".pdf"), seed=number, **AS_RECEIVED))
    return kinds


def pages_per_second(paths: list[Path], read) -> tuple[float, int, float]:
    pages = sum(page_count(path) for path in paths)
    started = time.perf_counter()
    for path in paths:
        read(path)
    elapsed = time.perf_counter() - started
    return pages / elapsed, pages, elapsed


def pdfs_side_by_side(paths: list[Path], workers: int) -> tuple[float, int, float]:
    """Pages a second when each of `workers` processes reads one PDF after another."""
    from concurrent.futures import ProcessPoolExecutor

    pages = sum(page_count(path) for path in paths)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(read_text, paths[:workers]))  # the processes started and warm
        started = time.perf_counter()
        list(pool.map(read_text, paths))
        elapsed = time.perf_counter() - started
    return pages / elapsed, pages, elapsed


def ocr_speed(paths: list[Path], workers: int) -> tuple[float, int, float]:
    from vnlineage.corpus.ocr import ocr_pdf_pages

    os.environ["LINEAGE_OCR_JOBS"] = str(workers)

    def read(path: Path) -> None:
        ocr_pdf_pages(path.read_bytes(), list(range(page_count(path))))

    return pages_per_second(paths, read)


def scores(gold: Path, folder: Path, names: dict[str, str]) -> dict:
    """score.py's overall figures for the files of `folder`, each given the gold of the text it came from."""
    data = json.loads(gold.read_text(encoding="utf-8"))
    documents = [{**entry, "file": names[entry["file"]]} for entry in data["documents"] if entry["file"] in names]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump({**data, "documents": documents}, handle, ensure_ascii=False)
    command = f"{Path(sys.executable).parent / 'lineage'} extract --format json"
    result = subprocess.run([sys.executable, str(SCORER), handle.name, str(folder), "--batch", "--cmd", command],
                            capture_output=True, text=True, timeout=7200)
    os.unlink(handle.name)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    return {"summary": lines[-1] if lines else result.stderr[-500:], "documents": lines[:-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("texts", nargs="*", type=Path)
    parser.add_argument("--gold", type=Path, help="gold file (score.py's format) of the texts")
    parser.add_argument("--strip-first-line", action="store_true", help="the texts' first line is their source address")
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="dense", help="how the texts are printed (default: dense)")
    parser.add_argument("--keep", type=Path, help="write the PDFs and scans here (else a temporary folder)")
    parser.add_argument("--record", action="store_true", help="append the results to benchmarks/RESULTS.md")
    arguments = parser.parse_args()
    # The seed plans under the names their gold gives them, when ../shared is beside the checkout.
    seeds = sorted((SCORER.parent.parent / "seeds").glob("*.txt")) or sorted(Path(BUNDLED_PLANS).glob("*.txt"))
    texts = arguments.texts or seeds
    gold = arguments.gold or (SCORER.parent / "seeds-gold.json" if not arguments.texts else None)
    os.environ["LINEAGE_CACHE"] = "off"
    folder = arguments.keep or Path(tempfile.mkdtemp(prefix="formats-"))
    kinds = make_files(texts, folder, arguments.strip_first_line, LAYOUTS[arguments.layout])
    cores = os.cpu_count() or 1
    rows = []
    read_text(kinds["printed"][0])  # the readers' modules loaded before the clock starts
    speed, pages, elapsed = pages_per_second(kinds["printed"], read_text)
    rows.append(("text-layer PDF, one at a time (a PDF of 6 pages or more on every core)", f"{speed:.1f} pages/s ({pages} pages, {elapsed:.1f} s)", "≥ 20 pages/s"))
    speed, _, elapsed = pdfs_side_by_side(kinds["printed"], cores)
    rows.append((f"text-layer PDF, {cores} at a time (as an ingest reads them)", f"{speed:.1f} pages/s ({elapsed:.1f} s)", ""))
    for label, kind in (("clean 300-dpi scan", "scan"), ("scan as received (askew, speckled, stamped)", "received")):
        alone, pages, elapsed_alone = ocr_speed(kinds[kind], 1)
        together, _, elapsed_together = ocr_speed(kinds[kind], cores)
        rows.append((f"OCR, {label}, one page at a time", f"{alone:.2f} pages/s ({pages} pages, {elapsed_alone:.0f} s)", "≥ 1 page/s a core"))
        rows.append((f"OCR, {label}, {cores} pages at a time", f"{together:.2f} pages/s ({together / cores:.2f} a core)", ""))
    scored = {}
    if gold and SCORER.exists():
        for kind, paths in kinds.items():
            # The gold names each document by the text's file name, stripped of any address line.
            originals = {path.stem: text.name for path, text in zip(paths, texts)}
            scored[kind] = scores(gold, folder / kind, {originals[path.stem]: path.name for path in paths})
    report(rows, scored, texts, arguments.layout, arguments.record)


def report(rows, scored: dict, texts: list[Path], layout: str, record: bool) -> None:
    machine = f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores"
    lines = [f"## {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — formats: {len(texts)} document(s), {layout} layout", "",
             f"Machine: {machine}", "", "Documents: " + ", ".join(text.name for text in texts), "",
             "| measure | value | target |", "|---|---|---|"]
    lines += [f"| {measure} | {value} | {target} |" for measure, value, target in rows]
    if scored:
        lines += ["", "Scores (../shared/eval/score.py, each file against its text's gold):", ""]
        lines += [f"- {kind}: `{result['summary']}`" for kind, result in scored.items()]
        for kind, result in scored.items():
            lines += ["", f"<details><summary>{kind}, per document</summary>", "", "```", *result["documents"], "```", "</details>"]
    text = "\n".join(lines) + "\n"
    print(text)
    if record:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as handle:
            handle.write("\n" + text)


if __name__ == "__main__":
    main()
