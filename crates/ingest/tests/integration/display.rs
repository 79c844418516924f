//! Tests for the `display` reader.
