//! Tests for the `studio` reader.
