import Foundation
import RuralstatModel
import RuralstatReport
import RuralstatSystem

/// One county's submission for one year, in the format its turn gives it.
struct SubmissionFile {
    let reporter: RegionCode
    let period: Period
    let format: SubmissionFormat
    let gzip: Bool
    let gb18030: Bool
    let messageID: String
    let prepared: Date
    let action: Action

    /// The sender id in SDMX headers (`CN_` and the county's six digits), which also names the file.
    var sender: String { "CN_" + reporter.description.prefix(6) }

    init(reporter: RegionCode, reporterIndex: Int, period: Period, year: Int, options: SampleDataGenerator.Options, late: Bool) {
        self.reporter = reporter
        self.period = period
        let formats = SampleDataGenerator.formatRotation
        var format = formats[(reporterIndex + year) % formats.count]
        // A late file needs a header that says when it was prepared; rejected rows are easiest to see in plain CSV.
        if late { format = .sdmxStructureSpecific21 }
        if options.rejectedRows && reporterIndex == 1 && year == 0 { format = .csvLong }
        gb18030 = reporterIndex == 0 && year == 0
        if gb18030 { format = .csvLong }
        self.format = format
        gzip = !gb18030 && (reporterIndex + 2 * year) % 3 == 0
        messageID = "RR-\(reporter.description.prefix(6))-\(period)-1"
        var random = SeededRandom(options.seed, reporter.rawValue, Int64(year), 40)
        let yearEnd = Self.startOfYear(period.year + 1)
        prepared =
            late
            ? yearEnd.addingTimeInterval(Double(options.deadlineDays + Int.random(in: 5...40, using: &random)) * 86_400)
            : yearEnd.addingTimeInterval(Double(Int.random(in: 8...(options.deadlineDays - 10), using: &random)) * 86_400 + 9 * 3_600)
        action = .append
    }

    private init(revisionOf original: SubmissionFile) {
        reporter = original.reporter
        period = original.period
        format = .sdmxStructureSpecific21
        gzip = false
        gb18030 = false
        messageID = "RR-\(original.reporter.description.prefix(6))-\(original.period)-2"
        prepared = original.prepared.addingTimeInterval(6 * 86_400)
        action = .append
    }

    /// A second submission of a county for a year that corrects three villages' population.
    static func revision(
        reporter: RegionCode, period: Period, values: [Int64: [String: Double]], units: ArraySlice<SampleRegistry.Unit>,
        options: SampleDataGenerator.Options
    ) -> Revision {
        let original = SubmissionFile(reporter: reporter, reporterIndex: 2, period: period, year: 1, options: options, late: false)
        let villages = units.filter { $0.code.level == .village }.prefix(3)
        let rows = villages.compactMap { unit in
            values[unit.code.rawValue]?["POPULATION"].map { (unit.code, "POPULATION", ($0 * 1.02).rounded()) }
        }
        return Revision(file: SubmissionFile(revisionOf: original), rows: rows)
    }

    struct Revision {
        let file: SubmissionFile
        let rows: [(RegionCode, String, Double)]

        func write(into folder: String) throws -> (path: String, observations: Int) {
            try file.write(rows, into: folder, rejectedRows: false, suffix: "_revised")
        }
    }

    static func startOfYear(_ year: Int) -> Date {
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, 1, 1)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: components)!
    }

    var fileExtension: String { format.fileExtension }

    /// Writes the rows and returns the path and how many observations went in.
    func write(_ rows: [(RegionCode, String, Double)], into folder: String, rejectedRows: Bool, suffix: String = "") throws -> (path: String, observations: Int)
    {
        let path = "\(folder)/\(sender)_\(period)\(suffix)\(gb18030 ? "_gb18030" : "").\(fileExtension)\(gzip ? ".gz" : "")"
        switch format {
        case .csvLong where gb18030:
            var text = "地区代码,指标代码,时期,数值\n"
            for (region, indicator, value) in rows { text += "\(region),\(indicator),\(period),\(NumberText.shortest(value))\n" }
            try Data(try Self.gb18030(text)).write(to: URL(fileURLWithPath: path))
        case .csvLong:
            let writer = try CSVWriter(path: path, header: ["region", "indicator", "period", "value"])
            for (region, indicator, value) in rows {
                writer.field(region: region.rawValue)
                writer.field(indicator)
                writer.field(period.description)
                writer.field(value)
                writer.endRow()
            }
            if rejectedRows {
                // Three rows the ingest must reject: an unknown village, a negative count, an unknown indicator.
                let village = rows.first { $0.0.level == .village }?.0 ?? reporter
                for (region, indicator, value) in [
                    (reporter.rawValue + 101_999, "HOUSEHOLDS", 300.0), (village.rawValue, "HOUSEHOLDS", -5),
                    (village.rawValue, "HOUSEHOLD", 300),
                ] {
                    writer.field(region: region)
                    writer.field(indicator)
                    writer.field(period.description)
                    writer.field(value)
                    writer.endRow()
                }
            }
            try writer.close()
        case .csvWide:
            let indicators = Array(Set(rows.map(\.1))).sorted()
            let column = Dictionary(uniqueKeysWithValues: indicators.enumerated().map { ($1, $0) })
            let writer = try CSVWriter(path: path, header: ["region", "period"] + indicators)
            var index = 0
            while index < rows.count {
                let region = rows[index].0
                var cells = [Double?](repeating: nil, count: indicators.count)
                while index < rows.count, rows[index].0 == region {
                    cells[column[rows[index].1]!] = rows[index].2
                    index += 1
                }
                writer.field(region: region.rawValue)
                writer.field(period.description)
                for cell in cells { writer.field(cell) }
                writer.endRow()
            }
            try writer.close()
        case .sdmxStructureSpecific21, .sdmxGeneric21, .sdmxStructureSpecific30, .sdmxCSV10, .sdmxCSV20:
            let writer = try SDMXWriter(format: format, header: SDMXMessageHeader(id: messageID, sender: sender, prepared: prepared), path: path)
            try writer.beginDataSet(action: action)
            // Series group a unit's figures by indicator: write them indicator-major within the unit.
            for (region, indicator, value) in rows {
                try writer.write(SDMXObservation(region: region, indicator: indicator, period: period, value: value, status: "A"))
            }
            try writer.finish()
        }
        return (path, rows.count)
    }

    /// UTF-8 text as GB18030 bytes (iconv), as a Chinese office's tools would save it.
    static func gb18030(_ text: String) throws -> [UInt8] {
        let converter = iconv_open("GB18030", "UTF-8")
        guard converter != iconv_t(bitPattern: -1) else { throw OutputError(path: "", message: "iconv has no GB18030") }
        defer { iconv_close(converter) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        let written: Int = try input.withUnsafeMutableBufferPointer { source in
            try output.withUnsafeMutableBufferPointer { target in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(source.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(target.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = source.count, outLeft = target.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1 else {
                    throw OutputError(path: "", message: "text cannot be written in GB18030")
                }
                return target.count - outLeft
            }
        }
        return Array(output.prefix(written))
    }
}
