//! `jury bench`: the speed and memory a committee feels, measured on a
//! synthetic batch built from the sample call, printed as a table. Goals are
//! checked here, by a person reading the table, never by timed assertions.

use crate::app::action::Action;
use crate::io::files::FileError;
use crate::io::render::RenderError;
use crate::tui::{App, Options, StartError};
use jury_core::fr::Lang;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Why the bench could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The sample call folder: the bench runs from the repository.
    NoSample(PathBuf),
    File(#[from] FileError),
    /// A sample dossier that does not read.
    Json(PathBuf, #[source] serde_json::Error),
    Start(StartError),
    Render(#[from] RenderError),
}

impl BenchError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            BenchError::NoSample(p) => lang.located_t(
                p.display(),
                "échantillon introuvable (le banc d'essai se lance depuis le dépôt)",
                "sample not found (the bench runs from the repository)",
            ),
            BenchError::File(e) => e.message(lang),
            BenchError::Json(p, e) => lang.located(p.display(), e),
            BenchError::Start(e) => e.message(lang),
            BenchError::Render(e) => e.message(lang),
        }
    }
}

jury_core::french_display!(BenchError);

/// What a goal row says: the measure, the goal, whether it is met.
struct Row {
    what: String,
    measured: Duration,
    goal: Duration,
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

/// Builds a call folder of `n` dossiers from the sample's, with new references.
fn synthetic_call(sample: &Path, n: usize, into: &Path) -> Result<(), BenchError> {
    let dossiers = into.join("dossiers");
    std::fs::create_dir_all(&dossiers).map_err(FileError::at(&dossiers))?;
    std::fs::copy(sample.join("appel.json"), into.join("appel.json"))
        .map_err(FileError::at(into))?;
    let mut originals = Vec::new();
    let source = sample.join("dossiers");
    for e in std::fs::read_dir(&source).map_err(FileError::at(&source))? {
        let p = e.map_err(FileError::at(&source))?.path();
        let text = std::fs::read_to_string(&p).map_err(FileError::at(&p))?;
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| BenchError::Json(p.clone(), e))?;
        originals.push(v);
    }
    originals.sort_by_key(|v| v["reference"].as_str().unwrap_or("").to_string());
    // One file per dossier, as committees receive them.
    for i in 0..n {
        let Some(base) = originals.get(i % originals.len().max(1)) else {
            break;
        };
        let mut v = base.clone();
        v["reference"] = serde_json::json!(format!("BENCH-{i:06}"));
        // Attachments point at the sample's files, which the bench does not copy.
        if let Some(m) = v.as_object_mut() {
            m.remove("attachments");
        }
        let path = dossiers.join(format!("BENCH-{i:06}.json"));
        // A Value always serialises; the bench writes what it read.
        let text = serde_json::to_string_pretty(&v).unwrap_or_default();
        std::fs::write(&path, text).map_err(FileError::at(&path))?;
    }
    Ok(())
}

pub fn run(dossiers: usize) -> Result<String, BenchError> {
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025");
    if !sample.is_dir() {
        return Err(BenchError::NoSample(sample));
    }
    let tmp = std::env::temp_dir().join(format!("jury-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let call_dir = tmp.join("appel");
    synthetic_call(&sample, dossiers, &call_dir)?;
    let db = tmp.join("bench.sqlite");
    let mut rows = Vec::new();
    let open = || {
        App::open(Options {
            call_dir: call_dir.clone(),
            db: Some(db.clone()),
            reviewer: Some("Sylvie Marcellin".into()),
            keymap: None,
            lang: Lang::Fr,
            color: true,
            letters_dir: None,
        })
        .map_err(BenchError::Start)
    };
    let (app, first) = time(open);
    drop(app?);
    rows.push(Row {
        what: format!("Premier import de {dossiers} dossiers et ouverture"),
        measured: first,
        goal: Duration::from_secs(5),
    });
    let (app, again) = time(open);
    let mut app = app?;
    rows.push(Row {
        what: "Réouverture (lot déjà importé)".into(),
        measured: again,
        goal: Duration::from_secs(2),
    });

    // A score typed: update, write, recompute, in one user action.
    app.dispatch(Action::FocusGrid);
    let (_, score) = time(|| app.dispatch(Action::Score(4)));
    // Includes the synchronous write to disk (fsync), whose cost is the disk's.
    rows.push(Row {
        what: "Une note saisie (écriture synchronisée + recalcul)".into(),
        measured: score,
        goal: Duration::from_millis(100),
    });

    // Search: the slowest keystroke of a typical query.
    app.dispatch(Action::Filter);
    let mut worst = Duration::ZERO;
    for c in "centre".chars() {
        let (_, d) = time(|| app.dispatch(Action::Insert(c)));
        worst = worst.max(d);
    }
    app.dispatch(Action::Cancel);
    rows.push(Row {
        what: "Recherche : frappe la plus lente".into(),
        measured: worst,
        goal: Duration::from_millis(50),
    });

    // What follows every committee change: read back, then recompute.
    let (_, recompute) = time(|| {
        let fresh = app.reload();
        app.send(fresh)
    });
    rows.push(Row {
        what: "Agrégats, classement, listes (recalcul)".into(),
        measured: recompute,
        goal: Duration::from_millis(100),
    });

    // A test backend cannot fail (its error type is Infallible).
    let Ok(mut term) = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48));
    let (_, frame) = time(|| app.draw(&mut term));
    rows.push(Row {
        what: "Une image de l'écran dossiers (160×48)".into(),
        measured: frame,
        goal: Duration::from_millis(16),
    });
    app.dispatch(Action::SwitchView);
    let (_, frame) = time(|| app.draw(&mut term));
    rows.push(Row {
        what: "Une image de la vue comité".into(),
        measured: frame,
        goal: Duration::from_millis(33),
    });

    // Letters: compose and render 50 PDF letters.
    let doc = jury_core::document::Document {
        letterhead: vec!["Caf des Alpes-Maritimes".into(), "06000 Nice".into()],
        addressee: vec!["Centre social".into(), "06000 Nice".into()],
        place_date: Some("Nice, le 18 juillet 2025".into()),
        date: chrono::NaiveDate::from_ymd_opt(2025, 7, 18),
        subject: Some("Objet : Votre candidature".into()),
        blocks: vec![jury_core::document::Block::Paragraph(
            "Madame, Monsieur, le comité de sélection a examiné votre dossier. ".repeat(12),
        )],
        signatures: vec![vec![
            "La directrice,".into(),
            "Catherine Orsini-Ravel".into(),
        ]],
        ..Default::default()
    };
    let n = 50;
    let (pdfs, d) = time(|| {
        (0..n)
            .map(|_| crate::io::render::pdf::render(&doc))
            .collect::<Result<Vec<_>, _>>()
    });
    let bytes = pdfs?.first().map(Vec::len).unwrap_or(0);
    rows.push(Row {
        what: format!("Un courrier PDF (moyenne sur {n}, {} Ko)", bytes / 1024),
        measured: d / n,
        goal: Duration::from_millis(100),
    });

    drop(app);
    let _ = std::fs::remove_dir_all(&tmp);
    let mut out = format!("Banc d'essai Jury — {dossiers} dossiers, 1 note saisie\n\n");
    out.push_str(&format!(
        "{:<52} {:>12} {:>10}  {}\n",
        "Mesure", "Mesuré", "Objectif", ""
    ));
    for r in &rows {
        let ok = if r.measured <= r.goal {
            "ok"
        } else {
            "TROP LENT"
        };
        out.push_str(&format!(
            "{:<52} {:>9.1} ms {:>7} ms  {ok}\n",
            r.what,
            r.measured.as_secs_f64() * 1000.0,
            r.goal.as_millis()
        ));
    }
    if let Some(kib) = peak_rss_kib() {
        out.push_str(&format!(
            "{:<52} {:>9} Mo {:>7} Mo  {}\n",
            "Mémoire (pic)",
            kib / 1024,
            200,
            if kib / 1024 <= 200 { "ok" } else { "TROP" }
        ));
    }
    Ok(out)
}
