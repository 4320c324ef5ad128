//! The formats documented in `docs/` stay the ones the code reads.
//!
//! Packets, member keys and bundle manifests are read through serde types:
//! their JSON Schemas are generated from those types (schemars) and must
//! equal the committed `docs/schemas/*.schema.json`. `appel.json` and the
//! dossiers are read key by key (JSON with comments, a position in every
//! message), so their schemas are written by hand; they are held to the
//! parser both ways: the keys the schema names are exactly the keys
//! `call.rs` / `dossier.rs` ask for plus those the core reads by pointer
//! (`/issuer/…`, `/place`, `/structure/…`), and every key the parser reads, given a
//! value of a type the schema forbids, is refused by the parser naming that
//! key where the schema puts it.

use jury_core::call::Call;
use jury_core::dossier::Dossier;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const REGENERATE: &str = "JURY_WRITE_SCHEMAS=1 cargo test --test all docs::";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    let path = root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn schema(rel: &str) -> Value {
    serde_json::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A generated schema, named by its file.
fn named(name: &str, schema: schemars::Schema) -> (String, Value) {
    let mut v = schema.to_value();
    if let Some(o) = v.as_object_mut() {
        o.insert("$id".into(), json!(name));
    }
    (name.to_string(), v)
}

/// The schemas derived from the serde types that read these files.
fn generated() -> Vec<(String, Value)> {
    vec![
        named(
            "packet.schema.json",
            schemars::schema_for!(jury_core::packet::Packet),
        ),
        named(
            "cle-membre.schema.json",
            schemars::schema_for!(jury_core::packet::Credential),
        ),
        named(
            "bundle-manifest.schema.json",
            schemars::schema_for!(jury::io::bundle::Manifest),
        ),
    ]
}

#[test]
fn generated_schemas_are_the_committed_ones() {
    let write = std::env::var_os("JURY_WRITE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for (name, schema) in generated() {
        let path = root().join("docs/schemas").join(&name);
        let mut text = serde_json::to_string_pretty(&schema).expect("schema as JSON");
        text.push('\n');
        if write {
            std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "docs/schemas/{stale:?} no longer describe the types that read these files: regenerate with `{REGENERATE}`, review the difference and commit"
    );
}

/// Every key a schema names under `properties`, at any depth.
fn schema_keys(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                if k == "properties"
                    && let Value::Object(props) = child
                {
                    out.extend(props.keys().cloned());
                }
                schema_keys(child, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|c| schema_keys(c, out)),
        _ => {}
    }
}

/// The code of a source file, without its unit tests.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// The keys a hand-written parser asks for: every `"key"` literal passed
/// as an argument (`f.string("id", …)`, `count(f, "quorum", …)`). Reading
/// the source is the honest way: the parser has no list of its keys to
/// ask, and one kept for the test could drift like the schema would.
/// `file.rs#name` stands for the function `name` of that file only (the
/// rest of it may name other formats' keys).
fn parser_keys(parser: &[&str]) -> BTreeSet<String> {
    let text: String = parser
        .iter()
        .map(|rel| match rel.split_once('#') {
            None => code(&root().join(rel)),
            Some((file, function)) => {
                let text = code(&root().join(file));
                let start = text
                    .find(&format!("pub fn {function}("))
                    .unwrap_or_else(|| panic!("{file} has no pub fn {function}"));
                let end = text[start..]
                    .find("\n}\n")
                    .map_or(text.len(), |e| start + e);
                text[start..end].to_string()
            }
        })
        .collect();
    let mut keys = BTreeSet::new();
    for (i, _) in text.match_indices('"') {
        let before = text[..i].trim_end();
        if !(before.ends_with('(') || before.ends_with(',')) {
            continue;
        }
        let rest = &text[i + 1..];
        let Some(end) = rest.find('"') else { continue };
        let word = &rest[..end];
        // `"benevole" => …`: a match arm's value, not a key.
        if rest[end + 1..].trim_start().starts_with("=>") {
            continue;
        }
        if !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            keys.insert(word.to_string());
        }
    }
    keys
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("a source folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, files);
        } else if p.extension().is_some_and(|x| x == "rs") {
            files.push(p);
        }
    }
}

/// The segments of every pointer literal under one of `prefixes` that the
/// core reads (the letterhead and signatory of letters, filters,
/// anonymisation).
fn pointer_keys(prefixes: &[&str]) -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&root().join("core/src"), &mut files);
    let mut keys = BTreeSet::new();
    for f in files {
        let text = code(&f);
        for prefix in prefixes {
            for (i, _) in text.match_indices(&format!("\"{prefix}")) {
                let rest = &text[i + 1..];
                let pointer = &rest[..rest.find('"').unwrap_or(0)];
                keys.extend(
                    pointer
                        .split('/')
                        .filter(|s| !s.is_empty())
                        .map(String::from),
                );
            }
        }
    }
    keys
}

fn same_keys(schema_file: &str, parser: &[&str], prefixes: &[&str]) {
    let mut documented = BTreeSet::new();
    schema_keys(&schema(schema_file), &mut documented);
    let mut read = parser_keys(parser);
    read.extend(pointer_keys(prefixes));
    let undocumented: Vec<_> = read.difference(&documented).collect();
    let unread: Vec<_> = documented.difference(&read).collect();
    assert!(
        undocumented.is_empty(),
        "{parser:?} read {undocumented:?}, which {schema_file} does not describe: add them to the schema by hand, and to its page in docs/"
    );
    assert!(
        unread.is_empty(),
        "{schema_file} describes {unread:?}, which nothing reads any more: remove them from the schema and its page in docs/"
    );
}

#[test]
fn call_schema_names_exactly_the_keys_the_parser_reads() {
    same_keys(
        "docs/schemas/appel.schema.json",
        // The call's parser, the part of it that reads `intake`, and the
        // readers of the audition stage, the institutions, the budget and
        // the lots.
        &[
            "core/src/call.rs",
            "core/src/intake.rs#parse",
            "core/src/stage.rs",
            "core/src/institutions.rs#parse",
            "core/src/budget.rs#parse",
            "core/src/lot.rs",
        ],
        &["/issuer/", "/place"],
    );
}

#[test]
fn dossier_schema_names_exactly_the_keys_the_parser_reads() {
    same_keys(
        "docs/schemas/dossier.schema.json",
        &["core/src/dossier.rs"],
        &["/structure/", "/professional/"],
    );
}

/// One step of the way to a key: a key, or the first item of a list.
#[derive(Clone)]
enum Step {
    Key(String),
    First,
}

/// A key of the schema, where it sits: its name as the parser writes it in
/// messages (`criteria[0].weight`), the way to it, and the types allowed.
struct Place {
    name: String,
    path: Vec<Step>,
    types: Vec<String>,
}

fn places(root: &Value, node: &Value, name: &str, path: &[Step], out: &mut Vec<Place>) {
    let Some(Value::Object(props)) = node.get("properties") else {
        return;
    };
    for (key, child) in props {
        let child_name = if name.is_empty() {
            key.clone()
        } else {
            format!("{name}.{key}")
        };
        let mut child_path = path.to_vec();
        child_path.push(Step::Key(key.clone()));
        out.push(Place {
            name: child_name.clone(),
            path: child_path.clone(),
            types: types(root, child),
        });
        places(root, child, &child_name, &child_path, out);
        if let Some(items) = child.get("items") {
            let mut item_path = child_path.clone();
            item_path.push(Step::First);
            places(root, items, &format!("{child_name}[0]"), &item_path, out);
        }
    }
}

/// The JSON types a schema node allows (`type`, `const` and `enum` of
/// strings, `$ref` into `$defs`, `oneOf`); empty when any value is allowed.
fn types(root: &Value, node: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match node.get("type") {
        Some(Value::String(t)) => out.push(t.clone()),
        Some(Value::Array(ts)) => {
            out.extend(ts.iter().filter_map(|t| t.as_str().map(String::from)))
        }
        _ => {}
    }
    if node.get("const").is_some() || node.get("enum").is_some() {
        out.push("string".into());
    }
    if let Some(Value::String(r)) = node.get("$ref") {
        let target = r
            .strip_prefix('#')
            .and_then(|p| root.pointer(p))
            .unwrap_or_else(|| panic!("{r}: not in the schema"));
        out.extend(types(root, target));
    }
    if let Some(Value::Array(alternatives)) = node.get("oneOf") {
        alternatives.iter().for_each(|a| out.extend(types(root, a)));
    }
    out
}

fn get<'v>(doc: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(doc, |at, step| match step {
        Step::Key(k) => at.get(k.as_str()),
        Step::First => at.get(0),
    })
}

fn put(doc: &mut Value, path: &[Step], value: Value) {
    let (last, parents) = path.split_last().expect("a key");
    let mut at = doc;
    for step in parents {
        at = match step {
            Step::Key(k) => at.get_mut(k.as_str()),
            Step::First => at.get_mut(0),
        }
        .expect("the base document has every parent");
    }
    match last {
        Step::Key(k) => {
            at.as_object_mut()
                .expect("an object")
                .insert(k.clone(), value);
        }
        Step::First => at[0] = value,
    }
}

/// Each key the parser reads, set to a value of a type the schema forbids,
/// is refused with a message naming it where the schema puts it.
fn parser_refuses_what_schema_forbids(
    schema_file: &str,
    parser: &[&str],
    base: Value,
    parse: impl Fn(&Value) -> Vec<String>,
) {
    assert_eq!(parse(&base), Vec::<String>::new(), "base document refused");
    let read = parser_keys(parser);
    let mut all = Vec::new();
    let root = schema(schema_file);
    places(&root, &root, "", &[], &mut all);
    let mut probed = 0;
    for place in all {
        // Keys only letters read (the signatory…) are not the parser's.
        let parsed = place.path.iter().all(|s| match s {
            Step::Key(k) => read.contains(k),
            Step::First => true,
        });
        if !parsed || place.types.is_empty() {
            continue;
        }
        let wrong = if place.types.iter().any(|t| t == "object") {
            json!("x")
        } else {
            json!({ "x": 1 })
        };
        let mut doc = base.clone();
        put(&mut doc, &place.path, wrong);
        let errors = parse(&doc);
        let quoted = format!("« {} »", place.name);
        assert!(
            errors.iter().any(|m| m.contains(&quoted)),
            "{schema_file}: {} given a type the schema forbids, the parser said {errors:?}",
            place.name
        );
        // And every type the schema allows passes the parser's type check
        // (other rules, like « at least one criterion », may still object).
        let current = get(&base, &place.path);
        for t in &place.types {
            let allowed = match t.as_str() {
                "string" => current
                    .filter(|v| v.is_string())
                    .cloned()
                    .unwrap_or(json!("x")),
                "number" => current
                    .filter(|v| v.is_number())
                    .cloned()
                    .unwrap_or(json!(1)),
                "integer" => json!(1),
                "boolean" => json!(true),
                "array" => json!([]),
                "object" => json!({}),
                _ => Value::Null,
            };
            let mut doc = base.clone();
            put(&mut doc, &place.path, allowed.clone());
            let refused: Vec<_> = parse(&doc)
                .into_iter()
                .filter(|m| m.starts_with(&format!("{quoted} :")) && m.contains("attendu"))
                .collect();
            assert!(
                refused.is_empty(),
                "{schema_file} allows {allowed} for {}, the parser refuses it: {refused:?}",
                place.name
            );
        }
        probed += 1;
    }
    assert!(probed > 15, "only {probed} keys probed in {schema_file}");
}

fn messages(e: Vec<jury_core::json::Diag>) -> Vec<String> {
    e.into_iter().map(|d| d.message).collect()
}

#[test]
fn call_parser_refuses_what_the_call_schema_forbids() {
    let base = json!({
        "format": "jury-appel/1",
        "id": "t",
        "title": "Test",
        "issuer": { "name": "Caf", "contact_email": "a@b.fr" },
        "deadline": "2025-07-04",
        "sessions": ["2025-07-07"],
        "notify_by": "2025-07-18",
        "scale": { "min": 0, "max": 5 },
        "criteria": [ { "id": "a", "label": "A", "weight": 1, "help": "…" } ],
        "eligibility": [ { "id": "r", "label": "R", "pointer": "/a", "present": true } ],
        "members": [ { "name": "Nadia Benali", "role": "chair" } ],
        "decisions": [ { "id": "d", "label": "D" } ],
        "budget": { "envelope_eur": 3000, "request_pointer": "/a", "max_per_dossier_eur": 1000 },
        "intake": {
            "reference_prefix": "P-",
            "columns": [ { "column": "Heures", "field": "/a", "type": "decimal" } ]
        },
        "institutions": [ { "id": "caf03", "name": "Caf de l'Allier" } ],
        "lots_field": "/candidature/modules",
        "lots": [ {
            "id": "m2",
            "label": "Module 2 : formations",
            "deadline": "2025-07-04",
            "sessions": ["2025-07-07"],
            "notify_by": "2025-07-18",
            "capacity": 2,
            "quality_threshold": 50,
            "criteria": [ { "id": "m2-a", "label": "A", "weight": 1, "help": "…" } ],
            "audition_days": ["2025-07-10"],
            "institutions": ["caf03"]
        } ],
        "audition": {
            "label": "Audition",
            "days": ["2025-07-10"],
            "hours": [ { "from": "09:00", "to": "12:00" } ],
            "slot_minutes": 45,
            "breaks": [ { "from": "10:30", "to": "10:45" } ],
            "place": "Nice",
            "video_link": "https://visio.example.org/a",
            "panel": ["Nadia Benali"],
            "bring": ["une pièce d'identité"],
            "shortlist": 8,
            "scale": { "min": 0, "max": 5 },
            "criteria": [ { "id": "b", "label": "B", "weight": 1, "help": "…" } ],
            "combine": { "dossier": 40, "audition": 60 },
            "absent": "non_retenu",
            "unavailable": [ { "member": "Nadia Benali", "day": "2025-07-10", "from": "09:00", "to": "10:00" } ]
        }
    });
    parser_refuses_what_schema_forbids(
        "docs/schemas/appel.schema.json",
        &[
            "core/src/call.rs",
            "core/src/intake.rs#parse",
            "core/src/stage.rs",
            "core/src/institutions.rs#parse",
            "core/src/budget.rs#parse",
            "core/src/lot.rs",
        ],
        base,
        |v| Call::from_value(v).err().map(messages).unwrap_or_default(),
    );
}

#[test]
fn dossier_parser_refuses_what_the_dossier_schema_forbids() {
    let mut base: Value = serde_json::from_str(&read(
        "samples/caf06-pdnp-2025/dossiers/PDNP06-2025-007.json",
    ))
    .expect("sample dossier");
    base["attachments"] = json!([{ "title": "Dossier", "path": "pieces/a.pdf" }]);
    parser_refuses_what_schema_forbids(
        "docs/schemas/dossier.schema.json",
        &["core/src/dossier.rs"],
        base,
        |v| {
            Dossier::from_value(v)
                .err()
                .map(messages)
                .unwrap_or_default()
        },
    );
}

#[test]
fn letters_page_lists_every_placeholder() {
    let page = read("docs/letters.md");
    let missing: Vec<_> = jury_core::templates::FIELDS
        .iter()
        .chain(jury_core::templates::CONVOCATION_FIELDS)
        .map(|(name, _)| format!("{{{{{name}}}}}"))
        .filter(|p| !page.contains(p.as_str()))
        .collect();
    assert!(missing.is_empty(), "docs/letters.md lacks {missing:?}");
}

#[test]
fn exports_page_lists_every_csv_column() {
    let source = code(&root().join("src/io/export.rs"));
    let start = source.find("let mut header").expect("the CSV header");
    let end = source
        .find("w.write_record(header")
        .expect("the CSV header");
    let page = read("docs/exports.md");
    let missing: Vec<_> = source[start..end]
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|column| !page.contains(&column.replace("{}", "<critère>")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/exports.md lacks the CSV columns {missing:?}"
    );
}

#[test]
fn docs_index_links_every_page_and_schema_and_the_readme_links_it() {
    let index = read("docs/README.md");
    for dir in ["docs", "docs/schemas"] {
        for e in std::fs::read_dir(root().join(dir)).expect("docs").flatten() {
            let path = e.path();
            if path.is_dir() || path.ends_with("docs/README.md") {
                continue;
            }
            let rel = path
                .strip_prefix(root().join("docs"))
                .expect("inside docs/")
                .to_string_lossy()
                .into_owned();
            assert!(
                index.contains(&format!("({rel})")),
                "docs/README.md does not link {rel}"
            );
        }
    }
    let readme = read("README.md");
    assert!(
        readme.contains("(docs/README.md)"),
        "README.md does not link docs/"
    );
    assert!(
        !readme.contains("shared/DESIGN.md"),
        "README.md still sends readers to a file a clone does not have"
    );
}
