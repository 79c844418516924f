//! Tests for the `personal` reader.
