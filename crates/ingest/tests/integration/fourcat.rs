//! Tests for the `fourcat` reader.
