//! The catalogue tests every crate runs on its own catalogue (through
//! [`catalogue_tests!`](crate::catalogue_tests)): both languages have the same ids with the same
//! arguments, every id is used, and no prose is written outside the catalogue.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use fluent_syntax::ast::{self, Entry, Expression, InlineExpression, PatternElement};
use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::{Catalogue, Lang};

/// Each message id with the names of the variables it uses (its own and its attributes').
pub fn messages(source: &str) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
    let resource = fluent_syntax::parser::parse(source).map_err(|(_, errors)| format!("{errors:?}"))?;
    let mut found = BTreeMap::new();
    for entry in resource.body {
        if let Entry::Message(message) = entry {
            let mut vars = BTreeSet::new();
            message.value.iter().for_each(|p| pattern_vars(p, &mut vars));
            message.attributes.iter().for_each(|a| pattern_vars(&a.value, &mut vars));
            found.insert(message.id.name.to_string(), vars);
        }
    }
    Ok(found)
}

/// Ids a message refers to (`{ other-id }`): used through it.
fn references(source: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    for line in source.lines() {
        let mut rest = line;
        while let Some(start) = rest.find('{') {
            rest = &rest[start + 1..];
            let name = rest.trim_start().split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).next();
            if let Some(name) = name.filter(|n| !n.is_empty() && !n.starts_with('-')) {
                refs.insert(name.to_string());
            }
        }
    }
    refs
}

fn pattern_vars(pattern: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(expression: &Expression<&str>, vars: &mut BTreeSet<String>) {
    match expression {
        Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            variants.iter().for_each(|v| pattern_vars(&v.value, vars));
        }
        Expression::Inline(inline) => inline_vars(inline, vars),
    }
}

fn inline_vars(inline: &InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            arguments.positional.iter().for_each(|a| inline_vars(a, vars));
        }
        InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

/// Problems: an id in one language only, or with other arguments.
pub fn same_ids_and_arguments(catalogue: &Catalogue) -> Vec<String> {
    let parsed: Vec<_> = Lang::ALL.iter().map(|&l| (l, messages(catalogue.source(l)))).collect();
    let mut problems = Vec::new();
    for (lang, result) in &parsed {
        if let Err(e) = result {
            problems.push(format!("{} does not parse: {e}", lang.tag()));
        }
    }
    let (Ok(en), Ok(zh)) = (&parsed[0].1, &parsed[1].1) else { return problems };
    for (id, vars) in en {
        match zh.get(id) {
            None => problems.push(format!("{id}: no Chinese")),
            Some(zh_vars) if zh_vars != vars => {
                problems.push(format!("{id}: English uses {vars:?}, Chinese {zh_vars:?}"));
            }
            Some(_) => {}
        }
    }
    problems.extend(zh.keys().filter(|id| !en.contains_key(*id)).map(|id| format!("{id}: no English")));
    problems
}

/// The `.rs` files under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Ids no source under `crate_dir/src` names (as `"id"`) and no other message refers to.
pub fn unused_ids(catalogue: &Catalogue, crate_dir: &str) -> Vec<String> {
    let code: String = sources(&Path::new(crate_dir).join("src"))
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_default())
        .collect();
    let english = catalogue.source(Lang::En);
    let referenced = references(english);
    messages(english)
        .unwrap_or_default()
        .into_keys()
        .filter(|id| !code.contains(&format!("\"{id}\"")) && !referenced.contains(id))
        .collect()
}

/// Files where prose may be written: the catalogue's callers and the host forms (whose labels are
/// bilingual already).
const PROSE_FILES: [&str; 2] = ["messages.rs", "form.rs"];

/// String literals that read as prose (two words) outside [`PROSE_FILES`], doc comments and
/// `#[cfg(test)]` items, in `crate_dir/src`, except those listed in `crate_dir/i18n-allow.txt`
/// (one literal per line: texts that are not for people, such as helm's own arguments).
pub fn prose_outside_catalogue(crate_dir: &str) -> Vec<String> {
    let allowed: BTreeSet<String> = std::fs::read_to_string(Path::new(crate_dir).join("i18n-allow.txt"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let mut found = Vec::new();
    for path in sources(&Path::new(crate_dir).join("src")) {
        if path.file_name().is_some_and(|n| PROSE_FILES.iter().any(|p| n == *p)) {
            continue;
        }
        let Ok(tokens) = TokenStream::from_str(&std::fs::read_to_string(&path).unwrap_or_default()) else {
            found.push(format!("{}: does not lex", path.display()));
            continue;
        };
        let mut literals = Vec::new();
        string_literals(tokens, &mut literals);
        let name = path.strip_prefix(crate_dir).unwrap_or(&path).display().to_string();
        found.extend(
            literals.into_iter().filter(|l| is_prose(l) && !allowed.contains(l)).map(|l| format!("{name}: {l}")),
        );
    }
    found
}

/// Two words of letters in a row: `"cannot read"`, not `"--wait"` or `"application/json"`.
fn is_prose(text: &str) -> bool {
    let words: Vec<&str> =
        text.split([' ', '\n']).map(|w| w.trim_end_matches([',', ';', ':', '.'])).filter(|w| !w.is_empty()).collect();
    let wordy = |w: &&str| w.len() >= 2 && w.chars().all(|c| c.is_alphabetic() || c == '\'');
    words.windows(2).any(|pair| pair.iter().all(wordy))
}

/// The string literals of `tokens` (their values), skipping doc attributes and `#[cfg(test)]` items.
fn string_literals(tokens: TokenStream, out: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                // `#![...]` (inner doc comments) as `#[...]`.
                let bang = matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                if bang {
                    i += 1;
                }
                let attribute = tokens.get(i + 1).and_then(|t| match t {
                    TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => Some(g.stream().to_string()),
                    _ => None,
                });
                if let Some(attribute) = attribute {
                    i += 2;
                    if attribute.starts_with("cfg (test)") {
                        i = skip_item(&tokens, i);
                    } else if !attribute.starts_with("doc") {
                        // Other attributes (`#[arg(value_name = "...")]`) are looked into.
                        if let TokenTree::Group(g) = &tokens[i - 1] {
                            string_literals(g.stream(), out);
                        }
                    }
                    continue;
                }
            }
            TokenTree::Group(g) => string_literals(g.stream(), out),
            TokenTree::Literal(l) => {
                if let Some(text) = string_value(&l.to_string()) {
                    out.push(text);
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Past the item that starts at `i`: up to its `{...}` body or its `;`.
fn skip_item(tokens: &[TokenTree], mut i: usize) -> usize {
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => return i + 1,
            TokenTree::Punct(p) if p.as_char() == ';' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// The text of a string literal token (`"..."`, `r"..."`, `r#"..."#`), escapes left as written.
fn string_value(token: &str) -> Option<String> {
    if let Some(rest) = token.strip_prefix('"') {
        return rest.strip_suffix('"').map(str::to_string);
    }
    let raw = token.strip_prefix('r')?;
    let hashes = raw.len() - raw.trim_start_matches('#').len();
    let inner = raw.get(hashes..raw.len() - hashes)?;
    inner.strip_prefix('"')?.strip_suffix('"').map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_found_in_selectors_variants_and_attributes() {
        let source = "a = { $n ->\n    [one] one { $what }\n   *[other] { $n } of { $what }\n}\n    .hint = see { $url }\nb = plain\n";
        let found = messages(source).unwrap();
        assert_eq!(found["a"], ["n", "url", "what"].iter().map(std::string::ToString::to_string).collect());
        assert!(found["b"].is_empty());
    }

    #[test]
    fn a_missing_translation_and_a_changed_argument_are_problems() {
        static BAD: Catalogue = Catalogue::new("a = { $x }\nb = b\nc = c\n", "a = { $y }\nb = 乙\nd = 丁\n");
        let problems = same_ids_and_arguments(&BAD);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("a: English uses"), "{problems:?}");
        assert_eq!(problems[1..], ["c: no Chinese".to_string(), "d: no English".to_string()]);
    }

    #[test]
    fn prose_literals_are_found_but_not_docs_tests_or_flags() {
        let code = r###"
            //! An inner doc comment with words.
            /// A doc comment with words.
            fn f() -> String {
                let _ = ("--wait", "application/json", "{a}: {b}", "std::ops::Not", r#"raw words here"#);
                format!("cannot read {}", 1)
            }
            #[cfg(test)]
            mod tests { fn g() { let _ = "test words"; } }
            #[arg(long, help = "attribute words")]
            struct S;
        "###;
        let mut found = Vec::new();
        string_literals(TokenStream::from_str(code).unwrap(), &mut found);
        let prose: Vec<_> = found.into_iter().filter(|l| is_prose(l)).collect();
        assert_eq!(prose, ["raw words here", "cannot read {}", "attribute words"]);
    }
}
