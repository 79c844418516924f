//! Tests for the `template` reader.
