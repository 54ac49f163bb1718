pub mod apps;
pub mod audit;
pub mod bench;
pub mod lists;
pub mod orders;
pub mod party;
pub mod payments;
pub mod screen;
