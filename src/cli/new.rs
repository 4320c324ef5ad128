//! `jury new DIR`: a call folder set up by answering questions on the
//! terminal, line by line (plain prompts, not the TUI, so a script can pipe
//! the answers). Every answer is checked as it is typed and asked again with
//! the reason; nothing is written before the last answer, so an interrupted
//! session (Ctrl-D, Ctrl-C, end of the piped answers) leaves no folder.
//! What the answers make is `jury_core::model`'s.

use super::fail;
use jury_core::call::{Criterion, Member, Role};
use jury_core::fr::{Lang, visible};
use jury_core::model::{self, Answers, RuleChoice};
use jury_core::names::{self, Found};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod text {
    use jury_core::fr::Tr;
    pub const INTRO: Tr = Tr::new(
        "Répondez à chaque question puis Entrée ; Ctrl-D abandonne sans rien écrire.",
        "Answer each question, then Enter; Ctrl-D gives up without writing anything.",
    );
    pub const TITLE: Tr = Tr::new("Titre de l'appel", "Title of the call");
    pub const ISSUER: Tr = Tr::new(
        "Organisme qui lance l'appel (ex. Caf des Alpes-Maritimes)",
        "Organisation issuing the call (e.g. Caf des Alpes-Maritimes)",
    );
    pub const CONTACT: Tr = Tr::new(
        "Courriel de contact des candidats (facultatif, Entrée seule pour passer)",
        "Contact e-mail for applicants (optional, Enter alone to skip)",
    );
    pub const DEADLINE: Tr = Tr::new(
        "Date limite de dépôt (ex. 15/09/2025, 15/09/2025 12:00 ou 15 septembre 2025)",
        "Deadline (e.g. 15/09/2025, 15/09/2025 12:00 or 15 September 2025)",
    );
    pub const SCALE: Tr = Tr::new(
        "Note maximale (ex. 20 ou 5 ; les notes vont de 0 à ce maximum)",
        "Maximum score (e.g. 20 or 5; scores go from 0 to it)",
    );
    pub const GRID_MENU: Tr = Tr::new(
        "Grille de notation :\n  1. le modèle « Promeneurs du Net Parentalité » (4 critères, pondérations 3, 4, 2, 1)\n  2. des critères saisis un à un",
        "Scoring grid:\n  1. the « Promeneurs du Net Parentalité » model (4 criteria, weights 3, 4, 2, 1)\n  2. criteria typed one by one",
    );
    pub const GRID_CHOICE: Tr = Tr::new("Votre choix (1 ou 2)", "Your choice (1 or 2)");
    pub const RULES_MENU: Tr = Tr::new(
        "Règles de recevabilité :\n  1. dossier déposé au plus tard à la date limite\n  2. statut du professionnel (salarié, bénévole…)\n  3. heures minimales de présence en ligne par semaine\n  4. charte signée\n  5. territoires prioritaires (une priorité signalée, pas une exclusion)",
        "Eligibility rules:\n  1. dossier received by the deadline\n  2. the professional's status (employed, volunteer…)\n  3. minimum weekly hours online\n  4. charter signed\n  5. priority territories (a flag, not an exclusion)",
    );
    pub const RULES_CHOICE: Tr = Tr::new(
        "Vos choix (numéros séparés par des espaces, ex. 1 3 4 ; Entrée seule pour aucune)",
        "Your choices (numbers separated by spaces, e.g. 1 3 4; Enter alone for none)",
    );
    pub const EMPLOYMENT_CHOICE: Tr = Tr::new(
        "Statuts acceptés (numéros, ex. 1 ou 1 2)",
        "Statuses accepted (numbers, e.g. 1 or 1 2)",
    );
    pub const HOURS: Tr = Tr::new(
        "Heures minimales de présence en ligne par semaine (ex. 3)",
        "Minimum hours online a week (e.g. 3)",
    );
    pub const COMMITTEE: Tr = Tr::new(
        "Comité de sélection (les membres agissent sous ces noms) :",
        "Selection committee (members act under these names):",
    );
    pub const CHAIR: Tr = Tr::new("Président·e du comité", "Chair of the committee");
    pub const SECRETARY: Tr = Tr::new(
        "Secrétaire (Entrée seule si aucun·e)",
        "Secretary (Enter alone if none)",
    );
    pub const WRITE: Tr = Tr::new("Écrire cet appel ? (o/n)", "Write this call? (y/n)");
    pub const EMPTY: Tr = Tr::new("une réponse est attendue", "an answer is expected");
    pub const CONTROL: Tr = Tr::new(
        "caractères de contrôle refusés",
        "control characters refused",
    );
    pub const NOT_UTF8: Tr = Tr::new(
        "texte illisible (UTF-8 attendu)",
        "unreadable text (UTF-8 expected)",
    );
    pub const YES_NO: Tr = Tr::new("répondez o (oui) ou n (non)", "answer y (yes) or n (no)");
    pub const ONE_CRITERION: Tr = Tr::new(
        "la grille doit avoir au moins un critère",
        "the grid needs at least one criterion",
    );
    pub const ONE_TERRITORY: Tr = Tr::new(
        "au moins un territoire est attendu",
        "at least one territory is expected",
    );
    pub const NOT_WRITTEN: Tr = Tr::new("Rien n'a été écrit.", "Nothing was written.");
    pub const EOF: Tr = Tr::new(
        "Saisie interrompue (fin de l'entrée) : rien n'a été écrit.",
        "Input ended before the last answer: nothing was written.",
    );
    pub const EXISTS: Tr = Tr::new(
        "existe déjà et n'est pas un dossier vide : jury new ne remplace rien. Choisissez un autre nom ; rien n'a été écrit.",
        "already exists and is not an empty folder: jury new replaces nothing. Choose another name; nothing was written.",
    );
    pub const NEXT: Tr = Tr::new("Étapes suivantes :", "Next steps:");
}

/// Why `jury new` stopped without writing the call.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// The folder exists with something in it, or is a file.
    Exists(PathBuf),
    /// The answers ended before the last question.
    Eof,
    /// The coordinator answered no to « Écrire cet appel ? ».
    Declined,
    /// Writing the folder failed; what was written is removed.
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl NewError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            NewError::Exists(dir) => lang.located(dir.display(), lang.tr(text::EXISTS)),
            NewError::Eof => lang.tr(text::EOF).to_string(),
            NewError::Declined => lang.tr(text::NOT_WRITTEN).to_string(),
            NewError::Write { path, source } => format!(
                "{} {}",
                lang.located(path.display(), lang.io_error(source)),
                lang.tr(text::NOT_WRITTEN)
            ),
        }
    }
}

jury_core::french_display!(NewError);

/// `jury new DIR`: asks on stdin/stdout, then writes the folder.
pub fn run(dir: &Path, lang: Lang) -> ExitCode {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut ask = Ask {
        echo: !stdin.is_terminal(),
        input: stdin.lock(),
        out: stdout.lock(),
        lang,
    };
    let done = refuse_existing(dir)
        .and_then(|()| questions(&mut ask, dir))
        .and_then(|answers| {
            refuse_existing(dir)?;
            write_folder(dir, &answers, lang)?;
            Ok(answers)
        });
    match done {
        Ok(answers) => {
            let shown = visible(&dir.display().to_string()).into_owned();
            ask.say(&next_steps(&answers, &shown, lang));
            ExitCode::SUCCESS
        }
        Err(e @ NewError::Exists(_)) => fail(2, e.message(lang)),
        Err(e) => {
            ask.say("");
            fail(1, e.message(lang))
        }
    }
}

/// A folder that exists must be an empty one: nothing is replaced.
fn refuse_existing(dir: &Path) -> Result<(), NewError> {
    let empty_dir = |d: &Path| std::fs::read_dir(d).is_ok_and(|mut e| e.next().is_none());
    match std::fs::symlink_metadata(dir) {
        Err(_) => Ok(()),
        Ok(m) if m.is_dir() && empty_dir(dir) => Ok(()),
        Ok(_) => Err(NewError::Exists(dir.to_path_buf())),
    }
}

/// Prompts on `out`, answers from `input`, one line each.
struct Ask<R, W> {
    input: R,
    out: W,
    lang: Lang,
    /// Answers piped in are not shown by a terminal: they are written after
    /// their prompt, so the transcript reads like a typed session.
    echo: bool,
}

impl<R: BufRead, W: Write> Ask<R, W> {
    /// A line for the user. The terminal is the user's: a failed write has
    /// nowhere to be reported.
    fn say(&mut self, line: &str) {
        let _ = writeln!(self.out, "{line}");
    }

    /// One answer, trimmed; `Eof` when the input ends.
    fn line(&mut self, prompt: &str) -> Result<Result<String, String>, NewError> {
        let colon = self.lang.t(" : ", ": ");
        let _ = write!(self.out, "{prompt}{colon}");
        let _ = self.out.flush();
        let mut bytes = Vec::new();
        match self.input.read_until(b'\n', &mut bytes) {
            Ok(0) | Err(_) => return Err(NewError::Eof),
            Ok(_) => {}
        }
        if self.echo {
            let _ = writeln!(
                self.out,
                "{}",
                visible(String::from_utf8_lossy(&bytes).trim_end())
            );
        }
        let Ok(line) = String::from_utf8(bytes) else {
            return Ok(Err(self.lang.tr(text::NOT_UTF8).to_string()));
        };
        let line = line.trim_end_matches(['\n', '\r']);
        if line.chars().any(char::is_control) {
            return Ok(Err(self.lang.tr(text::CONTROL).to_string()));
        }
        Ok(Ok(line.trim().to_string()))
    }

    /// Asks until `parse` takes the answer; each refusal is said with its
    /// reason before asking again.
    fn ask<T>(
        &mut self,
        prompt: &str,
        mut parse: impl FnMut(&mut Self, &str) -> Result<Result<T, String>, NewError>,
    ) -> Result<T, NewError> {
        loop {
            let answer = match self.line(prompt)? {
                Ok(a) => parse(self, &a)?,
                Err(why) => Err(why),
            };
            match answer {
                Ok(v) => return Ok(v),
                Err(why) => {
                    let why = visible(&why).into_owned();
                    self.say(&format!("  ↳ {why}"));
                }
            }
        }
    }

    /// A text that must not be empty: spaces folded, NFC.
    fn text(&mut self, prompt: &str) -> Result<String, NewError> {
        let empty = self.lang.tr(text::EMPTY);
        self.ask(prompt, |_, a| {
            Ok(names::normalize(a).ok_or_else(|| empty.to_string()))
        })
    }

    fn yes_no(&mut self, prompt: &str) -> Result<bool, NewError> {
        let why = self.lang.tr(text::YES_NO);
        self.ask(prompt, |_, a| Ok(yes_no(a).ok_or_else(|| why.to_string())))
    }
}

/// `o`, `oui`, `y`, `yes` / `n`, `non`, `no`, any case.
fn yes_no(a: &str) -> Option<bool> {
    match a.to_lowercase().as_str() {
        "o" | "oui" | "y" | "yes" => Some(true),
        "n" | "non" | "no" => Some(false),
        _ => None,
    }
}

fn questions<R: BufRead, W: Write>(ask: &mut Ask<R, W>, dir: &Path) -> Result<Answers, NewError> {
    let lang = ask.lang;
    ask.say(&match lang {
        Lang::Fr => format!(
            "Nouvel appel dans {}. {}",
            visible(&dir.display().to_string()),
            lang.tr(text::INTRO)
        ),
        Lang::En => format!(
            "New call in {}. {}",
            visible(&dir.display().to_string()),
            lang.tr(text::INTRO)
        ),
    });
    let title = ask.text(lang.tr(text::TITLE))?;
    let issuer = ask.text(lang.tr(text::ISSUER))?;
    let contact_email = ask.ask(lang.tr(text::CONTACT), |ask, a| Ok(email(a, ask.lang)))?;
    let deadline = ask.ask(lang.tr(text::DEADLINE), deadline)?;
    let scale_max = ask.ask(lang.tr(text::SCALE), |ask, a| Ok(scale(a, ask.lang)))?;
    ask.say(lang.tr(text::GRID_MENU));
    let pdnp = ask.ask(lang.tr(text::GRID_CHOICE), |ask, a| {
        Ok(match a {
            "1" => Ok(true),
            "2" => Ok(false),
            _ => Err(not_in_menu(a, 2, ask.lang)),
        })
    })?;
    let criteria = if pdnp {
        model::pdnp_grid()
    } else {
        custom_criteria(ask)?
    };
    ask.say(&grid_summary(&criteria, lang));
    let rules = rules(ask)?;
    let members = members(ask)?;
    let id = [
        dir.file_name().map(|n| n.to_string_lossy()),
        Some(title.as_str().into()),
    ]
    .into_iter()
    .flatten()
    .map(|s| model::slug(&s))
    .find(|s| !s.is_empty())
    .unwrap_or_else(|| "appel".into());
    let answers = Answers {
        id,
        title,
        issuer,
        contact_email,
        deadline,
        scale_max,
        criteria,
        rules,
        members,
    };
    ask.say(&summary(&answers, lang));
    if ask.yes_no(lang.tr(text::WRITE))? {
        Ok(answers)
    } else {
        Err(NewError::Declined)
    }
}

fn email(a: &str, lang: Lang) -> Result<Option<String>, String> {
    if a.is_empty() {
        Ok(None)
    } else if jury_core::dossier::looks_like_email(a) {
        Ok(Some(a.to_string()))
    } else {
        Err(match lang {
            Lang::Fr => format!("adresse illisible « {a} » : écrivez par exemple contact@caf06.fr"),
            Lang::En => format!("unreadable address “{a}”: write for example contact@caf06.fr"),
        })
    }
}

/// `15/09/2025`, `15 septembre 2025`, with an optional time (`12:00`,
/// `12h`, `12h30`). The format keeps the day only, inclusive: a time is
/// said to be dropped. A day already past is kept only when confirmed.
fn deadline<R: BufRead, W: Write>(
    ask: &mut Ask<R, W>,
    a: &str,
) -> Result<Result<chrono::NaiveDate, String>, NewError> {
    let lang = ask.lang;
    let (day, time) = match a.rsplit_once(' ') {
        Some((day, t)) if time_of_day(t).is_some() => (day, time_of_day(t)),
        // `15/09/2025 25:00`: the day reads, the time does not.
        Some((day, t)) if t.contains(':') && jury_core::dates::parse(day).is_ok() => {
            return Ok(Err(match lang {
                Lang::Fr => format!("heure illisible « {t} » : écrivez par exemple 12:00"),
                Lang::En => format!("unreadable time “{t}”: write for example 12:00"),
            }));
        }
        _ => (a, None),
    };
    let date = match jury_core::dates::parse(day) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e.message(lang))),
    };
    if let Some((h, m)) = time {
        ask.say(&match lang {
            Lang::Fr => format!(
                "  ↳ l'heure {h:02}:{m:02} n'est pas gardée : la date limite d'un appel est un jour, inclus ; un dossier reçu le {} jusqu'à 23:59 (heure de Paris) est à l'heure.",
                lang.date(date)
            ),
            Lang::En => format!(
                "  ↳ the time {h:02}:{m:02} is not kept: a call's deadline is a day, inclusive; a dossier received on {} until 23:59 (Paris time) is on time.",
                lang.date(date)
            ),
        });
    }
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    if date < today {
        let question = match lang {
            Lang::Fr => format!(
                "Le {} est déjà passé (nous sommes le {}). Garder cette date ? (o/n)",
                lang.date(date),
                lang.date(today)
            ),
            Lang::En => format!(
                "{} is already past (today is {}). Keep this date? (y/n)",
                lang.date(date),
                lang.date(today)
            ),
        };
        if !ask.yes_no(&question)? {
            return Ok(Err(lang
                .t("date passée écartée", "past date set aside")
                .to_string()));
        }
    }
    Ok(Ok(date))
}

/// `12:00`, `12h`, `12h30`, `9H05`: hours and minutes.
fn time_of_day(t: &str) -> Option<(u32, u32)> {
    let lower = t.to_lowercase();
    let (h, m) = lower.split_once([':', 'h'])?;
    let h: u32 = h.parse().ok().filter(|_| (1..=2).contains(&h.len()))?;
    let m: u32 = if m.is_empty() && lower.contains('h') {
        0
    } else if m.len() == 2 {
        m.parse().ok()?
    } else {
        return None;
    };
    (h < 24 && m < 60).then_some((h, m))
}

fn scale(a: &str, lang: Lang) -> Result<u32, String> {
    match a.parse::<u32>() {
        Ok(n) if (1..=jury_core::call::MAX_NUMBER as u32).contains(&n) => Ok(n),
        _ => Err(match lang {
            Lang::Fr => format!("« {a} » : un nombre entier de 1 à 1000 est attendu (ex. 20)"),
            Lang::En => format!("“{a}”: a whole number from 1 to 1000 is expected (e.g. 20)"),
        }),
    }
}

/// A weight as a committee writes it (`3`, `1,5`): positive, at most 1000.
fn weight(a: &str, lang: Lang) -> Result<f64, String> {
    let x = a
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite());
    match x {
        Some(x) if x > 0.0 && x <= jury_core::call::MAX_NUMBER => Ok(x),
        Some(x) if x <= 0.0 => Err(match lang {
            Lang::Fr => format!("« {a} » : la pondération doit être positive"),
            Lang::En => format!("“{a}”: the weight must be positive"),
        }),
        Some(_) => Err(match lang {
            Lang::Fr => format!("« {a} » : la pondération ne peut dépasser 1000"),
            Lang::En => format!("“{a}”: the weight cannot exceed 1000"),
        }),
        None => Err(match lang {
            Lang::Fr => format!("« {a} » : un nombre est attendu (ex. 3 ou 1,5)"),
            Lang::En => format!("“{a}”: a number is expected (e.g. 3 or 1.5)"),
        }),
    }
}

fn not_in_menu(a: &str, last: usize, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("« {a} » n'est pas dans le menu (1 à {last})"),
        Lang::En => format!("“{a}” is not in the menu (1 to {last})"),
    }
}

/// Numbers from a menu of `last` items, in menu order, each once.
fn menu_choices(a: &str, last: usize, lang: Lang) -> Result<Vec<usize>, String> {
    let mut picked = Vec::new();
    for token in a.split([' ', ',', ';']).filter(|t| !t.is_empty()) {
        match token.parse::<usize>() {
            Ok(n) if (1..=last).contains(&n) => picked.push(n),
            _ => return Err(not_in_menu(token, last, lang)),
        }
    }
    picked.sort_unstable();
    picked.dedup();
    Ok(picked)
}

fn custom_criteria<R: BufRead, W: Write>(ask: &mut Ask<R, W>) -> Result<Vec<Criterion>, NewError> {
    let lang = ask.lang;
    let mut criteria: Vec<Criterion> = Vec::new();
    loop {
        let n = criteria.len() + 1;
        let prompt = match lang {
            Lang::Fr => format!("Critère {n}, intitulé (Entrée seule pour terminer)"),
            Lang::En => format!("Criterion {n}, label (Enter alone to finish)"),
        };
        let label = ask.ask(&prompt, |ask, a| {
            Ok(if a.is_empty() {
                if criteria.is_empty() {
                    Err(ask.lang.tr(text::ONE_CRITERION).to_string())
                } else {
                    Ok(None)
                }
            } else if let Some(c) = criteria
                .iter()
                .find(|c| jury_core::intake::same_label(&c.label, a))
            {
                Err(match ask.lang {
                    Lang::Fr => format!("critère déjà saisi : « {} »", c.label),
                    Lang::En => format!("criterion already typed: “{}”", c.label),
                })
            } else {
                Ok(names::normalize(a))
            })
        })?;
        let Some(label) = label else {
            return Ok(criteria);
        };
        let prompt = match lang {
            Lang::Fr => format!("Critère {n}, pondération (nombre positif, ex. 3 ou 1,5)"),
            Lang::En => format!("Criterion {n}, weight (a positive number, e.g. 3 or 1.5)"),
        };
        let w = ask.ask(&prompt, |ask, a| Ok(weight(a, ask.lang)))?;
        criteria.push(model::criterion(&label, w, &criteria));
        let sum: f64 = criteria.iter().map(|c| c.weight).sum();
        ask.say(&match lang {
            Lang::Fr => format!("  ↳ somme des pondérations : {}", lang.score(sum)),
            Lang::En => format!("  ↳ sum of the weights: {}", lang.score(sum)),
        });
    }
}

fn grid_summary(criteria: &[Criterion], lang: Lang) -> String {
    let sum: f64 = criteria.iter().map(|c| c.weight).sum();
    let mut out = String::new();
    for c in criteria {
        out.push_str(&format!(
            "  {} ({} {})\n",
            c.label,
            lang.t("pondération", "weight"),
            lang.score(c.weight)
        ));
    }
    out.push_str(&match lang {
        Lang::Fr => format!(
            "  {} critère{}, somme des pondérations : {}",
            criteria.len(),
            plural(criteria.len()),
            lang.score(sum)
        ),
        Lang::En => format!(
            "  {} criteria, sum of the weights: {}",
            criteria.len(),
            lang.score(sum)
        ),
    });
    out
}

fn plural(n: usize) -> &'static str {
    if n >= 2 { "s" } else { "" }
}

fn rules<R: BufRead, W: Write>(ask: &mut Ask<R, W>) -> Result<Vec<RuleChoice>, NewError> {
    let lang = ask.lang;
    ask.say(lang.tr(text::RULES_MENU));
    let picked = ask.ask(lang.tr(text::RULES_CHOICE), |ask, a| {
        Ok(menu_choices(a, 5, ask.lang))
    })?;
    let mut rules = Vec::new();
    for n in picked {
        rules.push(match n {
            1 => RuleChoice::Deadline,
            2 => {
                let menu: Vec<String> = model::EMPLOYMENT
                    .iter()
                    .enumerate()
                    .map(|(i, (_, fr, en))| format!("{}. {}", i + 1, lang.t(fr, en)))
                    .collect();
                ask.say(&format!("  {}", menu.join("  ")));
                let last = model::EMPLOYMENT.len();
                let chosen = ask.ask(lang.tr(text::EMPLOYMENT_CHOICE), |ask, a| {
                    Ok(match menu_choices(a, last, ask.lang) {
                        Ok(c) if c.is_empty() => Err(ask.lang.tr(text::EMPTY).to_string()),
                        other => other,
                    })
                })?;
                RuleChoice::Employment(chosen.iter().map(|i| model::EMPLOYMENT[i - 1].0).collect())
            }
            3 => RuleChoice::WeeklyHours(
                ask.ask(lang.tr(text::HOURS), |ask, a| Ok(hours(a, ask.lang)))?,
            ),
            4 => RuleChoice::Charter,
            _ => RuleChoice::Territories(territories(ask)?),
        });
    }
    Ok(rules)
}

fn hours(a: &str, lang: Lang) -> Result<f64, String> {
    match a.replace(',', ".").parse::<f64>() {
        Ok(h) if h > 0.0 && h <= 168.0 => Ok(h),
        _ => Err(match lang {
            Lang::Fr => format!("« {a} » : un nombre d'heures de plus de 0 à 168 est attendu"),
            Lang::En => format!("“{a}”: a number of hours above 0 and up to 168 is expected"),
        }),
    }
}

fn territories<R: BufRead, W: Write>(ask: &mut Ask<R, W>) -> Result<Vec<String>, NewError> {
    let mut list: Vec<String> = Vec::new();
    loop {
        let prompt = match ask.lang {
            Lang::Fr => format!(
                "Territoire prioritaire {} (Entrée seule pour terminer)",
                list.len() + 1
            ),
            Lang::En => format!(
                "Priority territory {} (Enter alone to finish)",
                list.len() + 1
            ),
        };
        let next = ask.ask(&prompt, |ask, a| {
            Ok(if a.is_empty() {
                if list.is_empty() {
                    Err(ask.lang.tr(text::ONE_TERRITORY).to_string())
                } else {
                    Ok(None)
                }
            } else if list.iter().any(|t| jury_core::intake::same_label(t, a)) {
                Err(match ask.lang {
                    Lang::Fr => format!("« {a} » est déjà dans la liste"),
                    Lang::En => format!("“{a}” is already in the list"),
                })
            } else {
                Ok(names::normalize(a))
            })
        })?;
        match next {
            Some(t) => list.push(t),
            None => return Ok(list),
        }
    }
}

/// The chair, an optional secretary, then members until an empty line.
/// A name already given is refused; a close one (case, accents, one typo,
/// a first name alone) is asked about, as « Qui note ? » does.
fn members<R: BufRead, W: Write>(ask: &mut Ask<R, W>) -> Result<Vec<Member>, NewError> {
    let lang = ask.lang;
    ask.say(lang.tr(text::COMMITTEE));
    let mut members: Vec<Member> = Vec::new();
    let chair = member_name(ask, lang.tr(text::CHAIR), &members, false)?;
    members.extend(chair.map(|name| Member {
        name,
        role: Role::Chair,
    }));
    let secretary = member_name(ask, lang.tr(text::SECRETARY), &members, true)?;
    members.extend(secretary.map(|name| Member {
        name,
        role: Role::Secretary,
    }));
    loop {
        let n = 1 + members.iter().filter(|m| m.role == Role::Member).count();
        let prompt = match lang {
            Lang::Fr => format!("Membre {n} (Entrée seule pour terminer)"),
            Lang::En => format!("Member {n} (Enter alone to finish)"),
        };
        match member_name(ask, &prompt, &members, true)? {
            Some(name) => members.push(Member {
                name,
                role: Role::Member,
            }),
            None => return Ok(members),
        }
    }
}

fn member_name<R: BufRead, W: Write>(
    ask: &mut Ask<R, W>,
    prompt: &str,
    members: &[Member],
    optional: bool,
) -> Result<Option<String>, NewError> {
    ask.ask(prompt, |ask, a| {
        let lang = ask.lang;
        if a.is_empty() {
            return Ok(if optional {
                Ok(None)
            } else {
                Err(lang.tr(text::EMPTY).to_string())
            });
        }
        let Some(name) = names::normalize(a) else {
            return Ok(Err(lang.tr(text::CONTROL).to_string()));
        };
        match names::find(&name, members.iter().map(|m| m.name.as_str())) {
            Found::Member(m) => Ok(Err(match lang {
                Lang::Fr => format!("« {m} » est déjà au comité"),
                Lang::En => format!("“{m}” is already on the committee"),
            })),
            Found::DidYouMean(close) => {
                let question = match lang {
                    Lang::Fr => format!(
                        "« {name} » ressemble à {} déjà au comité. Est-ce une autre personne ? (o/n)",
                        close
                            .iter()
                            .map(|c| format!("« {c} »"))
                            .collect::<Vec<_>>()
                            .join(" ou ")
                    ),
                    Lang::En => format!(
                        "“{name}” looks like {} already on the committee. Is it someone else? (y/n)",
                        close
                            .iter()
                            .map(|c| format!("“{c}”"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                };
                Ok(if ask.yes_no(&question)? {
                    Ok(Some(name))
                } else {
                    Err(lang
                        .t("nom écarté, retapez-le", "name set aside, type it again")
                        .to_string())
                })
            }
            Found::Unknown | Found::Unreadable => Ok(Ok(Some(name))),
        }
    })
}

fn summary(a: &Answers, lang: Lang) -> String {
    let roles = |role: Role| {
        a.members
            .iter()
            .filter(|m| m.role == role)
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match lang {
        Lang::Fr => format!(
            "Récapitulatif :\n  « {} », {} (identifiant {})\n  date limite : {} inclus ; notes de 0 à {}\n  {} critère{}, {} règle{} de recevabilité\n  présidence : {} ; secrétariat : {} ; membres : {}",
            a.title,
            a.issuer,
            a.id,
            lang.date(a.deadline),
            a.scale_max,
            a.criteria.len(),
            plural(a.criteria.len()),
            a.rules.len(),
            plural(a.rules.len()),
            roles(Role::Chair),
            or_none(roles(Role::Secretary), lang),
            or_none(roles(Role::Member), lang),
        ),
        Lang::En => format!(
            "Summary:\n  “{}”, {} (id {})\n  deadline: {} inclusive; scores from 0 to {}\n  {} criteria, {} eligibility rule(s)\n  chair: {}; secretary: {}; members: {}",
            a.title,
            a.issuer,
            a.id,
            lang.date(a.deadline),
            a.scale_max,
            a.criteria.len(),
            a.rules.len(),
            roles(Role::Chair),
            or_none(roles(Role::Secretary), lang),
            or_none(roles(Role::Member), lang),
        ),
    }
}

fn or_none(s: String, lang: Lang) -> String {
    if s.is_empty() {
        lang.t("aucun", "none").to_string()
    } else {
        s
    }
}

/// Writes the folder in a private temporary folder beside it, then moves it
/// into place in one rename: a failure leaves nothing half-written.
fn write_folder(dir: &Path, a: &Answers, lang: Lang) -> Result<(), NewError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| NewError::Write { path, source }
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(err(&parent))?;
    let tmp = tempfile::Builder::new()
        .prefix(".jury-new-")
        .tempdir_in(&parent)
        .map_err(err(&parent))?;
    let call = model::appel_text(&model::call_json(a, lang));
    std::fs::write(tmp.path().join("appel.json"), call).map_err(err(&dir.join("appel.json")))?;
    for sub in ["dossiers", "pieces", "lettres"] {
        std::fs::create_dir(tmp.path().join(sub)).map_err(err(&dir.join(sub)))?;
    }
    for (id, template) in jury_core::templates::BUILT_IN {
        let name = format!("{id}.txt");
        std::fs::write(tmp.path().join("lettres").join(&name), template)
            .map_err(err(&dir.join("lettres").join(&name)))?;
    }
    if dir.is_dir() {
        // Checked empty just before: a rename does not replace a folder everywhere.
        std::fs::remove_dir(dir).map_err(err(dir))?;
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, dir).map_err(|source| {
        let _ = std::fs::remove_dir_all(&kept);
        NewError::Write {
            path: dir.to_path_buf(),
            source,
        }
    })
}

fn next_steps(a: &Answers, dir: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!(
            "Appel « {} » écrit dans {dir} :\n  appel.json    l'appel ; la section « intake » donne des colonnes d'exemple : remplacez chaque « column » par l'intitulé exact de la colonne de votre tableur (docs/call.md#intake) ; l'adresse et le signataire de l'organisme (issuer.address, issuer.signatory) s'ajoutent à la main\n  lettres/      les six modèles de courrier, à relire et adapter\n  dossiers/     vide : les dossiers importés y seront écrits\n  pieces/       vide : leurs pièces jointes\n{}\n  jury import {dir} candidatures.xlsx    importer les dossiers (tableur, export Démarches Simplifiées)\n  jury check {dir}                       vérifier l'appel et les dossiers\n  jury {dir}                             ouvrir l'appel pour noter",
            a.title,
            lang.tr(text::NEXT)
        ),
        Lang::En => format!(
            "Call “{}” written in {dir}:\n  appel.json    the call; its \"intake\" section holds example columns: replace each \"column\" with the exact label of your spreadsheet's column (docs/call.md#intake); the issuer's address and signatory (issuer.address, issuer.signatory) are added by hand\n  lettres/      the six letter templates, to read and adapt\n  dossiers/     empty: imported dossiers go there\n  pieces/       empty: their attachments\n{}\n  jury import {dir} candidatures.xlsx    import the dossiers (spreadsheet, Démarches Simplifiées export)\n  jury check {dir}                       check the call and the dossiers\n  jury {dir}                             open the call to score",
            a.title,
            lang.tr(text::NEXT)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_read_as_people_write_them() {
        assert_eq!(time_of_day("12:00"), Some((12, 0)));
        assert_eq!(time_of_day("9h05"), Some((9, 5)));
        assert_eq!(time_of_day("18h"), Some((18, 0)));
        assert_eq!(time_of_day("12H30"), Some((12, 30)));
        for bad in ["25:00", "12:60", "12:5", "h", "12", "midi", "123:00", "12:"] {
            assert_eq!(time_of_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn menu_choices_are_numbers_of_the_menu_in_its_order_once() {
        assert_eq!(menu_choices("4 1,3;1", 5, Lang::Fr), Ok(vec![1, 3, 4]));
        assert_eq!(menu_choices("", 5, Lang::Fr), Ok(vec![]));
        assert_eq!(
            menu_choices("1 6", 5, Lang::Fr),
            Err("« 6 » n'est pas dans le menu (1 à 5)".to_string())
        );
    }
}
