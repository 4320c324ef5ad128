//! Human titles for the keys of a dossier file, shared by the dossier pane
//! and the file written for an access request: an applicant reads
//! « Structure porteuse › Nom », not `structure › name`.

use crate::fr::{Lang, Tr};

/// The key's title in `lang`; any other key is shown as written, its
/// underscores as spaces and its first letter capitalised.
pub fn field_title(key: &str, lang: Lang) -> String {
    match FIELD_TITLES.iter().find(|(k, _)| *k == key) {
        Some((_, title)) => lang.tr(*title).to_string(),
        None => {
            let mut t = key.replace('_', " ");
            if let Some(first) = t.get(..1) {
                let up = first.to_uppercase();
                t.replace_range(..1, &up);
            }
            t
        }
    }
}

/// Titles for the usual keys of a dossier file.
const FIELD_TITLES: &[(&str, Tr)] = &[
    ("format", Tr::new("Format du fichier", "File format")),
    ("reference", Tr::new("Référence", "Reference")),
    ("received_at", Tr::new("Reçu le", "Received on")),
    (
        "structure",
        Tr::new("Structure porteuse", "Applicant structure"),
    ),
    (
        "professional",
        Tr::new("Professionnel pressenti", "Proposed professional"),
    ),
    ("project", Tr::new("Projet", "Project")),
    ("commitments", Tr::new("Engagements", "Commitments")),
    ("attachments", Tr::new("Pièces jointes", "Attachments")),
    // What `jury import` keeps of each e-mail of a mailbox.
    ("courriels", Tr::new("Courriels reçus", "E-mails received")),
    ("recu_le", Tr::new("Reçu le", "Received on")),
    ("objet", Tr::new("Objet", "Subject")),
    ("texte", Tr::new("Texte", "Text")),
    ("pieces", Tr::new("Pièces", "Pieces")),
    ("en_retard", Tr::new("En retard", "Late")),
    (
        "plateforme",
        Tr::new("Plateforme de dépôt", "Filing platform"),
    ),
    ("etat", Tr::new("État", "State")),
    ("name", Tr::new("Nom", "Name")),
    ("kind", Tr::new("Type", "Kind")),
    ("address", Tr::new("Adresse", "Address")),
    ("street", Tr::new("Rue", "Street")),
    ("postcode", Tr::new("Code postal", "Postcode")),
    ("city", Tr::new("Commune", "Town")),
    ("territory", Tr::new("Territoire", "Territory")),
    (
        "representative",
        Tr::new("Représentant·e", "Representative"),
    ),
    ("title", Tr::new("Fonction", "Title")),
    ("email", Tr::new("Courriel", "E-mail")),
    ("phone", Tr::new("Téléphone", "Phone")),
    ("experience", Tr::new("Expérience", "Experience")),
    ("role", Tr::new("Fonction", "Role")),
    ("employment", Tr::new("Statut", "Employment")),
    (
        "qualifications",
        Tr::new("Qualifications", "Qualifications"),
    ),
    (
        "parenting_experience_years",
        Tr::new(
            "Années d'expérience parentalité",
            "Years in parenting support",
        ),
    ),
    (
        "digital",
        Tr::new("Pratique du numérique", "Digital practice"),
    ),
    (
        "weekly_online_hours",
        Tr::new("Heures en ligne par semaine", "Weekly online hours"),
    ),
    ("permanence", Tr::new("Permanence", "Online slot")),
    ("networks", Tr::new("Réseaux", "Networks")),
    (
        "coherence",
        Tr::new("Cohérence avec le projet", "Fit with the project"),
    ),
    ("public", Tr::new("Public", "Public")),
    ("charter_signed", Tr::new("Charte signée", "Charter signed")),
    (
        "training_first_steps",
        Tr::new("Formation « Premiers pas »", "“First steps” training"),
    ),
    (
        "quarterly_meetings",
        Tr::new("Regroupements trimestriels", "Quarterly meetings"),
    ),
    (
        "startup_aid_requested",
        Tr::new("Aide au démarrage demandée", "Start-up aid requested"),
    ),
    ("startup_aid", Tr::new("Aide au démarrage", "Start-up aid")),
    ("items", Tr::new("Équipement", "Items")),
    ("amount", Tr::new("Montant (€)", "Amount (€)")),
    ("observations", Tr::new("Observations", "Observations")),
];
