extension IndicatorCatalog {
    /// Loads a catalog from YAML text (the layout of `pipelines/indicators.yaml`).
    ///
    /// Every problem is collected: YAML problems carry the line and key path, whole-catalog problems
    /// the indicator and the field.
    public init(yaml: String, file: String) throws(CatalogLoadError) {
        let (root, sink) = YAMLFields.document(yaml)
        var version = ""
        var definitions: [Indicator] = []
        var window = PeriodWindow()
        if let root {
            version = root.string("version") ?? ""
            if let periods = root.mapping("periods", required: false) {
                window.earliest = periods.int("earliest", required: false) ?? window.earliest
                window.latest = periods.int("latest", required: false)
                if let latest = window.latest, latest < window.earliest {
                    periods.problem("latest", "must not be before earliest (\(window.earliest))")
                }
                periods.rejectUnknownKeys()
            }
            for fields in root.mappings("indicators") ?? [] {
                if let indicator = Indicator(fields: fields) { definitions.append(indicator) }
            }
            root.rejectUnknownKeys()
        }
        guard sink.problems.isEmpty else {
            throw CatalogLoadError(
                file: file,
                problems: sink.problems.map {
                    CatalogProblem(indicator: "-", field: $0.path, message: ($0.line.map { "line \($0): " } ?? "") + $0.message)
                })
        }
        try self.init(version: version, definitions: definitions, periodWindow: window, file: file)
    }
}

extension Indicator {
    /// Reads one indicator entry; records problems in the document and returns `nil` when any field is unusable.
    init?(fields f: YAMLFields) {
        let code = f.string("code")
        if let code, !IndicatorCode.isValid(code) { f.problem("code", "'\(code)' is not an indicator code (A–Z, 0–9, _, starting with a letter)") }
        let nameZh = f.string("name_zh")
        let nameEn = f.string("name_en")
        let unit = f.string("unit")
        var multiplier: Int? = 0
        if let scale = f.string("scale", required: false) {
            multiplier = UnitScale.power(of: scale)
            if multiplier == nil { f.problem("scale", "'\(scale)' is not a scale (1, 十, 百, 千, 万, 亿, or a power of ten)") }
        }
        let kind = f.choice("kind", ValueKind.self)
        let decimals = f.int("decimals", required: false)
        if let decimals, !(0...6).contains(decimals) { f.problem("decimals", "\(decimals) decimals; a table shows 0 to 6") }
        var range: ClosedRange<Double>?
        var rangeOK = true
        if let bounds = f.strings("range", required: false) {
            if bounds.count == 2, let low = Double(bounds[0]), let high = Double(bounds[1]), low <= high {
                range = low...high
            } else {
                f.problem("range", "expected [min, max] with min <= max, got [\(bounds.joined(separator: ", "))]")
                rangeOK = false
            }
        }
        let frequency = f.choice("frequency", Frequency.self, required: false) ?? .annual
        var levels: [RegionLevel] = []
        var levelsOK = true
        for name in f.strings("levels", required: false) ?? [] {
            if let level = RegionLevel(name: name) {
                levels.append(level)
            } else {
                f.problem("levels", "'\(name)' is not a level (village, township, county, prefecture, province, national)")
                levelsOK = false
            }
        }
        var aggregation: AggregationRule?
        if let text = f.string("aggregation") {
            do { aggregation = try AggregationRule(text) } catch { f.problem("aggregation", error.reason) }
        }
        let definitionVersion = f.string("definition_version", required: false) ?? "1"
        let validFrom = f.int("valid_from")
        let validTo = f.int("valid_to", required: false)
        let dimension = f.string("dimension", required: false)
        let direction = f.choice("direction", Direction.self, required: false)
        let nature = f.choice("nature", TargetNature.self, required: false)
        var baseline: (Int, Target)?
        if let base = f.mapping("baseline", required: false) {
            if let year = base.int("year"), let text = base.string("value") {
                if let target = Target(text) { baseline = (year, target) } else { base.problem("value", "'\(text)' is not a target such as 90, >90 or >=6.5") }
            }
            base.rejectUnknownKeys()
        }
        var targets: [Int: Target] = [:]
        for (yearText, text) in f.pairs("targets", required: false) ?? [] {
            guard let year = Int(yearText) else {
                f.problem("targets", "'\(yearText)' is not a year")
                continue
            }
            guard let target = Target(text) else {
                f.problem("targets", "target for \(year) '\(text)' is not a target such as 90, >90 or >=6.5")
                continue
            }
            targets[year] = target
        }
        f.rejectUnknownKeys()
        guard let code, let nameZh, let nameEn, let unit, let multiplier, let kind, let aggregation, let validFrom,
            rangeOK, levelsOK, decimals.map({ (0...6).contains($0) }) ?? true
        else { return nil }
        self.init(
            code: code, definitionVersion: definitionVersion, validFrom: validFrom, validTo: validTo,
            nameZh: nameZh, nameEn: nameEn, dimension: dimension, unit: unit, unitMultiplier: multiplier,
            kind: kind, decimals: decimals, validRange: range, frequency: frequency, reportedLevels: levels,
            aggregation: aggregation, direction: direction, nature: nature, baseline: baseline, targets: targets)
    }
}
