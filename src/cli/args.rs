//! Command-line arguments (clap). The TUI is the default command.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "jury",
    version,
    about = "Jury : examiner, noter et classer les dossiers d'un appel à candidature, hors ligne.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Dossier de l'appel (contient appel.json et dossiers/), ou lot reçu de la présidence (jury bundle)
    #[arg(value_name = "APPEL")]
    pub call_dir: Option<PathBuf>,
    /// Base de données (par défaut : dans le dossier de données de l'utilisateur)
    #[arg(long, value_name = "FICHIER")]
    pub db: Option<PathBuf>,
    /// Nom de l'évaluateur (demandé au démarrage s'il manque)
    #[arg(long = "as", value_name = "NOM")]
    pub reviewer: Option<String>,
    /// Keymap fusionné par-dessus celui par défaut
    #[arg(long, value_name = "FICHIER")]
    pub keymap: Option<PathBuf>,
    /// À la création de la base : la chiffrer (phrase secrète demandée deux fois)
    #[arg(long)]
    pub encrypt: bool,
    /// Lire la phrase secrète de la base dans la première ligne de ce fichier
    /// (scripts ; sinon elle est demandée au terminal, masquée)
    #[arg(long, global = true, value_name = "FICHIER")]
    pub passphrase_file: Option<PathBuf>,
    /// Langue de l'interface : fr ou en, à tout endroit de la ligne (sinon
    /// celle de LC_ALL, LC_MESSAGES ou LANG si anglaise, le français autrement)
    // Read before clap by `cli::speak`, which takes a valid value out of the
    // line: declared here for the help, and so that clap refuses a bad one.
    #[arg(long, global = true, value_name = "fr|en", value_parser = ["fr", "en"])]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Vérifie un dossier d'appel et affiche chaque problème (fichier:ligne:colonne)
    Check {
        /// Dossier de l'appel
        #[arg(value_name = "APPEL")]
        call_dir: PathBuf,
    },
    /// Crée un dossier d'appel en posant les questions une à une (titre,
    /// organisme, date limite, barème, grille, règles, comité) : appel.json,
    /// modèles de courrier, dossiers/ et pieces/ vides
    New {
        /// Dossier à créer (absent ou vide : rien n'est remplacé)
        #[arg(value_name = "DOSSIER")]
        dir: PathBuf,
    },
    /// Importe des dossiers depuis des tableurs (CSV, XLSX, ODS), les exports
    /// Démarches Simplifiées (tableur et archive ZIP des pièces), des
    /// courriels (.eml, dossier de .eml, .mbox de Thunderbird) et des
    /// formulaires PDF à remplir, selon la section « intake » de appel.json ;
    /// relancer ne change rien
    Import {
        /// Dossier de l'appel
        #[arg(value_name = "APPEL")]
        call_dir: PathBuf,
        /// Fichiers à importer : .csv, .xlsx, .ods, .zip (pièces Démarches
        /// Simplifiées), .eml, .mbox, un dossier de .eml, .pdf (formulaire)
        #[arg(required = true, value_name = "SOURCE")]
        sources: Vec<PathBuf>,
        /// Écrit aussi les dossiers et pièces modifiés dans la source depuis
        /// l'import précédent (sinon ils sont seulement signalés)
        #[arg(long)]
        appliquer: bool,
    },
    /// Produit les courriers de décision (PDF, ODT, EML) des séances closes
    Letters {
        /// Base de données de l'appel
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
        /// Dossier où écrire les courriers
        #[arg(long, value_name = "DOSSIER")]
        out: PathBuf,
        /// Un seul dossier (sa référence)
        #[arg(long, value_name = "RÉFÉRENCE")]
        reference: Option<String>,
        /// Date de signature des courriers (7/7/2025, 7 juillet 2025…) ; par
        /// défaut aujourd'hui, et les courriers déjà produits gardent la leur
        #[arg(long, value_name = "DATE", value_parser = signature_date)]
        date: Option<chrono::NaiveDate>,
        /// Qui produit les courriers (journal d'audit)
        #[arg(long = "as", value_name = "NOM", default_value = "secrétariat")]
        actor: String,
    },
    /// Produit les convocations à l'audition (PDF, ODT, EML, invitation .ics)
    /// des candidats dont le créneau est nouveau ou a changé, et l'agenda
    /// (.ics) de chaque membre du jury
    Convocations {
        /// Base de données de l'appel
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
        /// Un seul dossier (sa référence)
        #[arg(long, value_name = "RÉFÉRENCE")]
        dossier: Option<String>,
        /// Dossier où écrire les convocations (par défaut : Documents/Jury/<appel>)
        #[arg(long, value_name = "DOSSIER")]
        out: Option<PathBuf>,
        /// Qui produit les convocations (journal d'audit)
        #[arg(long = "as", value_name = "NOM", default_value = "secrétariat")]
        actor: String,
    },
    /// Produit le procès-verbal de chaque séance (PDF et ODT)
    Minutes {
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
        #[arg(long, value_name = "DOSSIER")]
        out: PathBuf,
        /// Une seule séance (son numéro)
        #[arg(long)]
        session: Option<i64>,
    },
    /// Exporte les résultats : csv (tableur, séparateur ;) ou json (tout)
    Export {
        /// Format de l'export
        #[arg(value_name = "FORMAT", value_parser = ["csv", "json"])]
        format: String,
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
        /// Fichier de sortie (sinon la sortie standard)
        #[arg(long, value_name = "FICHIER")]
        out: Option<PathBuf>,
    },
    /// Écrit le lot d'un membre (appel, dossiers, pièces jointes, sa clé), signé par la présidence
    Bundle {
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
        #[arg(long, value_name = "FICHIER")]
        out: PathBuf,
        /// Membre à qui le lot est remis (obligatoire : chaque membre a son lot et sa clé)
        #[arg(long = "for", value_name = "NOM")]
        member: Option<String>,
    },
    /// Paquets de notes : export sur le portable d'un membre, import chez la présidence
    Packet {
        #[command(subcommand)]
        cmd: crate::cli::commands::PacketCommand,
    },
    /// Mesure les temps de réponse et la mémoire sur un lot synthétique
    Bench {
        /// Nombre de dossiers du lot
        #[arg(long, value_name = "NOMBRE", default_value_t = 1000)]
        dossiers: usize,
        /// Mesure 1 000, 10 000 et 100 000 dossiers, chaque taille dans son propre processus
        #[arg(long, conflicts_with_all = ["dossiers", "sizes"])]
        all: bool,
        /// Tailles à mesurer, chacune dans son propre processus (ex. 1000,10000)
        #[arg(
            long,
            value_name = "TAILLES",
            value_delimiter = ',',
            conflicts_with = "dossiers"
        )]
        sizes: Vec<usize>,
        /// Le dossier d'une mesure de plusieurs tailles, où celle-ci laisse
        /// ses fichiers : cette mesure les efface une fois toutes les
        /// tailles mesurées
        #[arg(long, value_name = "DOSSIER", hide = true)]
        within: Option<PathBuf>,
    },
    /// Ouvre un appel, dessine sa première image et écrit « prêt » : la
    /// réouverture dans un processus neuf que `jury bench` mesure
    #[command(hide = true)]
    BenchOpen {
        #[arg(long, value_name = "APPEL")]
        call: PathBuf,
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
        /// Nombre de dossiers que la liste doit montrer
        #[arg(long, value_name = "NOMBRE")]
        dossiers: usize,
        /// Dossier de travail du banc d'essai (les courriers y sont)
        #[arg(long, value_name = "DOSSIER")]
        work: PathBuf,
    },
    /// Chiffre une base en clair (phrase secrète demandée deux fois)
    Encrypt {
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
    },
    /// Change la phrase secrète d'une base chiffrée
    Passphrase {
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
        /// La nouvelle phrase secrète dans la première ligne de ce fichier
        /// (scripts ; sinon demandée deux fois au terminal)
        #[arg(long, value_name = "FICHIER")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Liste les sauvegardes de la base, ou restaure celle de numéro N
    Restore {
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
        /// Numéro de la sauvegarde à restaurer (voir la liste)
        #[arg(value_name = "N")]
        number: Option<usize>,
    },
    /// Vérifie le journal d'audit (chaînage, empreinte signée) et que les tables lui correspondent
    Verify {
        /// Base de données de l'appel
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
        /// Empreinte reportée au procès-verbal signé : le journal doit y mener
        #[arg(long, value_name = "EMPREINTE")]
        head: Option<String>,
    },
    /// Efface pour de bon les données personnelles (noms, adresses, textes libres) ; garde grille, notes, décisions et journal vérifiable
    Anonymise {
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
        /// Ne pas demander de taper l'identifiant de l'appel pour confirmer
        #[arg(long)]
        oui: bool,
        /// Anonymiser avant la fin de la durée de conservation (retention_months)
        #[arg(long)]
        forcer: bool,
        /// Qui anonymise (journal d'audit)
        #[arg(long = "as", value_name = "NOM", default_value = "secrétariat")]
        actor: String,
    },
    /// Écrit le dossier complet d'un candidat en PDF (droit d'accès RGPD, demande CADA)
    Dossier {
        /// Référence du dossier
        #[arg(value_name = "RÉFÉRENCE")]
        reference: String,
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
        /// Fichier PDF à écrire
        #[arg(long, value_name = "FICHIER.pdf")]
        out: PathBuf,
        /// Qui extrait le dossier (journal d'audit)
        #[arg(long = "as", value_name = "NOM", default_value = "secrétariat")]
        actor: String,
    },
}

/// `--date` in any form a committee writes it.
fn signature_date(s: &str) -> Result<chrono::NaiveDate, String> {
    jury_core::dates::parse(s).map_err(|e| e.to_string())
}
