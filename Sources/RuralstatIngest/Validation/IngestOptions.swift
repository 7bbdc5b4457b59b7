import Foundation
import RuralstatModel

/// How a submission is read and checked; a pipeline spec or the command line sets these.
public struct IngestOptions: Sendable {
    /// The character set of text files: detected (UTF-8, else GB18030) unless given.
    public enum Encoding: String, Sendable, CaseIterable {
        case auto, utf8 = "utf-8", gb18030
    }

    /// What to do with rows that break a rule.
    public enum RejectPolicy: Sendable, Hashable {
        /// Reject the bad rows, apply the rest.
        case rows
        /// Reject the whole submission when more than this share of its rows (0…1) is rejected.
        case submissionAbove(errorRate: Double)
    }

    public var encoding: Encoding = .auto
    public var policy: RejectPolicy = .rows
    /// Problems kept in memory for the report; every rejected row still reaches the rejects log.
    public var problemCap = 1_000
    public var components = ComponentMap()
    /// The sender's structure mapped onto ruralstat's; setting it maps the components too.
    public var mapping: StructureMapping? {
        didSet { components = ComponentMap(extra: mapping?.components ?? [:]) }
    }
    public var limits = DecompressionLimits()
    /// Sender ids with their jurisdiction, overriding the digits in the id.
    public var senders: [String: RegionCode] = [:]
    /// The sender to assume when the file names none (plain CSV); `nil` requires one in the file.
    public var defaultSender: Jurisdiction?
    /// A regular expression whose first group, matched against the file name, gives the sender of a
    /// file that names none itself (`^(CN_[0-9]+)_` for `CN_130121_2024.csv`); tried before `defaultSender`.
    public var senderFromFileName: String?
    /// Whether duplicate keys are found while reading (needs memory per row); a store finds them
    /// itself while applying, so ingest into a store turns this off.
    public var detectDuplicates = true
    /// The reading day, against which periods that have not begun are rejected (see ``PeriodWindow``).
    public var today = Date()
    /// Rows per batch handed to the consumer.
    public var batchSize = 65_536

    public init() {}

    /// The fingerprint of what decides how a file is read and checked (not `today`: a rejected file
    /// is not tried again just because a day has passed).
    public var fingerprint: Fingerprint {
        var print = Fingerprint()
        print.add(encoding.rawValue)
        switch policy {
        case .rows: print.add("rows")
        case .submissionAbove(let rate): print.add("above \(rate)")
        }
        print.add(defaultSender.map { "\($0.sender) \($0.root.rawValue)" } ?? "-")
        print.add(senderFromFileName ?? "-")
        for (sender, root) in senders.sorted(by: { $0.key < $1.key }) { print.add("\(sender)=\(root.rawValue)") }
        print.add("\(limits.maxBytes) \(limits.maxRatio) \(limits.ratioGraceBytes)")
        print.add(components.description)
        if let mapping {
            print.add(
                "mapping \(mapping.structure ?? "-") " + mapping.indicators.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))
        }
        return print
    }
}
