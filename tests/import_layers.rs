//! The import graph of `src/`'s top-level modules has no cycle (issue 22:
//! arrows point one way, DESIGN.md "The shape"). An edge A -> B is any
//! `crate::B` in a file under A (comments left out; `use crate::{B, ..}`
//! groups read too); a cycle fails naming the modules on it.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

/// The top-level module each `.rs` file under `src/` belongs to, with its
/// text (lib.rs and main.rs, which only declare and call, left out).
fn files(src: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(src).unwrap();
                let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
                let top = first.trim_end_matches(".rs").to_string();
                if top != "lib" && top != "main" {
                    out.push((top, fs::read_to_string(&path).unwrap()));
                }
            }
        }
    }
    out
}

/// The names `crate::` reaches in `text`, comments removed.
fn reached(text: &str) -> BTreeSet<String> {
    let code: String = text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let mut names = BTreeSet::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find(';').unwrap_or(group.len())];
            // Every name that starts a path at the group's first level.
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && depth == 0 && !c.is_whitespace() => {
                        names.insert(ident(&group[i..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            names.insert(ident(rest));
        }
    }
    names
}

/// A cycle in `edges`, as the modules on it, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        v: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == v) {
            return Some(path[at..].to_vec());
        }
        if done.contains(v) {
            return None;
        }
        path.push(v.to_string());
        for w in edges.get(v).into_iter().flatten() {
            if let Some(cycle) = visit(w, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(v.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|v| visit(v, edges, &mut Vec::new(), &mut done))
}

#[test]
fn the_top_level_modules_import_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = files(&src);
    let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &files {
        for name in reached(text) {
            if modules.contains(&name) && &name != module {
                edges.entry(module.clone()).or_default().insert(name);
            }
        }
    }
    assert!(modules.len() > 20 && edges.values().map(BTreeSet::len).sum::<usize>() > 100, "read the tree: {edges:?}");
    assert_eq!(find_cycle(&edges), None, "an import cycle among src/'s top-level modules");
    // The model is the leaf the report readers stand on.
    assert_eq!(edges.get("model"), None, "src/model imports nothing of the crate");
}

#[test]
fn the_checker_finds_a_cycle_and_reads_groups() {
    let names = reached("use crate::{a::b, c, d::{e, f}};\n// crate::g\nlet x = crate::h::i();");
    assert_eq!(names, ["a", "c", "d", "h"].map(String::from).into_iter().collect());
    let edges: BTreeMap<String, BTreeSet<String>> =
        [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")].into_iter().fold(BTreeMap::new(), |mut m, (x, y)| {
            m.entry(x.to_string()).or_default().insert(y.to_string());
            m
        });
    assert_eq!(find_cycle(&edges).map(|c| c.len()), Some(3));
}
