#!/usr/bin/env python3
"""Seeded SYNTHETIC project database for the web app's benchmark (bench/web.sh).

Usage: gen_web_project.py DB [VIDEOS] [COMMENTS]

Fills the database of a fresh project (made by `uptake init`, so the schema
is exactly the one the binary migrates to) with VIDEOS videos (default
100,000) and COMMENTS comments (default 1,000,000), written straight into
SQLite with the standard library's sqlite3 module, the way the importers
store them:

- 4 imports (Studio ZIP, two Zeeschuimer captures, a Research API comment
  file), one with warnings;
- 1% of the videos are the project's own account (`our_lab`: handle, link,
  about 20 daily Studio observations each with traffic sources, territories
  and watch time); the rest are peer videos by 5,000 pseudonymous authors
  (`u_...`) with 1 to 3 Zeeschuimer captures each (counts grow, some
  rounded and marked approximate);
- `video_latest` kept as an import keeps it (latest value of each metric);
- comments spread over videos with a heavy tail (a few videos hold
  thousands), texts drawn from 100,000 made by bench/gen_comments.py (reactions, questions,
  hostile and obfuscated, claims, a French fifth), one capture each; the
  full-text index is filled by the schema's own triggers;
- 730 account days of the own account.

Rule flags come from running `uptake analyze` afterwards (bench/web.sh).
Everything is synthetic, generated from a fixed seed; nothing is real data.
"""
import json
import os
import random
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_comments  # noqa: E402  (same folder)

SEED = 20261201
OWN = "our_lab"
WORDS = ("sleep tips nurse shift work melatonin routine study evidence doctor health mental "
         "anxiety habit morning night coffee light screen bedtime nap dream science myth "
         "explained research trial therapy calm breathing stretch yoga diet clinic care "
         "puberty blockers hormones consent family support school teen parents").split()
TAGS = ["sleep", "health", "nurse", "wellness", "science", "mentalhealth", "fyp",
        "learnontiktok", "doctor", "research", "transhealth", "genderaffirmingcare"]
SOURCES = ["For You", "Personal profile", "Following", "Search", "Sound", "Other"]
TERRITORIES = ["CA", "US", "FR", "GB", "BE", "CH", "AU", "DE", "Others"]
START = 1_672_531_200  # 2023-01-01 UTC
SPAN = 730 * 86_400    # two years of posting
DAY = 86_400


def caption(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 24))]
    tags = rng.sample(TAGS, rng.randint(1, 3))
    return " ".join(words).capitalize() + " " + " ".join("#" + t for t in tags)


def key(rng):
    return "u_%024x" % rng.getrandbits(96)


def fractions(rng, labels):
    w = [rng.paretovariate(1.5) for _ in labels]
    s = sum(w)
    return json.dumps([[l, round(x / s, 4)] for l, x in zip(labels, w)])


def rounded(v):
    if v < 10_000:
        return v, 0
    digits = len(str(v)) - 3
    return int(round(v, -digits)), 1


def main():
    db = sys.argv[1]
    n_videos = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    n_comments = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
    rng = random.Random(SEED)
    t0 = time.perf_counter()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -262144")
    if con.execute("SELECT COUNT(*) FROM videos").fetchone()[0]:
        sys.exit(f"{db}: already holds videos; give a fresh project")
    con.execute("BEGIN")
    now = START + SPAN + 30 * DAY
    imports = [
        (1, "Studio-export-2024-12.zip", "studio-content,studio-overview", now - 20 * DAY),
        (2, "zeeschuimer-tiktok-2024-11.ndjson", "zeeschuimer", now - 15 * DAY),
        (3, "zeeschuimer-tiktok-2024-12.ndjson", "zeeschuimer", now - 5 * DAY),
        (4, "research-api-comments.json", "research-comments", now - 2 * DAY),
    ]
    for i, name, formats, at in imports:
        con.execute(
            "INSERT INTO imports (id, file_name, sha256, byte_size, formats, imported_at, items, videos, "
            "observations, account_days, comments) VALUES (?,?,?,?,?,?,0,0,0,0,0)",
            (i, name, "%064x" % rng.getrandbits(256), rng.randint(10**6, 10**9), formats, at))
    for k in range(35):
        con.execute("INSERT INTO import_warnings (import_id, location, message) VALUES (2, ?, ?)",
                    (f"line {1000 + 37 * k}", "field `stats.playCount`: expected a count, found `null`; left empty"))

    # Videos, observations, latest metrics.
    n_own = max(1, n_videos // 100)
    authors = [key(rng) for _ in range(5000)]
    videos, obs, latest = [], [], []
    created = []
    obs_id = 0
    for vid in range(1, n_videos + 1):
        own = vid <= n_own
        pid = str(7_100_000_000_000_000_000 + vid * 7919)
        t = START + rng.randrange(SPAN)
        created.append(t)
        day = time.strftime("%Y-%m-%d", time.gmtime(t))
        cap = caption(rng)
        if own:
            videos.append((vid, "tiktok", pid, OWN, None, t, day, cap.split(" #")[0][:80], cap,
                           float(rng.randint(8, 180)), f"https://www.tiktok.com/@{OWN}/video/{pid}", 1))
            n_obs, imp, src = rng.randint(15, 25), 1, "studio-content"
        else:
            videos.append((vid, "tiktok", pid, None, rng.choice(authors), t, day, None, cap,
                           float(rng.randint(5, 300)), None, 2))
            n_obs, imp, src = rng.choice((1, 1, 2, 3)), 2, "zeeschuimer"
        final = int(rng.paretovariate(1.1) * 800)
        views = 0
        at = t
        row = None
        for k in range(n_obs):
            at = at + rng.randint(DAY // 2, 4 * DAY) if k else t + rng.randint(3600, 3 * DAY)
            views = min(final, views + max(1, int(final * rng.uniform(0.2, 0.9))))
            likes = int(views * rng.uniform(0.02, 0.12))
            comments = int(likes * rng.uniform(0.01, 0.1))
            shares = int(likes * rng.uniform(0.01, 0.2))
            saves = int(likes * rng.uniform(0.02, 0.3))
            obs_id += 1
            if own:
                mask = 0
                row = (obs_id, vid, imp, src, at, views, int(views * 0.8), likes, comments, shares, saves,
                       rng.randint(0, 20), rng.randint(0, 200), mask, round(rng.uniform(3, 40), 1),
                       float(views * 9), round(rng.uniform(0.05, 0.6), 3),
                       fractions(rng, SOURCES), fractions(rng, TERRITORIES), None)
            else:
                v, av = rounded(views)
                lk, al = rounded(likes)
                mask = av | (al << 2)
                row = (obs_id, vid, 3 if k == n_obs - 1 and n_obs > 1 else imp, src, at, v, None, lk,
                       comments, shares, saves, None, None, mask, None, None, None, None, None, None)
            obs.append(row)
        (_, _, _, _, at, v, reach, lk, cm, sh, sv, nf, pv, mask, aw, tw, fw, ts, te, ge) = row
        a = lambda bit: (mask >> bit) & 1  # noqa: E731
        latest.append((vid, n_obs, at, v, at, a(0), reach, at if reach is not None else None, 0 if reach is not None else None,
                       lk, at, a(2), cm, at, a(3), sh, at, a(4), sv, at, a(5),
                       nf, at if nf is not None else None, 0 if nf is not None else None,
                       pv, at if pv is not None else None, 0 if pv is not None else None,
                       aw, at if aw is not None else None, tw, at if tw is not None else None,
                       fw, at if fw is not None else None, ts, at if ts else None, te, at if te else None,
                       ge, None))
    con.executemany("INSERT INTO videos (id, platform, platform_id, author_handle, author_key, created_at, "
                    "posted_on, title, caption, duration_s, url, first_import_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    videos)
    con.executemany("INSERT INTO observations (id, video_id, import_id, source, observed_at, views, reach, likes, "
                    "comments, shares, saves, new_followers, profile_views, approx_mask, avg_watch_s, "
                    "total_watch_s, full_watch_rate, traffic_sources, territories, genders) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", obs)
    con.executemany("INSERT INTO video_latest (video_id, observations, newest_at, views, views_at, views_approx, "
                    "reach, reach_at, reach_approx, likes, likes_at, likes_approx, comments, comments_at, "
                    "comments_approx, shares, shares_at, shares_approx, saves, saves_at, saves_approx, "
                    "new_followers, new_followers_at, new_followers_approx, profile_views, profile_views_at, "
                    "profile_views_approx, avg_watch_s, avg_watch_s_at, total_watch_s, total_watch_s_at, "
                    "full_watch_rate, full_watch_rate_at, traffic_sources, traffic_sources_at, territories, "
                    "territories_at, genders, genders_at) VALUES (" + ",".join("?" * 39) + ")", latest)
    t_videos = time.perf_counter() - t0

    # Comments: a heavy tail of videos (weights ~ Pareto), texts from gen_comments.
    weights = [rng.paretovariate(1.0) for _ in range(n_videos)]
    owners = rng.choices(range(1, n_videos + 1), weights=weights, k=n_comments)
    crng = random.Random(SEED + 1)
    # A pool of distinct texts, drawn from per comment: generating a million
    # texts one by one would dominate the run, and the index sees the same
    # vocabulary either way.
    texts = [gen_comments.comment(crng) for _ in range(min(n_comments, 100_000))]
    # The full-text index is filled in one pass at the end (the schema's own
    # `rebuild`), faster than its insert trigger row by row; the trigger is
    # put back exactly as the migration wrote it.
    trigger = con.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                          "AND name = 'comments_fts_insert'").fetchone()[0]
    con.execute("DROP TRIGGER comments_fts_insert")
    batch, caps = [], []
    commenters = [key(rng) for _ in range(200_000)]
    for cid in range(1, n_comments + 1):
        vid = owners[cid - 1]
        lang, text = crng.choice(texts)
        at = created[vid - 1] + int(crng.expovariate(1 / (3 * DAY)))
        reply = crng.random() < 0.2 and cid > 1
        imp = 4 if crng.random() < 0.1 else (2 if at < now - 15 * DAY else 3)
        src = "research-comments" if imp == 4 else "zeeschuimer"
        batch.append((cid, "tiktok", str(7_300_000_000_000_000_000 + cid * 104729), vid,
                      str(7_300_000_000_000_000_000 + (cid - 1) * 104729) if reply else None,
                      crng.choice(commenters), at, text, int(crng.paretovariate(1.3)) - 1, 0,
                      0 if reply else int(crng.paretovariate(2)) - 1, lang or None, now - 2 * DAY, src, imp))
        caps.append((cid, imp, src, now - 2 * DAY))
        if len(batch) == 50_000:
            con.executemany("INSERT INTO comments (id, platform, platform_id, video_id, parent_platform_id, "
                            "author_key, created_at, text, likes, likes_approx, replies, language, observed_at, "
                            "source, first_import_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
            con.executemany("INSERT INTO comment_captures (comment_id, import_id, source, observed_at) "
                            "VALUES (?,?,?,?)", caps)
            batch, caps = [], []
    if batch:
        con.executemany("INSERT INTO comments (id, platform, platform_id, video_id, parent_platform_id, "
                        "author_key, created_at, text, likes, likes_approx, replies, language, observed_at, "
                        "source, first_import_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
        con.executemany("INSERT INTO comment_captures (comment_id, import_id, source, observed_at) "
                        "VALUES (?,?,?,?)", caps)

    con.execute("INSERT INTO comments_fts(comments_fts) VALUES ('rebuild')")
    con.execute(trigger)

    # The own account's daily series.
    followers = 1200
    days = []
    for d in range(730):
        date = time.strftime("%Y-%m-%d", time.gmtime(START + d * DAY))
        new = rng.randint(0, 60)
        followers += new - rng.randint(0, 10)
        vv = None if rng.random() < 0.03 else int(rng.paretovariate(1.5) * 3000)
        days.append((OWN, date, vv, rng.randint(10, 400), rng.randint(50, 5000), rng.randint(0, 300),
                     rng.randint(0, 200), followers, new, 1))
    con.executemany("INSERT INTO account_days (account, date, video_views, profile_views, likes, comments, "
                    "shares, followers, new_followers, import_id) VALUES (?,?,?,?,?,?,?,?,?,?)", days)
    con.execute("UPDATE imports SET videos = (SELECT COUNT(*) FROM videos WHERE first_import_id = imports.id), "
                "observations = (SELECT COUNT(*) FROM observations WHERE import_id = imports.id), "
                "comments = (SELECT COUNT(*) FROM comments WHERE first_import_id = imports.id), "
                "items = (SELECT COUNT(*) FROM observations WHERE import_id = imports.id) + "
                "(SELECT COUNT(*) FROM comment_captures WHERE import_id = imports.id)")
    con.execute("UPDATE imports SET account_days = 730 WHERE id = 1")
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    print(f"{n_videos} videos ({len(obs)} observations) in {t_videos:.1f} s; "
          f"{n_comments} comments; total {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
