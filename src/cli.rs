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
    /// Dossier de l'appel (contient appel.json et dossiers/)
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
    /// Langue de l'interface : fr ou en
    #[arg(long, value_name = "fr|en", default_value = "fr", value_parser = ["fr", "en"])]
    pub lang: String,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Vérifie un dossier d'appel et affiche chaque problème (fichier:ligne:colonne)
    Check {
        /// Dossier de l'appel
        call_dir: PathBuf,
    },
    /// Vérifie le chaînage du journal d'audit et nomme le premier événement altéré
    Verify {
        /// Base de données de l'appel
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
    },
}
