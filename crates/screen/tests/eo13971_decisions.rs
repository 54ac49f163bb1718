//! The decision table of EO 13971 and its sibling orders, on the built-in
//! data: one test per row, each pinning the outcome, the orders' statuses,
//! the reason and the path.

use interdict_index::Snapshot;
use interdict_model::{Decision, Jurisdiction, OrderStatus, Outcome, Policy, WarningCode};
use interdict_screen::{Context, Screener};

fn snapshot() -> Snapshot {
    Snapshot::build(interdict_lists::native::builtin().expect("built-in data loads")).expect("built-in data indexes")
}

fn screen(app: &str, date: &str, jurisdiction: &str, policy: Policy) -> Decision {
    let snap = snapshot();
    let ctx = Context {
        as_of: date.parse().unwrap(),
        jurisdictions: vec![jurisdiction.parse::<Jurisdiction>().unwrap()],
        policy,
    };
    Screener::new(&snap).screen_app(app, &ctx).unwrap()
}

fn finding<'a>(d: &'a Decision, order: &str) -> &'a interdict_model::OrderFinding {
    d.orders
        .iter()
        .find(|f| f.id == order)
        .unwrap_or_else(|| panic!("no finding for {order} in {:#?}", d.orders))
}

fn path_ids(d: &Decision) -> Vec<&str> {
    d.path.iter().map(|s| s.entity_id.as_str()).collect()
}

#[test]
fn alipay_in_force_without_identification_is_review_by_default() {
    let d = screen("com.eg.android.AlipayGphone", "2021-03-01", "US", Policy::Default);
    assert_eq!(d.outcome, Outcome::Review);
    let f = finding(&d, "EO13971");
    assert_eq!(f.status, OrderStatus::InForce);
    assert_eq!(f.outcome, Outcome::Review);
    assert!(f.reason.contains("no identification was ever issued"), "{}", f.reason);
    assert_eq!(path_ids(&d)[0], "alipay");
    assert!(
        path_ids(&d).contains(&"ant_group"),
        "path must reach Ant Group: {}",
        d.path_text
    );
    assert!(d
        .warnings
        .iter()
        .any(|w| w.code == WarningCode::IdentificationNotIssued));
}

#[test]
fn alipay_in_force_without_identification_is_block_under_strict_policy() {
    let d = screen("com.eg.android.AlipayGphone", "2021-03-01", "US", Policy::Strict);
    assert_eq!(d.outcome, Outcome::Block);
    assert_eq!(finding(&d, "EO13971").outcome, Outcome::Block);
    assert!(path_ids(&d).contains(&"ant_group"), "{}", d.path_text);
}

#[test]
fn alipay_before_the_effective_date_is_allow_with_a_pending_warning() {
    let d = screen("com.eg.android.AlipayGphone", "2021-01-20", "US", Policy::Default);
    assert_eq!(d.outcome, Outcome::Allow);
    assert_eq!(finding(&d, "EO13971").status, OrderStatus::Pending);
    let w = d
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::Pending)
        .expect("pending warning");
    assert_eq!(w.order.as_deref(), Some("EO13971"));
    assert_eq!(w.date.unwrap().to_string(), "2021-02-19");
}

#[test]
fn alipay_after_revocation_is_allow_revoked_by_eo14034() {
    let d = screen("com.eg.android.AlipayGphone", "2021-07-01", "US", Policy::Strict);
    assert_eq!(d.outcome, Outcome::Allow);
    let f = finding(&d, "EO13971");
    assert_eq!(f.status, OrderStatus::Revoked);
    assert_eq!(f.reason, "revoked on 2021-06-09 by EO14034");
}

#[test]
fn alipay_without_us_nexus_is_allow() {
    let d = screen("com.eg.android.AlipayGphone", "2021-03-01", "GB", Policy::Strict);
    assert_eq!(d.outcome, Outcome::Allow);
    let f = finding(&d, "EO13971");
    assert_eq!(f.status, OrderStatus::InForce);
    assert!(f.reason.starts_with("no US nexus"), "{}", f.reason);
    assert!(d.warnings.iter().any(|w| w.code == WarningCode::NoNexus));
}

#[test]
fn wechat_in_september_2020_is_allow_because_eo13943_was_enjoined() {
    let d = screen("com.tencent.mm", "2020-09-25", "US", Policy::Strict);
    assert_eq!(d.outcome, Outcome::Allow);
    let f = finding(&d, "EO13943");
    assert_eq!(f.status, OrderStatus::Enjoined);
    assert!(f.reason.contains("U.S. WeChat Users Alliance v. Trump"), "{}", f.reason);
    assert!(
        f.injunctions.iter().any(|i| i.contains("N.D. Cal.")),
        "{:?}",
        f.injunctions
    );
    assert!(
        d.orders.iter().all(|f| f.id != "EO13971"),
        "EO 13971 was not yet signed"
    );
    let w = d
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::Enjoined)
        .expect("enjoined warning");
    assert_eq!(w.date.unwrap().to_string(), "2020-09-19");
}

#[test]
fn wechat_in_march_2021_is_review_through_wechat_pay_tenpay_and_tencent() {
    let d = screen("com.tencent.mm", "2021-03-01", "US", Policy::Default);
    assert_eq!(d.outcome, Outcome::Review);
    assert_eq!(finding(&d, "EO13971").status, OrderStatus::InForce);
    assert_eq!(finding(&d, "EO13943").status, OrderStatus::Enjoined);
    let ids = path_ids(&d);
    assert_eq!(&ids[..3], ["wechat", "wechat_pay", "tenpay"], "{}", d.path_text);
    assert!(ids.contains(&"tencent_holdings"), "{}", d.path_text);
}

#[test]
fn wps_office_under_strict_policy_is_block_through_beijing_kingsoft_office() {
    let d = screen("cn.wps.moffice_eng", "2021-03-01", "US", Policy::Strict);
    assert_eq!(d.outcome, Outcome::Block);
    let ids = path_ids(&d);
    assert_eq!(&ids[..2], ["wps_office", "kingsoft_office"], "{}", d.path_text);
    assert!(
        d.path[1].name.starts_with("Beijing Kingsoft Office Software"),
        "{}",
        d.path_text
    );
}

#[test]
fn whatsapp_is_allow_with_no_orders() {
    for date in ["2020-09-25", "2021-03-01", "2021-07-01"] {
        let d = screen("com.whatsapp", date, "US", Policy::Strict);
        assert_eq!(d.outcome, Outcome::Allow);
        assert!(d.orders.is_empty());
        assert!(d.matches.is_empty());
        assert!(d.warnings.iter().any(|w| w.code == WarningCode::NoMatch));
    }
}

#[test]
fn every_named_app_identifier_reaches_eo13971_on_a_date_in_force() {
    let snap = snapshot();
    let screener = Screener::new(&snap);
    let ctx = Context {
        as_of: "2021-03-01".parse().unwrap(),
        jurisdictions: vec!["US".parse().unwrap()],
        policy: Policy::Strict,
    };
    for app in [
        "com.eg.android.AlipayGphone",
        "com.intsig.camscanner",
        "com.tencent.mobileqq",
        "com.lenovo.anyshare.gps",
        "com.uc.vmate",
        "com.tencent.mm",
        "cn.wps.moffice_eng",
        "id333206289",
        "alipay.com",
    ] {
        let d = screener.screen_app(app, &ctx).unwrap();
        assert_eq!(d.outcome, Outcome::Block, "{app}: {:#?}", d.orders);
        assert!(
            d.path.len() >= 2,
            "{app}: the path names at least the app and its developer: {}",
            d.path_text
        );
    }
}

#[test]
fn vmate_reaches_alibaba_through_ucweb() {
    let d = screen("com.uc.vmate", "2021-03-01", "US", Policy::Default);
    let ids = path_ids(&d);
    assert_eq!(ids, ["vmate", "ucweb", "alibaba_group"], "{}", d.path_text);
    assert!(d.path_text.contains("←owns 100%— Alibaba Group"), "{}", d.path_text);
}

#[test]
fn a_subdomain_matches_its_listed_parent_domain() {
    let d = screen("https://render.alipay.com/p/x", "2021-03-01", "US", Policy::Strict);
    assert_eq!(d.matches[0].entity_id, "alipay");
    assert_eq!(d.matches[0].kind, interdict_model::MatchKind::ParentDomain);
    assert_eq!(d.outcome, Outcome::Block);
}

#[test]
fn decisions_name_the_snapshot_and_engine() {
    let d = screen("com.tencent.mm", "2021-03-01", "US", Policy::Default);
    assert_eq!(d.snapshot_id, snapshot().id());
    assert!(d.snapshot_id.starts_with("sha256:") && d.snapshot_id.len() == 7 + 64);
    assert_eq!(d.engine_version, env!("CARGO_PKG_VERSION"));
}
