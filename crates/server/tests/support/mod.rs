//! A JSON Schema check of the subset the OpenAPI description uses, so
//! that tests can hold real responses against the schemas served at
//! /openapi.json.

use serde_json::Value;

/// Where `value` breaks `schema` (with `$ref`s resolved in `spec`), each
/// as `path: what`; empty when it conforms.
pub fn violations(spec: &Value, schema: &Value, value: &Value) -> Vec<String> {
    violations_at(spec, schema, value, "$")
}

fn check(spec: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    match schema {
        Value::Bool(true) => return,
        Value::Bool(false) => return out.push(format!("{at}: nothing is allowed here")),
        Value::Object(_) => {}
        other => return out.push(format!("{at}: the schema is not a schema: {other}")),
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        match reference.strip_prefix("#/components/schemas/") {
            Some(name) if spec["components"]["schemas"].get(name).is_some() => {
                check(spec, &spec["components"]["schemas"][name], value, at, out)
            }
            _ => out.push(format!("{at}: unresolved reference {reference}")),
        }
    }
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        check(spec, part, value, at, out);
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let fitting = options
            .iter()
            .filter(|o| violations_at(spec, o, value, at).is_empty())
            .count();
        if fitting != 1 {
            out.push(format!(
                "{at}: {fitting} of {} oneOf options fit {value}",
                options.len()
            ));
        }
    }
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
        if !options.iter().any(|o| violations_at(spec, o, value, at).is_empty()) {
            out.push(format!("{at}: no anyOf option fits {value}"));
        }
    }
    if let Some(kind) = schema.get("type") {
        let kinds: Vec<&str> = match kind {
            Value::String(k) => vec![k.as_str()],
            Value::Array(ks) => ks.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !kinds.iter().any(|k| is_type(value, k)) {
            out.push(format!("{at}: expected {kinds:?}, found {value}"));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            out.push(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    if let (Some(pattern), Some(text)) = (schema.get("pattern").and_then(Value::as_str), value.as_str()) {
        // A pattern that does not compile is the description's fault: fail.
        let re = regex_automata::meta::Regex::new(pattern).unwrap_or_else(|e| panic!("{at}: pattern {pattern:?}: {e}"));
        if !re.is_match(text) {
            out.push(format!("{at}: {text:?} does not match {pattern:?}"));
        }
    }
    if let Some(text) = value.as_str() {
        let chars = text.chars().count() as u64;
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64).filter(|&m| chars < m) {
            out.push(format!("{at}: {text:?} is shorter than {min} characters"));
        }
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64).filter(|&m| chars > m) {
            out.push(format!("{at}: {chars} characters, more than {max}"));
        }
    }
    if let Some(items) = value.as_array() {
        if let Some(min) = schema
            .get("minItems")
            .and_then(Value::as_u64)
            .filter(|&m| (items.len() as u64) < m)
        {
            out.push(format!("{at}: {} items, fewer than {min}", items.len()));
        }
    }
    if schema.get("format").and_then(Value::as_str) == Some("date") {
        if let Some(text) = value.as_str() {
            let b = text.as_bytes();
            let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
            if !(b.len() == 10 && b[4] == b'-' && b[7] == b'-' && digits(0..4) && digits(5..7) && digits(8..10)) {
                out.push(format!("{at}: {text:?} is not a date"));
            }
        }
    }
    if let Some(fields) = value.as_object() {
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !fields.contains_key(name) {
                out.push(format!("{at}: required field `{name}` is missing"));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, field) in fields {
            match properties.and_then(|p| p.get(name)) {
                Some(s) => check(spec, s, field, &format!("{at}.{name}"), out),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    out.push(format!("{at}: unknown field `{name}`"))
                }
                None => {}
            }
        }
    }
    if let Some(items) = value.as_array() {
        let prefix = schema
            .get("prefixItems")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        for (i, item) in items.iter().enumerate() {
            let at = format!("{at}[{i}]");
            match prefix.get(i) {
                Some(s) => check(spec, s, item, &at, out),
                None => {
                    if let Some(s) = schema.get("items") {
                        check(spec, s, item, &at, out);
                    }
                }
            }
        }
    }
}

fn violations_at(spec: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut out = Vec::new();
    check(spec, schema, value, at, &mut out);
    out
}

fn is_type(value: &Value, kind: &str) -> bool {
    match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}
