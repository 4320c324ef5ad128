//! The dossiers' texts read back for the cards that leave them in the
//! database (`Card::kept`): a reopening of 100 000 dossiers reads only
//! what the list, the ranking and the search need, and the one dossier on
//! screen, a form's or a letter's, is read when it is wanted.

use super::Store;
use super::crypt::Passphrase;
use jury_core::dossier::TextKeeper;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A connection of its own, reading only, opened at the first text asked
/// for: the render and the update reach it without the store, which the
/// runtime owns. SQLite in WAL mode lets it read beside the store's writes,
/// and a card's text is the row's current one, which the state holds.
pub struct TextReader {
    path: PathBuf,
    key: Option<Passphrase>,
    reading: Mutex<Reading>,
}

/// The connection, and the last text read: the dossier on screen is drawn
/// at every frame (its pane, the committee view's rules), and a frame
/// should not query the database for the text the last one read. A text
/// kept here is only ever given to a card whose hash it matches
/// (`Card::text`), so keeping it cannot show another version.
#[derive(Default)]
struct Reading {
    conn: Option<rusqlite::Connection>,
    last: Option<(String, String)>,
}

impl Store {
    /// The reader of this database's dossier texts.
    pub fn text_reader(&self) -> Arc<TextReader> {
        Arc::new(TextReader {
            path: self.path.clone(),
            key: self.key.clone(),
            reading: Mutex::default(),
        })
    }

    /// A dossier's current compact JSON, on the store's own connection.
    pub fn dossier_text(&self, reference: &str) -> Result<Option<String>, super::StoreError> {
        current_text(&self.conn, reference).map_err(|e| self.err(e))
    }
}

pub(super) fn current_text(
    conn: &rusqlite::Connection,
    reference: &str,
) -> rusqlite::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached("SELECT content FROM dossiers WHERE reference = ?1")?
        .query_row([reference], |r| r.get(0))
        .optional()
}

impl TextKeeper for TextReader {
    /// None when the database cannot be read any more (gone, corrupt): the
    /// dossier shows empty rather than stopping the app, and every action
    /// the screen confirmed is already committed.
    fn text(&self, reference: &str) -> Option<String> {
        let mut reading = self.reading.lock().ok()?;
        if let Some((r, text)) = &reading.last
            && r == reference
        {
            return Some(text.clone());
        }
        if reading.conn.is_none() {
            let opened = super::crypt::open_reading(&self.path, self.key.as_ref()).ok()?;
            opened
                .busy_timeout(std::time::Duration::from_secs(3))
                .ok()?;
            reading.conn = Some(opened);
        }
        let text = current_text(reading.conn.as_ref()?, reference)
            .ok()
            .flatten()?;
        reading.last = Some((reference.to_string(), text.clone()));
        Some(text)
    }
}
