/// The formats a submission may come in, told apart by content, not by file name.
public enum SubmissionFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case csvLong = "csv-long"
    case csvWide = "csv-wide"
    case sdmxCSV10 = "sdmx-csv-1.0"
    case sdmxCSV20 = "sdmx-csv-2.0"
    case sdmxGeneric21 = "sdmx-ml-2.1-generic"
    case sdmxStructureSpecific21 = "sdmx-ml-2.1-structure-specific"
    case sdmxStructureSpecific30 = "sdmx-ml-3.0-structure-specific"
}
