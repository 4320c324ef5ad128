//! `jury anonymise` and `jury dossier`: the applicants' rights over what a
//! call's database holds (retention, erasure, access).

use super::commands::{open_existing, open_existing_beside};
use super::fail;
use jury_core::call::Call;
use jury_core::fr::{Lang, visible, visible_lines};
use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

/// What anonymising keeps and erases, said before asking and after doing.
mod text {
    use jury_core::fr::Tr;
    pub const KEPT: Tr = Tr::new(
        "Conservés : la référence et la date de réception de chaque dossier, les réponses que lisent la grille, les règles de recevabilité et les filtres (nombres, oui/non, statut d'emploi, territoire, type de structure), les notes, les décisions avec leurs motivations, les désistements, les validations des institutions (signataires et motifs), les séances, le suivi des courriers et le journal d'audit, qui reste vérifiable.",
        "Kept: each dossier's reference and date received, the answers the grid, the eligibility rules and the filters read (numbers, yes/no, employment status, territory, kind of structure), the scores, the decisions with their reasons, the withdrawals, the institutions' validations (signatories and reasons), the sessions, the letters' tracking and the audit log, which stays verifiable.",
    );
    pub const ERASED: Tr = Tr::new(
        "Effacés pour de bon : tous les autres textes des dossiers (noms, adresses, courriels, téléphones, textes libres, pièces jointes), les commentaires des notes, les motifs de conflit d'intérêts, les justifications de dérogation et celles de dépassement de l'enveloppe.",
        "Erased for good: every other text of the dossiers (names, addresses, e-mails, phones, free text, attachments), the scores' comments, the reasons for conflicts of interest, the overrides' justifications and those for exceeding the envelope.",
    );
    pub const IRREVERSIBLE: Tr = Tr::new("C'est irréversible.", "This cannot be undone.");
    pub const CONFIRM: Tr = Tr::new(
        "Tapez l'identifiant de l'appel pour confirmer",
        "Type the call's id to confirm",
    );
    pub const NOT_CONFIRMED: Tr = Tr::new(
        "Confirmation différente de l'identifiant de l'appel : rien n'a été modifié.",
        "The confirmation differs from the call's id: nothing was changed.",
    );
    pub const LETTERS_LEFT: Tr = Tr::new(
        "Les courriers déjà produits ne sont pas dans la base : ils nomment toujours les candidats. Jury ne supprime pas de fichier hors de sa base ; détruisez-les vous-même (après archivage réglementaire) dans :",
        "Letters already produced are not in the database: they still name the applicants. Jury deletes no file outside its database; destroy them yourself (after the archiving the rules require) in:",
    );
    pub const CALL_DIR_LEFT: Tr = Tr::new(
        "Le dossier de l'appel garde les dossiers tels que reçus et leurs pièces jointes (fichiers hors de la base, que Jury ne supprime pas) :",
        "The call folder keeps the dossiers as received and their attachments (files outside the database, which Jury does not delete):",
    );
    pub const HEAD: Tr = Tr::new(
        "Empreinte finale (à reporter au procès-verbal) :",
        "Final fingerprint (to copy into the minutes):",
    );
}

pub fn anonymise(db: &Path, yes: bool, force: bool, actor: &str, lang: Lang) -> ExitCode {
    let mut store = match open_existing(db, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let call = match store
        .stored_call()
        .map(|v| v.and_then(|v| Call::from_value(&v).ok()))
    {
        Ok(Some(c)) => c,
        Ok(None) => return fail(2, crate::store::Refusal::NoCall.message(lang)),
        Err(e) => return fail(2, e.message(lang)),
    };
    let today = crate::tui::today();
    if !force {
        match call.retention_end() {
            Some(end) if today > end => {}
            Some(end) => {
                return fail(
                    1,
                    match lang {
                        Lang::Fr => format!(
                            "La durée de conservation de l'appel court jusqu'au {} : rien n'a été modifié. Pour anonymiser dès maintenant (par exemple à la demande d'un candidat), ajoutez --forcer.",
                            lang.date(end)
                        ),
                        Lang::En => format!(
                            "The call's retention period runs until {}: nothing was changed. To anonymise now (for instance at an applicant's request), add --forcer.",
                            lang.date(end)
                        ),
                    },
                );
            }
            None => {
                return fail(
                    1,
                    lang.t(
                        "L'appel ne fixe pas de durée de conservation (retention_months dans appel.json) : rien n'a été modifié. Pour anonymiser quand même, ajoutez --forcer.",
                        "The call sets no retention period (retention_months in appel.json): nothing was changed. To anonymise anyway, add --forcer.",
                    ),
                );
            }
        }
    }
    if !yes {
        eprintln!(
            "{}\n{}\n{}",
            lang.tr(text::ERASED),
            lang.tr(text::KEPT),
            lang.tr(text::IRREVERSIBLE)
        );
        eprint!(
            "{} ({}){}: ",
            lang.tr(text::CONFIRM),
            visible(&call.id),
            lang.t(" ", "")
        );
        let mut typed = String::new();
        let read = std::io::stdin().lock().read_line(&mut typed);
        if read.is_err() || typed.trim() != call.id {
            return fail(1, format!("\n{}", lang.tr(text::NOT_CONFIRMED)));
        }
    }
    let done = match store.anonymise(actor, &call) {
        Ok(done) => done,
        Err(e) => return fail(1, e.message(lang)),
    };
    println!(
        "{}",
        match lang {
            Lang::Fr => format!(
                "Anonymisation faite : {} dossier(s), {} commentaire(s), motif(s) ou justification(s) effacé(s), {} partie(s) personnelle(s) du journal supprimée(s).",
                done.dossiers, done.texts, done.private_parts
            ),
            Lang::En => format!(
                "Anonymised: {} dossier(s), {} comment(s), reason(s) or justification(s) erased, {} personal part(s) of the log deleted.",
                done.dossiers, done.texts, done.private_parts
            ),
        }
    );
    println!("{}\n{}", lang.tr(text::ERASED), lang.tr(text::KEPT));
    // The backups hold what was just erased: restoring one would undo the
    // anonymisation, so they go too.
    match crate::store::backup::remove_all(db) {
        Ok(0) => {}
        Ok(n) => println!(
            "{}",
            match lang {
                Lang::Fr => format!(
                    "{n} sauvegarde(s) de la base supprimée(s) : elles gardaient les données effacées."
                ),
                Lang::En =>
                    format!("{n} backup(s) of the database deleted: they kept the erased data."),
            }
        ),
        Err(e) => return fail(1, e.message(lang)),
    }
    if let Some(dir) = &done.call_dir {
        println!(
            "{} {}",
            lang.tr(text::CALL_DIR_LEFT),
            visible(&dir.display().to_string())
        );
    }
    if !done.letter_dirs.is_empty() {
        println!("{}", lang.tr(text::LETTERS_LEFT));
        for dir in &done.letter_dirs {
            println!("  – {}", visible(&dir.display().to_string()));
        }
    }
    // Read with the store's own key: an encrypted database is checked too.
    match crate::store::audit::verify_file_keyed(db, store.passphrase()) {
        Ok(v) => {
            if let Some(h) = v.head {
                println!("{} {h}", lang.tr(text::HEAD));
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(1, e.message(lang)),
    }
}

pub fn dossier(reference: &str, db: &Path, out: &Path, actor: &str, lang: Lang) -> ExitCode {
    let mut store = match open_existing_beside(db, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let today = crate::tui::today();
    match crate::io::access::write_dossier(&mut store, reference, out, actor, today) {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(1, visible_lines(&e.message(lang))),
    }
}
