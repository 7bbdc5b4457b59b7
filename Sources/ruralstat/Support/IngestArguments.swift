import ArgumentParser
import RuralstatIngest
import RuralstatModel

/// The options every command that reads submissions shares.
struct IngestArguments: ParsableArguments {
    @Option(help: ArgumentHelp("The sender's region (a code such as 4419, or 'national') for files whose header names none; a header's sender must lie within it.", valueName: "code"))
    var sender: String?

    @Option(help: "The character set of CSV files: auto (UTF-8, else GB18030), utf-8 or gb18030.")
    var encoding: IngestOptions.Encoding = .auto

    @Option(help: ArgumentHelp("Reject a whole file when more than this share of its rows is rejected (0–1); by default only the bad rows are rejected.", valueName: "rate"))
    var maxErrorRate: Double?

    @Option(help: "How many problems to list per file (every rejected row still goes to the rejects log).")
    var maxProblems = 1_000

    func options() throws -> IngestOptions {
        var options = IngestOptions()
        options.encoding = encoding
        options.problemCap = maxProblems
        if let maxErrorRate {
            guard (0...1).contains(maxErrorRate) else { throw ValidationError("--max-error-rate takes a share between 0 and 1") }
            options.policy = .submissionAbove(errorRate: maxErrorRate)
        }
        if let sender {
            let root = sender.lowercased() == "national" ? RegionCode.national : try RegionCode(sender)
            options.defaultSender = Jurisdiction(sender: sender, root: root)
        }
        return options
    }
}

extension IngestOptions.Encoding: ExpressibleByArgument {}
