//! The import graph of a crate's source files, for the tests that hold "no import loop
//! between files": every `use crate::…` (and `super::…`) names the file that holds what it
//! imports, and a loop means two files each need the other to be read.
//!
//! The crate root (`lib.rs`) is left out: it declares every module and re-exports the public
//! ones, so every file reaches it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each file (by its module path, `a::b`) with the files its imports name.
pub fn import_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    collect(src, &mut files);
    let modules: BTreeMap<String, PathBuf> = files
        .iter()
        .filter_map(|f| module_of(src, f).map(|m| (m, f.clone())))
        .collect();
    let mut graph = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let mut edges = BTreeSet::new();
        for path in imported_paths(&text) {
            let absolute = absolute(module, file, &path);
            if let Some(target) = deepest_file(&modules, &absolute)
                && target != *module
                && !target.is_empty()
            {
                edges.insert(target);
            }
        }
        graph.insert(module.clone(), edges);
    }
    graph.remove("");
    graph
}

/// Every loop in `graph`, each as the files around it (first repeated last); empty when
/// the arrows point one way.
pub fn import_loops(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut loops = Vec::new();
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        let mut path = Vec::new();
        visit(graph, start, &mut path, &mut done, &mut loops);
    }
    loops
}

fn visit(
    graph: &BTreeMap<String, BTreeSet<String>>,
    node: &str,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
    loops: &mut Vec<Vec<String>>,
) {
    if let Some(at) = path.iter().position(|n| n == node) {
        let mut found = path[at..].to_vec();
        found.push(node.to_owned());
        loops.push(found);
        return;
    }
    if done.contains(node) {
        return;
    }
    path.push(node.to_owned());
    for next in graph.get(node).into_iter().flatten() {
        visit(graph, next, path, done, loops);
    }
    path.pop();
    done.insert(node.to_owned());
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `a/b.rs` and `a/b/mod.rs` are `a::b`; `lib.rs` is the root, "".
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?.with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    Some(parts.join("::"))
}

/// The paths a file's `use` items name (top level and nested), each as segments, with the
/// braces expanded: `use crate::a::{b, c::d};` gives `crate::a::b` and `crate::a::c::d`.
fn imported_paths(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("use ") {
        let before = &rest[..at];
        let starts_item = before.is_empty()
            || before.ends_with('\n')
            || before.ends_with(' ') && before.trim_end_matches(' ').ends_with('\n')
            || before.ends_with("pub(crate) ")
            || before.ends_with("pub ");
        rest = &rest[at + 4..];
        if !starts_item {
            continue;
        }
        let Some(end) = rest.find(';') else { break };
        let tree: String = rest[..end].chars().filter(|c| !c.is_whitespace()).collect();
        expand("", &tree, &mut out);
        rest = &rest[end..];
    }
    out.into_iter()
        .map(|p| p.split("::").map(str::to_owned).collect())
        .collect()
}

fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let join = |p: &str, s: &str| {
        if p.is_empty() {
            s.to_owned()
        } else {
            format!("{p}::{s}")
        }
    };
    match tree.find('{') {
        None => out.push(join(prefix, tree.split(" as ").next().unwrap_or(tree))),
        Some(open) => {
            let head = tree[..open].trim_end_matches("::");
            let inner = &tree[open + 1..tree.len().saturating_sub(1)];
            let base = join(prefix, head);
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&base, &inner[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            if start < inner.len() {
                expand(&base, &inner[start..], out);
            }
        }
    }
}

/// An imported path from `crate::` or `super::` as segments from the crate root; `None`
/// (empty) for another crate's.
fn absolute(module: &str, file: &Path, path: &[String]) -> Vec<String> {
    let mut here: Vec<String> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").map(str::to_owned).collect()
    };
    // A file `a/b.rs` is module a::b; `super` from it is a; from `a/b/mod.rs` it is a too.
    let _ = file;
    match path.first().map(String::as_str) {
        Some("crate") => path[1..].to_vec(),
        Some("super") => {
            let mut rest = path;
            while rest.first().map(String::as_str) == Some("super") {
                here.pop();
                rest = &rest[1..];
            }
            here.extend(rest.iter().cloned());
            here
        }
        Some("self") => {
            here.extend(path[1..].iter().cloned());
            here
        }
        _ => Vec::new(),
    }
}

/// The longest prefix of `path` that is a file's module.
fn deepest_file(modules: &BTreeMap<String, PathBuf>, path: &[String]) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|m| modules.contains_key(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_braces_expand_to_every_path() {
        let mut out = Vec::new();
        expand("", "crate::a::{b,c::{d,e},f}", &mut out);
        assert_eq!(
            out,
            [
                "crate::a::b",
                "crate::a::c::d",
                "crate::a::c::e",
                "crate::a::f"
            ]
        );
    }

    #[test]
    fn a_loop_is_found_and_a_one_way_graph_has_none() {
        let graph = |edges: &[(&str, &str)]| {
            let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for (a, b) in edges {
                g.entry((*a).into()).or_default().insert((*b).into());
                g.entry((*b).into()).or_default();
            }
            g
        };
        assert!(import_loops(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
        let loops = import_loops(&graph(&[("a", "b"), ("b", "c"), ("c", "a")]));
        assert_eq!(loops, vec![vec!["a", "b", "c", "a"]]);
    }
}
