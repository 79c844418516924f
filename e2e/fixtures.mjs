// Fixtures the end-to-end run makes on the fly (nothing binary is committed):
// a TikTok Studio "Content" ZIP that adds one video to the demo project, and
// a Zeeschuimer capture holding one hostile comment.

/** The demo video the hostile comment is posted on (examples/kmb-demo). */
export const HOSTILE_VIDEO = "7574563522674195709";
/** The hostile comment's platform id (not in the demo). */
export const HOSTILE_COMMENT = "7574566321317899001";
/** A word found only in the hostile comment (for the full-text search). */
export const HOSTILE_WORD = "zqhostilemarker";
/** What the hostile comment says, verbatim. "most people regret" makes the
 * claims rules flag it (claims.regret_common), so it also reaches the
 * claims review queue. */
export const HOSTILE_TEXT =
  `${HOSTILE_WORD} <script>window.__pwned=1</script> ` +
  `<img src=x onerror="window.__pwned=1;alert(1)"> ` +
  `<a href="javascript:window.__pwned=1;alert(1)">click me</a> ` +
  `javascript:alert(document.cookie) most people regret it`;

/** Posted 2026-02-01 12:00 UTC; TikTok ids carry the posting second in their top 32 bits. */
const NEW_POSTED = 1769947200n;
/** The uploaded video's id and title. */
export const NEW_VIDEO = ((NEW_POSTED << 32n) | 0x1e2e0001n).toString();
export const NEW_TITLE = "E2E upload: what the waiting-list survey found (SYNTHETIC)";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A ZIP of stored (uncompressed) entries, like Studio's, dated 2026-02-19 12:00. */
export function zipStored(entries) {
  const dosTime = (12 << 11) | (0 << 5) | 0;
  const dosDate = ((2026 - 1980) << 9) | (2 << 5) | 19;
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBuf = Buffer.from(name, "utf8");
    const body = Buffer.from(data);
    const crc = crc32(body);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(body.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(body.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, body);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Studio's Content download (2026 header), holding only the new video. */
export function contentZip() {
  const q = (s) => `"${String(s).replaceAll('"', '""')}"`;
  const header = ["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares", "Total views"];
  const row = ["February 19", NEW_TITLE, `https://www.tiktok.com/@synthetic_kmb_lab/video/${NEW_VIDEO}`, "February 1", "321", "12", "7", "4567"];
  const csv = "\ufeff" + [header, row].map((r) => r.map(q).join(",")).join("\n");
  return zipStored([["Content.csv", Buffer.from(csv, "utf8")]]);
}

/** A Zeeschuimer capture (NDJSON) with the hostile comment on a demo video. */
export function hostileCapture() {
  const line = {
    id: 99001,
    item_id: HOSTILE_COMMENT,
    timestamp_collected: 1771426952193,
    last_updated: 1771426952193,
    source_platform: "tiktok-comments",
    source_platform_url: `https://www.tiktok.com/@synthetic_kmb_lab/video/${HOSTILE_VIDEO}`,
    source_url: `https://www.tiktok.com/api/comment/list/?aid=1988&aweme_id=${HOSTILE_VIDEO}&count=20&cursor=0`,
    user_agent: "uptake e2e fixture",
    data: {
      aweme_id: HOSTILE_VIDEO,
      cid: HOSTILE_COMMENT,
      create_time: 1771000000,
      digg_count: 0,
      reply_id: "0",
      reply_to_reply_id: "0",
      status: 1,
      text: HOSTILE_TEXT,
      text_extra: [],
      user: {
        uid: "6900000000000000001",
        unique_id: "e2e_hostile_author",
        nickname: "<b>hostile nickname</b>",
        sec_uid: "MS4wLjABAAAAe2eHostile",
      },
      comment_language: "en",
      image_list: null,
      id: HOSTILE_COMMENT,
      reply_comment_total: 0,
    },
    _uptake_note: "SYNTHETIC: uptake e2e fixture (e2e/fixtures.mjs); not real TikTok data",
  };
  return JSON.stringify(line) + "\n";
}
