import Foundation
import RuralstatModel
import RuralstatStore

/// One self-contained HTML file per run: no script, no network, no font or stylesheet from outside
/// (a bureau intranet reads it offline), in Chinese and English. An overview with coverage and the
/// plan's indicators against their targets, charts as inline SVG, and the data-quality section that
/// evaluators read first: findings by rule, severity, level and region, the worst reporting units,
/// and every finding's explanation in drill-down tables. Everything from submissions is escaped.
public struct HTMLReport {
    public struct Context {
        public var title = "乡村振兴统计报告 · Rural revitalization statistics"
        public var runID: Int64
        public var generated: Date
        public var submissions: Int
        public var catalog: IndicatorCatalog
        public var registry: RegionRegistry?
        public var rollups: [Rollup]
        public var findings: [Finding]
        public var tallies: [RuleTally]
        /// The stored assessment in the report's scope, and the settings of each level and year.
        public var assessment: [AssessmentRow] = []
        public var assessmentSettings: [AssessmentSettings] = []
        /// Explanations shown per rule before the rest is left to findings.csv.
        public var findingsPerRule = 200
        /// The coverage thresholds of the run (publication and withholding), for the heat map's bands.
        public var coveragePublishAt = 0.95
        public var coverageWithholdBelow = 0.5

        public init(
            runID: Int64, generated: Date, submissions: Int, catalog: IndicatorCatalog, registry: RegionRegistry?, rollups: [Rollup],
            findings: [Finding], tallies: [RuleTally]
        ) {
            self.runID = runID
            self.generated = generated
            self.submissions = submissions
            self.catalog = catalog
            self.registry = registry
            self.rollups = rollups
            self.findings = findings
            self.tallies = tallies
        }
    }

    public static func render(_ c: Context) -> String {
        var html = head(c.title)
        html +=
            "<header><h1>\(e(c.title))</h1><p class=\"meta\">run \(c.runID) · \(e(ISO8601DateFormatter().string(from: c.generated))) · "
            + "\(c.submissions) submissions · \(c.rollups.count) rollups · \(c.findings.count) findings</p>"
            + "<nav><a href=\"#overview\">概览 Overview</a> <a href=\"#targets\">目标 Targets</a> <a href=\"#charts\">图表 Charts</a> "
            + "<a href=\"#quality\">数据质量 Data quality</a>"
            + (c.assessment.isEmpty ? "" : " <a href=\"#assessment\">评估 Assessment</a>") + "</nav></header><main>"
        html += overview(c) + targets(c) + charts(c) + assessment(c) + quality(c)
        return html + "</main><footer>ruralstat · \(e(c.catalog.version)) · every figure traces back to manifest.json</footer></body></html>\n"
    }

    static func e(_ text: String) -> String { MarkupText.escape(text) }
    static func n(_ value: Double?) -> String { value.map { $0.isFinite ? TableFiles.number($0) : "" } ?? "" }

    static func name(_ region: RegionCode, _ c: Context) -> String {
        region == .national ? "全国" : c.registry?.unit(region)?.name ?? region.shortDescription
    }

    static func head(_ title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(title))</title>
        <style>
        body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#1a202c;background:#f7fafc}
        header{background:#1a365d;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}.meta{margin:6px 0;opacity:.85;font-size:13px}
        nav a{color:#bee3f8;margin-right:14px;font-size:14px}main{padding:10px 28px;max-width:1200px}
        section{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:14px 18px;margin:16px 0;overflow-x:auto}
        h2{font-size:18px;margin:4px 0 10px}h3{font-size:15px;margin:14px 0 6px}
        table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{border:1px solid #e2e8f0;padding:3px 7px;text-align:left;vertical-align:top}td.num{white-space:nowrap}
        th{background:#edf2f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .bar{display:inline-block;height:9px;background:#2b6cb0;vertical-align:middle}.sev-error{color:#c53030;font-weight:600}.sev-warning{color:#c05621}.sev-info{color:#4a5568}
        .chart text{font-size:11px;fill:#2d3748}.chart .small{font-size:10px}.chart .target{fill:#c53030;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}h4{font-size:13px;margin:2px 0 4px}.card svg{vertical-align:top;margin-right:8px}.grid{display:flex;flex-wrap:wrap;gap:14px}
        .card{border:1px solid #e2e8f0;padding:6px;border-radius:4px}details{margin:6px 0}summary{cursor:pointer;font-weight:600}
        footer{color:#718096;font-size:12px;padding:10px 28px 30px}.note{color:#4a5568;font-size:13px}
        </style></head><body>
        """
    }

    // MARK: Overview

    static func overview(_ c: Context) -> String {
        var html =
            "<section id=\"overview\"><h2>概览 Overview</h2><p class=\"note\">Rollups by province and how complete they are: a rollup resting on "
            + "fewer units than the coverage threshold is published marked partial, under the lower threshold withheld.</p>"
        html += "<table><tr><th>省 Province</th><th>periods</th><th>published</th><th>partial</th><th>withheld</th><th>mean coverage</th></tr>"
        let provinces = Dictionary(grouping: c.rollups.filter { $0.level == .province }, by: \.region)
        for (region, rows) in provinces.sorted(by: { $0.key < $1.key }) {
            let counts = Dictionary(grouping: rows, by: \.publication).mapValues(\.count)
            let coverages = rows.compactMap(\.coverage)
            let mean = coverages.isEmpty ? nil : coverages.reduce(0, +) / Double(coverages.count)
            html +=
                "<tr><td>\(e(name(region, c))) \(e(region.shortDescription))</td><td>\(e(Set(rows.map(\.period.description)).sorted().joined(separator: ", ")))</td>"
                + "<td class=\"num\">\(counts[.published] ?? 0)</td><td class=\"num\">\(counts[.partial] ?? 0)</td><td class=\"num\">\(counts[.withheld] ?? 0)</td>"
                + "<td class=\"num\">\(mean.map { String(format: "%.1f %%", 100 * $0) } ?? "")</td></tr>"
        }
        return html + "</table></section>"
    }

    // MARK: Targets

    static func targets(_ c: Context) -> String {
        let provinces = c.rollups.filter { $0.level == .province || $0.level == .national }
        guard let latest = provinces.map(\.period).max() else { return "" }
        let table = IndicatorTable(
            rollups: provinces.filter { $0.period == latest }, catalog: c.catalog, registry: c.registry,
            levels: [.national, .province])
        let regions = Array(Set(table.rows.map(\.region))).sorted()
        var html =
            "<section id=\"targets\"><h2>指标与目标 The plan's indicators against their targets, \(e(latest.description))</h2>"
            + "<p class=\"note\">Each cell: the value, and the attainment against the target in force (direction-aware, capped at 100 %; ✓ met). "
            + "Targets of quantities that add up (visits, output) are the nation's only.</p><table><tr><th>指标 Indicator</th><th>target</th>"
            + regions.map { "<th>\(e(name($0, c)))</th>" }.joined() + "</tr>"
        for indicator in table.indicators {
            let rows = table.rows.filter { $0.indicator == indicator.code }
            guard let first = rows.first, let target = rows.compactMap(\.target).first else { continue }
            html +=
                "<tr><td>\(e(first.nameZh))<br><span class=\"note\">\(e(first.nameEn))</span></td>"
                + "<td class=\"num\">\(e(target.description)) \(e(first.unit))<br><span class=\"note\">(\(rows.compactMap(\.targetYear).first.map(String.init) ?? ""))</span></td>"
            for region in regions {
                guard let row = rows.first(where: { $0.region == region }) else {
                    html += "<td></td>"
                    continue
                }
                let bar =
                    row.attainment.map {
                        "<br><span class=\"bar\" style=\"width:\(Int($0 * 0.6))px\"></span> \(String(format: "%.0f %%", $0))\(row.meetsTarget == true ? " ✓" : "")"
                    } ?? ""
                html += "<td class=\"num\">\(e(n(row.value)))\(bar)</td>"
            }
            html += "</tr>"
        }
        return html + "</table></section>"
    }

    // MARK: Charts

    static func charts(_ c: Context) -> String {
        var html = "<section id=\"charts\"><h2>图表 Charts</h2>"
        let periods = Set(c.rollups.map(\.period)).sorted()
        guard let latest = periods.last else { return html + "</section>" }
        // Every plan indicator, grouped by the plan's dimensions in the catalog's order: a bar per
        // region against the target in force, and the trend with its targets.
        var dimensions: [String] = []
        var byDimension: [String: [Indicator]] = [:]
        for code in c.catalog.codes {
            // A plan indicator by its dimension; an indicator with targets but no dimension among the others.
            guard let definition = c.catalog.definition(code, year: latest.year) ?? c.catalog.definitions(of: code).last,
                let dimension = definition.dimension ?? (definition.targets.isEmpty ? nil : "其他有目标的指标 Other indicators with targets")
            else { continue }
            if byDimension[dimension] == nil { dimensions.append(dimension) }
            byDimension[dimension, default: []].append(definition)
        }
        for dimension in dimensions {
            html += "<h3>\(e(dimension))</h3><div class=\"grid\">"
            for definition in byDimension[dimension]! { html += indicatorCard(definition, latest: latest, periods: periods, c) }
            html += "</div>"
        }
        // Benford digit distributions of the reporters the screen flagged.
        let benford = c.findings.filter { $0.ruleID == BuiltInRule.benfordFirstDigit }
        if !benford.isEmpty {
            html += "<h3>首位数字 First digits of flagged reporters (bars) against Benford's law (line)</h3><div class=\"grid\">"
            for finding in benford.prefix(6) {
                guard let shares = finding.parameters.numbers("shares") else { continue }
                html +=
                    "<div class=\"card\"><h4>\(e(name(finding.region, c))) \(e(finding.region.shortDescription)) · MAD \(String(format: "%.4f", finding.statistic ?? 0))</h4>"
                    + SVGChart.benford(shares) + "</div>"
            }
            html += "</div>"
        }
        // Coverage by county and indicator.
        let counties = c.rollups.filter { $0.level == .county && $0.period == latest && $0.coverage != nil }
        let reported = Set(c.catalog.definitions.filter { $0.reportedLevels.contains(.village) }.map(\.code))
        let columns = c.catalog.codes.filter { code in reported.contains(code) && counties.contains { $0.indicator == code } }
        let rows = Array(Set(counties.map(\.region))).sorted()
        if !rows.isEmpty && !columns.isEmpty {
            var coverage: [String: Double] = [:]
            for rollup in counties { coverage["\(rollup.region.rawValue)|\(rollup.indicator)"] = rollup.coverage }
            html +=
                "<h3>覆盖率 Coverage by county and indicator, \(e(latest.description))</h3>"
                + SVGChart.heatMap(
                    rows: rows.map { "\(name($0, c)) \($0.shortDescription)" }, columns: columns, publishAt: c.coveragePublishAt,
                    withholdBelow: c.coverageWithholdBelow
                ) { r, col in coverage["\(rows[r].rawValue)|\(columns[col])"] }
        }
        return html + "</section>"
    }

    /// One plan indicator's card: its regions' values in the latest period against the target in force
    /// (a bar per province, or per region of the level below when the report holds one province),
    /// and its trend over the periods (the top region bold, up to seven more) with the plan's targets.
    static func indicatorCard(_ definition: Indicator, latest: Period, periods: [Period], _ c: Context) -> String {
        let code = definition.code
        let shown = c.rollups.filter { $0.indicator == code && $0.value.isFinite && $0.publication != .withheld }
        guard !shown.isEmpty else { return "" }
        let current = shown.filter { $0.period == latest }
        let level = [RegionLevel.province, .prefecture, .county].first { level in current.filter { $0.level == level }.count > 1 } ?? .province
        let bars = current.filter { $0.level == level }.sorted { $0.region < $1.region }
        let target = IndicatorTable.target(definition, year: latest.year)
        var html = "<div class=\"card\"><h4>\(e(definition.nameZh)) \(e(definition.nameEn))</h4>"
        // A target of a quantity that adds up (visits, output) is the nation's: not a line for each region.
        let regional = !definition.kind.isAdditive
        if !bars.isEmpty {
            html += SVGChart.bars(
                bars.map { (name($0.region, c), $0.value) }, unit: definition.scaledUnit,
                reference: regional ? target.1.map { ("目标 target \($0.description) (\(target.0.map(String.init) ?? ""))", $0.value) } : nil)
        }
        if periods.count > 1 {
            // The top of the report's tree first (the nation, or the one province), then up to seven regions below it.
            let top = [RegionLevel.national, .province, .prefecture, .county].first { level in shown.contains { $0.level == level } } ?? .national
            let tops = Array(Set(shown.filter { $0.level == top }.map(\.region))).sorted()
            let below = Array(Set(shown.filter { $0.level == level && level != top }.map(\.region))).sorted()
            // For a quantity that adds up, the nation's line alone meets its targets on one scale.
            let regions = regional || top != .national ? Array((tops + below).prefix(8)) : tops
            let series = regions.map { region in
                (
                    label: name(region, c),
                    points: shown.filter { $0.region == region }.sorted { $0.period < $1.period }.map { (period: $0.period.description, value: $0.value) }
                )
            }
            let targets =
                !regional && top != .national
                ? [] : definition.targets.sorted { $0.key < $1.key }.map { (label: "\($0.key) 目标 \($0.value.description)", value: $0.value.value) }
            html += SVGChart.lines(series, periods: periods.map(\.description), unit: definition.scaledUnit, targets: targets)
        }
        return html + "</div>"
    }

    // MARK: Quality

    static func quality(_ c: Context) -> String {
        var html = "<section id=\"quality\"><h2>数据质量 Data quality</h2>"
        // Items per rule.
        html +=
            "<h3>检查项 Items checked per rule</h3><table><tr><th>rule</th><th>checked</th><th>passed</th><th>failed</th><th>not applicable</th><th>fail rate</th></tr>"
        let byRule = Dictionary(grouping: c.tallies, by: \.ruleID)
        for (rule, tallies) in byRule.sorted(by: { $0.key < $1.key }) {
            let passed = tallies.reduce(0) { $0 + $1.passed }, failed = tallies.reduce(0) { $0 + $1.failed }
            let na = tallies.reduce(0) { $0 + $1.notApplicable }
            html +=
                "<tr><td>\(e(rule))</td><td class=\"num\">\(passed + failed)</td><td class=\"num\">\(passed)</td><td class=\"num\">\(failed)</td>"
                + "<td class=\"num\">\(na)</td><td class=\"num\">\(passed + failed == 0 ? "" : String(format: "%.2f %%", 100 * Double(failed) / Double(passed + failed)))</td></tr>"
        }
        html += "</table>"
        // Findings by rule and severity, by level, by province.
        // Counts and positions, not grouped copies: a store's findings are many (90,000 at 30M rows).
        var families: [String: [Int]] = [:]
        var bySeverity: [String: [Severity: Int]] = [:]
        var byLevel: [RegionLevel: Int] = [:], byProvince: [RegionCode: Int] = [:]
        for (position, finding) in c.findings.enumerated() {
            let family = finding.method == BuiltInRule.editRuleMethod ? "edit rule: \(finding.ruleID)" : finding.ruleID
            families[family, default: []].append(position)
            bySeverity[family, default: [:]][finding.severity, default: 0] += 1
            byLevel[finding.level, default: 0] += 1
            byProvince[finding.region == .national ? RegionCode.national : finding.region.ancestor(at: .province), default: 0] += 1
        }
        html +=
            "<h3>发现 Findings by rule and severity</h3><table><tr><th>rule</th><th class=\"sev-error\">error</th><th class=\"sev-warning\">warning</th><th class=\"sev-info\">info</th></tr>"
        for (rule, counts) in bySeverity.sorted(by: { $0.key < $1.key }) {
            html +=
                "<tr><td>\(e(rule))</td><td class=\"num\">\(counts[.error] ?? 0)</td><td class=\"num\">\(counts[.warning] ?? 0)</td><td class=\"num\">\(counts[.info] ?? 0)</td></tr>"
        }
        html += "</table><div class=\"grid\"><div><h3>by level</h3><table><tr><th>level</th><th>findings</th></tr>"
        for (level, count) in byLevel.sorted(by: { $0.key < $1.key }) {
            html += "<tr><td>\(level.chineseName) \(level)</td><td class=\"num\">\(count)</td></tr>"
        }
        html += "</table></div><div><h3>by province</h3><table><tr><th>province</th><th>findings</th></tr>"
        for (province, count) in byProvince.sorted(by: { $0.key < $1.key }) {
            html += "<tr><td>\(e(name(province, c)))</td><td class=\"num\">\(count)</td></tr>"
        }
        html += "</table></div></div>"
        // The worst reporting units: counties by findings in their subtree, errors weighing most.
        let weight: [Severity: Int] = [.error: 10, .warning: 3, .info: 1]
        var score: [RegionCode: (points: Int, count: Int)] = [:]
        for finding in c.findings where finding.region.level >= .county {
            let county = finding.region.ancestor(at: .county)
            score[county, default: (0, 0)].points += weight[finding.severity] ?? 1
            score[county, default: (0, 0)].count += 1
        }
        html +=
            "<h3>问题最多的报送单位 Reporting units with the most doubtful figures</h3><table><tr><th>county</th><th>findings</th><th>score (error 10, warning 3, info 1)</th></tr>"
        for (county, value) in score.sorted(by: { ($0.value.points, $1.key) > ($1.value.points, $0.key) }).prefix(10) {
            html +=
                "<tr><td>\(e(name(county, c))) \(e(county.shortDescription))</td><td class=\"num\">\(value.count)</td><td class=\"num\">\(value.points)</td></tr>"
        }
        html += "</table><h3>明细 Every finding, by rule</h3>"
        for (rule, rows) in families.sorted(by: { $0.key < $1.key }) {
            html +=
                "<details><summary>\(e(rule)) — \(rows.count)</summary><table><tr><th>severity</th><th>region</th><th>indicator</th><th>period</th>"
                + "<th>observed</th><th>expected</th><th>statistic</th><th>explanation</th></tr>"
            for finding in rows.prefix(c.findingsPerRule).map({ c.findings[$0] }) {
                html +=
                    "<tr><td class=\"sev-\(finding.severity.rawValue)\">\(finding.severity.rawValue)\(finding.tier.map { " \($0.rawValue)" } ?? "")</td>"
                    + "<td>\(e(finding.region.description))</td><td>\(e(finding.indicator ?? ""))</td><td>\(e(finding.period?.description ?? ""))</td>"
                    + "<td class=\"num\">\(e(n(finding.observed)))</td><td class=\"num\">\(e(n(finding.expected)))</td>"
                    + "<td class=\"num\">\(e(finding.statisticName ?? "")) \(e(n(finding.statistic)))</td><td>\(e(finding.explanation))</td></tr>"
            }
            if rows.count > c.findingsPerRule {
                html += "<tr><td colspan=\"8\" class=\"note\">… \(rows.count - c.findingsPerRule) more in quality/findings.csv</td></tr>"
            }
            html += "</table></details>"
        }
        return html + "</section>"
    }
}
