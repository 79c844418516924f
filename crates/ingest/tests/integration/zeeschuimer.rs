//! Tests for the `zeeschuimer` reader.
