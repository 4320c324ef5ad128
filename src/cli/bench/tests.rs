use super::BenchError;
use super::generate;
use super::measure::Setup;
use jury_core::fr::Lang;

fn setup(dir: &std::path::Path, n: usize) -> Setup {
    Setup {
        n,
        call_dir: dir.join("appel"),
        work: dir.to_path_buf(),
        lang: Lang::Fr,
    }
}

#[test]
fn the_generated_batch_is_seeded_varied_and_the_size_of_real_files() {
    let mut a = generate::Seeded::new(15);
    let mut b = generate::Seeded::new(15);
    let first: Vec<_> = (0..50).map(|i| generate::dossier(&mut a, i)).collect();
    let again: Vec<_> = (0..50).map(|i| generate::dossier(&mut b, i)).collect();
    assert_eq!(first, again);
    for d in &first {
        let size = serde_json::to_string_pretty(d).expect("json").len();
        assert!((1_000..=2_500).contains(&size), "{size} bytes: {d}");
    }
    let names: std::collections::BTreeSet<_> = first
        .iter()
        .map(|d| d["structure"]["name"].to_string())
        .collect();
    assert!(names.len() > 20, "{names:?}");
    let matching = first
        .iter()
        .filter(|d| {
            generate::searchable_line(d)
                .to_lowercase()
                .contains(generate::QUERY)
        })
        .count();
    assert!(matching > 0 && matching < first.len(), "{matching}");
}

#[test]
fn the_generated_call_opens_on_the_dossier_list() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = setup(dir.path(), 60);
    generate::write(&s.call_dir, 60, 15).expect("write");
    let (d, _) = s_open(&s).expect("opens on the list");
    assert!(d.on_list(60).is_ok(), "{}", d.whereabouts());
}

fn s_open(s: &Setup) -> Result<(super::measure::Driver, std::time::Duration), BenchError> {
    s.open(s.work.join("jury.sqlite"))
}

#[test]
fn the_bench_refuses_to_run_when_the_app_opens_on_a_popup() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = setup(dir.path(), 60);
    generate::write(&s.call_dir, 60, 15).expect("write");
    // A broken file: the app opens on the import report, not the list.
    let broken = s
        .call_dir
        .join("dossiers")
        .join(format!("{}.json", generate::reference(7)));
    std::fs::write(&broken, "{ \"format\": ").expect("break");
    match s_open(&s) {
        Err(e @ BenchError::NotOnList { .. }) => {
            let m = e.message(Lang::Fr);
            assert!(
                m.starts_with("banc d'essai refusé : l'application ne s'est pas ouverte sur la liste des 60 dossiers"),
                "{m}"
            );
            assert!(m.contains("mode rapport d'import"), "{m}");
        }
        Err(e) => panic!("{e}"),
        Ok((d, _)) => panic!("measured anyway: {}", d.whereabouts()),
    }
}
