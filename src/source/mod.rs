//! Fetch a URL or read a file / stdin. (Skeleton: filled in by the source work.)
