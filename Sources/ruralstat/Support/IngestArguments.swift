import ArgumentParser
import Foundation
import RuralstatIngest
import RuralstatModel

/// The options every command that reads submissions shares.
struct IngestArguments: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The sender for files that name none in a header or a file name: a region code (4419), a sender id ending in one (CN_441900), or 'national'. A sender the file names must lie within it.",
            valueName: "sender"))
    var sender: String?

    @Option(
        name: .customLong("sender-from-file-name"),
        help: ArgumentHelp(
            "A pattern whose first group, matched against a file's name, gives the sender of a file whose header names none, as the nightly run's sources do; 'none' turns it off.",
            valueName: "pattern"))
    var senderPattern = "^(CN_[0-9]+)_"

    @Option(help: "The character set of CSV files: auto (UTF-8, else GB18030; UTF-16 by its mark), utf-8 or gb18030.")
    var encoding: IngestOptions.Encoding = .auto

    @Option(
        help: ArgumentHelp(
            "Reject a whole file when more than this share of its rows is rejected (0–1); by default only the bad rows are rejected.", valueName: "rate"))
    var maxErrorRate: Double?

    @Option(help: "How many problems to list per file (every rejected row still goes to the rejects log).")
    var maxProblems = 1_000

    @Option(
        help: ArgumentHelp(
            "A structure mapping (YAML): the senders' component ids and indicator codes for ruralstat's, for files of another SDMX structure.",
            valueName: "file"))
    var mapping: String?

    /// The options, with the mapping's indicator codes checked against `catalog`.
    func options(catalog: IndicatorCatalog) throws -> IngestOptions {
        var options = IngestOptions()
        if let mapping {
            let loaded = try StructureMapping(contentsOfFile: mapping)
            try loaded.check(against: catalog)
            options.mapping = loaded
        }
        options.encoding = encoding
        options.problemCap = maxProblems
        if let maxErrorRate {
            guard (0...1).contains(maxErrorRate) else { throw ValidationError("--max-error-rate takes a share between 0 and 1") }
            options.policy = .submissionAbove(errorRate: maxErrorRate)
        }
        if let sender {
            if sender.lowercased() == "national" {
                options.defaultSender = Jurisdiction(sender: sender, root: .national)
            } else if let resolved = Jurisdiction.resolve(sender: sender) {
                options.defaultSender = resolved
            } else {
                throw ValidationError(
                    "--sender '\(EchoText.quote(sender))' is neither a region code (4419), a sender id ending in one (CN_441900), nor 'national'")
            }
        }
        if senderPattern != "none" {
            guard let expression = try? NSRegularExpression(pattern: senderPattern), expression.numberOfCaptureGroups >= 1 else {
                throw ValidationError(
                    "--sender-from-file-name '\(EchoText.quote(senderPattern))' is not a regular expression with a group ( … ) around the sender")
            }
            options.senderFromFileName = senderPattern
        }
        return options
    }
}

extension IngestOptions.Encoding: ExpressibleByArgument {}
