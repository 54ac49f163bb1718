pub mod apps;
pub mod lists;
pub mod orders;
