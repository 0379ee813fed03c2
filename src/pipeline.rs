//! pipeline (skeleton)
