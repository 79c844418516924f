//! A small parser for Python literals, as pandas writes nested objects into
//! CSV cells (`formats.md` §6: pyktok's comment CSVs hold `user`,
//! `share_info`, `text_extra` as Python `repr` strings, not JSON).
//!
//! It reads what `repr()` of dicts, lists, tuples, sets, strings, numbers,
//! `True`/`False`/`None` produces, including both quote styles, string
//! prefixes (`r`, `b`, `u`), adjacent-string concatenation and every escape
//! `repr` emits (`\\x`, `\\u`, `\\U`, octal, `\\n`, ...), into a
//! [`serde_json::Value`]. JSON's own `true`/`false`/`null` are accepted too.
//! Integers beyond 64 bits (and `nan`/`inf`, which JSON cannot hold) become
//! strings and `null`. Nothing in it panics or recurses without bound: bad
//! input is a [`ReprError`] saying where and what.

use serde_json::{Map, Number, Value};
use std::fmt;

/// Deepest nesting accepted; real comment objects nest 4–5 levels.
const MAX_DEPTH: usize = 64;

/// Why a cell is not a Python literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReprError {
    /// 0-based character offset where reading stopped.
    pub offset: usize,
    /// What was expected there.
    pub expected: &'static str,
    /// What was found (a short excerpt).
    pub found: String,
}

impl fmt::Display for ReprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected {} at character {}, found `{}`",
            self.expected,
            self.offset + 1,
            self.found
        )
    }
}

impl std::error::Error for ReprError {}

/// Parses one Python literal (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<Value, ReprError> {
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser { chars, pos: 0 };
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos < p.chars.len() {
        return Err(p.error("the end of the value"));
    }
    Ok(value)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn error(&self, expected: &'static str) -> ReprError {
        let found: String = self.chars.iter().skip(self.pos).take(20).collect();
        ReprError {
            offset: self.pos,
            expected,
            found: if found.is_empty() {
                "(end of text)".into()
            } else {
                found
            },
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ReprError> {
        if depth > MAX_DEPTH {
            return Err(self.error("at most 64 levels of nesting"));
        }
        match self.peek() {
            Some('{') => self.dict_or_set(depth),
            Some('[') => self.sequence(']', depth),
            Some('(') => self.sequence(')', depth),
            Some('\'') | Some('"') => self.strings(),
            Some(c) if c.is_ascii_digit() || c == '-' || c == '+' || c == '.' => self.number(),
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                if self.string_prefix().is_some() {
                    return self.strings();
                }
                self.word()
            }
            _ => Err(self.error("a Python value (dict, list, string, number, True, None)")),
        }
    }

    /// Length of a string prefix (`r`, `b`, `u`, `rb`, `br`, ...) directly
    /// followed by a quote at the current position.
    fn string_prefix(&self) -> Option<usize> {
        let mut n = 0;
        while n < 2
            && self
                .peek_at(n)
                .is_some_and(|c| matches!(c.to_ascii_lowercase(), 'r' | 'b' | 'u'))
        {
            n += 1;
        }
        (n > 0 && matches!(self.peek_at(n), Some('\'') | Some('"'))).then_some(n)
    }

    fn word(&mut self) -> Result<Value, ReprError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.pos += 1;
        }
        let word: String = self.chars[start..self.pos].iter().collect();
        match word.as_str() {
            "True" | "true" => Ok(Value::Bool(true)),
            "False" | "false" => Ok(Value::Bool(false)),
            "None" | "null" | "nan" | "NaN" | "inf" | "Infinity" => Ok(Value::Null),
            _ => {
                self.pos = start;
                Err(self.error("a Python value (dict, list, string, number, True, None)"))
            }
        }
    }

    fn number(&mut self) -> Result<Value, ReprError> {
        let start = self.pos;
        let negative = self.peek() == Some('-');
        if matches!(self.peek(), Some('-') | Some('+')) {
            self.pos += 1;
        }
        // `-inf`, `-nan`: JSON cannot hold them.
        if self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            let word_start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                self.pos += 1;
            }
            let word: String = self.chars[word_start..self.pos].iter().collect();
            if matches!(word.as_str(), "inf" | "nan" | "Infinity") {
                return Ok(Value::Null);
            }
            self.pos = start;
            return Err(self.error("a number"));
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_'))
            || (matches!(self.peek(), Some('+') | Some('-'))
                && matches!(
                    self.chars.get(self.pos.wrapping_sub(1)),
                    Some('e') | Some('E')
                ))
        {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos]
            .iter()
            .filter(|c| **c != '_')
            .collect();
        let body = text.trim_start_matches(['+', '-']);
        if !body.is_empty() && body.chars().all(|c| c.is_ascii_digit()) {
            if let Ok(v) = text.trim_start_matches('+').parse::<i64>() {
                return Ok(Value::Number(v.into()));
            }
            if !negative {
                if let Ok(v) = body.parse::<u64>() {
                    return Ok(Value::Number(v.into()));
                }
            }
            // Beyond 64 bits: keep the digits exactly, as text.
            return Ok(Value::String(text.trim_start_matches('+').to_string()));
        }
        let is_float = body.chars().any(|c| c.is_ascii_digit())
            && body
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
        match text.parse::<f64>() {
            Ok(v) if is_float => Ok(Number::from_f64(v).map_or(Value::Null, Value::Number)),
            _ => {
                self.pos = start;
                Err(self.error("a number"))
            }
        }
    }

    /// One or more adjacent string literals (`'a' "b"` is `'ab'` in Python).
    fn strings(&mut self) -> Result<Value, ReprError> {
        let mut out = String::new();
        loop {
            self.string(&mut out)?;
            let save = self.pos;
            self.skip_ws();
            let next_is_string =
                matches!(self.peek(), Some('\'') | Some('"')) || self.string_prefix().is_some();
            if !next_is_string {
                self.pos = save;
                return Ok(Value::String(out));
            }
        }
    }

    fn string(&mut self, out: &mut String) -> Result<(), ReprError> {
        let mut raw = false;
        if let Some(n) = self.string_prefix() {
            raw = self.chars[self.pos..self.pos + n]
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&'r'));
            self.pos += n;
        }
        let Some(quote) = self.peek().filter(|c| matches!(c, '\'' | '"')) else {
            return Err(self.error("a quoted string"));
        };
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("a closing quote"));
            };
            if c == quote {
                if !triple {
                    self.pos += 1;
                    return Ok(());
                }
                if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
                    self.pos += 3;
                    return Ok(());
                }
            }
            if !triple && c == '\n' {
                return Err(self.error("a closing quote before the end of the line"));
            }
            self.pos += 1;
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(e) = self.peek() else {
                return Err(self.error("an escape sequence after `\\`"));
            };
            if raw {
                // Raw strings keep the backslash; it only protects a quote.
                out.push('\\');
                out.push(e);
                self.pos += 1;
                continue;
            }
            self.pos += 1;
            match e {
                '\n' => {}
                '\\' | '\'' | '"' => out.push(e),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'a' => out.push('\u{7}'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'v' => out.push('\u{b}'),
                'x' => out.push(self.hex_escape(2)?),
                'u' => out.push(self.hex_escape(4)?),
                'U' => out.push(self.hex_escape(8)?),
                '0'..='7' => {
                    let mut v = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match self.peek().and_then(|c| c.to_digit(8)) {
                            Some(d) => {
                                v = v * 8 + d;
                                self.pos += 1;
                            }
                            None => break,
                        }
                    }
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
                // Python keeps unknown escapes as written.
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
        }
    }

    /// `n` hex digits after `\x`, `\u` or `\U`; lone surrogates (which
    /// Python strings may hold) become U+FFFD.
    fn hex_escape(&mut self, n: usize) -> Result<char, ReprError> {
        let mut v: u32 = 0;
        for _ in 0..n {
            let Some(d) = self.peek().and_then(|c| c.to_digit(16)) else {
                return Err(self.error("hex digits in an escape sequence"));
            };
            v = v.saturating_mul(16).saturating_add(d);
            self.pos += 1;
        }
        Ok(char::from_u32(v).unwrap_or('\u{fffd}'))
    }

    /// `{}` is a dict; `{1, 2}` a set (read as a list).
    fn dict_or_set(&mut self, depth: usize) -> Result<Value, ReprError> {
        self.pos += 1; // `{`
        let mut map = Map::new();
        let mut set: Option<Vec<Value>> = None;
        loop {
            self.skip_ws();
            if self.peek() == Some('}') {
                self.pos += 1;
                return Ok(match set {
                    Some(items) => Value::Array(items),
                    None => Value::Object(map),
                });
            }
            let key = self.value(depth + 1)?;
            self.skip_ws();
            match (self.peek(), &mut set) {
                (Some(':'), None) => {
                    self.pos += 1;
                    self.skip_ws();
                    let value = self.value(depth + 1)?;
                    map.insert(key_text(key), value);
                }
                (Some(',') | Some('}'), Some(items)) => items.push(key),
                (Some(',') | Some('}'), None) if map.is_empty() => set = Some(vec![key]),
                _ => {
                    return Err(self.error(if set.is_some() {
                        "`,` or `}` in a set"
                    } else {
                        "`:` after a dict key"
                    }))
                }
            }
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some('}') => {}
                _ => return Err(self.error("`,` or `}` after a dict entry")),
            }
        }
    }

    /// A list (`[...]`) or a tuple (`(...)`), read as a JSON array.
    fn sequence(&mut self, close: char, depth: usize) -> Result<Value, ReprError> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok(Value::Array(items));
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(c) if c == close => {}
                _ => {
                    return Err(self.error(if close == ']' {
                        "`,` or `]` in a list"
                    } else {
                        "`,` or `)` in a tuple"
                    }))
                }
            }
        }
    }
}

/// A dict key as a JSON object key: strings as they are, other literals as
/// Python would print them.
fn key_text(key: Value) -> String {
    match key {
        Value::String(s) => s,
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn ok(text: &str) -> Value {
        match parse(text) {
            Ok(v) => v,
            Err(e) => panic!("{text:?}: {e}"),
        }
    }

    #[test]
    fn literals_table() {
        let cases: &[(&str, Value)] = &[
            ("None", Value::Null),
            ("True", json!(true)),
            (" False ", json!(false)),
            ("0", json!(0)),
            ("-12", json!(-12)),
            ("1_000", json!(1000)),
            ("3.5", json!(3.5)),
            ("1e3", json!(1000.0)),
            ("-2.5E-1", json!(-0.25)),
            ("nan", Value::Null),
            ("-inf", Value::Null),
            ("7412345678901234567", json!(7_412_345_678_901_234_567_i64)),
            (
                "18446744073709551615",
                json!(18_446_744_073_709_551_615_u64),
            ),
            (
                "123456789012345678901234",
                json!("123456789012345678901234"),
            ),
            ("'it'", json!("it")),
            (r#""it's""#, json!("it's")),
            (r#"'say "hi"'"#, json!("say \"hi\"")),
            (r#"'it\'s \\ "x"'"#, json!("it's \\ \"x\"")),
            (r"'a\nb\tc\r'", json!("a\nb\tc\r")),
            (r"'\x00\x7f\xe9'", json!("\u{0}\u{7f}é")),
            (r"'\u00e9\U0001f600'", json!("é😀")),
            (r"'\ud83d'", json!("\u{fffd}")),
            (r"'\101\0'", json!("A\u{0}")),
            (r"'\q'", json!("\\q")),
            ("'emoji 😀 مرحبا'", json!("emoji 😀 مرحبا")),
            (r"r'\d+'", json!("\\d+")),
            ("b'bytes'", json!("bytes")),
            ("u'x' 'y'", json!("xy")),
            ("'''tri'ple'''", json!("tri'ple")),
            ("[]", json!([])),
            ("()", json!([])),
            ("(1,)", json!([1])),
            ("[1, 'a', None, [True]]", json!([1, "a", null, [true]])),
            ("{}", json!({})),
            ("{1, 2}", json!([1, 2])),
            (
                "{'uid': '6800', 'n': {'k': [1, 2.0]}, 3: None, None: 1,}",
                json!({"uid": "6800", "n": {"k": [1, 2.0]}, "3": null, "None": 1}),
            ),
            (
                r#"{"a": true, "b": null, "c": false}"#,
                json!({"a": true, "b": null, "c": false}),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(&ok(text), want, "{text:?}");
        }
    }

    #[test]
    fn errors_say_where() {
        for bad in [
            "",
            "'open",
            "{'a' 1}",
            "[1 2]",
            "(1 2",
            "{'a': }",
            "Nope",
            "1.2.3x",
            "'a\nb'",
            "1 2",
            "{1, 'a': 2}",
            "'\\x4'",
            "--1",
            "{'a': 1, 2}",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should fail");
        }
        let e = parse("{'uid': '1', 'x': Nope}").err();
        assert_eq!(
            e.as_ref().map(|e| e.offset),
            Some(18),
            "{:?}",
            e.map(|e| e.to_string())
        );
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
    }

    /// Python's `repr()` of a string (as CPython 3 writes it).
    fn py_str(s: &str) -> String {
        let quote = if s.contains('\'') && !s.contains('"') {
            '"'
        } else {
            '\''
        };
        let mut out = String::new();
        out.push(quote);
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c == quote => {
                    out.push('\\');
                    out.push(c);
                }
                c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                    out.push_str(&format!("\\x{:02x}", c as u32))
                }
                c if (0x80..0xa0).contains(&(c as u32)) => {
                    out.push_str(&format!("\\x{:02x}", c as u32))
                }
                c => out.push(c),
            }
        }
        out.push(quote);
        out
    }

    /// Python's `repr()` of a JSON-like value (dicts, lists, str, int, bool, None).
    fn py_repr(v: &Value) -> String {
        match v {
            Value::Null => "None".into(),
            Value::Bool(true) => "True".into(),
            Value::Bool(false) => "False".into(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => py_str(s),
            Value::Array(items) => format!(
                "[{}]",
                items.iter().map(py_repr).collect::<Vec<_>>().join(", ")
            ),
            Value::Object(map) => format!(
                "{{{}}}",
                map.iter()
                    .map(|(k, v)| format!("{}: {}", py_str(k), py_repr(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn values() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|v| Value::Number(v.into())),
            "\\PC{0,12}".prop_map(Value::String),
            "[\"'\\\\\n\r\t\u{0}\u{7f}\u{85}é😀a]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec(("\\PC{0,8}", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn python_reprs_round_trip(v in values()) {
            let text = py_repr(&v);
            prop_assert_eq!(parse(&text).ok(), Some(v), "{}", text);
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,64}") {
            let _ = parse(&text);
        }

        #[test]
        fn repr_like_text_never_panics(parts in proptest::collection::vec(prop::sample::select(vec![
            "{", "}", "[", "]", "(", ")", ",", ":", "'", "\"", "\\", "\\x", "\\u12", "\\U0001f6",
            "True", "None", "nan", "-", "1", "1e", ".", "r", "b'", "'''", " ", "\n", "é",
        ]), 0..40)) {
            let _ = parse(&parts.concat());
        }
    }
}
