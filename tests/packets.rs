//! The offline round trip of issue 5: the chair bundles the batch, three
//! members score on their own databases made from it, their packets come
//! back and are merged, in any order, safely and only once.

use jury::io::import::read_folder;
use jury::store::{MergeReport, Store, StoreError};
use jury_core::aggregate::{DossierAggregate, Input, aggregate};
use jury_core::packet::{self, Packet, PacketConflict, PacketError, PacketScore};
use jury_core::records::ScoreRow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

const JULIEN: &str = "Julien Ferrand";
const BERNARD: &str = "Bernard Castellan";
const AGNES: &str = "Agnès Tordo";

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025")
}

/// A database made from a call folder, as `jury DIR --db FILE` makes it.
fn synced(db: &Path, call_dir: &Path) -> Store {
    let folder = read_folder(call_dir).expect("call folder");
    assert_eq!(folder.errors(), 0, "{:?}", folder.diags);
    assert_eq!(folder.dossiers.len(), 28);
    let mut store = Store::open(db).expect("open");
    folder.import_into(&mut store).expect("import");
    store
}

fn chair(db: &Path) -> Store {
    synced(db, &sample())
}

/// A chair's database that does not know where the call folder is (made
/// from a bundle, or moved from another laptop).
fn chair_without_folder(db: &Path) -> Store {
    let store = chair(db);
    rusqlite::Connection::open(db)
        .and_then(|c| {
            c.execute(
                "DELETE FROM meta WHERE key = ?1",
                [jury::store::CALL_DIR_KEY],
            )
        })
        .expect("forget the call folder");
    store
}

fn reference(n: u32) -> String {
    format!("PDNP06-2025-{n:03}")
}

fn score(store: &mut Store, member: &str, n: u32, criterion: &str, value: f64, comment: &str) {
    store
        .save_score(&ScoreRow {
            reference: reference(n),
            member: member.into(),
            criterion: criterion.into(),
            value: Some(value),
            comment: comment.into(),
        })
        .expect("score");
}

const CRITERIA: [&str; 4] = ["experience", "qualification", "coherence", "formation"];

/// Scores every criterion of the dossiers `range`, values depending on who.
fn score_dossiers(
    store: &mut Store,
    member: &str,
    range: std::ops::RangeInclusive<u32>,
    bias: f64,
) {
    for n in range {
        for (i, c) in CRITERIA.iter().enumerate() {
            let value = ((n as f64 + i as f64 + bias) % 6.0).floor();
            let comment = if i == 0 {
                format!("{member} sur {}", reference(n))
            } else {
                String::new()
            };
            score(store, member, n, c, value, &comment);
        }
    }
}

/// Writes the chair's bundle and unpacks it as a member's laptop would.
fn bundle_and_unpack(chair: &Store, dir: &Path) -> PathBuf {
    let file = dir.join("lot.jurybundle");
    let summary = jury::io::bundle::write(chair, Some(&sample()), &file).expect("bundle");
    assert_eq!(summary.dossiers, 28);
    assert_eq!(summary.attachments, 4);
    let laptop = dir.join("portable");
    let call_dir = jury::io::bundle::unpack(&file, &laptop).expect("unpack");
    assert_eq!(call_dir, laptop.join("caf06-pdnp-2025"));
    call_dir
}

/// Three members' packets, each from their own database made from the bundle.
fn three_packets(dir: &Path) -> Vec<Packet> {
    let chair_store = chair(&dir.join("chair-for-bundle.sqlite"));
    let call_dir = bundle_and_unpack(&chair_store, dir);
    let mut packets = Vec::new();
    for (i, (member, range, bias)) in [
        (JULIEN, 1..=6, 0.0),
        (BERNARD, 4..=9, 2.0),
        (AGNES, 7..=12, 4.0),
    ]
    .into_iter()
    .enumerate()
    {
        let mut m = synced(&dir.join(format!("member{i}.sqlite")), &call_dir);
        m.ensure_member(member).expect("member");
        score_dossiers(&mut m, member, range, bias);
        if member == AGNES {
            m.set_conflict(
                AGNES,
                &reference(3),
                AGNES,
                true,
                "ancienne salariée de la structure",
            )
            .expect("conflict");
        }
        let p = m.export_packet(member).expect("export");
        assert_eq!(p.scores.len(), 24);
        packets.push(p);
    }
    packets
}

type ScoreLine = (String, String, String, Option<f64>, String, String);
type PacketLine = (String, String, String, i64, i64, i64, i64);
type MergeLine = (String, String, String, Option<f64>, Option<f64>, String);
type AuditLine = (String, String, String, Option<String>, Option<String>);

/// The chair database's content, minus what depends on when things ran.
#[derive(Debug, PartialEq)]
struct Snapshot {
    scores: Vec<ScoreLine>,
    conflicts: Vec<(String, String, String, String)>,
    packets: Vec<PacketLine>,
    merge_conflicts: Vec<MergeLine>,
    /// (actor, action, target, before, after), sorted: the audit apart from order.
    audit: Vec<AuditLine>,
    aggregates: Vec<DossierAggregate>,
}

fn snapshot(db: &Path, store: &Store) -> Snapshot {
    let conn = rusqlite::Connection::open(db).expect("sqlite");
    let rows = |sql: &str| -> Vec<Vec<rusqlite::types::Value>> {
        let mut stmt = conn.prepare(sql).expect("prepare");
        let n = stmt.column_count();
        stmt.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    use rusqlite::types::Value as V;
    let text = |v: &V| match v {
        V::Text(s) => s.clone(),
        V::Null => String::new(),
        other => format!("{other:?}"),
    };
    let real = |v: &V| match v {
        V::Real(x) => Some(*x),
        V::Integer(i) => Some(*i as f64),
        _ => None,
    };
    let int = |v: &V| match v {
        V::Integer(i) => *i,
        _ => -1,
    };
    let events = jury::store::audit::read_events(&conn, None).expect("audit");
    assert!(
        jury_core::audit::verify_events(&events).is_intact(),
        "audit chain broken"
    );
    // Compared with comments put back: the commitments' salts are random.
    let mut audit: Vec<_> = jury::store::audit::read_merged(&conn, None)
        .expect("audit")
        .into_iter()
        .map(|e| (e.actor, e.action, e.target, e.before, e.after))
        .collect();
    audit.sort();
    Snapshot {
        scores: rows("SELECT reference, member, criterion, value, comment, updated_at FROM scores ORDER BY 1, 2, 3")
            .iter()
            .map(|r| (text(&r[0]), text(&r[1]), text(&r[2]), real(&r[3]), text(&r[4]), text(&r[5])))
            .collect(),
        conflicts: rows("SELECT reference, member, reason, declared_at FROM conflicts ORDER BY 1, 2")
            .iter()
            .map(|r| (text(&r[0]), text(&r[1]), text(&r[2]), text(&r[3])))
            .collect(),
        packets: rows(
            "SELECT member, exported_at, checksum, dossiers, added, changed, unchanged FROM packets ORDER BY checksum",
        )
        .iter()
        .map(|r| (text(&r[0]), text(&r[1]), text(&r[2]), int(&r[3]), int(&r[4]), int(&r[5]), int(&r[6])))
        .collect(),
        merge_conflicts: rows(
            "SELECT reference, member, criterion, kept, incoming, updated_at FROM merge_conflicts ORDER BY 1, 2, 3, 6",
        )
        .iter()
        .map(|r| (text(&r[0]), text(&r[1]), text(&r[2]), real(&r[3]), real(&r[4]), text(&r[5])))
        .collect(),
        audit,
        aggregates: aggregates(store),
    }
}

/// The committee view's aggregates, from the database.
fn aggregates(store: &Store) -> Vec<DossierAggregate> {
    let call = read_folder(&sample()).expect("call").call;
    let references: Vec<String> = store
        .load_dossiers()
        .expect("dossiers")
        .into_iter()
        .map(|d| d.reference)
        .collect();
    let scores: BTreeMap<(String, String, String), f64> = store
        .load_scores()
        .expect("scores")
        .into_iter()
        .filter_map(|s| s.value.map(|v| ((s.reference, s.member, s.criterion), v)))
        .collect();
    let conflicts: BTreeSet<(String, String)> = store
        .load_committee()
        .expect("committee")
        .conflicts
        .into_iter()
        .map(|c| (c.reference, c.member))
        .collect();
    aggregate(&Input {
        call: &call,
        references: &references,
        scores: &scores,
        conflicts: &conflicts,
        consensus: &BTreeMap::new(),
    })
}

fn refusal(r: Result<MergeReport, StoreError>) -> String {
    match r {
        Err(StoreError::Refused(why)) => why.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn packets_merged_in_every_order_give_the_same_database() {
    let dir = tempfile::tempdir().expect("tmp");
    let packets = three_packets(dir.path());
    let orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    let mut first: Option<Snapshot> = None;
    for (k, order) in orders.iter().enumerate() {
        let db = dir.path().join(format!("chair{k}.sqlite"));
        let mut store = chair(&db);
        for &i in order {
            let report = store.import_packet(&packets[i], false).expect("import");
            assert_eq!(
                (report.added, report.changed, report.unchanged, report.older),
                (24, 0, 0, 0)
            );
            assert!(report.conflicts.is_empty());
            assert_eq!(report.dossiers, 6);
            assert_eq!(
                report.to_string(),
                "24 notes ajoutées, 0 modifiée, 0 inchangée, 0 conflit".to_string()
                    + if i == 2 {
                        ", 1 conflit d'intérêts déclaré"
                    } else {
                        ""
                    }
            );
        }
        let snap = snapshot(&db, &store);
        assert_eq!(snap.scores.len(), 72);
        assert_eq!(snap.conflicts.len(), 1);
        assert_eq!(snap.packets.len(), 3);
        // The call, its five members, its letter templates, 28 imports,
        // 72 scores, 1 conflict of interest, 3 packets.
        assert_eq!(snap.audit.len(), 1 + 5 + 1 + 28 + 72 + 1 + 3);
        assert!(snap.audit.iter().any(|e| e.0 == JULIEN
            && e.1 == "packet.score"
            && e.2 == "PDNP06-2025-001/experience"
            && e.3.is_none()
            && e.4.as_deref()
                == Some(r#"{"value":1.0,"comment":"Julien Ferrand sur PDNP06-2025-001"}"#)));
        // Agnès is recused on 003: the aggregate leaves her out there.
        let agg = snap
            .aggregates
            .iter()
            .find(|a| a.reference == reference(3))
            .expect("003");
        assert_eq!(agg.conflicted, vec![AGNES.to_string()]);
        match &first {
            None => first = Some(snap),
            Some(f) => assert_eq!(&snap, f, "order {order:?} differs"),
        }
        // Importing everything again changes nothing.
        let events = store.audit_len().expect("audit");
        for p in &packets {
            let again = store.import_packet(p, false).expect("again");
            assert!(again.already_imported);
            assert_eq!(again.to_string(), "déjà importé, rien de changé");
        }
        let resync = store
            .sync_dossiers(&read_folder(&sample()).expect("call").dossiers)
            .expect("sync");
        assert_eq!((resync.added, resync.unchanged), (0, 28));
        assert_eq!(store.audit_len().expect("audit"), events);
        assert_eq!(&snapshot(&db, &store), first.as_ref().expect("first"));
    }
    // The committee view's per-member line.
    let store = Store::open(&dir.path().join("chair0.sqlite")).expect("reopen");
    let summaries = store.packet_summaries().expect("summaries");
    let line = |name: &str| {
        summaries
            .iter()
            .find(|s| s.member == name)
            .expect(name)
            .clone()
    };
    assert_eq!(line(JULIEN).dossiers, 6);
    assert_eq!(line(JULIEN).packets, 1);
    assert!(line(JULIEN).last_import.is_some());
    assert_eq!(
        line("Nadia Benali").last_import,
        None,
        "who is missing shows"
    );
    assert_eq!(line("Nadia Benali").dossiers, 0);
}

#[test]
fn a_later_packet_updates_only_what_changed_in_any_order() {
    let dir = tempfile::tempdir().expect("tmp");
    let chair_store = chair(&dir.path().join("chair-for-bundle.sqlite"));
    let call_dir = bundle_and_unpack(&chair_store, dir.path());
    let mut m = synced(&dir.path().join("julien.sqlite"), &call_dir);
    score_dossiers(&mut m, JULIEN, 1..=3, 0.0);
    let first = m.export_packet(JULIEN).expect("export");
    score(&mut m, JULIEN, 2, "coherence", 5.0, "revu après relecture");
    score(&mut m, JULIEN, 4, "experience", 3.0, "");
    let second = m.export_packet(JULIEN).expect("export");

    let db_a = dir.path().join("a.sqlite");
    let mut a = chair(&db_a);
    a.import_packet(&first, false).expect("first");
    let events = a.audit_len().expect("audit");
    let r = a.import_packet(&second, false).expect("second");
    assert_eq!((r.added, r.changed, r.unchanged, r.older), (1, 1, 11, 0));
    assert_eq!(
        r.to_string(),
        "1 note ajoutée, 1 modifiée, 11 inchangées, 0 conflit"
    );
    // Two scores and the packet itself in the audit trail, like any other change.
    assert_eq!(a.audit_len().expect("audit"), events + 3);
    let history = a.history(&reference(2)).expect("history");
    let last = history.last().expect("event");
    assert_eq!(last.action, "packet.score");
    assert_eq!(last.actor, JULIEN);
    assert_eq!(last.target, "PDNP06-2025-002/coherence");
    assert_eq!(
        last.before.as_deref(),
        Some(r#"{"value":4.0,"comment":""}"#)
    );
    assert_eq!(
        last.after.as_deref(),
        Some(r#"{"value":5.0,"comment":"revu après relecture"}"#)
    );

    // The other way round: the old packet is older, left alone.
    let db_b = dir.path().join("b.sqlite");
    let mut b = chair(&db_b);
    b.import_packet(&second, false).expect("second");
    let r = b.import_packet(&first, false).expect("first");
    assert_eq!((r.added, r.changed, r.unchanged, r.older), (0, 0, 11, 1));
    assert!(
        r.to_string()
            .ends_with("1 plus ancienne ignorée (la base a plus récent)"),
        "{r}"
    );
    let (sa, sb) = (snapshot(&db_a, &a), snapshot(&db_b, &b));
    assert_eq!(sa.scores, sb.scores);
    assert_eq!(sa.aggregates, sb.aggregates);
    assert_eq!(
        b.load_scores()
            .expect("scores")
            .iter()
            .find(|s| s.reference == reference(2) && s.criterion == "coherence")
            .expect("row")
            .value,
        Some(5.0)
    );
}

fn handmade(member: &str, scores: &[(u32, &str, f64, &str)], exported_at: &str) -> Packet {
    let mut p = Packet::new("caf06-pdnp-2025", member, exported_at);
    for &(n, criterion, value, at) in scores {
        p.scores.push(PacketScore {
            reference: reference(n),
            criterion: criterion.into(),
            value: Some(value),
            comment: String::new(),
            updated_at: at.into(),
        });
    }
    packet::seal(p)
}

#[test]
fn same_time_different_value_is_a_conflict_left_for_the_chair() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = chair(&dir.path().join("c.sqlite"));
    let at = "2025-07-05T09:00:00.000Z";
    let a = handmade(
        JULIEN,
        &[(1, "experience", 3.0, at), (1, "formation", 2.0, at)],
        "2025-07-05T10:00:00Z",
    );
    let b = handmade(
        JULIEN,
        &[(1, "experience", 4.0, at), (1, "formation", 2.0, at)],
        "2025-07-05T11:00:00Z",
    );
    store.import_packet(&a, false).expect("a");
    let r = store.import_packet(&b, false).expect("b");
    assert_eq!((r.added, r.changed, r.unchanged), (0, 0, 1));
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(
        r.to_string(),
        "0 note ajoutée, 0 modifiée, 1 inchangée, 1 conflit"
    );
    let c = &r.conflicts[0];
    assert_eq!(
        (
            c.reference.as_str(),
            c.criterion.as_str(),
            c.kept,
            c.incoming
        ),
        ("PDNP06-2025-001", "experience", Some(3.0), Some(4.0))
    );
    assert_eq!(
        c.to_string(),
        format!("PDNP06-2025-001 / experience ({JULIEN}) : 3 conservé, 4 reçu, même date {at}")
    );
    // Never silently decided: the stored value stays.
    let kept = store.load_scores().expect("scores");
    assert_eq!(
        kept.iter()
            .find(|s| s.criterion == "experience")
            .expect("row")
            .value,
        Some(3.0)
    );
    assert_eq!(store.open_merge_conflicts().expect("open"), r.conflicts);
    // The same disagreement met again is not recorded twice.
    let b2 = handmade(
        JULIEN,
        &[(1, "experience", 4.0, at)],
        "2025-07-05T12:00:00Z",
    );
    let r2 = store.import_packet(&b2, false).expect("b2");
    assert_eq!(r2.conflicts, r.conflicts);
    assert_eq!(store.open_merge_conflicts().expect("open").len(), 1);
}

#[test]
fn refusals_name_the_problem_and_change_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("c.sqlite");
    let mut store = chair(&db);
    let at = "2025-07-05T09:00:00Z";
    let before = snapshot(&db, &store);

    // Another call.
    let mut other = handmade(JULIEN, &[(1, "experience", 3.0, at)], at);
    other.call_id = "caf83-pdnp-2025".into();
    let msg = refusal(store.import_packet(&packet::seal(other), false));
    assert_eq!(
        msg,
        "Ce paquet de « Julien Ferrand » concerne l'appel « caf83-pdnp-2025 », pas « caf06-pdnp-2025 » : rien n'a été importé."
    );

    // An unknown member, unless the chair adds them.
    let stranger = handmade("Paul Inconnu", &[(1, "experience", 3.0, at)], at);
    let msg = refusal(store.import_packet(&stranger, false));
    assert!(
        msg.starts_with(
            "« Paul Inconnu » n'est pas membre du comité de cet appel : rien n'a été importé."
        ),
        "{msg}"
    );

    // Dossiers the chair does not have: all of them named, nothing imported.
    let mut unknown = handmade(
        BERNARD,
        &[
            (1, "experience", 3.0, at),
            (98, "experience", 2.0, at),
            (99, "formation", 1.0, at),
        ],
        at,
    );
    unknown.conflicts.push(PacketConflict {
        reference: reference(97),
        reason: String::new(),
        declared_at: at.into(),
        withdrawn_at: None,
    });
    let msg = refusal(store.import_packet(&packet::seal(unknown), false));
    assert_eq!(
        msg,
        "Paquet de « Bernard Castellan » refusé, rien n'a été importé :\n- 3 dossiers absents de cette base : PDNP06-2025-097, PDNP06-2025-098, PDNP06-2025-099"
    );

    // Unknown criterion and a score off the scale, item by item.
    let odd = handmade(
        BERNARD,
        &[(1, "budget", 3.0, at), (2, "experience", 9.0, at)],
        at,
    );
    let msg = refusal(store.import_packet(&odd, false));
    assert!(
        msg.contains("- critères inconnus de cet appel : PDNP06-2025-001/budget"),
        "{msg}"
    );
    assert!(
        msg.contains("- notes hors de l'échelle 0 – 5 : PDNP06-2025-002/experience = 9"),
        "{msg}"
    );

    // Content changed after sealing.
    let mut tampered = handmade(JULIEN, &[(1, "experience", 3.0, at)], at);
    tampered.scores[0].value = Some(5.0);
    let msg = refusal(store.import_packet(&tampered, false));
    assert!(msg.starts_with("Paquet altéré"), "{msg}");

    assert_eq!(
        snapshot(&db, &store),
        before,
        "a refusal changed the database"
    );

    // Adding the stranger, on the chair's say-so.
    let r = store.import_packet(&stranger, true).expect("added");
    assert!(r.member_added);
    assert_eq!(r.added, 1);
    assert!(
        store
            .members()
            .expect("members")
            .iter()
            .any(|(n, _)| n == "Paul Inconnu")
    );
}

#[test]
fn damaged_packet_files_are_refused() {
    let text = handmade(
        JULIEN,
        &[(1, "experience", 3.0, "2025-07-05T09:00:00Z")],
        "2025-07-05T10:00:00Z",
    )
    .to_json();
    // One byte flipped in a score.
    let at = text.find("3.0").expect("value");
    let mut bytes = text.clone().into_bytes();
    bytes[at] ^= 0x01; // '3' -> '2'
    assert_eq!(packet::open(&bytes), Err(PacketError::Checksum));
    assert!(
        packet::open(&bytes)
            .expect_err("flip")
            .to_string()
            .starts_with("paquet altéré")
    );
    // Any byte flipped anywhere.
    for i in 0..text.len() {
        let mut bytes = text.clone().into_bytes();
        bytes[i] ^= 0x01;
        assert!(
            packet::open(&bytes).is_err(),
            "byte {i} flipped was accepted"
        );
    }
    // A format from the future.
    let future = text.replace("jury-packet/1", "jury-packet/2");
    let err = packet::open(future.as_bytes()).expect_err("future");
    assert_eq!(
        err.to_string(),
        "paquet au format « jury-packet/2 », créé par une version plus récente de Jury : mettez Jury à jour pour l'importer (cette version lit « jury-packet/1 »)."
    );
    // Cut short.
    let err = packet::open(&text.as_bytes()[..text.len() - 10]).expect_err("cut");
    assert!(matches!(err, PacketError::Json(_)), "{err}");
}

// ---- bundles ----------------------------------------------------------------

/// Rewrites a bundle through `edit(name, bytes)`, keeping entry order.
fn rewrite_bundle(
    src: &Path,
    dst: &Path,
    mut edit: impl FnMut(&str, Vec<u8>) -> Option<(String, Vec<u8>)>,
) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(src).expect("open")).expect("zip");
    let mut out = zip::ZipWriter::new(std::fs::File::create(dst).expect("create"));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read");
        if let Some((name, bytes)) = edit(&name, bytes) {
            out.start_file(name, options).expect("start");
            out.write_all(&bytes).expect("write");
        }
    }
    out.finish().expect("finish");
}

fn bundle_file(dir: &Path) -> PathBuf {
    let store = chair(&dir.join("chair.sqlite"));
    let file = dir.join("lot.jurybundle");
    jury::io::bundle::write(&store, Some(&sample()), &file).expect("bundle");
    file
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn bundle_holds_the_call_dossiers_and_attachments() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = bundle_file(dir.path());
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&file).expect("open")).expect("zip");
    assert_eq!(zip.by_index(0).expect("first").name(), "manifest.json");
    let mut manifest = String::new();
    zip.by_name("manifest.json")
        .expect("manifest")
        .read_to_string(&mut manifest)
        .expect("read");
    let manifest: serde_json::Value = serde_json::from_str(&manifest).expect("json");
    assert_eq!(manifest["format"], "jury-bundle/1");
    assert_eq!(manifest["call_id"], "caf06-pdnp-2025");
    let files = manifest["files"].as_array().expect("files");
    // appel.json, 28 dossiers, the call's one letter template, 4 attachments.
    assert_eq!(files.len(), 1 + 28 + 1 + 4);
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "lettres/personne_ressource.txt")
    );
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "pieces/PDNP06-2025-012-budget.pdf")
    );
    assert!(
        files
            .iter()
            .all(|f| f["sha256"].as_str().is_some_and(|s| s.len() == 64) && f["size"].is_u64())
    );

    // Unpacked twice (a member reopening the same bundle): the same folder,
    // read without error, with the same dossiers as the chair's.
    let laptop = dir.path().join("portable");
    let call_dir = jury::io::bundle::unpack(&file, &laptop).expect("unpack");
    let again = jury::io::bundle::unpack(&file, &laptop).expect("unpack again");
    assert_eq!(call_dir, again);
    assert_eq!(entries(&laptop), vec!["caf06-pdnp-2025"]);
    let member = read_folder(&call_dir).expect("folder");
    assert_eq!(member.errors(), 0, "{:?}", member.diags);
    let original = read_folder(&sample()).expect("sample");
    let hashes = |f: &jury::io::import::CallFolder| -> Vec<(String, String)> {
        let mut v: Vec<_> = f
            .dossiers
            .iter()
            .map(|(d, _)| (d.reference.clone(), d.hash.clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(hashes(&member), hashes(&original));
    assert_eq!(member.call.raw, original.call.raw);
    assert_eq!(
        std::fs::read(call_dir.join("pieces/PDNP06-2025-007.pdf")).expect("pdf"),
        std::fs::read(sample().join("pieces/PDNP06-2025-007.pdf")).expect("pdf")
    );
}

#[test]
fn truncated_or_altered_bundles_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = bundle_file(dir.path());
    let bytes = std::fs::read(&file).expect("read");
    let laptop = dir.path().join("portable");
    let refused = |path: &Path| -> String {
        let err = jury::io::bundle::unpack(path, &laptop)
            .expect_err("must be refused")
            .to_string();
        assert!(
            entries(&laptop).is_empty(),
            "left {:?} behind",
            entries(&laptop)
        );
        err
    };

    // Truncated: the end of the file (where zip keeps its directory) is lost.
    let cut = dir.path().join("coupe.jurybundle");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let err = refused(&cut);
    assert!(err.contains("lot tronqué ou modifié"), "{err}");

    // One byte of a dossier's stored data flipped.
    let (start, len) = {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&file).expect("open")).expect("zip");
        let e = zip.by_name("dossiers/PDNP06-2025-012.json").expect("entry");
        (e.data_start() as usize, e.compressed_size() as usize)
    };
    let mut flipped = bytes.clone();
    flipped[start + len / 2] ^= 0x01;
    let flipped_file = dir.path().join("abime.jurybundle");
    std::fs::write(&flipped_file, &flipped).expect("write");
    let err = refused(&flipped_file);
    assert!(err.contains("lot tronqué ou modifié"), "{err}");

    // A dossier edited and the archive rebuilt: its checksum no longer matches.
    let edited = dir.path().join("modifie.jurybundle");
    rewrite_bundle(&file, &edited, |name, bytes| {
        let bytes = if name == "dossiers/PDNP06-2025-003.json" {
            String::from_utf8(bytes)
                .expect("utf8")
                .replacen("\"received_at\": \"2025-", "\"received_at\": \"2024-", 1)
                .into_bytes()
        } else {
            bytes
        };
        Some((name.into(), bytes))
    });
    let err = refused(&edited);
    assert!(err.contains("lot tronqué ou modifié : « dossiers/PDNP06-2025-003.json » ne correspond pas à son empreinte"), "{err}");

    // A file missing, a file added.
    let missing = dir.path().join("manque.jurybundle");
    rewrite_bundle(&file, &missing, |name, bytes| {
        (name != "pieces/PDNP06-2025-019.pdf").then(|| (name.into(), bytes))
    });
    assert!(refused(&missing).contains("« pieces/PDNP06-2025-019.pdf » manque"));
    let extra = dir.path().join("ajout.jurybundle");
    std::fs::copy(&file, &extra).expect("copy");
    let mut zip = zip::ZipWriter::new_append(
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&extra)
            .expect("open"),
    )
    .expect("append");
    zip.start_file(
        "dossiers/intrus.json",
        zip::write::SimpleFileOptions::default(),
    )
    .expect("start");
    zip.write_all(b"{}").expect("write");
    zip.finish().expect("finish");
    assert!(refused(&extra).contains("« dossiers/intrus.json » n'est pas dans le manifeste"));

    // A format from the future.
    let future = dir.path().join("futur.jurybundle");
    rewrite_bundle(&file, &future, |name, bytes| {
        let bytes = if name == "manifest.json" {
            String::from_utf8(bytes)
                .expect("utf8")
                .replace("jury-bundle/1", "jury-bundle/2")
                .into_bytes()
        } else {
            bytes
        };
        Some((name.into(), bytes))
    });
    let err = refused(&future);
    assert!(err.contains("lot au format « jury-bundle/2 », créé par une version plus récente de Jury : mettez Jury à jour"), "{err}");

    // A path escaping the folder.
    let escape = dir.path().join("evasion.jurybundle");
    rewrite_bundle(&file, &escape, |name, bytes| {
        if name == "manifest.json" {
            let text = String::from_utf8(bytes).expect("utf8").replace(
                "\"pieces/PDNP06-2025-007.pdf\"",
                "\"../../PDNP06-2025-007.pdf\"",
            );
            Some((name.into(), text.into_bytes()))
        } else if name == "pieces/PDNP06-2025-007.pdf" {
            Some(("../../PDNP06-2025-007.pdf".into(), bytes))
        } else {
            Some((name.into(), bytes))
        }
    });
    let err = refused(&escape);
    assert!(
        err.contains("le chemin « ../../PDNP06-2025-007.pdf » sort du dossier de l'appel"),
        "{err}"
    );
    assert!(!dir.path().join("PDNP06-2025-007.pdf").exists());

    // Not a bundle at all.
    let err = refused(&sample().join("appel.json"));
    assert!(err.contains("n'est pas un lot Jury"), "{err}");
}

#[test]
fn a_bundle_never_replaces_another_calls_folder() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = bundle_file(dir.path());
    let laptop = dir.path().join("portable");
    let occupied = laptop.join("caf06-pdnp-2025");
    std::fs::create_dir_all(&occupied).expect("mkdir");
    let appel = std::fs::read_to_string(sample().join("appel.json")).expect("appel");
    let other = appel.replacen("\"caf06-pdnp-2025\"", "\"caf83-pdnp-2025\"", 1);
    std::fs::write(occupied.join("appel.json"), &other).expect("write");
    let err = jury::io::bundle::unpack(&file, &laptop)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("contient déjà l'appel « caf83-pdnp-2025 », pas « caf06-pdnp-2025 »"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(occupied.join("appel.json")).expect("kept"),
        other
    );
    assert_eq!(entries(&laptop), vec!["caf06-pdnp-2025"]);
    assert_eq!(entries(&occupied), vec!["appel.json"]);
}

#[test]
fn a_member_database_refuses_a_bundle_of_another_call() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = bundle_file(dir.path());
    let call_dir = jury::io::bundle::unpack(&file, &dir.path().join("portable")).expect("unpack");
    // The member's database belongs to another call.
    let db = dir.path().join("autre.sqlite");
    {
        let mut store = Store::open(&db).expect("open");
        store.set_meta("call_id", "caf83-pdnp-2025").expect("meta");
    }
    let folder = read_folder(&call_dir).expect("folder");
    let mut store = Store::open(&db).expect("open");
    let err = store.sync_call(&folder.call).expect_err("other call");
    assert!(
        err.to_string().contains(
            "cette base appartient à l'appel « caf83-pdnp-2025 », pas à « caf06-pdnp-2025 »"
        ),
        "{err}"
    );
}

#[test]
fn a_bundle_without_its_attachments_is_not_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = chair_without_folder(&dir.path().join("chair.sqlite"));
    let out = dir.path().join("lot.jurybundle");
    let err = jury::io::bundle::write(&store, None, &out)
        .expect_err("no call folder")
        .to_string();
    assert!(err.starts_with("Pièces jointes introuvables, aucun lot n'a été écrit :\n- PDNP06-2025-007 : pieces/PDNP06-2025-007.pdf"), "{err}");
    assert!(err.contains("n'est pas connu de cette base"), "{err}");
    assert!(
        entries(dir.path())
            .iter()
            .all(|e| !e.contains("lot.jurybundle")),
        "{:?}",
        entries(dir.path())
    );
}

// ---- the command line -------------------------------------------------------

fn jury() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jury"))
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_round_trip_as_a_user_runs_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let chair_db = d.join("presidence.sqlite");
    {
        let mut store = chair(&chair_db);
        // What the chair's Jury records when it opens the call folder.
        let call_dir = std::fs::canonicalize(sample()).expect("abs");
        store
            .set_meta(jury::store::CALL_DIR_KEY, &call_dir.display().to_string())
            .expect("meta");
    }
    let lot = d.join("lot.jurybundle");
    let (code, out, err) = run(jury()
        .args(["bundle", "--db"])
        .arg(&chair_db)
        .arg("--out")
        .arg(&lot));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("28 dossiers, 4 pièces jointes"), "{out}");

    let call_dir = jury::io::bundle::unpack(&lot, &d.join("portable")).expect("unpack");
    let mut files = Vec::new();
    for (i, (member, range, bias)) in [
        (JULIEN, 1..=6, 0.0),
        (BERNARD, 4..=9, 2.0),
        (AGNES, 7..=12, 4.0),
    ]
    .into_iter()
    .enumerate()
    {
        let db = d.join(format!("membre{i}.sqlite"));
        {
            let mut m = synced(&db, &call_dir);
            m.ensure_member(member).expect("member");
            score_dossiers(&mut m, member, range, bias);
        }
        let file = d.join(format!("paquet{i}.json"));
        let (code, out, err) = run(jury()
            .args(["packet", "export", "--db"])
            .arg(&db)
            .args(["--as", member, "--out"])
            .arg(&file));
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains(&format!("Paquet de « {member} » écrit dans")),
            "{out}"
        );
        assert!(out.contains("24 notes sur 6 dossiers"), "{out}");
        files.push(file);
    }
    for file in &files {
        let (code, out, err) = run(jury()
            .args(["packet", "import"])
            .arg(file)
            .arg("--db")
            .arg(&chair_db));
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains(": 24 notes ajoutées, 0 modifiée, 0 inchangée, 0 conflit."),
            "{out}"
        );
    }
    // Everything again: nothing changes.
    let before = snapshot(&chair_db, &Store::open(&chair_db).expect("open"));
    for file in &files {
        let (code, out, _) = run(jury()
            .args(["packet", "import"])
            .arg(file)
            .arg("--db")
            .arg(&chair_db));
        assert_eq!(code, 0);
        assert!(out.contains("déjà importé, rien de changé"), "{out}");
    }
    let store = Store::open(&chair_db).expect("open");
    assert_eq!(snapshot(&chair_db, &store), before);
    assert_eq!(store.load_scores().expect("scores").len(), 72);
    let with_totals = aggregates(&store)
        .iter()
        .filter(|a| a.total_mean.is_some())
        .count();
    assert_eq!(
        with_totals, 12,
        "the committee view shows the merged aggregates"
    );
    drop(store);

    // A stranger's packet: refused (1), then accepted with --add-member.
    let stranger_db = d.join("inconnu.sqlite");
    {
        let mut m = synced(&stranger_db, &call_dir);
        m.ensure_member("Paul Inconnu").expect("member");
        score(&mut m, "Paul Inconnu", 20, "experience", 2.0, "");
    }
    let stranger = d.join("inconnu.json");
    let (code, _, err) = run(jury()
        .args(["packet", "export", "--db"])
        .arg(&stranger_db)
        .args(["--as", "Paul Inconnu", "--out"])
        .arg(&stranger));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(jury()
        .args(["packet", "import"])
        .arg(&stranger)
        .arg("--db")
        .arg(&chair_db));
    assert_eq!(code, 1);
    assert!(
        err.contains("« Paul Inconnu » n'est pas membre du comité"),
        "{err}"
    );
    let (code, out, err) = run(jury()
        .args(["packet", "import"])
        .arg(&stranger)
        .arg("--db")
        .arg(&chair_db)
        .arg("--add-member"));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("« Paul Inconnu » a été ajouté au comité."),
        "{out}"
    );

    // A damaged packet: bad input (2).
    let mut bytes = std::fs::read(&files[0]).expect("read");
    let at = bytes
        .windows(8)
        .position(|w| w == b"\"value\":")
        .expect("value")
        + 9;
    bytes[at] ^= 0x01;
    let damaged = d.join("abime.json");
    std::fs::write(&damaged, &bytes).expect("write");
    let (code, out, err) = run(jury()
        .args(["packet", "import"])
        .arg(&damaged)
        .arg("--db")
        .arg(&chair_db));
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("paquet altéré"), "{err}");

    // A mistyped database is not created.
    let typo = d.join("presidense.sqlite");
    let (code, _, err) = run(jury()
        .args(["packet", "import"])
        .arg(&files[0])
        .arg("--db")
        .arg(&typo));
    assert_eq!(code, 2);
    assert!(err.contains("base introuvable"), "{err}");
    assert!(!typo.exists());
}

#[test]
fn cli_bundle_without_the_call_folder_says_what_is_missing() {
    let dir = tempfile::tempdir().expect("tmp");
    let chair_db = dir.path().join("presidence.sqlite");
    drop(chair_without_folder(&chair_db));
    let lot = dir.path().join("lot.jurybundle");
    let (code, _, err) = run(jury()
        .args(["bundle", "--db"])
        .arg(&chair_db)
        .arg("--out")
        .arg(&lot));
    assert_eq!(code, 2);
    assert!(
        err.contains("Pièces jointes introuvables, aucun lot n'a été écrit"),
        "{err}"
    );
    assert!(!lot.exists());
}

#[test]
fn a_score_cleared_on_a_members_laptop_is_cleared_at_the_chairs() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut chair_db = chair(&dir.path().join("chair.sqlite"));
    let mut member = chair(&dir.path().join("member.sqlite"));
    score(&mut member, JULIEN, 3, "experience", 4.0, "");
    let first = member.export_packet(JULIEN).expect("packet");
    chair_db.import_packet(&first, false).expect("import");
    // Wait a moment so the clearing is strictly later, then clear it.
    std::thread::sleep(std::time::Duration::from_millis(5));
    member
        .save_score(&ScoreRow {
            reference: reference(3),
            member: JULIEN.into(),
            criterion: "experience".into(),
            value: None,
            comment: String::new(),
        })
        .expect("clear");
    let second = member.export_packet(JULIEN).expect("packet");
    let report = chair_db.import_packet(&second, false).expect("import");
    assert_eq!((report.added, report.changed), (0, 1), "{report}");
    let value: Option<f64> = rusqlite::Connection::open(dir.path().join("chair.sqlite"))
        .and_then(|c| {
            c.query_row(
                "SELECT value FROM scores WHERE reference = ?1 AND member = ?2",
                [reference(3), JULIEN.to_string()],
                |r| r.get(0),
            )
        })
        .expect("row");
    assert_eq!(value, None);
    // Importing the first packet again changes nothing: the clearing is newer.
    let again = chair_db.import_packet(&first, false).expect("import");
    assert!(again.already_imported, "{again}");
}

#[test]
fn a_conflict_withdrawn_on_a_members_laptop_is_withdrawn_at_the_chairs() {
    let dir = tempfile::tempdir().expect("tmp");
    let chair_path = dir.path().join("chair.sqlite");
    let mut chair_db = chair(&chair_path);
    let mut member = chair(&dir.path().join("member.sqlite"));
    member
        .set_conflict(JULIEN, &reference(4), JULIEN, true, "ancien salarié")
        .expect("declare");
    let declared = member.export_packet(JULIEN).expect("packet");
    let report = chair_db.import_packet(&declared, false).expect("import");
    assert_eq!(report.conflicts_declared, 1, "{report}");
    std::thread::sleep(std::time::Duration::from_millis(5));
    member
        .set_conflict(JULIEN, &reference(4), JULIEN, false, "")
        .expect("withdraw");
    let withdrawn = member.export_packet(JULIEN).expect("packet");
    let report = chair_db.import_packet(&withdrawn, false).expect("import");
    assert_eq!(report.conflicts_withdrawn, 1, "{report}");
    assert!(
        report.to_string().contains("1 conflit d'intérêts retiré"),
        "{report}"
    );
    assert!(
        chair_db
            .load_committee()
            .expect("committee")
            .conflicts
            .is_empty()
    );
    // The older packet, imported again or later, does not bring it back.
    let mut other = chair(&dir.path().join("other.sqlite"));
    other.import_packet(&withdrawn, false).expect("newer first");
    other.import_packet(&declared, false).expect("older after");
    assert!(
        other
            .load_committee()
            .expect("committee")
            .conflicts
            .is_empty()
    );
}

#[test]
fn a_packet_dated_in_the_future_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("c.sqlite");
    let mut store = chair(&db);
    let before = snapshot(&db, &store);
    // Under « the most recent wins », 9999 would beat every genuine edit.
    let forged = handmade(
        JULIEN,
        &[(1, "experience", 5.0, "9999-12-31T23:59:59Z")],
        "9999-12-31T23:59:59Z",
    );
    assert_eq!(
        refusal(store.import_packet(&forged, false)),
        "paquet invalide : date d'export : date « 9999-12-31T23:59:59Z » dans le futur ; vérifiez l'horloge de l'ordinateur du membre. Rien n'a été importé."
    );
    // A score dated after the packet's own export.
    let later = handmade(
        JULIEN,
        &[(1, "experience", 5.0, "2025-07-05T12:00:00Z")],
        "2025-07-05T10:00:00Z",
    );
    assert!(
        refusal(store.import_packet(&later, false))
            .contains("note PDNP06-2025-001/experience : date « 2025-07-05T12:00:00Z » postérieure à l'export du paquet"),
    );
    assert_eq!(snapshot(&db, &store), before, "nothing imported");
}
