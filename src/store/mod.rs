//! One SQLite file per call. Every user action is one transaction, committed
//! before the screen confirms it; every change appends a hash-chained audit
//! event. The screen never queries this per frame: it loads once, then
//! keeps its own copy in memory.

use jury_core::audit::event_hash;
use jury_core::call::{Call, Role};
use jury_core::dossier::{Card, Dossier};
use jury_core::json::{Diag, Severity};
use jury_core::records::ScoreRow;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::fs::File;
use std::path::{Path, PathBuf};

mod assignments;
pub mod audit;
pub mod backup;
mod committee;
mod convocations;
pub mod crypt;
mod error;
pub mod folder;
pub mod kept;
mod keys;
mod letters;
mod opening;
mod packets;
pub mod private;
pub mod record;
pub mod requests;
mod rights;
mod schedule;
pub mod versions;
pub use crypt::Passphrase;
pub use error::{Holder, PacketProblem, Refusal, StoreError};
use error::{io_error, sql_error};
pub use folder::{FileDossier, FileRecord, FileStat, FolderReader, Known, KnownFiles, KnownInBase};
pub use keys::{ChairKey, Issued};
pub use opening::Changed;
pub use packets::*;
pub use rights::Anonymised;

/// The schema this build writes: one version per migration.
const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Dossiers imported per transaction (see [`Store::sync_dossiers`]).
const IMPORT_CHUNK: usize = 5000;

const MIGRATIONS: &[&str] = &[
    // 1: dossiers, members, scores, audit trail.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE dossiers (
        reference TEXT PRIMARY KEY,
        content TEXT NOT NULL,
        hash TEXT NOT NULL,
        source TEXT NOT NULL,
        imported_at TEXT NOT NULL
     );
     CREATE TABLE members (name TEXT PRIMARY KEY, role TEXT NOT NULL DEFAULT 'member');
     CREATE TABLE scores (
        reference TEXT NOT NULL REFERENCES dossiers(reference),
        member TEXT NOT NULL REFERENCES members(name),
        criterion TEXT NOT NULL,
        value REAL,
        comment TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (reference, member, criterion)
     );
     CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        before TEXT,
        after TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
     );",
    // 2: the committee session: conflicts, eligibility overrides, consensus,
    // sessions with members present, decisions, the call's outcome.
    "CREATE TABLE conflicts (
        reference TEXT NOT NULL REFERENCES dossiers(reference),
        member TEXT NOT NULL REFERENCES members(name),
        reason TEXT NOT NULL DEFAULT '',
        declared_at TEXT NOT NULL,
        PRIMARY KEY (reference, member)
     );
     CREATE TABLE overrides (
        reference TEXT PRIMARY KEY REFERENCES dossiers(reference),
        verdict TEXT NOT NULL CHECK (verdict IN ('eligible', 'ineligible')),
        justification TEXT NOT NULL,
        by TEXT NOT NULL,
        at TEXT NOT NULL
     );
     CREATE TABLE consensus (
        reference TEXT NOT NULL REFERENCES dossiers(reference),
        criterion TEXT NOT NULL,
        value REAL NOT NULL,
        by TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (reference, criterion)
     );
     CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        date TEXT NOT NULL,
        opened_by TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        closed_by TEXT,
        closed_at TEXT
     );
     CREATE TABLE session_members (
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        member TEXT NOT NULL REFERENCES members(name),
        PRIMARY KEY (session_id, member)
     );
     CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        reference TEXT NOT NULL REFERENCES dossiers(reference),
        kind TEXT NOT NULL,
        motivation TEXT NOT NULL DEFAULT '',
        condition TEXT NOT NULL DEFAULT '',
        waitlist_rank INTEGER,
        documents TEXT NOT NULL DEFAULT '',
        without_quorum INTEGER NOT NULL DEFAULT 0,
        by TEXT NOT NULL,
        at TEXT NOT NULL,
        UNIQUE (session_id, reference)
     );
     CREATE TABLE outcomes (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        unsuccessful INTEGER NOT NULL,
        motivation TEXT NOT NULL,
        by TEXT NOT NULL,
        at TEXT NOT NULL
     );",
    // 3: letters and their tracking; members' review packets and the score
    // conflicts merging them revealed.
    "CREATE TABLE letters (
        reference TEXT NOT NULL REFERENCES dossiers(reference),
        decision_id INTEGER NOT NULL REFERENCES decisions(id),
        pdf TEXT NOT NULL,
        odt TEXT NOT NULL,
        eml TEXT,
        hash TEXT NOT NULL,
        generated_at TEXT NOT NULL,
        sent_at TEXT,
        channel TEXT CHECK (channel IN ('email', 'post')),
        acknowledged_at TEXT,
        PRIMARY KEY (reference, decision_id)
     );
     CREATE TABLE packets (
        id INTEGER PRIMARY KEY,
        member TEXT NOT NULL REFERENCES members(name),
        exported_at TEXT NOT NULL,
        checksum TEXT NOT NULL UNIQUE,
        imported_at TEXT NOT NULL,
        dossiers INTEGER NOT NULL,
        added INTEGER NOT NULL,
        changed INTEGER NOT NULL,
        unchanged INTEGER NOT NULL
     );
     CREATE TABLE merge_conflicts (
        id INTEGER PRIMARY KEY,
        reference TEXT NOT NULL REFERENCES dossiers(reference),
        member TEXT NOT NULL,
        criterion TEXT NOT NULL,
        kept REAL,
        incoming REAL,
        updated_at TEXT NOT NULL,
        packet TEXT NOT NULL,
        resolved_at TEXT
     );",
    // 4: a withdrawn conflict of interest stays, with its time, so a member's
    // packet can carry the withdrawal to the chair.
    "ALTER TABLE conflicts ADD COLUMN withdrawn_at TEXT;",
    // 5: what a closed session froze, per dossier (a projection of the
    // `session.close` event's payload): letters and minutes read it.
    "CREATE TABLE decision_snapshots (
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        reference TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        PRIMARY KEY (session_id, reference)
     );",
    // 6: the date a letter carries, chosen by the secretary when producing
    // it (AAAA-MM-JJ); letters produced before it have none.
    "ALTER TABLE letters ADD COLUMN signed_on TEXT;",
    // 7: a decision recorded after the explicit confirmation: fewer members
    // scored the dossier than the call's min_reviews, or its eligibility was
    // not established. The minutes flag it.
    "ALTER TABLE decisions ADD COLUMN guarded INTEGER NOT NULL DEFAULT 0;",
    // 8: authenticated exchanges. The chair's Ed25519 signing key (its
    // seed), made once, signs every bundle; each member issued a bundle
    // (`jury bundle --for`) has a random secret that authenticates their
    // packets. Every key issued stays: the latest is the member's current
    // one, the first dates when they could start scoring.
    "CREATE TABLE chair_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seed BLOB NOT NULL,
        created_at TEXT NOT NULL
     );
     CREATE TABLE member_keys (
        id INTEGER PRIMARY KEY,
        member TEXT NOT NULL REFERENCES members(name),
        key_id TEXT NOT NULL UNIQUE,
        secret BLOB NOT NULL,
        issued_at TEXT NOT NULL,
        grid TEXT NOT NULL
     );",
    // 9: the personal part of events (score comments, conflict reasons,
    // override justifications), kept outside the hashed payload, which holds
    // a salted commitment to it: `jury anonymise` deletes these rows and the
    // chain still verifies. Events written before carry them in clear:
    // `jury anonymise` finds them and refuses (see store::rights).
    "CREATE TABLE audit_private (
        event_id INTEGER PRIMARY KEY REFERENCES audit(id),
        salt TEXT NOT NULL,
        content TEXT NOT NULL
     );",
    // 10: dossiers completed or corrected after import. Every version is
    // kept (the first is the import); `dossiers` holds the current one.
    // Each score row remembers the version it was given on, set by the
    // triggers whichever path writes it (a key press, a packet, an undo),
    // so a member sees « modifié depuis votre note ».
    "CREATE TABLE dossier_versions (
        reference TEXT NOT NULL REFERENCES dossiers(reference),
        version INTEGER NOT NULL,
        content TEXT NOT NULL,
        hash TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        origin TEXT NOT NULL,
        PRIMARY KEY (reference, version)
     );
     INSERT INTO dossier_versions (reference, version, content, hash, at, actor, origin)
        SELECT reference, 1, content, hash, imported_at, 'import', 'import' FROM dossiers;
     ALTER TABLE dossiers ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
     ALTER TABLE scores ADD COLUMN dossier_version INTEGER NOT NULL DEFAULT 1;
     CREATE TRIGGER scores_version_insert AFTER INSERT ON scores BEGIN
        UPDATE scores SET dossier_version =
            (SELECT version FROM dossiers WHERE reference = NEW.reference)
        WHERE rowid = NEW.rowid;
     END;
     CREATE TRIGGER scores_version_update AFTER UPDATE OF value, comment ON scores BEGIN
        UPDATE scores SET dossier_version =
            (SELECT version FROM dossiers WHERE reference = NEW.reference)
        WHERE rowid = NEW.rowid;
     END;",
    // 11: requests for missing pieces. A request is answered when a later
    // version of its dossier comes in (dossier_versions).
    "CREATE TABLE piece_requests (
        id INTEGER PRIMARY KEY,
        reference TEXT NOT NULL REFERENCES dossiers(reference),
        missing TEXT NOT NULL,
        due TEXT NOT NULL,
        letter_date TEXT NOT NULL,
        version INTEGER NOT NULL,
        actor TEXT NOT NULL,
        requested_at TEXT NOT NULL
     );",
    // 12: two-stage calls. A session belongs to the dossier stage or to the
    // audition stage; a candidate who did not come to their audition is
    // recorded as absent (the call says what follows from it).
    "ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'dossier';
     CREATE TABLE absences (
        reference TEXT PRIMARY KEY REFERENCES dossiers(reference),
        by TEXT NOT NULL,
        at TEXT NOT NULL
     );",
    // 13: rapporteurs, each member assigned to a dossier by the chair or
    // the secretary (by hand, or by applying Jury's proposal).
    "CREATE TABLE assignments (
        reference TEXT NOT NULL REFERENCES dossiers(reference),
        member TEXT NOT NULL,
        by TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (reference, member)
     );",
    // 14: on a member's laptop, the candidates the chair's dossier stage
    // convened, as the bundle brought them: the audition stage lists them.
    "CREATE TABLE issued_shortlist (
        reference TEXT PRIMARY KEY REFERENCES dossiers(reference),
        at TEXT NOT NULL
     );",
    // 15: the audition timetable: one slot per shortlisted candidate, with
    // the panel that sits for them (a panel, so no two candidates share a
    // start), and unavailability recorded in the app on top of the call's.
    "CREATE TABLE audition_slots (
        reference TEXT PRIMARY KEY REFERENCES dossiers(reference),
        day TEXT NOT NULL,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        panel TEXT NOT NULL,
        fixed INTEGER NOT NULL DEFAULT 0,
        UNIQUE (day, start)
     );
     CREATE TABLE audition_unavailability (
        id INTEGER PRIMARY KEY,
        member TEXT,
        candidate TEXT,
        day TEXT NOT NULL,
        start TEXT,
        end TEXT,
        by TEXT NOT NULL,
        at TEXT NOT NULL,
        CHECK ((member IS NULL) <> (candidate IS NULL))
     );",
    // 16: convocations to the audition. Every one produced stays: the
    // n-th of a candidate (n > 1: corrected, after their slot moved) with
    // the slot it convenes to (panel: a JSON array of names), its files and
    // the PDF's hash.
    "CREATE TABLE convocations (
        reference TEXT NOT NULL REFERENCES dossiers(reference),
        n INTEGER NOT NULL,
        day TEXT NOT NULL,
        start_time TEXT NOT NULL,
        end_time TEXT NOT NULL,
        panel TEXT NOT NULL,
        pdf TEXT NOT NULL,
        odt TEXT NOT NULL,
        eml TEXT NOT NULL,
        ics TEXT NOT NULL,
        hash TEXT NOT NULL,
        signed_on TEXT NOT NULL,
        generated_at TEXT NOT NULL,
        PRIMARY KEY (reference, n)
     );",
    // 17: each institution's validation of a closed session's decisions
    // (who signed, on which day, validated or not and why).
    "CREATE TABLE validations (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        institution TEXT NOT NULL,
        validated INTEGER NOT NULL,
        signed_by TEXT NOT NULL,
        signed_on TEXT NOT NULL,
        reasons TEXT NOT NULL DEFAULT '',
        actor TEXT NOT NULL,
        at TEXT NOT NULL
     );",
    // 18: the aid envelope (a call's `budget`). An accepting decision
    // carries the amount granted, in euros (NULL: none); one that takes the
    // allocations past the envelope keeps the chair's written reason.
    "ALTER TABLE decisions ADD COLUMN amount REAL;
     ALTER TABLE decisions ADD COLUMN budget_override TEXT NOT NULL DEFAULT '';",
    // 19: withdrawals (désistements) of accepted candidates, from the
    // decision of `session_id`; `promoted` is who the chair promoted from
    // the waiting list in their place, by a decision of `promoted_in`.
    "CREATE TABLE withdrawals (
        reference TEXT PRIMARY KEY REFERENCES dossiers(reference),
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        received_on TEXT NOT NULL,
        channel TEXT NOT NULL,
        by TEXT NOT NULL,
        at TEXT NOT NULL,
        promoted TEXT REFERENCES dossiers(reference),
        promoted_in INTEGER REFERENCES sessions(id)
     );",
    // 20: lots. A session decides one lot of a call with lots (NULL: a
    // call without); its decisions, outcome and validations are that lot's.
    "ALTER TABLE sessions ADD COLUMN lot TEXT;",
    // 21: what each dossier file of the call folder held when last read
    // without a problem (a JSON `folder::FileRecord`), so reopening a call
    // does not parse its unchanged files again. A cache: no event.
    "CREATE TABLE folder_files (source TEXT PRIMARY KEY, record TEXT NOT NULL);",
    // 22: what the lists hold of each dossier, kept to spare parsing every
    // dossier at each opening (see `facts.rs`). Any change to a dossier's
    // row drops its facts, whoever makes it.
    "CREATE TABLE entry_facts (reference TEXT PRIMARY KEY, facts TEXT NOT NULL);
     CREATE TRIGGER entry_facts_insert AFTER INSERT ON dossiers BEGIN
        DELETE FROM entry_facts WHERE reference = NEW.reference;
     END;
     CREATE TRIGGER entry_facts_update AFTER UPDATE ON dossiers BEGIN
        DELETE FROM entry_facts WHERE reference IN (OLD.reference, NEW.reference);
     END;
     CREATE TRIGGER entry_facts_delete AFTER DELETE ON dossiers BEGIN
        DELETE FROM entry_facts WHERE reference = OLD.reference;
     END;",
    // 23: the corrected dossiers, which every opening looks for (stale
    // scores) and which are few: without it, each opening read the whole
    // table to find them.
    "CREATE INDEX dossiers_corrected ON dossiers(reference) WHERE version > 1;",
    // 24: each dossier's version beside its reference, so a reopening
    // that left the texts in the table (with the entries of 22) reads
    // 3 Mo of index, not the 200 Mo of rows, at 100 000 dossiers.
    "CREATE INDEX dossiers_version ON dossiers(reference, version);",
    // 25: what the last opening showed, kept whole (see `opening.rs`).
    // Any change to any dossier's row disowns all of it: its fingerprint
    // goes, and the next opening that makes its entries replaces the
    // parts. Deleting them there was 150 ms of the first correction of a
    // session at 100 000 dossiers (45 Mo of pages freed); the condition
    // spares an import a write per row.
    "CREATE TABLE entry_snapshot (part INTEGER PRIMARY KEY, data BLOB NOT NULL);
     CREATE TRIGGER entry_snapshot_insert AFTER INSERT ON dossiers
        WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'opening_fingerprint') BEGIN
        DELETE FROM meta WHERE key = 'opening_fingerprint';
     END;
     CREATE TRIGGER entry_snapshot_update AFTER UPDATE ON dossiers
        WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'opening_fingerprint') BEGIN
        DELETE FROM meta WHERE key = 'opening_fingerprint';
     END;
     CREATE TRIGGER entry_snapshot_delete AFTER DELETE ON dossiers
        WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'opening_fingerprint') BEGIN
        DELETE FROM meta WHERE key = 'opening_fingerprint';
     END;",
    // 26: the picture mended, not disowned: a change to a dossier's row
    // notes its reference (each note a new, larger id: a picture kept
    // anew forgets only the notes read before it was made), and each
    // opening makes that entry again from its row, keeping the picture
    // anew once such rows are many (see `opening.rs`). The
    // entries kept row by row (22) had no other use left: they were
    // 58 Mo and 0,6 s of a first import at 100 000 dossiers, and a
    // reopening after one correction read them all (1 s).
    "DROP TRIGGER entry_facts_insert;
     DROP TRIGGER entry_facts_update;
     DROP TRIGGER entry_facts_delete;
     DROP TABLE entry_facts;
     DELETE FROM meta WHERE key = 'entry_facts';
     DROP TRIGGER entry_snapshot_insert;
     DROP TRIGGER entry_snapshot_update;
     DROP TRIGGER entry_snapshot_delete;
     CREATE TABLE entry_snapshot_changed (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        reference TEXT NOT NULL UNIQUE
     );
     CREATE TRIGGER entry_snapshot_insert AFTER INSERT ON dossiers
        WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'opening_fingerprint') BEGIN
        INSERT OR REPLACE INTO entry_snapshot_changed (reference) VALUES (NEW.reference);
     END;
     CREATE TRIGGER entry_snapshot_update AFTER UPDATE ON dossiers
        WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'opening_fingerprint') BEGIN
        INSERT OR REPLACE INTO entry_snapshot_changed (reference)
            VALUES (OLD.reference), (NEW.reference);
     END;
     CREATE TRIGGER entry_snapshot_delete AFTER DELETE ON dossiers
        WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'opening_fingerprint') BEGIN
        INSERT OR REPLACE INTO entry_snapshot_changed (reference) VALUES (OLD.reference);
     END;",
    // 27: the current version's text once, in `dossiers`: its row of
    // `dossier_versions` keeps its hash, time and author with no content
    // (NULL), which it gets when a later version replaces it. Every text
    // was stored twice: at 100 000 dossiers, 200 Mo more to write at a
    // first import and a tenth of its time. SQLite cannot drop a NOT NULL
    // constraint, so the table is made again; a row whose text is not
    // the current one, to the byte, keeps it.
    "CREATE TABLE dossier_versions_27 (
        reference TEXT NOT NULL REFERENCES dossiers(reference),
        version INTEGER NOT NULL,
        content TEXT,
        hash TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        origin TEXT NOT NULL,
        PRIMARY KEY (reference, version)
     );
     INSERT INTO dossier_versions_27 (reference, version, content, hash, at, actor, origin)
        SELECT v.reference, v.version,
               CASE WHEN d.version = v.version AND d.content = v.content THEN NULL
                    ELSE v.content END,
               v.hash, v.at, v.actor, v.origin
        FROM dossier_versions v LEFT JOIN dossiers d ON d.reference = v.reference;
     DROP TABLE dossier_versions;
     ALTER TABLE dossier_versions_27 RENAME TO dossier_versions;",
    // 28: the chain's head read from an index. Each new event reads the
    // last one's hash, the last column of its row: after a session's close,
    // whose event holds every dossier's frozen basis (130 Mo at 100 000),
    // SQLite walked that payload's pages to reach it, 55 ms for the first
    // event after. The index holds each event's number and hash only.
    "CREATE INDEX IF NOT EXISTS audit_head ON audit(id, hash);",
];

/// What importing a batch did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncReport {
    pub added: usize,
    pub unchanged: usize,
    /// Changed under the same reference: reported, the stored version kept.
    pub changed: Vec<Diag>,
    /// The files' versions of those dossiers, which the chair or the
    /// secretary may accept as new versions.
    pub pending: Vec<Dossier>,
}

impl SyncReport {
    /// Adds a later part's report to this one.
    pub fn absorb(&mut self, part: SyncReport) {
        self.added += part.added;
        self.unchanged += part.unchanged;
        self.changed.extend(part.changed);
        self.pending.extend(part.pending);
    }
}

/// The `meta` key under which the call folder's absolute path is recorded
/// when the chair opens it (`jury bundle` packs that folder).
pub const CALL_DIR_KEY: &str = "call_dir";

/// The `meta` key set while a first opening stores the folder's dossiers
/// (run by run, see `io::import::stream_into`) and removed when it is
/// done: still there, the import was interrupted, and the next opening's
/// reading of the folder stores the rest.
pub const IMPORT_UNDER_WAY_KEY: &str = "import_under_way";

fn has_event(conn: &rusqlite::Connection, action: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM audit WHERE action = ?1)",
        [action],
        |r| r.get(0),
    )
}

/// `meta` keys saying the call's event and its members' (`CALL_RECORDED`),
/// or the letter templates' event (`TEMPLATES_RECORDED`), were found or
/// written: the log is not searched for them again at every opening.
/// Not part of the record; `jury verify` reads the log itself.
const CALL_RECORDED: &str = "recorded:call";
const TEMPLATES_RECORDED: &str = "recorded:templates";

fn meta_is_set(conn: &rusqlite::Connection, key: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM meta WHERE key = ?1)",
        [key],
        |r| r.get(0),
    )
}

/// `key` set to `value` in `meta`, whatever it held.
fn put_meta(conn: &rusqlite::Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
    .map(|_| ())
}

fn set_meta_flag(conn: &rusqlite::Connection, key: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, '1') ON CONFLICT (key) DO NOTHING",
        [key],
    )
    .map(|_| ())
}

/// Every member the call names is in the database with the role it gives.
fn members_as_called(conn: &rusqlite::Connection, call: &Call) -> rusqlite::Result<bool> {
    for m in &call.members {
        let role: Option<String> = conn
            .query_row("SELECT role FROM members WHERE name = ?1", [&m.name], |r| {
                r.get(0)
            })
            .optional()?;
        if role.as_deref() != Some(m.role.id()) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The letter templates as stored, by decision id.
fn stored_templates(
    conn: &rusqlite::Connection,
) -> rusqlite::Result<std::collections::BTreeMap<String, String>> {
    let mut stmt = conn.prepare("SELECT key, value FROM meta WHERE key LIKE 'lettre:%'")?;
    let rows = stmt.query_map([], |r| {
        let key: String = r.get(0)?;
        let id = key.strip_prefix("lettre:").unwrap_or(&key).to_string();
        Ok((id, r.get(1)?))
    })?;
    rows.collect()
}

/// The fingerprint of the call's letter templates as stored (None: none).
pub(crate) fn templates_fingerprint(
    conn: &rusqlite::Connection,
) -> rusqlite::Result<Option<String>> {
    let mut stmt =
        conn.prepare("SELECT key, value FROM meta WHERE key LIKE 'lettre:%' ORDER BY key")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut all = String::new();
    for row in rows {
        let (k, v) = row?;
        all.push_str(&format!("{}\n{k}\n{}\n{v}\n", k.len(), v.len()));
    }
    Ok((!all.is_empty()).then(|| jury_core::sha256_hex(all.as_bytes())))
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The opened file's device and inode: a write is refused once the
    /// path no longer leads to it (deleted, moved, replaced).
    identity: Option<FileIdentity>,
    /// The file did not exist before this store opened it.
    created: bool,
    /// The passphrase of an encrypted database: backups are keyed with it
    /// and derived files (exports, minutes) sealed with it.
    key: Option<Passphrase>,
    /// Held for the store's life: a second Jury on the same file is refused.
    _lock: File,
}

/// Where a call's database lives when `--db` is not given: the user's data
/// directory, never the call folder or the repository.
pub fn default_path(call_id: &str) -> Option<PathBuf> {
    let safe: String = call_id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dirs::data_dir().map(|d| d.join("jury").join(format!("{safe}.sqlite")))
}

/// A dossier's row: its compact JSON and its version.
pub struct StoredDossier {
    pub reference: String,
    /// None when the row has no text (a damaged base): the dossier does
    /// not read ([`StoredDossier::parse`]).
    pub content: Option<String>,
    /// 1 as imported, then one more per correction.
    pub version: i64,
}

impl StoredDossier {
    /// The dossier and its text. Validated when it came in, so read back
    /// and not checked again. The content is the compact text
    /// `content_hash` hashes (every writer stores `serde_json::to_string`),
    /// so its bytes give the hash without serialising the dossier again
    /// (the `hash` column is not read: anonymising keeps the imported
    /// one there). Err(reference) when even the reference or the
    /// reception time cannot be read.
    pub fn parse(self) -> Result<(Dossier, String), String> {
        let Some(content) = self.content else {
            return Err(self.reference);
        };
        let hash = jury_core::sha256_hex(content.as_bytes());
        serde_json::from_str(&content)
            .ok()
            .and_then(|v| Dossier::from_stored(v, hash))
            .map(|d| (d, content))
            .ok_or(self.reference)
    }
}

impl Store {
    /// Opens (or creates) a clear database.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, None)
    }

    /// Opens (or creates) a database, encrypted with `key` when given. An
    /// encrypted file without a key, or with a wrong one, is refused before
    /// anything is written to it (no WAL, no migration).
    pub fn open_with(path: &Path, key: Option<&Passphrase>) -> Result<Store, StoreError> {
        Store::open_inner(path, key, false)
    }

    /// Opens an existing database for a command that may run while the app
    /// has it open (`jury export`, `bundle`, `letters`, `minutes`, `dossier`):
    /// SQLite in WAL mode lets a reader in beside the app, and its few writes
    /// (a letter recorded, a bundle issued) wait for the app's transaction.
    /// Without the app, it takes the lock like any opening. A database that
    /// would need migrating is refused while the app holds it.
    pub fn open_beside(path: &Path, key: Option<&Passphrase>) -> Result<Store, StoreError> {
        Store::open_inner(path, key, true)
    }

    fn open_inner(
        path: &Path,
        key: Option<&Passphrase>,
        beside: bool,
    ) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            private::create_private_dir_all(parent).map_err(|e| io_error(path, e))?;
        }
        let lock_path = lock_path(path);
        let lock =
            private::create_private_file(&lock_path, false).map_err(|e| io_error(path, e))?;
        // A lock just released can stay held for an instant by a process
        // being started elsewhere (between its fork and its exec, it shares
        // the lock's file description): try for half a second before saying
        // the base is in use.
        let mut tries = 0;
        let mut alongside = false;
        loop {
            match lock.try_lock() {
                Ok(()) => break write_pid(&lock),
                Err(std::fs::TryLockError::WouldBlock) if tries < 10 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) if beside && path.is_file() => {
                    alongside = true;
                    break;
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::Locked(path.into(), holder(&lock_path)));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io_error(path, e)),
            }
        }
        let created = !path.exists();
        let encrypted = crypt::is_encrypted(path).map_err(|e| io_error(path, e))?;
        match (encrypted, key) {
            (true, None) => return Err(StoreError::Encrypted(path.into())),
            (false, Some(_)) if !created && std::fs::metadata(path).is_ok_and(|m| m.len() > 0) => {
                return Err(StoreError::NotEncrypted(path.into()));
            }
            _ => {}
        }
        // The database holds personal data: created 0600 before SQLite opens
        // it, whatever the umask; SQLite gives its -wal and -shm the same mode.
        // Files an older Jury left readable by others are made private now
        // that the lock is ours.
        if created {
            private::create_private_file(path, false).map_err(|e| io_error(path, e))?;
        }
        for file in [
            lock_path.clone(),
            path.to_path_buf(),
            side_file(path, "-wal"),
            side_file(path, "-shm"),
        ] {
            private::tighten_file(&file).map_err(|e| io_error(&file, e))?;
        }
        let conn = Connection::open(path).map_err(|e| sql_error(path, e))?;
        match key {
            Some(pass) => crypt::key(&conn, pass).map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => StoreError::WrongPassphrase(path.into()),
                _ => sql_error(path, e),
            })?,
            None => crypt::quiet(&conn).map_err(|e| sql_error(path, e))?,
        }
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            identity: None,
            created,
            key: key.cloned(),
            _lock: lock,
        };
        store.configure()?;
        // The file exists now (WAL mode is written in its header).
        store.identity = FileIdentity::of(path).map_err(|e| io_error(path, e))?;
        if alongside && store.schema_version()? != SCHEMA_VERSION {
            // Migrating under the app's feet is not for a side command.
            return Err(StoreError::Locked(path.into(), holder(&lock_path)));
        }
        store.migrate()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The passphrase of an encrypted database; None: a clear one.
    pub fn passphrase(&self) -> Option<&Passphrase> {
        self.key.as_ref()
    }

    /// This store created its file: the call starts on an empty database.
    pub fn created(&self) -> bool {
        self.created
    }

    /// Runs `f` in one transaction, committed before returning: every write
    /// goes through here, so a user action is all or nothing and its audit
    /// event is committed with it. SQLite's errors come back naming the file.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction) -> Result<T, TxError>,
    ) -> Result<T, StoreError> {
        let path = &self.path;
        let tx = self.conn.transaction().map_err(|e| sql_error(path, e))?;
        let out = f(&tx).map_err(|e| match e {
            TxError::Sql(e) => sql_error(path, e),
            TxError::Store(e) => e,
        })?;
        // Checked last, so nothing is confirmed to a file no longer there:
        // on refusal the transaction is dropped, rolled back.
        still_there(path, self.identity)?;
        tx.commit().map_err(|e| sql_error(path, e))?;
        Ok(out)
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        sql_error(&self.path, e)
    }

    fn configure(&mut self) -> Result<(), StoreError> {
        // busy_timeout covers readers such as `jury export` holding the file briefly.
        self.conn
            .busy_timeout(std::time::Duration::from_secs(3))
            .map_err(|e| self.err(e))?;
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::ReadOnly(self.path.clone()));
        }
        self.conn
            // Sorts and temporary tables stay in memory, never in clear
            // temporary files.
            .execute_batch(
                "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;",
            )
            .map_err(|e| self.err(e))
    }

    /// Runs `f`, a first import into a base that holds no dossier yet,
    /// with a rollback journal instead of the write-ahead log: pages added
    /// at the end of the file are written once, where the log writes them
    /// twice (to the log, then to the base at its checkpoint), which was a
    /// third of the storing of 100 000 dossiers. Just as safe: a crash
    /// leaves the journal, which rolls back the transaction under way.
    /// Refused by SQLite while another connection reads the base: then `f`
    /// runs with the log, as any other write. Its page cache is larger
    /// meanwhile (16 Mo instead of 2), so that a transaction of thousands
    /// of dossiers is not spilled to the file page by page before its end.
    pub fn in_bulk<T, E>(&mut self, f: impl FnOnce(&mut Store) -> Result<T, E>) -> Result<T, E> {
        let bulk = self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| {
                r.get::<_, String>(0)
            })
            .is_ok_and(|mode| mode.eq_ignore_ascii_case("delete"));
        let _ = self.conn.execute_batch("PRAGMA cache_size = -16384");
        let out = f(self);
        let _ = self.conn.execute_batch("PRAGMA cache_size = -2000");
        if bulk {
            // Back to the log for everything after; should it fail, the
            // next opening sets it again (see `configure`).
            let _ = self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0));
        }
        out
    }

    fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let version = self.schema_version()?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                version,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            self.write(|tx| {
                tx.execute_batch(sql)?;
                tx.pragma_update(None, "user_version", (i + 1) as i64)?;
                Ok(())
            })?;
        }
        Ok(())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        // Unchanged, not written: an opening commits nothing it need not.
        if self.meta(key)?.as_deref() == Some(value) {
            return Ok(());
        }
        put_meta(&self.conn, key, value).map_err(|e| self.err(e))
    }

    pub fn clear_meta(&mut self, key: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM meta WHERE key = ?1", [key])
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Binds the database to a call on first use and keeps its latest text.
    pub fn sync_call(&mut self, call: &Call) -> Result<(), StoreError> {
        if let Some(found) = self.meta("call_id")?
            && found != call.id
        {
            return Err(StoreError::OtherCall {
                path: self.path.clone(),
                expected: call.id.clone(),
                found,
            });
        }
        self.write(|tx| {
            let text = serde_json::to_string(&call.raw).unwrap_or_default();
            let before: Option<String> = tx
                .query_row("SELECT value FROM meta WHERE key = 'call'", [], |r| {
                    r.get(0)
                })
                .optional()?;
            // The same text, its event and its members' found once: nothing
            // to write (the searches of the whole log below, at every
            // opening, were most of a reopening's own writes).
            if before.as_deref() == Some(&text)
                && meta_is_set(tx, CALL_RECORDED)?
                && members_as_called(tx, call)?
            {
                return Ok(());
            }
            // The call (its grid, weights, members) is part of the record: a
            // changed appel.json is an event, with the texts' fingerprints. A
            // database from before these events records the call as found.
            if before.as_deref() != Some(&text) || !has_event(tx, "call")? {
                audit(
                    tx,
                    "appel.json",
                    "call",
                    &call.id,
                    before
                        .map(|b| jury_core::sha256_hex(b.as_bytes()))
                        .as_deref(),
                    Some(&jury_core::sha256_hex(text.as_bytes())),
                )?;
            }
            for (k, v) in [("call_id", call.id.clone()), ("call", text)] {
                put_meta(tx, k, &v)?;
            }
            for m in &call.members {
                let had: Option<String> = tx
                    .query_row("SELECT role FROM members WHERE name = ?1", [&m.name], |r| {
                        r.get(0)
                    })
                    .optional()?;
                tx.execute(
                    "INSERT INTO members (name, role) VALUES (?1, ?2)
                     ON CONFLICT (name) DO UPDATE SET role = excluded.role",
                    params![m.name, m.role.id()],
                )?;
                // A member the call names, or a role it changes, is an event.
                if had.as_deref() != Some(m.role.id()) {
                    let role = serde_json::json!({ "role": m.role.id() }).to_string();
                    audit(tx, "appel.json", "member.add", &m.name, None, Some(&role))?;
                }
            }
            // Members recorded before member events existed: recorded as found.
            let unrecorded: Vec<(String, String)> = {
                let mut stmt = tx.prepare(
                    "SELECT name, role FROM members WHERE name NOT IN
                     (SELECT target FROM audit WHERE action = 'member.add') ORDER BY name",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for (name, role) in unrecorded {
                let role = serde_json::json!({ "role": role }).to_string();
                audit(tx, "registre", "member.add", &name, None, Some(&role))?;
            }
            set_meta_flag(tx, CALL_RECORDED)?;
            Ok(())
        })
    }

    /// Keeps the call folder's letter templates (`lettres/*.txt`) with the
    /// call, so letters can be produced from the database alone.
    pub fn sync_templates(
        &mut self,
        templates: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            // The same templates, their event found once: nothing to write.
            if stored_templates(tx)? == *templates
                && (templates.is_empty() || meta_is_set(tx, TEMPLATES_RECORDED)?)
            {
                return Ok(());
            }
            let before = templates_fingerprint(tx)?;
            tx.execute("DELETE FROM meta WHERE key LIKE 'lettre:%'", [])?;
            for (id, text) in templates {
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                    params![format!("lettre:{id}"), text],
                )?;
            }
            // The call's own letter templates say what every letter says.
            let after = templates_fingerprint(tx)?;
            if after != before || (after.is_some() && !has_event(tx, "templates")?) {
                audit(
                    tx,
                    "lettres",
                    "templates",
                    "lettres",
                    before.as_deref(),
                    after.as_deref(),
                )?;
            }
            if after.is_some() {
                set_meta_flag(tx, TEMPLATES_RECORDED)?;
            }
            Ok(())
        })
    }

    pub fn templates(&self) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT substr(key, 8), value FROM meta WHERE key LIKE 'lettre:%' ORDER BY key",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// The call as last stored (for opening a database without its folder).
    pub fn stored_call(&self) -> Result<Option<serde_json::Value>, StoreError> {
        Ok(self
            .meta("call")?
            .and_then(|s| serde_json::from_str(&s).ok()))
    }

    /// Imports dossiers: the same batch twice changes nothing; a changed
    /// dossier is reported and the stored version kept. Up to
    /// [`IMPORT_CHUNK`] dossiers per transaction, so an import interrupted
    /// keeps whole chunks and 100 000 dossiers cost 20 disk syncs, not
    /// 100 000.
    pub fn sync_dossiers(&mut self, dossiers: &[(Card, String)]) -> Result<SyncReport, StoreError> {
        self.sync_dossiers_by(dossiers, IMPORT_CHUNK, &[])
    }

    /// One run of a folder's files read: their dossiers imported as
    /// [`Store::sync_dossiers`] does, and what the files held kept for the
    /// next reading (see [`Store::remember_files`]) with the last of them,
    /// in the same transaction. Kept run by run, the records of 100 000
    /// files are not written after the last run, while nothing else is.
    pub fn sync_run(
        &mut self,
        dossiers: &[(Card, String)],
        files: &[(String, folder::FileRecord)],
    ) -> Result<SyncReport, StoreError> {
        if dossiers.is_empty() {
            self.remember_files(files)?;
            return Ok(SyncReport::default());
        }
        self.sync_dossiers_by(dossiers, IMPORT_CHUNK, files)
    }

    fn sync_dossiers_by(
        &mut self,
        dossiers: &[(Card, String)],
        chunk: usize,
        files: &[(String, folder::FileRecord)],
    ) -> Result<SyncReport, StoreError> {
        let mut report = SyncReport::default();
        let now = now();
        let parts = dossiers.len().div_ceil(chunk.max(1));
        for (k, part) in dossiers.chunks(chunk.max(1)).enumerate() {
            let step = self.write(|tx| {
                let mut step = SyncReport::default();
                // The chain's head stays in memory while the chunk appends.
                let mut head = chain_head(tx)?;
                for (d, source) in part {
                    let existing: Option<(String, String)> = tx
                        .prepare_cached(
                            "SELECT hash, imported_at FROM dossiers WHERE reference = ?1",
                        )?
                        .query_row([&d.reference], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?;
                    match existing {
                        Some((hash, _)) if hash == d.hash => step.unchanged += 1,
                        // The file as it was at an earlier version: the app's
                        // correction since is the current one, nothing new.
                        Some(_) if versions::is_known(tx, &d.reference, &d.hash)? => {
                            step.unchanged += 1
                        }
                        Some((_, when)) => {
                            step.changed.push(Diag {
                                path: source.clone(),
                                line: 1,
                                column: 1,
                                severity: Severity::Warning,
                                message: format!(
                                    "le dossier {} a changé dans son fichier depuis son import du {} : la version enregistrée est gardée (les notes portent sur elle) ; la présidence ou le secrétariat peut accepter celle du fichier depuis le dossier",
                                    d.reference,
                                    when.get(..10).unwrap_or(&when)
                                ),
                            });
                            step.pending.push(d.full());
                        }
                        None => {
                            let content = d.text();
                            tx.prepare_cached(
                                "INSERT INTO dossiers (reference, content, hash, source, imported_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                            )?
                            .execute(params![d.reference, content, d.hash, source, now])?;
                            // Its text is the current one, in `dossiers`
                            // (see migration 27).
                            tx.prepare_cached(
                                "INSERT INTO dossier_versions (reference, version, content, hash, at, actor, origin)
                                 VALUES (?1, 1, NULL, ?2, ?3, 'import', 'import')",
                            )?
                            .execute(params![d.reference, d.hash, now])?;
                            head = audit_after(
                                tx,
                                &head,
                                "import",
                                "import",
                                &d.reference,
                                None,
                                Some(&d.hash),
                            )?;
                            step.added += 1;
                        }
                    }
                }
                if k + 1 == parts {
                    folder::remember(tx, files)?;
                }
                Ok(step)
            })?;
            report.absorb(step);
        }
        Ok(report)
    }

    pub fn load_dossiers(&self) -> Result<Vec<Dossier>, StoreError> {
        Ok(self
            .load_dossier_texts()?
            .into_iter()
            .map(|(d, _)| d)
            .collect())
    }

    /// Every dossier as a card: its fields and its compact JSON, parsed
    /// again for the moment a whole dossier is needed. What reads every
    /// dossier beside the open app (a session's close, letters, exports)
    /// holds about 1,7 KB per dossier this way, not the 11 KB of its tree
    /// of values: 1 GB less at 100 000 dossiers.
    pub fn load_cards(&self) -> Result<Vec<Card>, StoreError> {
        let rows = self.stored_dossiers()?;
        jury_core::par::map_owned(rows, 2048, |row| {
            row.parse().map(|(d, text)| Card::new(d, Some(text)))
        })
        .into_iter()
        .map(|card| card.map_err(|reference| self.unreadable(&reference)))
        .collect()
    }

    /// Every dossier with the compact JSON the database keeps of it, which
    /// the app's cards keep instead of writing it again.
    pub fn load_dossier_texts(&self) -> Result<Vec<(Dossier, String)>, StoreError> {
        self.stored_dossiers()?
            .into_iter()
            .map(|row| row.parse().map_err(|reference| self.unreadable(&reference)))
            .collect()
    }

    /// Every dossier's row as stored, not parsed yet ([`StoredDossier::parse`]).
    pub fn stored_dossiers(&self) -> Result<Vec<StoredDossier>, StoreError> {
        self.with_stored_dossiers(|rows| rows.collect())?
    }

    /// `f` over every dossier's row as [`stored_dossiers`] gives them, in
    /// reference order, each read from the database as `f` takes it: an
    /// opening parses the rows read while it reads the next ones.
    ///
    /// [`stored_dossiers`]: Store::stored_dossiers
    pub fn with_stored_dossiers<R>(
        &self,
        f: impl FnOnce(&mut dyn Iterator<Item = Result<StoredDossier, StoreError>>) -> R,
    ) -> Result<R, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT reference, version, content FROM dossiers ORDER BY reference")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(StoredDossier {
                    reference: r.get(0)?,
                    version: r.get(1)?,
                    content: r.get(2)?,
                })
            })
            .map_err(|e| self.err(e))?;
        let mut rows = rows.map(|row| row.map_err(|e| self.err(e)));
        Ok(f(&mut rows))
    }

    /// A stored dossier whose reference or reception time cannot be read.
    pub fn unreadable(&self, reference: &str) -> StoreError {
        StoreError::DossierUnreadable {
            path: self.path.clone(),
            reference: reference.to_string(),
        }
    }

    pub fn load_scores(&self) -> Result<Vec<ScoreRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT reference, member, criterion, value, comment FROM scores ORDER BY reference, member, criterion")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(ScoreRow {
                    reference: r.get(0)?,
                    member: r.get(1)?,
                    criterion: r.get(2)?,
                    value: r.get(3)?,
                    comment: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Every member and their role; a role this Jury does not know counts
    /// as a plain member, who may score but not decide.
    pub fn members(&self) -> Result<Vec<(String, Role)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, role FROM members ORDER BY name")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let role: String = r.get(1)?;
                Ok((r.get(0)?, Role::parse(&role).unwrap_or(Role::Member)))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Sets up the committee of a call that lists no members: every member
    /// with their role, in one transaction, one `member.add` event each, by
    /// `actor` (who sets it up, one of them). Refused once any member exists.
    pub fn set_up_committee(
        &mut self,
        actor: &str,
        members: &[(String, Role)],
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let existing: i64 = tx.query_row("SELECT COUNT(*) FROM members", [], |r| r.get(0))?;
            if existing > 0 {
                return Err(Refusal::CommitteeAlreadySetUp.into());
            }
            for (name, role) in members {
                tx.execute(
                    "INSERT INTO members (name, role) VALUES (?1, ?2)",
                    params![name, role.id()],
                )?;
                audit(
                    tx,
                    actor,
                    "member.add",
                    name,
                    None,
                    Some(&serde_json::json!({ "role": role.id() }).to_string()),
                )?;
            }
            Ok(())
        })
    }

    /// Adds a plain member, as a member's own database or a test needs one.
    /// The app never calls it with a name someone typed: only the committee
    /// acts (`--as` and « Qui note ? » choose among its members).
    pub fn ensure_member(&mut self, name: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            let added = tx.execute(
                "INSERT INTO members (name, role) VALUES (?1, 'member') ON CONFLICT (name) DO NOTHING",
                [name],
            )?;
            if added > 0 {
                audit(tx, name, "member.add", name, None, Some("member"))?;
            }
            Ok(())
        })
    }

    /// Writes one member's score and comment on one criterion, in one
    /// transaction with its audit event.
    pub fn save_score(&mut self, row: &ScoreRow) -> Result<(), StoreError> {
        self.write(|tx| {
            let before: Option<(Option<f64>, String)> = tx
                .query_row(
                    "SELECT value, comment FROM scores WHERE reference = ?1 AND member = ?2 AND criterion = ?3",
                    params![row.reference, row.member, row.criterion],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let cleared = row.value.is_none() && row.comment.is_empty();
            if before.as_ref() == Some(&(row.value, row.comment.clone()))
                || (before.is_none() && cleared)
            {
                return Ok(());
            }
            // A cleared score stays as an empty row with its time, so a member's
            // packet can carry the clearing to the chair (most recent wins).
            tx.execute(
                "INSERT INTO scores (reference, member, criterion, value, comment, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (reference, member, criterion)
                 DO UPDATE SET value = excluded.value, comment = excluded.comment, updated_at = excluded.updated_at",
                params![row.reference, row.member, row.criterion, row.value, row.comment, now()],
            )?;
            let show = |v: &(Option<f64>, String)| {
                serde_json::json!({ "value": v.0, "comment": v.1 }).to_string()
            };
            audit(
                tx,
                &row.member,
                "score",
                &format!("{}/{}", row.reference, row.criterion),
                before.as_ref().map(show).as_deref(),
                Some(&show(&(row.value, row.comment.clone()))),
            )?;
            Ok(())
        })
    }

    pub fn audit_len(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }
}

/// Why a write's closure stopped: SQLite failed, or the data refused the
/// change (or a read it made failed). [`Store::write`] names the file on SQLite's errors, so the
/// closures can use `?` on every statement.
enum TxError {
    Sql(rusqlite::Error),
    Store(StoreError),
}

impl From<rusqlite::Error> for TxError {
    fn from(e: rusqlite::Error) -> TxError {
        TxError::Sql(e)
    }
}

impl From<Refusal> for TxError {
    fn from(e: Refusal) -> TxError {
        TxError::Store(e.into())
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Appends one event; its hash covers the previous event's hash, so editing
/// or removing any row breaks the chain from there on.
fn audit(
    tx: &Transaction,
    actor: &str,
    action: &str,
    target: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> rusqlite::Result<()> {
    let prev = chain_head(tx)?;
    audit_after(tx, &prev, actor, action, target, before, after).map(drop)
}

/// The last event's hash ("" before the first): what the next one chains to.
fn chain_head(tx: &Transaction) -> rusqlite::Result<String> {
    Ok(tx
        .query_row("SELECT hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or_default())
}

/// Appends one event after the one whose hash is `prev` and returns its
/// own hash: a batch of events (an import) keeps the chain's head in memory
/// instead of reading it back before each one.
fn audit_after(
    tx: &Transaction,
    prev: &str,
    actor: &str,
    action: &str,
    target: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> rusqlite::Result<String> {
    let at = now();
    // Personal texts leave the hashed payload for `audit_private`, the
    // payload keeping a salted commitment to them (see `jury_core::audit`).
    let (mut b, mut a, part) = jury_core::audit::split_private(before, after);
    let private = if part.is_empty() {
        None
    } else {
        let content = serde_json::to_string(&part).unwrap_or_default();
        let salt = salt()?;
        let c = jury_core::audit::commitment(&salt, &content);
        jury_core::audit::attach_commitment(&mut b, &mut a, &c).then_some((salt, content))
    };
    let (before, after) = match private {
        Some(_) => (b.map(|v| v.to_string()), a.map(|v| v.to_string())),
        None => (before.map(str::to_string), after.map(str::to_string)),
    };
    let hash = event_hash(
        prev,
        &at,
        actor,
        action,
        target,
        before.as_deref(),
        after.as_deref(),
    );
    tx.prepare_cached(
        "INSERT INTO audit (at, actor, action, target, before, after, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![at, actor, action, target, before, after, prev, hash])?;
    if let Some((salt, content)) = private {
        tx.execute(
            "INSERT INTO audit_private (event_id, salt, content) VALUES (?1, ?2, ?3)",
            params![tx.last_insert_rowid(), salt, content],
        )?;
    }
    Ok(hash)
}

/// 16 random bytes in hex: a commitment's salt. Without the system's
/// randomness the write fails rather than commit guessably.
fn salt() -> rusqlite::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    Ok(jury_core::hex(&bytes))
}

/// The path still leads to the file opened: a write to a file deleted or
/// moved meanwhile would be lost at the next start.
fn still_there(path: &Path, opened: Option<FileIdentity>) -> Result<(), StoreError> {
    let Some(opened) = opened else {
        return Ok(());
    };
    match FileIdentity::of(path) {
        Ok(Some(now)) if now == opened => Ok(()),
        Ok(_) => Err(StoreError::Moved(path.into())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::Moved(path.into())),
        Err(e) => Err(io_error(path, e)),
    }
}

/// A file's device and inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileIdentity {
    dev: u64,
    ino: u64,
}

impl FileIdentity {
    /// None where the platform has no inodes.
    fn of(path: &Path) -> std::io::Result<Option<FileIdentity>> {
        let meta = std::fs::metadata(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Ok(Some(FileIdentity {
                dev: meta.dev(),
                ino: meta.ino(),
            }))
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            Ok(None)
        }
    }
}

/// Jury's process number in its lock file, so a second start can say who
/// holds the base. Best effort: the lock itself is what keeps others out.
fn write_pid(mut lock: &File) {
    use std::io::Write;
    let _ = lock
        .set_len(0)
        .and_then(|()| write!(lock, "{}", std::process::id()))
        .and_then(|()| lock.flush());
}

/// Who holds the lock: a Jury that wrote its process number, still
/// running; otherwise another program.
fn holder(lock_path: &Path) -> Holder {
    let pid = std::fs::read_to_string(lock_path)
        .ok()
        .and_then(|t| t.trim().parse::<u32>().ok());
    match pid {
        // Where /proc exists, a number left by a Jury that has ended is not it.
        Some(pid)
            if !Path::new("/proc/self").exists() || Path::new(&format!("/proc/{pid}")).exists() =>
        {
            Holder::Jury(Some(pid))
        }
        _ => Holder::Other,
    }
}

fn lock_path(db: &Path) -> PathBuf {
    side_file(db, ".lock")
}

/// `j.sqlite` → `j.sqlite<suffix>`: the lock, and SQLite's `-wal` and `-shm`.
fn side_file(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    db.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dossier(i: usize) -> (Card, String) {
        let reference = format!("T-{i:03}");
        let v = serde_json::json!({
            "format": "jury-dossier/1",
            "reference": reference,
            "received_at": "2025-07-03T16:42:00+02:00",
        });
        let d = Dossier::from_value(&v).expect("a valid dossier");
        (Card::new(d, None), format!("dossiers/{reference}.json"))
    }

    /// The imports the log records, in order; the chain checked first.
    fn imports(store: &Store) -> Vec<String> {
        let events = audit::read_events(&store.conn, None).expect("events");
        assert!(jury_core::audit::verify_events(&events).is_intact());
        events
            .into_iter()
            .filter(|e| e.action == "import")
            .map(|e| e.target)
            .collect()
    }

    /// An import interrupted keeps whole chunks, each dossier with its
    /// version and its event, the chain intact; the next one goes on after.
    #[test]
    fn an_interrupted_import_keeps_whole_chunks() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut store = Store::open(&dir.path().join("j.sqlite")).expect("open");
        store
            .conn
            .execute_batch(
                "CREATE TRIGGER stop BEFORE INSERT ON dossiers WHEN NEW.reference = 'T-007'
                 BEGIN SELECT RAISE(ABORT, 'interrompu'); END;",
            )
            .expect("trigger");
        let batch: Vec<(Card, String)> = (0..10).map(dossier).collect();
        assert!(store.sync_dossiers_by(&batch, 3, &[]).is_err());
        let kept: Vec<String> = (0..6).map(|i| format!("T-{i:03}")).collect();
        let stored: Vec<String> = store
            .dossier_versions()
            .expect("versions")
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        assert_eq!(stored, kept);
        assert_eq!(imports(&store), kept);

        store
            .conn
            .execute_batch("DROP TRIGGER stop;")
            .expect("drop");
        let report = store.sync_dossiers_by(&batch, 3, &[]).expect("import");
        assert_eq!((report.added, report.unchanged), (4, 6));
        let all: Vec<String> = (0..10).map(|i| format!("T-{i:03}")).collect();
        assert_eq!(imports(&store), all);
        assert_eq!(store.load_dossiers().expect("load").len(), 10);
    }
}
