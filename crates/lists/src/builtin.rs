//! The built-in data, compiled into every binary so that the main job runs
//! with no set-up: EO 13971 and its sibling orders, the apps they name, and
//! the companies that develop and control those apps, each fact with its
//! source. The files live in data/builtin/ at the top of the repository.

/// (name shown in errors, content), in load order.
pub const FILES: &[(&str, &str)] = &[
    (
        "builtin/sources.toml",
        include_str!("../../../data/builtin/sources.toml"),
    ),
    ("builtin/orders.toml", include_str!("../../../data/builtin/orders.toml")),
    ("builtin/apps.toml", include_str!("../../../data/builtin/apps.toml")),
    (
        "builtin/entities.toml",
        include_str!("../../../data/builtin/entities.toml"),
    ),
];
