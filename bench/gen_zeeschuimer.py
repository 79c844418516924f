#!/usr/bin/env python3
"""Seeded generator of a SYNTHETIC Zeeschuimer NDJSON export for uptake's benchmarks.

Usage: gen_zeeschuimer.py SIZE_MB OUT

Writes about SIZE_MB megabytes of NDJSON in the shape of formats.md §4.1-4.3: TikTok post
captures as full API items (shape A: `author` object, `stats` + `statsV2`, `video` with cover
and play URLs, `music`, `challenges`, `textExtra`, `authorStats`; 3-5 KB each), flattened
page-state items (shape B, ~15% of posts), comment captures (`tiktok-comments`, ~30% of
lines), re-captures of earlier items with grown counts (~20% of post lines), and a few
captures from another platform (instagram.com) that the reader must skip.

Everything is synthetic, generated from a fixed seed; nothing here is real data: handles,
names, ids, captions and URLs are invented. Standard library only; written in chunks.
"""
import json
import random
import sys

SEED = 20261127
NOTE = "SYNTHETIC benchmark data (bench/gen_zeeschuimer.py); not real TikTok data"
WORDS = ("sleep tips nurse shift work melatonin routine study evidence doctor health mental "
         "anxiety habit morning night coffee light screen bedtime nap dream science myth "
         "explained research trial therapy calm breathing stretch yoga diet").split()
TAGS = ["sleep", "sleephygiene", "health", "nurse", "insomnia", "wellness", "science",
        "mentalhealth", "fyp", "learnontiktok", "doctor", "research"]
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def cdn(rng, kind):
    sig = "%016x" % rng.getrandbits(64)
    return f"https://p16-sign-va.tiktokcdn.com/obj/{sig}~tplv-{kind}.jpeg?x-expires=1725100000&x-signature={sig[:12]}%3D"


def play(rng):
    sig = "%032x" % rng.getrandbits(128)
    return (f"https://v16-webapp-prime.tiktok.com/video/tos/maliva/{sig}/"
            f"?a=1988&bti=ODszNWYuMDE6&br=1200&bt=600&ft=4fUEKMvt8Zmo0&mime_type=video_mp4&rc={sig[:16]}")


def caption(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 30))]
    tags = rng.sample(TAGS, rng.randint(1, 3))
    text = " ".join(words).capitalize() + " " + " ".join("#" + t for t in tags)
    if rng.random() < 0.3:
        text += " 😴✨"
    return text, tags


def rounded(v):
    if v < 10000:
        return v
    digits = len(str(v)) - 3
    return round(v, -digits)


class Person:
    def __init__(self, rng, n):
        self.uid = str(6800000000000000000 + n * 7919)
        self.handle = f"synthetic_user_{n}"
        self.nick = f"Synthetic Person {n}"
        self.sec = "MS4wLjABAAAA%052x" % rng.getrandbits(208)
        self.followers = int(rng.paretovariate(1.2) * 500)
        self.videos = rng.randint(3, 900)


def stats_pair(counts, exact_v2=True):
    plays, likes, comments, shares, saves = counts
    stats = {"diggCount": rounded(likes), "shareCount": shares, "commentCount": comments,
             "playCount": rounded(plays), "collectCount": str(saves)}
    v2 = {"diggCount": str(likes), "shareCount": str(shares), "commentCount": str(comments),
          "playCount": str(plays), "collectCount": str(saves), "repostCount": "0"}
    return stats, v2


def post_a(rng, vid, person, created, counts):
    text, tags = caption(rng)
    stats, v2 = stats_pair(counts)
    return {
        "id": vid, "desc": text, "createTime": created, "scheduleTime": 0,
        "video": {"id": vid, "height": 1024, "width": 576, "duration": rng.randint(5, 180),
                  "ratio": "540p", "cover": cdn(rng, "cover"), "originCover": cdn(rng, "origin"),
                  "dynamicCover": cdn(rng, "dynamic"), "playAddr": play(rng), "downloadAddr": play(rng),
                  "shareCover": ["", cdn(rng, "share"), cdn(rng, "share2")],
                  "bitrate": rng.randint(300000, 1500000), "encodedType": "normal", "format": "mp4",
                  "videoQuality": "normal", "encodeUserTag": "", "codecType": "h264", "definition": "540p",
                  "subtitleInfos": [],
                  "volumeInfo": {"Loudness": -14.2, "Peak": 0.89}},
        "author": {"id": person.uid, "shortId": "", "uniqueId": person.handle, "nickname": person.nick,
                   "avatarLarger": cdn(rng, "avl"), "avatarMedium": cdn(rng, "avm"), "avatarThumb": cdn(rng, "avt"),
                   "signature": "Synthetic bio: " + " ".join(rng.choice(WORDS) for _ in range(8)),
                   "createTime": created - rng.randint(10**6, 10**8), "verified": rng.random() < 0.05,
                   "secUid": person.sec, "ftc": False, "relation": 0, "openFavorite": False,
                   "commentSetting": 0, "duetSetting": 0, "stitchSetting": 0, "privateAccount": False,
                   "secret": False, "isADVirtual": False, "roomId": "", "uniqueIdModifyTime": 0,
                   "ttSeller": False, "downloadSetting": 0, "recommendReason": "", "nowInvitationCardUrl": "",
                   "nickNameModifyTime": 0, "isEmbedBanned": False, "canExpPlaylist": True, "suggestAccountBind": False},
        "music": {"id": str(7300000000000000000 + rng.randint(0, 10**6)), "title": "original sound",
                  "playUrl": "https://sf16-ies-music-va.tiktokcdn.com/obj/musically-maliva-obj/" + vid + ".mp3",
                  "coverLarge": cdn(rng, "ml"), "coverMedium": cdn(rng, "mm"), "coverThumb": cdn(rng, "mt"),
                  "authorName": person.nick, "original": True, "duration": rng.randint(5, 60), "album": "",
                  "scheduleSearchTime": 0, "collected": False, "preciseDuration": {"preciseDuration": 21.2}},
        "challenges": [{"id": str(1600 + TAGS.index(t)), "title": t, "desc": "Synthetic challenge about " + t,
                        "profileLarger": "", "profileMedium": "", "profileThumb": "", "coverLarger": "",
                        "coverMedium": "", "coverThumb": ""} for t in tags],
        "stats": stats, "statsV2": v2,
        "warnInfo": [], "originalItem": False, "officalItem": False,
        "textExtra": [{"awemeId": "", "start": 0, "end": len(t) + 1, "hashtagId": str(1600 + TAGS.index(t)),
                       "hashtagName": t, "type": 1, "subType": 0, "userId": "", "isCommerce": False,
                       "userUniqueId": "", "secUid": ""} for t in tags],
        "secret": False, "forFriend": False, "digged": False, "itemCommentStatus": 0, "takeDown": 0,
        "effectStickers": [], "authorStats": {"followerCount": rounded(person.followers), "followingCount": 120,
                                              "heart": person.followers * 9, "heartCount": person.followers * 9,
                                              "videoCount": person.videos, "diggCount": 55, "friendCount": 3},
        "privateItem": False, "duetEnabled": True, "stitchEnabled": True, "stickersOnItem": [],
        "isAd": False, "shareEnabled": True, "comments": [], "duetDisplay": 0, "stitchDisplay": 0,
        "indexEnabled": True, "diversificationLabels": ["Health", "Lifestyle"], "locationCreated": "GB",
        "suggestedWords": [], "collected": False,
        "channelTags": [], "item_control": {"can_repost": True}, "duetInfo": {"duetFromId": "0"},
        "isAigc": False, "AIGCDescription": "", "backendSourceEventTracking": "",
        "_synthetic": NOTE,
    }


def post_b(rng, vid, person, created, counts):
    a = post_a(rng, vid, person, created, counts)
    a["createTime"] = str(created)
    a["author"] = person.handle
    a["nickname"] = person.nick
    a["authorId"] = person.uid
    a["authorSecId"] = person.sec
    a["avatarThumb"] = cdn(rng, "avt")
    del a["statsV2"]
    return a


def comment(rng, cid, vid, person, reply_id, rtr, created):
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 25)))
    return {
        "cid": cid, "id": cid, "aweme_id": vid, "create_time": created, "text": text,
        "digg_count": rng.randint(0, 500), "reply_comment_total": rng.randint(0, 20) if reply_id == "0" else None,
        "reply_id": reply_id, "reply_to_reply_id": rtr, "status": 1, "stick_position": 0,
        "user": {"uid": person.uid, "unique_id": person.handle, "nickname": person.nick, "sec_uid": person.sec,
                 "avatar_thumb": {"uri": "tos-maliva-avt-0068/x", "url_list": [cdn(rng, "ca1"), cdn(rng, "ca2")],
                                  "width": 720, "height": 720}, "custom_verify": "", "region": "GB"},
        "share_info": {"url": f"https://www.tiktok.com/@{person.handle}/video/{vid}?_r=1&u_code=x",
                       "title": "Synthetic caption", "desc": f"{person.nick}'s comment: {text}",
                       "acl": {"code": 0, "extra": "{}"}},
        "comment_language": rng.choice(["en", "en", "en", "nl", "de", "es"]),
        "author_pin": False, "is_author_digged": rng.random() < 0.1, "text_extra": [],
        "label_list": None, "image_list": None, "_synthetic": NOTE,
    }


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_zeeschuimer.py SIZE_MB OUT")
    target = int(float(sys.argv[1]) * 1024 * 1024)
    rng = random.Random(SEED)
    people = [Person(rng, n) for n in range(5000)]
    posts = []  # (vid, person, created, counts, shape)
    comments = []  # cids of top-level comments per video
    written = 0
    n = 0
    ts = 1725010000000
    chunk = []
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        while written < target:
            n += 1
            ts += rng.randint(200, 5000)
            r = rng.random()
            nav = f"{n // 500}:{rng.randint(1, 40)}:{n % 500}"
            if r < 0.003:
                platform, item, data = "instagram.com", str(3000000 + n), {"id": str(3000000 + n), "_synthetic": NOTE}
            elif r < 0.30 and posts:
                platform = "tiktok-comments"
                vid = rng.choice(posts)[0]
                cid = str(7400000000000000000 + n)
                top = comments and rng.random() < 0.35
                if top:
                    parent = rng.choice(comments[-200:])
                    rtr = rng.choice(["0", "0", parent])
                    data = comment(rng, cid, vid, rng.choice(people), parent, rtr, ts // 1000 - 3600)
                else:
                    data = comment(rng, cid, vid, rng.choice(people), "0", "0", ts // 1000 - 3600)
                    comments.append(cid)
                if data["reply_comment_total"] is None:
                    del data["reply_comment_total"]
                item = cid
            else:
                platform = "tiktok.com"
                if posts and rng.random() < 0.2:
                    i = rng.randrange(len(posts))
                    vid, person, created, counts, shape = posts[i]
                    counts = tuple(c + rng.randint(0, max(1, c // 10)) for c in counts)
                    posts[i] = (vid, person, created, counts, shape)
                else:
                    vid = str(7412345678901000000 + n)
                    person = rng.choice(people)
                    created = ts // 1000 - rng.randint(0, 10**7)
                    plays = int(rng.paretovariate(1.1) * 800)
                    counts = (plays, plays // rng.randint(8, 30), rng.randint(0, plays // 50 + 1),
                              rng.randint(0, plays // 100 + 1), rng.randint(0, plays // 60 + 1))
                    shape = "B" if rng.random() < 0.15 else "A"
                    posts.append((vid, person, created, counts, shape))
                    if len(posts) > 20000:
                        posts.pop(0)
                data = (post_b if shape == "B" else post_a)(rng, vid, person, created, counts)
                item = vid
            line = json.dumps({"id": n, "nav_index": nav, "item_id": item, "timestamp_collected": ts,
                               "last_updated": ts, "source_platform": platform,
                               "source_platform_url": "https://www.tiktok.com/foryou",
                               "source_url": "https://www.tiktok.com/api/recommend/item_list/?count=30",
                               "user_agent": UA, "data": data}, ensure_ascii=False, separators=(",", ":"))
            chunk.append(line)
            written += len(line.encode("utf-8")) + 1
            if len(chunk) >= 2000:
                out.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            out.write("\n".join(chunk) + "\n")
    print(f"wrote {written / 1e6:.1f} MB, {n} lines to {sys.argv[2]} (SYNTHETIC)", file=sys.stderr)


if __name__ == "__main__":
    main()
