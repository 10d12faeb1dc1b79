//! Development aid: `cargo run --release -p spearwatch-content --example analyse -- [--json] [--password P]... FILE...`
//! prints, per file, the detected kind and every finding id in its tree (or the whole tree as JSON).

fn main() {
    let mut json = false;
    let mut opts = spearwatch_content::Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--json" {
            json = true;
            continue;
        }
        if arg == "--password" {
            opts.passwords.extend(args.next());
            continue;
        }
        let data = match std::fs::read(&arg) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{arg}: {e}");
                continue;
            }
        };
        let name = arg.rsplit('/').next().unwrap_or(&arg);
        let t = std::time::Instant::now();
        let node = spearwatch_content::analyse(&data, name, None, &opts);
        let us = t.elapsed().as_micros();
        if json {
            println!("{}", serde_json::to_string(&node).unwrap());
        } else {
            let mut ids: Vec<&str> = node.all_findings().map(|f| f.id.as_str()).collect();
            ids.sort();
            ids.dedup();
            println!(
                "{arg}\t{}\t{}\t{us}us\t{}",
                node.detected_type.as_str(),
                node.iter().count(),
                ids.join(",")
            );
        }
    }
}
