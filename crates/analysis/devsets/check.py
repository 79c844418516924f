#!/usr/bin/env python3
"""Check the comment-analysis rule files and development sets (stdlib only).

    python3 crates/analysis/devsets/check.py              # check; exit 1 on any error
    python3 crates/analysis/devsets/check.py --estimate   # also score an approximation
                                                          # of the engine on the dev sets
    python3 crates/analysis/devsets/check.py --estimate --fold   # ... with leet,
                                                          # look-alike and spacing folding
    python3 crates/analysis/devsets/check.py --explain "some comment" --lang en

What is checked (see ../rules/README.md for the format):

* every ``rules/kmb/*.toml`` and ``rules/safety/*.toml`` (other schemes are
  not this checker's) parses with ``tomllib``; top-level keys are
  ``scheme``, ``version`` and ``rule``; the scheme matches the folder; every
  file of a scheme carries the same version string;
* every rule has exactly the allowed keys, an id ``<scheme>.<label>.<name>``
  unique across all files, a known label, a ``lang`` list that includes the
  file's language (``_en``/``_fr`` suffix) or ``*``, a severity (safety only,
  within the range allowed for its label), at least one term or pattern, and
  a note;
* terms (and ``unless``/``requires``) are lowercase phrases already in the
  form the engine's normalisation produces (no 3+ repeated letters, single
  spaces, a word character at both ends), with no duplicates, and no term is
  a bare identity word ("trans", "nonbinary", "queer"…);
* every pattern compiles with Python ``re`` after the constructs Rust's
  ``regex`` crate lacks or treats differently are rejected: look-around,
  back-references, inline flags and other ``(?`` groups except ``(?:``,
  possessive quantifiers, ``{,n}``, ``\\Z``/``\\z``, ``\\x{..}``/``\\p{..}``,
  escapes of ordinary letters or non-meta punctuation, nested ``[`` and the
  set operators ``&& -- ~~`` inside classes; patterns are lowercase and
  accent-free (they run on normalised text) and cannot match the empty string;
* no safety rule fires on a fixed list of neutral identity statements
  (``NEUTRAL_IDENTITY`` below) — an invariant, not a dev-set item;
* each dev set (``kmb.csv``, ``safety.csv``) is UTF-8 CSV with the header
  ``id,lang,text,labels``, unique ids, ``en``/``fr`` only, known labels, at
  least 330 comments with at least 25 % French, every kmb label at least 25
  times, every safety label present and at least 60 safety comments with no
  label; handles are ``@syn_…``, e-mails end in ``.example``, North American
  phone numbers are 555-01xx and French ones in ARCEP's fiction ranges.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import tomllib
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
RULES = HERE.parent / "rules"

LABELS = {
    "kmb": [
        "question", "experience", "peer_referral", "gratitude",
        "new_knowledge", "intention", "action", "resource_request",
    ],
    "safety": [
        "identity_hate", "threat", "self_harm_incitement", "harassment",
        "sexual_harassment", "doxxing", "spam",
    ],
}
# Severities allowed per safety label (README: 4 threats/incitement/doxxing,
# 3 identity hate, 2 harassment, 1 spam; bare PII without a threat is 3).
SEVERITY = {
    "identity_hate": {3},
    "threat": {4},
    "self_harm_incitement": {4},
    "harassment": {2},
    "sexual_harassment": {2},
    "doxxing": {3, 4},
    "spam": {1},
}
RULE_KEYS = {
    "id", "label", "lang", "severity", "terms", "patterns", "unless",
    "unless_patterns", "requires", "requires_patterns", "note",
}
LIST_KEYS = ["terms", "patterns", "unless", "unless_patterns", "requires", "requires_patterns"]
LANGS = {"en", "fr", "*"}
VERSION_RE = re.compile(r"^(kmb|safety)-\d{4}\.\d{1,2}\.\d+$")
NAME_RE = re.compile(r"^[a-z0-9_]+$")

# Identity words that must never be a term on their own.
IDENTITY_WORDS = {
    "trans", "transgender", "nonbinary", "non binary", "non-binary", "enby", "queer", "gay",
    "lesbian", "bi", "bisexual", "pan", "ace", "intersex", "two spirit", "trans woman",
    "trans women", "trans man", "trans men", "trans people", "trans kid", "trans kids",
    "transfem", "transmasc", "genderqueer", "genderfluid", "agender", "transition",
    "transgenre", "non-binaire", "non binaire", "personne trans", "femme trans", "homme trans",
    "personnes trans", "lesbienne", "gai", "gaie", "iel", "adelphe",
}
# Neutral or positive uses of identity terms: no safety rule may fire on them.
NEUTRAL_IDENTITY = [
    ("en", "trans"), ("en", "I am trans"), ("en", "as a trans woman, this matters"),
    ("en", "nonbinary and proud"), ("en", "queer joy"), ("en", "trans women are women"),
    ("en", "trans men are men"), ("en", "my trans kid is thriving"), ("en", "gay"),
    ("en", "lesbian couple"), ("en", "transgender health research"), ("en", "intersex people exist"),
    ("en", "my transition has been amazing"), ("en", "trans youth deserve care"),
    ("en", "happy pride to all my trans siblings"), ("en", "genetic mutation"),
    ("fr", "je suis trans"), ("fr", "en tant que femme trans"), ("fr", "personne non-binaire"),
    ("fr", "les personnes trans existent"), ("fr", "ma fille est trans et heureuse"),
    ("fr", "lesbienne et fière"), ("fr", "transition médicale"), ("fr", "iel est génial"),
]

# Rust `regex` escapes we accept: classes/assertions and meta punctuation.
OK_ESCAPE_LETTERS = set("bBdDsSwWntA")
OK_ESCAPE_PUNCT = set("\\.+*?()|[]{}^$#&-~")


# ------------------------------------------------------------ normalisation

INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
PUNCT_MAP = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "«": '"', "»": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "ß": "ss", "œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
    "ı": "i", "ς": "σ",
})
HOMOGLYPH = str.maketrans({
    "а": "a", "α": "a", "в": "b", "β": "b", "с": "c", "ϲ": "c", "ԁ": "d", "е": "e", "ё": "e",
    "ε": "e", "һ": "h", "н": "h", "і": "i", "ї": "i", "ι": "i", "ӏ": "i", "ј": "j", "к": "k",
    "κ": "k", "м": "m", "η": "n", "п": "n", "о": "o", "ο": "o", "σ": "o", "р": "p", "ρ": "p",
    "ԛ": "q", "г": "r", "ѕ": "s", "т": "t", "τ": "t", "υ": "u", "ц": "u", "ν": "v", "ѡ": "w",
    "ω": "w", "ш": "w", "х": "x", "χ": "x", "у": "y", "γ": "y", "ᴢ": "z",
})
LEET = {"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}


def fold_accents(s: str) -> str:
    out = []
    for ch in s:
        if "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff":
            base = unicodedata.normalize("NFD", ch)[0]
            out.append(base if base.isascii() else ch)
        else:
            out.append(ch)
    s = "".join(out)
    # Combining marks after an ASCII letter are dropped.
    return re.sub(r"(?<=[a-z])[\u0300-\u036f]+", "", s)


def normalise(text: str, fold: bool = False) -> str:
    """The cheap steps of the engine's normalisation (1-6 and 11); with
    ``fold``, crude versions of spacing (8), look-alikes (9) and leet (10)."""
    s = INVISIBLE.sub("", text)
    s = unicodedata.normalize("NFKC", s).lower().translate(PUNCT_MAP)
    s = fold_accents(s)
    s = re.sub(r"\s+", " ", s).strip()
    if fold:
        s = re.sub(
            r"(?<![\w@$])(?:[a-z0-9@$][ ._*,/|+~\-]){2,}[a-z0-9@$](?![\w])",
            lambda m: re.sub(r"[ ._*,/|+~\-]", "", m.group(0))
            if sum(c.isalpha() for c in m.group(0)) >= 2 else m.group(0),
            s,
        )
        s = " ".join(
            w.translate(HOMOGLYPH) if re.search(r"[a-z]", w) or all(c in "аеорсхуі" for c in w) else w
            for w in s.split(" ")
        )
        s = re.sub(
            r"(?<=[a-z])[4310578@$!]+(?=[a-z])",
            lambda m: "".join(LEET.get(c, c) for c in m.group(0)),
            s,
        )
        s = re.sub(r"(?<![\w@])[0-9$](?=[a-z]{3})", lambda m: LEET.get(m.group(0), m.group(0)), s)
    s = re.sub(r"([^\W\d_])\1{2,}", r"\1\1", s)
    return s


# ------------------------------------------------------------------ rules

class Problems:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, where: str, msg: str) -> None:
        self.errors.append(f"{where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"{where}: {msg}")


def regex_problems(p: str) -> list[str]:
    """Constructs that Rust's regex crate lacks or reads differently."""
    out = []
    i, n = 0, len(p)
    in_class = False
    class_start = -1
    prev_quant = False
    while i < n:
        c = p[i]
        if c == "\\":
            if i + 1 >= n:
                out.append("trailing backslash")
                break
            e = p[i + 1]
            if e.isdigit():
                out.append(f"back-reference or octal escape \\{e}")
            elif e in "xup" or e in "PU":
                out.append(f"escape \\{e} (write the character itself)")
            elif e in "zZ":
                out.append("\\z/\\Z differ between Rust and Python; use $")
            elif e == "k":
                out.append("named back-reference \\k")
            elif e.isalpha() and e not in OK_ESCAPE_LETTERS:
                out.append(f"escape \\{e} is not portable")
            elif not e.isalnum() and e not in OK_ESCAPE_PUNCT and not e.isspace():
                out.append(f"escape of non-meta character \\{e} (Rust rejects it)")
            i += 2
            prev_quant = False
            continue
        if in_class:
            if c == "[":
                out.append("unescaped [ inside a character class (Rust nests classes)")
            elif c == "]" and i > class_start + 1 and not (i == class_start + 2 and p[class_start + 1] == "^"):
                in_class = False
            elif p.startswith(("&&", "--", "~~"), i):
                out.append(f"{p[i:i + 2]} inside a class is a set operator in Rust")
                i += 2
                continue
            i += 1
            continue
        if c == "[":
            in_class = True
            class_start = i
            i += 1
            prev_quant = False
            continue
        if c == "(" and p.startswith("(?", i):
            if not p.startswith("(?:", i):
                out.append(f"group {p[i:i + 4]}… (look-around, flags, atomic or named groups are not allowed; use (?:)")
        if c == "{":
            m = re.match(r"\{(\d*)(,?)(\d*)\}", p[i:])
            if not m:
                out.append("literal { (escape it)")
            elif m.group(1) == "" :
                out.append("{,n} quantifier (Rust needs a lower bound)")
            else:
                i += m.end()
                if i < n and p[i] == "+":
                    out.append("possessive quantifier")
                prev_quant = True
                continue
        if c in "*+?":
            if prev_quant and c == "+":
                out.append("possessive quantifier")
            prev_quant = c != "?" or not prev_quant
            i += 1
            continue
        prev_quant = False
        i += 1
    if in_class:
        out.append("unterminated character class")
    # Letters outside escapes must be lowercase ASCII-foldable.
    bare = re.sub(r"\\.", "", p)
    if bare != bare.lower():
        out.append("uppercase letter (patterns run on lowercased text)")
    if fold_accents(bare) != bare:
        out.append("accented letter (patterns run on accent-folded text)")
    return out


def check_phrase(where: str, key: str, s: object, probs: Problems) -> None:
    if not isinstance(s, str) or not s:
        probs.error(where, f"{key}: empty or non-string entry {s!r}")
        return
    if s != s.strip() or "  " in s:
        probs.error(where, f"{key}: stray whitespace in {s!r}")
    if s != s.lower():
        probs.error(where, f"{key}: {s!r} must be lowercase")
    if re.search(r"([^\W\d_])\1{2,}", s):
        probs.error(where, f"{key}: {s!r} has 3+ repeated letters (normalisation collapses them to 2)")
    ends_ok = r"[\w\"]" if key == "unless" else r"\w"
    if not (re.match(ends_ok, s) and re.search(ends_ok + r"$", s)):
        probs.error(where, f"{key}: {s!r} must start and end with a letter or digit (use a pattern for punctuation)")
    if "\n" in s:
        probs.error(where, f"{key}: newline in {s!r}")


def load_rules(probs: Problems) -> dict[str, list[dict]]:
    by_scheme: dict[str, list[dict]] = defaultdict(list)
    versions: dict[str, set[str]] = defaultdict(set)
    ids: dict[str, str] = {}
    files = sorted(f for scheme in LABELS for f in (RULES / scheme).glob("*.toml"))
    if not files:
        probs.error(str(RULES), "no rule files")
    for path in files:
        rel = path.relative_to(RULES.parent)
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            probs.error(str(rel), f"TOML: {e}")
            continue
        extra = set(doc) - {"scheme", "version", "rule"}
        if extra:
            probs.error(str(rel), f"unknown top-level keys {sorted(extra)}")
        scheme = doc.get("scheme")
        if scheme not in LABELS:
            probs.error(str(rel), f"scheme {scheme!r} is not kmb or safety")
            continue
        if path.parent.name != scheme:
            probs.error(str(rel), f"scheme {scheme!r} in folder {path.parent.name!r}")
        version = doc.get("version")
        if not isinstance(version, str) or not VERSION_RE.match(version) or not version.startswith(scheme + "-"):
            probs.error(str(rel), f"version {version!r} must look like {scheme}-2026.11.1")
        versions[scheme].add(str(version))
        rules = doc.get("rule")
        if not isinstance(rules, list) or not rules:
            probs.error(str(rel), "no [[rule]] tables")
            continue
        m = re.search(r"_(en|fr)\.toml$", path.name)
        file_lang = m.group(1) if m else "*"
        for k, rule in enumerate(rules):
            where = f"{rel} rule {k + 1} ({rule.get('id', '?')})"
            check_rule(where, scheme, file_lang, rule, probs)
            rid = rule.get("id")
            if isinstance(rid, str):
                if rid in ids:
                    probs.error(where, f"id {rid} also in {ids[rid]}")
                ids[rid] = str(rel)
            rule = dict(rule)
            rule["_file"] = str(rel)
            by_scheme[scheme].append(rule)
    for scheme, vs in versions.items():
        if len(vs) > 1:
            probs.error(f"rules/{scheme}", f"files disagree on version: {sorted(vs)}")
    return by_scheme


def check_rule(where: str, scheme: str, file_lang: str, rule: dict, probs: Problems) -> None:
    extra = set(rule) - RULE_KEYS
    if extra:
        probs.error(where, f"unknown keys {sorted(extra)}")
    for key in ("id", "label", "lang", "note"):
        if key not in rule:
            probs.error(where, f"missing {key}")
    label = rule.get("label")
    if label not in LABELS[scheme]:
        probs.error(where, f"label {label!r} is not a {scheme} label")
    rid = rule.get("id", "")
    parts = rid.split(".") if isinstance(rid, str) else []
    if len(parts) != 3 or parts[0] != scheme or parts[1] != label or not NAME_RE.match(parts[2]):
        probs.error(where, f"id {rid!r} must be {scheme}.{label}.<name> with name in [a-z0-9_]")
    lang = rule.get("lang")
    if not isinstance(lang, list) or not lang or any(x not in LANGS for x in lang):
        probs.error(where, f"lang {lang!r} must be a non-empty list of en, fr, *")
    else:
        if "*" in lang and len(lang) > 1:
            probs.error(where, "lang '*' must stand alone")
        if len(set(lang)) != len(lang):
            probs.error(where, "duplicate lang")
        if file_lang != "*" and file_lang not in lang and "*" not in lang:
            probs.error(where, f"rule in a _{file_lang} file does not apply to {file_lang}")
    if scheme == "safety":
        sev = rule.get("severity")
        if not isinstance(sev, int) or isinstance(sev, bool) or not 1 <= sev <= 4:
            probs.error(where, f"severity {sev!r} must be an integer 1-4")
        elif label in SEVERITY and sev not in SEVERITY[label]:
            probs.error(where, f"severity {sev} not allowed for {label} (allowed {sorted(SEVERITY[label])})")
    elif "severity" in rule:
        probs.error(where, "severity is for safety rules only")
    note = rule.get("note")
    if not isinstance(note, str) or len(note.strip()) < 20:
        probs.error(where, "note must say what the rule catches and what it must not flag")
    for key in LIST_KEYS:
        val = rule.get(key, [])
        if not isinstance(val, list):
            probs.error(where, f"{key} must be a list")
            continue
        dup = [x for x, c in Counter(map(str, val)).items() if c > 1]
        if dup:
            probs.error(where, f"{key}: duplicates {dup}")
        for s in val:
            if key.endswith("patterns"):
                if not isinstance(s, str) or not s:
                    probs.error(where, f"{key}: empty pattern")
                    continue
                for msg in regex_problems(s):
                    probs.error(where, f"{key}: {msg} in {s!r}")
                try:
                    rx = re.compile(s)
                except re.error as e:
                    probs.error(where, f"{key}: does not compile ({e}) {s!r}")
                    continue
                if rx.search("") is not None:
                    probs.error(where, f"{key}: {s!r} matches the empty string")
            else:
                check_phrase(where, key, s, probs)
                if key == "terms" and isinstance(s, str) and s in IDENTITY_WORDS:
                    probs.error(where, f"terms: identity word {s!r} must never match alone")
    if not rule.get("terms") and not rule.get("patterns"):
        probs.error(where, "needs at least one term or pattern")


# --------------------------------------------------------------- matching

class Compiled:
    def __init__(self, rule: dict, fold: bool) -> None:
        self.rule = rule
        self.id = rule["id"]
        self.label = rule["label"]
        self.lang = set(rule["lang"])

        def phrases(key: str) -> list[re.Pattern]:
            out = []
            for t in rule.get(key, []):
                t = normalise(t, fold)
                out.append(re.compile(r"(?<!\w)" + re.escape(t) + r"(?!\w)"))
            return out

        self.terms = phrases("terms")
        self.patterns = [re.compile(p) for p in rule.get("patterns", [])]
        self.unless = phrases("unless") + [re.compile(p) for p in rule.get("unless_patterns", [])]
        self.requires = phrases("requires") + [re.compile(p) for p in rule.get("requires_patterns", [])]

    def applies(self, lang: str) -> bool:
        return "*" in self.lang or lang in self.lang

    def match(self, text: str) -> str | None:
        hit = None
        for rx in self.terms + self.patterns:
            m = rx.search(text)
            if m:
                hit = m.group(0)
                break
        if hit is None:
            return None
        if any(rx.search(text) for rx in self.unless):
            return None
        if self.requires and not any(rx.search(text) for rx in self.requires):
            return None
        return hit


def classify(compiled: list[Compiled], text: str, lang: str, fold: bool) -> dict[str, list[tuple[str, str]]]:
    norm = normalise(text, fold)
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for c in compiled:
        if c.applies(lang):
            hit = c.match(norm)
            if hit is not None:
                out[c.label].append((c.id, hit))
    return out


# ---------------------------------------------------------------- devsets

HANDLE_RE = re.compile(r"(?<![\w.])@([A-Za-z0-9_.]+)")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.([a-z]{2,})", re.I)
NANP_RE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?(\d{3})\)?[\s.-]?(\d{3})[\s.-]?(\d{4})(?!\d)")
FR_PHONE_RE = re.compile(r"(?:\+33[\s.-]?|(?<!\d)0)([1-9])((?:[\s.-]?\d{2}){4})(?!\d)")
FR_FICTION = ("199 00", "261 91", "353 01", "465 71", "536 49", "639 98", "977 40")


def load_devset(path: Path, scheme: str, probs: Problems) -> list[dict]:
    where = str(path.relative_to(RULES.parent))
    try:
        raw = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        probs.error(where, f"cannot read as UTF-8: {e}")
        return []
    if raw.startswith("\ufeff"):
        probs.error(where, "byte-order mark at the start")
    rows = list(csv.reader(io.StringIO(raw, newline=""), strict=True))
    if not rows or rows[0] != ["id", "lang", "text", "labels"]:
        probs.error(where, f"header must be id,lang,text,labels (got {rows[0] if rows else None})")
        return []
    out = []
    seen = set()
    for n, row in enumerate(rows[1:], start=2):
        w = f"{where}:{n}"
        if len(row) != 4:
            probs.error(w, f"{len(row)} fields")
            continue
        rid, lang, text, labels = row
        if not re.match(rf"^{scheme}-\d{{4}}$", rid):
            probs.error(w, f"id {rid!r} must be {scheme}-NNNN")
        if rid in seen:
            probs.error(w, f"duplicate id {rid}")
        seen.add(rid)
        if lang not in ("en", "fr"):
            probs.error(w, f"lang {lang!r}")
        if not text.strip():
            probs.error(w, "empty text")
        labs = [x for x in labels.split(";")] if labels else []
        for lab in labs:
            if lab not in LABELS[scheme]:
                probs.error(w, f"unknown label {lab!r}")
        if len(set(labs)) != len(labs):
            probs.error(w, "duplicate label")
        for h in HANDLE_RE.findall(text):
            if not h.lower().startswith("syn_"):
                probs.error(w, f"handle @{h} is not a made-up @syn_… handle")
        for tld in EMAIL_RE.findall(text):
            if tld.lower() != "example":
                probs.error(w, "e-mail address must use the .example domain")
        for area, exch, line in NANP_RE.findall(text):
            if exch != "555" or not line.startswith("01"):
                probs.error(w, f"phone {area}-{exch}-{line} must be 555-01xx")
        for first, rest in FR_PHONE_RE.findall(text):
            digits = first + re.sub(r"\D", "", rest)
            if not any(digits.startswith(f.replace(" ", "")) for f in FR_FICTION):
                probs.error(w, f"French number 0{digits} is not in a fiction range (e.g. 06 39 98 xx xx)")
        out.append({"id": rid, "lang": lang, "text": text, "labels": set(labs)})
    return out


def check_devset(rows: list[dict], scheme: str, where: str, probs: Problems) -> None:
    n = len(rows)
    fr = sum(r["lang"] == "fr" for r in rows)
    if n < 330:
        probs.error(where, f"{n} comments; at least 330 required")
    if n and fr / n < 0.25:
        probs.error(where, f"French share {fr / n:.0%}; at least 25% required")
    counts = Counter(lab for r in rows for lab in r["labels"])
    for lab in LABELS[scheme]:
        need = 25 if scheme == "kmb" else 1
        if counts[lab] < need:
            probs.error(where, f"label {lab}: {counts[lab]} comments; at least {need} required")
    none = sum(not r["labels"] for r in rows)
    if scheme == "safety" and none < 60:
        probs.error(where, f"{none} comments with no label; at least 60 (hard negatives) required")
    if scheme == "kmb" and none < 20:
        probs.error(where, f"{none} plain reactions with no label; at least 20 required")


def summary(rows: list[dict], scheme: str) -> str:
    lines = []
    by_lang = Counter(r["lang"] for r in rows)
    lines.append(f"  {len(rows)} comments: " + ", ".join(f"{k} {v}" for k, v in sorted(by_lang.items())))
    for lab in LABELS[scheme] + [None]:
        c = Counter(r["lang"] for r in rows if (lab in r["labels"] if lab else not r["labels"]))
        name = lab or "(none)"
        lines.append(f"    {name:22} {sum(c.values()):4}  en {c['en']:3}  fr {c['fr']:3}")
    return "\n".join(lines)


# --------------------------------------------------------------- estimate

def estimate(rows: list[dict], compiled: list[Compiled], scheme: str, fold: bool, verbose: bool) -> None:
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    errors = []
    for r in rows:
        got = classify(compiled, r["text"], r["lang"], fold)
        pred = set(got)
        for lab in LABELS[scheme]:
            g, p = lab in r["labels"], lab in pred
            key = (lab, r["lang"])
            if g and p:
                tp[key] += 1
            elif p:
                fp[key] += 1
                errors.append(("FP", lab, r, got[lab]))
            elif g:
                fn[key] += 1
                errors.append(("FN", lab, r, None))
    print(f"  {'label':22} {'P':>6} {'R':>6}  (tp/fp/fn)      EN P/R        FR P/R")

    def pr(t: int, f: int, m: int) -> tuple[str, str]:
        p = f"{t / (t + f):.2f}" if t + f else "  - "
        rr = f"{t / (t + m):.2f}" if t + m else "  - "
        return p, rr

    T = F = M = 0
    for lab in LABELS[scheme]:
        t = tp[(lab, "en")] + tp[(lab, "fr")]
        f = fp[(lab, "en")] + fp[(lab, "fr")]
        m = fn[(lab, "en")] + fn[(lab, "fr")]
        T, F, M = T + t, F + f, M + m
        p, rr = pr(t, f, m)
        pe, re_ = pr(tp[(lab, "en")], fp[(lab, "en")], fn[(lab, "en")])
        pf, rf = pr(tp[(lab, "fr")], fp[(lab, "fr")], fn[(lab, "fr")])
        print(f"  {lab:22} {p:>6} {rr:>6}  ({t:3}/{f:3}/{m:3})   {pe}/{re_}     {pf}/{rf}")
    p, rr = pr(T, F, M)
    print(f"  {'micro':22} {p:>6} {rr:>6}  ({T:3}/{F:3}/{M:3})")
    false_alarm = sum(
        1 for r in rows if not r["labels"] and classify(compiled, r["text"], r["lang"], fold)
    )
    none = sum(1 for r in rows if not r["labels"])
    print(f"  comments with no gold label that got a flag: {false_alarm}/{none}")
    if verbose:
        for kind, lab, r, hits in errors:
            extra = f"  <- {hits}" if hits else ""
            print(f"    {kind} {lab:20} {r['id']} [{r['lang']}] {r['text'][:110]!r}{extra}")


# ------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--estimate", action="store_true", help="score an approximation of the engine on the dev sets")
    ap.add_argument("--fold", action="store_true", help="with --estimate/--explain: also fold leet, look-alikes and spacing")
    ap.add_argument("--verbose", "-v", action="store_true", help="with --estimate: list every miss and false alarm")
    ap.add_argument("--explain", metavar="TEXT", help="show which rules fire on TEXT")
    ap.add_argument("--lang", default="en", help="language of --explain TEXT")
    args = ap.parse_args()

    probs = Problems()
    rules = load_rules(probs)
    sets = {}
    for scheme in LABELS:
        path = HERE / f"{scheme}.csv"
        if not path.exists():
            probs.error(str(path.relative_to(RULES.parent)), "missing")
            continue
        rows = load_devset(path, scheme, probs)
        check_devset(rows, scheme, str(path.relative_to(RULES.parent)), probs)
        sets[scheme] = rows

    compiled: dict[str, list[Compiled]] = {}
    if not probs.errors:
        for scheme, rs in rules.items():
            compiled[scheme] = [Compiled(r, args.fold) for r in rs]
        for lang, text in NEUTRAL_IDENTITY:
            for fold in (False, True):
                hits = classify([Compiled(r, fold) for r in rules["safety"]], text, lang, fold)
                if hits:
                    probs.error("NEUTRAL_IDENTITY", f"{text!r} flagged by {dict(hits)}")
                    break

    for w in probs.warnings:
        print("warning:", w)
    for e in probs.errors:
        print("error:", e)

    for scheme, rs in sorted(rules.items()):
        c = Counter(r.get("label") for r in rs)
        print(f"{scheme}: {len(rs)} rules: "
              + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    for scheme, rows in sets.items():
        print(f"devset {scheme}:")
        print(summary(rows, scheme))

    if args.explain is not None and not probs.errors:
        for scheme in LABELS:
            cs = [Compiled(r, args.fold) for r in rules[scheme]]
            print(f"{scheme}: normalised {normalise(args.explain, args.fold)!r}")
            for lab, hits in classify(cs, args.explain, args.lang, args.fold).items():
                print(f"  {lab}: {hits}")

    if args.estimate and not probs.errors:
        mode = "with leet/look-alike/spacing folding" if args.fold else "lowercase, accent-folded, zero-width removed, repeats collapsed"
        print(f"\nEstimated with a Python approximation of the engine ({mode}):")
        for scheme, rows in sets.items():
            print(f" {scheme}:")
            estimate(rows, compiled[scheme], scheme, args.fold, args.verbose)

    if probs.errors:
        print(f"\n{len(probs.errors)} error(s)")
        return 1
    print("\nok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
