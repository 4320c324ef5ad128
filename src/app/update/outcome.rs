//! What the runtime reports after carrying out an effect, and how the state
//! takes it in: nothing is shown as done that the database or the disk does
//! not hold, and nothing outside `update` changes the state.

use super::Change;
use crate::app::state::{HistoryLine, Mode, Score, State};
use jury_core::fr::Lang;
use jury_core::json::{Diag, Severity};
use jury_core::records::{CommitteeData, LetterRow, ScoreRow};
use std::path::PathBuf;

/// Fresh copies of what a write may have touched.
#[derive(Clone, Debug, PartialEq)]
pub struct Reload {
    pub scores: Vec<ScoreRow>,
    pub committee: CommitteeData,
    pub letters: Vec<LetterRow>,
    /// Every dossier as stored now, with its version, after a correction
    /// (None otherwise: re-reading 100 000 dossiers per decision is not free).
    pub dossiers: Option<Vec<(jury_core::dossier::Dossier, i64)>>,
    pub stale: Vec<jury_core::records::Stale>,
    pub requests: Vec<jury_core::request::PieceRequest>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A score could not be written: the screen goes back to `before`.
    ScoreNotSaved {
        reference: String,
        member: String,
        criterion: String,
        before: Option<Score>,
        error: String,
    },
    /// The member chosen at « Qui note ? » is remembered on this machine.
    ReviewerSet(String),
    ReviewerRefused(String),
    /// A committee change was written; `undone` says what an undo undid.
    Written {
        change: Change,
        undone: Option<String>,
    },
    NotWritten(String),
    /// What the database holds after a write.
    Reloaded(Box<Reload>),
    /// The call folder, read beside the app at a reopening, is taken in:
    /// its problems and the dossiers changed under their reference (the
    /// files' versions waiting to be accepted), and how many came in.
    FolderRead {
        report: Vec<Diag>,
        pending: Vec<jury_core::dossier::Dossier>,
        added: usize,
        /// Those added are the rest of a first import that was
        /// interrupted, not files that arrived since.
        resumed: bool,
        /// A dossier arrived in a call whose dossiers were all anonymised.
        personal_data: bool,
    },
    /// The call folder could not be read or taken in: why.
    FolderUnread(String),
    /// A dossier's audit trail, read.
    History {
        reference: String,
        lines: Vec<HistoryLine>,
    },
    PacketWritten {
        path: PathBuf,
        scores: usize,
    },
    /// A packet merged; the report says what it changed.
    PacketImported(String),
    MinutesWritten {
        count: usize,
        dir: PathBuf,
    },
    /// Convocations produced: what was written (« 8 convocations, 2
    /// rectificatives, 3 agendas de jury »), where, and every convocation now.
    ConvocationsWritten {
        summary: String,
        dir: PathBuf,
        convocations: Vec<jury_core::convocation::ConvocationRow>,
    },
    /// The packet files found where packets usually land (path, label).
    PacketsFound(Vec<(String, String)>),
    /// A request for missing pieces recorded, its letter written there.
    PiecesRequested {
        reference: String,
        pdf: PathBuf,
    },
    /// No letter produced: what is wrong with the templates.
    LettersRefused(Vec<String>),
    /// Letters being produced: how many are done (0 when the batch starts).
    LetterProgress {
        done: usize,
        total: usize,
        reference: String,
    },
    LettersFinished {
        total: usize,
        failed: Vec<String>,
    },
    /// The database did not exist: Jury started an empty one there.
    DatabaseCreated(PathBuf),
    /// Opened from a bundle just installed: whose it is, the chair key's
    /// spoken fingerprint, and whether this bundle pinned it (first of the
    /// call on this laptop, to be compared with the chair's).
    BundleInstalled {
        member: String,
        chair_key: String,
        first: bool,
    },
    /// Something the runtime could not do, said as it is.
    Failed(String),
}

pub(super) fn apply(s: &mut State, outcome: Outcome) {
    let lang = s.env.lang;
    match outcome {
        Outcome::ScoreNotSaved {
            reference,
            member,
            criterion,
            before,
            error,
        } => {
            // Put the screen back as the database is: nothing shown that is not kept.
            let rescored = reference.clone();
            let key = (reference, member, criterion);
            match before {
                Some(b) => {
                    s.batch.scores.insert(key, b);
                }
                None => {
                    s.batch.scores.remove(&key);
                }
            }
            s.set_error(format!("{} {error}", lang.tr(text::NOT_SAVED)));
            s.rescore(&rescored);
        }
        Outcome::ReviewerSet(name) => {
            s.set_status(format!("{} {name}", lang.tr(text::SCORING_AS)));
        }
        Outcome::ReviewerRefused(error) => {
            s.reviewer = None;
            s.set_error(error);
        }
        Outcome::Written { change, undone } => {
            // Who set up the committee acts as its member from now on.
            if let Change::SetUpCommittee { me, .. } = &change {
                s.reviewer = Some(me.clone());
            }
            if let Change::AcceptFile { reference, .. } = &change {
                s.batch.pending_files.remove(reference);
            }
            // The chair confirms the promotion next, once the withdrawal
            // is read back.
            if let Change::Withdrawal { reference, .. } = &change
                && s.is_chair()
            {
                s.committee_view.offer_promotion = Some(reference.clone());
            }
            if let Some(what) = undone {
                s.set_status(format!("{} {what}", lang.tr(text::UNDONE)));
            } else if let Some(done) = written(&change, lang) {
                s.set_status(done);
            }
        }
        Outcome::NotWritten(error) => {
            s.set_error(format!("{} {error}", lang.tr(text::NOT_SAVED)));
        }
        Outcome::Reloaded(fresh) => {
            let Reload {
                scores,
                committee,
                letters,
                dossiers,
                stale,
                requests,
            } = *fresh;
            s.batch.requests = requests;
            if let Some(dossiers) = dossiers {
                s.replace_dossiers(dossiers);
            }
            s.batch.stale = stale;
            s.batch.letters = letters;
            s.batch.scores = crate::app::state::score_map(scores);
            s.set_committee_data(committee);
            if let Some(reference) = s.committee_view.offer_promotion.take() {
                crate::app::update::committee::promotion_form(s, Some(&reference));
            }
        }
        Outcome::FolderRead {
            report,
            pending,
            added,
            resumed,
            personal_data,
        } => {
            s.batch.personal_data = personal_data;
            s.batch.pending_files = pending
                .into_iter()
                .map(|d| (d.reference.clone(), d))
                .collect();
            if added > 0 {
                let said = if resumed {
                    text::RESUMED
                } else {
                    text::ARRIVED
                };
                s.set_status(format!("{added} {}", lang.tr(said)));
            }
            if !report.is_empty() {
                let problems = report.len();
                s.batch.report = report;
                // Over the list or « Qui note ? », as at any opening; over
                // a form or a search the user is in, only said.
                if matches!(s.mode, Mode::Normal | Mode::AskReviewer) {
                    s.mode = Mode::Report { scroll: 0 };
                } else {
                    s.set_error(format!("{problems} {}", lang.tr(text::FOLDER_PROBLEMS)));
                }
            }
        }
        Outcome::FolderUnread(why) => {
            s.set_error(format!("{} {why}", lang.tr(text::FOLDER_UNREAD)));
        }
        Outcome::History { reference, lines } => {
            s.mode = Mode::History {
                reference,
                lines,
                scroll: 0,
            };
        }
        Outcome::PacketWritten { path, scores } => s.set_status(format!(
            "{} {} ({scores} {})",
            lang.tr(text::PACKET_WRITTEN),
            path.display(),
            lang.tr(text::SCORES)
        )),
        Outcome::PacketImported(report) => {
            s.set_status(format!("{} {report}", lang.tr(text::PACKET_IMPORTED)))
        }
        Outcome::PacketsFound(found) => {
            crate::app::update::committee::packet_form(s, found);
        }
        Outcome::PiecesRequested { reference, pdf } => s.set_status(format!(
            "{} {reference} : {}",
            lang.tr(text::PIECES_REQUESTED),
            pdf.display()
        )),
        Outcome::ConvocationsWritten {
            summary,
            dir,
            convocations,
        } => {
            s.letters_view.convocations = convocations;
            s.set_status(format!("{summary} — {}", dir.display()));
        }
        Outcome::MinutesWritten { count, dir } => s.set_status(format!(
            "{count} {} {}",
            lang.tr(text::MINUTES_WRITTEN),
            dir.display()
        )),
        Outcome::LettersRefused(errors) => {
            s.batch.report = errors
                .into_iter()
                .map(|message| Diag {
                    path: lang.tr(text::LETTERS).to_string(),
                    line: 1,
                    column: 1,
                    severity: Severity::Error,
                    message,
                })
                .collect();
            s.mode = Mode::Report { scroll: 0 };
            s.set_error(lang.tr(text::NO_LETTER));
        }
        Outcome::LetterProgress {
            done,
            total,
            reference,
        } => s.letters_view.progress = Some((done, total, reference)),
        Outcome::LettersFinished { total, failed } => {
            s.letters_view.progress = None;
            if failed.is_empty() {
                let dir = s.env.letters_dir.display().to_string();
                s.set_status(format!("{total} {} {dir}", lang.tr(text::LETTERS_DONE)));
            } else {
                s.set_error(failed.join(" ; "));
            }
        }
        Outcome::DatabaseCreated(path) => {
            // The retention notice said at start must not be hidden by this.
            let created = format!("{} {}", lang.tr(text::DB_CREATED), path.display());
            match s.retention_notice() {
                Some(notice) => s.set_error(format!("{created}. {notice}")),
                None => s.set_status(created),
            }
        }
        Outcome::BundleInstalled {
            member,
            chair_key,
            first,
        } => {
            let q = |x: &str| match lang {
                Lang::Fr => format!("«\u{a0}{x}\u{a0}»"),
                Lang::En => format!("“{x}”"),
            };
            s.set_status(format!(
                "{} {}. {} {chair_key}{}",
                lang.tr(text::BUNDLE_INSTALLED),
                q(&member),
                lang.tr(text::CHAIR_KEY),
                if first {
                    lang.tr(text::COMPARE_KEY)
                } else {
                    ""
                }
            ));
        }
        Outcome::Failed(error) => s.set_error(error),
    }
}

/// What the status line says once a committee change is written.
/// An ISO date as the interface writes it (`7 juillet 2025`).
fn day(iso: &str, lang: Lang) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| lang.date(d))
        .unwrap_or_else(|_| iso.to_string())
}

fn written(change: &Change, lang: Lang) -> Option<String> {
    Some(match change {
        Change::OpenSession { date, .. } => {
            format!("{} {}", lang.tr(text::SESSION_OPENED), day(date, lang))
        }
        Change::CloseSession(_) => lang.tr(text::SESSION_CLOSED).to_string(),
        Change::Validation(v) => format!(
            "{} {}",
            lang.tr(if v.validated {
                text::VALIDATION_RECORDED
            } else {
                text::REFUSAL_RECORDED
            }),
            v.by
        ),
        Change::Absence { reference, absent } => format!(
            "{reference} : {}",
            lang.tr(if *absent {
                text::ABSENT_RECORDED
            } else {
                text::PRESENT_RECORDED
            })
        ),
        Change::Override { .. } => lang.tr(text::OVERRIDE).to_string(),
        Change::Withdrawal {
            reference,
            received_on,
            ..
        } => format!(
            "{} {reference} {} {}",
            lang.tr(text::WITHDRAWAL_OF),
            lang.tr(text::RECORDED_RECEIVED_ON),
            day(received_on, lang)
        ),
        // Said when submitted, with the warnings the decision raised.
        Change::Promote(_) => return None,
        Change::Conflict { declared: true, .. } => lang.tr(text::CONFLICT).to_string(),
        Change::Outcome { .. } => lang.tr(text::OUTCOME).to_string(),
        Change::AddMember { name, .. } => format!("{} {name}", lang.tr(text::MEMBER_ADDED)),
        Change::SetUpCommittee { members, .. } => format!(
            "{} {}",
            lang.tr(text::COMMITTEE_SET_UP),
            members
                .iter()
                .map(|m| m.0.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Change::LetterSent {
            reference,
            channel,
            date,
            ..
        } => format!(
            "{} {reference} {} {} ({})",
            lang.tr(text::LETTER_OF),
            lang.tr(text::MARKED_SENT_ON),
            day(date, lang),
            lang.tr(if channel == "post" {
                text::BY_POST
            } else {
                text::BY_EMAIL
            })
        ),
        Change::LetterAcknowledged {
            reference, date, ..
        } => format!(
            "{} {reference} {} {}",
            lang.tr(text::ACK_OF),
            lang.tr(text::NOTED_ON),
            day(date, lang)
        ),
        Change::EditDossier { reference, .. } => {
            format!("{} {reference}", lang.tr(text::NEW_VERSION))
        }
        Change::AcceptFile { reference, .. } => {
            format!("{} {reference}", lang.tr(text::FILE_ACCEPTED))
        }
        Change::Conflict {
            declared: false, ..
        } => lang.tr(text::CONFLICT_WITHDRAWN).to_string(),
        // Said when submitted, with the warnings the draft raised; a failed
        // write replaces it before the screen is drawn.
        Change::Decision { .. } => return None,
        Change::Consensus { reference, .. } => {
            format!("{} {reference}", lang.tr(text::CONSENSUS_RECORDED))
        }
        Change::ResolveMerge { take_incoming, .. } => lang
            .tr(if *take_incoming {
                text::MERGE_TOOK_PACKET
            } else {
                text::MERGE_KEPT
            })
            .to_string(),
        // Undo says what it undid, from the store.
        Change::Undo => return None,
        Change::Assign {
            reference,
            member,
            assigned,
        } => format!(
            "{} {member} — {reference}",
            lang.tr(if *assigned {
                text::ASSIGNED
            } else {
                text::UNASSIGNED
            })
        ),
        Change::Propose { pairs, .. } => {
            format!("{} {}", pairs.len(), lang.tr(text::PAIRS_ADDED))
        }
        Change::ProposeSchedule(_)
        | Change::MoveSlot(_)
        | Change::SwapSlots(..)
        | Change::FixSlot { .. }
        | Change::Unavailable(_) => super::timetable::written(change, lang),
    })
}

mod text {
    use jury_core::fr::Tr;
    pub const VALIDATION_RECORDED: Tr = Tr::new(
        "Validation enregistrée, signée par",
        "Validation recorded, signed by",
    );
    pub const REFUSAL_RECORDED: Tr = Tr::new(
        "Non-validation enregistrée, signée par",
        "Refusal recorded, signed by",
    );
    pub const ABSENT_RECORDED: Tr = Tr::new(
        "absence à l'audition enregistrée",
        "absence from the audition recorded",
    );
    pub const PRESENT_RECORDED: Tr = Tr::new(
        "absence retirée : présent·e à l'audition",
        "absence withdrawn: present at the audition",
    );

    pub const NOT_SAVED: Tr = Tr::new("Non enregistré :", "Not saved:");
    pub const ARRIVED: Tr = Tr::new(
        "dossier(s) arrivé(s) dans le dossier d'appel depuis la dernière ouverture.",
        "dossier(s) arrived in the call folder since the last opening.",
    );
    pub const RESUMED: Tr = Tr::new(
        "dossier(s) de l'import interrompu à la dernière ouverture enregistré(s).",
        "dossier(s) of the import interrupted at the last opening stored.",
    );
    pub const FOLDER_PROBLEMS: Tr = Tr::new(
        "problème(s) dans les fichiers du dossier d'appel : le rapport s'affiche à la prochaine ouverture (ou « jury check »).",
        "problem(s) in the call folder's files: the report shows at the next opening (or « jury check »).",
    );
    pub const FOLDER_UNREAD: Tr = Tr::new(
        "Fichiers du dossier d'appel non relus (les dossiers affichés sont ceux de la base) :",
        "Call folder's files not read again (the dossiers shown are the database's):",
    );
    pub const ASSIGNED: Tr = Tr::new("Rapporteur·e désigné·e :", "Rapporteur assigned:");
    pub const UNASSIGNED: Tr = Tr::new("Attribution retirée :", "Assignment removed:");
    pub const PAIRS_ADDED: Tr = Tr::new(
        "attributions ajoutées (proposition appliquée).",
        "assignments added (proposal applied).",
    );
    pub const CONFLICT_WITHDRAWN: Tr = Tr::new(
        "Conflit d'intérêts retiré.",
        "Conflict of interest withdrawn.",
    );
    pub const CONSENSUS_RECORDED: Tr = Tr::new(
        "Note de consensus enregistrée pour",
        "Consensus score recorded for",
    );
    pub const MERGE_TOOK_PACKET: Tr = Tr::new(
        "Désaccord tranché : la note du paquet est retenue.",
        "Disagreement settled: the packet's score is kept.",
    );
    pub const MERGE_KEPT: Tr = Tr::new(
        "Désaccord tranché : la note enregistrée est gardée.",
        "Disagreement settled: the stored score is kept.",
    );
    pub const LETTER_OF: Tr = Tr::new("Courrier de", "Letter for");
    pub const MARKED_SENT_ON: Tr = Tr::new("marqué envoyé le", "marked sent on");
    pub const BY_POST: Tr = Tr::new("par courrier postal", "by post");
    pub const BY_EMAIL: Tr = Tr::new("par courriel", "by e-mail");
    pub const ACK_OF: Tr = Tr::new(
        "Accusé de réception du courrier de",
        "Acknowledgement of the letter for",
    );
    pub const NOTED_ON: Tr = Tr::new("noté, reçu le", "recorded, received on");
    pub const PIECES_REQUESTED: Tr = Tr::new(
        "Demande de pièces enregistrée, courrier écrit pour",
        "Request for pieces recorded, letter written for",
    );
    pub const NEW_VERSION: Tr = Tr::new(
        "Nouvelle version enregistrée, inscrite au journal :",
        "New version saved, written to the log:",
    );
    pub const FILE_ACCEPTED: Tr = Tr::new(
        "Version du fichier acceptée comme nouvelle version :",
        "The file's version accepted as a new version:",
    );
    pub const DB_CREATED: Tr = Tr::new("Nouvelle base créée :", "New database created:");
    pub const BUNDLE_INSTALLED: Tr =
        Tr::new("Lot installé, remis à", "Bundle installed, issued to");
    pub const CHAIR_KEY: Tr = Tr::new("Clé de la présidence :", "Chair's key:");
    pub const COMPARE_KEY: Tr = Tr::new(
        " — comparez-la avec celle que la présidence vous lit.",
        " — compare it with the one the chair reads to you.",
    );
    pub const SCORING_AS: Tr = Tr::new("Vous notez en tant que", "Scoring as");
    pub const UNDONE: Tr = Tr::new("Annulé :", "Undone:");
    pub const SESSION_OPENED: Tr = Tr::new("Séance ouverte :", "Session opened:");
    pub const SESSION_CLOSED: Tr = Tr::new(
        "Séance close : décisions figées.",
        "Session closed: decisions frozen.",
    );
    pub const OVERRIDE: Tr = Tr::new("Dérogation enregistrée.", "Override recorded.");
    pub const WITHDRAWAL_OF: Tr = Tr::new("Désistement de", "Withdrawal of");
    pub const RECORDED_RECEIVED_ON: Tr = Tr::new("enregistré, reçu le", "recorded, received on");
    pub const CONFLICT: Tr = Tr::new(
        "Conflit d'intérêts déclaré : vos notes sur ce dossier sont écartées.",
        "Conflict declared: your scores on this dossier are left out.",
    );
    pub const OUTCOME: Tr = Tr::new("Issue de l'appel enregistrée.", "Outcome recorded.");
    pub const MEMBER_ADDED: Tr = Tr::new("Membre ajouté :", "Member added:");
    pub const COMMITTEE_SET_UP: Tr = Tr::new("Comité composé :", "Committee set up:");
    pub const PACKET_WRITTEN: Tr = Tr::new("Paquet écrit :", "Packet written:");
    pub const SCORES: Tr = Tr::new("notes", "scores");
    pub const PACKET_IMPORTED: Tr = Tr::new("Paquet importé :", "Packet imported:");
    pub const MINUTES_WRITTEN: Tr =
        Tr::new("procès-verbal(aux) écrit(s) dans", "minutes written in");
    pub const LETTERS: Tr = Tr::new("courriers", "letters");
    pub const NO_LETTER: Tr = Tr::new(
        "Aucun courrier produit : corrigez les modèles.",
        "No letter produced: fix the templates.",
    );
    pub const LETTERS_DONE: Tr = Tr::new(
        "courrier(s) produit(s) en PDF, ODT et EML dans",
        "letter(s) produced as PDF, ODT and EML in",
    );
}
