#!/usr/bin/env python3
"""narrator's extractor and trafilatura side by side on the extraction dev set.

    benches/extract_score.sh --dev [--worst N] [--pages ID,ID]

(the shell script makes the venv with the pinned trafilatura and runs this).
Reads ../shared/extraction-dev (html/ID.html.gz + ground-truth.json), unpacks the
pages to target/extract-dev/html, has narrator read them
(`cargo run --example extract_score -- --pages ... --out ...`), runs
trafilatura's `extract()` with its defaults on the same bytes (cached per
version), and scores both with the metric in the dev set's README:

- tokens are `\\w+` runs (case kept), shingles are windows of 4 tokens counted
  with multiplicity (a text of fewer than 4 tokens is one shorter shingle);
- per page tp = sum of min(count in truth, count in output), fp and fn the
  surpluses; precision = tp / (tp + fp), recall = tp / (tp + fn);
- mean precision over the pages with output (an empty output has no
  precision), mean recall over all pages (an empty output has recall 0), and
  F1 of the two means.

Also reported: pages whose own F1 is under 0.5, empty outputs, and the worst
pages by narrator's F1 (with trafilatura's beside them).
"""

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r"\w+")


def shingles(text):
    tokens = TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def page_counts(truth, output):
    """(tp, fp, fn) of one page."""
    want, got = shingles(truth), shingles(output)
    tp = sum(min(n, got[k]) for k, n in want.items())
    return tp, sum(got.values()) - tp, sum(want.values()) - tp


def page_scores(tp, fp, fn):
    """(precision or None when the output is empty, recall, F1)."""
    if fp == fn == 0 and tp == 0:
        return 1.0, 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp > 0 else None
    recall = tp / (tp + fn) if tp + fn > 0 else 0.0
    p = precision or 0.0
    f1 = 2 * p * recall / (p + recall) if p + recall > 0 else 0.0
    return precision, recall, f1


def summary(per_page):
    """Mean precision (pages with output), mean recall, F1 of the means, pages
    under F1 0.5, empty outputs."""
    precisions = [p for p, _, _ in per_page if p is not None]
    recalls = [r for _, r, _ in per_page]
    mp = sum(precisions) / len(precisions) if precisions else 0.0
    mr = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * mp * mr / (mp + mr) if mp + mr > 0 else 0.0
    low = sum(1 for _, _, f in per_page if f < 0.5)
    empty = sum(1 for p, _, _ in per_page if p is None)
    return mp, mr, f1, low, empty


def unpack(dev, html_dir, ids):
    html_dir.mkdir(parents=True, exist_ok=True)
    for page_id in ids:
        target = html_dir / f"{page_id}.html"
        if not target.exists():
            data = gzip.decompress((dev / "html" / f"{page_id}.html.gz").read_bytes())
            target.write_bytes(data)


def run_narrator(html_dir, out_dir, read):
    for old in out_dir.glob("*.txt"):
        old.unlink()
    subprocess.run(
        [
            "cargo",
            "run",
            "--quiet",
            "--example",
            "extract_score",
            "--",
            "--pages",
            str(html_dir),
            "--out",
            str(out_dir),
        ]
        + (["--read", read] if read else []),
        cwd=ROOT,
        check=True,
    )


def run_trafilatura(html_dir, out_dir, ids):
    import trafilatura

    out_dir.mkdir(parents=True, exist_ok=True)
    todo = [i for i in ids if not (out_dir / f"{i}.txt").exists()]
    for n, page_id in enumerate(todo, 1):
        html = (html_dir / f"{page_id}.html").read_bytes()
        text = trafilatura.extract(html) or ""
        tmp = out_dir / f"{page_id}.txt.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out_dir / f"{page_id}.txt")
        if n % 50 == 0:
            print(f"trafilatura: {n}/{len(todo)}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "extraction-dev")
    parser.add_argument("--work", type=Path, default=ROOT / "target" / "extract-dev")
    parser.add_argument("--worst", type=int, default=15, help="list the N worst pages")
    parser.add_argument("--pages", help="only these page ids, comma-separated")
    parser.add_argument("--no-trafilatura", action="store_true")
    parser.add_argument(
        "--read",
        help="what narrator reads besides the running text, as `narrate --read-*` "
        "would: tables,code,captions (default: none, as narrate does)",
    )
    args = parser.parse_args()

    truth = json.loads((args.dev / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)
    if args.pages:
        wanted = set(args.pages.split(","))
        ids = [i for i in ids if i in wanted]
    html_dir = args.work / "html"
    unpack(args.dev, html_dir, ids)
    if args.pages:
        # narrator reads a directory: give it only the chosen pages.
        subset = args.work / "subset"
        subset.mkdir(parents=True, exist_ok=True)
        for old in subset.glob("*.html"):
            old.unlink()
        for i in ids:
            os.link(html_dir / f"{i}.html", subset / f"{i}.html")
        html_dir_narrator = subset
    else:
        html_dir_narrator = html_dir

    tools = {"narrator": args.work / "narrator"}
    run_narrator(html_dir_narrator, tools["narrator"], args.read)
    if not args.no_trafilatura:
        import trafilatura

        name = f"trafilatura {trafilatura.__version__}"
        tools[name] = args.work / f"trafilatura-{trafilatura.__version__}"
        run_trafilatura(html_dir, tools[name], ids)

    scores = {}
    for tool, out_dir in tools.items():
        per_page = []
        for i in ids:
            path = out_dir / f"{i}.txt"
            output = path.read_text(encoding="utf-8") if path.exists() else ""
            per_page.append(page_scores(*page_counts(truth[i]["articleBody"], output)))
        scores[tool] = per_page

    print(f"{len(ids)} pages of {args.dev}\n")
    print("| extractor | precision | recall | **F1** | pages F1 < 0.5 | empty |")
    print("|---|---:|---:|---:|---:|---:|")
    for tool, per_page in scores.items():
        mp, mr, f1, low, empty = summary(per_page)
        print(f"| {tool} | {mp:.3f} | {mr:.3f} | **{f1:.3f}** | {low} | {empty} |")

    names = list(scores)
    with open(args.work / "pages.tsv", "w", encoding="utf-8") as f:
        f.write("id\twords\t" + "\t".join(f"{t} P\t{t} R\t{t} F1" for t in names) + "\turl\n")
        for n, i in enumerate(ids):
            cells = []
            for t in names:
                p, r, f1 = scores[t][n]
                cells += ["-" if p is None else f"{p:.3f}", f"{r:.3f}", f"{f1:.3f}"]
            words = len(TOKEN.findall(truth[i]["articleBody"]))
            f.write(f"{i}\t{words}\t" + "\t".join(cells) + f"\t{truth[i]['url']}\n")
    if args.worst:
        order = sorted(range(len(ids)), key=lambda n: scores["narrator"][n][2])
        print(f"\nworst {args.worst} by narrator's F1 (all pages: {args.work / 'pages.tsv'}):\n")
        print("| id | words | narrator P / R / F1 | " + " | ".join(names[1:]) + " F1 | url |")
        print("|---|---:|---|" + "---:|" * (len(names) - 1) + "---|")
        for n in order[: args.worst]:
            i = ids[n]
            p, r, f1 = scores["narrator"][n]
            ps = "-" if p is None else f"{p:.2f}"
            others = " | ".join(f"{scores[t][n][2]:.2f}" for t in names[1:])
            words = len(TOKEN.findall(truth[i]["articleBody"]))
            print(f"| {i} | {words} | {ps} / {r:.2f} / {f1:.2f} | {others} | {truth[i]['url']} |")


if __name__ == "__main__":
    main()
