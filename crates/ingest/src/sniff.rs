//! Telling a format from its first bytes, not its file name.
//!
//! Users rename and unzip files, so extensions are only a tie-breaker. The
//! rules follow `formats.md` §8 "Detection".

use uptake_model::SourceFormat;

/// What the first bytes of an input look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    /// A ZIP archive holding other files (Studio section ZIPs, exports).
    Zip,
    /// An XLSX workbook (itself a ZIP).
    Xlsx,
    /// A text table (CSV/TSV); which one is decided from its header row.
    Table,
    /// A JSON document whose format is known.
    Json(SourceFormat),
    /// Something else; the string says what was seen.
    Unknown(String),
}

/// How many bytes of an input [`sniff`] wants to see.
pub const SNIFF_LEN: usize = 64 * 1024;

/// Sniffs `head` (the first bytes of an input; up to [`SNIFF_LEN`]). For ZIPs,
/// `zip_has_workbook` says whether the archive has `xl/workbook.xml`.
pub fn sniff(head: &[u8], zip_has_workbook: bool) -> Sniffed {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return if zip_has_workbook {
            Sniffed::Xlsx
        } else {
            Sniffed::Zip
        };
    }
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
    match first {
        None => Sniffed::Unknown("the file is empty".into()),
        Some(b'{') | Some(b'[') => sniff_json(body),
        Some(b'<') => Sniffed::Unknown(
            "an HTML or XML page, not data (a gateway error or login page saved instead of an API response?)".into(),
        ),
        Some(_) => {
            if body.contains(&0) {
                Sniffed::Unknown("binary content that is neither ZIP nor XLSX".into())
            } else {
                Sniffed::Table
            }
        }
    }
}

fn has(body: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    body.windows(n.len()).any(|w| w == n)
}

/// JSON key present, allowing `"key":` and `"key" :`.
fn has_key(body: &[u8], key: &str) -> bool {
    has(body, &format!("\"{key}\":")) || has(body, &format!("\"{key}\" :"))
}

fn sniff_json(body: &[u8]) -> Sniffed {
    let business_envelope = has_key(body, "request_id") || has_key(body, "item_id");
    if business_envelope {
        if has_key(body, "videos") || has_key(body, "item_id") || has_key(body, "video_views") {
            return Sniffed::Json(SourceFormat::BusinessVideoList);
        }
        if has_key(body, "metrics")
            || has_key(body, "followers_count")
            || has_key(body, "audience_countries")
            || has_key(body, "is_business_account")
        {
            return Sniffed::Json(SourceFormat::BusinessAccount);
        }
    }
    let display_fields = ["cover_image_url", "embed_link", "embed_html", "share_url"];
    if has_key(body, "videos") && display_fields.iter().any(|k| has_key(body, k)) {
        return Sniffed::Json(SourceFormat::DisplayVideoList);
    }
    // Failed pages carry no video fields; route them by envelope so that the
    // reader reports the API's own error code and message.
    if has_key(body, "code") && has_key(body, "request_id") {
        return Sniffed::Json(SourceFormat::BusinessVideoList);
    }
    if has_key(body, "error") && has_key(body, "log_id") && !has_key(body, "search_id") {
        return Sniffed::Json(SourceFormat::DisplayVideoList);
    }
    Sniffed::Unknown("JSON that is not a TikTok Business or Display API response".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"PK\x03\x04rest", false), Sniffed::Zip);
        assert_eq!(sniff(b"PK\x03\x04rest", true), Sniffed::Xlsx);
        assert_eq!(
            sniff(b"\xEF\xBB\xBF\"Date\",\"Video Views\"\n", false),
            Sniffed::Table
        );
        let business =
            br#"{"code":0,"message":"OK","request_id":"2024","data":{"videos":[{"item_id":"1"}]}}"#;
        assert_eq!(
            sniff(business, false),
            Sniffed::Json(SourceFormat::BusinessVideoList)
        );
        let account =
            br#"{"code": 0, "request_id": "x", "data": {"followers_count": 3, "metrics": []}}"#;
        assert_eq!(
            sniff(account, false),
            Sniffed::Json(SourceFormat::BusinessAccount)
        );
        let display =
            br#"{"data":{"videos":[{"id":"1","cover_image_url":"x"}]},"error":{"code":"ok"}}"#;
        assert_eq!(
            sniff(display, false),
            Sniffed::Json(SourceFormat::DisplayVideoList)
        );
        assert!(matches!(sniff(b"{\"a\":1}", false), Sniffed::Unknown(_)));
        let failed =
            br#"{"code":40105,"message":"Access token is invalid","request_id":"2026","data":{}}"#;
        assert_eq!(
            sniff(failed, false),
            Sniffed::Json(SourceFormat::BusinessVideoList)
        );
        let failed =
            br#"{"data":{},"error":{"code":"access_token_invalid","message":"x","log_id":"2026"}}"#;
        assert_eq!(
            sniff(failed, false),
            Sniffed::Json(SourceFormat::DisplayVideoList)
        );
        assert!(matches!(
            sniff(b"<!DOCTYPE html><html>", false),
            Sniffed::Unknown(_)
        ));
        assert!(matches!(sniff(b"   ", false), Sniffed::Unknown(_)));
    }
}
