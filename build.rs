//! Embeds the shipped gazetteer (`gazetteer/`) in the binary when it has been
//! built, so `geomention` works from any directory with no configuration.
//! Without it (a checkout that has not run `scripts/build_gazetteer.sh`),
//! the binary still builds and asks for `--gazetteer DIR`.

use std::path::Path;

include!("src/gazetteer/files.rs");

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&root).join("gazetteer");
    println!("cargo:rerun-if-changed=gazetteer");
    for f in REQUIRED_FILES.iter().chain(OPTIONAL_FILES) {
        println!("cargo:rerun-if-changed=gazetteer/{f}");
    }
    let complete = std::env::var_os("GEOMENTION_NO_EMBED").is_none()
        && REQUIRED_FILES.iter().all(|f| dir.join(f).is_file());
    let mut code = String::new();
    if complete {
        code.push_str("pub static FILES: Option<&[(&str, &[u8])]> = Some(&[\n");
        let optional = OPTIONAL_FILES.iter().filter(|f| dir.join(f).is_file());
        // Paths from the crate's own CARGO_MANIFEST_DIR when it compiles,
        // not this script's: two checkouts sharing one CARGO_TARGET_DIR
        // share this script's output, and each must embed its own files.
        for f in REQUIRED_FILES.iter().chain(optional) {
            code.push_str(&format!(
                "    ({f:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/gazetteer/{f}\"))),\n"
            ));
        }
        code.push_str("]);\n");
    } else {
        code.push_str("pub static FILES: Option<&[(&str, &[u8])]> = None;\n");
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("embedded_gazetteer.rs");
    std::fs::write(out, code).expect("write embedded_gazetteer.rs");
}
