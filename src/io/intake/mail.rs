//! Reading mailboxes for `jury import`: one `.eml`, a folder of them, or a
//! Thunderbird `.mbox` export. Each message becomes its sender, its
//! reception time, its subject, its text and its attachments; the grouping
//! into dossiers is the caller's.

use super::IntakeError;
use chrono::{DateTime, FixedOffset, TimeZone};
use mailparse::{DispositionType, MailHeaderMap, ParsedMail};
use std::io::Read;
use std::path::Path;

/// A Thunderbird export holds every message of a folder, scanned pieces
/// included: more than a spreadsheet's 20 MB, still read in memory.
pub const MAX_MAILBOX: u64 = 200 * 1024 * 1024;

/// Nested multiparts each declare a boundary: more than any real message
/// has (mailparse stops at 100 levels on its own).
const MAX_BOUNDARIES: usize = 200;

/// One message as the import needs it.
pub struct Message {
    /// Where it is: `x.eml`, `courriels/x.eml` or `boite.mbox:message 12`.
    pub at: String,
    /// The sender's address, lower-cased.
    pub from: String,
    pub received_at: DateTime<FixedOffset>,
    pub subject: String,
    pub text: String,
    /// Attachments with the names their sender gave (not yet made safe).
    pub attachments: Vec<(String, Vec<u8>)>,
}

/// Why one message is left out; the others are read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    #[error("en-tête From absent")]
    NoFrom,
    #[error("en-tête From sans adresse e-mail lisible « {0} »")]
    BadFrom(String),
    #[error(
        "date de réception inconnue : ni en-tête Received ni Date lisible ; enregistrez le courriel depuis la messagerie avec ses en-têtes"
    )]
    NoDate,
    #[error("courriel illisible (MIME) : {0}")]
    Mime(String),
    #[error("pièce jointe « {0} » illisible (encodage {1} invalide)")]
    Piece(String, String),
    #[error("trop de parties MIME imbriquées")]
    TooDeep,
}

/// A source's messages, in file order, each read or refused.
pub type Item = (String, Result<Message, MessageError>);

/// The messages of an `.eml`, a folder of `.eml` (every one inside, in
/// name order) or an `.mbox`.
pub fn messages(path: &Path, display: &str) -> Result<Vec<Item>, IntakeError> {
    let list = read_messages(path, display)?;
    // A folder of something else, or an empty export: the coordinator
    // named the wrong source.
    if list.is_empty() {
        return Err(IntakeError::NoMessages(display.to_string()));
    }
    Ok(list)
}

fn read_messages(path: &Path, display: &str) -> Result<Vec<Item>, IntakeError> {
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| IntakeError::File(crate::io::files::FileError::new(path, e)))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("eml"))
            })
            .collect();
        files.sort();
        let mut out = Vec::new();
        for f in files {
            let at = f.display().to_string();
            let raw = read(&f, crate::io::files::MAX_READ)?;
            out.push((at.clone(), message(&raw, at)));
        }
        return Ok(out);
    }
    let is_mbox = path
        .extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("mbox"));
    if is_mbox {
        let raw = read(path, MAX_MAILBOX)?;
        if !raw.is_empty() && !raw.starts_with(b"From ") {
            return Err(IntakeError::NotMbox(display.to_string()));
        }
        Ok(split_mbox(&raw)
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let at = format!("{display}:message {}", i + 1);
                (at.clone(), message(&m, at))
            })
            .collect())
    } else {
        let raw = read(path, crate::io::files::MAX_READ)?;
        Ok(vec![(
            display.to_string(),
            message(&raw, display.to_string()),
        )])
    }
}

fn read(path: &Path, max: u64) -> Result<Vec<u8>, IntakeError> {
    let f = std::fs::File::open(path)
        .map_err(|e| IntakeError::File(crate::io::files::FileError::new(path, e)))?;
    let mut out = Vec::new();
    f.take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| IntakeError::File(crate::io::files::FileError::new(path, e)))?;
    if out.len() as u64 > max {
        return Err(IntakeError::TooLarge(
            path.display().to_string(),
            max / (1024 * 1024),
        ));
    }
    Ok(out)
}

/// The messages of an mbox: each starts at a line `From …` (dropped);
/// a body line `>From …` (`>>From …`) was escaped by the writer and loses
/// one `>`.
fn split_mbox(raw: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for line in raw.split_inclusive(|b| *b == b'\n') {
        if line.starts_with(b"From ") {
            out.push(Vec::new());
            continue;
        }
        let Some(current) = out.last_mut() else {
            continue;
        };
        let quoted = line.iter().take_while(|b| **b == b'>').count();
        if quoted > 0 && line[quoted..].starts_with(b"From ") {
            current.extend_from_slice(&line[1..]);
        } else {
            current.extend_from_slice(line);
        }
    }
    // The blank line the writer put before the next `From ` line.
    for m in &mut out {
        if m.ends_with(b"\r\n\r\n") {
            m.truncate(m.len() - 2);
        } else if m.ends_with(b"\n\n") {
            m.pop();
        }
    }
    out
}

fn message(raw: &[u8], at: String) -> Result<Message, MessageError> {
    let boundaries = raw
        .windows(9)
        .filter(|w| w.eq_ignore_ascii_case(b"boundary="))
        .count();
    if boundaries > MAX_BOUNDARIES {
        return Err(MessageError::TooDeep);
    }
    let mail = mailparse::parse_mail(raw).map_err(|e| MessageError::Mime(shown(&e.to_string())))?;
    let from = mail
        .headers
        .get_first_header("From")
        .ok_or(MessageError::NoFrom)?;
    let sent = from.get_value();
    let from = mailparse::addrparse_header(from)
        .ok()
        .and_then(|l| l.extract_single_info())
        .map(|s| s.addr.trim().to_lowercase())
        .filter(|a| a.contains('@'))
        .ok_or_else(|| MessageError::BadFrom(shown(sent.trim())))?;
    let received_at = reception(&mail).ok_or(MessageError::NoDate)?;
    let subject = mail
        .headers
        .get_first_value("Subject")
        .unwrap_or_default()
        .trim()
        .to_string();
    let mut parts = Parts::default();
    parts.walk(&mail)?;
    let text = match (parts.plain, parts.html) {
        (Some(t), _) => t,
        (None, Some(h)) => strip_html(&h),
        (None, None) => String::new(),
    };
    Ok(Message {
        at,
        from,
        received_at,
        subject,
        text: text.trim().replace("\r\n", "\n"),
        attachments: parts.attachments,
    })
}

/// Text from a message in an error: control characters made visible,
/// as the terminal must not obey them.
fn shown(s: &str) -> String {
    jury_core::fr::visible(s).into_owned()
}

/// The receiving server's time (the top `Received:` header, after its last
/// `;`), else the sender's `Date:`; as Paris time.
fn reception(mail: &ParsedMail) -> Option<DateTime<FixedOffset>> {
    let received = mail
        .headers
        .get_first_value("Received")
        .and_then(|r| r.rsplit_once(';').map(|(_, d)| d.trim().to_string()))
        .and_then(|d| date(&d));
    received.or_else(|| mail.headers.get_first_value("Date").and_then(|d| date(&d)))
}

fn date(s: &str) -> Option<DateTime<FixedOffset>> {
    let utc = mailparse::dateparse(s).ok()?;
    chrono_tz::Europe::Paris
        .timestamp_opt(utc, 0)
        .single()
        .map(|t| t.fixed_offset())
}

#[derive(Default)]
struct Parts {
    plain: Option<String>,
    html: Option<String>,
    attachments: Vec<(String, Vec<u8>)>,
}

impl Parts {
    fn walk(&mut self, part: &ParsedMail) -> Result<(), MessageError> {
        if !part.subparts.is_empty() {
            for p in &part.subparts {
                self.walk(p)?;
            }
            return Ok(());
        }
        let disposition = part.get_content_disposition();
        let name = disposition
            .params
            .get("filename")
            .or_else(|| part.ctype.params.get("name"))
            .cloned();
        let mime = part.ctype.mimetype.to_lowercase();
        let text = mime == "text/plain" || mime == "text/html";
        if name.is_none() && text && disposition.disposition != DispositionType::Attachment {
            let body = part
                .get_body()
                .map_err(|e| MessageError::Mime(shown(&e.to_string())))?;
            let slot = if mime == "text/plain" {
                &mut self.plain
            } else {
                &mut self.html
            };
            if slot.is_none() {
                *slot = Some(body);
            }
            return Ok(());
        }
        if mime.starts_with("multipart/") {
            return Ok(());
        }
        let name = name.unwrap_or_else(|| {
            let ext = mime.rsplit('/').next().unwrap_or("bin");
            format!("piece-{}.{ext}", self.attachments.len() + 1)
        });
        let bytes = part.get_body_raw().map_err(|_| {
            let encoding = part
                .headers
                .get_first_value("Content-Transfer-Encoding")
                .unwrap_or_default();
            MessageError::Piece(shown(&name), shown(encoding.trim()))
        })?;
        self.attachments.push((name, bytes));
        Ok(())
    }
}

/// An HTML message as text: tags dropped (style and script with their
/// content), line breaks kept, the common entities decoded. One pass: a
/// hostile message full of tags costs its length, not its square.
fn strip_html(html: &str) -> String {
    // ASCII lower-casing keeps every byte where it was: indices found in
    // `lower` hold in `html`.
    let lower = html.to_ascii_lowercase();
    let mut out = String::new();
    let mut at = 0;
    while let Some(open) = lower[at..].find('<').map(|i| at + i) {
        out.push_str(&html[at..open]);
        let Some(close) = lower[open..].find('>').map(|i| open + i) else {
            at = html.len();
            break;
        };
        let tag = lower[open + 1..close].trim();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        at = close + 1;
        if (name == "style" || name == "script") && !tag.starts_with('/') {
            at = lower[at..]
                .find(&format!("</{name}"))
                .map_or(html.len(), |i| at + i);
            continue;
        }
        if matches!(name.as_str(), "br" | "p" | "div" | "li" | "tr") {
            out.push('\n');
        }
    }
    out.push_str(&html[at..]);
    let out = out
        .replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    lines.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_mbox_splits_on_from_lines_and_unescapes_quoted_ones() {
        let raw = b"From a@b Mon Jul  7 10:00:00 2025\nFrom: a@b.fr\n\nLigne\n>From here\n>>From there\n\nFrom c@d Mon Jul  7 11:00:00 2025\nFrom: c@d.fr\n\nB\n";
        let m = split_mbox(raw);
        assert_eq!(m.len(), 2);
        assert_eq!(
            String::from_utf8_lossy(&m[0]),
            "From: a@b.fr\n\nLigne\nFrom here\n>From there\n"
        );
        assert_eq!(String::from_utf8_lossy(&m[1]), "From: c@d.fr\n\nB\n");
    }

    #[test]
    fn html_full_of_tags_is_read_in_one_pass() {
        let html = "<style>".repeat(200_000) + "<p>fin</p>";
        assert_eq!(strip_html(&html), "");
        let html = "<b>".repeat(500_000) + "fin";
        assert_eq!(strip_html(&html), "fin");
    }

    #[test]
    fn a_sender_cannot_drive_the_terminal_through_an_error() {
        let raw = b"From: \x1b[2J pas une adresse\nDate: Tue, 1 Jul 2025 08:00:00 +0000\n\nx\n";
        let Err(e) = message(raw, "x.eml".into()) else {
            panic!("a From without address is refused");
        };
        assert!(!e.to_string().contains('\x1b'), "{e}");
    }

    #[test]
    fn html_becomes_text() {
        assert_eq!(
            strip_html("<html><style>p{}</style><p>Bonjour&nbsp;!</p><p>A &amp; B<br>C</p></html>"),
            "Bonjour\u{a0}!\n\nA & B\nC"
        );
    }

    #[test]
    fn the_top_received_header_wins_over_date() {
        let raw = b"Received: from b by c; Mon, 7 Jul 2025 10:00:00 +0000\nReceived: from a by b; Mon, 7 Jul 2025 09:00:00 +0000\nDate: Sun, 6 Jul 2025 08:00:00 +0200\nFrom: X <X@Exemple.FR>\nSubject: s\n\ntexte\n";
        let m = message(raw, "x.eml".into()).unwrap();
        assert_eq!(m.from, "x@exemple.fr");
        assert_eq!(m.received_at.to_rfc3339(), "2025-07-07T12:00:00+02:00");
        assert_eq!(m.text, "texte");
    }
}
