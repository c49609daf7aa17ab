//! The portal's static files, compiled into the binary: it serves its stylesheet and icon from
//! any working directory, with nothing beside it. Pages link each by a URL that carries a hash of
//! its content (`url`), cached for a year as `immutable`, so a new build is fetched at once; the
//! plain path still answers (revalidated each time) for whatever linked it before.

/// A file compiled into the binary.
pub struct Asset {
    /// Where it is asked for by name (`/style/portal.css`).
    pub path: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
    hash: u64,
}

pub const STYLESHEET: &str = "/style/portal.css";
pub const FAVICON: &str = "/favicon.svg";

pub static ASSETS: &[Asset] = &[
    Asset::new(
        STYLESHEET,
        "text/css; charset=utf-8",
        include_bytes!("../../style/portal.css"),
    ),
    Asset::new(
        FAVICON,
        "image/svg+xml",
        include_bytes!("../../public/favicon.svg"),
    ),
];

impl Asset {
    const fn new(path: &'static str, content_type: &'static str, bytes: &'static [u8]) -> Self {
        Self {
            path,
            content_type,
            bytes,
            hash: fnv1a(bytes),
        }
    }

    /// The path with the content's hash before the extension: `/style/portal.<hash>.css`.
    pub fn hashed_path(&self) -> String {
        match self.path.rsplit_once('.') {
            Some((stem, extension)) => format!("{stem}.{:016x}.{extension}", self.hash),
            None => format!("{}.{:016x}", self.path, self.hash),
        }
    }
}

/// The URL a page links a compiled-in file by (its hashed path); any other path as it is.
pub fn url(path: &str) -> String {
    ASSETS
        .iter()
        .find(|asset| asset.path == path)
        .map_or_else(|| path.to_owned(), Asset::hashed_path)
}

/// FNV-1a, 64 bits: a content hash for cache busting (not a security boundary), computed when
/// the binary is built.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_paths_change_with_the_content_and_keep_the_extension() {
        let a = Asset::new("/style/portal.css", "text/css", b"body{}");
        let b = Asset::new("/style/portal.css", "text/css", b"body{ }");
        assert!(a.hashed_path().starts_with("/style/portal."));
        assert!(a.hashed_path().ends_with(".css"));
        assert_ne!(a.hashed_path(), b.hashed_path());
        assert_eq!(url("/style/portal.css"), ASSETS[0].hashed_path());
        assert_eq!(url("/elsewhere.css"), "/elsewhere.css");
    }
}
