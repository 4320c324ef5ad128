//! What the bench measured, the goals for the size, and the table
//! it prints.

use jury_core::fr::Lang;
use std::time::Duration;

/// Repeated timings of one measure.
#[derive(Clone, Debug, Default)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    fn sorted(&self) -> Vec<Duration> {
        let mut v = self.0.clone();
        v.sort_unstable();
        v
    }

    pub fn min(&self) -> Duration {
        self.sorted().first().copied().unwrap_or_default()
    }

    pub fn median(&self) -> Duration {
        let v = self.sorted();
        v.get(v.len() / 2).copied().unwrap_or_default()
    }

    pub fn max(&self) -> Duration {
        self.sorted().last().copied().unwrap_or_default()
    }

    pub fn total(&self) -> Duration {
        self.0.iter().sum()
    }
}

/// One row's measure, or why it could not be taken.
#[derive(Clone, Debug)]
pub enum Measure {
    Time(Samples),
    /// Items a second over a batch, with each item's time.
    Rate {
        per_second: f64,
        each: Samples,
    },
    /// Peak resident memory, in KiB.
    Memory(u64),
    /// Not measured, and why: never shown as a zero.
    Missing(String),
}

/// What the issue asks of a row.
#[derive(Clone, Copy, Debug)]
pub enum Goal {
    /// The median under this.
    Under(Duration),
    /// More than this many a second.
    Above(f64),
    /// Peak memory under this many MB.
    MemoryUnder(u64),
    /// Printed for reading only (the disk's sync, each keystroke).
    None,
}

pub struct Row {
    pub what: String,
    pub measure: Measure,
    pub goal: Goal,
}

/// The goals for a batch of `n` dossiers: at 1 000 and below, the
/// 1 000 goals where the issue sets one (every keystroke under 2 ms, reopen
/// under 50 ms, memory under 40 MB); otherwise the 100 000 goals.
pub struct Goals {
    pub import: Duration,
    pub reopen: Duration,
    pub key: Duration,
    pub keystroke: Duration,
    pub memory_mb: u64,
    pub letters_per_second: f64,
}

impl Goals {
    pub fn for_size(n: usize) -> Goals {
        let ms = Duration::from_millis;
        if n <= 1_000 {
            Goals {
                import: Duration::from_secs(3),
                reopen: ms(50),
                key: ms(2),
                keystroke: ms(2),
                memory_mb: 40,
                letters_per_second: 1_000.0,
            }
        } else {
            Goals {
                import: Duration::from_secs(3),
                reopen: ms(150),
                key: ms(8),
                keystroke: ms(16),
                memory_mb: 400,
                letters_per_second: 1_000.0,
            }
        }
    }
}

/// A duration as people read it: ms under a second, s above.
pub fn show(d: Duration, lang: Lang) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    let text = if ms < 1000.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    };
    decimal(text, lang)
}

/// French writes a decimal comma.
pub fn decimal(text: String, lang: Lang) -> String {
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

fn verdict(measure: &Measure, goal: Goal, lang: Lang) -> (String, String) {
    let ok = |met: bool| {
        if met {
            "ok".to_string()
        } else {
            lang.t("TROP LENT", "TOO SLOW").to_string()
        }
    };
    match (measure, goal) {
        (Measure::Time(s), Goal::Under(g)) => (format!("< {}", show(g, lang)), ok(s.median() < g)),
        (Measure::Rate { per_second, .. }, Goal::Above(g)) => {
            (decimal(format!("> {g:.0}/s"), lang), ok(*per_second > g))
        }
        (Measure::Memory(kib), Goal::MemoryUnder(mb)) => {
            let met = kib * 1024 < mb * 1_000_000;
            (
                format!("< {mb} {}", lang.t("Mo", "MB")),
                if met {
                    "ok".into()
                } else {
                    lang.t("TROP GROS", "TOO BIG").into()
                },
            )
        }
        (Measure::Missing(_), _) => (String::new(), lang.t("NON MESURÉ", "NOT MEASURED").into()),
        _ => (String::new(), String::new()),
    }
}

/// The table: each row's count, min, median, max, goal and verdict; a row
/// not measured says why.
pub fn render(title: &str, rows: &[Row], lang: Lang) -> String {
    let width = rows
        .iter()
        .map(|r| r.what.chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    let mut out = format!("{title}\n\n");
    out.push_str(&format!(
        "{}  {:>4}  {:>10}  {:>10}  {:>10}  {:>11}  {}\n",
        pad(lang.t("Mesure", "Measure"), width),
        "n",
        "min",
        lang.t("médiane", "median"),
        "max",
        lang.t("objectif", "goal"),
        lang.t("verdict", "verdict")
    ));
    for r in rows {
        let (goal, verdict) = verdict(&r.measure, r.goal, lang);
        let cells = match &r.measure {
            Measure::Time(s) => format!(
                "{:>4}  {:>10}  {:>10}  {:>10}",
                s.0.len(),
                show(s.min(), lang),
                show(s.median(), lang),
                show(s.max(), lang)
            ),
            Measure::Rate { per_second, each } => format!(
                "{:>4}  {:>10}  {:>10}  {:>10}",
                each.0.len(),
                show(each.min(), lang),
                decimal(format!("{per_second:.0}/s"), lang),
                show(each.max(), lang)
            ),
            Measure::Memory(kib) => format!(
                "{:>4}  {:>10}  {:>10}  {:>10}",
                1,
                "",
                decimal(
                    format!("{:.1} {}", *kib as f64 * 1024.0 / 1e6, lang.t("Mo", "MB")),
                    lang
                ),
                ""
            ),
            Measure::Missing(why) => format!("{:>4}  {why}", "–"),
        };
        // A row without a goal ends in padding: trimmed.
        let line = format!("{}  {cells}  {goal:>11}  {verdict}", pad(&r.what, width));
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
