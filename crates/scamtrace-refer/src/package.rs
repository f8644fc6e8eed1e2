//! The referral package: a zip with a signed `manifest.json` (being written).
