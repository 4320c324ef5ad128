//! Versioned file formats (`jury-packet/1`, `jury-bundle/1`…): what a file's
//! `"format"` says about whether this Jury can read it.

/// A file format this Jury writes: a family and its version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Format {
    /// `jury-packet/`, with its slash.
    pub family: &'static str,
    pub version: u32,
}

/// How a file's `"format"` compares with the one this Jury reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    Current,
    /// Written by a newer Jury: update to read it.
    Future,
    /// Not this family, or a version that never existed.
    Unknown,
}

impl Format {
    pub fn seen(self, format: &str) -> Seen {
        if format == format!("{}{}", self.family, self.version) {
            return Seen::Current;
        }
        match format
            .strip_prefix(self.family)
            .and_then(|v| v.parse::<u32>().ok())
        {
            Some(v) if v > self.version => Seen::Future,
            _ => Seen::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_future_and_unknown_formats() {
        let f = Format {
            family: "jury-packet/",
            version: 1,
        };
        assert_eq!(f.seen("jury-packet/1"), Seen::Current);
        assert_eq!(f.seen("jury-packet/2"), Seen::Future);
        assert_eq!(f.seen("jury-packet/0"), Seen::Unknown);
        assert_eq!(f.seen("jury-packet/x"), Seen::Unknown);
        assert_eq!(f.seen("jury-packet/01"), Seen::Unknown);
        assert_eq!(f.seen("jury-bundle/1"), Seen::Unknown);
    }
}
