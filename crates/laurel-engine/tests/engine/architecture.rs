//! The engine's files import one way: no file needs another that needs it back (the crate
//! root, which declares and re-exports, aside).

use laurel_testkit::imports::{import_graph, import_loops};
use std::path::Path;

#[test]
fn no_two_files_of_the_engine_import_each_other_even_through_others() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = import_graph(&src);
    assert!(
        graph.contains_key("write::steps"),
        "the graph reads the files: {graph:?}"
    );
    assert!(graph["earning::execute"].contains("write::steps"));
    let loops = import_loops(&graph);
    assert!(loops.is_empty(), "import loops: {loops:#?}");
}
