//! Tests for the `ytdlp` reader.
