//! `jury import` of mailboxes and fillable PDF forms, as a coordinator runs
//! it: a Thunderbird mbox of ten candidatures with PDF attachments (one a
//! fillable form), a late amendment, a later run, `--appliquer`, and broken
//! inputs with their exact French messages. The fixtures are written by the
//! tests (messages with mail-builder, PDFs and forms with lopdf).

use lopdf::{Object, dictionary};
use mail_builder::MessageBuilder;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::intake;
use crate::common::pdf;
use intake::{call_with_prefix, check_passes, dossier, jury, stdout};
use pdf::{Field, bytes, pdf};

/// The sample call holds 28 dossiers; its deadline is 4 July 2025.
const SAMPLE_DOSSIERS: usize = 28;

fn call(dir: &Path) -> PathBuf {
    let call = call_with_prefix(dir, "");
    // A form's field named by its parents: `Projet.Public`.
    let path = call.join("appel.json");
    let mut appel: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    if let Some(columns) = appel["intake"]["columns"].as_array_mut() {
        columns.push(serde_json::json!({
            "column": "Projet.Public", "field": "/project/public", "type": "text"
        }));
    }
    std::fs::write(&path, serde_json::to_string_pretty(&appel).expect("json")).expect("write");
    call
}

fn import(call: &Path, sources: &[&Path], apply: bool) -> (bool, String) {
    let mut cmd = jury();
    cmd.arg("import").arg(call).args(sources);
    if apply {
        cmd.arg("--appliquer");
    }
    let out = cmd.output().expect("run");
    let text = stdout(&out);
    (out.status.success(), text)
}

/// Every file under the call's `dossiers/` and `pieces/`, with its bytes.
fn snapshot(call: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.insert(p.clone(), std::fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&call.join("dossiers"), &mut out);
    walk(&call.join("pieces"), &mut out);
    out
}

/// Importing `sources` again prints only `summary` and leaves every file
/// byte for byte as it was.
fn changes_nothing(call: &Path, sources: &[&Path], apply: bool, summary: &str) {
    let before = snapshot(call);
    let (ok, text) = import(call, sources, apply);
    assert!(ok, "{text}");
    assert_eq!(text.trim(), summary);
    assert_eq!(snapshot(call), before);
}

/// A PDF encrypted with RC4 128 bits: opening it needs `user_password`
/// (none when empty: the owner's only restricts what may be changed).
fn encrypted(mut doc: lopdf::Document, user_password: &str) -> Vec<u8> {
    doc.trailer.set(
        "ID",
        vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"0123456789abcdef".to_vec()),
        ],
    );
    let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "proprio",
        user_password,
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    })
    .expect("encryption");
    doc.encrypt(&state).expect("encrypt");
    bytes(doc)
}

/// A fillable form as a candidate sends it.
fn filled_form(structure: &'static str) -> Vec<u8> {
    bytes(pdf(&[
        Field::Text("Structure", structure),
        Field::Text("Commune", "Grasse"),
        Field::Text("Heures en ligne", "4,5"),
        Field::Check("Charte signée", true),
        Field::Text("Réseaux", "Instagram; Discord"),
        Field::Nested("Projet", "Public", "Parents d'adolescents"),
    ]))
}

/// A scanned document: a PDF with no form, different bytes for each `n`.
fn scan(n: usize) -> Vec<u8> {
    let mut doc = pdf(&[]);
    doc.trailer.set(
        "Info",
        dictionary! { "Title" => lopdf::text_string(&format!("Scan {n}")) },
    );
    bytes(doc)
}

/// One message as a mail server delivers it: `Received:` on top (the
/// server's time, `server`), then the sender's own `Date:`.
fn message(
    from: &str,
    subject: &str,
    server: &str,
    body: &str,
    pieces: &[(&str, Vec<u8>)],
) -> Vec<u8> {
    let mut m = MessageBuilder::new()
        .from((from.split('@').next().unwrap_or(""), from))
        .to("pdnp@caf06.fr")
        .subject(subject)
        .date(0_i64)
        .text_body(body.to_string());
    for (name, bytes) in pieces {
        m = m.attachment("application/pdf", name.to_string(), bytes.clone());
    }
    let raw = m.write_to_vec().expect("mail");
    let mut out =
        format!("Received: from mx.exemple.org by mail.caf06.fr; {server}\r\n").into_bytes();
    out.extend(raw);
    out
}

/// A Thunderbird export: `From ` lines, body lines `From …` escaped.
fn mbox(messages: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in messages {
        out.extend_from_slice(b"From - Thu Jul 03 10:00:00 2025\r\n");
        let text = String::from_utf8_lossy(m).into_owned();
        for line in text.split_inclusive('\n') {
            if line.trim_start_matches('>').starts_with("From ") {
                out.push(b'>');
            }
            out.extend_from_slice(line.as_bytes());
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Ten candidatures received 1 July 2025, each with a scanned PDF; the
/// fourth with a fillable form instead, sent again corrected on 2 July;
/// candidate 3 sends a piece again on 7 July, after the deadline.
fn ten_candidatures() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for i in 1..=10 {
        let server = format!("Tue, 1 Jul 2025 {:02}:15:00 +0000", 6 + i);
        let from = format!("candidat{i}@exemple.org");
        let body = format!("Bonjour,\nveuillez trouver notre dossier.\nFrom Nice, candidat {i}.\n");
        let piece = if i == 4 {
            ("formulaire.pdf", filled_form("Maison des familles"))
        } else {
            ("dossier.pdf", scan(i))
        };
        out.push(message(&from, "Candidature PDNP", &server, &body, &[piece]));
    }
    out.push(message(
        "candidat4@exemple.org",
        "Formulaire corrigé",
        "Wed, 2 Jul 2025 08:00:00 +0000",
        "Le nom complet.",
        &[(
            "formulaire.pdf",
            filled_form("Maison des familles de Grasse"),
        )],
    ));
    out.push(message(
        "candidat3@exemple.org",
        "Pièce complémentaire",
        "Mon, 7 Jul 2025 08:00:00 +0000",
        "Voici l'attestation.",
        &[("dossier.pdf", scan(33))],
    ));
    out
}

#[test]
fn a_thunderbird_mbox_of_ten_candidatures_becomes_ten_dossiers_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = call(dir.path());
    let boite = dir.path().join("boite.mbox");
    std::fs::write(&boite, mbox(&ten_candidatures())).expect("write");

    let (ok, text) = import(&call, &[&boite], false);
    assert!(ok, "{text}");
    let last = text.lines().last().unwrap_or("");
    assert_eq!(
        last, "10 dossiers créés, 0 inchangé, 0 modifié dans la source (non appliqué), 0 erreur",
        "{text}"
    );
    let late = format!(
        "{}:message 12: MEL-003 : courriel reçu le 7 juillet 2025 à 10:00, après la date limite du 4 juillet 2025 (en retard)",
        boite.display()
    );
    assert!(text.contains(&late), "{text}");
    let corrected = format!(
        "{}:message 11: formulaire.pdf: MEL-004 : /structure/name modifié par ce formulaire : « Maison des familles » → « Maison des familles de Grasse »",
        boite.display()
    );
    assert!(text.contains(&corrected), "{text}");

    // References follow the order of first reception; the top Received:
    // header gives the time, in Paris.
    let first = dossier(&call, "MEL-001");
    assert_eq!(first["structure"]["email"], "candidat1@exemple.org");
    assert_eq!(first["received_at"], "2025-07-01T09:15:00+02:00");
    let courriel = &first["courriels"][0];
    assert_eq!(courriel["objet"], "Candidature PDNP");
    assert_eq!(
        courriel["texte"],
        "Bonjour,\nveuillez trouver notre dossier.\nFrom Nice, candidat 1."
    );
    assert_eq!(courriel["pieces"], serde_json::json!(["dossier.pdf"]));
    assert_eq!(
        first["attachments"],
        serde_json::json!([{"title": "dossier.pdf", "path": "pieces/MEL-001/dossier.pdf"}])
    );
    assert_eq!(
        std::fs::read(call.join("pieces/MEL-001/dossier.pdf")).expect("piece"),
        scan(1)
    );

    // The fillable form's fields went through the intake.
    let form = dossier(&call, "MEL-004");
    assert_eq!(form["structure"]["name"], "Maison des familles de Grasse");
    assert_eq!(
        form["attachments"][1]["path"],
        "pieces/MEL-004/formulaire-2.pdf"
    );
    assert_eq!(form["structure"]["address"]["city"], "Grasse");
    assert_eq!(form["project"]["weekly_online_hours"], 4.5);
    assert_eq!(form["commitments"]["charter_signed"], true);
    assert_eq!(
        form["project"]["networks"],
        serde_json::json!(["Instagram", "Discord"])
    );
    assert_eq!(form["project"]["public"], "Parents d'adolescents");

    // The late amendment: its own time, marked late, its piece under a
    // name of its own.
    let three = dossier(&call, "MEL-003");
    let courriels = three["courriels"].as_array().expect("courriels");
    assert_eq!(courriels.len(), 2);
    assert_eq!(courriels[1]["recu_le"], "2025-07-07T10:00:00+02:00");
    assert_eq!(courriels[1]["en_retard"], true);
    assert_eq!(courriels[1]["pieces"], serde_json::json!(["dossier-2.pdf"]));
    assert!(courriels[0].get("en_retard").is_none());
    assert_eq!(
        three["attachments"][1],
        serde_json::json!({"title": "dossier.pdf", "path": "pieces/MEL-003/dossier-2.pdf", "en_retard": true})
    );
    assert_eq!(three["received_at"], "2025-07-01T11:15:00+02:00");

    check_passes(&call, SAMPLE_DOSSIERS + 10);

    changes_nothing(
        &call,
        &[&boite],
        false,
        "0 dossier créé, 10 inchangés, 0 modifié dans la source (non appliqué), 0 erreur",
    );
}

#[test]
fn a_later_message_is_an_amendment_reported_and_applied_only_when_asked() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = call(dir.path());
    let boite = dir.path().join("boite.mbox");
    let first = message(
        "Anne@Exemple.org",
        "Candidature",
        "Tue, 1 Jul 2025 08:00:00 +0000",
        "Notre dossier.",
        &[("dossier.pdf", scan(1))],
    );
    std::fs::write(&boite, mbox(std::slice::from_ref(&first))).expect("write");
    let (ok, text) = import(&call, &[&boite], false);
    assert!(ok, "{text}");
    let imported = std::fs::read(call.join("dossiers/MEL-001.json")).expect("dossier");

    // A folder of .eml: a new message from the same sender (the address
    // compared without case), and one from a new sender.
    let folder = dir.path().join("courriels");
    std::fs::create_dir(&folder).expect("dir");
    std::fs::write(
        folder.join("1-anne.eml"),
        message(
            "anne@exemple.org",
            "Budget",
            "Wed, 2 Jul 2025 08:00:00 +0000",
            "Le budget.",
            &[("budget.pdf", scan(2))],
        ),
    )
    .expect("write");
    std::fs::write(
        folder.join("2-bruno.eml"),
        message(
            "bruno@exemple.org",
            "Candidature",
            "Wed, 2 Jul 2025 09:00:00 +0000",
            "Bonjour.",
            &[("dossier.pdf", scan(3))],
        ),
    )
    .expect("write");
    std::fs::write(folder.join("notes.txt"), "pas un courriel").expect("write");
    let (ok, text) = import(&call, &[&folder], false);
    assert!(ok, "{text}");
    let anne = folder.join("1-anne.eml");
    assert!(
        text.contains(&format!(
            "{}: MEL-001 modifié dans la source : /attachments, /courriels, pièce « budget.pdf » ; le dossier importé est gardé (jury import --appliquer pour l'appliquer)",
            anne.display()
        )),
        "{text}"
    );
    assert!(
        text.ends_with(
            "1 dossier créé, 0 inchangé, 1 modifié dans la source (non appliqué), 0 erreur\n"
        ),
        "{text}"
    );
    assert_eq!(
        std::fs::read(call.join("dossiers/MEL-001.json")).expect("dossier"),
        imported
    );
    assert!(!call.join("pieces/MEL-001/budget.pdf").exists());
    assert_eq!(
        dossier(&call, "MEL-002")["structure"]["email"],
        "bruno@exemple.org"
    );

    let (ok, text) = import(&call, &[&folder], true);
    assert!(ok, "{text}");
    assert!(
        text.contains(&format!(
            "{}: MEL-001 modifié dans la source : /attachments, /courriels, pièce « budget.pdf » ; appliqué",
            anne.display()
        )),
        "{text}"
    );
    assert!(
        text.ends_with(
            "0 dossier créé, 1 inchangé, 1 modifié dans la source (appliqué), 0 erreur\n"
        ),
        "{text}"
    );
    let anne = dossier(&call, "MEL-001");
    let objets: Vec<&str> = anne["courriels"]
        .as_array()
        .expect("courriels")
        .iter()
        .filter_map(|c| c["objet"].as_str())
        .collect();
    assert_eq!(objets, ["Candidature", "Budget"]);
    assert_eq!(
        std::fs::read(call.join("pieces/MEL-001/budget.pdf")).expect("piece"),
        scan(2)
    );
    check_passes(&call, SAMPLE_DOSSIERS + 2);

    // Everything again: nothing left to apply.
    changes_nothing(
        &call,
        &[&boite, &folder],
        true,
        "0 dossier créé, 2 inchangés, 0 modifié dans la source (appliqué), 0 erreur",
    );
}

#[test]
fn a_piece_whose_bytes_changed_under_the_same_name_is_a_change() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = call(dir.path());
    let boite = dir.path().join("boite.mbox");
    let send = |piece: Vec<u8>| {
        mbox(&[message(
            "anne@exemple.org",
            "Candidature",
            "Tue, 1 Jul 2025 08:00:00 +0000",
            "Notre dossier.",
            &[("dossier.pdf", piece)],
        )])
    };
    std::fs::write(&boite, send(scan(1))).expect("write");
    let (ok, text) = import(&call, &[&boite], false);
    assert!(ok, "{text}");

    std::fs::write(&boite, send(scan(2))).expect("write");
    let (ok, text) = import(&call, &[&boite], false);
    assert!(ok, "{text}");
    assert!(
        text.contains(&format!(
            "{}:message 1: MEL-001 modifié dans la source : pièce « dossier.pdf » ; le dossier importé est gardé",
            boite.display()
        )),
        "{text}"
    );
    let piece = call.join("pieces/MEL-001/dossier.pdf");
    assert_eq!(std::fs::read(&piece).expect("piece"), scan(1));
    let (ok, text) = import(&call, &[&boite], true);
    assert!(ok, "{text}");
    assert_eq!(std::fs::read(&piece).expect("piece"), scan(2));
}

#[test]
fn a_changed_spreadsheet_row_is_written_with_appliquer() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = intake::call(dir.path());
    let csv = dir.path().join("c.csv");
    let write = |city: &str| {
        let header = intake::FORM
            .iter()
            .map(|(c, _, _)| *c)
            .collect::<Vec<_>>()
            .join(";");
        let row = [
            "R1",
            "02/07/2025 16:42",
            "a@exemple.org",
            "Maison",
            "3 rue",
            "06300",
            city,
            "Marie",
            "Présidente",
            "Léa",
            "Animatrice",
            "salarie",
            "4",
            "Oui",
            "Instagram",
            "3/7/1998",
        ]
        .join(";");
        std::fs::write(&csv, format!("{header}\n{row}\n")).expect("write");
    };
    write("Nice");
    let (ok, text) = import(&call, &[&csv], false);
    assert!(ok, "{text}");
    write("Grasse");
    let (ok, text) = import(&call, &[&csv], true);
    assert!(ok, "{text}");
    assert!(
        text.contains(&format!(
            "{}:2: IMP-R1 modifié dans la source : /structure/address/city ; appliqué",
            csv.display()
        )),
        "{text}"
    );
    assert_eq!(
        dossier(&call, "IMP-R1")["structure"]["address"]["city"],
        "Grasse"
    );
}

#[test]
fn a_fillable_pdf_given_directly_makes_one_dossier() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = call(dir.path());
    let with_reference = dir.path().join("cerfa.pdf");
    std::fs::write(
        &with_reference,
        bytes(pdf(&[
            Field::Text("Référence", "F-7"),
            Field::Text("Reçu le", "03/07/2025 16:42"),
            Field::Text("Courriel", "contact@exemple.org"),
            Field::Text("Structure", "Centre social"),
            Field::Check("Charte signée", false),
            Field::Text("Date de création", "3 juillet 1998"),
        ])),
    )
    .expect("write");
    let by_stem = dir.path().join("Dossier-12.pdf");
    std::fs::write(
        &by_stem,
        bytes(pdf(&[
            Field::Text("Reçu le", "2025-07-02T10:00:00+02:00"),
            Field::Text("Heures en ligne", "3"),
        ])),
    )
    .expect("write");
    // Many official forms are encrypted only to restrict editing: they
    // open without a password and read as any other.
    let restricted = dir.path().join("restreint.pdf");
    std::fs::write(
        &restricted,
        encrypted(
            pdf(&[
                Field::Text("Reçu le", "01/07/2025 09:00"),
                Field::Text("Structure", "Association Horizon"),
            ]),
            "",
        ),
    )
    .expect("write");
    let (ok, text) = import(&call, &[&with_reference, &by_stem, &restricted], false);
    assert!(ok, "{text}");
    let d = dossier(&call, "F-7");
    assert_eq!(d["received_at"], "2025-07-03T16:42:00+02:00");
    assert_eq!(d["structure"]["name"], "Centre social");
    assert_eq!(d["commitments"]["charter_signed"], false);
    assert_eq!(d["structure"]["created"], "1998-07-03");
    assert_eq!(
        d["attachments"],
        serde_json::json!([{"title": "cerfa.pdf", "path": "pieces/F-7/cerfa.pdf"}])
    );
    assert_eq!(
        dossier(&call, "Dossier-12")["project"]["weekly_online_hours"],
        3
    );
    assert_eq!(
        dossier(&call, "restreint")["structure"]["name"],
        "Association Horizon"
    );
    check_passes(&call, SAMPLE_DOSSIERS + 3);
}

#[test]
fn broken_inputs_are_named_and_nothing_is_written_for_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = call(dir.path());
    let at = |name: &str| dir.path().join(name);
    let before = snapshot(&call);

    std::fs::write(
        at("sans-from.eml"),
        "Received: from a by b; Tue, 1 Jul 2025 08:00:00 +0000\r\nSubject: Candidature\r\n\r\nBonjour\r\n",
    )
    .expect("write");
    std::fs::write(
        at("sans-date.eml"),
        "From: a@exemple.org\r\nSubject: Candidature\r\n\r\nBonjour\r\n",
    )
    .expect("write");
    std::fs::write(
        at("mime.eml"),
        concat!(
            "From: b@exemple.org\r\nDate: Tue, 1 Jul 2025 08:00:00 +0000\r\n",
            "Content-Type: multipart/mixed; boundary=\"X\"\r\n\r\n",
            "--X\r\nContent-Type: text/plain\r\n\r\nBonjour\r\n",
            "--X\r\nContent-Type: application/pdf; name=\"dossier.pdf\"\r\n",
            "Content-Transfer-Encoding: base64\r\n\r\n%%% pas du base64 %%%\r\n--X--\r\n"
        ),
    )
    .expect("write");
    std::fs::write(at("faux.pdf"), "Bonjour, ceci n'est pas un PDF").expect("write");
    std::fs::write(at("simple.pdf"), scan(1)).expect("write");
    let locked = encrypted(pdf(&[Field::Text("Reçu le", "03/07/2025 16:42")]), "secret");
    std::fs::write(at("chiffre.pdf"), locked).expect("write");
    std::fs::write(
        at("sans-date.pdf"),
        bytes(pdf(&[Field::Text("Structure", "Centre social")])),
    )
    .expect("write");
    std::fs::write(at("pas-une-boite.mbox"), "Subject: x\r\n\r\ntexte\r\n").expect("write");
    // Sparse: 201 MB of nothing, written in no time.
    let huge = std::fs::File::create(at("geante.mbox")).expect("create");
    huge.set_len(201 * 1024 * 1024).expect("size");
    std::fs::create_dir(at("vide")).expect("dir");
    std::fs::write(at("vide/notes.txt"), "pas un courriel").expect("write");
    let big = std::fs::File::create(at("gros.eml")).expect("create");
    big.set_len(21 * 1024 * 1024).expect("size");

    let names = [
        "sans-from.eml",
        "sans-date.eml",
        "mime.eml",
        "faux.pdf",
        "simple.pdf",
        "chiffre.pdf",
        "sans-date.pdf",
        "pas-une-boite.mbox",
        "geante.mbox",
        "gros.eml",
        "vide",
    ];
    let paths: Vec<PathBuf> = names.iter().map(|n| at(n)).collect();
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let (ok, text) = import(&call, &refs, false);
    assert!(!ok, "{text}");
    let d = |n: &str| at(n).display().to_string();
    let expected = [
        format!(
            "{}: pas une boîte mbox : la première ligne doit commencer par « From  » (exportez le dossier depuis Thunderbird)",
            d("pas-une-boite.mbox")
        ),
        format!("{}: fichier de plus de 200 Mo", d("geante.mbox")),
        format!("{}: fichier de plus de 20 Mo", d("gros.eml")),
        format!(
            "{}: aucun courriel (fichier .eml ou message de la boîte) ; rien à importer",
            d("vide")
        ),
        format!(
            "{}: PDF illisible (pas d'en-tête %PDF) ; enregistrez-le de nouveau depuis le lecteur PDF",
            d("faux.pdf")
        ),
        format!(
            "{}: ce PDF n'est pas un formulaire à remplir (aucun champ AcroForm) ; saisissez le dossier à la main ou dans un tableur",
            d("simple.pdf")
        ),
        format!(
            "{}: PDF protégé par un mot de passe : demandez au candidat une copie sans mot de passe",
            d("chiffre.pdf")
        ),
        format!(
            "{}: date de réception absente : associez dans « intake.columns » de appel.json un champ de ce formulaire à « /received_at » (type datetime), ou envoyez ce formulaire par courriel et importez le courriel",
            d("sans-date.pdf")
        ),
        format!("{}: en-tête From absent", d("sans-from.eml")),
        format!(
            "{}: date de réception inconnue : ni en-tête Received ni Date lisible ; enregistrez le courriel depuis la messagerie avec ses en-têtes",
            d("sans-date.eml")
        ),
        format!(
            "{}: pièce jointe « dossier.pdf » illisible (encodage base64 invalide)",
            d("mime.eml")
        ),
        "0 dossier créé, 0 inchangé, 0 modifié dans la source (non appliqué), 11 erreurs"
            .to_string(),
    ];
    assert_eq!(text.lines().collect::<Vec<_>>(), expected, "{text}");
    assert_eq!(snapshot(&call), before);
}

#[test]
fn a_message_without_attachment_is_named_and_still_kept() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = call(dir.path());
    let boite = dir.path().join("boite.mbox");
    let html = MessageBuilder::new()
        .from(("Claire", "claire@exemple.org"))
        .to("pdnp@caf06.fr")
        .subject("Question")
        .date(1_751_400_000_i64)
        .html_body("<p>Bonjour,</p><p>le dossier suit.</p>")
        .write_to_vec()
        .expect("mail");
    // A message in Latin-1, quoted-printable, as older mail programs send.
    let latin = b"From: Denis <denis@exemple.org>\r\nDate: Wed, 2 Jul 2025 10:00:00 +0200\r\nSubject: =?iso-8859-1?q?Dossier_compl=E9t?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCi-joint le r=E9sum=E9.\r\n".to_vec();
    std::fs::write(&boite, mbox(&[html, latin])).expect("write");
    let (ok, text) = import(&call, &[&boite], false);
    assert!(ok, "{text}");
    assert!(
        text.starts_with(&format!(
            "{}:message 1: aucune pièce jointe\n",
            boite.display()
        )),
        "{text}"
    );
    let d = dossier(&call, "MEL-001");
    assert_eq!(d["courriels"][0]["texte"], "Bonjour,\n\nle dossier suit.");
    assert_eq!(d["received_at"], "2025-07-01T22:00:00+02:00");
    let latin = dossier(&call, "MEL-002");
    assert_eq!(latin["courriels"][0]["objet"], "Dossier complét");
    assert_eq!(latin["courriels"][0]["texte"], "Ci-joint le résumé.");
}
