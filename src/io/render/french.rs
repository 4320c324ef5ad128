//! French typography ([`jury_core::typography::french`]) applied once per
//! text on a thread. A batch of letters repeats its template's paragraphs
//! in every letter, and the PDF and the ODT apply it to each: done again
//! for every letter, it was a fifteenth of a letter's time.

use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    /// Texts already typeset on this thread, and what they became.
    /// Emptied once it holds [`DONE_MAX`] texts.
    static DONE: RefCell<HashMap<Box<str>, Box<str>>> = RefCell::default();
}

const DONE_MAX: usize = 4096;

/// Longer texts are typeset each time: a letter's paragraphs are far
/// shorter, and kept texts are then never more than 16 Mo on a thread.
const KEPT_LEN: usize = 4096;

/// [`jury_core::typography::french`], once per text on a thread.
pub(super) fn french(text: &str) -> String {
    if text.len() > KEPT_LEN {
        return jury_core::typography::french(text);
    }
    if let Some(done) = DONE.with_borrow(|done| done.get(text).map(|t| t.to_string())) {
        return done;
    }
    let done = jury_core::typography::french(text);
    DONE.with_borrow_mut(|kept| {
        if kept.len() >= DONE_MAX {
            kept.clear();
        }
        kept.insert(text.into(), done.as_str().into());
    });
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_typeset_again_is_what_it_was_the_first_time() {
        let long = "Objet : votre candidature ; merci ! ".repeat(200);
        for text in [
            "Le montant accordé est de 1000 € : voir « la convention » ; merci !",
            "Réunion le 7 juillet 2025 à 14 h 30 : note 14,5 / 20.",
            "",
            long.as_str(),
        ] {
            let first = french(text);
            assert_eq!(first, jury_core::typography::french(text));
            assert_eq!(french(text), first, "{text}");
        }
        assert!(long.len() > KEPT_LEN);
        assert!(DONE.with_borrow(|done| !done.contains_key(long.as_str())));
        assert!(DONE.with_borrow(|done| done.contains_key("")));
    }
}
