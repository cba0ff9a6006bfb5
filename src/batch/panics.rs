//! A worker's panic as one line: [`catch`] runs a piece of work and turns a
//! panic inside it into its message and where it was raised, for the run
//! to report against the document (one line, as any bad document is
//! reported), instead of the default hook's message and "note: run with
//! `RUST_BACKTRACE=1`" on standard error. With `RUST_BACKTRACE` set the
//! backtrace is printed as well, for whoever debugs it.
//!
//! Owns the panic hook and nothing else: it knows no documents, reports or
//! runs. The hook is installed once per process, in front of the hook that
//! was there, and stays silent only on a thread inside [`catch`]; a panic
//! anywhere else (a test that expects one, another library's thread) goes
//! to the previous hook as before.

use std::backtrace::{Backtrace, BacktraceStatus};
use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, PanicHookInfo};
use std::sync::Once;

thread_local! {
    /// True while this thread runs inside [`catch`].
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// What the hook recorded of the last panic caught on this thread.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `work`; a panic inside it comes back as `Err` with its message and
/// location on one line ("index out of bounds ... (at src/x.rs:12:5)").
pub fn catch<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    install();
    let outer = CATCHING.replace(true);
    let result = std::panic::catch_unwind(AssertUnwindSafe(work));
    CATCHING.set(outer);
    result.map_err(|payload| {
        CAUGHT
            .take()
            .unwrap_or_else(|| one_line(payload_text(&*payload), None))
    })
}

fn install() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.get() {
                return previous(info);
            }
            let message = describe(info);
            // Captured only when RUST_BACKTRACE (or RUST_LIB_BACKTRACE) asks.
            let backtrace = Backtrace::capture();
            if backtrace.status() == BacktraceStatus::Captured {
                eprintln!("geomention: panic: {message}\n{backtrace}");
            }
            CAUGHT.set(Some(message));
        }));
    });
}

/// The panic's message and location, on one line.
fn describe(info: &PanicHookInfo) -> String {
    let location = info
        .location()
        .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
    one_line(payload_text(info.payload()), location)
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "a panic without a message"
    }
}

fn one_line(message: &str, location: Option<String>) -> String {
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    match location {
        Some(at) => format!("{message} (at {at})"),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_comes_back_as_its_message_and_location() {
        let caught = catch(|| -> u32 { panic!("bad\nthing {}", 7) }).unwrap_err();
        assert!(
            caught.starts_with("bad thing 7 (at src/batch/panics.rs:"),
            "{caught}"
        );
        assert_eq!(catch(|| 5), Ok(5));
        let v: Vec<u8> = Vec::new();
        let caught = catch(|| v[3]).unwrap_err();
        assert!(caught.contains("index out of bounds"), "{caught}");
    }

    #[test]
    fn nested_catches_keep_their_own_messages() {
        let outer = catch(|| {
            let inner = catch(|| panic!("inner"));
            assert!(inner.unwrap_err().starts_with("inner"));
            panic!("outer")
        });
        assert!(outer.unwrap_err().starts_with("outer"));
    }

    /// The child half of [`nothing_but_the_report_reaches_stderr`]: a
    /// panic caught as a run catches it.
    #[test]
    fn panicking_child() {
        if std::env::var_os("GEOMENTION_PANICS_CHILD").is_none() {
            return;
        }
        let caught = catch(|| panic!("caught in the child"));
        eprintln!("reported: {}", caught.unwrap_err());
    }

    /// Runs [`panicking_child`] in a process of its own, to see what the
    /// hook prints: nothing of its own without RUST_BACKTRACE, the
    /// backtrace with it.
    #[test]
    fn nothing_but_the_report_reaches_stderr() {
        let run = |backtrace: Option<&str>| {
            let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
            cmd.args(["--exact", "batch::panics::tests::panicking_child"])
                .args(["--nocapture", "--test-threads", "1"])
                .env("GEOMENTION_PANICS_CHILD", "1")
                .env_remove("RUST_LIB_BACKTRACE");
            match backtrace {
                Some(v) => cmd.env("RUST_BACKTRACE", v),
                None => cmd.env_remove("RUST_BACKTRACE"),
            };
            let out = cmd.output().unwrap();
            assert!(out.status.success());
            String::from_utf8_lossy(&out.stderr).into_owned()
        };
        let quiet = run(None);
        assert!(
            quiet.contains("reported: caught in the child (at src/batch/panics.rs:"),
            "{quiet}"
        );
        assert!(!quiet.contains("panicked at"), "{quiet}");
        assert!(!quiet.contains("RUST_BACKTRACE"), "{quiet}");
        let loud = run(Some("1"));
        assert!(
            loud.contains("geomention: panic: caught in the child"),
            "{loud}"
        );
        assert!(loud.lines().count() > 3, "no backtrace: {loud}");
    }
}
