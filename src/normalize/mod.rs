//! Written text → spoken text. (Skeleton: filled in by the normalize work.)

/// Options for normalization.
#[derive(Debug, Clone, Default)]
pub struct NormalizeOptions {}

/// Normalize written English text into the words a newsreader says.
pub fn normalize(text: &str, _opts: &NormalizeOptions) -> String {
    text.to_string()
}
