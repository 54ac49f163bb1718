//! Inputs to screening.

use serde::{Deserialize, Serialize};

/// An application to screen, as an inventory row gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppInput {
    /// Android package, iOS bundle id, App Store id, store link or domain.
    pub app_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer: Option<String>,
}
