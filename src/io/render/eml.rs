//! An e-mail file (`.eml`, RFC 5322 + MIME) carrying a letter, to be sent
//! later from any mail client: Jury itself sends nothing.
//!
//! Built with `mail-builder`: names and subject are encoded per RFC 2047
//! when they are not ASCII, the body is `text/plain; charset=utf-8`
//! (quoted-printable), the PDF is a base64 `application/pdf` attachment.
//! Nothing depends on the clock or on chance: the date and the Message-ID are
//! given, the MIME boundary is derived from the Message-ID, so the same mail
//! gives the same bytes. Lines end with CRLF.
//!
//! The message is a draft: `X-Unsent: 1` makes Thunderbird, Outlook and
//! Apple Mail open it ready to send (and edit), not as a message received.

use super::{MailField, Party, RenderError};
use chrono::{DateTime, FixedOffset};
use mail_builder::MessageBuilder;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::{BodyPart, MimePart};
use sha2::{Digest, Sha256};

/// A message ready to be written as an `.eml` file.
#[derive(Clone, Debug, PartialEq)]
pub struct Mail {
    /// Display name and address of the sender (the call's contact).
    pub from: (String, String),
    /// Display name and address of the addressee (the dossier's e-mail).
    pub to: (String, String),
    pub subject: String,
    /// Plain text; `\n` or `\r\n` line endings.
    pub body: String,
    /// File name and bytes of the attached PDF.
    pub attachment: Option<(String, Vec<u8>)>,
    /// File name and bytes of an attached iCalendar invitation (a
    /// convocation's `.ics`, `text/calendar; method=REQUEST`).
    pub calendar: Option<(String, Vec<u8>)>,
    pub date: DateTime<FixedOffset>,
    /// With or without angle brackets: "<x@y>" or "x@y".
    pub message_id: String,
}

/// Renders `msg` as an RFC 5322 message. The same mail always gives the same
/// bytes.
pub fn render(msg: &Mail) -> Result<Vec<u8>, RenderError> {
    let message_id = msg
        .message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string();
    if message_id.is_empty()
        || !message_id.contains('@')
        || message_id
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>')
    {
        return Err(RenderError::MessageId(msg.message_id.clone()));
    }
    for (party, (_, address)) in [(Party::Sender, &msg.from), (Party::Addressee, &msg.to)] {
        if !valid_address(address) {
            return Err(RenderError::Address(party, address.clone()));
        }
    }
    for (field, value) in [
        (MailField::SenderName, &msg.from.0),
        (MailField::AddresseeName, &msg.to.0),
        (MailField::Subject, &msg.subject),
    ] {
        if value.contains(['\r', '\n']) {
            return Err(RenderError::Multiline(field, value.clone()));
        }
    }

    let boundary = boundary(&message_id);
    let body = crlf(&msg.body);
    let text = MimePart::new(
        ContentType::new("text/plain").attribute("charset", "utf-8"),
        BodyPart::Text(body.into()),
    )
    .transfer_encoding("quoted-printable");
    // mail-builder leaves a part with an explicit transfer encoding as it
    // is: encode it ourselves so the choice is fixed.
    let text = MimePart {
        contents: BodyPart::Text(quoted_printable(&crlf(&msg.body)).into()),
        ..text
    };

    let mut parts = vec![text];
    for (name, bytes, kind) in [
        msg.attachment
            .as_ref()
            .map(|(n, b)| (n, b, "application/pdf")),
        msg.calendar.as_ref().map(|(n, b)| (n, b, "text/calendar")),
    ]
    .into_iter()
    .flatten()
    {
        if name.contains(['"', '\r', '\n', '/', '\\'])
            || name.chars().any(char::is_control)
            || name.trim().is_empty()
        {
            return Err(RenderError::AttachmentName(name.clone()));
        }
        let mut content_type = ContentType::new(kind);
        if kind == "text/calendar" {
            // An invitation calendar clients offer to add.
            content_type = content_type
                .attribute("charset", "utf-8")
                .attribute("method", "REQUEST");
        }
        parts.push(
            MimePart::new(
                content_type.attribute("name", name.as_str()),
                BodyPart::Binary(bytes.as_slice().into()),
            )
            .attachment(name.as_str()),
        );
    }
    let body = if parts.len() == 1 {
        parts.remove(0)
    } else {
        MimePart::new(
            ContentType::new("multipart/mixed").attribute("boundary", boundary.as_str()),
            parts,
        )
    };

    let builder = MessageBuilder::new()
        .header("Date", Raw::new(msg.date.to_rfc2822()))
        .header("From", Raw::new(mailbox(&msg.from)))
        .header("To", Raw::new(mailbox(&msg.to)))
        .subject(msg.subject.as_str())
        .message_id(MessageId::new(message_id.as_str()))
        .header("MIME-Version", Raw::new("1.0"))
        .header("X-Unsent", Raw::new("1"))
        .body(body);
    builder.write_to_vec().map_err(RenderError::Mail)
}

/// A mailbox for From or To: `display name <address>`.
///
/// mail-builder would encode a whole non-ASCII name as a run of adjacent
/// encoded-words cut anywhere, even inside a word; some parsers (Python's
/// `email`) then read a space at each cut. So the name is written the way
/// Python's own generator does it: ASCII words as plain atoms, each run of
/// words that need encoding as one RFC 2047 encoded-word.
fn mailbox((name, email): &(String, String)) -> String {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let email = email.trim();
    if name.is_empty() {
        return format!("<{email}>");
    }
    format!("{} <{email}>", phrase(&name))
}

/// Characters of an RFC 5322 atom.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

fn phrase(name: &str) -> String {
    if name.is_ascii() {
        if name
            .split(' ')
            .all(|w| !w.is_empty() && w.chars().all(is_atext))
        {
            return name.to_string();
        }
        let quoted = name.replace('\\', "\\\\").replace('"', "\\\"");
        return format!("\"{quoted}\"");
    }
    let words: Vec<&str> = name.split(' ').collect();
    let mut out: Vec<String> = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    for word in words {
        if word.chars().all(is_atext) && !word.starts_with("=?") {
            if !run.is_empty() {
                out.extend(encoded_words(&run.join(" ")));
                run.clear();
            }
            out.push(word.to_string());
        } else {
            run.push(word);
        }
    }
    if !run.is_empty() {
        out.extend(encoded_words(&run.join(" ")));
    }
    out.join(" ")
}

/// RFC 2047 Q encoded-words (at most 75 characters each) for `text`, cut
/// only between characters, a space ending a word rather than starting the
/// next.
fn encoded_words(text: &str) -> Vec<String> {
    const PREFIX: &str = "=?utf-8?Q?";
    const MAX: usize = 75 - PREFIX.len() - 2;
    let mut words = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let mut encoded = String::new();
        if c == ' ' {
            encoded.push('_');
        } else if c.is_ascii_alphanumeric() || "!*+-/".contains(c) {
            encoded.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                encoded.push_str(&format!("={b:02X}"));
            }
        }
        if current.len() + encoded.len() > MAX {
            words.push(format!("{PREFIX}{current}?="));
            current.clear();
        }
        current.push_str(&encoded);
    }
    if !current.is_empty() {
        words.push(format!("{PREFIX}{current}?="));
    }
    words
}

fn valid_address(address: &str) -> bool {
    let address = address.trim();
    match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && address.is_ascii()
                && !address
                    .chars()
                    .any(|c| c.is_whitespace() || "<>()[],;:\"".contains(c))
                && !domain.contains('@')
        }
        None => false,
    }
}

/// A MIME boundary that depends only on the Message-ID. It contains "=_",
/// which quoted-printable and base64 text never does, so it cannot occur in
/// the parts.
fn boundary(message_id: &str) -> String {
    let digest = Sha256::digest(message_id.as_bytes());
    format!("=_jury_{}", jury_core::hex(&digest[..12]))
}

/// Normalises line endings to CRLF.
fn crlf(text: &str) -> String {
    let unix = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = unix.replace('\n', "\r\n");
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out
}

/// Quoted-printable (RFC 2045 §6.7) of CRLF text: lines of at most 76
/// characters, soft breaks with `=`, UTF-8 bytes as `=XX`, trailing spaces
/// and tabs encoded.
fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    let lines: Vec<&str> = text.split("\r\n").collect();
    let count = lines.len();
    for (index, line) in lines.into_iter().enumerate() {
        if index + 1 == count && line.is_empty() {
            break;
        }
        let bytes = line.as_bytes();
        let mut width = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let last = i + 1 == bytes.len();
            let escape = b == b'='
                || b > 126
                || (b < 32 && b != b'\t')
                || ((b == b' ' || b == b'\t') && last);
            let mut encoded = if escape {
                format!("={b:02X}")
            } else {
                (b as char).to_string()
            };
            // Keep room for the soft line break "=" (76 characters in all).
            let room = if last { 76 } else { 75 };
            if width + encoded.len() > room {
                out.push_str("=\r\n");
                width = 0;
            }
            // A dot opening a line is safe in a file, not over SMTP.
            if width == 0 && encoded == "." {
                encoded = "=2E".to_string();
            }
            out.push_str(&encoded);
            width += encoded.len();
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_lines() {
        assert_eq!(quoted_printable("été\r\n"), "=C3=A9t=C3=A9\r\n");
        assert_eq!(quoted_printable("a = b \r\n"), "a =3D b=20\r\n");
        let long = "x".repeat(200) + "\r\n";
        let qp = quoted_printable(&long);
        assert!(qp.split("\r\n").all(|l| l.len() <= 76), "{qp}");
        assert_eq!(qp.replace("=\r\n", ""), long);
        let accents = "é".repeat(100) + "\r\n";
        let qp = quoted_printable(&accents);
        assert!(qp.split("\r\n").all(|l| l.len() <= 76));
        // Never cut inside an =XX escape.
        for line in qp.split("\r\n") {
            let line = line.strip_suffix('=').unwrap_or(line);
            let bytes = line.as_bytes();
            for (i, _) in line.match_indices('=') {
                assert!(
                    bytes.len() >= i + 3
                        && bytes[i + 1].is_ascii_hexdigit()
                        && bytes[i + 2].is_ascii_hexdigit(),
                    "{line}"
                );
            }
        }
        assert_eq!(quoted_printable(".\r\n"), "=2E\r\n");
    }

    #[test]
    fn boundary_depends_on_the_message_id_only() {
        assert_eq!(boundary("a@b"), boundary("a@b"));
        assert_ne!(boundary("a@b"), boundary("c@b"));
        assert!(boundary("a@b").starts_with("=_jury_"));
    }

    #[test]
    fn display_names() {
        assert_eq!(phrase("Jean Dupont"), "Jean Dupont");
        assert_eq!(phrase("Dupont, Jean"), "\"Dupont, Jean\"");
        assert_eq!(
            phrase("Caf des Alpes-Maritimes — Pôle parentalité"),
            "Caf des Alpes-Maritimes =?utf-8?Q?=E2=80=94_P=C3=B4le_parentalit=C3=A9?="
        );
        assert_eq!(
            phrase("Hélène Durand (Les Petits Pas)"),
            "=?utf-8?Q?H=C3=A9l=C3=A8ne?= Durand =?utf-8?Q?=28Les?= Petits =?utf-8?Q?Pas=29?="
        );
        let long = encoded_words(&"é".repeat(40));
        assert!(
            long.len() > 1 && long.iter().all(|w| w.len() <= 75),
            "{long:?}"
        );
        assert_eq!(mailbox(&(String::new(), "a@b.fr".into())), "<a@b.fr>");
    }

    #[test]
    fn addresses_are_checked() {
        assert!(valid_address("jean.dupont@caf06.fr"));
        assert!(!valid_address("jean"));
        assert!(!valid_address("a b@c.fr"));
        assert!(!valid_address("a@b"));
    }

    fn mail() -> Mail {
        Mail {
            from: ("CAF des Alpes-Maritimes".into(), "pdnp@caf06.fr".into()),
            to: ("Association Éveil & Jeux".into(), "contact@eveil.fr".into()),
            subject: "Votre candidature à l'appel à projets « PDNP 2025 »".into(),
            body: "Madame, Monsieur,\nVeuillez trouver ci-joint notre décision.\n".into(),
            attachment: Some(("decision.pdf".into(), b"%PDF-1.7 test".to_vec())),
            calendar: None,
            date: match DateTime::parse_from_rfc3339("2025-07-18T10:30:00+02:00") {
                Ok(d) => d,
                Err(e) => panic!("{e}"),
            },
            message_id: "<PDNP06-2025-007.decision@caf06.fr>".into(),
        }
    }

    #[test]
    fn deterministic_crlf_and_headers() {
        let a = match render(&mail()) {
            Ok(a) => a,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(render(&mail()).ok(), Some(a.clone()));
        let text = String::from_utf8_lossy(&a);
        assert!(text.is_ascii(), "{text}");
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "bare LF in {text}"
        );
        assert!(
            text.contains("Date: Fri, 18 Jul 2025 10:30:00 +0200\r\n"),
            "{text}"
        );
        assert!(
            text.contains("Message-ID: <PDNP06-2025-007.decision@caf06.fr>\r\n"),
            "{text}"
        );
        assert!(text.contains(&boundary("PDNP06-2025-007.decision@caf06.fr")));
        assert!(text.contains("application/pdf"));
        assert_eq!(text.matches("MIME-Version").count(), 1, "{text}");
        assert!(text.contains("X-Unsent: 1\r\n"), "{text}");
    }

    #[test]
    fn bad_input_is_an_error() {
        let mut m = mail();
        m.message_id = "pas un identifiant".into();
        assert!(render(&m).is_err());
        let mut m = mail();
        m.to.1 = "nobody".into();
        assert!(render(&m).is_err());
        let mut m = mail();
        m.subject = "a\r\nBcc: x@y.fr".into();
        assert!(render(&m).is_err());
    }
}
