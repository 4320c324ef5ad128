//! Requests for missing pieces: what the committee asked a candidate for,
//! by when, and whether the dossier was completed since. The letter that
//! asks is a document like the decision letters (PDF, ODT, EML).

use crate::call::Call;
use crate::compose::{addressee, letterhead, place, signatory};
use crate::document::{Block, Document};
use crate::dossier::Dossier;
use crate::fr::Lang;

/// Letters to candidates are French, whatever the interface speaks.
const FR: Lang = Lang::Fr;
use chrono::NaiveDate;

/// One request as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct PieceRequest {
    pub id: i64,
    pub reference: String,
    /// What is missing, one item per line of the letter.
    pub missing: Vec<String>,
    /// The date by which to send it (inclusive).
    pub due: NaiveDate,
    /// The day the letter carries.
    pub letter_date: NaiveDate,
    /// The dossier's version when it was asked.
    pub version: i64,
    pub actor: String,
    /// When it was asked (RFC 3339, UTC): its e-mail carries that hour.
    pub requested_at: String,
    /// When a later version of the dossier came in (RFC 3339, UTC), if one did.
    pub completed_at: Option<String>,
}

/// Where a request stands on `today`.
#[derive(Clone, Debug, PartialEq)]
pub enum Standing {
    /// Asked, not yet received, the date not passed: « en attente de pièces ».
    Waiting { due: NaiveDate },
    /// Asked, not received, the date passed.
    Overdue { due: NaiveDate },
    /// A new version came in after the request.
    Completed { at: String },
}

impl PieceRequest {
    pub fn standing(&self, today: NaiveDate) -> Standing {
        match &self.completed_at {
            Some(at) => Standing::Completed { at: at.clone() },
            None if today <= self.due => Standing::Waiting { due: self.due },
            None => Standing::Overdue { due: self.due },
        }
    }
}

impl Standing {
    /// « en attente de pièces jusqu'au 15 septembre 2025 ».
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Standing::Waiting { due } => format!(
                "{} {}",
                lang.t("en attente de pièces jusqu'au", "waiting for pieces until"),
                lang.date(*due)
            ),
            Standing::Overdue { due } => format!(
                "{} {}",
                lang.t(
                    "pièces demandées non reçues, échéance dépassée le",
                    "requested pieces not received, due on"
                ),
                lang.date(*due)
            ),
            Standing::Completed { at } => format!(
                "{} {}",
                lang.t("complété le", "completed on"),
                day_of(at)
                    .map(|d| lang.date(d))
                    .unwrap_or_else(|| at.clone())
            ),
        }
    }
}

/// The day, in Paris, of an RFC 3339 time.
pub fn day_of(at: &str) -> Option<NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| t.with_timezone(&chrono_tz::Europe::Paris).date_naive())
}

/// The letter asking for the missing pieces. Sent by e-mail when the
/// dossier has no postal address yet: the address block keeps what it has.
pub fn letter(call: &Call, d: &Dossier, r: &PieceRequest) -> Document {
    let place = place(call);
    let date = FR.date(r.letter_date);
    let mut blocks = vec![
        Block::Paragraph("Madame, Monsieur,".into()),
        Block::Paragraph(format!(
            "Nous avons bien reçu la candidature {} (référence {}) à l'appel « {} », reçue le {}. Pour que le comité de sélection puisse l'examiner, il manque les éléments suivants :",
            on_behalf_of(d),
            d.reference,
            call.title,
            FR.date(crate::eligibility::local_date(&d.received_at)),
        )),
        Block::Bullets(r.missing.clone()),
        Block::Paragraph(format!(
            "Merci de nous les faire parvenir au plus tard le {}, en rappelant la référence {}{}. Sans réponse à cette date, le comité examinera le dossier en l'état.",
            FR.date(r.due),
            d.reference,
            call.issuer
                .contact_email
                .as_ref()
                .map(|m| format!(", à l'adresse {m}"))
                .unwrap_or_default(),
        )),
        Block::Paragraph(
            "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées."
                .into(),
        ),
    ];
    blocks.retain(|b| !matches!(b, Block::Bullets(items) if items.is_empty()));
    Document {
        letterhead: letterhead(call),
        addressee: addressee(d)
            .into_iter()
            .filter(|l| !l.trim().is_empty() && l.trim() != "À l'attention de")
            .collect(),
        place_date: Some(if place.is_empty() {
            format!("Le {date}")
        } else {
            format!("{place}, le {date}")
        }),
        date: Some(r.letter_date),
        reference: Some(format!("Réf. : {}", d.reference)),
        title: None,
        subject: Some(format!(
            "Objet : Pièces manquantes à votre candidature — appel « {} »",
            call.title
        )),
        blocks,
        signatures: vec![signatory(call)],
        footer: Some(format!("{} — {}", call.issuer.name, call.title)),
    }
}

/// Whose candidature it is, as the decision letters say it: « présentée au
/// nom de la structure « … » », or « de votre structure » while the name
/// is missing (never empty quotes).
pub fn on_behalf_of(d: &Dossier) -> String {
    match d.structure.trim() {
        "" => "de votre structure".to_string(),
        name => format!("présentée au nom de la structure « {name} »"),
    }
}

/// The e-mail that carries the request letter: subject and body, in French
/// typography like the letter.
pub fn mail_text(call: &Call, d: &Dossier, r: &PieceRequest) -> (String, String) {
    let subject = format!(
        "Pièces manquantes — candidature {} à l'appel « {} »",
        d.reference,
        call.title.trim()
    );
    let body = format!(
        "Madame, Monsieur,\r\n\r\nIl manque à la candidature {} (référence {}) les éléments suivants :\r\n{}\r\n\r\nMerci de nous les envoyer au plus tard le {}. Le courrier joint le détaille.\r\n\r\n{}Cordialement,\r\n{}\r\n",
        on_behalf_of(d),
        d.reference,
        r.missing
            .iter()
            .map(|m| format!("- {m}"))
            .collect::<Vec<_>>()
            .join("\r\n"),
        FR.date(r.due),
        crate::compose::contact_line(call),
        call.issuer.name
    );
    (
        crate::typography::french(&subject),
        crate::typography::french(&body),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn request(completed_at: Option<&str>) -> PieceRequest {
        PieceRequest {
            id: 1,
            reference: "MEL-001".into(),
            missing: vec!["Attestation d'assurance".into()],
            due: day(2025, 9, 15),
            letter_date: day(2025, 9, 1),
            version: 1,
            actor: "Nadia Benali".into(),
            requested_at: "2025-09-01T08:15:00.000Z".into(),
            completed_at: completed_at.map(String::from),
        }
    }

    #[test]
    fn a_request_waits_until_its_date_then_is_overdue_unless_completed() {
        let r = request(None);
        assert_eq!(
            r.standing(day(2025, 9, 15)).describe(Lang::Fr),
            "en attente de pièces jusqu'au 15 septembre 2025"
        );
        assert_eq!(
            r.standing(day(2025, 9, 16)).describe(Lang::Fr),
            "pièces demandées non reçues, échéance dépassée le 15 septembre 2025"
        );
        let done = request(Some("2025-09-10T21:30:00.000Z"));
        assert_eq!(
            done.standing(day(2025, 9, 20)).describe(Lang::Fr),
            "complété le 10 septembre 2025"
        );
    }
}
