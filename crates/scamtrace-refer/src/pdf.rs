//! `summary.pdf`: lays a [`crate::Summary`] out as an A4 document (being written).
