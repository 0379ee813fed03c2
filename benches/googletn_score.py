#!/usr/bin/env python3
"""Pass rate of `narrator normalize` on Google's text-normalization sentences.

Usage: benches/googletn_score.py [NARRATOR_BIN] [JSONL]
  NARRATOR_BIN defaults to target/debug/narrator, JSONL to
  ../shared/conformance/googletn-dev/GoogleTN-dev.jsonl (one {"text", "gt_normalized"}
  object a line). Set GOOGLETN_FAILURES=path to write every failing case there.

Comparison, as the set's README asks: lower-case, punctuation dropped (hyphens become
spaces), and US/UK spelling variants counted equal (both sides are folded to one
spelling by the same suffix rules, so the fold can make two words equal but never
makes a correct reading fail; the letter "o" read for zero is folded to "oh", "et cetera" to "etcetera"). A sentence "needs changes" when its written and spoken
sides already differ after that folding.

Prints: overall pass rate, pass rate of the sentences that need changes.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Whole-word US/UK pairs the suffix rules below do not cover.
WORDS = {
    "programme": "program", "programmes": "programs", "grey": "gray",
    "tyre": "tire", "tyres": "tires", "kerb": "curb", "aluminium": "aluminum",
    "cheque": "check", "cheques": "checks", "storey": "story", "storeys": "stories",
    "plough": "plow", "manoeuvre": "maneuver", "defence": "defense", "offence": "offense",
    "licence": "license", "practise": "practice", "pyjamas": "pajamas", "mould": "mold",
    "whilst": "while", "amongst": "among", "draught": "draft", "catalogue": "catalog",
    "dialogue": "dialog", "analogue": "analog", "travelled": "traveled",
    "travelling": "traveling", "cancelled": "canceled", "modelling": "modeling",
    "labelled": "labeled", "fulfil": "fulfill", "enrol": "enroll", "ageing": "aging",
    "jewellery": "jewelry", "oestrogen": "estrogen", "foetus": "fetus",
    "paediatric": "pediatric", "anaemia": "anemia", "encyclopaedia": "encyclopedia",
    "orthopaedic": "orthopedic", "leukaemia": "leukemia", "mum": "mom",
}


def fold_word(w):
    w = WORDS.get(w, w)
    if w == "o":  # "eighteen o four" and "eighteen oh four" sound alike
        return "oh"
    # -our → -or (colour, honour, neighbour), not "four", "hour", "your", "our", "tour".
    if re.fullmatch(r"[a-z]{2,}[^aeiouf]our(s|ed|ing|ite|ites|able)?", w) and not re.fullmatch(
        r".*(four|hour|your|tour|pour|sour|dour|flour|devour|contour|amour|journ)\w*", w
    ):
        w = re.sub(r"our(s|ed|ing|ite|ites|able)?$", r"or\1", w)
    # -tre/-bre → -ter/-ber (centre, metre, fibre), plurals too.
    w = re.sub(r"([a-z]{2,}[tb])re(s|d)?$", r"\1er\2", w)
    # -ise/-isation → -ize/-ization (organise, realisation); -yse → -yze.
    w = re.sub(r"([a-z]{3,})is(e|es|ed|ing|ation|ations)$", r"\1iz\2", w)
    w = re.sub(r"([a-z]{2,})ys(e|es|ed|ing)$", r"\1yz\2", w)
    return w


def canon(s):
    s = s.lower().replace("-", " ")
    s = re.sub(r"[^\w\s']|_", " ", s)
    s = s.replace("'", "").replace("et cetera", "etcetera")
    return " ".join(fold_word(w) for w in s.split())


def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/debug/narrator")
    data = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        ROOT, "../shared/conformance/googletn-dev/GoogleTN-dev.jsonl")
    cases = [json.loads(l) for l in open(data, encoding="utf-8") if l.strip()]
    written = [c["text"].replace("\n", " ") for c in cases]
    proc = subprocess.run([exe, "normalize"], input="\n".join(written) + "\n",
                          capture_output=True, text=True, check=True)
    got = proc.stdout.split("\n")
    if len(got) < len(cases):
        sys.exit(f"narrator printed {len(got)} lines for {len(cases)} inputs")
    ok = changed = changed_ok = 0
    fails = []
    for c, g in zip(cases, got):
        want = canon(c["gt_normalized"])
        hit = canon(g) == want
        needs = canon(c["text"]) != want
        ok += hit
        changed += needs
        changed_ok += hit and needs
        if not hit:
            fails.append(f"{c['text']}\n  want: {c['gt_normalized']}\n  got:  {g}\n")
    n = len(cases)
    print(f"Google TN: {ok}/{n} = {100 * ok / n:.1f} % of sentences; "
          f"{changed_ok}/{changed} = {100 * changed_ok / max(changed, 1):.1f} % of those that need changes")
    out = os.environ.get("GOOGLETN_FAILURES")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            f.write("\n".join(fails))


if __name__ == "__main__":
    main()
