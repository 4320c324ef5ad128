//! What the database can fail with or refuse, in the user's language: the
//! file (locked, read-only, full, another call's…) or the data refusing a
//! change (a session already open, a packet for another call…).

use jury_core::fr::Lang;
use jury_core::packet::{FORMAT as PACKET_FORMAT, PacketError};
use rusqlite::ErrorCode;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another Jury, or another program, holds the file.
    Locked(PathBuf, Holder),
    /// SQLite found the file damaged (SQLITE_CORRUPT).
    Corrupt(PathBuf),
    /// A dossier's stored text does not read as a dossier: the file was
    /// changed outside Jury, or damaged where SQLite does not check.
    DossierUnreadable {
        path: PathBuf,
        reference: String,
    },
    /// The disk failed reading or writing (SQLITE_IOERR).
    DiskIo(PathBuf, #[source] rusqlite::Error),
    ReadOnly(PathBuf),
    Full(PathBuf),
    NotADatabase(PathBuf),
    /// An encrypted database opened without its passphrase.
    Encrypted(PathBuf),
    WrongPassphrase(PathBuf),
    /// A passphrase given for a clear database (`jury encrypt` converts it).
    NotEncrypted(PathBuf),
    /// A backup that cannot be restored, and why (French).
    BadBackup(PathBuf, String),
    /// The file was deleted, moved or replaced while Jury had it open.
    Moved(PathBuf),
    /// Made by a newer Jury.
    TooNew {
        path: PathBuf,
        version: i64,
    },
    /// A change the data does not allow (a session already open…).
    Refused(#[from] Refusal),
    /// The database belongs to another call.
    OtherCall {
        path: PathBuf,
        expected: String,
        found: String,
    },
    Io(PathBuf, #[source] std::io::Error),
    Sql(PathBuf, #[source] rusqlite::Error),
    /// The system gave no random bytes for a new key.
    NoRandomness(#[source] getrandom::Error),
}

impl StoreError {
    pub fn message(&self, lang: Lang) -> String {
        use StoreError::*;
        match self {
            Locked(p, Holder::Jury(None)) => lang.located_t(
                p.display(),
                "la base est déjà ouverte par un autre Jury. Fermez l'autre fenêtre (touche q) puis relancez ; rien n'a été modifié.",
                "the database is already open in another Jury. Close the other window (key q), then start again; nothing was changed.",
            ),
            Locked(p, Holder::Jury(Some(pid))) => lang.located(
                p.display(),
                match lang {
                    Lang::Fr => format!(
                        "la base est déjà ouverte par un autre Jury (processus {pid}). Fermez l'autre fenêtre (touche q) puis relancez ; rien n'a été modifié."
                    ),
                    Lang::En => format!(
                        "the database is already open in another Jury (process {pid}). Close the other window (key q), then start again; nothing was changed."
                    ),
                },
            ),
            Locked(p, Holder::Other) => lang.located_t(
                p.display(),
                "la base est ouverte par un autre programme (sauvegarde, synchronisation, outil SQLite…). Attendez qu'il ait fini ou fermez-le, puis relancez ; rien n'a été modifié.",
                "the database is open in another program (backup, sync, SQLite tool…). Wait for it to finish or close it, then start again; nothing was changed.",
            ),
            Corrupt(p) => lang.located_t(
                p.display(),
                "la base est endommagée. Restaurez une sauvegarde du fichier (ou repartez d'une base neuve et réimportez les paquets de notes des membres) ; gardez le fichier endommagé pour l'assistance. Rien n'a été modifié.",
                "the database is damaged. Restore a backup of the file (or start from a new database and import the members' score packets again); keep the damaged file for support. Nothing was changed.",
            ),
            DossierUnreadable { path, reference } => lang.located(
                path.display(),
                match lang {
                    Lang::Fr => format!(
                        "le dossier {reference} enregistré dans la base ne se lit plus comme un dossier : le fichier a été modifié hors de Jury ou abîmé. « jury verify --db {p} » dit ce qui a changé ; « jury restore --db {p} » liste les sauvegardes à restaurer. Rien n'a été modifié.",
                        p = path.display()
                    ),
                    Lang::En => format!(
                        "dossier {reference} as stored in the database no longer reads as a dossier: the file was changed outside Jury or damaged. « jury verify --db {p} » says what changed; « jury restore --db {p} » lists the backups to restore. Nothing was changed.",
                        p = path.display()
                    ),
                },
            ),
            DiskIo(p, e) => lang.located(
                p.display(),
                format!(
                    "{} ({e})",
                    lang.t(
                        "le disque n'a pas pu lire ou écrire la base : le support a peut-être été retiré ou est défaillant. Vérifiez-le puis relancez Jury ; la dernière action n'a pas été enregistrée.",
                        "the disk could not read or write the database: the drive may have been removed or be failing. Check it, then start Jury again; the last action was not saved.",
                    )
                ),
            ),
            ReadOnly(p) => lang.located_t(
                p.display(),
                "base en lecture seule. Vérifiez les droits du fichier et de son dossier, ou choisissez un autre emplacement avec --db.",
                "read-only database. Check the permissions of the file and of its folder, or choose another place with --db.",
            ),
            Full(p) => lang.located_t(
                p.display(),
                "disque plein. Libérez de la place puis recommencez ; la dernière action n'a pas été enregistrée, les précédentes le sont.",
                "disk full. Free some space and try again; the last action was not saved, the earlier ones are.",
            ),
            NotADatabase(p) => lang.located_t(
                p.display(),
                "ce fichier n'est pas une base Jury (ou il est endommagé). Indiquez un autre fichier avec --db.",
                "this file is not a Jury database (or it is damaged). Give another file with --db.",
            ),
            Encrypted(p) => match lang {
                Lang::Fr => format!(
                    "Cette base est chiffrée : {} ; sa phrase secrète est demandée à l'ouverture (ou --passphrase-file FICHIER).",
                    p.display()
                ),
                Lang::En => format!(
                    "This database is encrypted: {}; its passphrase is asked when opening it (or --passphrase-file FILE).",
                    p.display()
                ),
            },
            WrongPassphrase(p) => match lang {
                Lang::Fr => format!(
                    "Phrase secrète incorrecte pour {} (ou ce fichier n'est pas une base Jury) ; rien n'a été modifié.",
                    p.display()
                ),
                Lang::En => format!(
                    "Wrong passphrase for {} (or this file is not a Jury database); nothing was changed.",
                    p.display()
                ),
            },
            NotEncrypted(p) => match lang {
                Lang::Fr => format!(
                    "{} : cette base existe déjà en clair. Pour la chiffrer : jury encrypt --db {}",
                    p.display(),
                    p.display()
                ),
                Lang::En => format!(
                    "{}: this database already exists unencrypted. To encrypt it: jury encrypt --db {}",
                    p.display(),
                    p.display()
                ),
            },
            BadBackup(p, why) => lang.located(
                p.display(),
                // `why` may be a whole sentence already.
                match (lang, why.trim_end_matches('.')) {
                    (Lang::Fr, why) => format!("sauvegarde non restaurée : {why}. La base actuelle est inchangée."),
                    (Lang::En, why) => format!("backup not restored: {why}. The current database is unchanged."),
                },
            ),
            Moved(p) => match lang {
                Lang::Fr => format!(
                    "La base a été déplacée ou supprimée pendant que Jury tournait : rien n'a été enregistré. Relancez Jury sur le bon fichier ({}).",
                    p.display()
                ),
                Lang::En => format!(
                    "The database was moved or deleted while Jury was running: nothing was saved. Start Jury again on the right file ({}).",
                    p.display()
                ),
            },
            TooNew { path, version } => lang.located(
                path.display(),
                match lang {
                    Lang::Fr => format!(
                        "base créée par une version plus récente de Jury (schéma {version}). Mettez Jury à jour."
                    ),
                    Lang::En => format!(
                        "database made by a newer version of Jury (schema {version}). Update Jury."
                    ),
                },
            ),
            OtherCall {
                path,
                expected,
                found,
            } => lang.located(
                path.display(),
                match lang {
                    Lang::Fr => format!(
                        "cette base appartient à l'appel « {found} », pas à « {expected} ». Indiquez la bonne base avec --db."
                    ),
                    Lang::En => format!(
                        "this database belongs to the call “{found}”, not “{expected}”. Give the right database with --db."
                    ),
                },
            ),
            Refused(why) => why.message(lang),
            NoRandomness(e) => format!(
                "{} ({e})",
                lang.t(
                    "le système n'a pas fourni d'aléa pour créer une clé : aucun lot n'a été remis. Réessayez ; si l'erreur revient, signalez-la à l'assistance.",
                    "the system gave no randomness to create a key: no bundle was issued. Try again; if the error comes back, report it to support.",
                )
            ),
            Io(p, e) => lang.located(p.display(), lang.io_error(e)),
            Sql(p, e) => lang.located(
                p.display(),
                format!(
                    "{} ({e})",
                    lang.t(
                        "erreur inattendue de la base : la dernière action n'a pas été enregistrée. Relancez Jury ; si l'erreur revient, lancez « jury verify --db » sur ce fichier et transmettez ce message à l'assistance.",
                        "unexpected database error: the last action was not saved. Start Jury again; if the error comes back, run “jury verify --db” on this file and pass this message on to support.",
                    )
                ),
            ),
        }
    }
}

/// Who holds a locked database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    /// Another Jury: its process number when it wrote one in the lock file.
    Jury(Option<u32>),
    /// Not Jury (no process number in the lock file, or SQLite busy).
    Other,
}

/// A change the data does not allow, and why, for the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    MemberExists,
    /// Setting up a committee that already has members.
    CommitteeAlreadySetUp,
    SessionAlreadyOpen,
    SessionAlreadyClosed,
    /// A decision in a closed session.
    DecisionsFrozen,
    /// A decision or a consensus score from a member in conflict of
    /// interest on the dossier.
    InConflict,
    /// Correcting, accepting or asking pieces for a dossier on which the
    /// member declared a conflict of interest.
    EditInConflict,
    /// The call's outcome in a closed session.
    SessionClosed,
    NothingToUndo,
    /// Undoing a decision of a closed session.
    DecisionFrozen,
    /// The audit action (`session.open`…) that cannot be undone.
    CannotUndo(String),
    LetterNotGenerated,
    LetterNotSent,
    /// A letter marked sent before the date it carries.
    SentBeforeSigned(jury_core::dates::SentBeforeSigned),
    /// Exporting a packet from a database bound to no call.
    NoCall,
    /// Exporting the packet of someone who is not a member; the members.
    NotAMember {
        member: String,
        members: Vec<String>,
    },
    /// Importing a packet into a database bound to no call.
    NoCallForPacket,
    PacketFormat(String),
    PacketAltered,
    PacketInvalid(#[source] PacketError),
    PacketOtherCall {
        member: String,
        packet_call: String,
        call: String,
    },
    /// What is wrong with a packet's content, every problem at once.
    PacketProblems {
        member: String,
        problems: Vec<PacketProblem>,
    },
    MergeConflictSettled,
    /// No bundle was ever issued to the packet's member with `--for`.
    PacketNoKey(String),
    /// The packet's mac does not verify with the key issued to its member
    /// (or names a key never issued to them).
    PacketWrongKey(String),
    /// Written with a key since replaced by a newer bundle: the member, and
    /// when the newer bundle was issued.
    PacketKeyReplaced {
        member: String,
        since: String,
    },
    /// Scored on a grid other than the chair's current one.
    PacketOtherGrid(String),
    /// Exporting with the key issued to someone else.
    KeyOfAnother {
        member: String,
        holder: String,
    },
    /// Exporting with a key issued for another call.
    KeyOfAnotherCall {
        key_call: String,
        call: String,
    },
    /// Anonymising a log that holds personal texts in clear (written
    /// before they were kept apart): the first such event.
    PersonalInClear(i64),
    /// Anonymising a database whose every dossier already is.
    AlreadyAnonymised,
    /// A change to the rapporteurs refused (role, conflict, who scores).
    Assign(jury_core::assign::AssignRefusal),
    /// A withdrawal or a promotion refused (no final acceptance, already
    /// withdrawn or promoted, no open session).
    Withdrawal(jury_core::withdrawal::WithdrawalError),
    /// Moving, swapping or fixing a candidate who has no audition slot.
    NotScheduled,
    /// Moving a candidate onto the slot of another (named): swap them.
    SlotTaken(String),
    /// An institution's validation of a session that is still open.
    ValidateOpenSession,
}

/// One reason a packet's content does not fit the chair's database.
#[derive(Debug)]
pub enum PacketProblem {
    MissingDossiers(Vec<String>),
    /// `reference/criterion`.
    UnknownCriteria(Vec<String>),
    OffScale {
        min: f64,
        max: f64,
        /// `reference/criterion` and the score.
        scores: Vec<(String, f64)>,
    },
}

impl Refusal {
    pub fn message(&self, lang: Lang) -> String {
        use Refusal::*;
        let fr = lang == Lang::Fr;
        let t = |fr, en| lang.t(fr, en).to_string();
        match self {
            MemberExists => t("Ce membre existe déjà.", "This member already exists."),
            Assign(refusal) => refusal.message(lang),
            Withdrawal(refusal) => refusal.message(lang),
            CommitteeAlreadySetUp => t(
                "Le comité est déjà composé : la présidence ajoute les membres depuis la vue comité.",
                "The committee is already set up: the chair adds members from the committee view.",
            ),
            SessionAlreadyOpen => t(
                "Une séance est déjà ouverte : fermez-la d'abord.",
                "A session is already open: close it first.",
            ),
            SessionAlreadyClosed => t(
                "Cette séance est déjà close.",
                "This session is already closed.",
            ),
            DecisionsFrozen => t(
                "La séance est close : ses décisions sont figées.",
                "The session is closed: its decisions are frozen.",
            ),
            InConflict => t(
                "Vous êtes en conflit d'intérêts sur ce dossier : sa décision revient à un autre membre de la présidence ou du secrétariat.",
                "You are in conflict of interest on this dossier: its decision falls to another chair or secretary member.",
            ),
            EditInConflict => t(
                "Vous êtes en conflit d'intérêts sur ce dossier : le compléter, le corriger ou y demander des pièces revient à un autre membre de la présidence ou du secrétariat.",
                "You are in conflict of interest on this dossier: completing, correcting it or asking for its pieces falls to another chair or secretary member.",
            ),
            SessionClosed => t("La séance est close.", "The session is closed."),
            NothingToUndo => t("Rien à annuler.", "Nothing to undo."),
            DecisionFrozen => t(
                "Décision figée : la séance est close.",
                "Decision frozen: the session is closed.",
            ),
            CannotUndo(action) => {
                let label = super::committee::action_label(action, lang);
                if fr {
                    format!("La dernière action ({label}) ne peut pas être annulée.")
                } else {
                    format!("The last action ({label}) cannot be undone.")
                }
            }
            LetterNotGenerated => t("Générez d'abord le courrier.", "Generate the letter first."),
            LetterNotSent => t(
                "Le courrier n'est pas marqué envoyé.",
                "The letter is not marked as sent.",
            ),
            SentBeforeSigned(e) => e.message(lang),
            PersonalInClear(id) => match lang {
                Lang::Fr => format!(
                    "Anonymisation impossible sans briser le journal d'audit : cette base a été tenue par une version de Jury qui inscrivait commentaires, motifs et justifications en clair dans les événements scellés (le premier : événement n° {id}). Les effacer changerait l'empreinte de ces événements et de tous les suivants. Rien n'a été modifié. Conservez la base dans un lieu protégé (chiffrée) jusqu'à sa destruction, ou détruisez-la entière après avoir archivé le procès-verbal signé."
                ),
                Lang::En => format!(
                    "Cannot anonymise without breaking the audit log: this database was kept by a version of Jury that wrote comments, reasons and justifications in clear into the sealed events (the first: event no. {id}). Erasing them would change the fingerprint of those events and of every later one. Nothing was changed. Keep the database somewhere protected (encrypted) until it is destroyed, or destroy it whole once the signed minutes are archived."
                ),
            },
            AlreadyAnonymised => t(
                "Cette base est déjà anonymisée : aucun dossier à traiter.",
                "This database is already anonymised: no dossier left.",
            ),
            NotScheduled => t(
                "Ce candidat n'a pas de créneau d'audition : proposez d'abord un calendrier.",
                "This candidate has no audition slot: propose a timetable first.",
            ),
            ValidateOpenSession => t(
                "Cette séance est encore ouverte : les institutions valident les décisions d'une séance close.",
                "This session is still open: institutions validate the decisions of a closed session.",
            ),
            SlotTaken(other) => match lang {
                Lang::Fr => format!(
                    "Ce créneau est celui de {other} : échangez-les plutôt, rien n'a été modifié."
                ),
                Lang::En => {
                    format!("This slot is {other}'s: swap them instead, nothing was changed.")
                }
            },
            NoCall => t(
                "Cette base n'est liée à aucun appel : ouvrez d'abord l'appel dans Jury.",
                "This database is bound to no call: open the call in Jury first.",
            ),
            NotAMember { member, members } => {
                let none = t("aucun", "none");
                let list = if members.is_empty() {
                    none
                } else {
                    members.join(", ")
                };
                if fr {
                    format!(
                        "« {member} » n'est pas membre du comité dans cette base. Membres : {list}."
                    )
                } else {
                    format!(
                        "“{member}” is not a committee member in this database. Members: {list}."
                    )
                }
            }
            NoCallForPacket => t(
                "Cette base n'est liée à aucun appel : ouvrez d'abord l'appel dans Jury. Rien n'a été importé.",
                "This database is bound to no call: open the call in Jury first. Nothing was imported.",
            ),
            PacketFormat(found) => {
                if fr {
                    format!(
                        "Paquet au format « {found} » : cette version de Jury lit « {PACKET_FORMAT} ». Rien n'a été importé."
                    )
                } else {
                    format!(
                        "Packet in format “{found}”: this version of Jury reads “{PACKET_FORMAT}”. Nothing was imported."
                    )
                }
            }
            PacketAltered => t(
                "Paquet altéré : son contenu ne correspond plus à son empreinte. Rien n'a été importé.",
                "Altered packet: its content no longer matches its fingerprint. Nothing was imported.",
            ),
            PacketInvalid(e) => format!(
                "{} {}",
                e.message(lang),
                lang.t("Rien n'a été importé.", "Nothing was imported.")
            ),
            PacketOtherCall {
                member,
                packet_call,
                call,
            } => {
                if fr {
                    format!(
                        "Ce paquet de « {member} » concerne l'appel « {packet_call} », pas « {call} » : rien n'a été importé."
                    )
                } else {
                    format!(
                        "This packet from “{member}” is for the call “{packet_call}”, not “{call}”: nothing was imported."
                    )
                }
            }
            PacketProblems { member, problems } => {
                let list: Vec<String> = problems.iter().map(|p| p.message(lang)).collect();
                let head = if fr {
                    format!("Paquet de « {member} » refusé, rien n'a été importé :")
                } else {
                    format!("Packet from “{member}” refused, nothing was imported:")
                };
                format!("{head}\n- {}", list.join("\n- "))
            }
            MergeConflictSettled => t(
                "Ce désaccord est déjà tranché.",
                "This disagreement is already settled.",
            ),
            PacketNoKey(member) => {
                if fr {
                    format!(
                        "Aucun lot n'a été remis à « {member} » depuis cette base : rien n'a été importé. Remettez-lui son lot (« jury bundle --for \"{member}\" »), puis demandez-lui d'exporter à nouveau son paquet."
                    )
                } else {
                    format!(
                        "No bundle was issued to “{member}” from this database: nothing was imported. Issue their bundle (“jury bundle --for \"{member}\"”), then ask them to export their packet again."
                    )
                }
            }
            PacketWrongKey(member) => {
                if fr {
                    format!(
                        "Le paquet n'a pas été écrit avec la clé remise à « {member} » : il a été modifié ou écrit par quelqu'un d'autre. Rien n'a été importé ; demandez à « {member} » d'exporter à nouveau son paquet et de vous le remettre en main propre."
                    )
                } else {
                    format!(
                        "The packet was not written with the key issued to “{member}”: it was altered or written by someone else. Nothing was imported; ask “{member}” to export their packet again and hand it to you in person."
                    )
                }
            }
            PacketKeyReplaced { member, since } => {
                let since = lang.moment(since);
                if fr {
                    format!(
                        "Ce paquet de « {member} » a été écrit avec une clé remplacée par le lot remis le {since} : rien n'a été importé. Demandez-lui d'ouvrir ce dernier lot, puis d'exporter à nouveau son paquet."
                    )
                } else {
                    format!(
                        "This packet from “{member}” was written with a key replaced by the bundle issued on {since}: nothing was imported. Ask them to open that latest bundle, then export their packet again."
                    )
                }
            }
            PacketOtherGrid(member) => {
                if fr {
                    format!(
                        "Le paquet de « {member} » a été noté sur une autre grille que celle de l'appel (critère, libellé, poids ou échelle différents) : rien n'a été importé. Remettez-lui un lot à jour (« jury bundle --for »), puis demandez-lui de vérifier ses notes et d'exporter à nouveau."
                    )
                } else {
                    format!(
                        "The packet from “{member}” was scored on another grid than the call's (a criterion, label, weight or scale differs): nothing was imported. Issue them an up-to-date bundle (“jury bundle --for”), then ask them to check their scores and export again."
                    )
                }
            }
            KeyOfAnother { member, holder } => {
                if fr {
                    format!(
                        "Ce dossier d'appel a été installé depuis le lot remis à « {holder} » : il ne peut pas signer le paquet de « {member} ». Aucun paquet n'a été écrit."
                    )
                } else {
                    format!(
                        "This call folder was installed from the bundle issued to “{holder}”: it cannot sign the packet of “{member}”. No packet was written."
                    )
                }
            }
            KeyOfAnotherCall { key_call, call } => {
                if fr {
                    format!(
                        "La clé de ce dossier d'appel a été remise pour l'appel « {key_call} », pas « {call} ». Aucun paquet n'a été écrit."
                    )
                } else {
                    format!(
                        "This call folder's key was issued for the call “{key_call}”, not “{call}”. No packet was written."
                    )
                }
            }
        }
    }
}

impl PacketProblem {
    fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            PacketProblem::MissingDossiers(refs) => {
                let n = refs.len();
                let list = refs.join(", ");
                match (fr, n >= 2) {
                    (true, false) => format!("{n} dossier absent de cette base : {list}"),
                    (true, true) => format!("{n} dossiers absents de cette base : {list}"),
                    (false, false) => format!("{n} dossier missing from this database: {list}"),
                    (false, true) => format!("{n} dossiers missing from this database: {list}"),
                }
            }
            PacketProblem::UnknownCriteria(keys) => format!(
                "{} {}",
                lang.t(
                    "critères inconnus de cet appel :",
                    "criteria unknown to this call:"
                ),
                keys.join(", ")
            ),
            PacketProblem::OffScale { min, max, scores } => {
                let list: Vec<String> = scores
                    .iter()
                    .map(|(key, v)| format!("{key} = {}", lang.score(*v)))
                    .collect();
                format!(
                    "{} {} – {}{}{}",
                    lang.t("notes hors de l'échelle", "scores outside the scale"),
                    lang.score(*min),
                    lang.score(*max),
                    lang.t(" : ", ": "),
                    list.join(", ")
                )
            }
        }
    }
}

jury_core::french_display!(StoreError, Refusal);

pub(super) fn io_error(path: &Path, e: std::io::Error) -> StoreError {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            StoreError::ReadOnly(path.into())
        }
        std::io::ErrorKind::StorageFull => StoreError::Full(path.into()),
        _ => StoreError::Io(path.into(), e),
    }
}

pub(super) fn sql_error(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::ReadOnly)
        | Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::PermissionDenied) => StoreError::ReadOnly(path.into()),
        Some(ErrorCode::DiskFull) => StoreError::Full(path.into()),
        Some(ErrorCode::NotADatabase) => StoreError::NotADatabase(path.into()),
        // Jury's own lock file keeps other Jurys out: SQLite busy is someone else.
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            StoreError::Locked(path.into(), Holder::Other)
        }
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt(path.into()),
        Some(ErrorCode::SystemIoFailure) => StoreError::DiskIo(path.into(), e),
        _ => StoreError::Sql(path.into(), e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_in_both_languages() {
        let e = StoreError::from(Refusal::PacketProblems {
            member: "Agnès".into(),
            problems: vec![
                PacketProblem::MissingDossiers(vec!["A-1".into(), "A-2".into()]),
                PacketProblem::OffScale {
                    min: 0.0,
                    max: 5.0,
                    scores: vec![("A-3/x".into(), 7.5)],
                },
            ],
        });
        assert_eq!(
            e.to_string(),
            "Paquet de « Agnès » refusé, rien n'a été importé :\n- 2 dossiers absents de cette base : A-1, A-2\n- notes hors de l'échelle 0 – 5 : A-3/x = 7,5"
        );
        assert_eq!(
            e.message(Lang::En),
            "Packet from “Agnès” refused, nothing was imported:\n- 2 dossiers missing from this database: A-1, A-2\n- scores outside the scale 0 – 5: A-3/x = 7.5"
        );
        let undo = Refusal::CannotUndo("session.open".into());
        assert_eq!(
            undo.to_string(),
            "La dernière action (ouverture de séance) ne peut pas être annulée."
        );
        assert_eq!(
            undo.message(Lang::En),
            "The last action (session opening) cannot be undone."
        );
    }

    #[test]
    fn authentication_refusals_in_both_languages() {
        let wrong = Refusal::PacketWrongKey("Julien".into());
        assert!(
            wrong
                .to_string()
                .starts_with("Le paquet n'a pas été écrit avec la clé remise à « Julien » :"),
            "{wrong}"
        );
        assert!(
            wrong
                .message(Lang::En)
                .starts_with("The packet was not written with the key issued to “Julien”:"),
        );
        let replaced = Refusal::PacketKeyReplaced {
            member: "Julien".into(),
            since: "2026-11-30T18:00:00.000Z".into(),
        };
        assert!(
            replaced
                .message(Lang::En)
                .contains("replaced by the bundle issued on 30 November 2026 at 19:00"),
            "{}",
            replaced.message(Lang::En)
        );
        for r in [
            Refusal::PacketNoKey("Julien".into()),
            Refusal::PacketOtherGrid("Julien".into()),
        ] {
            assert!(r.to_string().contains("rien n'a été importé"), "{r}");
            assert!(r.message(Lang::En).contains("nothing was imported"), "{r}");
        }
        let other = Refusal::KeyOfAnother {
            member: "Paul".into(),
            holder: "Julien".into(),
        };
        assert!(other.message(Lang::En).contains("No packet was written."));
        assert!(other.to_string().contains("Aucun paquet n'a été écrit."));
    }

    #[test]
    fn file_errors_name_the_file_in_both_languages() {
        let e = StoreError::Locked("jury.sqlite".into(), Holder::Jury(None));
        assert!(
            e.to_string()
                .starts_with("jury.sqlite : la base est déjà ouverte")
        );
        assert!(
            e.message(Lang::En)
                .starts_with("jury.sqlite: the database is already open in another Jury.")
        );
    }
}
