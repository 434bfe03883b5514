//! A strict, small XML reader for gateway envelopes: the text of every leaf element by path.
//!
//! Hostile input is expected: a `DOCTYPE` (and so any custom entity, the "billion laughs"
//! family) is refused outright, only the five predefined entities and character references
//! are resolved, depth and size are bounded, and malformed markup is an error, never a panic.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use crate::error::{Error, ErrorCode, Result};

/// Deepest nesting accepted.
const MAX_DEPTH: usize = 32;

/// A leaf element: the local names from the root down, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Leaf {
    pub(crate) path: Vec<String>,
    pub(crate) text: String,
}

impl Leaf {
    /// Whether the path ends with `suffix` (local names, `/`-separated).
    pub(crate) fn ends_with(&self, suffix: &str) -> bool {
        let parts: Vec<&str> = suffix.split('/').collect();
        self.path.len() >= parts.len()
            && self.path[self.path.len() - parts.len()..]
                .iter()
                .zip(&parts)
                .all(|(a, b)| a == b)
    }
}

fn malformed(field: &'static str, why: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::FieldInvalid,
        format!("{field} is not acceptable XML: {why}"),
    )
    .with_field(field)
}

/// Reads every leaf element of `xml`. `field` names the input in errors.
pub(crate) fn leaves(xml: &str, field: &'static str) -> Result<Vec<Leaf>> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<(String, String, bool)> = Vec::new(); // (name, text, has_children)
    let mut out = Vec::new();
    let mut seen_root = false;
    loop {
        let event = reader.read_event().map_err(|e| malformed(field, e))?;
        match event {
            Event::Start(e) => {
                if stack.is_empty() && seen_root {
                    return Err(malformed(field, "more than one root element"));
                }
                seen_root = true;
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(field, "nested too deeply"));
                }
                if let Some(top) = stack.last_mut() {
                    top.2 = true;
                }
                let name = e.local_name().as_ref().to_string();
                stack.push((name, String::new(), false));
            }
            Event::Empty(e) => {
                if stack.is_empty() {
                    if seen_root {
                        return Err(malformed(field, "more than one root element"));
                    }
                    seen_root = true;
                }
                if let Some(top) = stack.last_mut() {
                    top.2 = true;
                }
                let mut path: Vec<String> = stack.iter().map(|(n, _, _)| n.clone()).collect();
                path.push(e.local_name().as_ref().to_string());
                out.push(Leaf {
                    path,
                    text: String::new(),
                });
            }
            Event::End(_) => {
                let path: Vec<String> = stack.iter().map(|(n, _, _)| n.clone()).collect();
                let Some((_, text, has_children)) = stack.pop() else {
                    return Err(malformed(field, "unbalanced end tag"));
                };
                if !has_children {
                    out.push(Leaf { path, text });
                }
            }
            Event::Text(t) => {
                let text = t.xml_content(XmlVersion::Implicit1_0);
                match stack.last_mut() {
                    Some(top) => top.1.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err(malformed(field, "text outside the root element")),
                }
            }
            Event::CData(c) => {
                let text = c.xml_content(XmlVersion::Implicit1_0);
                if let Some(top) = stack.last_mut() {
                    top.1.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = r.into_inner();
                        resolve_predefined_entity(&name)
                            .ok_or_else(|| {
                                malformed(field, format_args!("unknown entity &{name};"))
                            })?
                            .to_string()
                    }
                    Err(e) => return Err(malformed(field, e)),
                };
                if let Some(top) = stack.last_mut() {
                    top.1.push_str(&resolved);
                }
            }
            Event::DocType(_) => return Err(malformed(field, "a DOCTYPE is not allowed")),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(malformed(field, "unclosed element"));
    }
    if !seen_root {
        return Err(malformed(field, "no root element"));
    }
    Ok(out)
}

/// The value of attribute `name` on the root element (entities resolved).
pub(crate) fn root_attribute(xml: &str, name: &str, field: &'static str) -> Result<Option<String>> {
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event().map_err(|e| malformed(field, e))? {
            Event::Start(e) | Event::Empty(e) => {
                for attribute in e.attributes() {
                    let attribute = attribute.map_err(|e| malformed(field, e))?;
                    if attribute.key.local_name().as_ref() == name {
                        let value = attribute
                            .normalized_value(XmlVersion::Implicit1_0)
                            .map_err(|e| malformed(field, e))?;
                        return Ok(Some(value.into_owned()));
                    }
                }
                return Ok(None);
            }
            Event::DocType(_) => return Err(malformed(field, "a DOCTYPE is not allowed")),
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
}

/// Escapes `&`, `<` and `>` for XML text content.
pub(crate) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_leaves_with_entities() {
        let l = leaves(
            "<a><b x='1'>1 &amp; 2 &#65;</b><c/><d><![CDATA[<x>]]></d></a>",
            "t",
        )
        .unwrap();
        assert_eq!(
            l[0],
            Leaf {
                path: vec!["a".into(), "b".into()],
                text: "1 & 2 A".into()
            }
        );
        assert_eq!(l[1].path, ["a", "c"]);
        assert_eq!(l[2].text, "<x>");
    }

    #[test]
    fn refuses_hostile_and_broken_xml() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>"#;
        for bad in [
            bomb,
            "<a>&foo;</a>",
            "<a><b></a>",
            "<a>",
            "",
            "text",
            "<a/><b/>",
            &"<a>".repeat(40),
        ] {
            assert_eq!(
                leaves(bad, "t").unwrap_err().code(),
                ErrorCode::FieldInvalid,
                "{bad}"
            );
        }
    }
}
