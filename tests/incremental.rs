//! A score moves one dossier alone (`State::rescore`): after every key of
//! random sequences — scores typed and cleared on random dossiers and
//! criteria, by two members, filters and sorts changed on the way — the
//! state is the one a full recompute gives.

use crate::common::harness;
use crate::common::session;

use harness::*;

/// A small deterministic generator: the sequences repeat run to run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// What a score changes, as the screens read it.
fn picture(s: &Session) -> String {
    let st = &s.app.state;
    let c = &st.batch.committee;
    let progress: Vec<_> = st
        .batch
        .entries
        .iter()
        .map(|e| st.progress(&e.dossier.reference))
        .collect();
    let ranks: Vec<_> = st
        .batch
        .entries
        .iter()
        .map(|e| c.rank_of(&e.dossier.reference).cloned())
        .collect();
    format!(
        "width {}\naggregates {:?}\nranking {:?}\nprofiles {:?}\nrows {:?}\nview {:?}\nprogress {:?}\ncounts {:?}\ncoverage {:?}\nletters {:?}\npreview {:?}\nranks {:?}\ncharts {:?}\nprospects {:?}",
        st.committee_view.ref_width,
        c.aggregates,
        c.ranking,
        c.profiles(),
        st.committee_view.rows,
        st.dossiers.view,
        progress,
        st.dossiers.counts,
        st.committee_view.coverage,
        st.letters_view.items,
        st.letters_view.preview,
        ranks,
        st.committee_view.charts,
        st.committee_view.prospects,
    )
}

/// `steps` random keys, each checked against a full recompute.
fn run(s: &mut Session, rng: &mut Rng, steps: usize) {
    for step in 0..steps {
        let before = s.app.state.dossiers.selected;
        match rng.below(10) {
            0 => s.act("cycle_filter"),
            1 => s.act("sort_next"),
            2..=3 => {
                s.act("focus_list");
                for _ in 0..rng.below(6) {
                    s.act("down");
                }
            }
            4 => {
                s.act("focus_grid");
                s.act("clear_score");
            }
            _ => {
                s.act("focus_grid");
                let digit = rng.below(6);
                s.act(&format!("score_{digit}"));
            }
        }
        let incremental = picture(s);
        s.app.state.recompute();
        let full = picture(s);
        assert_eq!(
            incremental, full,
            "step {step} (selected {before}): the incremental state differs from a full recompute"
        );
    }
}

#[test]
fn scores_typed_one_by_one_give_the_state_a_full_recompute_gives() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut s = open(SAMPLE, Some("Sylvie Marcellin"));
    run(&mut s, &mut rng, 150);
    // A second member's scores change the profiles and the spreads.
    let mut s = s.reopen_as(SAMPLE, "Julien Ferrand");
    run(&mut s, &mut rng, 150);
}

#[test]
fn scores_after_a_closed_session_leave_its_letters_and_coverage_as_a_recompute_does() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut s = session::closed_session();
    s.act("letters_view");
    assert!(
        !s.app.state.letters_view.items.is_empty(),
        "letters to compare"
    );
    s.go_to(jury::app::state::Screen::Dossiers);
    run(&mut s, &mut rng, 120);
}
