//! Reading a struct from a JSON object only. serde's derived `Deserialize`
//! also reads a struct from an array of its field values in order, so
//! `["com.example.app"]` would pass for `{"app_id": "com.example.app"}` and
//! `[null, null]` for an empty payment party: input the documented shape
//! refuses. These read through a map, and name anything else as an error.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

/// A `T` that was written as an object (a TOML table, a JSON object).
#[derive(Clone, Debug, PartialEq)]
pub struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Object<T>, D::Error> {
        struct OnlyMaps<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for OnlyMaps<T> {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }

        d.deserialize_map(OnlyMaps(PhantomData)).map(Object)
    }
}

/// For `#[serde(deserialize_with)]` on a struct field.
pub fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Object::deserialize(d).map(|o| o.0)
}

/// For `#[serde(deserialize_with)]` on an optional struct field: an
/// object, or null.
pub fn optional<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Ok(Option::<Object<T>>::deserialize(d)?.map(|o| o.0))
}

/// For `#[serde(deserialize_with)]` on a list of structs: each an object.
pub fn each<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Vec::<Object<T>>::deserialize(d)?.into_iter().map(|o| o.0).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct App {
        app_id: String,
        #[serde(default, deserialize_with = "optional")]
        developer: Option<Developer>,
        #[serde(default, deserialize_with = "each")]
        owners: Vec<Developer>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Developer {
        name: String,
    }

    fn read(json: &str) -> Result<App, String> {
        serde_json::from_str::<Object<App>>(json)
            .map(|o| o.0)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_struct_written_as_an_array_of_its_fields_is_refused() {
        // What serde's derive alone takes:
        assert!(serde_json::from_str::<App>(r#"["x", null, []]"#).is_ok());
        let e = read(r#"["x", null, []]"#).unwrap_err();
        assert!(e.starts_with("invalid type: sequence, expected an object"), "{e}");
        let e = read(r#"{"app_id": "x", "developer": ["Ant"]}"#).unwrap_err();
        assert!(e.starts_with("invalid type: sequence, expected an object"), "{e}");
        let e = read(r#"{"app_id": "x", "owners": [["Ant"]]}"#).unwrap_err();
        assert!(e.starts_with("invalid type: sequence, expected an object"), "{e}");
    }

    #[test]
    fn objects_null_and_absent_fields_read_as_before() {
        let app = read(r#"{"app_id": "x", "developer": {"name": "Ant"}, "owners": [{"name": "Alibaba"}]}"#).unwrap();
        assert_eq!(
            app.developer,
            Some(Developer {
                name: "Ant".to_string()
            })
        );
        assert_eq!(
            app.owners,
            vec![Developer {
                name: "Alibaba".to_string()
            }]
        );
        assert_eq!(read(r#"{"app_id": "x", "developer": null}"#).unwrap().developer, None);
        assert_eq!(read(r#"{"app_id": "x"}"#).unwrap().owners, vec![]);
        let e = read(r#"{"app_id": "x", "developer": {"name": "Ant", "age": 3}}"#).unwrap_err();
        assert!(e.starts_with("unknown field `age`"), "{e}");
    }
}
