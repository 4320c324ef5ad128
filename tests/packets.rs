//! The offline round trip of issue 5: the chair bundles the batch, three
//! members score on their own databases made from it, their packets come
//! back and are merged, in any order, safely and only once. Since issue 10
//! each member has their own bundle and key: the attacks on them are in
//! tests/exchanges.rs.

use crate::common::folders;
use folders::entries;
use jury::io::import::read_folder;
use jury::store::{MergeReport, Store, StoreError};
use jury_core::aggregate::{DossierAggregate, Input, aggregate};
use jury_core::packet::{self, Credential, Packet, PacketConflict, PacketError, PacketScore};
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

/// A chair's database that issued these members their keys (as `jury
/// bundle --for` does), and the keys.
fn keyed_chair(db: &Path, members: &[&str]) -> (Store, BTreeMap<String, Credential>) {
    let mut store = chair(db);
    let keys = members
        .iter()
        .map(|m| {
            let issued = store.issue_bundle_key("présidence", m).expect("issue");
            (m.to_string(), issued.credential)
        })
        .collect();
    (store, keys)
}

/// A copy of a chair's database (same keys, same log), as a second chair
/// laptop or a restored backup would be.
fn copy_of(src: &Path, dst: &Path) -> Store {
    rusqlite::Connection::open(src)
        .and_then(|c| c.execute("VACUUM INTO ?1", [dst.display().to_string()]))
        .expect("copy");
    Store::open(dst).expect("open copy")
}

/// The fingerprint of the sample call's grid.
fn grid() -> String {
    jury_core::grid::fingerprint(&read_folder(&sample()).expect("call").call)
}

/// Test times: a few minutes before the test started (the keys are issued
/// as it starts; a little clock drift is tolerated), plus `secs`.
fn t(secs: i64) -> String {
    static START: std::sync::LazyLock<chrono::DateTime<chrono::Utc>> =
        std::sync::LazyLock::new(|| chrono::Utc::now() - chrono::TimeDelta::minutes(5));
    (*START + chrono::TimeDelta::seconds(secs)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
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

/// Writes the chair's bundle for `member` and unpacks it as their laptop
/// (`dir/portable-<member>`) would.
fn bundle_and_unpack(chair: &mut Store, dir: &Path, member: &str) -> PathBuf {
    let file = dir.join(format!("lot-{member}.jurybundle"));
    let summary = jury::io::bundle::write(chair, Some(&sample()), &file, member).expect("bundle");
    assert_eq!(summary.dossiers, 28);
    assert_eq!(summary.attachments, 4);
    let laptop = dir.join(format!("portable-{member}"));
    let installed = jury::io::bundle::unpack(&file, &laptop).expect("unpack");
    assert_eq!(installed.dir, laptop.join("caf06-pdnp-2025"));
    assert_eq!(installed.member, member);
    installed.dir
}

/// A member's packet, signed with the key of the bundle their database was
/// made from.
fn export(m: &Store, member: &str) -> Packet {
    let key = jury::io::bundle::read_credential(m).expect("member key");
    m.export_packet(member, &key).expect("export")
}

/// Three members' packets, each from their own database made from their
/// own bundle; and the chair's database that issued them, to copy.
fn three_packets(dir: &Path) -> (Vec<Packet>, PathBuf) {
    let chair_db = dir.join("chair-for-bundle.sqlite");
    let mut chair_store = chair(&chair_db);
    let mut packets = Vec::new();
    for (i, (member, range, bias)) in [
        (JULIEN, 1..=6, 0.0),
        (BERNARD, 4..=9, 2.0),
        (AGNES, 7..=12, 4.0),
    ]
    .into_iter()
    .enumerate()
    {
        let call_dir = bundle_and_unpack(&mut chair_store, dir, member);
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
        let p = export(&m, member);
        assert_eq!(p.scores.len(), 24);
        packets.push(p);
    }
    (packets, chair_db)
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
    let (packets, chair_db) = three_packets(dir.path());
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
        let mut store = copy_of(&chair_db, &db);
        for &i in order {
            let report = store.import_packet(&packets[i]).expect("import");
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
        // 3 bundles issued, 72 scores, 1 conflict of interest, 3 packets.
        assert_eq!(snap.audit.len(), 1 + 5 + 1 + 28 + 3 + 72 + 1 + 3);
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
            let again = store.import_packet(p).expect("again");
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
    let chair_db = dir.path().join("chair-for-bundle.sqlite");
    let mut chair_store = chair(&chair_db);
    let call_dir = bundle_and_unpack(&mut chair_store, dir.path(), JULIEN);
    let mut m = synced(&dir.path().join("julien.sqlite"), &call_dir);
    score_dossiers(&mut m, JULIEN, 1..=3, 0.0);
    let first = export(&m, JULIEN);
    score(&mut m, JULIEN, 2, "coherence", 5.0, "revu après relecture");
    score(&mut m, JULIEN, 4, "experience", 3.0, "");
    let second = export(&m, JULIEN);

    let db_a = dir.path().join("a.sqlite");
    let mut a = copy_of(&chair_db, &db_a);
    a.import_packet(&first).expect("first");
    let events = a.audit_len().expect("audit");
    let r = a.import_packet(&second).expect("second");
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
    let mut b = copy_of(&chair_db, &db_b);
    b.import_packet(&second).expect("second");
    let r = b.import_packet(&first).expect("first");
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

/// A packet written by hand, as `member`'s Jury would write it with `key`.
fn handmade(
    key: &Credential,
    member: &str,
    scores: &[(u32, &str, f64, &str)],
    exported_at: &str,
) -> Packet {
    let mut p = Packet::new("caf06-pdnp-2025", member, exported_at);
    p.grid = grid();
    p.key_id = key.key_id.clone();
    for &(n, criterion, value, at) in scores {
        p.scores.push(PacketScore {
            reference: reference(n),
            criterion: criterion.into(),
            value: Some(value),
            comment: String::new(),
            updated_at: at.into(),
        });
    }
    sign(key, p)
}

fn sign(key: &Credential, p: Packet) -> Packet {
    packet::sign(p, &key.secret_bytes().expect("secret"))
}

#[test]
fn same_time_different_value_is_a_conflict_left_for_the_chair() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut store, keys) = keyed_chair(&dir.path().join("c.sqlite"), &[JULIEN]);
    let key = &keys[JULIEN];
    let at = &t(0);
    let a = handmade(
        key,
        JULIEN,
        &[(1, "experience", 3.0, at), (1, "formation", 2.0, at)],
        &t(60),
    );
    let b = handmade(
        key,
        JULIEN,
        &[(1, "experience", 4.0, at), (1, "formation", 2.0, at)],
        &t(120),
    );
    store.import_packet(&a).expect("a");
    let r = store.import_packet(&b).expect("b");
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
    let b2 = handmade(key, JULIEN, &[(1, "experience", 4.0, at)], &t(180));
    let r2 = store.import_packet(&b2).expect("b2");
    assert_eq!(r2.conflicts, r.conflicts);
    assert_eq!(store.open_merge_conflicts().expect("open").len(), 1);
}

#[test]
fn refusals_name_the_problem_and_change_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("c.sqlite");
    let (mut store, keys) = keyed_chair(&db, &[JULIEN, BERNARD]);
    let (julien, bernard) = (&keys[JULIEN], &keys[BERNARD]);
    let at = &t(0);
    let before = snapshot(&db, &store);

    // Another call.
    let mut other = handmade(julien, JULIEN, &[(1, "experience", 3.0, at)], at);
    other.call_id = "caf83-pdnp-2025".into();
    let msg = refusal(store.import_packet(&sign(julien, other)));
    assert_eq!(
        msg,
        "Ce paquet de « Julien Ferrand » concerne l'appel « caf83-pdnp-2025 », pas « caf06-pdnp-2025 » : rien n'a été importé."
    );

    // Someone who was issued no bundle (not a member, or not yet).
    let stranger = handmade(julien, "Paul Inconnu", &[(1, "experience", 3.0, at)], at);
    let msg = refusal(store.import_packet(&stranger));
    assert!(
        msg.starts_with(
            "Aucun lot n'a été remis à « Paul Inconnu » depuis cette base : rien n'a été importé."
        ),
        "{msg}"
    );

    // Dossiers the chair does not have: all of them named, nothing imported.
    let mut unknown = handmade(
        bernard,
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
    let msg = refusal(store.import_packet(&sign(bernard, unknown)));
    assert_eq!(
        msg,
        "Paquet de « Bernard Castellan » refusé, rien n'a été importé :\n- 3 dossiers absents de cette base : PDNP06-2025-097, PDNP06-2025-098, PDNP06-2025-099"
    );

    // Unknown criterion and a score off the scale, item by item.
    let odd = handmade(
        bernard,
        BERNARD,
        &[(1, "budget", 3.0, at), (2, "experience", 9.0, at)],
        at,
    );
    let msg = refusal(store.import_packet(&odd));
    assert!(
        msg.contains("- critères inconnus de cet appel : PDNP06-2025-001/budget"),
        "{msg}"
    );
    assert!(
        msg.contains("- notes hors de l'échelle 0 – 5 : PDNP06-2025-002/experience = 9"),
        "{msg}"
    );

    // Content changed after sealing.
    let mut tampered = handmade(julien, JULIEN, &[(1, "experience", 3.0, at)], at);
    tampered.scores[0].value = Some(5.0);
    let msg = refusal(store.import_packet(&tampered));
    assert!(msg.starts_with("Paquet altéré"), "{msg}");

    assert_eq!(
        snapshot(&db, &store),
        before,
        "a refusal changed the database"
    );
}

#[test]
fn damaged_packet_files_are_refused() {
    let key = Credential {
        format: packet::CREDENTIAL_FORMAT.into(),
        call_id: "caf06-pdnp-2025".into(),
        member: JULIEN.into(),
        key_id: packet::key_id(&[1; 32]),
        issued_at: t(0),
        secret: jury_core::hex(&[1; 32]),
    };
    let text = handmade(
        &key,
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
    // Any byte flipped anywhere, but in the mac (checked with the key, at
    // the chair's: tests/exchanges.rs).
    let mac = text.find("\"mac\"").expect("mac");
    for i in (0..text.len()).filter(|i| *i < mac) {
        let mut bytes = text.clone().into_bytes();
        bytes[i] ^= 0x01;
        assert!(
            packet::open(&bytes).is_err(),
            "byte {i} flipped was accepted"
        );
    }
    // A format from the future.
    let future = text.replace("jury-packet/2", "jury-packet/3");
    let err = packet::open(future.as_bytes()).expect_err("future");
    assert_eq!(
        err.to_string(),
        "paquet au format « jury-packet/3 », créé par une version plus récente de Jury : mettez Jury à jour pour l'importer (cette version lit « jury-packet/2 »)."
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
    let mut store = chair(&dir.join("chair.sqlite"));
    let file = dir.join("lot.jurybundle");
    jury::io::bundle::write(&mut store, Some(&sample()), &file, JULIEN).expect("bundle");
    file
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
    assert_eq!(manifest["format"], "jury-bundle/2");
    assert_eq!(manifest["call_id"], "caf06-pdnp-2025");
    assert_eq!(manifest["member"], JULIEN);
    assert_eq!(manifest["grid"], grid());
    assert_eq!(zip.by_index(1).expect("second").name(), "manifest.sig");
    let files = manifest["files"].as_array().expect("files");
    // appel.json, 28 dossiers, the call's two letter templates (a
    // decision's and the convocation), 4 attachments, the member's key, the
    // member's dossiers as rapporteur, the candidates convened to an
    // audition (the call has that stage).
    assert_eq!(files.len(), 1 + 28 + 2 + 4 + 1 + 1 + 1);
    assert!(files.iter().any(|f| f["path"] == "cle-membre.json"));
    assert!(files.iter().any(|f| f["path"] == "rapporteurs.json"));
    assert!(files.iter().any(|f| f["path"] == "convoques.json"));
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
    let first = jury::io::bundle::unpack(&file, &laptop).expect("unpack");
    assert!(first.pinned_now);
    let again = jury::io::bundle::unpack(&file, &laptop).expect("unpack again");
    assert!(!again.pinned_now);
    let call_dir = first.dir;
    assert_eq!(call_dir, again.dir);
    // The call, and the chair keys pinned per call.
    assert_eq!(entries(&laptop), vec![".presidence", "caf06-pdnp-2025"]);
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
                .replace("jury-bundle/2", "jury-bundle/3")
                .into_bytes()
        } else {
            bytes
        };
        Some((name.into(), bytes))
    });
    let err = refused(&future);
    assert!(err.contains("lot au format « jury-bundle/3 », créé par une version plus récente de Jury : mettez Jury à jour"), "{err}");

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
    // The manifest no longer is what the chair signed.
    let err = refused(&escape);
    assert!(
        err.contains("la signature de la présidence ne correspond pas au manifeste"),
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
    let call_dir = jury::io::bundle::unpack(&file, &dir.path().join("portable"))
        .expect("unpack")
        .dir;
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
    let mut store = chair_without_folder(&dir.path().join("chair.sqlite"));
    let out = dir.path().join("lot.jurybundle");
    let err = jury::io::bundle::write(&mut store, None, &out, JULIEN)
        .expect_err("no call folder")
        .to_string();
    assert!(err.starts_with("Pièces jointes introuvables, aucun lot n'a été écrit :\n- PDNP06-2025-007 : pieces/PDNP06-2025-007.pdf"), "{err}");
    assert!(err.contains("n'est pas connu de cette base"), "{err}");
    // A bundle refused issues no key.
    assert_eq!(store.chair_fingerprint().expect("key"), None);
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
    let mut files = Vec::new();
    let mut julien_dir = PathBuf::new();
    for (i, (member, range, bias)) in [
        (JULIEN, 1..=6, 0.0),
        (BERNARD, 4..=9, 2.0),
        (AGNES, 7..=12, 4.0),
    ]
    .into_iter()
    .enumerate()
    {
        // Each member's own bundle, installed on their own laptop.
        let lot = d.join(format!("lot{i}.jurybundle"));
        let (code, out, err) = run(jury()
            .args(["bundle", "--db"])
            .arg(&chair_db)
            .arg("--out")
            .arg(&lot)
            .args(["--for", member]));
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("28 dossiers, 4 pièces jointes"), "{out}");
        let call_dir = jury::io::bundle::unpack(&lot, &d.join(format!("portable{i}")))
            .expect("unpack")
            .dir;
        if i == 0 {
            julien_dir = call_dir.clone();
        }
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

    // A stranger on Julien's laptop: his key signs only his packets (1).
    let stranger_db = d.join("inconnu.sqlite");
    {
        let mut m = synced(&stranger_db, &julien_dir);
        m.ensure_member("Paul Inconnu").expect("member");
        score(&mut m, "Paul Inconnu", 20, "experience", 2.0, "");
    }
    let stranger = d.join("inconnu.json");
    let (code, _, err) = run(jury()
        .args(["packet", "export", "--db"])
        .arg(&stranger_db)
        .args(["--as", "Paul Inconnu", "--out"])
        .arg(&stranger));
    assert_eq!(code, 1);
    assert!(
        err.contains("installé depuis le lot remis à « Julien Ferrand » : il ne peut pas signer le paquet de « Paul Inconnu »"),
        "{err}"
    );
    assert!(!stranger.exists());

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
        .arg(&lot)
        .args(["--for", JULIEN]));
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
    let (mut chair_db, keys) = keyed_chair(&dir.path().join("chair.sqlite"), &[JULIEN]);
    let key = &keys[JULIEN];
    let mut member = chair(&dir.path().join("member.sqlite"));
    score(&mut member, JULIEN, 3, "experience", 4.0, "");
    let first = member.export_packet(JULIEN, key).expect("packet");
    chair_db.import_packet(&first).expect("import");
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
    let second = member.export_packet(JULIEN, key).expect("packet");
    let report = chair_db.import_packet(&second).expect("import");
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
    let again = chair_db.import_packet(&first).expect("import");
    assert!(again.already_imported, "{again}");
}

#[test]
fn a_conflict_withdrawn_on_a_members_laptop_is_withdrawn_at_the_chairs() {
    let dir = tempfile::tempdir().expect("tmp");
    let chair_path = dir.path().join("chair.sqlite");
    let (mut chair_db, keys) = keyed_chair(&chair_path, &[JULIEN]);
    let key = &keys[JULIEN];
    let mut other = copy_of(&chair_path, &dir.path().join("other.sqlite"));
    let mut member = chair(&dir.path().join("member.sqlite"));
    member
        .set_conflict(JULIEN, &reference(4), JULIEN, true, "ancien salarié")
        .expect("declare");
    let declared = member.export_packet(JULIEN, key).expect("packet");
    let report = chair_db.import_packet(&declared).expect("import");
    assert_eq!(report.conflicts_declared, 1, "{report}");
    std::thread::sleep(std::time::Duration::from_millis(5));
    member
        .set_conflict(JULIEN, &reference(4), JULIEN, false, "")
        .expect("withdraw");
    let withdrawn = member.export_packet(JULIEN, key).expect("packet");
    let report = chair_db.import_packet(&withdrawn).expect("import");
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
    other.import_packet(&withdrawn).expect("newer first");
    other.import_packet(&declared).expect("older after");
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
    let (mut store, keys) = keyed_chair(&db, &[JULIEN]);
    let key = &keys[JULIEN];
    let before = snapshot(&db, &store);
    // Under « the most recent wins », 9999 would beat every genuine edit.
    let forged = handmade(
        key,
        JULIEN,
        &[(1, "experience", 5.0, "9999-12-31T23:59:59Z")],
        "9999-12-31T23:59:59Z",
    );
    assert_eq!(
        refusal(store.import_packet(&forged)),
        "paquet invalide : date d'export : date « 9999-12-31T23:59:59Z » dans le futur ; vérifiez l'horloge de l'ordinateur du membre. Rien n'a été importé."
    );
    // A score dated after the packet's own export.
    let later = handmade(
        key,
        JULIEN,
        &[(1, "experience", 5.0, "2025-07-05T12:00:00Z")],
        "2025-07-05T10:00:00Z",
    );
    assert!(
        refusal(store.import_packet(&later))
            .contains("note PDNP06-2025-001/experience : date « 2025-07-05T12:00:00Z » postérieure à l'export du paquet"),
    );
    assert_eq!(snapshot(&db, &store), before, "nothing imported");
}
