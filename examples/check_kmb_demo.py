#!/usr/bin/env python3
"""Read examples/kmb-demo/ back and assert its invariants (SYNTHETIC demo data).

Standard library only. Optional: if openpyxl is installed, Viewers.xlsx is also
loaded with it. Usage: python3 examples/check_kmb_demo.py [dir]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

HANDLE = "synthetic_kmb_lab"
NOTICE_WORD = b"SYNTHETIC"
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
checked = []


def ok(msg):
    checked.append(msg)


def studio_csv(raw: bytes, name: str):
    assert raw.startswith(b"\xef\xbb\xbf"), f"{name}: no BOM"
    assert not raw.endswith(b"\n"), f"{name}: newline after the last row"
    assert b"\r" not in raw, f"{name}: CR found"
    text = raw[3:].decode("utf-8")
    for i, line in enumerate(text.split("\n")):
        # every field quoted: the line, split on "," outside quotes, has only "..." fields
        fields = list(csv.reader([line]))[0]
        rebuilt = ",".join('"' + f.replace('"', '""') + '"' for f in fields)
        assert rebuilt == line, f"{name} line {i + 1}: not every field quoted: {line!r}"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def parse_md(s: str, year: int) -> dt.date:
    m, d = s.split(" ")
    return dt.date(year, MONTHS.index(m) + 1, int(d))


def dates_with_rollover(labels, start: dt.date):
    out, year, prev = [], start.year, None
    for lab in labels:
        d = parse_md(lab, year)
        if prev and d < prev:
            year += 1
            d = parse_md(lab, year)
        out.append(d)
        prev = d
    return out


def read_zip(path: Path):
    with zipfile.ZipFile(path) as zf:
        assert zf.comment.startswith(NOTICE_WORD), f"{path.name}: archive comment missing"
        for info in zf.infolist():
            assert info.compress_type == zipfile.ZIP_STORED, f"{path.name}: {info.filename} not stored"
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def main(root: Path):
    truth = json.loads((root / "truth.json").read_text("utf-8"))
    assert "SYNTHETIC" in truth["_synthetic"]
    tv = {v["id"]: v for v in truth["videos"]}
    assert len(tv) == 13
    ok("truth.json: 13 videos, marked synthetic")

    # ids
    for vid, v in tv.items():
        assert re.fullmatch(r"75\d{17}", vid), vid
        assert int(vid) >> 32 == v["posted_unix"], "id does not encode the posting second"
    order = sorted(tv.values(), key=lambda v: v["posted_unix"])
    assert [int(v["id"]) for v in order] == sorted(int(v["id"]) for v in order)
    first = dt.datetime.fromtimestamp(order[0]["posted_unix"], dt.timezone.utc).date()
    last = dt.datetime.fromtimestamp(order[-1]["posted_unix"], dt.timezone.utc).date()
    assert dt.date(2025, 11, 10) <= first and last <= dt.date(2026, 1, 31)
    ok("ids: 13 unique, 19 digits starting 75, ascending with posting time, top 32 bits = posting second; posted 2025-11-10..2026-01-31")

    views = sorted(v["totals_at_business_observation"]["views"] for v in tv.values())
    big = [x for x in views if x >= 100_000]
    mid = [x for x in views if 2_000 <= x <= 30_000]
    assert 2 <= len(big) <= 3 and len(mid) >= 9, views
    for v in tv.values():
        t = v["totals_at_business_observation"]
        assert 0.05 <= t["likes"] / t["views"] <= 0.12
        assert 0.003 <= t["comments"] / t["views"] <= 0.015
        assert 0.003 <= t["shares"] / t["views"] <= 0.03
        assert 0.005 <= t["saves"] / t["views"] <= 0.04
    ok(f"magnitudes: {len(big)} videos >= 100k, {len(mid)} in 2k-30k; engagement rates within brief ranges")

    # ---- Overview exports
    ovs = sorted(root.glob(f"Overview_*_{HANDLE}.zip"))
    assert len(ovs) == 2
    series = []
    for p in ovs:
        m = re.fullmatch(rf"Overview_(\d{{4}}-\d{{2}}-\d{{2}})_(\d+)_{HANDLE}\.zip", p.name)
        start = dt.date.fromisoformat(m.group(1))
        epoch_day = dt.datetime.fromtimestamp(int(m.group(2)), dt.timezone.utc).date()
        entries = read_zip(p)
        assert list(entries) == ["Overview.csv"]
        header, rows = studio_csv(entries["Overview.csv"], p.name + ":Overview.csv")
        ds = dates_with_rollover([r[0] for r in rows], start)
        assert ds[0] == start and len(ds) == 60
        assert all((b - a).days == 1 for a, b in zip(ds, ds[1:]))
        assert ds[-1] == epoch_day, (ds[-1], epoch_day)
        series.append((p.name, header, dict(zip(ds, rows))))
    (n1, h1, s1), (n2, h2, s2) = series
    assert h1 == ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]
    assert h2 == h1 + ["New followers"]
    ok("Overview: two 60-day exports; ZIP date = first row, epoch = last row's day; export 2 has New followers")
    assert min(s2) == dt.date(2025, 12, 20) and max(s2) == dt.date(2026, 2, 17)
    assert any(d.month == 12 for d in s2) and any(d.year == 2026 for d in s2)
    ok("Overview 2 spans December->January roll-over (2025-12-20..2026-02-17)")
    overlap = sorted(set(s1) & set(s2))
    diff = [d for d in overlap if s1[d][1:] != s2[d][1:6]]
    assert len(overlap) == 11 and len(diff) == 2, (len(overlap), diff)
    for d in diff:
        a, b = [int(x) for x in s1[d][1:]], [int(x) for x in s2[d][1:6]]
        assert all(abs(x - y) <= max(8, 0.05 * y) for x, y in zip(a, b)), (a, b)
        assert truth["overview_corrected_days"][d.isoformat()]["true"] == b
    ok(f"overlap {overlap[0]}..{overlap[-1]} ({len(overlap)} days), corrected slightly on {', '.join(map(str, diff))}")
    assert any(r[4] == "-1" for r in s1.values())
    ok("export 1 has a day with Comments = -1")
    lastrow = s2[max(s2)]
    assert lastrow[1:] == ["undefined"] * 6
    assert all("undefined" not in r for d, r in s2.items() if d != max(s2))
    ok("export 2 last row all `undefined`, no other undefined")
    # account views = sum of videos + a little from older videos
    acct = truth["account_daily_true"]
    for d, r in list(s2.items())[:-1]:
        vsum = sum(v["daily_views_utc"].get(d.isoformat(), 0) for v in tv.values())
        tot = int(r[1])
        assert tot == acct[d.isoformat()]["views"] == vsum + acct[d.isoformat()]["older_videos_views"]
        assert 0 <= tot - vsum <= 500
    for d, r in s1.items():
        if d.isoformat() not in truth["overview_corrected_days"]:
            assert int(r[1]) == acct[d.isoformat()]["views"]
    ok("Overview daily views = sum of the 13 videos' daily views + <= 500 from older videos")

    # ---- Followers
    fe = read_zip(root / f"Followers_{HANDLE}.zip")
    assert sorted(fe) == sorted(["FollowerHistory.csv", "FollowerActivity.csv", "FollowerGender.csv",
                                 "FollowerTopTerritories.csv"])
    h, rows = studio_csv(fe["FollowerHistory.csv"], "FollowerHistory.csv")
    assert h == ["Date", "Followers", "Difference in followers from previous day"]
    fds = dates_with_rollover([r[0] for r in rows], dt.date(2025, 12, 20))
    assert fds[0] == dt.date(2025, 12, 20) and fds[-1] == dt.date(2026, 2, 17) and len(fds) == 60
    f = [int(r[1]) for r in rows]
    dcol = [int(r[2]) for r in rows]
    assert dcol == [b - a for a, b in zip(f, f[1:])] + [0]
    assert dcol != [0] + [b - a for a, b in zip(f, f[1:])]
    nf = {d: int(r[6]) for d, r in s2.items() if r[6] != "undefined"}
    for i in range(1, 59):
        assert nf[fds[i]] == f[i] - f[i - 1]
    ok("FollowerHistory 60 days; difference column shifted (= F[D+1]-F[D], last 0); New followers = F[D]-F[D-1]")
    h, rows = studio_csv(fe["FollowerActivity.csv"], "FollowerActivity.csv")
    assert h == ["Date", "Hour", "Active followers"] and len(rows) == 7 * 24
    assert sorted({r[0] for r in rows}, key=lambda s: int(s.split()[1])) == [f"February {d}" for d in range(11, 18)]
    h, rows = studio_csv(fe["FollowerGender.csv"], "FollowerGender.csv")
    assert [r[0] for r in rows] == ["Male", "Female", "Other"] and abs(sum(float(r[1]) for r in rows) - 1) < 1e-9
    h, rows = studio_csv(fe["FollowerTopTerritories.csv"], "FollowerTopTerritories.csv")
    assert rows[0][0] == "CA" and rows[-1][0] == "Others" and abs(sum(float(r[1]) for r in rows) - 1) < 1e-9
    ok("FollowerActivity 7x24 rows (Feb 11-17); gender and territories sum to 1, CA first, Others last")

    # ---- Viewers.xlsx
    ve = read_zip(root / f"Viewers_{HANDLE}.zip")
    assert list(ve) == ["Viewers.xlsx"]
    with zipfile.ZipFile(io.BytesIO(ve["Viewers.xlsx"])) as x:
        names = set(x.namelist())
        assert names == {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                         "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"}
        sheet = ET.fromstring(x.read("xl/worksheets/sheet1.xml"))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    grid = []
    for row in sheet.iterfind(".//m:row", ns):
        cells = row.findall("m:c", ns)
        assert all(c.get("t") == "str" for c in cells)
        grid.append([c.find("m:v", ns).text for c in cells])
    assert grid[0] == ["Date", "Total Viewers", "New Viewers", "Returning Viewers"] and len(grid) == 61
    assert grid[-1][1:] == ["undefined", "0", "0"]
    for r in grid[1:-1]:
        assert int(r[1]) == int(r[2]) + int(r[3])
    assert dates_with_rollover([r[0] for r in grid[1:]], dt.date(2025, 12, 20))[-1] == dt.date(2026, 2, 17)
    try:
        import openpyxl  # optional, only for checking
        wb = openpyxl.load_workbook(io.BytesIO(ve["Viewers.xlsx"]))
        ws = wb.active
        vals = [[c.value for c in r] for r in ws.iter_rows()]
        assert vals == grid, "openpyxl reads different values"
        ok(f"Viewers.xlsx opens with openpyxl {openpyxl.__version__}: {len(vals)} rows, same values")
    except ImportError:
        pass
    ok("Viewers.xlsx: 5 parts, all cells t=\"str\", 60 days, last day undefined/0/0, total = new + returning")

    # ---- Content.csv
    ce = read_zip(root / f"Content_{HANDLE}.zip")
    h, rows = studio_csv(ce["Content.csv"], "Content.csv")
    assert h == ["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments",
                 "Total shares", "Total views"]
    assert len(rows) == 13 and {r[0] for r in rows} == {"February 19"}
    ids = [re.fullmatch(rf"https://www\.tiktok\.com/@{HANDLE}/video/(\d{{19}})", r[2]).group(1) for r in rows]
    assert set(ids) == set(tv)
    assert ids != [v["id"] for v in order] and ids != [v["id"] for v in reversed(order)]
    assert any('"' in r[1] and "," in r[1] for r in rows)
    for vid, r in zip(ids, rows):
        v = tv[vid]
        posted = dt.datetime.fromtimestamp(v["posted_unix"], dt.timezone.utc).date()
        assert r[3] == f"{MONTHS[posted.month - 1]} {posted.day}"
        st = v["totals_at_studio_cutoff"]
        assert [int(x) for x in r[4:]] == [st["likes"], st["comments"], st["shares"], st["views"]]
    ok("Content.csv: 13 rows, unordered, ids from links match truth, quote+comma title, totals = truth at cut-off")

    # ---- Business JSON
    b = json.loads((root / "business_video_list.json").read_text("utf-8"))
    assert b["code"] == 0 and b["message"] == "OK" and b["request_id"].startswith("20260219")
    assert "SYNTHETIC" in b["_uptake_note"]
    assert b["data"]["cursor"] == 13 and b["data"]["has_more"] is False
    vids = b["data"]["videos"]
    assert len(vids) == 13 and {v["item_id"] for v in vids} == set(tv)
    kinds = {type(v["create_time"]) for v in vids}
    assert kinds == {str, int}
    without = [v for v in vids if "average_time_watched" not in v]
    assert len(without) == 1 and without[0]["item_id"] == order[0]["id"]
    content_by_id = dict(zip(ids, rows))
    for v in vids:
        t = tv[v["item_id"]]
        assert int(v["create_time"]) == t["posted_unix"]
        assert isinstance(v["item_id"], str) and isinstance(v["video_duration"], float)
        tt = t["totals_at_business_observation"]
        assert [v["video_views"], v["likes"], v["comments"], v["shares"], v["favorites"]] == \
               [tt["views"], tt["likes"], tt["comments"], tt["shares"], tt["saves"]]
        c = content_by_id[v["item_id"]]
        assert 0 <= v["video_views"] - int(c[7]) <= 0.01 * v["video_views"] + 5
        assert v["likes"] >= int(c[4]) and v["shares"] >= int(c[6]) and v["comments"] >= int(c[5])
        if "average_time_watched" in v:
            assert 0 < v["full_video_watched_rate"] < 1 and v["reach"] < v["video_views"]
            assert v["average_time_watched"] < v["video_duration"]
            assert abs(v["total_time_watched"] / (v["average_time_watched"] * v["video_views"]) - 1) < 0.01
            src = {s["impression_source"]: s["percentage"] for s in v["impression_sources"]}
            assert set(src) == {"For You", "Follow", "Personal Profile", "Search", "Sound", "Hashtag"}
            assert abs(sum(src.values()) - 1) < 1e-6
            if v["video_views"] >= 100_000:
                assert src["For You"] > 0.8
    ok("Business JSON: envelope, 13 videos, create_time str+int, insights absent only for the oldest, "
       "totals = truth and slightly above Content.csv, total_time ~ avg x views, For You > 80% for viral")

    # ---- manual template
    text = (root / "manual_observations.csv").read_text("utf-8")
    lines = text.split("\n")
    assert lines[0] == "# uptake manual analytics template v1"
    assert "SYNTHETIC" in lines[1] and "not real TikTok data" in lines[1]
    body = [l for l in lines if l and not l.startswith("#")]
    mrows = list(csv.reader(body))
    assert mrows[0] == ("video,title,posted,observed,views,likes,comments,shares,saves,avg_watch_time,"
                        "watched_full_video,new_followers,for_you,following,personal_profile,search,sound,"
                        "other_sources,top_territories").split(",")
    mvids = set()
    styles = set()
    for r in mrows[1:]:
        vid = re.search(r"(\d{19})$", r[0]).group(1)
        mvids.add(vid)
        posted = dt.datetime.fromtimestamp(tv[vid]["posted_unix"], dt.timezone.utc)
        assert r[2] == posted.strftime("%Y-%m-%d")
        obs = dt.datetime.strptime(r[3], "%Y-%m-%d %H:%M" if " " in r[3] else "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)
        assert obs > posted
        for cell in r[4:9]:
            if re.fullmatch(r"\d+\.\dK|\d+K", cell): styles.add("abbr")
            elif re.fullmatch(r"\d+,\d K|\d+ K", cell): styles.add("fr")
            elif re.fullmatch(r"\d{1,3}(,\d{3})+", cell): styles.add("grouped")
            elif re.fullmatch(r"\d+", cell): styles.add("plain")
            else: assert cell == "", cell
        if r[12]:
            assert sum(int(x.rstrip("%")) for x in r[12:18]) == 100
            assert all(int(x.rstrip("%")) > 0 for x in r[12:18])
    assert styles == {"abbr", "fr", "grouped", "plain"}
    assert len(mvids) == 6
    assert sum(1 for r in mrows[1:] if re.fullmatch(r"\d+,\d K", r[5] + r[4] + r[6])) <= 1
    ok(f"manual template: v1 header line, synthetic notice, {len(mrows) - 1} rows for {len(mvids)} videos, "
       "value styles abbr/1,2 K/grouped/plain, sources sum to 100%")

    # ---- notices and size
    assert (root / "README.md").read_text("utf-8").splitlines()[0].count("SYNTHETIC") == 1
    assert "SYNTHETIC" in (root / "SYNTHETIC_DATA.txt").read_text("utf-8")
    # The comment capture (examples/generate_public_demo.py) is checked by its own
    # generator; the own-account files stay small.
    total = sum(p.stat().st_size for p in root.iterdir() if p.name != "zeeschuimer_comments.ndjson")
    assert total < 200_000, total
    ok(f"README first line says SYNTHETIC; SYNTHETIC_DATA.txt present; own-account files {total} bytes < 200 KB")
    for c in checked:
        print("ok:", c)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else here / "kmb-demo")
