//! Tests for the `business` reader.
