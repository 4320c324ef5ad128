//! Letters and minutes rendered from the core's one document model
//! (`jury_core::document`, with its French typography): three renderers that never touch the
//! network or the clock: [`pdf`] (A4, embedded Jury Sans, justified),
//! [`odt`] (OpenDocument text a secretary can edit) and [`eml`] (an RFC 5322
//! message with the PDF attached, to send later). Every renderer is
//! deterministic: the same input gives the same bytes.

pub mod eml;
mod error;
mod french;
pub mod ics;
mod layout;
pub mod odt;
pub mod pdf;

pub use error::{Conformance, FontError, MailField, Party, RenderError};
