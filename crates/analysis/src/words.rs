//! Counts in words: "1 part", "2 parts", "1 policy", "3 policies".

/// `n` and `noun`, in the plural unless `n` is 1.
pub fn count(n: impl Into<u128>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {}", plural(noun))
    }
}

/// The plural of `noun` (of the nouns brink counts).
pub fn plural(noun: &str) -> String {
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_the_rest_plural() {
        assert_eq!(count(1u64, "part"), "1 part");
        assert_eq!(count(0u64, "part"), "0 parts");
        assert_eq!(count(3u32, "policy"), "3 policies");
        assert_eq!(count(1u32, "nuclear test"), "1 nuclear test");
        assert_eq!(count(2usize as u64, "day"), "2 days");
    }
}
