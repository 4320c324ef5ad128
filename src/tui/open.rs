//! Opening an attachment with the system's viewer (xdg-open and the like).

use jury_core::fr::Lang;
use std::path::{Path, PathBuf};

/// Why an attachment did not open.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file is not where the dossier says.
    Missing(PathBuf),
    /// No program would open it.
    NoViewer {
        path: PathBuf,
        cause: std::io::Error,
    },
}

impl OpenError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            OpenError::Missing(path) => format!(
                "{} {}",
                lang.t("Pièce jointe introuvable :", "Attachment not found:"),
                path.display()
            ),
            OpenError::NoViewer { path, cause } => match lang {
                Lang::Fr => format!(
                    "Aucune visionneuse disponible pour ouvrir {} ({}). Ouvrez le fichier vous-même.",
                    path.display(),
                    lang.io_error(cause)
                ),
                Lang::En => format!(
                    "No viewer available to open {} ({}). Open the file yourself.",
                    path.display(),
                    lang.io_error(cause)
                ),
            },
        }
    }
}

jury_core::french_display!(OpenError);

/// How the runtime opens a file; tests put a stand-in here.
pub type Opener = Box<dyn FnMut(&Path) -> Result<(), OpenError>>;

pub fn with_system_viewer(path: &Path) -> Result<(), OpenError> {
    if !path.is_file() {
        return Err(OpenError::Missing(path.to_path_buf()));
    }
    opener::open(path).map_err(|e| OpenError::NoViewer {
        path: path.to_path_buf(),
        cause: match e {
            opener::OpenError::Io(io) => io,
            // The launcher's own report: its first line says what failed.
            other => std::io::Error::other(
                other
                    .to_string()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            ),
        },
    })
}
