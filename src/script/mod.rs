//! Article → Script (skeleton)
