#!/usr/bin/env python3
"""Peer for `uptake videos`: what a researcher would write with pandas.

Reads the same project's SQLite database (observations + videos), keeps each
metric's latest non-missing value per video, computes the same rates, and the
total / median / IQR rows, then writes CSV to stdout. Usage:
    python3 bench/peer_videos_pandas.py PROJECT/.uptake/uptake.db > /dev/null
"""
import sqlite3
import sys

import pandas as pd

db = sys.argv[1]
con = sqlite3.connect(db)
obs = pd.read_sql_query(
    "SELECT video_id, observed_at, id, views, likes, comments, shares, saves, avg_watch_s, "
    "full_watch_rate, traffic_sources, territories FROM observations", con)
videos = pd.read_sql_query("SELECT id AS video_id, platform_id, posted_on, title FROM videos", con)
obs = obs.sort_values(["video_id", "observed_at", "id"])
latest = obs.groupby("video_id").last()  # last non-null value per column = latest per metric
t = videos.set_index("video_id").join(latest, how="left")
t["engagement_rate_views"] = (t.likes + t.comments + t.shares) / t.views
t["share_rate"] = t.shares / t.views
t["save_rate"] = t.saves / t.views
cols = ["views", "likes", "comments", "shares", "saves", "engagement_rate_views", "share_rate",
        "save_rate", "avg_watch_s", "full_watch_rate"]
summary = pd.DataFrame({"total": t[cols].sum(), "median": t[cols].median(),
                        "q1": t[cols].quantile(0.25), "q3": t[cols].quantile(0.75)}).T
t.sort_values("posted_on").to_csv(sys.stdout)
summary.to_csv(sys.stdout)
