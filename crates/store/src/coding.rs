//! Content-analysis coding tables (in progress).
