//! Summaries fit 100 columns: a longer line is wrapped at spaces, each
//! continuation indented two columns past the line's own indent. Tables
//! are laid out to fit on their own; this catches prose (warnings, notes,
//! long paths in headers).

/// The widest line a summary prints.
pub const WIDTH: usize = 100;

/// `text` with every line longer than [`WIDTH`] wrapped at spaces. A single
/// word longer than the width (a long path) keeps a line of its own.
pub fn fit(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        if body.chars().count() <= WIDTH {
            out.push_str(line);
            continue;
        }
        let indent = body.len() - body.trim_start_matches(' ').len();
        let next = " ".repeat(indent + 2);
        let mut current = body[..indent].to_string();
        let (mut width, mut has_word) = (indent, false);
        // Each word with the spaces before it, so a line that is not broken
        // keeps its own spacing (table columns stay aligned).
        for (gap, word) in words(&body[indent..]) {
            let (gap_w, word_w) = (gap.chars().count(), word.chars().count());
            if has_word && width + gap_w + word_w > WIDTH {
                out.push_str(&current);
                out.push('\n');
                current.clone_from(&next);
                width = next.len();
            } else {
                current.push_str(gap);
                width += gap_w;
            }
            current.push_str(word);
            width += word_w;
            has_word = true;
        }
        out.push_str(&current);
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The words of `s`, each with the run of spaces before it.
fn words(s: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let start = rest.len() - rest.trim_start_matches(' ').len();
        let end = rest[start..].find(' ').map_or(rest.len(), |i| start + i);
        (end > start).then(|| {
            let (gap, word) = (&rest[..start], &rest[start..end]);
            rest = &rest[end..];
            (gap, word)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_at_spaces_with_a_hanging_indent() {
        let long = format!("  warning: {}\n", "word ".repeat(40).trim_end());
        let fitted = fit(&format!("short\n{long}"));
        let lines: Vec<&str> = fitted.lines().collect();
        assert_eq!(lines[0], "short");
        assert!(lines.len() > 2, "{fitted}");
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH), "{fitted}");
        assert!(lines[2].starts_with("    word"), "{fitted}");
        assert_eq!(fitted.split_whitespace().count(), long.split_whitespace().count() + 1);
        assert!(fitted.ends_with('\n'));
    }

    #[test]
    fn the_spacing_of_a_wrapped_line_is_kept_before_its_break() {
        let row = format!("  a    b{}", "  ccccc".repeat(20));
        let fitted = fit(&row);
        assert!(fitted.starts_with("  a    b  ccccc"), "{fitted}");
        assert!(fitted.lines().all(|l| l.chars().count() <= WIDTH), "{fitted}");
    }

    #[test]
    fn a_word_wider_than_the_line_keeps_a_line_of_its_own() {
        let path = "/x".repeat(60);
        let fitted = fit(&format!("on {path} (ext4)"));
        assert_eq!(fitted, format!("on\n  {path}\n  (ext4)"));
    }
}
