//! `gongshi import`: turn a report written in Word, WPS, PDF or plain text
//! into a gongshi report.
pub mod figures;
pub mod layout;
pub mod read;
