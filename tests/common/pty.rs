//! Runs the real `jury` binary in a pseudo-terminal and reads its screen.
//!
//! The PTY output is drained on its own thread into a `vt100::Parser`
//! (a full PTY buffer would otherwise block the app's writes), and tests
//! poll the parsed screen until the text they expect appears. ratatui
//! redraws only changed cells, so matching the raw byte stream does not work.

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any wait lasts before the test fails, showing the screen.
pub const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(5);

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal size is at least 1")
}

pub struct Term {
    name: String,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Set by the reader thread once the PTY is closed (the child is gone).
    closed: Arc<AtomicBool>,
    /// Asks the reader thread to stop after its current read (see `hang_up`).
    stop: Arc<AtomicBool>,
    /// The slave side's device, for `stty` and to wake the reader.
    tty: std::path::PathBuf,
    /// `None` once `hang_up` has closed the terminal.
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<Box<dyn Write + Send>>,
    child: Box<dyn Child + Send + Sync>,
    status: Option<ExitStatus>,
}

impl Term {
    /// Spawns `program args` in a `cols`×`rows` PTY, with HOME and the XDG
    /// directories pointing into `home` so no user file is read or written.
    pub fn spawn<S: AsRef<OsStr>>(
        program: &str,
        args: &[S],
        home: &Path,
        cols: u16,
        rows: u16,
    ) -> Term {
        Term::spawn_env(program, args, home, cols, rows, &[])
    }

    /// Same, with more variables in the environment.
    pub fn spawn_env<S: AsRef<OsStr>>(
        program: &str,
        args: &[S],
        home: &Path,
        cols: u16,
        rows: u16,
        env: &[(&str, &Path)],
    ) -> Term {
        std::fs::create_dir_all(home).expect("create the fake home");
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a PTY");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(home);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", home);
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env_remove("NO_COLOR");
        for (key, value) in env {
            cmd.env(key, value);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn the app");
        // Only the child keeps the slave side: the reader sees EOF when it exits.
        drop(pair.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let closed = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let mut reader = pair.master.try_clone_reader().expect("PTY reader");
        {
            let parser = Arc::clone(&parser);
            let closed = Arc::clone(&closed);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(_) if stop.load(Ordering::SeqCst) => break,
                        Ok(n) => parser.lock().unwrap().process(&buf[..n]),
                    }
                }
                closed.store(true, Ordering::SeqCst);
            });
        }
        let writer = pair.master.take_writer().expect("PTY writer");
        let tty = pair.master.tty_name().expect("the PTY's device name");
        let name = args
            .iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        Term {
            name,
            parser,
            closed,
            stop,
            tty,
            master: Some(pair.master),
            writer: Some(writer),
            child,
            status: None,
        }
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Types `keys` as a terminal would send them (Enter is "\r").
    pub fn send(&mut self, keys: &str) {
        let Some(writer) = self.writer.as_mut() else {
            self.fail(&format!("could not type {keys:?}: the terminal was closed"));
        };
        let typed = writer
            .write_all(keys.as_bytes())
            .and_then(|()| writer.flush());
        typed.unwrap_or_else(|e| self.fail(&format!("could not type {keys:?}: {e}")));
    }

    /// Closes the terminal under the running app, as closing its window
    /// does: every descriptor of the master side is closed, so the kernel
    /// hangs the terminal up and sends SIGHUP. The reader thread holds one:
    /// it is told to stop and woken by a byte written to the slave side.
    pub fn hang_up(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        std::fs::OpenOptions::new()
            .write(true)
            .open(&self.tty)
            .and_then(|mut slave| slave.write_all(b" "))
            .unwrap_or_else(|e| self.fail(&format!("could not wake the reader: {e}")));
        let start = Instant::now();
        while !self.closed.load(Ordering::SeqCst) {
            if start.elapsed() > TIMEOUT {
                self.fail("the reader thread did not stop");
            }
            std::thread::sleep(POLL);
        }
        // portable-pty's writer types Enter and the EOF character when
        // dropped; a closed window types nothing, so EOF is unset first.
        self.stty(&["eof", "undef"]);
        self.writer = None;
        self.master = None;
    }

    /// The terminal's line settings (`stty -a`) as words: `echo` or
    /// `-echo`, `icanon` or `-icanon`…
    pub fn line_settings(&self) -> Vec<String> {
        self.stty(&["-a"])
            .split([' ', ';', '\n'])
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Waits until `text` is on the screen; returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on screen"), |s| s.contains(text))
    }

    /// Waits until `text` is no longer on the screen; returns the screen.
    pub fn wait_gone(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} gone from the screen"), |s| {
            !s.contains(text)
        })
    }

    /// Waits until `ok(screen)` holds; on timeout, fails showing the screen.
    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            // Read "closed" before the screen: once closed, the screen is final.
            let closed = self.closed.load(Ordering::SeqCst);
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if closed {
                self.fail(&format!("the app ended before {what}"));
            }
            if start.elapsed() > TIMEOUT {
                self.fail(&format!("timed out after {TIMEOUT:?} waiting for {what}"));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits for the app to exit by itself.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    self.status = Some(status.clone());
                    return status;
                }
                Ok(None) if start.elapsed() > TIMEOUT => {
                    self.fail(&format!("the app did not exit within {TIMEOUT:?}"))
                }
                Ok(None) => std::thread::sleep(POLL),
                Err(e) => self.fail(&format!("waiting for the app: {e}")),
            }
        }
    }

    /// SIGKILL, as `kill -9` would: no handler, no clean-up in the app.
    /// (portable_pty's `Child::kill` sends SIGHUP first, so it is not used.)
    pub fn kill9(&mut self) -> ExitStatus {
        let pid = self.child.process_id().expect("child pid");
        let ok = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("run kill")
            .success();
        assert!(ok, "kill -KILL {pid} failed");
        self.wait_exit()
    }

    /// Sends `signal` (`TERM`, `HUP`…) with `kill`, as a user or the system
    /// would, and waits for the app to exit.
    pub fn kill_with(&mut self, signal: &str) -> ExitStatus {
        let pid = self.child.process_id().expect("child pid");
        let ok = std::process::Command::new("kill")
            .args([format!("-{signal}"), pid.to_string()])
            .status()
            .expect("run kill")
            .success();
        assert!(ok, "kill -{signal} {pid} failed");
        self.wait_exit()
    }

    /// The terminal's modes once everything the app wrote is read:
    /// (alternate screen, cursor hidden, bracketed paste).
    pub fn final_modes(&self) -> (bool, bool, bool) {
        let start = Instant::now();
        while !self.closed.load(Ordering::SeqCst) {
            if start.elapsed() > TIMEOUT {
                self.fail("the terminal stayed open after the app exited");
            }
            std::thread::sleep(POLL);
        }
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        (
            screen.alternate_screen(),
            screen.hide_cursor(),
            screen.bracketed_paste(),
        )
    }

    /// Waits until the app catches SIGWINCH. crossterm installs its handler
    /// on the first event read, after the first frame is drawn: a resize
    /// before that is lost (see the report), so tests that resize wait here.
    pub fn wait_resize_ready(&self) {
        #[cfg(target_os = "linux")]
        {
            // Linux numbering; MIPS differs.
            const SIGWINCH: u32 = if cfg!(any(target_arch = "mips", target_arch = "mips64")) {
                20
            } else {
                28
            };
            let pid = self.child.process_id().expect("child pid");
            let start = Instant::now();
            loop {
                let status =
                    std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
                let caught = status
                    .lines()
                    .find_map(|l| l.strip_prefix("SigCgt:"))
                    .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
                    .is_some_and(|mask| mask & (1 << (SIGWINCH - 1)) != 0);
                if caught {
                    return;
                }
                if start.elapsed() > TIMEOUT {
                    self.fail("the app never installed its SIGWINCH handler");
                }
                std::thread::sleep(POLL);
            }
        }
    }

    /// Resizes the terminal: the emulated screen first, then the PTY (the
    /// kernel sends SIGWINCH), so the redraw lands on a screen of the new size.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(nz(rows), nz(cols));
        let Some(master) = self.master.as_ref() else {
            self.fail("resize after the terminal was closed");
        };
        master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap_or_else(|e| self.fail(&format!("resize to {cols}x{rows}: {e}")));
    }

    /// `stty -F <tty> args`: its output.
    fn stty(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("stty")
            .arg("-F")
            .arg(&self.tty)
            .args(args)
            .output()
            .unwrap_or_else(|e| self.fail(&format!("stty (coreutils) could not run: {e}")));
        if !out.status.success() {
            self.fail(&format!(
                "stty -F {} {args:?}: {}",
                self.tty.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn fail(&self, why: &str) -> ! {
        panic!(
            "[{}] {why}\n--- screen ---\n{}\n--------------",
            self.name,
            self.screen()
        )
    }
}

impl Drop for Term {
    /// A failed test must not leave the app running.
    fn drop(&mut self) {
        if self.status.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
