#!/usr/bin/env python3
"""Read back the outputs of examples/generate_public_demo.py and assert invariants."""
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ex = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/main/examples")
ok = []
kt = json.loads((ex / "kmb-demo/truth.json").read_text("utf-8"))
vids = {v["id"]: v for v in kt["videos"]}
truth = json.loads((ex / "public-demo/truth.json").read_text("utf-8"))
assert truth["_synthetic"].startswith("SYNTHETIC")
z = truth["zeeschuimer"]

# ---- NDJSON
raw = (ex / "kmb-demo/zeeschuimer_comments.ndjson").read_bytes()
assert raw.endswith(b"\n") and b"\r" not in raw
lines = raw.decode("utf-8").split("\n")[:-1]
envs = [json.loads(l) for l in lines]          # every line parses
ok.append(f"NDJSON: {len(envs)} lines, each parses as JSON")
KEYS = {"id", "nav_index", "item_id", "timestamp_collected", "last_updated", "source_platform",
        "source_platform_url", "source_url", "user_agent", "data", "_uptake_note"}
ids = [e["id"] for e in envs]
assert len(set(ids)) == len(ids) and ids == sorted(ids)
prev_ts = 0
for e in envs:
    assert set(e) == KEYS, set(e) ^ KEYS
    assert e["_uptake_note"].startswith("SYNTHETIC")
    assert re.fullmatch(r"\d+:\d+:\d+", e["nav_index"])
    assert len(str(e["timestamp_collected"])) == 13 and e["timestamp_collected"] >= prev_ts
    prev_ts = e["timestamp_collected"]
    assert e["last_updated"] == e["timestamp_collected"]
    assert e["source_platform"] in ("tiktok.com", "tiktok-comments")
    assert e["item_id"] == e["data"]["id"]
ok.append("envelopes: all keys, ids unique and increasing, timestamp_collected in ms and non-decreasing")

posts = [e for e in envs if e["source_platform"] == "tiktok.com"]
coms = [e for e in envs if e["source_platform"] == "tiktok-comments"]
for p in posts:
    d = p["data"]
    assert d["id"] in vids
    for k in ("playCount", "diggCount", "commentCount", "shareCount", "collectCount"):
        assert isinstance(d["statsV2"][k], str)
        s = int(d["stats"][k])
        exact = int(d["statsV2"][k])
        assert s == exact or (exact >= 10000 and abs(s - exact) / exact < 0.006), (k, s, exact)
    assert int(d["createTime"]) == vids[d["id"]]["posted_unix"]
    t = p["timestamp_collected"] // 1000
    assert kt["studio_cutoff_unix"] < t < kt["business_observed_unix"]
    a, b = vids[d["id"]]["totals_at_studio_cutoff"], vids[d["id"]]["totals_at_business_observation"]
    assert a["views"] <= int(d["statsV2"]["playCount"]) <= b["views"]
assert any(isinstance(p["data"]["createTime"], str) for p in posts)
assert any(isinstance(p["data"]["stats"]["collectCount"], str) for p in posts)
ok.append(f"{len(posts)} post captures: statsV2 strings, stats = statsV2 or rounded (>=10k), counts between the "
          "Studio cut-off and the Business observation; createTime once a string, collectCount once a string")

by_cid = defaultdict(list)
for e in coms:
    by_cid[e["data"]["cid"]].append(e)
dups = {c: es for c, es in by_cid.items() if len(es) > 1}
assert set(dups) == set(z["duplicate_capture"]["cids"]) and all(len(es) == 2 for es in dups.values())
for c, (a, b) in dups.items():
    assert a["nav_index"] != b["nav_index"] and b["timestamp_collected"] > a["timestamp_collected"]
    assert b["data"]["digg_count"] >= a["data"]["digg_count"]
    assert {k: v for k, v in a["data"].items() if k != "digg_count"} == {k: v for k, v in b["data"].items() if k != "digg_count"}
ok.append(f"duplicate page: {len(dups)} cids captured twice (other nav_index, later timestamp, digg_count >=); "
          f"all other {len(by_cid) - len(dups)} cids unique")
latest = {c: es[-1]["data"] for c, es in by_cid.items()}
assert len(latest) == z["unique_comments"]
for c, d in latest.items():
    assert re.fullmatch(r"7\d{18}", c) and d["id"] == c
    v = vids[d["aweme_id"]]
    assert d["create_time"] > v["posted_unix"]
    assert int(c) >> 32 == d["create_time"]
    assert d["create_time"] < by_cid[c][0]["timestamp_collected"] // 1000
    u = d["user"]
    assert re.fullmatch(r"syn_user_\d{4}|synthetic_kmb_lab", u["unique_id"]) and u["uid"].isdigit() and u["sec_uid"]
    if d["reply_id"] == "0":
        assert d["reply_to_reply_id"] == "0" and "reply_comment_total" in d
    else:
        parent = latest[d["reply_id"]]                      # parent exists
        assert parent["reply_id"] == "0" and parent["aweme_id"] == d["aweme_id"]
        assert d["create_time"] > parent["create_time"]
        if d["reply_to_reply_id"] != "0":
            rr = latest[d["reply_to_reply_id"]]
            assert rr["reply_id"] == d["reply_id"] and rr["create_time"] <= d["create_time"]
    for te in d["text_extra"]:
        assert d["text"][te["start"]:te["end"]].startswith("@")
n_rtr = sum(1 for d in latest.values() if d["reply_to_reply_id"] != "0")
n_norct = sum(1 for d in latest.values() if d["reply_id"] != "0" and "reply_comment_total" not in d)
for d in latest.values():
    if d["reply_id"] == "0":
        n_rep = sum(1 for x in latest.values() if x["reply_id"] == d["cid"])
        assert d["reply_comment_total"] >= n_rep
assert n_rtr > 0 and n_norct > 0
ok.append(f"comments: cids 19 digits = data.id, time in the top 32 bits, create_time after posting and before capture; "
          f"every reply parent exists on the same video ({n_rtr} reply_to_reply_id resolve inside the thread); "
          f"reply_comment_total missing on {n_norct} replies, >= captured replies on top level; mentions' offsets")

# counts vs truth
rows = {r["cid"]: r for r in z["comments"]}
assert set(rows) == set(latest)
per_video = Counter(d["aweme_id"] for d in latest.values())
for vid, s in z["per_video"].items():
    assert per_video[vid] == s["comments"] <= vids[vid]["totals_at_business_observation"]["comments"]
    assert s["hostile"] == sum(1 for r in z["comments"] if r["video_id"] == vid and r.get("hostile"))
own = sum(1 for d in latest.values() if d["user"]["unique_id"] == "synthetic_kmb_lab")
assert own == z["totals"]["by_category"]["creator"] == z["totals"]["own_account"]
n = len(rows)
fr = z["totals"]["by_language"]["fr"] / n
host = z["totals"]["hostile"] / n
mis = z["totals"]["misinformation"] / n
assert 400 <= n <= 700 and 0.15 <= fr <= 0.20 and 0.05 <= host <= 0.08 and 0.04 <= mis <= 0.07, (n, fr, host, mis)
wrong = sum(1 for c, d in latest.items() if d["comment_language"] != rows[c]["lang"])
assert wrong == z["totals"]["language_label_wrong"]
p = z["pile_on"]
win = [d for d in latest.values() if d["aweme_id"] == p["video_id"] and p["start_unix"] <= d["create_time"] <= p["end_unix"]
       and rows[d["cid"]].get("hostile")]
assert len(win) == p["hostile_in_window"] and p["end_unix"] - p["start_unix"] == 7200
assert all(rows[c].get("pile_on") for c in p["cids"]) and len(p["cids"]) == p["pile_on_comments"]
ok.append(f"truth matches the file: {n} comments, per-video counts <= the video's comment count, own account {own}, "
          f"French {fr:.1%}, hostile {host:.1%}, misinformation {mis:.1%}, language-label errors {wrong}, "
          f"pile-on {len(win)} hostile in {p['start_utc']}..{p['end_utc']}")
# PII only made-up
for d in latest.values():
    for m in re.findall(r"\d{3}-\d{4}", d["text"]):
        assert m.startswith("555-01")
    for url in re.findall(r"https?://[^\s]+", d["text"]):
        assert re.match(r"https://[a-z0-9-]+\.example/", url), url
ok.append("phone numbers only 555-01xx, links only on .example domains")

# ---- Research API pages
rt = truth["research_api"]
pd = ex / "public-demo"
files = sorted(pd.glob("research_*.json"))
assert sorted(f.name for f in files) == sorted(rt["files"])
BIG = 2 ** 53
all_videos = []
for f in files:
    text = f.read_text("utf-8")
    obj = json.loads(text, parse_int=str)          # exact digits
    assert obj["_uptake_note"].startswith("SYNTHETIC")
    assert obj["error"] == {"code": "ok", "message": "", "log_id": obj["error"]["log_id"]}
    assert isinstance(obj["error"]["log_id"], str)
    # every id-like key is written as a bare JSON number > 2^53
    for key in ("id", "video_id", "parent_comment_id", "music_id"):
        for m in re.finditer(r'"%s": ("?)(\d+)' % key, text):
            assert m.group(1) == "", (f.name, key, "quoted")
            assert int(m.group(2)) > BIG, (f.name, key, m.group(2))
    d = obj["data"]
    if "videos" in d:
        assert isinstance(d["search_id"], str) and d["search_id"] == rt["search_id"]
        assert isinstance(d["cursor"], str) and isinstance(d["has_more"], bool)   # str: parse_int=str
        all_videos.append((f.name, d))
    else:
        cids = {c["id"] for c in d["comments"]}
        vid = d["comments"][0]["video_id"]
        for c in d["comments"]:
            assert set(c) == {"id", "video_id", "text", "like_count", "reply_count", "parent_comment_id", "create_time"}
            assert c["video_id"] == vid
            assert c["parent_comment_id"] == vid or c["parent_comment_id"] in cids
            if c["parent_comment_id"] != vid:
                assert int(c["create_time"]) > int(next(x for x in d["comments"] if x["id"] == c["parent_comment_id"])["create_time"])
            assert int(c["reply_count"]) == sum(1 for x in d["comments"] if x["parent_comment_id"] == c["id"])
            assert not re.search(r"\d{3}-\d{4}|@[a-z.]+\.[a-z]+", c["text"]), c["text"]
        assert len(d["comments"]) == rt["comment_pages"][vid]["comments"]
        tr = {r["cid"] for r in rt["comments"][vid]}
        assert tr == cids
        if rt["comment_pages"][vid]["shared_ids_with_zeeschuimer"]:
            assert cids <= set(latest)
            for c in d["comments"]:
                zc = latest[c["id"]]
                assert int(c["create_time"]) == zc["create_time"]
                exp_parent = vid if zc["reply_id"] == "0" else zc["reply_id"]
                assert c["parent_comment_id"] == exp_parent
ok.append("Research pages: envelope {data, error ok}, _uptake_note, all id/video_id/parent_comment_id/music_id are "
          "unquoted JSON numbers > 2^53 in the raw text; comment parents exist, reply_count consistent, no author "
          "fields, no unredacted phone/e-mail; shared comments match the Zeeschuimer capture")
(p1n, p1), (p2n, p2) = sorted(all_videos)
assert p1["cursor"] == "12" and p1["has_more"] is True and p2["cursor"] == "24" and p2["has_more"] is False
allv = p1["videos"] + p2["videos"]
assert len(allv) == 20 and len(p1["videos"]) == 11
assert [int(v["id"]) for v in allv] == sorted((int(v["id"]) for v in allv), reverse=True)
assert [v["id"] for v in allv] == rt["video_ids"]
assert sum(1 for v in allv if "like_count" not in v) == 1
assert sum(1 for v in allv if "effect_ids" in v) == 2
assert sum(1 for v in allv if "\u0000" in v["username"]) == 1
assert any(re.search(r"[\u0600-\u06ff]", v["video_description"]) for v in allv)
assert len({tuple(v) for v in allv}) > 10           # key order varies
for v in allv:
    if v["username"] == "synthetic_kmb_lab":
        assert int(v["view_count"]) <= vids[v["id"]]["totals_at_business_observation"]["views"]
assert (pd / "README.md").read_text("utf-8").splitlines()[0].count("SYNTHETIC") == 1
ok.append("video pages: 11 + 9 videos, cursor 12 / 24, has_more true/false, decreasing ids, one like_count missing, "
          "effect_ids on 2, one NUL username, an Arabic caption, key order varies, own videos' counts lag")
rall = [r for rs in rt["comments"].values() for r in rs]
assert len(rall) == rt["totals"]["comments"] and 50 <= len(rall) <= 70

size = sum(f.stat().st_size for f in ex.rglob("*") if f.is_file())
assert size < 1_500_000, size
ok.append(f"examples/ total {size} bytes < 1.5 MB")
for m in ok:
    print("ok:", m)
