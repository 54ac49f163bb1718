//! Reading an app id as inventories write it. The same string can be valid
//! as several identifier types (`com.tencent.mm` is both an Android package
//! and an iOS bundle id), so every reading is tried.

use interdict_model::{Identifier, IdentifierKind};

use crate::error::Error;

/// The identifiers `raw` can stand for, most specific first.
pub fn readings(raw: &str) -> Result<Vec<Identifier>, Error> {
    let raw = raw.trim();
    if let Some(from_url) = store_url(raw) {
        return Ok(vec![from_url]);
    }
    let mut out = Vec::new();
    let looks_like_url = raw.contains("://") || raw.contains('/');
    if !looks_like_url {
        for kind in [
            IdentifierKind::AppStore,
            IdentifierKind::AppAndroid,
            IdentifierKind::AppIos,
        ] {
            if let Ok(id) = Identifier::new(kind, raw) {
                out.push(id);
            }
        }
    }
    // A reverse-DNS package (`com.tencent.mm`) also parses as a domain; a
    // real domain is still worth trying, since apps are listed by domain.
    if let Ok(id) = Identifier::new(IdentifierKind::Domain, raw) {
        out.push(id);
    }
    if out.is_empty() {
        Err(Error::invalid_app_id(raw))
    } else {
        Ok(out)
    }
}

/// Google Play (`...details?id=PACKAGE`) and Apple App Store (`.../id123`)
/// links name the app exactly.
fn store_url(raw: &str) -> Option<Identifier> {
    let lower = raw.to_ascii_lowercase();
    if lower.contains("play.google.com/") {
        let query = raw.split_once('?')?.1;
        let package = query.split('&').find_map(|kv| kv.strip_prefix("id="))?;
        return Identifier::new(IdentifierKind::AppAndroid, package).ok();
    }
    if lower.contains("apps.apple.com/") || lower.contains("itunes.apple.com/") {
        let path = raw.split(['?', '#']).next()?;
        let last = path.trim_end_matches('/').rsplit('/').next()?;
        return Identifier::new(IdentifierKind::AppStore, last).ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(raw: &str) -> Vec<String> {
        readings(raw)
            .unwrap()
            .iter()
            .map(|i| format!("{}={}", i.kind(), i.value()))
            .collect()
    }

    #[test]
    fn a_package_name_is_tried_as_android_ios_and_domain() {
        assert_eq!(
            kinds("com.tencent.mm"),
            [
                "app.android=com.tencent.mm",
                "app.ios=com.tencent.mm",
                "domain=com.tencent.mm"
            ]
        );
    }

    #[test]
    fn store_ids_and_store_links_are_recognised() {
        assert_eq!(kinds("id333206289"), ["app.store=333206289"]);
        assert_eq!(
            kinds("https://apps.apple.com/cn/app/id414478124?l=en"),
            ["app.store=414478124"]
        );
        assert_eq!(
            kinds("https://play.google.com/store/apps/details?id=cn.wps.moffice_eng&hl=en"),
            ["app.android=cn.wps.moffice_eng"]
        );
    }

    #[test]
    fn a_url_is_read_as_its_domain() {
        assert_eq!(kinds("https://Global.Alipay.com/docs"), ["domain=global.alipay.com"]);
    }

    #[test]
    fn free_text_is_not_an_app_id() {
        let err = readings("Alipay wallet").unwrap_err();
        assert!(err.to_string().starts_with("`Alipay wallet` is not an app id"), "{err}");
    }
}
