pub mod apps;
pub mod orders;
