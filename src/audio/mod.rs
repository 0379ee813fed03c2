//! PCM, resample, join, encode (skeleton)
