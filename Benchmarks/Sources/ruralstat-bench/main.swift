// ruralstat-bench: performance tools, kept apart from the product (as swift-nio keeps its own), in a
// package of their own that uses the product's libraries.
//
//   ruralstat-bench ingest --catalog C --registry R [--sender S] FILE...
//
// Reads each file through the production reader and validator (duplicate keys left to the store,
// as `ruralstat ingest` does), discarding the batches, and prints one JSON line per file with rows,
// seconds, rows/s and the process's peak resident memory.
//
//   ruralstat-bench quality --catalog C --registry R --rules RULES [--repeat N] [--workers W] [--only CHECK,…] [--each no] FILE|FOLDER...
//
// Reads the submissions into memory once, then builds the partitions again from the rows, computes
// the rollups and runs every quality check N times (default 5) on the same table, and prints one
// JSON line per stage with the median, fastest and slowest seconds: the partitions, the rollups,
// each check alone, and the suite as a run calls it (the checks side by side) — so that what the
// findings cost can be set against what the rollups cost, without the reading before them.
//
//   ruralstat-bench w1 --catalog C INPUT OUTDIR
//
// The shared benchmark workload W1 (../shared/bench/README.md): reads and validates INPUT (codes by
// their digits, no registry), rolls it up to every level and flags robust outliers per county,
// writing OUTDIR/rollup.csv and OUTDIR/flags.csv in W1's layout.
//
//   ruralstat-bench assess [--units N] [--replications R] [--workers W]
//
// The assessment of a generated panel of N counties (default 2,800) × 22 indicators: the index, then
// the uncertainty analysis with R replications (default 1,000); seconds and peak memory.
//
//   ruralstat-bench localise --catalog C --rules RULES [--units N] [--workers W]
//
// Fellegi–Holt error localisation of N generated village records (default 100,000), each failing at
// least one rule of RULES; seconds, units per second and how the answers fell.
import Foundation

let usage =
    "usage: ruralstat-bench ingest --catalog C --registry R [--sender S] FILE...\n"
    + "       ruralstat-bench quality --catalog C --registry R [--rules RULES] [--repeat N] [--workers W] [--only CHECK,…] [--each no] FILE|FOLDER...\n"
    + "       ruralstat-bench w1 --catalog C [--workers W] INPUT OUTDIR\n"
    + "       ruralstat-bench assess [--units N] [--replications R] [--workers W]\n"
    + "       ruralstat-bench localise --catalog C --rules RULES [--units N] [--workers W]"
do {
    switch CommandLine.arguments.dropFirst().first {
    case "ingest": try ingest(Arguments(CommandLine.arguments.dropFirst(2), known: ["--catalog", "--registry", "--sender"]))
    case "quality":
        try quality(Arguments(CommandLine.arguments.dropFirst(2), known: ["--catalog", "--registry", "--rules", "--repeat", "--workers", "--only", "--each"]))
    case "w1": try w1(Arguments(CommandLine.arguments.dropFirst(2), known: ["--catalog", "--workers"]))
    case "assess": try assess(Arguments(CommandLine.arguments.dropFirst(2), known: ["--units", "--replications", "--workers"]))
    case "localise": try localise(Arguments(CommandLine.arguments.dropFirst(2), known: ["--catalog", "--rules", "--units", "--workers"]))
    default: fail(usage)
    }
} catch {
    fail("\(error)")
}
