#!/usr/bin/env python3
"""Peer baseline for bench/comments.sh: the same rule files applied with
Python's `re`, the way a researcher would script it. Standard library only.

Per rule, one compiled alternation of its terms (as whole words) and
patterns over the lowercased comment, and one for its `unless` list; a rule
fires when its alternation matches, no `unless` matches, and (if it has a
`requires` list) one of those matches. No obfuscation handling: that is what
the Rust engine adds. Patterns Python cannot compile are skipped and counted.

Usage: classify_baseline.py RULES_DIR COMMENTS.tsv N
"""
import os
import re
import sys
import time
import tomllib


def alternation(terms, patterns):
    parts = [r"\b" + re.escape(t.lower()) + r"\b" for t in terms] + list(patterns)
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


def load(rules_dir):
    rules, skipped = [], 0
    for root, _, files in os.walk(rules_dir):
        for name in sorted(files):
            if not name.endswith(".toml"):
                continue
            with open(os.path.join(root, name), "rb") as f:
                data = tomllib.load(f)
            for r in data.get("rule", []):
                try:
                    hit = alternation(r.get("terms", []), r.get("patterns", []))
                    unless = alternation(r.get("unless", []), r.get("unless_patterns", []))
                    requires = alternation(r.get("requires", []), r.get("requires_patterns", []))
                except re.error:
                    skipped += 1
                    continue
                langs = r.get("lang", ["*"])
                rules.append((r["id"], None if "*" in langs else set(langs), hit, unless, requires))
    return rules, skipped


def main():
    rules_dir, comments, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rules, skipped = load(rules_dir)
    lines = []
    with open(comments, encoding="utf-8") as f:
        for line in f:
            lang, _, text = line.rstrip("\n").partition("\t")
            lines.append((lang or None, text))
    lines = (lines * (n // len(lines) + 1))[:n]
    start = time.perf_counter()
    flags = 0
    for lang, text in lines:
        low = text.lower()
        for _id, langs, hit, unless, requires in rules:
            if langs is not None and lang is not None and lang not in langs:
                continue
            if hit is None or not hit.search(low):
                continue
            if unless is not None and unless.search(low):
                continue
            if requires is not None and not requires.search(low):
                continue
            flags += 1
    secs = time.perf_counter() - start
    print(f"python: {len(rules)} rules ({skipped} skipped: not Python regex), {n} comments")
    print(f"python: {n / secs:.0f} comments/s ({secs * 1e6 / n:.2f} us/comment), {flags} flags")


if __name__ == "__main__":
    main()
