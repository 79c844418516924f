//! Tests for the `research` reader.
