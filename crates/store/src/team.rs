//! Team accounts, sessions and the audit log (in progress).
