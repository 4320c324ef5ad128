//! An `.eml` read back with Python's `email` package.

use std::path::Path;
use std::process::Command;

/// Reads an `.eml` back with Python's `email` package: the headers decoded,
/// its attachments, its plain text body.
pub fn parse_eml(eml: &Path) -> String {
    let script = r#"
import email, sys
from email import policy, utils
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)
print('To:', m['To']); print('From:', m['From']); print('Subject:', m['Subject'])
print('X-Unsent:', m['X-Unsent'])
print('Date:', utils.parsedate_to_datetime(m['Date']).isoformat())
for part in m.iter_attachments():
    print(part.get_filename(), part.get_content_type(), len(part.get_content()))
print(m.get_body(('plain',)).get_content())
"#;
    // No silent skip: without Python the message would go unread.
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(eml)
        .output()
        .unwrap_or_else(|e| {
            panic!("python3 is needed to read the EML back ({e}): install python3")
        });
    let text = String::from_utf8_lossy(&out.stdout)
        .replace('\u{a0}', " ")
        .replace('\u{2019}', "'");
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}
