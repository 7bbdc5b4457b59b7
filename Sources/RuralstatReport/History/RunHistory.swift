import Foundation
import RuralstatModel

/// One nightly run as the history keeps it: what came in, what it found, how it ended.
public struct RunRecord: Codable, Sendable, Equatable {
    public var run: Int64
    public var name: String
    public var startedAt: String
    public var finishedAt: String
    public var filesFound: Int
    public var filesApplied: Int
    public var filesRejected: Int
    public var filesAlreadySeen: Int
    public var rowsNew: Int
    public var rowsRevised: Int
    public var rowsRejected: Int
    public var rollups: Int
    /// Stored findings by severity after the run (`error`, `warning`, `info`).
    public var findings: [String: Int]
    /// Stored findings by rule after the run, and those the run found first.
    public var findingsByRule: [String: Int]
    public var newFindingsByRule: [String: Int]
    public var exitStatus: Int32
    public var exitReasons: [String]
    /// Whether the run wrote the reports (a run with nothing new does not); its copy is `runs/N/report.html`.
    public var wroteReport: Bool

    public init(
        run: Int64, name: String, startedAt: String, finishedAt: String, filesFound: Int, filesApplied: Int, filesRejected: Int,
        filesAlreadySeen: Int, rowsNew: Int, rowsRevised: Int, rowsRejected: Int, rollups: Int, findings: [String: Int],
        findingsByRule: [String: Int], newFindingsByRule: [String: Int], exitStatus: Int32, exitReasons: [String], wroteReport: Bool
    ) {
        self.run = run
        self.name = name
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.filesFound = filesFound
        self.filesApplied = filesApplied
        self.filesRejected = filesRejected
        self.filesAlreadySeen = filesAlreadySeen
        self.rowsNew = rowsNew
        self.rowsRevised = rowsRevised
        self.rowsRejected = rowsRejected
        self.rollups = rollups
        self.findings = findings
        self.findingsByRule = findingsByRule
        self.newFindingsByRule = newFindingsByRule
        self.exitStatus = exitStatus
        self.exitReasons = exitReasons
        self.wroteReport = wroteReport
    }

    enum CodingKeys: String, CodingKey {
        case run, name
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case filesFound = "files_found"
        case filesApplied = "files_applied"
        case filesRejected = "files_rejected"
        case filesAlreadySeen = "files_already_seen"
        case rowsNew = "rows_new"
        case rowsRevised = "rows_revised"
        case rowsRejected = "rows_rejected"
        case rollups, findings
        case findingsByRule = "findings_by_rule"
        case newFindingsByRule = "new_findings_by_rule"
        case exitStatus = "exit_status"
        case exitReasons = "exit_reasons"
        case wroteReport = "wrote_report"
    }
}

/// The history of the nightly runs of one reports folder, as Great Expectations' Data Docs keeps
/// its validation runs: each run's record (and, when it wrote the reports, its `report.html` and
/// `manifest.json`) under `runs/N/`, and `index.html`, which lists every run with a link to its
/// report, the trend of findings per rule over the runs, and what changed since the previous run.
/// The index is made from the records on disk, so it is the same whoever rewrites it.
public enum RunHistory {
    /// Keeps `record` under `runs/N/` (with the run's report and manifest when it wrote them) and
    /// rewrites `index.html`.
    public static func record(_ record: RunRecord, in folder: String) throws {
        let runFolder = (folder as NSString).appendingPathComponent("runs/\(record.run)")
        try FileManager.default.createDirectory(atPath: runFolder, withIntermediateDirectories: true)
        if record.wroteReport {
            for name in ["report.html", "manifest.json"] {
                let source = (folder as NSString).appendingPathComponent(name), target = (runFolder as NSString).appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: source) else { continue }
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.copyItem(atPath: source, toPath: target)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(record).write(to: URL(fileURLWithPath: (runFolder as NSString).appendingPathComponent("run.json")), options: .atomic)
        try index(records(in: folder)).write(toFile: (folder as NSString).appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
    }

    /// Every run record of the folder, oldest first; a record that cannot be read is skipped, not fatal.
    public static func records(in folder: String) -> [RunRecord] {
        let runs = (folder as NSString).appendingPathComponent("runs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []
        return names.compactMap { name in
            guard let data = FileManager.default.contents(atPath: (runs as NSString).appendingPathComponent("\(name)/run.json")) else { return nil }
            return try? JSONDecoder().decode(RunRecord.self, from: data)
        }.sorted { $0.run < $1.run }
    }

    /// The index page: every run (newest first), the trend of findings per rule, and what changed
    /// since the previous run. Self-contained: no script, no network; every text escaped.
    public static func index(_ records: [RunRecord]) -> String {
        func e(_ text: String) -> String { MarkupText.escape(text) }
        var html = """
            <!DOCTYPE html>
            <html lang="zh"><head><meta charset="utf-8"><title>ruralstat — 运行记录 run history</title>
            <style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
            td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f2f2f2}td.l,th.l{text-align:left}
            .up{color:#b00020}.down{color:#1b5e20}.fail{color:#b00020;font-weight:bold}</style></head><body>
            <h1>运行记录 Run history</h1>

            """
        guard let latest = records.last else { return html + "<p>No run has been recorded yet.</p></body></html>\n" }
        // What changed since the previous run.
        html += "<h2>Since the previous run</h2>\n"
        if records.count > 1 {
            let previous = records[records.count - 2]
            html += "<p>Run \(latest.run) (\(e(latest.finishedAt))) against run \(previous.run): \(latest.filesApplied) files applied, "
            html += "\(latest.rowsNew) new rows, \(latest.rowsRevised) revised, \(latest.rowsRejected) rejected; exit \(latest.exitStatus).</p>\n"
            html += "<table><tr><th class=\"l\">rule</th><th>before</th><th>now</th><th>change</th><th>new in this run</th></tr>\n"
            for rule in Set(latest.findingsByRule.keys).union(previous.findingsByRule.keys).sorted() {
                let before = previous.findingsByRule[rule] ?? 0, now = latest.findingsByRule[rule] ?? 0
                let change = now - before
                let mark = change > 0 ? "up" : change < 0 ? "down" : ""
                html += "<tr><td class=\"l\">\(e(rule))</td><td>\(before)</td><td>\(now)</td><td class=\"\(mark)\">\(change > 0 ? "+" : "")\(change)</td>"
                html += "<td>\(latest.newFindingsByRule[rule] ?? 0)</td></tr>\n"
            }
            html += "</table>\n"
        } else {
            html += "<p>Run \(latest.run) is the first run recorded.</p>\n"
        }
        // Every run, newest first.
        html += "<h2>Runs</h2>\n<table><tr><th>run</th><th class=\"l\">finished</th><th class=\"l\">name</th><th>files found</th><th>applied</th>"
        html += "<th>rejected</th><th>seen before</th><th>rows new</th><th>revised</th><th>rejected rows</th><th>errors</th><th>warnings</th>"
        html += "<th>notes</th><th>exit</th><th class=\"l\">report</th></tr>\n"
        for record in records.reversed() {
            let exit =
                record.exitStatus == 0
                ? "0"
                : "<span class=\"\(record.exitStatus > 1 ? "fail" : "")\" title=\"\(e(record.exitReasons.joined(separator: "; ")))\">\(record.exitStatus)</span>"
            let report = record.wroteReport ? "<a href=\"runs/\(record.run)/report.html\">report</a>" : "nothing new"
            html += "<tr><td>\(record.run)</td><td class=\"l\">\(e(record.finishedAt))</td><td class=\"l\">\(e(record.name))</td>"
            html += "<td>\(record.filesFound)</td><td>\(record.filesApplied)</td><td>\(record.filesRejected)</td><td>\(record.filesAlreadySeen)</td>"
            html += "<td>\(record.rowsNew)</td><td>\(record.rowsRevised)</td><td>\(record.rowsRejected)</td>"
            html += "<td>\(record.findings["error"] ?? 0)</td><td>\(record.findings["warning"] ?? 0)</td><td>\(record.findings["info"] ?? 0)</td>"
            html += "<td>\(exit)</td><td class=\"l\">\(report)</td></tr>\n"
        }
        html += "</table>\n"
        // The trend of findings per rule over the last runs, with a line of each rule's counts.
        let shown = Array(records.suffix(20))
        html += "<h2>Findings per rule over the runs</h2>\n<table><tr><th class=\"l\">rule</th><th class=\"l\">trend</th>"
        html += shown.map { "<th>\($0.run)</th>" }.joined() + "</tr>\n"
        for rule in Set(shown.flatMap(\.findingsByRule.keys)).sorted() {
            let counts = shown.map { $0.findingsByRule[rule] ?? 0 }
            html += "<tr><td class=\"l\">\(e(rule))</td><td class=\"l\">\(sparkline(counts))</td>" + counts.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        return html + "</table>\n</body></html>\n"
    }

    /// A small line of the counts, scaled to its own largest (inline SVG, its title the numbers).
    static func sparkline(_ counts: [Int]) -> String {
        let width = 120.0, height = 24.0
        let top = Double(max(counts.max() ?? 0, 1))
        let step = counts.count > 1 ? width / Double(counts.count - 1) : 0
        let points = counts.enumerated().map { index, count in
            String(format: "%.1f,%.1f", Double(index) * step, height - 2 - (height - 4) * Double(count) / top)
        }.joined(separator: " ")
        return "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"-2 0 \(Int(width) + 4) \(Int(height))\" role=\"img\">"
            + "<title>\(counts.map(String.init).joined(separator: ", "))</title>"
            + "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"\(points)\"/></svg>"
    }
}
