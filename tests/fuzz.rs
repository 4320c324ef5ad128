//! Fuzz harness for every reader of outside input: the call folder
//! (`appel.json`), dossier files, review packets, bundles, keymaps, letter
//! templates, the French date parser, and what `jury import` reads from
//! candidates: mailboxes and fillable PDF forms.
//!
//! cargo-afl is not used: it builds AFL++ with LLVM plugins, and this
//! machine has no clang or LLVM. This is a property-based harness instead:
//! a seeded PRNG mutates a corpus taken from the samples (bytes flipped,
//! inserted, deleted, duplicated, spliced, truncated, huge lengths, invalid
//! UTF-8; JSON values replaced by extremes, wrong types, long or control
//! strings, deep nesting, duplicate or missing keys) and each reader must
//! return `Ok` or a typed error whose French message is non-empty and shows
//! no raw control character — no panic, no hang, no absurd allocation.
//!
//! `JURY_FUZZ_ITERATIONS` (inputs per reader), `JURY_FUZZ_SECONDS` (time per
//! reader, instead) and `JURY_FUZZ_SEED` run it longer or elsewhere; a
//! failing input is saved under `target/tmp/fuzz/` and replayed with
//! `JURY_FUZZ_REPLAY=<file> cargo test --test fuzz <reader>`.

#[path = "common/pdf.rs"]
mod pdf;

use jury::app::keymap::Keymap;
use jury_core::call::Call;
use jury_core::dossier::Dossier;
use jury_core::fr::Lang;
use jury_core::json::{Diag, Src};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Read, Write};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- allocation

/// The largest single allocation the harness tolerates for inputs of at most
/// [`MAX_INPUT`] bytes: a reader that trusts a length written in the file
/// (a zip header, a JSON count) would ask for far more.
const ALLOC_LIMIT: usize = 256 << 20;
/// Inputs are cut to this size, so that every run is bounded.
const MAX_INPUT: usize = 1 << 20;

/// Counts, per thread, the largest allocation asked for, so each reader's
/// run is checked on its own while the other readers run in parallel.
struct Watch;

thread_local! {
    static BIGGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    // `try_with`: the slot may be gone while a thread ends.
    let _ = BIGGEST.try_with(|b| b.set(b.get().max(size)));
}

// SAFETY: every call is passed unchanged to the system allocator; the
// thread-local only records a number.
unsafe impl GlobalAlloc for Watch {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static WATCH: Watch = Watch;

// ---------------------------------------------------------------- settings

/// splitmix64: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// In `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

struct Settings {
    seed: u64,
    iterations: usize,
    seconds: Option<u64>,
    replay: Option<PathBuf>,
}

fn env_number(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    match v.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => panic!("{name}={v:?}: a whole number is expected"),
    }
}

fn settings(default_iterations: usize) -> Settings {
    Settings {
        seed: env_number("JURY_FUZZ_SEED").unwrap_or(0x4a75_7279),
        iterations: env_number("JURY_FUZZ_ITERATIONS")
            .map(|n| n as usize)
            .unwrap_or(default_iterations),
        seconds: env_number("JURY_FUZZ_SECONDS"),
        replay: std::env::var_os("JURY_FUZZ_REPLAY").map(PathBuf::from),
    }
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz");
    std::fs::create_dir_all(&dir).expect("target/tmp/fuzz");
    dir
}

// ---------------------------------------------------------------- runner

/// What a reader's run says: `Err` is a broken property, explained.
type Verdict = Result<(), String>;
type Reader = Box<dyn FnMut(&[u8]) -> Verdict>;

/// A panic, a hang or an absurd allocation is reported with the input.
const HANG: Duration = Duration::from_secs(30);

/// Runs `reader` (built on its own thread, with the main thread's 8 MiB
/// stack) over mutated inputs. The input being read is written first to
/// `<name>-en-cours.bin`, named in the thread's name, so that even a stack
/// overflow, which ends the process, leaves it to replay.
fn fuzz(
    name: &'static str,
    default_iterations: usize,
    corpus: Vec<Vec<u8>>,
    mutate: fn(&mut Rng, &[Vec<u8>]) -> Vec<u8>,
    make: fn() -> Reader,
) {
    assert!(!corpus.is_empty(), "{name}: empty corpus");
    let s = settings(default_iterations);
    let dir = out_dir();
    let current = dir.join(format!("{name}-current.bin"));
    let (to_worker, inputs) = mpsc::channel::<Vec<u8>>();
    let (to_main, verdicts) = mpsc::channel::<(Verdict, usize)>();
    let worker = std::thread::Builder::new()
        .name(format!("fuzz {name} (input: {})", current.display()))
        .stack_size(8 << 20)
        .spawn(move || {
            let mut reader = make();
            for input in inputs {
                BIGGEST.with(|b| b.set(0));
                let verdict = std::panic::catch_unwind(AssertUnwindSafe(|| reader(&input)))
                    .unwrap_or_else(|p| {
                        let what = p
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default();
                        Err(format!("panic: {what}"))
                    });
                if to_main.send((verdict, BIGGEST.with(Cell::get))).is_err() {
                    break;
                }
            }
        })
        .expect("fuzz thread");
    let fail = |input: &[u8], why: String, label: &str| -> ! {
        let saved = dir.join(format!("{name}-{label}.bin"));
        std::fs::write(&saved, input).expect("saving the failing input");
        panic!(
            "{name}: {why}\ninput saved in {}\nreplay: JURY_FUZZ_REPLAY={} cargo test --test fuzz {name}",
            saved.display(),
            saved.display()
        );
    };
    let run = |input: Vec<u8>, label: &str| {
        std::fs::write(&current, &input).expect("writing the current input");
        to_worker.send(input.clone()).expect("fuzz thread alive");
        match verdicts.recv_timeout(HANG) {
            Ok((Ok(()), biggest)) if biggest <= ALLOC_LIMIT => {}
            Ok((Ok(()), biggest)) => fail(
                &input,
                format!(
                    "an allocation of {biggest} bytes for an input of {} bytes",
                    input.len()
                ),
                label,
            ),
            Ok((Err(why), _)) => fail(&input, why, label),
            Err(_) => fail(
                &input,
                format!("no answer within {} s", HANG.as_secs()),
                label,
            ),
        }
    };
    if let Some(file) = &s.replay {
        let input = std::fs::read(file).expect("JURY_FUZZ_REPLAY: file to replay");
        run(input, "replay");
        return;
    }
    // The corpus itself first: every sample must read.
    for (i, c) in corpus.iter().enumerate() {
        run(c.clone(), &format!("corpus-{i}"));
    }
    let mut rng = Rng(s.seed
        ^ name
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31) ^ u64::from(b)));
    let start = Instant::now();
    let mut i = 0usize;
    loop {
        let done = match s.seconds {
            Some(secs) => start.elapsed() >= Duration::from_secs(secs),
            None => i >= s.iterations,
        };
        if done {
            break;
        }
        let mut input = mutate(&mut rng, &corpus);
        input.truncate(MAX_INPUT);
        run(input, &format!("{}-{i}", s.seed));
        i += 1;
    }
    drop(to_worker);
    worker.join().expect("fuzz thread ended");
    let _ = std::fs::remove_file(&current);
}

// ---------------------------------------------------------------- properties

/// Jury's own multi-line messages keep their line breaks; anything else
/// that could drive a terminal must have gone through `fr::visible`.
fn raw_control(c: char) -> bool {
    c != '\n'
        && (c.is_control()
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c))
}

fn check_message(what: &str, message: &str) -> Verdict {
    if message.trim().is_empty() {
        return Err(format!("{what}: empty message"));
    }
    if let Some(c) = message.chars().find(|&c| raw_control(c)) {
        return Err(format!(
            "{what}: raw control character {c:?} in the message {message:?}"
        ));
    }
    Ok(())
}

fn check_diags(what: &str, diags: &[Diag]) -> Verdict {
    if diags.is_empty() {
        return Err(format!("{what}: refused without any diagnostic"));
    }
    for d in diags {
        if d.message.trim().is_empty() || d.line == 0 || d.column == 0 {
            return Err(format!("{what}: empty diagnostic or no position: {d:?}"));
        }
        check_message(what, &d.to_string())?;
    }
    Ok(())
}

// ---------------------------------------------------------------- mutations

const TEXTS: &[&str] = &[
    "",
    " ",
    "\u{1b}[2J\u{1b}]0;titre\u{7}",
    "a\nfaux.json:1:1: 0 erreur",
    "\r\u{0}\u{7f}\u{85}",
    "\u{202e}lmth.exe",
    "é\u{301}œ«\u{202f}»",
    "../../etc/passwd",
    "NaN",
    "Infinity",
    "-inf",
    "1e309",
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00+99:99",
    "31/02/2025",
    "{{dossier:/project}}",
    "{{",
];

const RAW: &[&str] = &[
    "1e308",
    "-1e308",
    "1e309",
    "-0",
    "-0.0",
    "0",
    "-1",
    "5e-324",
    "18446744073709551616",
    "-9223372036854775809",
    "NaN",
    "Infinity",
    "null",
    "true",
    "[]",
    "{}",
    "\"\"",
];

/// Byte-level mutations, one to four stacked.
fn mutate_bytes(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut data = rng.pick(corpus).clone();
    for _ in 0..1 + rng.below(4) {
        byte_step(rng, corpus, &mut data);
    }
    data
}

fn byte_step(rng: &mut Rng, corpus: &[Vec<u8>], data: &mut Vec<u8>) {
    let len = data.len();
    let at = rng.below(len + 1);
    match rng.below(9) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                if !data.is_empty() {
                    let i = rng.below(data.len());
                    data[i] ^= 1 << rng.below(8);
                }
            }
        }
        1 => {
            const BYTES: &[u8] = b"{}[]\",:\\0\x00\xff\x1b\n-.eE";
            for _ in 0..1 + rng.below(16) {
                data.insert(at, *rng.pick(BYTES));
            }
        }
        2 => {
            let end = (at + rng.below(64)).min(len);
            data.drain(at..end);
        }
        3 => {
            let end = (at + rng.below(256)).min(len);
            let chunk = data[at..end].to_vec();
            let to = rng.below(data.len() + 1);
            data.splice(to..to, chunk);
        }
        4 => {
            let other = rng.pick(corpus);
            let from = rng.below(other.len() + 1);
            data.truncate(at);
            data.extend_from_slice(&other[from..]);
        }
        5 => data.truncate(at),
        6 => {
            // A huge length or count where the file had a number.
            let huge: &[&[u8]] = &[
                b"\xff\xff\xff\xff",
                b"\xff\xff\xff\x7f",
                b"99999999999999999999",
                b"4294967295",
            ];
            let h = rng.pick(huge);
            let end = (at + h.len()).min(len);
            data.splice(at..end, h.iter().copied());
        }
        7 => {
            let bad: &[&[u8]] = &[
                b"\xff",
                b"\xc0\x80",
                b"\xed\xa0\x80",
                b"\xe2\x82",
                b"\xf4\x90\x80\x80",
            ];
            data.splice(at..at, rng.pick(bad).iter().copied());
        }
        _ => {
            let t = rng.pick(TEXTS).as_bytes();
            data.splice(at..at, t.iter().copied());
        }
    }
}

/// A value replaced inside the JSON (by a marker, then by raw text that
/// `serde_json` cannot hold: `1e309`, `NaN`, deep nesting, duplicate keys).
fn mutate_json(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let source = rng.pick(corpus);
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(source) else {
        return mutate_bytes(rng, corpus);
    };
    let mut raw = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let mut pointers = Vec::new();
        pointers_of(&value, String::new(), &mut pointers);
        let pointer = rng.pick(&pointers).clone();
        json_step(rng, &mut value, &pointer, &mut raw);
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    for (i, r) in raw.iter().enumerate() {
        text = text.replacen(&format!("\"@@raw{i}@@\""), r, 1);
    }
    let mut out = text.into_bytes();
    if rng.one_in(4) {
        byte_step(rng, corpus, &mut out);
    }
    out
}

fn pointers_of(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        serde_json::Value::Object(o) => {
            for (k, c) in o {
                let k = k.replace('~', "~0").replace('/', "~1");
                pointers_of(c, format!("{at}/{k}"), out);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers_of(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn json_step(rng: &mut Rng, root: &mut serde_json::Value, pointer: &str, raw: &mut Vec<String>) {
    use serde_json::{Value, json};
    let (parent, key) = match pointer.rfind('/') {
        Some(i) => (
            &pointer[..i],
            Some(pointer[i + 1..].replace("~1", "/").replace("~0", "~")),
        ),
        None => ("", None),
    };
    let mut marker = |text: String| {
        raw.push(text);
        Value::String(format!("@@raw{}@@", raw.len() - 1))
    };
    let replacement = match rng.below(12) {
        0 => marker(rng.pick(RAW).to_string()),
        1 => json!(rng.pick(TEXTS)),
        2 => json!("x".repeat(100_000)),
        3 => json!(format!(
            "{}{}",
            "é".repeat(rng.below(5000)),
            rng.pick(TEXTS)
        )),
        4 => {
            let depth = if rng.one_in(2) {
                10_000
            } else {
                1 + rng.below(300)
            };
            let (open, close) = if rng.one_in(2) {
                ("[", "]")
            } else {
                ("{\"a\":", "}")
            };
            marker(format!("{}0{}", open.repeat(depth), close.repeat(depth)))
        }
        5 => json!([1, "deux", null, {"x": true}]),
        6 => json!({"inconnu": 1}),
        7 => Value::Null,
        8 => json!(rng.next() as i64),
        9 => json!(f64::from_bits(rng.next())),
        // Removes a field, or duplicates one with another value.
        10 => {
            if let (Some(Value::Object(o)), Some(k)) = (root.pointer_mut(parent), &key) {
                if rng.one_in(2) {
                    o.shift_remove(k);
                } else if let Some(v) = o.get(k).cloned() {
                    // The raw text closes this value and repeats the key.
                    let key = serde_json::to_string(k).unwrap_or_default();
                    let other = serde_json::to_string(&v).unwrap_or_default();
                    let dup = marker(format!("{other}, {key}: \"x\""));
                    o.insert(k.clone(), dup);
                }
            }
            return;
        }
        _ => json!(rng.pick(TEXTS).repeat(1 + rng.below(50))),
    };
    if let Some(slot) = root.pointer_mut(pointer) {
        *slot = replacement;
    }
}

fn mutate_any(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    if rng.one_in(2) {
        mutate_json(rng, corpus)
    } else {
        mutate_bytes(rng, corpus)
    }
}

// ---------------------------------------------------------------- corpus

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(pattern_dir: &str, ext: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for sample in [
        "samples/caf06-pdnp-2025",
        "samples/caf75-pdnp-2025",
        "samples/caf03-63-pdn-2024",
        ".",
    ] {
        let dir = root().join(sample).join(pattern_dir);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|x| x == ext) {
                out.push(std::fs::read(&p).expect("sample file"));
            }
        }
    }
    out
}

fn calls() -> Vec<Vec<u8>> {
    // The seed-002 sample brings `lots` and `institutions` to the mutations.
    [
        "samples/caf06-pdnp-2025",
        "samples/caf75-pdnp-2025",
        "samples/caf03-63-pdn-2024",
    ]
    .iter()
    .map(|s| std::fs::read(root().join(s).join("appel.json")).expect("appel.json"))
    .collect()
}

fn sample_dossiers() -> Vec<Vec<u8>> {
    files("dossiers", "json")
}

/// A scratch call folder: the sample's `appel.json`, two dossiers (one with
/// its attachment) and its letters.
fn scratch_folder(at: &Path) -> PathBuf {
    let sample = root().join("samples/caf06-pdnp-2025");
    let call = at.join("appel");
    for sub in ["dossiers", "pieces", "lettres"] {
        std::fs::create_dir_all(call.join(sub)).expect("scratch folder");
    }
    for f in [
        "appel.json",
        "dossiers/PDNP06-2025-001.json",
        "dossiers/PDNP06-2025-007.json",
        "pieces/PDNP06-2025-007.pdf",
        "lettres/personne_ressource.txt",
    ] {
        std::fs::copy(sample.join(f), call.join(f)).expect("copy sample");
    }
    call
}

fn packets() -> Vec<Vec<u8>> {
    use jury_core::packet::{PacketConflict, PacketScore, seal};
    let call = jury_core::call::Call::parse("appel.json", &String::from_utf8_lossy(&calls()[0]))
        .expect("sample call");
    let mut p =
        jury_core::packet::Packet::new(&call.id, "Sylvie Marcellin", "2025-06-02T10:00:00+02:00");
    for (i, c) in call.criteria.iter().enumerate() {
        p.scores.push(PacketScore {
            reference: format!("PDNP06-2025-00{}", 1 + i % 3),
            criterion: c.id.clone(),
            value: Some(call.scale.max.min(3.0)),
            comment: "Projet « solide », à suivre.".into(),
            updated_at: "2025-06-01T09:30:00+02:00".into(),
        });
    }
    let empty = seal(p.clone()).to_json().into_bytes();
    p.conflicts.push(PacketConflict {
        reference: "PDNP06-2025-004".into(),
        reason: "Ancienne collègue".into(),
        declared_at: "2025-05-30T08:00:00Z".into(),
        withdrawn_at: Some("2025-05-31T08:00:00Z".into()),
    });
    vec![seal(p).to_json().into_bytes(), empty]
}

/// A bundle written by the library from the sample, as `jury bundle` does.
fn bundles() -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().expect("tmp");
    let call = scratch_folder(dir.path());
    let folder = jury::io::import::read_folder(&call).expect("sample folder");
    let mut store = jury::store::Store::open(&dir.path().join("j.sqlite")).expect("open");
    folder.import_into(&mut store).expect("import");
    let out = dir.path().join("lot.zip");
    jury::io::bundle::write(&mut store, Some(&call), &out, "Nadia Benali").expect("bundle");
    vec![std::fs::read(&out).expect("bundle bytes")]
}

// ---------------------------------------------------------------- readers

fn utf8(input: &[u8]) -> Option<&str> {
    std::str::from_utf8(input).ok()
}

/// A reader of one file of a call folder: in memory most of the time, and
/// every eighth input (and every one that is not UTF-8) through the folder
/// reader, which checks the file itself and reads the dossiers against the
/// call.
fn folder_reader(file: &'static str, in_memory: fn(&str) -> Verdict) -> Reader {
    let dir = tempfile::tempdir().expect("tmp");
    let folder = scratch_folder(dir.path());
    let mut n = 0u32;
    Box::new(move |input: &[u8]| {
        let _keep = &dir;
        n += 1;
        if let (Some(text), false) = (utf8(input), n.is_multiple_of(8)) {
            return in_memory(text);
        }
        std::fs::write(folder.join(file), input).map_err(|e| e.to_string())?;
        match jury::io::import::read_folder(&folder) {
            Ok(f) if f.diags.is_empty() => Ok(()),
            Ok(f) => check_diags(file, &f.diags),
            Err(diags) if file == "appel.json" => check_diags(file, &diags),
            Err(diags) => Err(format!("appel.json refused because of {file}: {diags:?}")),
        }
    })
}

/// The first sample's call and dossiers, parsed once.
fn sample() -> &'static (Call, Vec<Dossier>) {
    static SAMPLE: std::sync::OnceLock<(Call, Vec<Dossier>)> = std::sync::OnceLock::new();
    SAMPLE.get_or_init(|| {
        let dir = root().join("samples/caf06-pdnp-2025");
        let folder = jury::io::import::read_folder(&dir).expect("sample folder");
        let dossiers = folder.dossiers.into_iter().map(|(d, _)| d.full()).collect();
        (folder.call, dossiers)
    })
}

/// What an accepted call is used for: every dossier's eligibility, and the
/// grid's totals, which must stay finite and on the scale.
fn use_call(call: &Call) -> Verdict {
    for d in &sample().1 {
        jury_core::eligibility::evaluate(call, d, Lang::Fr);
    }
    for end in [call.scale.min, call.scale.max] {
        let scores = call.criteria.iter().map(|c| (c.id.clone(), end)).collect();
        let e = jury_core::grid::evaluate(call, &scores);
        let (Some(on_scale), Some(on_100)) = (e.on_scale, e.on_100) else {
            return Err("a fully scored grid has no total".into());
        };
        let slack = 1e-9 * (call.scale.max - call.scale.min).abs().max(1.0);
        if !(on_scale.is_finite()
            && on_scale >= call.scale.min - slack
            && on_scale <= call.scale.max + slack
            && (-1e-6..=100.0 + 1e-6).contains(&on_100))
        {
            return Err(format!(
                "total {on_scale} (on 100: {on_100}) for every criterion at {end}"
            ));
        }
    }
    Ok(())
}

fn call_in_memory(text: &str) -> Verdict {
    match jury_core::call::Call::parse("appel.json", text) {
        Ok(call) => {
            use_call(&call)?;
            let diags = jury_core::templates::check_call(&call, &Default::default());
            if diags.is_empty() {
                Ok(())
            } else {
                check_diags("call templates", &diags)
            }
        }
        Err(diags) => check_diags("call", &diags),
    }
}

#[test]
fn call() {
    fuzz("call", 1500, calls(), mutate_any, || {
        folder_reader("appel.json", call_in_memory)
    });
}

fn dossier_in_memory(text: &str) -> Verdict {
    let src = Src {
        path: "dossiers/x.json",
        text,
    };
    let ast = match src.parse() {
        Ok(a) => a,
        Err(d) => return check_diags("dossier", &[d]),
    };
    let items: Vec<&jsonc_parser::ast::Value> = match &ast {
        jsonc_parser::ast::Value::Array(a) => a.elements.iter().collect(),
        other => vec![other],
    };
    for item in items {
        match jury_core::dossier::Dossier::from_ast(&src, item, None) {
            // What the import accepted must reload from the database.
            Ok(d) => {
                jury_core::eligibility::evaluate(&sample().0, &d, Lang::Fr);
                jury_core::eligibility::is_late(&sample().0, &d);
                if let Err(diags) = jury_core::dossier::Dossier::from_value(&d.raw) {
                    return Err(format!(
                        "dossier accepted but not read back from its stored JSON: {diags:?}"
                    ));
                }
            }
            Err(diags) => check_diags("dossier", &diags)?,
        }
    }
    Ok(())
}

#[test]
fn dossier() {
    fuzz("dossier", 1500, sample_dossiers(), mutate_any, || {
        folder_reader("dossiers/PDNP06-2025-001.json", dossier_in_memory)
    });
}

/// Packets: raw mutations, and mutations resealed so they reach the checks
/// behind the checksum.
fn mutate_packet(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let input = mutate_any(rng, corpus);
    if rng.one_in(2)
        && let Ok(p) = serde_json::from_slice::<jury_core::packet::Packet>(&input)
    {
        return jury_core::packet::seal(p).to_json().into_bytes();
    }
    input
}

#[test]
fn packet() {
    fuzz("packet", 2500, packets(), mutate_packet, || {
        Box::new(|input: &[u8]| match jury_core::packet::open(input) {
            Ok(p) => {
                jury_core::packet::validate(&p)
                    .map_err(|e| format!("opened but invalid: {e:?}"))?;
                if let Err(e) = jury_core::packet::check_times(&p, chrono::Utc::now()) {
                    check_message("packet times", &e.message(Lang::Fr))?;
                }
                let again = jury_core::packet::open(p.to_json().as_bytes()).map_err(|e| {
                    format!(
                        "written again, the packet does not read back: {}",
                        e.message(Lang::Fr)
                    )
                })?;
                if again != p {
                    return Err("written again, the packet changed".into());
                }
                Ok(())
            }
            Err(e) => check_message("packet", &e.message(Lang::Fr)),
        })
    });
}

/// The bundle's entries, in order.
fn entries(zip: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).ok()?;
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).ok()?;
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).ok()?;
        out.push((e.name().to_string(), bytes));
    }
    Some(out)
}

fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        let options = zip::write::SimpleFileOptions::default();
        if w.start_file(name.as_str(), options).is_err() || w.write_all(bytes).is_err() {
            break;
        }
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

/// One entry of a well-formed zip mutated, and the manifest updated to
/// match (most of the time), so the mutation reaches the call and dossier
/// checks behind the archive's.
fn mutate_bundle(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    if rng.one_in(3) {
        return mutate_bytes(rng, corpus);
    }
    let Some(mut files) = entries(rng.pick(corpus).as_slice()) else {
        return mutate_bytes(rng, corpus);
    };
    let i = rng.below(files.len());
    let one = vec![files[i].1.clone()];
    files[i].1 = mutate_any(rng, &one);
    if rng.one_in(6) {
        let names = [
            "../dehors.json",
            "/abs.json",
            "dossiers/../../x",
            "appel.json",
            "dossiers\\y.json",
        ];
        files[i].0 = rng.pick(&names).to_string();
    }
    if !rng.one_in(5) {
        reseal_manifest(&mut files);
    }
    zip_of(&files)
}

fn reseal_manifest(files: &mut [(String, Vec<u8>)]) {
    use sha2::Digest;
    let Some(m) = files.iter().position(|(n, _)| n == "manifest.json") else {
        return;
    };
    let Ok(mut manifest) = serde_json::from_slice::<serde_json::Value>(&files[m].1) else {
        return;
    };
    let Some(list) = manifest.get_mut("files").and_then(|f| f.as_array_mut()) else {
        return;
    };
    for entry in list.iter_mut() {
        let Some(path) = entry
            .get("path")
            .and_then(|p| p.as_str())
            .map(str::to_string)
        else {
            continue;
        };
        if let Some((_, bytes)) = files.iter().find(|(n, _)| *n == path) {
            let hash: String = sha2::Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            entry["sha256"] = hash.into();
            entry["size"] = bytes.len().into();
        }
    }
    // Signed again with a key of the harness's own, named in the manifest:
    // each input is unpacked into a fresh folder where no chair key is pinned
    // yet, so the mutation reaches the extraction behind the signature.
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    manifest["chair_key"] = jury_core::hex(key.verifying_key().as_bytes()).into();
    files[m].1 = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    use ed25519_dalek::Signer;
    let signature = jury_core::hex(&key.sign(&files[m].1).to_bytes());
    if let Some(sig) = files.iter_mut().find(|(n, _)| n == "manifest.sig") {
        sig.1 = signature.into_bytes();
    }
}

#[test]
fn bundle() {
    fuzz("bundle", 300, bundles(), mutate_bundle, || {
        let dir = tempfile::tempdir().expect("tmp");
        let mut n = 0u32;
        Box::new(move |input: &[u8]| {
            n += 1;
            let file = dir.path().join("lot.zip");
            std::fs::write(&file, input).map_err(|e| e.to_string())?;
            let into = dir.path().join(format!("lots-{n}"));
            let verdict = match jury::io::bundle::unpack(&file, &into) {
                Ok(unpacked) => match jury::io::import::read_folder(&unpacked.dir) {
                    Ok(f) if f.diags.is_empty() => Ok(()),
                    Ok(f) => check_diags("bundle folder", &f.diags),
                    Err(diags) => check_diags("bundle folder", &diags),
                },
                Err(e) => check_message("bundle", &e.message(Lang::Fr)),
            };
            let _ = std::fs::remove_dir_all(&into);
            verdict
        })
    });
}

#[test]
fn keymap() {
    fuzz("keymap", 1500, files("keymaps", "json"), mutate_any, || {
        let dir = tempfile::tempdir().expect("tmp");
        let mut n = 0u32;
        Box::new(move |input: &[u8]| {
            n += 1;
            if let (Some(text), false) = (utf8(input), n.is_multiple_of(8)) {
                let mut k = Keymap::default_map().map_err(|d| format!("{d:?}"))?;
                return match k.merge("keymap.json", text) {
                    Ok(()) => Ok(()),
                    Err(diags) => check_diags("keymap", &diags),
                };
            }
            let file = dir.path().join("keymap.json");
            std::fs::write(&file, input).map_err(|e| e.to_string())?;
            match jury::tui::keys::load_keymap(&[&file]) {
                Ok(_) => Ok(()),
                Err(diags) => check_diags("keymap file", &diags),
            }
        })
    });
}

fn template_values() -> jury_core::templates::Values {
    let dossier: serde_json::Value =
        serde_json::from_slice(&sample_dossiers()[0]).expect("sample dossier");
    jury_core::templates::Values {
        fields: jury_core::templates::FIELDS
            .iter()
            .chain(jury_core::templates::CONVOCATION_FIELDS)
            .map(|(f, _)| (f.to_string(), format!("« {f} »\n- motif")))
            .collect(),
        dossier,
        reference: "PDNP06-2025-001".into(),
    }
}

#[test]
fn template() {
    let mut corpus = files("lettres", "txt");
    corpus.push(
        b"Objet : {{dossier:/structure/nom}}\n\n## Titre\n- {{motifs}}\n{{grille}}\n{{recours}}\n"
            .to_vec(),
    );
    fuzz("template", 3000, corpus, mutate_bytes, || {
        let dir = tempfile::tempdir().expect("tmp");
        let values = template_values();
        let mut n = 0u32;
        Box::new(move |input: &[u8]| {
            n += 1;
            if let (Some(text), false) = (utf8(input), n.is_multiple_of(8)) {
                // Every other input read as a convocation's template.
                let parse = if n.is_multiple_of(2) {
                    jury_core::templates::parse_convocation
                } else {
                    jury_core::templates::parse
                };
                return match parse("lettres/refus.txt", text) {
                    Ok(t) => match jury_core::templates::render(&t, &values) {
                        Ok(_) => Ok(()),
                        Err(diags) => check_diags("template render", &diags),
                    },
                    Err(diags) => check_diags("template", &diags),
                };
            }
            std::fs::create_dir_all(dir.path().join("lettres")).map_err(|e| e.to_string())?;
            std::fs::write(dir.path().join("lettres/refus.txt"), input)
                .map_err(|e| e.to_string())?;
            let (_, diags) = jury::io::files::read_overrides(dir.path());
            if diags.is_empty() {
                Ok(())
            } else {
                check_diags("template file", &diags)
            }
        })
    });
}

#[test]
fn date() {
    let corpus = [
        "7/7/2025",
        "07.07.2025",
        "1er juil. 2025",
        "15 août 2025",
        " 2025-07-07 ",
        "31/02/2025",
        "3 FÉVR. 2026",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    fuzz("date", 5000, corpus, mutate_bytes, || {
        Box::new(|input: &[u8]| {
            let text = String::from_utf8_lossy(input);
            match jury_core::dates::parse(&text) {
                Ok(_) => Ok(()),
                Err(e) => check_message("date", &e.message(Lang::Fr)),
            }
        })
    });
}

/// Messages as candidates send them: plain, HTML in Latin-1, multipart
/// with a fillable form attached; and a Thunderbird mbox of them.
fn mail_corpus() -> Vec<Vec<u8>> {
    let form = pdf::bytes(pdf::pdf(&[
        pdf::Field::Text("Structure", "Maison des familles"),
        pdf::Field::Check("Charte signée", true),
        pdf::Field::Nested("Projet", "Public", "Parents"),
    ]));
    let attached = mail_builder::MessageBuilder::new()
        .from(("Anne", "anne@exemple.org"))
        .to("pdnp@caf06.fr")
        .subject("Candidature")
        .date(1_751_400_000_i64)
        .text_body("Bonjour,\nFrom Nice.\n")
        .attachment("application/pdf", "formulaire.pdf", form)
        .write_to_vec()
        .expect("mail");
    let mut received = b"Received: from a by b; Tue, 1 Jul 2025 08:00:00 +0000\r\n".to_vec();
    received.extend_from_slice(&attached);
    let latin = b"From: Denis <denis@exemple.org>\r\nDate: Wed, 2 Jul 2025 10:00:00 +0200\r\nSubject: =?iso-8859-1?q?compl=E9t?=\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n<p>r\xe9sum\xe9</p><style>p{}</style>\r\n".to_vec();
    let mut mbox = Vec::new();
    for m in [&received, &latin] {
        mbox.extend_from_slice(b"From - Tue Jul 01 10:00:00 2025\r\n");
        mbox.extend_from_slice(m);
        mbox.extend_from_slice(b"\r\n");
    }
    vec![received, latin, mbox]
}

#[test]
fn mailbox() {
    fuzz("mailbox", 2000, mail_corpus(), mutate_bytes, || {
        let dir = tempfile::tempdir().expect("tmp");
        let mut n = 0u32;
        Box::new(move |input: &[u8]| {
            n += 1;
            // The same bytes as an mbox and as one message, in turn.
            let name = if n.is_multiple_of(2) {
                "boite.mbox"
            } else {
                "x.eml"
            };
            let file = dir.path().join(name);
            std::fs::write(&file, input).map_err(|e| e.to_string())?;
            match jury::io::intake::mail::messages(&file, name) {
                Ok(list) => list.iter().try_for_each(|(at, m)| match m {
                    Ok(_) => Ok(()),
                    Err(e) => check_message(at, &e.to_string()),
                }),
                Err(e) => check_message("mailbox", &e.message(Lang::Fr)),
            }
        })
    });
}

#[test]
fn pdf_form() {
    let corpus = vec![
        pdf::bytes(pdf::pdf(&[
            pdf::Field::Text("Reçu le", "03/07/2025 16:42"),
            pdf::Field::Check("Charte signée", false),
            pdf::Field::Nested("Projet", "Public", "Parents"),
        ])),
        pdf::bytes(pdf::pdf(&[])),
    ];
    fuzz("pdf_form", 2000, corpus, mutate_bytes, || {
        Box::new(|input: &[u8]| match jury::io::intake::form::fields(input) {
            Ok(_) => Ok(()),
            Err(e) => check_message("pdf form", &e.to_string()),
        })
    });
}

/// The bundle mutations reach the extraction only if a bundle signed again
/// by the harness is accepted: an unmutated one must unpack.
#[test]
fn a_bundle_signed_again_by_the_harness_unpacks() {
    let dir = tempfile::tempdir().expect("tmp");
    let bundle = bundles().remove(0);
    let mut files = entries(&bundle).expect("bundle entries");
    reseal_manifest(&mut files);
    let file = dir.path().join("lot.zip");
    std::fs::write(&file, zip_of(&files)).expect("write");
    let unpacked = jury::io::bundle::unpack(&file, &dir.path().join("lots"))
        .unwrap_or_else(|e| panic!("{}", e.message(Lang::Fr)));
    assert!(unpacked.dir.join("appel.json").is_file());
}
