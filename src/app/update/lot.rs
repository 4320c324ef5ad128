//! Lots: moving from one lot of the call to the next. Every screen reads
//! the lot from the committee's picture: the list holds that lot's
//! candidates, the grid is the lot's, and sessions, decisions, the outcome
//! and the validations are the lot's own.

use crate::app::state::{GridTarget, State};
use jury_core::stage::Stage;

/// Moves to the next lot (after the last, the first).
pub(super) fn switch(s: &mut State) {
    let lang = s.env.lang;
    let lots = &s.batch.whole.lots;
    if lots.is_empty() {
        s.set_error(lang.tr(text::NO_LOTS));
        return;
    }
    let now = s.batch.committee.lot.as_deref();
    let k = match lots.iter().position(|l| Some(l.id.as_str()) == now) {
        Some(i) => (i + 1) % lots.len(),
        None => 0,
    };
    let id = lots[k].id.clone();
    let call = s.batch.whole.lot_call(&id);
    // A lot's deadline decides who is late for it: each entry holds its
    // standing under every lot, worked out when it was made.
    for e in &mut s.batch.entries {
        if let Some((standing, late)) = e.by_lot.get(k) {
            e.eligibility = standing.clone();
            e.late = *late;
        }
    }
    s.batch.audition_grid = call.audition.as_ref().map(|_| call.audition_grid());
    s.batch.committee.stage = Stage::current(&call, &s.batch.records.of_lot(&id));
    s.batch.call = call;
    s.batch.committee.lot = Some(id);
    s.dossiers.criterion = 0;
    s.dossiers.grid_target = GridTarget::Own;
    s.dossiers.selected = 0;
    s.committee_view.selected = 0;
    s.recompute();
    let candidates = (0..s.batch.entries.len())
        .filter(|i| s.in_scope(*i))
        .count();
    let mut status = format!(
        "{} {} — {candidates} {}",
        lang.tr(text::LOT),
        s.lot().map(|l| l.label.as_str()).unwrap_or_default(),
        lang.tr(text::CANDIDATURES)
    );
    if let Some(c) = s.batch.call.capacity {
        status.push_str(&format!(", {c} {}", lang.tr(text::PLACES)));
    }
    if candidates <= 1 {
        status.push_str(lang.tr(text::AT_MOST_ONE));
    }
    s.set_status(status);
}

mod text {
    use jury_core::fr::Tr;
    pub const NO_LOTS: Tr = Tr::new(
        "Cet appel n'est pas en plusieurs lots (« lots » dans appel.json).",
        "This call is not in several lots (\"lots\" in appel.json).",
    );
    pub const LOT: Tr = Tr::new("Lot :", "Lot:");
    pub const CANDIDATURES: Tr = Tr::new("candidature(s)", "candidature(s)");
    pub const PLACES: Tr = Tr::new("place(s)", "place(s)");
    pub const AT_MOST_ONE: Tr = Tr::new(
        " — une candidature au plus : le lot peut être déclaré infructueux.",
        " — one candidature at most: the lot may be declared unsuccessful.",
    );
}
