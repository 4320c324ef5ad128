//! The bench's own call folder: an `appel.json` and N dossiers of varied,
//! realistic fictional content, one file each, the same for a given size
//! on every machine (seeded), so the bench depends on nothing outside the
//! binary and two runs measure the same data.

use crate::io::files::FileError;
use serde_json::{Value, json};
use std::path::Path;

/// The chair, who scores, decides and signs in the bench.
pub const CHAIR: &str = "Hélène Vasseur";
/// Members present at the bench's session (the quorum is 3).
pub const PRESENT: [&str; 3] = [CHAIR, "Karim Belkacem", "Odile Marchetti"];
/// The day the bench's session meets, after the deadline.
pub const SESSION_DAY: &str = "2026-04-14";
/// A query a secretary types: it matches part of the batch, not all of it.
pub const QUERY: &str = "centre social";

/// A small seeded generator (SplitMix64): the batch is the same on every
/// run and machine, with no dependency for it.
pub struct Seeded(u64);

impl Seeded {
    pub fn new(seed: u64) -> Seeded {
        Seeded(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const TERRITORIES: [(&str, &[(&str, &str)]); 8] = [
    (
        "Métropole Rouen Normandie",
        &[
            ("Rouen", "76000"),
            ("Sotteville-lès-Rouen", "76300"),
            ("Le Grand-Quevilly", "76120"),
            ("Saint-Étienne-du-Rouvray", "76800"),
            ("Elbeuf", "76500"),
        ],
    ),
    (
        "CU Le Havre Seine Métropole",
        &[
            ("Le Havre", "76600"),
            ("Montivilliers", "76290"),
            ("Harfleur", "76700"),
            ("Gonfreville-l'Orcher", "76700"),
        ],
    ),
    (
        "Agglomération Dieppe-Maritime",
        &[("Dieppe", "76200"), ("Arques-la-Bataille", "76880")],
    ),
    (
        "CA Caux Seine Agglo",
        &[
            ("Lillebonne", "76170"),
            ("Bolbec", "76210"),
            ("Port-Jérôme-sur-Seine", "76330"),
        ],
    ),
    (
        "CA Fécamp Caux Littoral",
        &[("Fécamp", "76400"), ("Valmont", "76540")],
    ),
    (
        "CC Bray-Eawy",
        &[("Neufchâtel-en-Bray", "76270"), ("Saint-Saëns", "76680")],
    ),
    (
        "CC des Villes Sœurs",
        &[("Eu", "76260"), ("Le Tréport", "76470")],
    ),
    (
        "CC Yvetot Normandie",
        &[("Yvetot", "76190"), ("Sainte-Marie-des-Champs", "76190")],
    ),
];

/// Priority territories (an eligibility rule that is not required).
const PRIORITY: [&str; 4] = [
    "CA Caux Seine Agglo",
    "CA Fécamp Caux Littoral",
    "CC Bray-Eawy",
    "CC des Villes Sœurs",
];

/// First names, and whether each is a woman's: a title or a post agrees
/// with the name it goes with (« Jérôme Lebrun, président »).
const FIRST: [(&str, bool); 32] = [
    ("Élodie", true),
    ("Mathieu", false),
    ("Samia", true),
    ("Julien", false),
    ("Anaïs", true),
    ("Thomas", false),
    ("Chloé", true),
    ("Karim", false),
    ("Léa", true),
    ("Nicolas", false),
    ("Inès", true),
    ("François", false),
    ("Maëlle", true),
    ("Yannick", false),
    ("Sophie", true),
    ("Mehdi", false),
    ("Gaëlle", true),
    ("Benoît", false),
    ("Aurélie", true),
    ("Jérôme", false),
    ("Fatoumata", true),
    ("Cédric", false),
    ("Noémie", true),
    ("Loïc", false),
    ("Hélène", true),
    ("Rachid", false),
    ("Clémence", true),
    ("Stéphane", false),
    ("Zoé", true),
    ("Grégoire", false),
    ("Amandine", true),
    ("Joël", false),
];

const LAST: [&str; 32] = [
    "Lefèvre",
    "Martin",
    "Benhamou",
    "Duval",
    "Lemaître",
    "Kouassi",
    "Bœuf",
    "Dubois",
    "Hamel",
    "Lecœur",
    "Renaud",
    "Gautier",
    "Caron",
    "Diallo",
    "Lebrun",
    "Fontaine",
    "Mercier",
    "Châtelain",
    "Leroux",
    "Nguyen",
    "Poulain",
    "Marchand",
    "Besnard",
    "Haddad",
    "Lemoine",
    "Tissot",
    "Ferrand",
    "Guérin",
    "Pécuchet",
    "Auber",
    "Thébault",
    "Vasseur",
];

const STREETS: [&str; 12] = [
    "rue Victor-Hugo",
    "avenue Jean-Jaurès",
    "rue des Tilleuls",
    "place de la Mairie",
    "rue du Général-Leclerc",
    "chemin des Écoliers",
    "rue Pasteur",
    "boulevard de Strasbourg",
    "rue Émile-Zola",
    "allée des Peupliers",
    "rue de la République",
    "impasse du Moulin",
];

/// Kinds of structure: the id the rules read, a name's first words, and
/// the professional's usual post (said of a man, of a woman).
const KINDS: [(&str, &str, [&str; 2]); 6] = [
    (
        "centre_social",
        "Centre social",
        ["Référent famille", "Référente famille"],
    ),
    (
        "evs",
        "Espace de vie sociale",
        ["Coordinateur", "Coordinatrice"],
    ),
    (
        "lieu_ressource_parentalite",
        "Maison des parents",
        [
            "Coordinateur du lieu ressource",
            "Coordinatrice du lieu ressource",
        ],
    ),
    (
        "association",
        "Association",
        ["Animateur famille", "Animatrice famille"],
    ),
    (
        "mjc",
        "MJC",
        [
            "Animateur jeunesse et familles",
            "Animatrice jeunesse et familles",
        ],
    ),
    (
        "collectivite",
        "Service enfance-famille de",
        ["Éducateur", "Éducatrice"],
    ),
];

const NAMES: [&str; 16] = [
    "Les Tilleuls",
    "La Passerelle",
    "Le Fil d'Ariane",
    "Les Cerisiers",
    "L'Escale",
    "La Boussole",
    "Les Falaises",
    "Arc-en-Ciel",
    "La Clé des Champs",
    "Le Phare",
    "Les Sources",
    "La Ruche",
    "Les Mouettes",
    "Trait d'Union",
    "L'Îlot",
    "La Marelle",
];

const QUALIFICATIONS: [&str; 8] = [
    "DE Conseillère en économie sociale et familiale (CESF)",
    "DE Éducateur spécialisé",
    "DE Assistant de service social",
    "BPJEPS Animation sociale",
    "DEJEPS Développement de projets, territoires et réseaux",
    "Licence Sciences de l'éducation",
    "Formation « Écrans et familles » (2024)",
    "Formation à l'écoute active et à la médiation familiale",
];

const NETWORKS: [&str; 6] = [
    "Facebook",
    "Instagram",
    "WhatsApp",
    "Discord",
    "TikTok",
    "Snapchat",
];

const ACTIVITIES: [&str; 6] = [
    "café des parents chaque mardi matin",
    "ateliers parents-enfants le mercredi après-midi",
    "groupes de parole animés avec la PMI",
    "sorties familiales pendant les vacances scolaires",
    "accompagnement à la scolarité (CLAS) pour une quarantaine d'enfants",
    "permanences d'accès aux droits avec la Caf",
];

const PUBLICS: [&str; 4] = [
    "Parents d'enfants de 0 à 11 ans du quartier, en particulier les familles monoparentales.",
    "Parents d'adolescents, souvent éloignés des structures, et jeunes parents isolés.",
    "Familles du territoire rural, parents qui ne fréquentent pas encore la structure.",
    "Parents de jeunes enfants, futurs parents et grands-parents qui élèvent leurs petits-enfants.",
];

const DAYS: [&str; 5] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"];

/// The call: a four-criterion weighted grid, eligibility rules, a committee
/// with its chair and secretary, a capacity; only the built-in decisions,
/// whose built-in letter templates serve.
pub fn call() -> Value {
    json!({
        "format": "jury-appel/1",
        "id": "bench-pdnp76-2026",
        "title": "Promeneurs du Net Parentalité — Seine-Maritime 2026 (banc d'essai)",
        "description": "Appel à candidature fictif, généré par le banc d'essai de Jury. La Caf de Seine-Maritime labellise des professionnels de l'accompagnement à la parentalité qui prolongent leurs missions sur internet et les réseaux sociaux, au moins 3 heures par semaine sur des plages définies.",
        "issuer": {
            "name": "Caf de Seine-Maritime",
            "address": { "street": "12 rue des Charrettes", "postcode": "76000", "city": "Rouen" },
            "contact_email": "promeneurs@caf76.example.org",
            "signatory": { "name": CHAIR, "title": "Directrice de l'action sociale" }
        },
        "place": "Rouen",
        "contacts": [{
            "name": "Karim Belkacem",
            "role": "Conseiller technique parentalité",
            "email": "promeneurs@caf76.example.org",
            "phone": "02 99 00 10 20"
        }],
        "deadline": "2026-03-31",
        "sessions": [SESSION_DAY],
        "notify_by": "2026-04-30",
        "scale": { "min": 0, "max": 5 },
        "criteria": [
            { "id": "experience", "label": "Expérience de la structure dans le champ de la parentalité", "weight": 30,
              "help": "Ancienneté et régularité des actions auprès des parents, partenariats effectifs sur le territoire." },
            { "id": "qualification", "label": "Qualification et expérience du professionnel pressenti", "weight": 30,
              "help": "Formation et expérience dans l'accompagnement à la fonction parentale ; appétence pour le numérique." },
            { "id": "coherence", "label": "Articulation avec le projet global de la structure", "weight": 25,
              "help": "Plages de présence en ligne définies, équilibre avec l'accueil physique, pratique discutée en équipe." },
            { "id": "formation", "label": "Engagement à participer aux formations et regroupements", "weight": 15,
              "help": "Engagement écrit de l'employeur à libérer le professionnel pour la formation et les regroupements." }
        ],
        "eligibility": [
            { "id": "delai", "label": "Dossier déposé au plus tard le 31 mars 2026", "received_by_deadline": true },
            { "id": "heures", "label": "Au moins 3 h de présence en ligne par semaine", "pointer": "/project/weekly_online_hours", "min": 3 },
            { "id": "charte", "label": "Charte nationale des Promeneurs du Net signée", "pointer": "/commitments/charter_signed", "equals": true },
            { "id": "salarie", "label": "Professionnel salarié, mandaté par son employeur", "pointer": "/professional/employment", "in": ["salarie"] },
            { "id": "zone", "label": "Territoire prioritaire", "pointer": "/structure/territory", "in": PRIORITY, "required": false }
        ],
        "members": [
            { "name": CHAIR, "role": "chair" },
            { "name": "Karim Belkacem", "role": "secretary" },
            { "name": "Odile Marchetti", "role": "member" },
            { "name": "Pascal Lemonnier", "role": "member" }
        ],
        "quorum": 3,
        "disagreement_spread": 2,
        "quality_threshold": 50,
        "capacity": 40,
        "appeal_routes": "La présente décision peut faire l'objet d'un recours gracieux auprès de la directrice de la Caf de Seine-Maritime dans un délai de deux mois à compter de sa notification, ou d'un recours contentieux devant le tribunal administratif de Rouen dans le même délai."
    })
}

/// A person's name, and whether the first name is a woman's.
fn person(g: &mut Seeded) -> (String, bool) {
    let (first, woman) = FIRST[g.below(FIRST.len())];
    (format!("{first} {}", g.pick(&LAST)), woman)
}

/// The reference of the `i`-th dossier.
pub fn reference(i: usize) -> String {
    format!("PDNP76-2026-{:06}", i + 1)
}

/// The `i`-th dossier, about 1.5 KB of JSON like a real file.
pub fn dossier(g: &mut Seeded, i: usize) -> Value {
    let (territory, towns) = TERRITORIES[g.below(TERRITORIES.len())];
    let (city, postcode) = towns[g.below(towns.len())];
    let (kind, prefix, role) = KINDS[g.below(KINDS.len())];
    let name = if kind == "collectivite" {
        format!("{prefix} {city}")
    } else {
        format!("{prefix} {}", g.pick(&NAMES))
    };
    // A few late, a few short of hours or of a signed charter: the
    // eligibility marks vary as in a real batch.
    let late = g.chance(2);
    let day = 1 + g.below(if late { 10 } else { 59 });
    let received = if late {
        format!(
            "2026-04-{day:02}T{:02}:{:02}:00+02:00",
            8 + g.below(10),
            g.below(60)
        )
    } else {
        let (month, d) = if day <= 28 { (2, day) } else { (3, day - 28) };
        format!(
            "2026-{month:02}-{d:02}T{:02}:{:02}:00+01:00",
            8 + g.below(10),
            g.below(60)
        )
    };
    let hours = if g.chance(5) { 2 } else { 3 + g.below(4) };
    let networks: Vec<&str> = (0..1 + g.below(3)).map(|_| g.pick(&NETWORKS)).collect();
    let mut networks = networks;
    networks.sort_unstable();
    networks.dedup();
    let since = 1995 + g.below(28);
    let (a1, a2) = (g.pick(&ACTIVITIES), g.pick(&ACTIVITIES));
    let start = 9 + g.below(9);
    let (representative, woman) = person(g);
    let title = match woman {
        true => g.pick(&["Directrice", "Présidente"]),
        false => g.pick(&["Directeur", "Président"]),
    };
    let (professional, woman) = person(g);
    let role = role[usize::from(woman)];
    json!({
        "format": "jury-dossier/1",
        "reference": reference(i),
        "received_at": received,
        "structure": {
            "name": name,
            "kind": kind,
            "address": {
                "street": format!("{} {}", 1 + g.below(120), g.pick(&STREETS)),
                "postcode": postcode,
                "city": city
            },
            "territory": territory,
            "representative": { "name": representative, "title": title },
            "email": format!("contact{}@structure{}.example.org", i % 97, i),
            "phone": format!("02 99 {:02} {:02} {:02}", g.below(100), g.below(100), g.below(100)),
            "experience": format!(
                "Structure implantée à {city} depuis {since}. Actions régulières auprès des parents : {a1}, {a2}. Partenariats suivis avec les écoles, la PMI et le service de médiation familiale du territoire ; un bilan partagé chaque année avec la Caf."
            )
        },
        "professional": {
            "name": professional,
            "role": role,
            "employment": if g.chance(4) { "benevole" } else { "salarie" },
            "qualifications": [g.pick(&QUALIFICATIONS), g.pick(&QUALIFICATIONS)],
            "parenting_experience_years": 1 + g.below(20),
            "digital": format!(
                "Anime la page {} de la structure et un groupe de parents avec des règles d'usage écrites, validées en équipe.",
                networks[0]
            )
        },
        "project": {
            "weekly_online_hours": hours,
            "permanence": format!("{} {start} h – {} h et {} 12 h 30 – 14 h", g.pick(&DAYS), start + 2, g.pick(&DAYS)),
            "networks": networks,
            "public": g.pick(&PUBLICS),
            "coherence": "Le projet social fait de « l'aller vers » les familles éloignées une orientation prioritaire. La présence en ligne prolonge l'accueil physique ; le bilan est présenté chaque trimestre en réunion d'équipe."
        },
        "commitments": {
            "charter_signed": !g.chance(3),
            "training_first_steps": true,
            "quarterly_meetings": g.chance(80)
        },
        "startup_aid_requested": g.chance(30)
    })
}

/// Writes the call folder: `appel.json` and `dossiers/`, one file per
/// dossier, as committees receive them.
pub fn write(into: &Path, n: usize, seed: u64) -> Result<(), FileError> {
    let dossiers = into.join("dossiers");
    std::fs::create_dir_all(&dossiers).map_err(FileError::at(&dossiers))?;
    let appel = into.join("appel.json");
    std::fs::write(&appel, pretty(&call())).map_err(FileError::at(&appel))?;
    let mut g = Seeded::new(seed);
    for i in 0..n {
        let path = dossiers.join(format!("{}.json", reference(i)));
        std::fs::write(&path, pretty(&dossier(&mut g, i))).map_err(FileError::at(&path))?;
    }
    Ok(())
}

/// Pretty JSON, as people and exports write it.
fn pretty(v: &Value) -> String {
    // A Value built here always serialises.
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The line a search matches a dossier by: reference, structure, commune,
/// professional and representative, as the app's search reads them.
pub fn searchable_line(v: &Value) -> String {
    [
        "/reference",
        "/structure/name",
        "/structure/address/city",
        "/professional/name",
        "/structure/representative/name",
    ]
    .iter()
    .filter_map(|p| v.pointer(p).and_then(Value::as_str))
    .collect::<Vec<_>>()
    .join(" ")
}
