//! No behaviour constant outside `Params`: the actors' rules may contain no numeric literal
//! but 0 and 1, and the short allowlist below (institutional facts, not behaviour). Every
//! number that shapes a decision is a parameter with a default, a range, a unit and a source.

use std::path::Path;

/// (file, literal, why it is not a parameter).
const ALLOWED: &[(&str, &str, &str)] = &[
    ("unsc.rs", "5", "permanent members of the Security Council (UN Charter, Art. 23)"),
    ("unsc.rs", "10", "elected members of the Security Council (UN Charter, Art. 23)"),
    ("unsc.rs", "9", "votes a substantive resolution needs (UN Charter, Art. 27)"),
];

/// Whether the digit at `i` names a tuple field (`x.0`), not a number (`0..10` is a range).
fn field_access(b: &[u8], i: usize) -> bool {
    b[i - 1] == b'.' && !(i >= 2 && b[i - 2] == b'.')
}

/// Numeric literals of Rust source outside comments, strings and `#[cfg(test)]` modules, with
/// their line numbers.
fn literals(src: &str) -> Vec<(usize, String)> {
    let src = src.split("#[cfg(test)]").next().unwrap_or("");
    let b = src.as_bytes();
    let (mut i, mut line, mut out) = (0, 1, Vec::new());
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            i += 1;
        } else if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                if b[i] == b'\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 1;
        } else if c == b'\'' && i + 2 < b.len() && (b[i + 2] == b'\'' || b[i + 1] == b'\\') {
            // A char literal ('x' or '\n'); a lifetime ('a) has no closing quote.
            i += 2;
            while i < b.len() && b[i] != b'\'' {
                i += 1;
            }
            i += 1;
        } else if c.is_ascii_digit() && (i == 0 || !(ident(b[i - 1]) || field_access(b, i))) {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
                i += 1;
            }
            // A fraction only if a digit follows the point (`0..10` is a range, `1.max` a call).
            if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
                i += 1;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
                    i += 1;
                }
            } else if i + 1 < b.len() && b[i] == b'.' && !ident(b[i + 1]) && b[i + 1] != b'.' {
                i += 1; // `1.` as a float
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                i += 1;
                if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
                    i += 1;
                }
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let text = &src[start..i];
            while i < b.len() && ident(b[i]) {
                i += 1; // a type suffix (u32, f64)
            }
            out.push((line, text.replace('_', "")));
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn actors_rules_hold_no_numeric_literal_but_zero_one_and_the_allowlist() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/actors");
    let mut bad = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        files += 1;
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        for (line, lit) in literals(&std::fs::read_to_string(&path).unwrap()) {
            let value: f64 = lit.parse().unwrap_or(f64::NAN);
            let allowed = value == 0.0 || value == 1.0 || ALLOWED.iter().any(|(f, l, _)| *f == name && *l == lit);
            if !allowed {
                bad.push(format!("{name}:{line}: {lit}"));
            }
        }
    }
    assert!(files >= 6, "found {files} actor files in {}", dir.display());
    assert!(bad.is_empty(), "numeric literals in the actors' rules (make them parameters): {bad:?}");
}

#[test]
fn the_scanner_finds_literals_and_skips_comments_strings_and_ranges() {
    let src = "let a = 0.35 * x; // 0.7 in a comment\nlet s = \"2.5\"; for i in 0..10 {}\nlet e = 5e-6; let c = 'x'; y.max(1.0)\n#[cfg(test)]\nmod t { 42 }";
    let got: Vec<String> = literals(src).into_iter().map(|(_, l)| l).collect();
    assert_eq!(got, vec!["0.35", "0", "10", "5e-6", "1.0"]);
}
