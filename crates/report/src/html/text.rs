//! Untrusted text written safely: paragraphs and lists with `` `code` ``
//! spans kept, and DOIs and URLs that become links only when they are
//! plain `https://doi.org/` or http(s) addresses. Everything is escaped.

use super::table::write_with_code;
use crate::charts::escape_xml_into;
use std::fmt::Write as _;

/// A paragraph (or list item) of untrusted text; `` `code` `` spans kept.
pub(super) fn write_text_element(out: &mut String, tag: &str, text: &str) {
    let _ = write!(out, "<{tag}>");
    write_with_code(out, text);
    let _ = write!(out, "</{tag}>");
}

pub(super) fn write_list(out: &mut String, class: &str, items: &[String]) {
    let _ = write!(out, "<ul class=\"{class}\">");
    for item in items {
        write_text_element(out, "li", item);
    }
    out.push_str("</ul>");
}

/// A DOI as a link to `https://doi.org/…` when it looks like one
/// (`10.` prefix, no spaces), as text otherwise.
pub(super) fn write_doi(out: &mut String, doi: &str) {
    let doi = doi.trim();
    let doi = doi
        .strip_prefix("https://doi.org/")
        .or_else(|| doi.strip_prefix("doi:"))
        .unwrap_or(doi);
    if doi.starts_with("10.") && !doi.chars().any(|c| c.is_whitespace() || c.is_control()) {
        out.push_str("<a href=\"https://doi.org/");
        escape_xml_into(out, doi);
        out.push_str("\">doi:");
        escape_xml_into(out, doi);
        out.push_str("</a>");
    } else {
        out.push_str("doi:");
        escape_xml_into(out, doi);
    }
}

/// A link when `url` is an http(s) URL without spaces (never `javascript:`
/// or `data:`), plain text otherwise.
pub(super) fn write_link(out: &mut String, url: &str) {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let safe = (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if safe {
        out.push_str("<a href=\"");
        escape_xml_into(out, url);
        out.push_str("\">");
        escape_xml_into(out, url);
        out.push_str("</a>");
    } else {
        escape_xml_into(out, url);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn links_are_only_http_and_escaped() {
        let mut out = String::new();
        write_link(&mut out, "javascript:alert(1)");
        assert_eq!(out, "javascript:alert(1)");
        out.clear();
        write_link(&mut out, "https://x.org/?a=\"><script>");
        assert_eq!(
            out,
            "<a href=\"https://x.org/?a=&quot;&gt;&lt;script&gt;\">https://x.org/?a=&quot;&gt;&lt;script&gt;</a>"
        );
        out.clear();
        write_doi(&mut out, "https://doi.org/10.2196/30315");
        assert_eq!(
            out,
            "<a href=\"https://doi.org/10.2196/30315\">doi:10.2196/30315</a>"
        );
        out.clear();
        write_doi(&mut out, "not a doi");
        assert_eq!(out, "doi:not a doi");
    }
}
