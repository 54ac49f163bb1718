//! Payment messages: ISO 20022 pacs.008 (FI to FI customer credit
//! transfer) XML and SWIFT MT103 text, read into [`Payment`]s.
//!
//! Every party, agent, intermediary, account and remittance field is
//! extracted, and each [`Payment`] records in `paths` where in the message
//! each of its fields came from (`CdtTrfTxInf[1]/Cdtr`, `MT103[2]:59`), so
//! that a decision can name it. A message that cannot be read is an error
//! naming the file, the line and the element or tag.
//!
//! pacs.008: one payment per `CdtTrfTxInf`. `EndToEndId` (else `TxId`) is
//! the id, `IntrBkSttlmDt` (else the group header's `CreDtTm`) the date;
//! `Dbtr`, `DbtrAgt`, `IntrmyAgt1..3`, `CdtrAgt`, `Cdtr`, `UltmtDbtr`,
//! `UltmtCdtr` are the parties; `DbtrAcct` and `CdtrAcct` IBANs become
//! identifiers; `RmtInf/Ustrd` is the remittance.
//!
//! MT103: messages follow each other in the file, each with its block 4.
//! `:20:` is the id, `:32A:` the date, currency and amount; `:50a:` the
//! ordering customer, `:52a:` its institution, `:56a:` the intermediary,
//! `:57a:` the beneficiary's institution, `:59a:` the beneficiary, `:70:` the
//! remittance and `:72:` the sender's notes (screened with it).

use std::collections::BTreeMap;
use std::path::Path;

use interdict_model::{Date, Identifier, IdentifierKind, Payment, PaymentParty};
use quick_xml::events::Event;
use quick_xml::Reader;

use crate::error::{Error, ErrorKind};

/// Payment message formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageFormat {
    Pacs008,
    Mt103,
}

/// Which message format `bytes` hold, if either: XML naming a pacs.008
/// document, or SWIFT blocks with an MT103 block 2.
pub fn detect(bytes: &[u8]) -> Option<MessageFormat> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') && (head.contains("pacs.008") || head.contains("FIToFICstmrCdtTrf")) {
        return Some(MessageFormat::Pacs008);
    }
    if trimmed.starts_with("{1:") && head.contains("{2:") && (head.contains("{2:I103") || head.contains("{2:O103")) {
        return Some(MessageFormat::Mt103);
    }
    None
}

/// Reads every payment of a message file.
pub fn read(path: &Path, bytes: &[u8], format: MessageFormat) -> Result<Vec<Payment>, Error> {
    let text =
        std::str::from_utf8(bytes).map_err(|e| Error::new(ErrorKind::Syntax(format!("not UTF-8: {e}"))).at(path))?;
    match format {
        MessageFormat::Pacs008 => read_pacs008(text).map_err(|e| e.at(path)),
        MessageFormat::Mt103 => read_mt103(text).map_err(|e| e.at(path)),
    }
}

fn line_of(text: &str, pos: usize) -> u64 {
    text.as_bytes()[..pos.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

/// An element of the message: its name, text and children, and the line
/// it starts on.
#[derive(Debug, Default)]
struct Node {
    name: String,
    line: u64,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, p| n.child(p))
    }

    fn text_at(&self, path: &[&str]) -> Option<String> {
        self.at(path)
            .map(|n| n.text.trim().to_string())
            .filter(|t| !t.is_empty())
    }
}

fn parse_xml(text: &str) -> Result<Node, Error> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            Error::new(ErrorKind::Syntax(format!("XML: {e}"))).line(line_of(text, reader.buffer_position() as usize))
        })?;
        match event {
            Event::Start(e) => {
                let line = line_of(text, pos);
                let attrs = crate::xml::attributes(&e).map_err(|m| Error::new(ErrorKind::Syntax(m)).line(line))?;
                stack.push(Node {
                    name: e.local_name().as_ref().to_string(),
                    line,
                    attrs,
                    ..Node::default()
                });
            }
            Event::Empty(e) => {
                let node = Node {
                    name: e.local_name().as_ref().to_string(),
                    line: line_of(text, pos),
                    ..Node::default()
                };
                stack.last_mut().expect("the root").children.push(node);
            }
            Event::Text(t) => {
                stack.last_mut().expect("the root").text.push_str(&t);
            }
            Event::CData(t) => {
                stack.last_mut().expect("the root").text.push_str(&t.into_inner());
            }
            Event::GeneralRef(r) => {
                let resolved = crate::xml::resolve_ref(&r);
                let c = resolved.ok_or_else(|| {
                    Error::new(ErrorKind::Syntax(format!("XML: unknown entity `&{};`", &*r))).line(line_of(text, pos))
                })?;
                stack.last_mut().expect("the root").text.push(c);
            }
            Event::End(_) => {
                let node = stack.pop().expect("an open element");
                if stack.is_empty() {
                    return Err(Error::new(ErrorKind::Syntax("unbalanced XML".to_string())).line(line_of(text, pos)));
                }
                stack.last_mut().expect("the root").children.push(node);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(Error::new(ErrorKind::Syntax(format!(
            "the document ends inside <{}>",
            stack.last().map(|n| n.name.as_str()).unwrap_or("?")
        )))
        .line(line_of(text, text.len())));
    }
    Ok(stack.pop().expect("the root"))
}

fn invalid(node: &Node, field: &str, message: String) -> Error {
    Error::new(ErrorKind::Invalid(message)).line(node.line).field(field)
}

/// A party (`Dbtr`, `Cdtr`, `UltmtDbtr`...) or an agent (`DbtrAgt`...).
fn pacs_party(node: &Node) -> PaymentParty {
    let (name, address_node, bic, other_id) = match node.child("FinInstnId") {
        Some(fi) => (
            fi.text_at(&["Nm"]),
            fi.child("PstlAdr"),
            fi.text_at(&["BICFI"]).or_else(|| fi.text_at(&["BIC"])),
            fi.text_at(&["LEI"]),
        ),
        None => (
            node.text_at(&["Nm"]),
            node.child("PstlAdr"),
            node.text_at(&["Id", "OrgId", "AnyBIC"]),
            node.text_at(&["Id", "OrgId", "LEI"]),
        ),
    };
    let mut identifiers = Vec::new();
    if let Some(lei) = other_id.and_then(|v| Identifier::new(IdentifierKind::Lei, &v).ok()) {
        identifiers.push(lei);
    }
    let (country, address) = match address_node {
        Some(a) => {
            let mut parts: Vec<String> = a
                .children
                .iter()
                .filter(|c| c.name != "Ctry")
                .map(|c| c.text.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            parts.dedup();
            (a.text_at(&["Ctry"]), (!parts.is_empty()).then(|| parts.join(", ")))
        }
        None => (None, None),
    };
    PaymentParty {
        name,
        kind: None,
        country,
        birth_date: node.text_at(&["Id", "PrvtId", "DtAndPlcOfBirth", "BirthDt"]),
        bic,
        identifiers,
        address,
    }
}

fn read_pacs008(text: &str) -> Result<Vec<Payment>, Error> {
    let root = parse_xml(text)?;
    let document = root
        .children
        .first()
        .ok_or_else(|| Error::new(ErrorKind::Syntax("an empty document".to_string())))?;
    let transfer = document.child("FIToFICstmrCdtTrf").ok_or_else(|| {
        Error::new(ErrorKind::Invalid(format!(
            "not a pacs.008 message: <{}> holds no <FIToFICstmrCdtTrf>",
            document.name
        )))
        .line(document.line)
        .field("FIToFICstmrCdtTrf")
    })?;
    let created = transfer.text_at(&["GrpHdr", "CreDtTm"]);
    let mut payments = Vec::new();
    for (i, tx) in transfer.children.iter().filter(|c| c.name == "CdtTrfTxInf").enumerate() {
        let base = format!("CdtTrfTxInf[{i}]");
        let id = tx
            .text_at(&["PmtId", "EndToEndId"])
            .filter(|v| v != "NOTPROVIDED")
            .or_else(|| tx.text_at(&["PmtId", "TxId"]))
            .ok_or_else(|| invalid(tx, "PmtId/EndToEndId", format!("{base} has no EndToEndId or TxId")))?;
        let raw_date = tx
            .text_at(&["IntrBkSttlmDt"])
            .or_else(|| created.as_deref().map(|c| c.chars().take(10).collect()))
            .ok_or_else(|| invalid(tx, "IntrBkSttlmDt", format!("{base} has no settlement date")))?;
        let date: Date = raw_date
            .parse()
            .map_err(|e| invalid(tx, "IntrBkSttlmDt", format!("{base}: {e}")))?;
        let amount = tx.at(&["IntrBkSttlmAmt"]);
        let mut paths = BTreeMap::new();
        let mut party = |field: &str, element: &str| -> Option<PaymentParty> {
            let node = tx.child(element)?;
            paths.insert(field.to_string(), format!("{base}/{element}"));
            Some(pacs_party(node))
        };
        let mut originator = party("originator", "Dbtr");
        let originator_agent = party("originator_agent", "DbtrAgt");
        let mut beneficiary = party("beneficiary", "Cdtr");
        let beneficiary_agent = party("beneficiary_agent", "CdtrAgt");
        let ultimate_originator = party("ultimate_originator", "UltmtDbtr");
        let ultimate_beneficiary = party("ultimate_beneficiary", "UltmtCdtr");
        let mut intermediaries = Vec::new();
        for element in ["IntrmyAgt1", "IntrmyAgt2", "IntrmyAgt3"] {
            if let Some(node) = tx.child(element) {
                paths.insert(
                    format!("intermediaries[{}]", intermediaries.len()),
                    format!("{base}/{element}"),
                );
                intermediaries.push(pacs_party(node));
            }
        }
        for (account, holder) in [("DbtrAcct", &mut originator), ("CdtrAcct", &mut beneficiary)] {
            if let (Some(iban), Some(holder)) = (tx.text_at(&[account, "Id", "IBAN"]), holder.as_mut()) {
                let identifier = Identifier::new(IdentifierKind::Iban, &iban)
                    .map_err(|e| invalid(tx, &format!("{account}/Id/IBAN"), format!("{base}: {e}")))?;
                holder.identifiers.push(identifier);
            }
        }
        let remittance: Vec<String> = tx
            .child("RmtInf")
            .map(|r| {
                r.children
                    .iter()
                    .filter(|c| c.name == "Ustrd")
                    .map(|c| c.text.trim().to_string())
                    .collect()
            })
            .unwrap_or_default();
        if !remittance.is_empty() {
            paths.insert("remittance".to_string(), format!("{base}/RmtInf/Ustrd"));
        }
        payments.push(Payment {
            id,
            date,
            amount: amount.map(|a| a.text.trim().to_string()),
            currency: amount.and_then(|a| a.attrs.iter().find(|(k, _)| k == "Ccy").map(|(_, v)| v.clone())),
            jurisdiction: Vec::new(),
            originator,
            originator_agent,
            beneficiary,
            beneficiary_agent,
            intermediaries,
            ultimate_originator,
            ultimate_beneficiary,
            apps: Vec::new(),
            remittance: (!remittance.is_empty()).then(|| remittance.join(" ")),
            paths,
        });
    }
    if payments.is_empty() {
        return Err(invalid(
            transfer,
            "CdtTrfTxInf",
            "the message holds no CdtTrfTxInf".to_string(),
        ));
    }
    Ok(payments)
}

/// The fields of one MT103's block 4, in order: tag, value lines, and the
/// line of the tag.
fn mt_fields(block: &str, first_line: u64) -> Vec<(String, Vec<String>, u64)> {
    let mut fields: Vec<(String, Vec<String>, u64)> = Vec::new();
    for (i, raw) in block.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let at = first_line + i as u64;
        if let Some(rest) = line.strip_prefix(':') {
            if let Some((tag, value)) = rest.split_once(':') {
                if (2..=3).contains(&tag.len()) && tag.chars().take(2).all(|c| c.is_ascii_digit()) {
                    fields.push((tag.to_string(), vec![value.to_string()], at));
                    continue;
                }
            }
        }
        if line == "-" || line.starts_with("-}") {
            continue;
        }
        if let Some(last) = fields.last_mut() {
            last.1.push(line.to_string());
        }
    }
    fields
}

/// A party from `:50a:`, `:59a:` or an agent's `:5xa:` lines: an account
/// line (`/...`), then a BIC (option A) or the name and address (option
/// K, D, or F with numbered lines).
fn mt_party(tag: &str, lines: &[String]) -> PaymentParty {
    let mut party = PaymentParty::default();
    let mut rest: Vec<&str> = lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect();
    if let Some(account) = rest.first().and_then(|l| l.strip_prefix('/')) {
        if let Ok(iban) = Identifier::new(IdentifierKind::Iban, account.trim_start_matches('/')) {
            party.identifiers.push(iban);
        }
        rest.remove(0);
    }
    if tag.ends_with('A') {
        party.bic = rest.first().map(|s| s.to_string());
        return party;
    }
    if tag.ends_with('F') {
        let mut address = Vec::new();
        for l in rest {
            match l.split_once('/') {
                Some(("1", name)) => party.name = Some(name.to_string()),
                Some(("2", a)) => address.push(a.to_string()),
                Some(("3", a)) => {
                    party.country = a.get(..2).map(str::to_string);
                    address.push(a.to_string());
                }
                _ => address.push(l.to_string()),
            }
        }
        party.address = (!address.is_empty()).then(|| address.join(", "));
        return party;
    }
    party.name = rest.first().map(|s| s.to_string());
    if rest.len() > 1 {
        party.address = Some(rest[1..].join(", "));
    }
    party
}

fn read_mt103(text: &str) -> Result<Vec<Payment>, Error> {
    let mut payments = Vec::new();
    let mut search = 0;
    let mut index = 0;
    while let Some(start) = text[search..].find("{4:") {
        let start = search + start;
        let body_start = start + 3;
        let end = text[body_start..]
            .find("\n-}")
            .or_else(|| text[body_start..].find("-}"))
            .map(|e| body_start + e)
            .ok_or_else(|| {
                Error::new(ErrorKind::Syntax(format!(
                    "MT103[{index}]: block 4 is not closed by `-}}`"
                )))
                .line(line_of(text, start))
            })?;
        let header = &text[text[..start].rfind("{1:").unwrap_or(0)..start];
        if !header.contains("103") {
            return Err(
                Error::new(ErrorKind::Invalid(format!("message {index} is not an MT103")))
                    .line(line_of(text, start))
                    .field("{2:}"),
            );
        }
        let first_line = line_of(text, body_start);
        let fields = mt_fields(&text[body_start..end], first_line);
        let base = format!("MT103[{index}]");
        let get = |tag: &str| fields.iter().find(|f| f.0 == tag);
        let id = get("20")
            .map(|f| f.1[0].trim().to_string())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                Error::new(ErrorKind::Invalid(format!("{base} has no :20: reference")))
                    .line(first_line)
                    .field(":20:")
            })?;
        let (tag32, value32, line32) = get("32A")
            .map(|f| (f.0.clone(), f.1[0].trim().to_string(), f.2))
            .ok_or_else(|| {
                Error::new(ErrorKind::Invalid(format!("{base} has no :32A: date and amount")))
                    .line(first_line)
                    .field(":32A:")
            })?;
        let bad32 = |why: &str| {
            Error::new(ErrorKind::Invalid(format!("{base}: :{tag32}: `{value32}`: {why}")))
                .line(line32)
                .field(":32A:")
        };
        // Date and currency are ASCII; checking that first keeps every
        // slice below on a character boundary.
        if value32.len() < 10 || !value32.as_bytes()[..9].iter().all(u8::is_ascii_alphanumeric) {
            return Err(bad32("expected YYMMDD, a currency and an amount"));
        }
        let (yymmdd, rest) = value32.split_at(6);
        let date: Date = format!("20{}-{}-{}", &yymmdd[..2], &yymmdd[2..4], &yymmdd[4..])
            .parse()
            .map_err(|_| bad32("the date is not a calendar date (YYMMDD)"))?;
        let (currency, amount) = rest.split_at(3);
        if !currency.chars().all(|c| c.is_ascii_uppercase()) || amount.is_empty() {
            return Err(bad32("expected a currency code and an amount"));
        }

        let mut paths = BTreeMap::new();
        let mut party = |field: &str, prefix: &str| -> Option<PaymentParty> {
            let (tag, lines, _) = fields.iter().find(|f| f.0.starts_with(prefix))?;
            paths.insert(field.to_string(), format!("{base}:{tag}"));
            Some(mt_party(tag, lines))
        };
        let originator = party("originator", "50");
        let originator_agent = party("originator_agent", "52");
        let intermediary = party("intermediaries[0]", "56");
        let beneficiary_agent = party("beneficiary_agent", "57");
        let beneficiary = party("beneficiary", "59");
        let mut remittance = Vec::new();
        for tag in ["70", "72"] {
            if let Some(f) = get(tag) {
                remittance.push(f.1.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" "));
            }
        }
        if !remittance.is_empty() {
            paths.insert("remittance".to_string(), format!("{base}:70"));
        }
        payments.push(Payment {
            id,
            date,
            amount: Some(amount.replace(',', ".")),
            currency: Some(currency.to_string()),
            jurisdiction: Vec::new(),
            originator,
            originator_agent,
            beneficiary,
            beneficiary_agent,
            intermediaries: intermediary.into_iter().collect(),
            ultimate_originator: None,
            ultimate_beneficiary: None,
            apps: Vec::new(),
            remittance: (!remittance.is_empty()).then(|| remittance.join(" ")),
            paths,
        });
        index += 1;
        search = end + 2;
    }
    if payments.is_empty() {
        return Err(Error::new(ErrorKind::Syntax("no MT103 block 4 (`{4:`) found".to_string())).line(1));
    }
    Ok(payments)
}
