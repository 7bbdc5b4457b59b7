import Foundation
import RuralstatModel
import RuralstatStore

extension HTMLReport {
    /// "评估 Assessment": per level, the ranking with rank-interval whiskers, each region's dimension
    /// profile and its sentence, and the choices and weights used (from the stored settings).
    static func assessment(_ c: Context) -> String {
        guard !c.assessment.isEmpty else { return "" }
        var html = "<section id=\"assessment\"><h2>评估 Assessment</h2>"
        let groups = Dictionary(grouping: c.assessment) { "\($0.framework)|\($0.level.rawValue)|\($0.year)" }
        for key in groups.keys.sorted() {
            let rows = groups[key]!.sorted { ($0.rank, $0.region) < ($1.rank, $1.region) }
            let (framework, level, year) = (rows[0].framework, rows[0].level, rows[0].year)
            html += "<h3>\(e(level.chineseName)) \(e(level.description)) · \(year) · \(rows.count) regions · framework \(e(framework))</h3>"
            html += rankingChart(rows, c)
            let dimensions = AssessmentTables.dimensions(rows)
            html +=
                "<table><tr><th>rank</th><th>region</th><th>class</th><th>rank in class</th><th>index</th>"
                + dimensions.map { "<th>\(e($0))</th>" }.joined() + "<th>change</th></tr>"
            for row in rows {
                let change = row.progress.rankChange.map { $0 == 0 ? "=" : ($0 > 0 ? "▲\($0)" : "▼\(-$0)") } ?? ""
                html +=
                    "<tr><td class=\"num\">\(row.rank)</td><td>\(e(row.name.isEmpty ? row.region.description : row.name))</td>"
                    + "<td>\(e(row.regionClass ?? ""))</td><td class=\"num\">\(row.classRank > 0 ? "\(row.classRank) / \(row.classSize)" : "")</td>"
                    + "<td class=\"num\">\(NumberText.format("%.3f", row.index))</td>"
                    + dimensions.map { name in
                        let score = row.dimensionScores.first { $0.dimension == name }?.score
                        guard let score, score.isFinite else { return "<td></td>" }
                        let width = Int(max(0, min(1, score)) * 60)
                        return "<td class=\"num\">\(NumberText.format("%.2f", score)) <span class=\"bar\" style=\"width:\(width)px\"></span></td>"
                    }.joined() + "<td class=\"num\">\(e(change))</td></tr>"
            }
            html += "</table><details><summary>一句话 One sentence per region</summary><ul>"
            html += rows.map { "<li>\(e($0.sentence))</li>" }.joined() + "</ul></details>"
            if let settings = c.assessmentSettings.first(where: { $0.framework == framework && $0.level == level && $0.year == year }) {
                html += "<details><summary>权重与方法 Weights and choices</summary>" + settingsTable(settings.json) + "</details>"
            }
        }
        return html + "</section>"
    }

    /// Regions down, rank across: a dot at the rank, a whisker over the 5–95 % interval.
    static func rankingChart(_ rows: [AssessmentRow], _ c: Context) -> String {
        let n = max(rows.map(\.regions).max() ?? 1, 1)
        let shown = rows.prefix(60)
        let (left, width, step) = (140.0, 360.0, 14.0)
        let height = Double(shown.count) * step + 24
        func x(_ rank: Int) -> Double { left + (n == 1 ? 0 : Double(rank - 1) / Double(n - 1)) * width }
        var svg = "<svg class=\"chart\" width=\"\(Int(left + width + 20))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"ranks with intervals\">"
        svg += "<text x=\"\(left)\" y=\"12\" class=\"small\">rank 1</text><text x=\"\(left + width - 30)\" y=\"12\" class=\"small\">rank \(n)</text>"
        for (i, row) in shown.enumerated() {
            let y = 24 + Double(i) * step
            svg += "<text x=\"0\" y=\"\(y + 4)\">\(e(String((row.name.isEmpty ? row.region.description : row.name).prefix(10))))</text>"
            if let low = row.rankLow, let high = row.rankHigh, low > 0 {
                svg += "<line x1=\"\(x(low))\" x2=\"\(x(high))\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#a0aec0\" stroke-width=\"2\"/>"
            }
            svg += "<circle cx=\"\(x(row.rank))\" cy=\"\(y)\" r=\"4\" fill=\"#2b6cb0\"><title>\(e(row.sentence))</title></circle>"
        }
        return svg + "</svg>"
    }

    /// The stored settings JSON as a two-column table (nested values as compact JSON).
    static func settingsTable(_ json: String) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return "" }
        return "<table>"
            + object.keys.sorted().map { key in
                let value = object[key]!
                let text =
                    (value as? String)
                    ?? ((try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]))
                        .map { String(decoding: $0, as: UTF8.self) } ?? "")
                return "<tr><th>\(e(key))</th><td>\(e(text))</td></tr>"
            }.joined() + "</table>"
    }
}
