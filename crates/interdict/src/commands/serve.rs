//! `interdict serve`: the HTTP API and web UI (crate interdict-server).

use anyhow::Context as _;

use crate::args::{AuditDurability, Cli, Finished, Serve};

/// A token from the environment: unset or empty means none.
fn token(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

pub fn run(cli: &Cli, args: &Serve) -> anyhow::Result<Finished> {
    let mut config = interdict_server::Config::new(args.listen, cli.data_dir()?);
    config.orders = cli.orders.clone();
    config.admin_token = token("INTERDICT_ADMIN_TOKEN");
    config.screen_token = token("INTERDICT_SCREEN_TOKEN");
    config.max_body = args.max_body;
    config.body_timeout = std::time::Duration::from_secs_f64(args.body_timeout);
    config.header_timeout = std::time::Duration::from_secs_f64(args.header_timeout);
    config.max_batch = args.max_batch;
    config.max_in_flight = args.max_in_flight;
    config.audit_queue = args.audit_queue;
    config.audit_durability = match args.audit_durability {
        AuditDurability::Commit => interdict_store::Durability::Commit,
        AuditDurability::Checkpoint => interdict_store::Durability::Checkpoint,
    };
    config.cors_origins = args.cors_origins.clone();
    config.access_log = args.access_log;
    config.allowlist_refresh =
        (args.allowlist_refresh > 0.0).then(|| std::time::Duration::from_secs_f64(args.allowlist_refresh));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(interdict_server::serve(config))?;
    Ok(Finished::Ok)
}
