//! config (skeleton)
