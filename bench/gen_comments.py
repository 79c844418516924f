#!/usr/bin/env python3
"""Seeded SYNTHETIC TikTok-style comments for the comment-classification
benchmark (bench/comments.sh). Not real comments. Standard library only.

Usage:
  gen_comments.py N OUT.tsv            N comments, one per line: lang<TAB>text
  gen_comments.py --rules K OUT_DIR    K synthetic rules as TOML files (used
                                       when crates/analysis/rules/ is absent)

The mixture follows what research accounts see under health videos: mostly
short reactions and emoji, some questions and testimony, a French share,
and a minority of hostile comments, many obfuscated (leetspeak, spaced-out
letters, Cyrillic look-alikes, fullwidth, zero-width characters, stretched
letters). Lengths are roughly log-normal around 60 characters.
"""
import os
import random
import sys

SEED = 20261128

EMOJI = ["😂", "😭", "❤️", "🥰", "🙏", "👏", "🔥", "💀", "✨", "🏳️‍⚧️", "🏳️‍🌈", "💖", "👍🏽", "🤔", "😡", "🤡", "🇫🇷", "💯"]
EN_REACT = [
    "this is so helpful", "thank you for sharing", "love this", "omg yes", "needed this today",
    "this made my day", "so true", "facts", "the way i screamed", "ur amazing", "saving this",
    "sending love", "wow", "proud of you", "this is everything", "i feel seen", "lol same",
    "first", "slay", "her hair tho", "who else is here from the fyp", "the editing", "literally me",
    "lmaooo", "not me watching this at 3am", "the cat in the background", "pov: you're me",
    "queen behaviour", "i love your earrings", "ok but the outfit", "period", "mood", "iconic",
    "the way she said that", "no bc why is this so relatable", "living for this", "we love to see it",
]
EN_KMB = [
    "does anyone know if insurance covers this", "how long does it take to see changes",
    "is it safe to start at 16", "i was wondering where can i find a clinic near me",
    "quick question, do i need a referral", "i'm going to ask my doctor about this tomorrow",
    "just booked my first appointment", "i started hrt last year and it changed my life",
    "my experience was totally different", "can someone explain what blockers actually do",
    "i'll share this with my mom", "gonna try this", "as a nurse i can confirm",
]
FR_REACT = [
    "merci pour cette vidéo", "trop bien expliqué", "c'est exactement ça", "je me sens moins seul·e",
    "magnifique", "merci beaucoup ❤️", "enfin quelqu'un qui en parle", "ça fait du bien",
    "mdrrr", "trop mignon", "la tenue 🔥", "premier", "j'adore tes boucles d'oreilles", "on adore",
    "c'est moi ça", "les chats en fond", "trop drôle", "énorme", "incroyable", "la vibe",
]
FR_KMB = [
    "est-ce que quelqu'un sait combien de temps ça prend", "je vais essayer la thérapie",
    "comment on fait pour avoir un rendez-vous", "j'ai commencé les hormones il y a six mois",
    "c'est remboursé par la sécu ?", "je vais en parler à mon médecin", "où est-ce qu'on peut trouver un psy",
]
HOSTILE = [
    "kys", "kill yourself", "tranny", "you people are sick", "groomer", "this is child abuse",
    "they all regret it", "just a phase", "mental illness", "you will never be a woman",
    "most people regret it later", "go touch grass freak", "join the 41%",
    "les trans sont malades", "tu vas le regretter", "c'est une mode",
]
CLAIMS = [
    "puberty blockers are irreversible", "blockers cause infertility", "social contagion",
    "most kids grow out of it", "the studies are all fake", "it's just a trend",
]
CONFUSE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}


def obfuscate(rng, text):
    kind = rng.random()
    words = text.split(" ")
    k = rng.randrange(len(words))
    w = words[k]
    if kind < 0.25:
        w = "".join(LEET.get(ch, ch) if rng.random() < 0.5 else ch for ch in w)
    elif kind < 0.45:
        w = rng.choice([".", " ", "-", "*"]).join(w)
    elif kind < 0.6:
        w = "".join(CONFUSE.get(ch, ch) if rng.random() < 0.4 else ch for ch in w)
    elif kind < 0.7:
        w = "".join(chr(ord(ch) + 0xFEE0) if "a" <= ch <= "z" else ch for ch in w)
    elif kind < 0.8:
        mid = max(1, len(w) // 2)
        w = w[:mid] + "\u200b" + w[mid:]
    elif kind < 0.9:
        v = [i for i, ch in enumerate(w) if ch in "aeiouy"]
        if v:
            i = rng.choice(v)
            w = w[:i] + w[i] * rng.randint(3, 7) + w[i + 1:]
    else:
        w = w.upper()
    words[k] = w
    return " ".join(words)


def sentence(rng):
    """One sentence: 12% emoji only, 55% reactions, 18% knowledge-exchange
    signals, 10% hostile (half of them obfuscated), 5% health claims; a
    fifth in French."""
    r = rng.random()
    fr = rng.random() < 0.2
    if r < 0.12:
        return ("", " ".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 5))))
    if r < 0.67:
        text = rng.choice(FR_REACT if fr else EN_REACT)
    elif r < 0.85:
        text = rng.choice(FR_KMB if fr else EN_KMB)
    elif r < 0.95:
        text = rng.choice(HOSTILE)
        if rng.random() < 0.5:
            text = obfuscate(rng, text)
    else:
        text = rng.choice(CLAIMS)
    lang = "fr" if fr else ("en" if rng.random() < 0.7 else "")
    return (lang, text)


def comment(rng):
    target = max(3, int(rng.lognormvariate(3.3, 0.8)))
    lang, text = sentence(rng)
    while len(text) < target:
        _, more = sentence(rng)
        text += rng.choice([" ", ". ", ", ", "!! ", " ... "]) + more
    if rng.random() < 0.15:
        text = "@" + rng.choice(["jess", "dr.sam", "alex_k", "moonbeam"]) + " " + text
    if rng.random() < 0.35:
        text += " " + "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.1:
        text = text.capitalize()
    return lang, text.replace("\t", " ").replace("\n", " ")


def gen_comments(n, out):
    rng = random.Random(SEED + n)
    with open(out, "w", encoding="utf-8") as f:
        for _ in range(n):
            lang, text = comment(rng)
            f.write(f"{lang}\t{text}\n")


def gen_rules(k, out_dir):
    """K rules over 3 schemes, each with a few terms, some with a pattern,
    unless or requires lists, from a synthetic vocabulary."""
    rng = random.Random(SEED)
    syll = ["ka", "ro", "mi", "te", "su", "la", "no", "vi", "do", "re", "pa", "zu", "tri", "bel", "gon"]
    vocab = ["".join(rng.choice(syll) for _ in range(rng.randint(2, 3))) for _ in range(3000)]
    phrases = EN_KMB + FR_KMB + HOSTILE + CLAIMS
    os.makedirs(out_dir, exist_ok=True)
    per = k // 3
    for scheme in ["kmb", "safety", "claims"]:
        with open(os.path.join(out_dir, f"{scheme}.toml"), "w", encoding="utf-8") as f:
            f.write(f'# SYNTHETIC benchmark rules (bench/gen_comments.py)\nscheme = "{scheme}"\nversion = "{scheme}-synthetic.1"\n')
            for r in range(per):
                terms = [rng.choice(vocab) + (" " + rng.choice(vocab) if rng.random() < 0.4 else "") for _ in range(rng.randint(3, 8))]
                if rng.random() < 0.3:
                    terms.append(rng.choice(phrases))
                f.write(f'\n[[rule]]\nid = "{scheme}.synthetic.r{r}"\nlabel = "label{r % 9}"\n')
                f.write(f'lang = ["{rng.choice(["en", "fr", "*"])}"]\n')
                if scheme == "safety":
                    f.write(f"severity = {rng.randint(1, 4)}\n")
                f.write("terms = [" + ", ".join(f'"{t}"' for t in terms) + "]\n")
                if rng.random() < 0.3:
                    a, b = rng.choice(vocab), rng.choice(vocab)
                    f.write(f"patterns = ['\\b{a}s? (of|the) {b}\\b']\n")
                if rng.random() < 0.2:
                    f.write(f'unless = ["{rng.choice(vocab)}", "not true"]\n')
                if rng.random() < 0.1:
                    f.write('requires = ["you", "your", "ur"]\n')


if __name__ == "__main__":
    if sys.argv[1] == "--rules":
        gen_rules(int(sys.argv[2]), sys.argv[3])
    else:
        gen_comments(int(sys.argv[1]), sys.argv[2])
