//! `jury encrypt`, `jury passphrase` and `jury restore`: the database file
//! rewritten or replaced under its lock (see `store::backup`).

use crate::cli::{OpenError, fail, open_store, secret};
use crate::store::backup::{self, Backup};
use crate::store::crypt::is_encrypted;
use crate::store::{Store, StoreError};
use crate::tui::secret::Source;
use jury_core::fr::Lang;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn open_failed(e: OpenError, lang: Lang) -> ExitCode {
    let code = match e {
        OpenError::Store(StoreError::Locked(..)) => 1,
        _ => 2,
    };
    fail(code, e.message(lang))
}

/// The database must exist: a mistyped `--db` must not create one.
fn existing(db: &Path, lang: Lang) -> Result<bool, ExitCode> {
    crate::cli::must_exist(db, lang)?;
    is_encrypted(db).map_err(|e| fail(2, lang.located(db.display(), lang.io_error(&e))))
}

/// `jury encrypt --db F`.
pub fn encrypt(db: &Path, lang: Lang) -> ExitCode {
    match existing(db, lang) {
        Err(code) => return code,
        Ok(true) => {
            return fail(
                1,
                lang.located_t(
                    db.display(),
                    "cette base est déjà chiffrée ; pour changer sa phrase secrète : jury passphrase --db.",
                    "this database is already encrypted; to change its passphrase: jury passphrase --db.",
                ),
            );
        }
        Ok(false) => {}
    }
    let store = match Store::open(db) {
        Ok(s) => s,
        Err(e) => return open_failed(e.into(), lang),
    };
    let backups = match rewrite(store, db, &secret(), lang) {
        Ok(n) => n,
        Err(code) => return code,
    };
    println!(
        "{}",
        match lang {
            Lang::Fr => format!(
                "{} est chiffrée{}. Sans la phrase secrète, ses données sont perdues : gardez-la en lieu sûr.\n\
                 Les anciens octets en clair peuvent rester sur le disque (SSD, clé USB) : chiffrez le disque entier (FileVault, BitLocker, LUKS).",
                db.display(),
                match backups {
                    0 => String::new(),
                    n => format!(", ses {n} sauvegarde(s) aussi"),
                }
            ),
            Lang::En => format!(
                "{} is encrypted{}. Without the passphrase its data is lost: keep it safe.\n\
                 The old clear bytes may remain on the disk (SSD, USB stick): encrypt the whole disk (FileVault, BitLocker, LUKS).",
                db.display(),
                match backups {
                    0 => String::new(),
                    n => format!(", its {n} backup(s) too"),
                }
            ),
        }
    );
    ExitCode::SUCCESS
}

/// `jury passphrase --db F`.
pub fn passphrase(db: &Path, new_file: Option<PathBuf>, lang: Lang) -> ExitCode {
    match existing(db, lang) {
        Err(code) => return code,
        Ok(false) => return fail(1, StoreError::NotEncrypted(db.into()).message(lang)),
        Ok(true) => {}
    }
    let store = match open_store(db, lang) {
        Ok(s) => s,
        Err(e) => return open_failed(e, lang),
    };
    let new = Source {
        file: new_file,
        encrypt: true,
        known: None,
    };
    let backups = match rewrite(store, db, &new, lang) {
        Ok(n) => n,
        Err(code) => return code,
    };
    println!(
        "{}",
        match lang {
            Lang::Fr =>
                format!("Phrase secrète changée, pour la base et ses {backups} sauvegarde(s)."),
            Lang::En =>
                format!("Passphrase changed, for the database and its {backups} backup(s)."),
        }
    );
    ExitCode::SUCCESS
}

/// Rewrites the database with a new passphrase (typed twice, or read from
/// `source`'s file), then checks it reopens and its record is intact.
/// Returns how many backups were rewritten with it.
fn rewrite(store: Store, db: &Path, source: &Source, lang: Lang) -> Result<usize, ExitCode> {
    let pass = &source
        .new_one(db, lang)
        .map_err(|e| fail(2, e.message(lang)))?;
    let backups = store
        .reencrypt(pass)
        .map_err(|e| fail(2, e.message(lang)))?;
    match crate::store::audit::verify_record_keyed(db, None, Some(pass)) {
        Ok(r) if r.is_intact() => Ok(backups),
        Ok(_) => Err(fail(
            1,
            lang.located_t(
                db.display(),
                "la base réécrite ne passe pas la vérification : lancez jury verify --db.",
                "the rewritten database fails its check: run jury verify --db.",
            ),
        )),
        Err(e) => Err(fail(2, e.message(lang))),
    }
}

/// `jury restore --db F [N]`: lists the backups, or restores n° N.
pub fn restore(db: &Path, number: Option<usize>, lang: Lang) -> ExitCode {
    let encrypted = match existing(db, lang) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let key = match encrypted.then(|| secret().existing(db, lang)).transpose() {
        Ok(k) => k,
        Err(e) => return fail(2, e.message(lang)),
    };
    let all = match backup::list(db, key.as_ref()) {
        Ok(l) => l,
        Err(e) => return fail(2, e.message(lang)),
    };
    let Some(n) = number else {
        print_list(db, &all, lang);
        return ExitCode::SUCCESS;
    };
    let Some(chosen) = n.checked_sub(1).and_then(|i| all.get(i)) else {
        return fail(
            1,
            match lang {
                Lang::Fr => format!(
                    "Pas de sauvegarde n° {n} : il y en a {} (jury restore --db {} les liste).",
                    all.len(),
                    db.display()
                ),
                Lang::En => format!(
                    "No backup no. {n}: there are {} (jury restore --db {} lists them).",
                    all.len(),
                    db.display()
                ),
            },
        );
    };
    let store = match Store::open_with(db, key.as_ref()) {
        Ok(s) => s,
        Err(e) => return open_failed(e.into(), lang),
    };
    match store.restore(&chosen.path) {
        Ok(kept) => {
            println!(
                "{}",
                match lang {
                    Lang::Fr => format!(
                        "Sauvegarde n° {n} restaurée dans {}. La base remplacée est gardée : {}",
                        db.display(),
                        kept.display()
                    ),
                    Lang::En => format!(
                        "Backup no. {n} restored into {}. The replaced database is kept: {}",
                        db.display(),
                        kept.display()
                    ),
                }
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(1, e.message(lang)),
    }
}

fn print_list(db: &Path, all: &[Backup], lang: Lang) {
    if all.is_empty() {
        println!(
            "{}",
            match lang {
                Lang::Fr => format!("Aucune sauvegarde de {}.", db.display()),
                Lang::En => format!("No backup of {}.", db.display()),
            }
        );
        return;
    }
    println!(
        "{} {} ({} {})",
        lang.t("Sauvegardes de", "Backups of"),
        db.display(),
        backup::dir(db).display(),
        lang.t(
            &format!("; les {} plus récentes sont gardées", backup::KEEP),
            &format!("; the latest {} are kept", backup::KEEP)
        ),
    );
    for (i, b) in all.iter().enumerate() {
        let at = b.at.map_or_else(
            || "?".to_string(),
            // Named in UTC, said in the committee's time as every date.
            |t| {
                t.and_utc()
                    .with_timezone(&chrono_tz::Europe::Paris)
                    .format("%d/%m/%Y %H:%M:%S")
                    .to_string()
            },
        );
        let events = match &b.events {
            Some((n, head)) => format!(
                "{n} {}, {} {}",
                lang.t("événement(s)", "event(s)"),
                lang.t("empreinte", "head"),
                head.get(..12).unwrap_or(head)
            ),
            None => lang.t("illisible", "unreadable").to_string(),
        };
        println!("  {:>2}. {at}  {} — {events}", i + 1, b.reason);
    }
}
