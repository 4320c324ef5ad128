//! Why a bundle was not written or not installed, in French or English.
//! Every refusal says that nothing was written (or installed): a bundle is
//! all or nothing.

use super::FORMAT;
use crate::io::files::FileError;
use crate::store::StoreError;
use jury_core::fr::Lang;
use jury_core::json::Diag;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The database (its path) is bound to no call.
    NoCall(PathBuf),
    /// The database (its path) lacks the call's text.
    NoCallText(PathBuf),
    Store(#[from] StoreError),
    /// The call folder given holds another call.
    WrongCallFolder {
        dir: PathBuf,
        found: String,
        expected: String,
    },
    /// The call folder given does not read; its first problem.
    UnreadableCallFolder {
        dir: PathBuf,
        first: Option<Diag>,
    },
    MissingAttachments {
        missing: Vec<MissingAttachment>,
        /// Where they were looked for, if the call folder is known.
        searched: Option<PathBuf>,
    },
    File(#[from] FileError),
    NotWritten(#[source] WriteFailure),
    /// The bundle file (its path) is refused before anything is installed.
    Unpack(PathBuf, #[source] UnpackError),
    /// The folder the bundle would replace (its path) holds something else.
    Target(PathBuf, TargetProblem),
    /// No user data directory to install bundles in.
    NoDataDir,
    /// The chair's record is not intact (`jury verify` says why): no
    /// bundle carries it to a member. Its first anomaly and their count.
    RecordAltered {
        first: String,
        count: usize,
    },
    /// The record could not be checked (a damaged file, a wrong key).
    Verify(crate::store::audit::VerifyError),
    /// `jury bundle` without `--for`: the call's members, to choose from.
    NoMember(Vec<String>),
    /// `--for` named nobody of the committee: as typed, what it resembles,
    /// the members.
    NotAMember {
        typed: String,
        found: jury_core::names::Found,
        members: Vec<String>,
    },
    /// The call was installed before from a bundle signed by another chair
    /// key: the call, the key pinned then, the key of this bundle (spoken
    /// fingerprints). Nothing installed.
    ChairKeyChanged {
        call_id: String,
        pinned: String,
        found: String,
    },
    /// Exporting a packet from a call folder (its path, if known) that was
    /// not installed from a bundle issued with `--for`.
    NoCredential(Option<PathBuf>),
    /// The member key file (its path) does not read.
    BadCredential(PathBuf, CredentialProblem),
    /// A sealed bundle (its path) that its password does not open: a wrong
    /// password, or a byte changed on the way. Nothing installed.
    Sealed(PathBuf, #[source] crate::io::seal::SealError),
}

/// What is wrong with a member key file.
#[derive(Debug)]
pub enum CredentialProblem {
    /// Not the JSON expected, in serde's words.
    Json(String),
    /// Another format (its name, cut to 40 characters).
    Format(String),
    /// The secret is not hex, or not the key the file names.
    Secret,
}

impl CredentialProblem {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CredentialProblem::Json(e), _) => e.clone(),
            (CredentialProblem::Format(f), Lang::Fr) => format!("format « {f} » inconnu"),
            (CredentialProblem::Format(f), Lang::En) => format!("unknown format “{f}”"),
            (CredentialProblem::Secret, _) => lang
                .t(
                    "secret illisible ou ne correspondant pas à la clé",
                    "secret unreadable or not matching the key",
                )
                .into(),
        }
    }
}

/// An attachment the bundle cannot carry.
#[derive(Debug)]
pub struct MissingAttachment {
    /// The dossiers listing it, joined.
    pub dossiers: String,
    pub path: String,
    pub why: Missing,
}

#[derive(Debug)]
pub enum Missing {
    /// The path itself leaves the call folder.
    UnsafePath,
    /// No call folder to look in.
    NoFolder,
    Io(std::io::Error),
    /// A link leading out of the call folder.
    Escapes,
    NotAFile,
}

/// Writing the bundle's temporary file failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteFailure {
    File(#[from] FileError),
    Zip(PathBuf, #[source] zip::result::ZipError),
    /// An attachment changed while it was copied.
    Changed(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum UnpackError {
    NotABundle {
        empty: bool,
    },
    Altered(Alteration),
    NoFormat,
    FutureFormat(String),
    UnknownFormat(String),
    /// A listed path that leaves the call folder.
    UnsafePath(String),
    /// The bundle's appel.json does not read.
    UnreadableCall(Vec<Diag>),
    File(#[from] FileError),
    /// A `jury-bundle/1`: not signed, not issued to one member.
    Unsigned,
}

/// How a bundle turns out cut short or edited.
#[derive(Debug)]
pub enum Alteration {
    /// zip's own words.
    Archive(String),
    ManifestMissing,
    ManifestUnreadable(String),
    ManifestInvalid(String),
    EmptyCallId,
    ListedTwice(String),
    NoCallFile,
    Unlisted(String),
    EntryMissing(String),
    WrongSize {
        path: String,
        size: u64,
        listed: u64,
    },
    EntryUnreadable(String, String),
    Fingerprint(String),
    /// The call the manifest announces, the one appel.json holds.
    CallMismatch {
        listed: String,
        found: String,
    },
    SignatureMissing,
    /// The chair key or the signature is not what Ed25519 reads.
    SignatureUnreadable,
    /// The signature does not verify: the manifest (so some file) was
    /// changed after the chair signed it.
    SignatureInvalid,
    /// The member key file is missing, unreadable or not the one the
    /// manifest announces.
    Credential,
}

#[derive(Debug)]
pub enum TargetProblem {
    NotAFolder,
    OtherCall {
        found: String,
        expected: String,
    },
    UnreadableCall,
    /// Not empty and not a call folder.
    Occupied,
}

impl BundleError {
    pub fn message(&self, lang: Lang) -> String {
        use BundleError::*;
        match self {
            NoCall(db) => open_with(
                lang,
                db,
                "cette base n'est liée à aucun appel. Ouvrez d'abord l'appel avec",
                "this database is bound to no call. Open the call first with",
            ),
            NoCallText(db) => open_with(
                lang,
                db,
                "le texte de l'appel manque dans la base. Rouvrez l'appel avec",
                "the call's text is missing from the database. Open the call again with",
            ),
            Store(e) => e.message(lang),
            WrongCallFolder {
                dir,
                found,
                expected,
            } => not_written(
                lang,
                lang.located(
                    dir.display(),
                    match lang {
                        Lang::Fr => format!("ce dossier contient l'appel « {found} », pas « {expected} »"),
                        Lang::En => format!("this folder holds the call “{found}”, not “{expected}”"),
                    },
                ),
            ),
            UnreadableCallFolder { dir, first } => {
                let first = first.as_ref().map(Diag::to_string).unwrap_or_default();
                let why = format!(
                    "{} ({first})",
                    lang.t("dossier de l'appel illisible", "unreadable call folder")
                );
                not_written(lang, lang.located(dir.display(), why))
            }
            MissingAttachments { missing, searched } => {
                let list: Vec<String> = missing.iter().map(|m| m.message(lang)).collect();
                let hint = match searched {
                    None => lang
                        .t(
                            "Le dossier de l'appel (celui qui contient appel.json et pieces/) n'est pas connu de cette base : indiquez-le.",
                            "The call folder (the one holding appel.json and pieces/) is not known to this database: give it.",
                        )
                        .to_string(),
                    Some(d) => format!(
                        "{} {}.",
                        lang.t("Pièces cherchées dans", "Attachments looked for in"),
                        d.display()
                    ),
                };
                format!(
                    "{}\n- {}\n{hint}",
                    lang.t(
                        "Pièces jointes introuvables, aucun lot n'a été écrit :",
                        "Attachments not found, no bundle was written:"
                    ),
                    list.join("\n- ")
                )
            }
            File(e) => e.message(lang),
            NotWritten(why) => not_written(lang, why.message(lang)),
            Unpack(bundle, why) => lang.located(bundle.display(), why.message(lang)),
            Target(target, problem) => format!("{} {}", target.display(), problem.message(lang)),
            RecordAltered { first, count } => match lang {
                Lang::Fr => format!(
                    "registre altéré hors de Jury ({count} anomalie(s), dont : {first}) : aucun lot n'est remis sur ce registre ; lancez jury verify --db"
                ),
                Lang::En => format!(
                    "record altered outside Jury ({count} problem(s), including: {first}): no bundle is issued over it; run jury verify --db"
                ),
            },
            Verify(e) => e.message(lang),
            NoDataDir => lang
                .t(
                    "dossier de données de l'utilisateur introuvable : impossible d'installer le lot (définissez HOME).",
                    "no user data folder: the bundle cannot be installed (set HOME).",
                )
                .into(),
            NoMember(members) => format!(
                "{}\n{}",
                lang.t(
                    "Indiquez à quel membre ce lot est remis : --for \"NOM\". Chaque membre reçoit son propre lot, avec la clé qui authentifie ses paquets ; aucun lot n'a été écrit.",
                    "Say which member this bundle is for: --for \"NAME\". Each member gets their own bundle, with the key that authenticates their packets; no bundle was written.",
                ),
                jury_core::names::member_list(members.iter().map(String::as_str), lang)
            ),
            NotAMember {
                typed,
                found,
                members,
            } => format!(
                "{}\n{}",
                jury_core::names::refusal(typed, found, members.iter().map(String::as_str), lang),
                lang.t("Aucun lot n'a été écrit.", "No bundle was written.")
            ),
            ChairKeyChanged {
                call_id,
                pinned,
                found,
            } => match lang {
                Lang::Fr => format!(
                    "Lot refusé : l'appel « {call_id} » a été installé sur cet ordinateur depuis un lot signé par la clé de la présidence {pinned}, et celui-ci est signé par une autre clé ({found}). Il peut avoir été fabriqué par quelqu'un d'autre. Rien n'a été installé. Appelez la présidence et comparez l'empreinte de sa clé ; si elle a vraiment changé de clé, supprimez le dossier de l'appel installé et l'empreinte retenue, puis rouvrez le lot."
                ),
                Lang::En => format!(
                    "Bundle refused: the call “{call_id}” was installed on this computer from a bundle signed by the chair's key {pinned}, and this one is signed by another key ({found}). Someone else may have made it. Nothing was installed. Call the chair and compare their key's fingerprint; if they really changed keys, remove the installed call folder and the pinned fingerprint, then open the bundle again."
                ),
            },
            Sealed(bundle, _) => lang.located_t(
                bundle.display(),
                "mot de passe du lot incorrect, ou lot altéré en route : rien n'a été installé. Vérifiez le mot de passe que la présidence vous a donné (les tirets et les espaces ne comptent pas).",
                "wrong bundle password, or the bundle was altered on the way: nothing was installed. Check the password the chair gave you (dashes and spaces do not matter).",
            ),
            NoCredential(dir) => {
                let why = lang.t(
                    "ce dossier d'appel n'a pas été installé depuis un lot remis à un membre (« jury bundle --for NOM ») : il n'a pas de clé pour authentifier le paquet. Demandez à la présidence votre propre lot, ouvrez-le avec Jury, puis exportez à nouveau ; aucun paquet n'a été écrit.",
                    "this call folder was not installed from a bundle issued to a member (“jury bundle --for NAME”): it has no key to authenticate the packet. Ask the chair for your own bundle, open it with Jury, then export again; no packet was written.",
                );
                match dir {
                    Some(d) => lang.located(d.display(), why),
                    None => why.to_string(),
                }
            }
            BadCredential(path, why) => lang.located(
                path.display(),
                format!(
                    "{} ({}) ; {}",
                    lang.t("clé du membre illisible", "unreadable member key"),
                    why.message(lang),
                    lang.t(
                        "rouvrez le lot remis par la présidence, puis exportez à nouveau. Aucun paquet n'a été écrit.",
                        "open the bundle from the chair again, then export again. No packet was written.",
                    )
                ),
            ),
        }
    }
}

/// "why ; aucun lot n'a été écrit."
fn not_written(lang: Lang, why: String) -> String {
    format!(
        "{why}{}",
        lang.t(" ; aucun lot n'a été écrit.", "; no bundle was written.")
    )
}

/// "db : why, then open the call with `jury … --db db`."
fn open_with(lang: Lang, db: &std::path::Path, fr: &str, en: &str) -> String {
    let db = db.display();
    match lang {
        Lang::Fr => format!("{db} : {fr} « jury DOSSIER_APPEL --db {db} »."),
        Lang::En => format!("{db}: {en} “jury CALL_FOLDER --db {db}”."),
    }
}

impl MissingAttachment {
    fn message(&self, lang: Lang) -> String {
        let (who, rel) = (&self.dossiers, &self.path);
        let why = match &self.why {
            Missing::UnsafePath => {
                return lang.located(
                    who,
                    match lang {
                        Lang::Fr => format!("« {rel} » sort du dossier de l'appel"),
                        Lang::En => format!("“{rel}” leaves the call folder"),
                    },
                );
            }
            Missing::NoFolder => return lang.located(who, rel),
            Missing::Io(e) => lang.io_error(e),
            Missing::Escapes => lang
                .t(
                    "mène hors du dossier de l'appel",
                    "leads out of the call folder",
                )
                .into(),
            Missing::NotAFile => lang.t("ce n'est pas un fichier", "not a file").into(),
        };
        lang.located(who, format!("{rel} ({why})"))
    }
}

impl WriteFailure {
    fn message(&self, lang: Lang) -> String {
        match self {
            WriteFailure::File(e) => e.message(lang),
            WriteFailure::Zip(path, zip::result::ZipError::Io(e)) => {
                lang.located(path.display(), lang.io_error(e))
            }
            WriteFailure::Zip(path, e) => lang.located(path.display(), e),
            WriteFailure::Changed(path) => format!(
                "{} {}",
                path.display(),
                lang.t(
                    "a changé pendant l'écriture du lot : recommencez",
                    "changed while the bundle was written: start again"
                )
            ),
        }
    }
}

impl UnpackError {
    /// The bundle's own strings (its format, paths, call id, the zip
    /// library's quote of them) may hold control characters: they are shown
    /// as escapes, never sent to the terminal.
    fn message(&self, lang: Lang) -> String {
        jury_core::fr::visible(&self.text(lang)).into_owned()
    }

    fn text(&self, lang: Lang) -> String {
        use UnpackError::*;
        let fr = lang == Lang::Fr;
        let nothing = lang.t("Rien n'a été installé.", "Nothing was installed.");
        match self {
            NotABundle { empty } => format!(
                "{}{}.",
                lang.t(
                    "ce fichier n'est pas un lot Jury (écrit par « jury bundle »)",
                    "this file is not a Jury bundle (written by “jury bundle”)"
                ),
                if *empty {
                    lang.t(", ou il est vide", ", or it is empty")
                } else {
                    ""
                }
            ),
            Altered(why) => {
                if fr {
                    format!(
                        "lot tronqué ou modifié : {}. Rien n'a été installé ; demandez à la présidence un nouveau lot.",
                        why.message(lang)
                    )
                } else {
                    format!(
                        "bundle cut short or altered: {}. Nothing was installed; ask the chair for a new bundle.",
                        why.message(lang)
                    )
                }
            }
            NoFormat => lang
                .t(
                    "ce fichier n'est pas un lot Jury (manifeste sans « format »).",
                    "this file is not a Jury bundle (manifest without “format”).",
                )
                .into(),
            FutureFormat(format) => {
                if fr {
                    format!(
                        "lot au format « {format} », créé par une version plus récente de Jury : mettez Jury à jour pour l'ouvrir (cette version lit « {FORMAT} »). {nothing}"
                    )
                } else {
                    format!(
                        "bundle in format “{format}”, made by a newer version of Jury: update Jury to open it (this version reads “{FORMAT}”). {nothing}"
                    )
                }
            }
            UnknownFormat(format) => {
                if fr {
                    format!(
                        "format « {format} » inconnu : un lot Jury « {FORMAT} » est attendu. {nothing}"
                    )
                } else {
                    format!(
                        "unknown format “{format}”: a Jury bundle “{FORMAT}” is expected. {nothing}"
                    )
                }
            }
            UnsafePath(path) => {
                if fr {
                    format!(
                        "lot refusé : le chemin « {path} » sort du dossier de l'appel. {nothing}"
                    )
                } else {
                    format!("bundle refused: the path “{path}” leaves the call folder. {nothing}")
                }
            }
            UnreadableCall(diags) => format!(
                "{} {}",
                lang.t(
                    "appel.json du lot illisible :",
                    "the bundle's appel.json is unreadable:"
                ),
                diags
                    .iter()
                    .map(Diag::to_string)
                    .collect::<Vec<_>>()
                    .join(" ; ")
            ),
            File(e) => e.message(lang),
            Unsigned => lang
                .t(
                    "lot de l'ancien format « jury-bundle/1 », sans signature de la présidence ni clé de membre : rien ne garantit qu'il n'a pas été modifié en route. Rien n'a été installé ; demandez à la présidence votre propre lot (« jury bundle --for NOM »).",
                    "bundle in the old format “jury-bundle/1”, without the chair's signature or a member key: nothing shows it was not altered on the way. Nothing was installed; ask the chair for your own bundle (“jury bundle --for NAME”).",
                )
                .into(),
        }
    }
}

impl Alteration {
    fn message(&self, lang: Lang) -> String {
        use Alteration::*;
        let fr = lang == Lang::Fr;
        let t = |fr: &str, en: &str| lang.t(fr, en).to_string();
        match self {
            Archive(e) => format!(
                "{} ({e})",
                lang.t("archive illisible", "unreadable archive")
            ),
            ManifestMissing => t("manifest.json manque", "manifest.json is missing"),
            ManifestUnreadable(e) => {
                format!(
                    "{} ({e})",
                    lang.t("manifest.json illisible", "manifest.json unreadable")
                )
            }
            ManifestInvalid(e) => {
                format!(
                    "{} ({e})",
                    lang.t("manifest.json invalide", "manifest.json invalid")
                )
            }
            EmptyCallId => t("identifiant d'appel vide", "empty call id"),
            ListedTwice(p) if fr => format!("« {p} » listé deux fois"),
            ListedTwice(p) => format!("“{p}” listed twice"),
            NoCallFile => t("appel.json manque", "appel.json is missing"),
            Unlisted(p) if fr => format!("« {p} » n'est pas dans le manifeste"),
            Unlisted(p) => format!("“{p}” is not in the manifest"),
            EntryMissing(p) if fr => format!("« {p} » manque"),
            EntryMissing(p) => format!("“{p}” is missing"),
            WrongSize { path, size, listed } if fr => {
                format!("« {path} » fait {size} octets, le manifeste en annonce {listed}")
            }
            WrongSize { path, size, listed } => {
                format!("“{path}” is {size} bytes, the manifest says {listed}")
            }
            EntryUnreadable(p, e) if fr => format!("« {p} » illisible ({e})"),
            EntryUnreadable(p, e) => format!("“{p}” unreadable ({e})"),
            Fingerprint(p) if fr => format!("« {p} » ne correspond pas à son empreinte"),
            Fingerprint(p) => format!("“{p}” does not match its fingerprint"),
            SignatureMissing => t(
                "la signature de la présidence (manifest.sig) manque",
                "the chair's signature (manifest.sig) is missing",
            ),
            SignatureUnreadable => t(
                "la signature ou la clé de la présidence est illisible",
                "the chair's signature or key is unreadable",
            ),
            SignatureInvalid => t(
                "la signature de la présidence ne correspond pas au manifeste (contenu modifié après sa signature)",
                "the chair's signature does not match the manifest (content changed after it was signed)",
            ),
            Credential => t(
                "la clé du membre (cle-membre.json) manque ou ne correspond pas au manifeste",
                "the member key (cle-membre.json) is missing or does not match the manifest",
            ),
            CallMismatch { listed, found } if fr => format!(
                "le manifeste annonce l'appel « {listed} », appel.json contient « {found} »"
            ),
            CallMismatch { listed, found } => {
                format!("the manifest announces the call “{listed}”, appel.json holds “{found}”")
            }
        }
    }
}

impl TargetProblem {
    /// `expected` is the bundle's call id: shown, never sent to the terminal.
    fn message(&self, lang: Lang) -> String {
        jury_core::fr::visible(&self.text(lang)).into_owned()
    }

    fn text(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            TargetProblem::NotAFolder => lang
                .t(
                    "existe déjà et n'est pas un dossier : rien n'a été installé.",
                    "already exists and is not a folder: nothing was installed.",
                )
                .into(),
            TargetProblem::OtherCall { found, expected } if fr => format!(
                "contient déjà l'appel « {found} », pas « {expected} » : il n'a pas été remplacé, rien n'a été installé."
            ),
            TargetProblem::OtherCall { found, expected } => format!(
                "already holds the call “{found}”, not “{expected}”: it was not replaced, nothing was installed."
            ),
            TargetProblem::UnreadableCall => lang
                .t(
                    "contient déjà un appel.json illisible : il n'a pas été remplacé, rien n'a été installé.",
                    "already holds an unreadable appel.json: it was not replaced, nothing was installed.",
                )
                .into(),
            TargetProblem::Occupied => lang
                .t(
                    "existe déjà et n'est pas un dossier d'appel : il n'a pas été remplacé, rien n'a été installé.",
                    "already exists and is not a call folder: it was not replaced, nothing was installed.",
                )
                .into(),
        }
    }
}

jury_core::french_display!(BundleError, WriteFailure, UnpackError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_in_both_languages() {
        let e = BundleError::MissingAttachments {
            missing: vec![MissingAttachment {
                dossiers: "A-1, A-2".into(),
                path: "pieces/a.pdf".into(),
                why: Missing::NotAFile,
            }],
            searched: Some("appel".into()),
        };
        assert_eq!(
            e.to_string(),
            "Pièces jointes introuvables, aucun lot n'a été écrit :\n- A-1, A-2 : pieces/a.pdf (ce n'est pas un fichier)\nPièces cherchées dans appel."
        );
        assert_eq!(
            e.message(Lang::En),
            "Attachments not found, no bundle was written:\n- A-1, A-2: pieces/a.pdf (not a file)\nAttachments looked for in appel."
        );
        let e = BundleError::Unpack(
            "lot.jurybundle".into(),
            UnpackError::Altered(Alteration::Fingerprint("appel.json".into())),
        );
        assert_eq!(
            e.to_string(),
            "lot.jurybundle : lot tronqué ou modifié : « appel.json » ne correspond pas à son empreinte. Rien n'a été installé ; demandez à la présidence un nouveau lot."
        );
        assert_eq!(
            e.message(Lang::En),
            "lot.jurybundle: bundle cut short or altered: “appel.json” does not match its fingerprint. Nothing was installed; ask the chair for a new bundle."
        );
        let e = BundleError::ChairKeyChanged {
            call_id: "appel".into(),
            pinned: "AAAA".into(),
            found: "BBBB".into(),
        };
        assert!(e.to_string().contains(
            "signé par la clé de la présidence AAAA, et celui-ci est signé par une autre clé (BBBB)"
        ));
        assert!(e.message(Lang::En).contains(
            "signed by the chair's key AAAA, and this one is signed by another key (BBBB)"
        ));
        let e = BundleError::Unpack(
            "lot.jurybundle".into(),
            UnpackError::Altered(Alteration::SignatureInvalid),
        );
        assert!(
            e.message(Lang::En)
                .contains("the chair's signature does not match the manifest")
        );
        let e = BundleError::NoMember(vec!["Julien".into()]);
        assert_eq!(
            e.message(Lang::En),
            "Say which member this bundle is for: --for \"NAME\". Each member gets their own bundle, with the key that authenticates their packets; no bundle was written.\nCommittee members: Julien"
        );
    }

    #[test]
    fn the_bundles_own_text_is_shown_not_sent() {
        let e = BundleError::Unpack(
            "lot.zip".into(),
            UnpackError::UnknownFormat("\r\u{1b}[2J".into()),
        );
        assert_eq!(
            e.to_string(),
            "lot.zip : format « \\u{d}\\u{1b}[2J » inconnu : un lot Jury « jury-bundle/2 » est attendu. Rien n'a été installé."
        );
        let e = BundleError::Target(
            "lots/x".into(),
            TargetProblem::OtherCall {
                found: "a".into(),
                expected: "b\u{7}".into(),
            },
        );
        assert_eq!(
            e.to_string(),
            "lots/x contient déjà l'appel « a », pas « b\\u{7} » : il n'a pas été remplacé, rien n'a été installé."
        );
    }
}
