//! voices (skeleton)
