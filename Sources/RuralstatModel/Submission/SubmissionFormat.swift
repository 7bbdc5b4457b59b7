/// The formats of a data message: what reporting units send (told apart by content, not by file
/// name), and, for the SDMX ones, what ruralstat writes for the level above (Art. 20).
public enum SubmissionFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// One observation a line: region, indicator, period, value and optional attributes.
    case csvLong = "csv-long"
    /// One region and period a line, one column an indicator.
    case csvWide = "csv-wide"
    /// SDMX-CSV 1.0.
    case sdmxCSV10 = "sdmx-csv-1.0"
    /// SDMX-CSV 2.0.
    case sdmxCSV20 = "sdmx-csv-2.0"
    /// SDMX-ML 2.1 generic data.
    case sdmxGeneric21 = "sdmx-ml-2.1-generic"
    /// SDMX-ML 2.1 structure-specific data.
    case sdmxStructureSpecific21 = "sdmx-ml-2.1-structure-specific"
    /// SDMX-ML 3.0 structure-specific data.
    case sdmxStructureSpecific30 = "sdmx-ml-3.0-structure-specific"

    /// The SDMX serialisations, which ruralstat also writes.
    public static let sdmx: [SubmissionFormat] = [.sdmxGeneric21, .sdmxStructureSpecific21, .sdmxStructureSpecific30, .sdmxCSV10, .sdmxCSV20]

    /// Whether the format is an SDMX one: all but the two plain CSV layouts.
    public var isSDMX: Bool { self != .csvLong && self != .csvWide }

    /// Whether the file is comma-separated text (the plain layouts and SDMX-CSV); the rest are SDMX-ML.
    public var isCSV: Bool { self == .csvLong || self == .csvWide || self == .sdmxCSV10 || self == .sdmxCSV20 }

    /// The usual file extension.
    public var fileExtension: String { isCSV ? "csv" : "xml" }
}
