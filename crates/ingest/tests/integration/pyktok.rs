//! Tests for the `pyktok` reader.
