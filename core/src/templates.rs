//! Letter templates: plain French text with `{{placeholders}}`. Built-in
//! templates for the six decisions; a call overrides any of them, and must
//! supply one for each decision it adds, in `lettres/<decision id>.txt`.
//!
//! Layout: an optional first line `Objet : …`; paragraphs separated by blank
//! lines; `- ` starts a bullet; `## ` a heading; a line holding only
//! `{{grille}}` becomes the scoring grid table, `{{recours}}` the appeal
//! routes. `{{dossier:/json/pointer}}` reaches any field of the dossier.

use crate::json::{Diag, Severity};
use std::collections::BTreeMap;

/// Built-in templates by decision id.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("retenu", include_str!("templates/retenu.txt")),
    (
        "retenu_sous_reserve",
        include_str!("templates/retenu_sous_reserve.txt"),
    ),
    (
        "liste_complementaire",
        include_str!("templates/liste_complementaire.txt"),
    ),
    ("non_retenu", include_str!("templates/non_retenu.txt")),
    ("irrecevable", include_str!("templates/irrecevable.txt")),
    ("ajourne", include_str!("templates/ajourne.txt")),
];

/// Every placeholder, with what it holds (shown by `jury check` and the README).
pub const FIELDS: &[(&str, &str)] = &[
    ("appel.titre", "titre de l'appel"),
    ("appel.organisme", "organisme émetteur"),
    ("appel.contact", "courriel de contact de l'appel"),
    (
        "appel.date_limite",
        "date limite de dépôt, en toutes lettres",
    ),
    ("appel.date_notification", "date de notification annoncée"),
    ("appel.signataire", "nom du signataire"),
    ("appel.signataire_fonction", "fonction du signataire"),
    ("dossier.reference", "référence du dossier"),
    ("dossier.structure", "structure porteuse"),
    ("dossier.representant", "représentant·e de la structure"),
    ("dossier.representant_fonction", "sa fonction"),
    ("dossier.adresse", "rue"),
    ("dossier.code_postal", "code postal"),
    ("dossier.commune", "commune"),
    ("dossier.courriel", "courriel de la structure"),
    ("dossier.professionnel", "professionnel pressenti"),
    ("dossier.date_reception", "date de réception"),
    ("decision.libelle", "libellé de la décision"),
    ("decision.date", "date de la séance"),
    ("decision.motivation", "motivation"),
    ("decision.reserve", "réserve (retenu sous réserve)"),
    ("decision.rang", "rang sur la liste complémentaire"),
    ("decision.pieces", "pièces demandées (ajourné)"),
    (
        "decision.montant",
        "montant accordé sur l'enveloppe de l'appel (1 000 €)",
    ),
    (
        "decision.lot",
        "lot que la décision concerne (appel en lots : « Module 2 : formations »)",
    ),
    ("notes.total", "note totale sur le barème de l'appel"),
    ("notes.total_100", "note totale sur 100"),
    ("notes.rang", "rang au classement"),
    (
        "grille",
        "tableau de la grille : critères, pondérations, notes (ligne seule)",
    ),
    ("recours", "voies et délais de recours (ligne seule)"),
];

#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Text(String),
    Field(String),
    /// `dossier:/json/pointer`.
    Pointer(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct TemplateLine {
    pub number: usize,
    pub pieces: Vec<Piece>,
    /// Column of each field piece, for errors found while rendering.
    pub columns: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// Shown in messages: `lettres/non_retenu.txt` or `(modèle intégré) non_retenu`.
    pub name: String,
    pub lines: Vec<TemplateLine>,
    /// A convocation leaves out a line whose placeholders are all empty
    /// (« Lien de visioconférence : » when the audition is in a room).
    pub drop_empty_lines: bool,
}

fn diag(name: &str, line: usize, column: usize, message: String) -> Diag {
    Diag {
        path: name.to_string(),
        line,
        column,
        severity: Severity::Error,
        message,
    }
}

/// The convocation's template id: `lettres/convocation.txt` overrides the
/// built-in one.
pub const CONVOCATION: &str = "convocation";

/// Built-in convocation templates, French and English.
pub const CONVOCATION_FR: &str = include_str!("templates/convocation.txt");
pub const CONVOCATION_EN: &str = include_str!("templates/convocation.en.txt");

/// The placeholders a convocation adds to the call's and the dossier's
/// (those of [`FIELDS`] that start with `appel.` or `dossier.`).
pub const CONVOCATION_FIELDS: &[(&str, &str)] = &[
    (
        "audition.libelle",
        "intitulé de l'audition (« label » de l'appel)",
    ),
    (
        "audition.date",
        "jour de l'audition, ex. « jeudi 10 juillet 2025 »",
    ),
    ("audition.debut", "heure de début, ex. « 9 h 45 »"),
    ("audition.fin", "heure de fin, ex. « 10 h 30 »"),
    ("audition.lieu", "lieu de l'audition"),
    ("audition.lien", "lien de visioconférence"),
    ("audition.jury", "membres du jury, « et » avant le dernier"),
    (
        "audition.pieces",
        "ce que le candidat apporte, en liste à puces",
    ),
    ("convocation.date", "date de la convocation"),
];

/// Parses a template and checks every placeholder's name.
pub fn parse(name: &str, text: &str) -> Result<Template, Vec<Diag>> {
    parse_with(name, text, &|f| FIELDS.iter().any(|(k, _)| *k == f))
}

/// Parses a convocation template: the call's and the dossier's placeholders
/// and the audition's; a decision's (`decision.*`, `notes.*`) has no value here.
pub fn parse_convocation(name: &str, text: &str) -> Result<Template, Vec<Diag>> {
    let mut t = parse_with(name, text, &|f| {
        CONVOCATION_FIELDS.iter().any(|(k, _)| *k == f)
            || ((f.starts_with("appel.") || f.starts_with("dossier."))
                && FIELDS.iter().any(|(k, _)| *k == f))
    })?;
    t.drop_empty_lines = true;
    Ok(t)
}

/// The convocation template: the call's own (`lettres/convocation.txt`) or
/// the built-in one in `lang`.
pub fn for_convocation(
    overrides: &BTreeMap<String, String>,
    lang: crate::fr::Lang,
) -> Result<Template, Vec<Diag>> {
    match overrides.get(CONVOCATION) {
        Some(text) => parse_convocation(&format!("lettres/{CONVOCATION}.txt"), text),
        None => parse_convocation(
            &format!("(modèle intégré) {CONVOCATION}"),
            lang.t(CONVOCATION_FR, CONVOCATION_EN),
        ),
    }
}

fn parse_with(name: &str, text: &str, known: &dyn Fn(&str) -> bool) -> Result<Template, Vec<Diag>> {
    let mut errors = Vec::new();
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let mut pieces = Vec::new();
        let mut columns = Vec::new();
        let mut rest = raw;
        let mut col = 1;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                pieces.push(Piece::Text(rest[..start].to_string()));
            }
            let at = col + rest[..start].chars().count();
            let Some(len) = rest[start + 2..].find("}}") else {
                errors.push(diag(
                    name,
                    number,
                    at,
                    "« {{ » sans « }} » : placeholder non fermé".into(),
                ));
                rest = "";
                break;
            };
            let inner = rest[start + 2..start + 2 + len].trim();
            if let Some(pointer) = inner.strip_prefix("dossier:") {
                if !pointer.starts_with('/') {
                    errors.push(diag(
                        name,
                        number,
                        at,
                        format!("« {{{{{inner}}}}} » : un JSON Pointer commence par « / » (ex. {{{{dossier:/project/permanence}}}})"),
                    ));
                }
                pieces.push(Piece::Pointer(pointer.to_string()));
            } else if known(inner) {
                pieces.push(Piece::Field(inner.to_string()));
            } else {
                errors.push(diag(
                    name,
                    number,
                    at,
                    format!(
                        "placeholder inconnu « {{{{{inner}}}}} » (voir la liste dans le README)"
                    ),
                ));
            }
            columns.push(at);
            let consumed = start + 2 + len + 2;
            col += rest[..consumed].chars().count();
            rest = &rest[consumed..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        lines.push(TemplateLine {
            number,
            pieces,
            columns,
        });
    }
    if errors.is_empty() {
        Ok(Template {
            name: name.to_string(),
            lines,
            drop_empty_lines: false,
        })
    } else {
        Err(errors)
    }
}

/// What a letter's placeholders are filled with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Values {
    pub fields: BTreeMap<String, String>,
    pub dossier: serde_json::Value,
    /// The reference, to name the dossier in errors.
    pub reference: String,
}

/// A rendered template: the subject and the body, before layout.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    pub subject: Option<String>,
    pub blocks: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    Paragraph(String),
    Heading(String),
    Bullets(Vec<String>),
    Grid,
    Appeal,
}

fn pointer_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Bool(b) => Some(if *b { "oui" } else { "non" }.into()),
        serde_json::Value::Number(n) => Some(
            n.as_f64()
                .map(|x| crate::fr::Lang::Fr.score(x))
                .unwrap_or_else(|| n.to_string()),
        ),
        serde_json::Value::Array(a) => Some(
            a.iter()
                .filter_map(pointer_text)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        serde_json::Value::Object(_) => None,
    }
}

/// The placeholders a decision may leave empty: a line holding only these
/// (and text) is left out when they are.
const OPTIONAL: &[&str] = &[
    "decision.montant",
    "decision.reserve",
    "decision.rang",
    "decision.pieces",
    "decision.lot",
];

pub fn render(t: &Template, values: &Values) -> Result<Rendered, Vec<Diag>> {
    let mut errors = Vec::new();
    let mut texts: Vec<(usize, String)> = Vec::new();
    for line in &t.lines {
        let mut out = String::new();
        let mut field = 0;
        let mut filled = false;
        for p in &line.pieces {
            match p {
                Piece::Text(s) => out.push_str(s),
                Piece::Field(name) if name == "grille" || name == "recours" => {
                    out.push_str(&format!("{{{{{name}}}}}"))
                }
                Piece::Field(name) => {
                    let value = values.fields.get(name).map(String::as_str).unwrap_or("");
                    filled |= !value.trim().is_empty();
                    out.push_str(value)
                }
                Piece::Pointer(ptr) => match values.dossier.pointer(ptr).and_then(pointer_text) {
                    Some(s) => out.push_str(&s),
                    None => errors.push(diag(
                        &t.name,
                        line.number,
                        line.columns.get(field).copied().unwrap_or(1),
                        format!(
                            "« {{{{dossier:{ptr}}}}} » : champ absent du dossier {}",
                            values.reference
                        ),
                    )),
                },
            }
            if !matches!(p, Piece::Text(_)) {
                field += 1;
            }
        }
        let fields = line.pieces.iter().any(|p| matches!(p, Piece::Field(_)));
        // A line saying only what a decision may not have (an amount, a
        // condition, a rank, a lot) goes when it has none: « Une aide de
        // {{decision.montant}} vous est accordée. » in a letter without aid.
        let optional = line.pieces.iter().all(|p| match p {
            Piece::Field(name) => OPTIONAL.contains(&name.as_str()),
            Piece::Text(_) => true,
            Piece::Pointer(_) => false,
        });
        if (t.drop_empty_lines || optional) && fields && !filled {
            continue;
        }
        // A value holding several lines (reasons as bullets) adds lines.
        for piece in out.split('\n') {
            texts.push((line.number, piece.to_string()));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut subject = None;
    let mut blocks = Vec::new();
    let mut para: Vec<String> = Vec::new();
    let mut bullets: Vec<String> = Vec::new();
    let flush = |para: &mut Vec<String>, bullets: &mut Vec<String>, blocks: &mut Vec<Part>| {
        if !para.is_empty() {
            blocks.push(Part::Paragraph(para.join(" ")));
            para.clear();
        }
        if !bullets.is_empty() {
            blocks.push(Part::Bullets(std::mem::take(bullets)));
        }
    };
    for (i, (_, text)) in texts.iter().enumerate() {
        let line = text.trim();
        // The subject line may only come first (blank lines aside).
        if (i == 0 || (subject.is_none() && blocks.is_empty() && para.is_empty()))
            && let Some(s) = line
                .strip_prefix("Objet :")
                .or_else(|| line.strip_prefix("Objet:"))
        {
            subject = Some(s.trim().to_string());
            continue;
        }
        if line.is_empty() {
            flush(&mut para, &mut bullets, &mut blocks);
        } else if line == "{{grille}}" {
            flush(&mut para, &mut bullets, &mut blocks);
            blocks.push(Part::Grid);
        } else if line == "{{recours}}" {
            flush(&mut para, &mut bullets, &mut blocks);
            blocks.push(Part::Appeal);
        } else if let Some(h) = line.strip_prefix("## ") {
            flush(&mut para, &mut bullets, &mut blocks);
            blocks.push(Part::Heading(h.to_string()));
        } else if let Some(b) = line.strip_prefix("- ") {
            if !para.is_empty() {
                blocks.push(Part::Paragraph(para.join(" ")));
                para.clear();
            }
            bullets.push(b.to_string());
        } else {
            if !bullets.is_empty() {
                blocks.push(Part::Bullets(std::mem::take(&mut bullets)));
            }
            para.push(line.to_string());
        }
    }
    flush(&mut para, &mut bullets, &mut blocks);
    // A paragraph left empty by an empty placeholder is dropped.
    blocks.retain(|b| !matches!(b, Part::Paragraph(p) if p.trim().is_empty()));
    Ok(Rendered { subject, blocks })
}

/// The template for a decision: the call's own (`lettres/<id>.txt`) or the
/// built-in one. `None` for a call's decision without a template.
pub fn for_decision(
    kind: &str,
    overrides: &BTreeMap<String, String>,
) -> Option<Result<Template, Vec<Diag>>> {
    if let Some(text) = overrides.get(kind) {
        return Some(parse(&format!("lettres/{kind}.txt"), text));
    }
    BUILT_IN
        .iter()
        .find(|(id, _)| *id == kind)
        .map(|(id, text)| parse(&format!("(modèle intégré) {id}"), text))
}

/// Checks a call's templates: every one parses, every decision has one.
pub fn check_call(call: &crate::call::Call, overrides: &BTreeMap<String, String>) -> Vec<Diag> {
    let mut out = Vec::new();
    // Convening to an audition has no decision letter: the convocation
    // is the letter.
    for kind in crate::decision::kinds(call, crate::fr::Lang::Fr)
        .into_iter()
        .filter(|k| k.id != crate::call::decision_id::CONVOQUE)
    {
        match for_decision(&kind.id, overrides) {
            Some(Ok(_)) => {}
            Some(Err(mut e)) => out.append(&mut e),
            None => out.push(diag(
                &format!("lettres/{}.txt", kind.id),
                1,
                1,
                format!(
                    "modèle de courrier manquant pour la décision « {} » ajoutée par l'appel",
                    kind.label
                ),
            )),
        }
    }
    // The convocation is checked with its own placeholders, only when the
    // call has an audition stage to convene to.
    if let Some(text) = overrides.get(CONVOCATION) {
        match parse_convocation(&format!("lettres/{CONVOCATION}.txt"), text) {
            Ok(_) if call.audition.is_none() => {
                let mut d = diag(
                    &format!("lettres/{CONVOCATION}.txt"),
                    1,
                    1,
                    "modèle de convocation sans étape d'audition (« audition ») dans l'appel : il ne servira pas".into(),
                );
                d.severity = Severity::Warning;
                out.push(d);
            }
            Ok(_) => {}
            Err(mut e) => out.append(&mut e),
        }
    }
    for name in overrides.keys().filter(|n| *n != CONVOCATION) {
        if crate::decision::kind(call, name, crate::fr::Lang::Fr).is_none() {
            let mut d = diag(
                &format!("lettres/{name}.txt"),
                1,
                1,
                format!("modèle pour une décision inconnue « {name} » : il ne servira pas"),
            );
            d.severity = Severity::Warning;
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_template_parses() {
        for (id, text) in BUILT_IN {
            assert!(parse(id, text).is_ok(), "{id}");
        }
    }

    #[test]
    fn the_convocation_has_its_own_placeholders_and_not_a_decisions() {
        for lang in [crate::fr::Lang::Fr, crate::fr::Lang::En] {
            assert!(for_convocation(&BTreeMap::new(), lang).is_ok(), "{lang:?}");
        }
        assert!(
            parse_convocation(
                "c",
                "le {{audition.date}} à {{audition.debut}} ({{dossier.reference}})"
            )
            .is_ok()
        );
        let e =
            parse_convocation("lettres/convocation.txt", "x\n{{decision.motivation}}").unwrap_err();
        assert_eq!((e[0].line, e[0].column), (2, 1));
        // A decision letter has no audition to name.
        assert!(parse("t", "{{audition.date}}").is_err());
    }

    #[test]
    fn unknown_placeholder_is_an_error_with_its_position() {
        let e = parse(
            "lettres/retenu.txt",
            "Objet : x\n\nBonjour {{dossier.nom}}, ok",
        )
        .unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "lettres/retenu.txt:3:9: placeholder inconnu « {{dossier.nom}} » (voir la liste dans le README)"
        );
        let e = parse("t", "a {{appel.titre").unwrap_err();
        assert_eq!((e[0].line, e[0].column), (1, 3));
    }

    #[test]
    fn renders_fields_pointers_paragraphs_bullets_and_blocks() {
        let t = parse(
            "t",
            "Objet : Appel « {{appel.titre}} »\n\nMadame,\nsuite du paragraphe {{dossier.reference}}.\n\n- un\n- deux {{dossier:/project/permanence}}\n\n{{grille}}\n\n{{recours}}\n",
        )
        .unwrap();
        let mut v = Values::default();
        v.fields.insert("appel.titre".into(), "PDNP".into());
        v.fields.insert("dossier.reference".into(), "R-1".into());
        v.dossier = serde_json::json!({ "project": { "permanence": "mardi" } });
        let r = render(&t, &v).unwrap();
        assert_eq!(r.subject.as_deref(), Some("Appel « PDNP »"));
        assert_eq!(
            r.blocks[0],
            Part::Paragraph("Madame, suite du paragraphe R-1.".into())
        );
        assert_eq!(
            r.blocks[1],
            Part::Bullets(vec!["un".into(), "deux mardi".into()])
        );
        assert_eq!(r.blocks[2], Part::Grid);
        assert_eq!(r.blocks[3], Part::Appeal);
    }

    #[test]
    fn a_pointer_missing_from_a_dossier_names_template_line_and_dossier() {
        let t = parse(
            "lettres/x.txt",
            "Objet : a\n\nPermanence : {{dossier:/project/permanence}}",
        )
        .unwrap();
        let v = Values {
            reference: "R-9".into(),
            ..Values::default()
        };
        let e = render(&t, &v).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "lettres/x.txt:3:14: « {{dossier:/project/permanence}} » : champ absent du dossier R-9"
        );
    }

    #[test]
    fn a_line_of_what_a_decision_may_lack_goes_when_it_lacks_it() {
        let t = parse(
            "lettres/retenu.txt",
            "Objet : a\n\nRetenu le {{decision.date}}.\nUne aide de {{decision.montant}} vous est accordée.\n\nFin.",
        )
        .expect("template");
        let mut v = Values::default();
        v.fields
            .insert("decision.date".into(), "7 juillet 2025".into());
        let without = render(&t, &v).expect("letter");
        assert_eq!(
            without.blocks[0],
            Part::Paragraph("Retenu le 7 juillet 2025.".into())
        );
        v.fields.insert("decision.montant".into(), "1 000 €".into());
        let with = render(&t, &v).expect("letter");
        assert_eq!(
            with.blocks[0],
            Part::Paragraph(
                "Retenu le 7 juillet 2025. Une aide de 1 000 € vous est accordée.".into()
            )
        );
    }
}
