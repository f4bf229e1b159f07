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
        let mut current = " ".repeat(indent);
        let mut empty = true;
        for word in body.split(' ').filter(|w| !w.is_empty()) {
            if !empty && current.chars().count() + 1 + word.chars().count() > WIDTH {
                out.push_str(&current);
                out.push('\n');
                current.clone_from(&next);
                empty = true;
            }
            if !empty {
                current.push(' ');
            }
            current.push_str(word);
            empty = false;
        }
        out.push_str(&current);
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
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
    fn a_word_wider_than_the_line_keeps_a_line_of_its_own() {
        let path = "/x".repeat(60);
        let fitted = fit(&format!("on {path} (ext4)"));
        assert_eq!(fitted, format!("on\n  {path}\n  (ext4)"));
    }
}
