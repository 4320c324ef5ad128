//! One applicant's complete file, for a right-of-access request (RGPD
//! art. 15) or a request for administrative documents (CADA): the dossier
//! as received, every field labelled; each member's scores and comments;
//! the eligibility verdict and any override; each decision with its
//! session, kind and reasons; the letters produced and their tracking.

use crate::call::Call;
use crate::document::{Block, Document};
use crate::dossier::Dossier;
use crate::eligibility::{Outcome, Report, Verdict};
use crate::fr::Lang;
use crate::labels;
use crate::records::{Conflict, DecisionRow, LetterRow, Override, ScoreRow, Session};
use chrono::NaiveDate;
use serde_json::Value;

const FR: Lang = Lang::Fr;

/// An attachment as listed: its title, path, and the SHA-256 of the file
/// found in the call folder (None: not found there).
pub struct Piece {
    pub title: String,
    pub path: String,
    pub hash: Option<String>,
}

pub struct AccessInput<'a> {
    pub call: &'a Call,
    pub dossier: &'a Dossier,
    pub pieces: &'a [Piece],
    /// This dossier's score rows.
    pub scores: &'a [ScoreRow],
    pub eligibility: &'a Report,
    pub override_: Option<&'a Override>,
    pub conflicts: &'a [Conflict],
    /// This dossier's decisions, oldest first.
    pub decisions: &'a [DecisionRow],
    pub sessions: &'a [Session],
    pub letters: &'a [LetterRow],
    pub today: NaiveDate,
}

/// Every leaf of the dossier's JSON, labelled by its path in the words the
/// dossier pane uses (« Structure porteuse › Adresse › Commune »), in file
/// order.
pub fn fields(v: &Value) -> Vec<(String, String)> {
    fn walk(v: &Value, label: &str, out: &mut Vec<(String, String)>) {
        let join = |k: &str| {
            if label.is_empty() {
                k.to_string()
            } else {
                format!("{label} › {k}")
            }
        };
        match v {
            Value::Object(map) => {
                for (k, item) in map {
                    walk(item, &join(&labels::field_title(k, Lang::Fr)), out);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &join(&(i + 1).to_string()), out);
                }
            }
            Value::String(s) => out.push((label.to_string(), s.clone())),
            Value::Bool(b) => out.push((label.to_string(), if *b { "oui" } else { "non" }.into())),
            // As written, with a decimal comma: the file as received.
            Value::Number(n) => out.push((label.to_string(), n.to_string().replace('.', ","))),
            Value::Null => out.push((label.to_string(), "—".into())),
        }
    }
    let mut out = Vec::new();
    walk(v, "", &mut out);
    out
}

fn day(text: &str) -> String {
    NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d")
        .map(|d| FR.date(d))
        .unwrap_or_else(|_| text.to_string())
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Eligible => "recevable",
        Verdict::Unknown => "recevabilité non établie",
        Verdict::Ineligible => "irrecevable",
    }
}

/// Each member's scores in the grid's order, as the committee read them
/// (the store gives them by criterion id); criteria the grid no longer
/// names come last.
fn scores_in_grid_order<'a>(call: &Call, scores: &'a [ScoreRow]) -> Vec<&'a ScoreRow> {
    let position = |id: &str| {
        call.criteria
            .iter()
            .position(|c| c.id == id)
            .unwrap_or(usize::MAX)
    };
    let mut out: Vec<&ScoreRow> = scores.iter().collect();
    // Stable: members keep the order they came in.
    out.sort_by_key(|s| position(&s.criterion));
    out.sort_by(|a, b| a.member.cmp(&b.member));
    out
}

/// The file as a document.
pub fn document(input: &AccessInput) -> Document {
    let (call, d) = (input.call, input.dossier);
    // No-break spaces: « 14,5 / 20 » never splits across lines.
    let scale = format!("\u{a0}/\u{a0}{}", FR.score(call.scale.max));
    let mut blocks = vec![
        Block::Paragraph(format!(
            "Dossier {} déposé le {} dans le cadre de l'appel à candidature « {} » ({}). Ce document reprend l'ensemble des données que le comité de sélection a enregistrées à son sujet dans Jury, à la date du {}.",
            d.reference,
            FR.date(crate::eligibility::local_date(&d.received_at)),
            call.title,
            call.issuer.name,
            FR.date(input.today)
        )),
        Block::Heading("1. Le dossier tel que reçu".into()),
        Block::Table {
            header: vec!["Champ".into(), "Valeur".into()],
            rows: fields(&d.raw)
                .into_iter()
                .map(|(k, v)| vec![k, v])
                .collect(),
        },
    ];
    if !input.pieces.is_empty() {
        blocks.push(Block::Heading("Pièces jointes".into()));
        blocks.push(Block::Bullets(
            input
                .pieces
                .iter()
                .map(|p| match &p.hash {
                    Some(h) => format!("{} ({}), empreinte SHA-256 {h}", p.title, p.path),
                    None => format!(
                        "{} ({}), fichier absent du dossier de l'appel",
                        p.title, p.path
                    ),
                })
                .collect(),
        ));
    }
    blocks.push(Block::Heading(
        "2. Notes et commentaires des membres".into(),
    ));
    if input.scores.is_empty() {
        blocks.push(Block::Paragraph("Aucune note enregistrée.".into()));
    } else {
        let label = |id: &str| {
            call.criteria
                .iter()
                .find(|c| c.id == id)
                .map_or_else(|| id.to_string(), |c| c.label.clone())
        };
        blocks.push(Block::Table {
            header: vec![
                "Membre".into(),
                "Critère".into(),
                "Note".into(),
                "Commentaire".into(),
            ],
            rows: scores_in_grid_order(call, input.scores)
                .into_iter()
                .map(|s| {
                    vec![
                        s.member.clone(),
                        label(&s.criterion),
                        s.value
                            .map(|v| format!("{}{scale}", FR.score(v)))
                            .unwrap_or_else(|| "sans note".into()),
                        s.comment.clone(),
                    ]
                })
                .collect(),
        });
    }
    if !input.conflicts.is_empty() {
        blocks.push(Block::Bullets(
            input
                .conflicts
                .iter()
                .map(|c| {
                    format!(
                        "{} s'est déporté(e) (conflit d'intérêts){}",
                        c.member,
                        if c.reason.is_empty() {
                            String::new()
                        } else {
                            format!(" : {}", c.reason)
                        }
                    )
                })
                .collect(),
        ));
    }
    blocks.push(Block::Heading("3. Recevabilité".into()));
    let mut checks: Vec<String> = input
        .eligibility
        .checks
        .iter()
        .map(|c| match &c.outcome {
            Outcome::Met => format!("{} : satisfait", c.label),
            Outcome::NotMet(why) => format!("{} : non satisfait ({why})", c.label),
            Outcome::Unknown(why) => format!("{} : non établi ({why})", c.label),
        })
        .collect();
    if checks.is_empty() {
        checks.push("L'appel ne fixe pas de règle de recevabilité.".into());
    }
    blocks.push(Block::Paragraph(format!(
        "Selon les règles de l'appel : {}.",
        verdict(input.eligibility.verdict)
    )));
    blocks.push(Block::Bullets(checks));
    if let Some(o) = input.override_ {
        blocks.push(Block::Paragraph(format!(
            "Dérogation de la présidence ({}) : dossier déclaré {}{}.",
            o.by,
            if o.eligible {
                "recevable"
            } else {
                "irrecevable"
            },
            if o.justification.is_empty() {
                String::new()
            } else {
                format!(", au motif : {}", o.justification)
            }
        )));
    }
    blocks.push(Block::Heading("4. Décisions".into()));
    if input.decisions.is_empty() {
        blocks.push(Block::Paragraph("Aucune décision enregistrée.".into()));
    }
    for dec in input.decisions {
        let session = input.sessions.iter().find(|s| s.id == dec.session_id);
        let kind = crate::decision::kind(call, &dec.kind, FR)
            .map_or_else(|| dec.kind.clone(), |k| k.label);
        let mut lines = vec![format!(
            "Séance n° {} du {} : {kind}, décision enregistrée par {}",
            dec.session_id,
            session.map_or_else(String::new, |s| day(&s.date)),
            dec.by
        )];
        if !dec.motivation.is_empty() {
            lines.push(format!("Motivation : {}", dec.motivation));
        }
        if !dec.condition.is_empty() {
            lines.push(format!("Réserve : {}", dec.condition));
        }
        if let Some(r) = dec.waitlist_rank {
            lines.push(format!("Rang sur la liste complémentaire : {r}"));
        }
        if !dec.documents.is_empty() {
            lines.push(format!("Pièces demandées : {}", dec.documents));
        }
        if let Some(a) = dec.amount {
            lines.push(format!("Montant accordé : {}", FR.money(a)));
        }
        if !dec.budget_override.is_empty() {
            lines.push(format!(
                "Dépassement de l'enveloppe autorisé par la présidence : {}",
                dec.budget_override
            ));
        }
        if session.is_some_and(Session::is_open) {
            lines.push("Séance non close : décision provisoire.".into());
        }
        blocks.push(Block::Bullets(vec![lines.join("\n")]));
    }
    blocks.push(Block::Heading("5. Courriers".into()));
    if input.letters.is_empty() {
        blocks.push(Block::Paragraph("Aucun courrier produit.".into()));
    } else {
        blocks.push(Block::Bullets(
            input
                .letters
                .iter()
                .map(|l| {
                    let mut line = format!(
                        "Courrier de la décision n° {} ({}), daté du {}",
                        l.decision_id,
                        l.pdf,
                        day(l.signed_on.as_deref().unwrap_or(&l.generated_at))
                    );
                    match (&l.sent_at, l.channel.as_deref()) {
                        (Some(at), Some("post")) => {
                            line.push_str(&format!(", envoyé par courrier le {}", day(at)))
                        }
                        (Some(at), _) => {
                            line.push_str(&format!(", envoyé par courriel le {}", day(at)))
                        }
                        (None, _) => line.push_str(", non envoyé"),
                    }
                    if let Some(at) = &l.acknowledged_at {
                        line.push_str(&format!(", accusé de réception le {}", day(at)));
                    }
                    line
                })
                .collect(),
        ));
    }
    Document {
        letterhead: crate::compose::letterhead(call),
        addressee: Vec::new(),
        place_date: Some(format!("Le {}", FR.date(input.today))),
        date: Some(input.today),
        reference: Some(format!("Réf. : {}", d.reference)),
        title: Some(format!("Dossier de candidature {}", d.reference)),
        subject: Some("Communication des données enregistrées (RGPD, art. 15 ; CADA)".into()),
        blocks,
        signatures: Vec::new(),
        footer: Some(format!("{} — {}", call.issuer.name, call.title)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_gives_the_amount_granted_and_the_chairs_override() {
        let call = Call::parse(
            "appel.json",
            include_str!("../../samples/caf06-pdnp-2025/appel.json"),
        )
        .unwrap();
        let v: Value = serde_json::from_str(include_str!(
            "../../samples/caf06-pdnp-2025/dossiers/PDNP06-2025-009.json"
        ))
        .unwrap();
        let dossier = Dossier::from_value(&v).unwrap();
        let eligibility = crate::eligibility::evaluate(&call, &dossier, FR);
        let decision = DecisionRow {
            id: 1,
            session_id: 1,
            reference: dossier.reference.clone(),
            kind: "retenu".into(),
            motivation: String::new(),
            condition: String::new(),
            waitlist_rank: None,
            documents: String::new(),
            without_quorum: false,
            by: "Sylvie Marcellin".into(),
            at: "2025-07-18T10:00:00.000Z".into(),
            guarded: false,
            amount: Some(850.5),
            budget_override: "Seul point d'accueil du haut pays".into(),
        };
        let doc = document(&AccessInput {
            call: &call,
            dossier: &dossier,
            pieces: &[],
            scores: &[],
            eligibility: &eligibility,
            override_: None,
            conflicts: &[],
            decisions: std::slice::from_ref(&decision),
            sessions: &[],
            letters: &[],
            today: NaiveDate::from_ymd_opt(2025, 8, 1).unwrap(),
        });
        let text: String = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Bullets(items) => Some(items.join("\n")),
                _ => None,
            })
            .collect();
        assert!(text.contains("Montant accordé : 850,50\u{a0}€"), "{text}");
        assert!(
            text.contains("Dépassement de l'enveloppe autorisé par la présidence : Seul point d'accueil du haut pays"),
            "{text}"
        );
    }

    #[test]
    fn scores_follow_the_grid_not_the_criteria_ids() {
        let call = Call::parse(
            "appel.json",
            include_str!("../../samples/caf06-pdnp-2025/appel.json"),
        )
        .unwrap();
        let row = |member: &str, criterion: &str| ScoreRow {
            reference: "PDNP06-2025-001".into(),
            member: member.into(),
            criterion: criterion.into(),
            value: Some(3.0),
            comment: String::new(),
        };
        // As the store gives them: by member, then criterion id.
        let rows = [
            row("Nadia Benali", "coherence"),
            row("Nadia Benali", "experience"),
            row("Sylvie Marcellin", "coherence"),
            row("Sylvie Marcellin", "experience"),
            row("Sylvie Marcellin", "formation"),
            row("Sylvie Marcellin", "qualification"),
        ];
        let order: Vec<(&str, &str)> = scores_in_grid_order(&call, &rows)
            .iter()
            .map(|s| (s.member.as_str(), s.criterion.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("Nadia Benali", "experience"),
                ("Nadia Benali", "coherence"),
                ("Sylvie Marcellin", "experience"),
                ("Sylvie Marcellin", "qualification"),
                ("Sylvie Marcellin", "coherence"),
                ("Sylvie Marcellin", "formation"),
            ]
        );
    }

    #[test]
    fn every_leaf_is_labelled_by_its_path() {
        let v: Value = serde_json::from_str(
            r#"{"structure":{"name":"Les Mimosas","address":{"city":"Cannes"}},"hours":4.5,"ok":true,"tags":["a","b"]}"#,
        )
        .unwrap();
        assert_eq!(
            fields(&v),
            [
                (
                    "Structure porteuse › Nom".to_string(),
                    "Les Mimosas".to_string()
                ),
                (
                    "Structure porteuse › Adresse › Commune".into(),
                    "Cannes".into()
                ),
                ("Hours".into(), "4,5".into()),
                ("Ok".into(), "oui".into()),
                ("Tags › 1".into(), "a".into()),
                ("Tags › 2".into(), "b".into()),
            ]
        );
    }
}
