//! LibreOffice opens an ODT as a secretary would: converted to PDF with
//! `soffice --headless`, to be read back with `pdftotext`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Waits for `child` at most `limit` (a bound that only catches a hang).
pub fn wait(mut child: std::process::Child, limit: Duration, what: &str) {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                assert!(status.success(), "{what} failed: {status}");
                return;
            }
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what} did not finish in {limit:?}");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => panic!("{what}: {e}"),
        }
    }
}

/// Converts the ODT files to PDF in `dir` with LibreOffice, in a profile of
/// its own so parallel runs do not share one.
pub fn convert(files: &[PathBuf], dir: &Path, profile: &Path) {
    let child = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .args(files)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "LibreOffice (soffice) is needed to check the ODT files ({e}): install libreoffice-writer-nogui and fonts-liberation2"
            )
        });
    wait(child, Duration::from_secs(600), "soffice --convert-to pdf");
}
