//! Why a packet file is refused, in the committee's words, French or
//! English.

use super::FORMAT;
use crate::fr::Lang;

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PacketError {
    /// Not JSON (or cut short).
    Json(JsonProblem),
    /// JSON, but no `format` saying it is a packet.
    NotAPacket,
    /// Another format altogether.
    Format(String),
    /// A packet format made by a newer Jury.
    Future(String),
    /// A field missing, of the wrong type or unknown, in serde's words.
    Fields(String),
    EmptyCallId,
    EmptyMember,
    /// A date that does not read: what carries it, and the date as written.
    BadDate(Dated, String),
    /// A score (`reference/criterion`) given twice.
    DuplicateScore(String),
    /// A conflict of interest (its dossier) declared twice.
    DuplicateConflict(String),
    /// The content no longer matches its checksum.
    Checksum,
    /// A date later than the import (beyond clock drift): under « the most
    /// recent wins » it would beat every genuine later edit.
    FromTheFuture(Dated, String),
    /// A score or conflict dated after the packet's own export.
    AfterExport(Dated, String),
    /// A `jury-packet/1`: no grid, no authentication.
    Unauthenticated,
    /// A date before the member was first issued a bundle: the date, and
    /// when the bundle was issued.
    BeforeIssue(Dated, String, String),
    /// A conflict withdrawn before it was declared: the dossier and both dates.
    WithdrawnBeforeDeclared(String, String, String),
}

/// Where the JSON breaks.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonProblem {
    Cut { line: usize, column: usize },
    Syntax { line: usize, column: usize },
    Unreadable,
}

/// What a date belongs to.
#[derive(Clone, Debug, PartialEq)]
pub enum Dated {
    Export,
    /// `reference/criterion`.
    Score(String),
    /// The dossier.
    Conflict(String),
}

impl PacketError {
    /// The packet's own strings (its format, dates, references, serde's
    /// quote of a field) may hold control characters: they are shown as
    /// escapes, never sent to the terminal.
    pub fn message(&self, lang: Lang) -> String {
        crate::fr::visible(&self.text(lang)).into_owned()
    }

    fn text(&self, lang: Lang) -> String {
        use PacketError::*;
        let fr = lang == Lang::Fr;
        match self {
            Json(p) => if fr {
                format!("paquet illisible : {}. Le fichier est abîmé ou incomplet ; demandez au membre de l'exporter à nouveau.", p.message(lang))
            } else {
                format!("unreadable packet: {}. The file is damaged or incomplete; ask the member to export it again.", p.message(lang))
            },
            NotAPacket => lang.t(
                "ce fichier n'est pas un paquet Jury (pas de champ « format »). Indiquez le fichier écrit par « jury packet export ».",
                "this file is not a Jury packet (no “format” field). Give the file written by “jury packet export”.",
            ).into(),
            Format(found) => if fr {
                format!("format « {found} » inconnu : un paquet Jury « {FORMAT} » est attendu.")
            } else {
                format!("unknown format “{found}”: a Jury packet “{FORMAT}” is expected.")
            },
            Future(found) => if fr {
                format!("paquet au format « {found} », créé par une version plus récente de Jury : mettez Jury à jour pour l'importer (cette version lit « {FORMAT} »).")
            } else {
                format!("packet in format “{found}”, made by a newer Jury: update Jury to import it (this version reads “{FORMAT}”).")
            },
            Unauthenticated => lang.t(
                "paquet de l'ancien format « jury-packet/1 », sans authentification : il ne prouve pas qui l'a écrit. Remettez au membre son propre lot (« jury bundle --for NOM »), qu'il l'ouvre puis exporte à nouveau son paquet ; rien n'a été importé.",
                "packet in the old format “jury-packet/1”, without authentication: it does not prove who wrote it. Give the member their own bundle (“jury bundle --for NAME”), have them open it and export their packet again; nothing was imported.",
            ).into(),
            Checksum => lang.t(
                "paquet altéré : son contenu ne correspond plus à son empreinte (fichier abîmé ou modifié à la main). Demandez au membre de l'exporter à nouveau ; rien n'a été importé.",
                "altered packet: its content no longer matches its fingerprint (damaged or edited by hand). Ask the member to export it again; nothing was imported.",
            ).into(),
            _ => format!("{} {}.", lang.t("paquet invalide :", "invalid packet:"), self.invalid(lang)),
        }
    }

    /// Why the fields are wrong, for "paquet invalide : …".
    fn invalid(&self, lang: Lang) -> String {
        use PacketError::*;
        match self {
            Fields(serde) => match lang {
                Lang::Fr => french_serde(serde),
                Lang::En => serde.clone(),
            },
            EmptyCallId => lang.t("identifiant d'appel vide", "empty call id").into(),
            EmptyMember => lang.t("nom du membre vide", "empty member name").into(),
            FromTheFuture(what, date) => match lang {
                Lang::Fr => format!(
                    "{} : date « {date} » dans le futur ; vérifiez l'horloge de l'ordinateur du membre",
                    what.name(lang)
                ),
                Lang::En => format!(
                    "{}: date “{date}” in the future; check the clock of the member's computer",
                    what.name(lang)
                ),
            },
            AfterExport(what, date) => match lang {
                Lang::Fr => format!(
                    "{} : date « {date} » postérieure à l'export du paquet",
                    what.name(lang)
                ),
                Lang::En => format!(
                    "{}: date “{date}” later than the packet's export",
                    what.name(lang)
                ),
            },
            BeforeIssue(what, date, issued) => match (lang, lang.moment(issued)) {
                (Lang::Fr, issued) => format!(
                    "{} : date « {date} » antérieure à la remise du lot au membre ({issued}) ; paquet falsifié ou horloge du membre déréglée",
                    what.name(lang)
                ),
                (Lang::En, issued) => format!(
                    "{}: date “{date}” before the member's bundle was issued ({issued}); forged packet or wrong clock on the member's computer",
                    what.name(lang)
                ),
            },
            WithdrawnBeforeDeclared(reference, withdrawn, declared) => match lang {
                Lang::Fr => format!(
                    "conflit d'intérêts {reference} : retiré le « {withdrawn} », avant d'avoir été déclaré le « {declared} »"
                ),
                Lang::En => format!(
                    "conflict of interest {reference}: withdrawn on “{withdrawn}”, before it was declared on “{declared}”"
                ),
            },
            BadDate(what, date) => {
                let what = what.name(lang);
                match lang {
                    Lang::Fr => format!(
                        "{what} : date « {date} » illisible (RFC 3339 attendu, par exemple 2025-07-05T10:00:00Z)"
                    ),
                    Lang::En => format!(
                        "{what}: unreadable date “{date}” (RFC 3339 expected, for example 2025-07-05T10:00:00Z)"
                    ),
                }
            }
            DuplicateScore(key) => match lang {
                Lang::Fr => format!("note {key} présente deux fois"),
                Lang::En => format!("score {key} given twice"),
            },
            DuplicateConflict(r) => match lang {
                Lang::Fr => format!("conflit d'intérêts sur {r} déclaré deux fois"),
                Lang::En => format!("conflict of interest on {r} declared twice"),
            },
            Json(_) | NotAPacket | Format(_) | Future(_) | Checksum | Unauthenticated => {
                String::new()
            }
        }
    }
}

impl Dated {
    fn name(&self, lang: Lang) -> String {
        match (self, lang) {
            (Dated::Export, _) => lang.t("date d'export", "export date").into(),
            (Dated::Score(key), Lang::Fr) => format!("note {key}"),
            (Dated::Score(key), Lang::En) => format!("score {key}"),
            (Dated::Conflict(r), Lang::Fr) => format!("conflit d'intérêts sur {r}"),
            (Dated::Conflict(r), Lang::En) => format!("conflict of interest on {r}"),
        }
    }
}

impl JsonProblem {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (JsonProblem::Cut { line, column }, Lang::Fr) => {
                format!("fichier coupé avant la fin (ligne {line}, colonne {column})")
            }
            (JsonProblem::Cut { line, column }, Lang::En) => {
                format!("file cut short (line {line}, column {column})")
            }
            (JsonProblem::Syntax { line, column }, Lang::Fr) => {
                format!("JSON invalide ligne {line}, colonne {column}")
            }
            (JsonProblem::Syntax { line, column }, Lang::En) => {
                format!("invalid JSON at line {line}, column {column}")
            }
            (JsonProblem::Unreadable, _) => lang.t("lecture impossible", "cannot be read").into(),
        }
    }
}

crate::french_display!(PacketError);

/// serde's messages, with their usual openings in French.
fn french_serde(msg: &str) -> String {
    let msg = msg
        .replace("missing field", "champ manquant")
        .replace("unknown field", "champ inconnu")
        .replace("invalid type", "type inattendu")
        .replace(", expected one of", ", champs attendus :")
        .replace(", expected", ", attendu :")
        .replace(" at line ", " ligne ")
        .replace(" column ", " colonne ");
    let mut out = String::new();
    for (i, part) in msg.split('`').enumerate() {
        if i > 0 {
            out.push_str(if i % 2 == 1 { "« " } else { " »" });
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_in_both_languages() {
        let bad = PacketError::BadDate(Dated::Score("A/x".into()), "hier".into());
        assert_eq!(
            bad.to_string(),
            "paquet invalide : note A/x : date « hier » illisible (RFC 3339 attendu, par exemple 2025-07-05T10:00:00Z)."
        );
        assert_eq!(
            bad.message(Lang::En),
            "invalid packet: score A/x: unreadable date “hier” (RFC 3339 expected, for example 2025-07-05T10:00:00Z)."
        );
        let fields = PacketError::Fields("unknown field `note`, expected one of `a`, `b`".into());
        assert_eq!(
            fields.to_string(),
            "paquet invalide : champ inconnu « note », champs attendus : « a », « b »."
        );
        assert_eq!(
            fields.message(Lang::En),
            "invalid packet: unknown field `note`, expected one of `a`, `b`."
        );
        let cut = PacketError::Json(JsonProblem::Cut { line: 3, column: 1 });
        assert!(
            cut.message(Lang::En)
                .starts_with("unreadable packet: file cut short (line 3, column 1).")
        );
    }

    #[test]
    fn the_packets_own_text_is_shown_not_sent() {
        let e = crate::packet::open(br#"{"format": "\u001b[2J\u0007x"}"#).expect_err("format");
        assert_eq!(
            e.message(Lang::Fr),
            "format « \\u{1b}[2J\\u{7}x » inconnu : un paquet Jury « jury-packet/2 » est attendu."
        );
    }
}
