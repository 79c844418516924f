//! Tests for the `container` reader.
