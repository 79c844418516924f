#!/usr/bin/env python3
"""Checker for uptake claims libraries (scheme "claims"). Standard library only.

    python3 check.py                         # bundled library + bundled devset
    python3 check.py our_claims.toml         # another library (devset optional)
    python3 check.py --devset path.csv lib.toml
    python3 check.py --eval                  # also estimate per-claim P/R on the devset

Checks: TOML parses; scheme/version/status; rule keys (unknown keys are
errors, to catch typos); lang in en/fr/*; unique ids and labels; id = "claims." + label; terms
lowercase; patterns compile in Python `re` and use nothing the Rust `regex`
crate lacks (look-around, back-references, atomic groups, possessive
quantifiers, conditionals); warns on accented letters in patterns (text is
accent-folded before matching); every claim has topic, summary,
evidence_summary, response_points and >= 1 citation with authors, year, title,
venue, kind and a DOI or URL; devset ids unique and labels known.

--eval runs a rough Python approximation of the engine (NFKC, lowercase,
accent folding, simple leetspeak folding, word-boundary terms, patterns,
unless/unless_patterns) and prints precision/recall per claim. It is an
estimate: the Rust engine's normaliser is the reference.

Exit status: 0 clean, 1 errors.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
import tomllib
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_LIBRARY = HERE / "gac_starter.toml"
DEFAULT_DEVSET = HERE.parent.parent / "devsets" / "claims.csv"

TOP_KEYS = {"scheme", "version", "status", "rule"}
RULE_KEYS = {"id", "label", "lang", "terms", "patterns", "unless", "unless_patterns",
             "requires", "requires_patterns", "note", "claim"}
LANGS = {"en", "fr", "*"}
CLAIM_KEYS = {"topic", "summary", "evidence_summary", "response_points", "citations"}
CITATION_KEYS = {"authors", "year", "title", "venue", "doi", "url", "kind"}
KINDS = {"peer-reviewed", "guideline", "systematic review", "report", "classification"}
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
URL_RE = re.compile(r"^https?://[^\s/$.?#].\S*$")


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, where: str, msg: str) -> None:
        self.errors.append(f"{where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"{where}: {msg}")


# --------------------------------------------------------------------------
# Regex portability: things Python `re` accepts and Rust `regex` does not.

def rust_incompatibilities(pattern: str) -> list[str]:
    """Scan a pattern (escapes and character classes aware) for constructs the
    Rust `regex` crate does not support."""
    found: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    prev_quantifier = False
    while i < n:
        c = pattern[i]
        if c == "\\":
            nxt = pattern[i + 1] if i + 1 < n else ""
            if not in_class:
                if nxt.isdigit() and nxt != "0":
                    found.append(f"back-reference \\{nxt}")
                elif nxt in ("g", "k"):
                    found.append(f"back-reference \\{nxt}")
                elif nxt == "Z":
                    found.append("\\Z (use \\z in Rust; prefer $)")
            i += 2
            prev_quantifier = False
            continue
        if in_class:
            if c == "]":
                in_class = False
            i += 1
            continue
        if c == "[":
            in_class = True
            i += 1
            # a ']' right after '[' or '[^' is literal
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            prev_quantifier = False
            continue
        if c == "(" and pattern.startswith("(?", i):
            rest = pattern[i + 2:i + 5]
            if rest.startswith(("=", "!", "<=", "<!")):
                found.append("look-around (?" + (rest[:2] if rest[0] == "<" else rest[0]) + "...)")
            elif rest.startswith("P="):
                found.append("named back-reference (?P=...)")
            elif rest.startswith(">"):
                found.append("atomic group (?>...)")
            elif rest.startswith("("):
                found.append("conditional group (?(...)...)")
            i += 2
            prev_quantifier = False
            continue
        if c in "*+?":
            if prev_quantifier and c == "+":
                found.append("possessive quantifier")
            # '?' after a quantifier is laziness, which Rust supports
            prev_quantifier = c != "?" or not prev_quantifier
            i += 1
            continue
        if c == "{":
            m = re.match(r"\{\d*(,\d*)?\}", pattern[i:])
            if m:
                i += m.end()
                prev_quantifier = True
                continue
        prev_quantifier = False
        i += 1
    return found


def has_accented_letter(s: str) -> bool:
    return any(ord(ch) > 127 and unicodedata.category(ch).startswith("L") for ch in s)


# --------------------------------------------------------------------------
# Library checks

def check_str(rep: Report, where: str, table: dict, key: str, required: bool = True) -> str | None:
    if key not in table:
        if required:
            rep.error(where, f"missing `{key}`")
        return None
    v = table[key]
    if not isinstance(v, str) or not v.strip():
        rep.error(where, f"`{key}` must be a non-empty string")
        return None
    return v


def check_str_list(rep: Report, where: str, table: dict, key: str) -> list[str]:
    v = table.get(key, [])
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        rep.error(where, f"`{key}` must be a list of strings")
        return []
    for x in v:
        if not x.strip():
            rep.error(where, f"`{key}` contains an empty string")
        elif x != x.strip():
            rep.error(where, f"`{key}` entry {x!r} has leading/trailing spaces")
    dup = [x for x, k in Counter(v).items() if k > 1]
    if dup:
        rep.warn(where, f"`{key}` has duplicates: {dup}")
    return v


def check_patterns(rep: Report, where: str, key: str, patterns: list[str]) -> None:
    for p in patterns:
        for problem in rust_incompatibilities(p):
            rep.error(where, f"`{key}` {p!r}: {problem} (not supported by the Rust regex crate)")
        try:
            re.compile(p)
        except re.error as e:
            rep.error(where, f"`{key}` {p!r} does not compile: {e}")
        if has_accented_letter(p):
            rep.warn(where, f"`{key}` {p!r} contains accented letters; text is accent-folded, prefer writing them unaccented")
        if p != p.lower():
            # upper-case escapes such as \W \S \D \B are fine; flag literal capitals
            stripped = re.sub(r"\\.", "", p)
            if stripped != stripped.lower():
                rep.error(where, f"`{key}` {p!r} contains upper-case letters; text is lower-cased before matching")


def check_citation(rep: Report, where: str, c: object) -> None:
    if not isinstance(c, dict):
        rep.error(where, "citation must be a table")
        return
    for k in c:
        if k not in CITATION_KEYS:
            rep.error(where, f"unknown citation key `{k}`")
    for k in ("authors", "title", "venue", "kind"):
        check_str(rep, where, c, k)
    year = c.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2100:
        rep.error(where, "`year` must be an integer year")
    kind = c.get("kind")
    if isinstance(kind, str) and kind not in KINDS:
        rep.error(where, f"`kind` {kind!r} not one of {sorted(KINDS)}")
    doi, url = c.get("doi"), c.get("url")
    if doi is None and url is None:
        rep.error(where, "needs a `doi` or a `url`")
    if doi is not None and (not isinstance(doi, str) or not DOI_RE.match(doi)):
        rep.error(where, f"`doi` {doi!r} is not a bare DOI like 10.1234/abc (no https://doi.org/ prefix)")
    if url is not None and (not isinstance(url, str) or not URL_RE.match(url)):
        rep.error(where, f"`url` {url!r} is not an http(s) URL")


def check_library(path: Path, rep: Report) -> dict | None:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        rep.error(str(path), f"cannot parse: {e}")
        return None
    where = path.name
    for k in data:
        if k not in TOP_KEYS:
            rep.error(where, f"unknown top-level key `{k}`")
    if data.get("scheme") != "claims":
        rep.error(where, '`scheme` must be "claims"')
    check_str(rep, where, data, "version")
    check_str(rep, where, data, "status")
    rules = data.get("rule")
    if not isinstance(rules, list) or not rules:
        rep.error(where, "no [[rule]] entries")
        return data
    ids: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    for idx, r in enumerate(rules):
        rid = r.get("id") if isinstance(r.get("id"), str) else f"rule[{idx}]"
        w = f"{where}:{rid}"
        for k in r:
            if k not in RULE_KEYS:
                rep.error(w, f"unknown rule key `{k}`")
        rid_s = check_str(rep, w, r, "id")
        label = check_str(rep, w, r, "label")
        if rid_s:
            ids[rid_s] += 1
            if not re.fullmatch(r"claims\.[a-z0-9_]+", rid_s):
                rep.error(w, '`id` must look like "claims.snake_case"')
        if label:
            labels[label] += 1
            if rid_s and rid_s != f"claims.{label}":
                rep.error(w, "`label` must equal the id without the `claims.` prefix")
        lang = check_str_list(rep, w, r, "lang")
        if not lang:
            rep.error(w, "`lang` must list at least one language (or \"*\")")
        for x in lang:
            if x not in LANGS:
                rep.error(w, f"`lang` {x!r} not one of {sorted(LANGS)}")
        terms = check_str_list(rep, w, r, "terms")
        for t in terms:
            if t != t.lower():
                rep.error(w, f"term {t!r} must be lowercase")
        patterns = check_str_list(rep, w, r, "patterns")
        if not terms and not patterns:
            rep.error(w, "needs at least one term or pattern")
        check_patterns(rep, w, "patterns", patterns)
        unless = check_str_list(rep, w, r, "unless")
        for t in unless:
            if t != t.lower():
                rep.error(w, f"unless term {t!r} must be lowercase")
        check_patterns(rep, w, "unless_patterns", check_str_list(rep, w, r, "unless_patterns"))
        for t in check_str_list(rep, w, r, "requires"):
            if t != t.lower():
                rep.error(w, f"requires term {t!r} must be lowercase")
        check_patterns(rep, w, "requires_patterns", check_str_list(rep, w, r, "requires_patterns"))
        check_str(rep, w, r, "note")
        claim = r.get("claim")
        if not isinstance(claim, dict):
            rep.error(w, "missing [rule.claim] table")
            continue
        for k in claim:
            if k not in CLAIM_KEYS:
                rep.error(w, f"unknown claim key `{k}`")
        for k in ("topic", "summary", "evidence_summary"):
            check_str(rep, w, claim, k)
        points = check_str_list(rep, w, claim, "response_points")
        if not points:
            rep.error(w, "`response_points` must list at least one point")
        cites = claim.get("citations")
        if not isinstance(cites, list) or not cites:
            rep.error(w, "needs at least one [[rule.claim.citations]]")
        else:
            for j, c in enumerate(cites):
                check_citation(rep, f"{w}:citation[{j}]", c)
    for k, v in ids.items():
        if v > 1:
            rep.error(where, f"duplicate id {k}")
    for k, v in labels.items():
        if v > 1:
            rep.error(where, f"duplicate label {k}")
    return data


# --------------------------------------------------------------------------
# Devset checks

def known_labels(libs: list[dict]) -> set[str]:
    out: set[str] = set()
    for d in libs:
        for r in d.get("rule", []) or []:
            if isinstance(r.get("label"), str):
                out.add(r["label"])
    return out


def split_labels(s: str) -> list[str]:
    # accepted forms: "regret_common" or "claims.regret_common"
    return [x.strip().removeprefix("claims.") for x in s.split(";") if x.strip()]


def check_devset(path: Path, labels: set[str], rep: Report) -> list[dict]:
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames != ["id", "lang", "text", "labels"]:
                rep.error(path.name, f"header must be id,lang,text,labels (got {reader.fieldnames})")
                return []
            rows = list(reader)
    except OSError as e:
        rep.error(str(path), f"cannot read: {e}")
        return []
    ids = Counter(r["id"] for r in rows)
    for k, v in ids.items():
        if v > 1:
            rep.error(path.name, f"duplicate id {k}")
    for r in rows:
        w = f"{path.name}:{r['id']}"
        if not r["text"].strip():
            rep.error(w, "empty text")
        if not r["lang"].strip():
            rep.error(w, "empty lang")
        for lab in split_labels(r["labels"] or ""):
            if lab not in labels:
                rep.error(w, f"unknown label {lab!r}")
    return rows


# --------------------------------------------------------------------------
# Rough Python approximation of the engine, for P/R estimates only.

LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00ab": '"', "\u00bb": '"', "\u201c": '"', "\u201d": '"'})


def normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).translate(QUOTES).lower()
    t = "".join(ch for ch in unicodedata.normalize("NFD", t) if unicodedata.category(ch) != "Mn")
    # fold leetspeak only inside tokens mixing letters and digits ("tr4ns"),
    # so plain numbers such as 41 or 80 survive
    def fold(m: re.Match) -> str:
        tok = m.group(0)
        if any(c.isalpha() for c in tok) and any(c.isdigit() or c in "@$" for c in tok):
            return tok.translate(LEET)
        return tok
    t = re.sub(r"[\w@$]+", fold, t)
    # runs of 3+ identical letters become 2, as in the engine ("sooo" -> "soo")
    return re.sub(r"([a-z])\1{2,}", r"\1\1", t)


class Matcher:
    def __init__(self, rule: dict) -> None:
        self.label = rule["label"]
        self.terms = [self._term(t) for t in rule.get("terms", [])]
        self.patterns = [re.compile(p) for p in rule.get("patterns", [])]
        self.unless = [self._term(t) for t in rule.get("unless", [])]
        self.unless_patterns = [re.compile(p) for p in rule.get("unless_patterns", [])]
        self.requires = [self._term(t) for t in rule.get("requires", [])]
        self.requires_patterns = [re.compile(p) for p in rule.get("requires_patterns", [])]

    @staticmethod
    def _term(t: str) -> re.Pattern:
        return re.compile(r"(?<!\w)" + re.escape(normalise(t)) + r"(?!\w)")

    def why(self, norm: str) -> str | None:
        for rx in self.terms:
            if rx.search(norm):
                return "term " + rx.pattern
        for rx in self.patterns:
            if rx.search(norm):
                return "pattern " + rx.pattern
        return None

    def matches(self, norm: str) -> bool:
        if self.why(norm) is None:
            return False
        if any(rx.search(norm) for rx in self.unless) or any(rx.search(norm) for rx in self.unless_patterns):
            return False
        needs = self.requires + self.requires_patterns
        return not needs or any(rx.search(norm) for rx in needs)


def evaluate(libs: list[dict], rows: list[dict], verbose: bool) -> None:
    matchers = [Matcher(r) for d in libs for r in d.get("rule", [])]
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    by_lang: dict[str, Counter[str]] = {}
    errors: list[str] = []
    for row in rows:
        norm = normalise(row["text"])
        gold = set(split_labels(row["labels"] or ""))
        pred = {m.label for m in matchers if m.matches(norm)}
        lc = by_lang.setdefault(row["lang"], Counter())
        for lab in pred & gold:
            tp[lab] += 1
            lc["tp"] += 1
        for lab in pred - gold:
            fp[lab] += 1
            lc["fp"] += 1
            errors.append(f"FP {lab:32} {row['id']} {row['text']}")
        for lab in gold - pred:
            fn[lab] += 1
            lc["fn"] += 1
            errors.append(f"FN {lab:32} {row['id']} {row['text']}")

    def pr(t: int, f_p: int, f_n: int) -> str:
        p = t / (t + f_p) if t + f_p else float("nan")
        r = t / (t + f_n) if t + f_n else float("nan")
        return f"{p:6.2f} {r:6.2f}"

    print(f"\n{'claim':32} {'gold':>4} {'tp':>3} {'fp':>3} {'fn':>3}      P      R")
    for m in matchers:
        lab = m.label
        print(f"{lab:32} {tp[lab] + fn[lab]:4} {tp[lab]:3} {fp[lab]:3} {fn[lab]:3} {pr(tp[lab], fp[lab], fn[lab])}")
    T, FP_, FN_ = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"{'micro (all claims)':32} {T + FN_:4} {T:3} {FP_:3} {FN_:3} {pr(T, FP_, FN_)}")
    for lang, c in sorted(by_lang.items()):
        print(f"{'micro lang=' + lang:32} {c['tp'] + c['fn']:4} {c['tp']:3} {c['fp']:3} {c['fn']:3} {pr(c['tp'], c['fp'], c['fn'])}")
    if verbose and errors:
        print("\nerrors:")
        print("\n".join(sorted(errors)))


# --------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("libraries", nargs="*", type=Path, help="claims libraries (default: bundled starter)")
    ap.add_argument("--devset", type=Path, help="devset CSV (default: bundled devset when checking the bundled library)")
    ap.add_argument("--eval", action="store_true", help="estimate per-claim precision/recall on the devset")
    ap.add_argument("-v", "--verbose", action="store_true", help="with --eval, list false positives/negatives")
    ap.add_argument("--id-prefix", default="", help="with --eval, only rows whose id starts with this (e.g. h = held-out)")
    args = ap.parse_args(argv)

    libraries = args.libraries or [DEFAULT_LIBRARY]
    devset = args.devset or (DEFAULT_DEVSET if not args.libraries else None)
    rep = Report()
    libs = [d for d in (check_library(p, rep) for p in libraries) if d]
    rows: list[dict] = []
    if devset:
        rows = check_devset(devset, known_labels(libs), rep)

    for w in rep.warnings:
        print("warning:", w)
    for e in rep.errors:
        print("error:", e)
    n_rules = sum(len(d.get("rule", [])) for d in libs)
    n_cites = sum(len(r.get("claim", {}).get("citations", [])) for d in libs for r in d.get("rule", []))
    print(f"{len(libs)} librar{'y' if len(libs) == 1 else 'ies'}, {n_rules} claims, {n_cites} citations")
    if rows:
        langs = Counter(r["lang"] for r in rows)
        labelled = sum(1 for r in rows if split_labels(r["labels"] or ""))
        per = Counter(l for r in rows for l in split_labels(r["labels"] or ""))
        print(f"devset {devset.name}: {len(rows)} comments, langs {dict(langs)}, "
              f"{labelled} with a claim, {len(rows) - labelled} without")
        missing = sorted(known_labels(libs) - set(per))
        if missing:
            print("warning: claims with no devset example:", ", ".join(missing))
    print("OK" if not rep.errors else f"{len(rep.errors)} error(s)")
    if args.eval and rows and not rep.errors:
        evaluate(libs, [r for r in rows if r["id"].startswith(args.id_prefix)], args.verbose)
    return 1 if rep.errors else 0


if __name__ == "__main__":
    sys.exit(main())
