//! Router tests: the whole app as a service, called with `oneshot` (no
//! socket), against a small database made in a temporary folder.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

mod adjudication;
mod coding;
mod fixture;
mod imports;
mod owners;
mod pages;
mod security;
