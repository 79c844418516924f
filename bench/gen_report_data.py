#!/usr/bin/env python3
"""Seeded SYNTHETIC manual-template data for the report benchmark:
N videos x K observations each (views growing over 60 days), written as
uptake's manual analytics template. Usage: gen_report_data.py N K OUT.csv
Not real TikTok data. Standard library only."""
import datetime as dt
import random
import sys

n, k, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(20261127 + n)
base = 7_600_000_000_000_000_000
with open(out, "w") as f:
    f.write("# uptake manual analytics template v1\n# SYNTHETIC benchmark data (bench/gen_report_data.py); not real TikTok data.\n")
    f.write("video,title,posted,observed,views,likes,comments,shares,saves,avg_watch_time,watched_full_video,for_you,following,personal_profile,search,top_territories\n")
    for i in range(n):
        posted = dt.datetime(2025, 1, 1) + dt.timedelta(hours=rng.randint(0, 24 * 300))
        final = int(rng.lognormvariate(9, 1.4))
        for j in range(k):
            age_h = 1 + j * (60 * 24 // k)
            views = int(final * (1 - 0.9 ** (1 + j)))
            obs = posted + dt.timedelta(hours=age_h)
            f.write(f"{base + i * 17},Synthetic video {i},{posted:%Y-%m-%d},{obs:%Y-%m-%d %H:%M},{views},{views // 10},{views // 90},"
                    f"{views // 40},{views // 30},0:{rng.randint(10, 59)},{rng.randint(5, 60)}%,80%,10%,5%,5%,CA:{rng.randint(20, 60)}%; US:20%\n")
