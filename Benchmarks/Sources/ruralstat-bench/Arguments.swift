import Foundation
import RuralstatSystem

func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// User and system CPU seconds of the whole process so far (every thread).
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    let seconds = { (time: timeval) in Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ruralstat-bench: \(message)\n".utf8))
    exit(2)
}

/// Options given as `--name value` (only the `known` ones); anything else is a file.
struct Arguments {
    var options: [String: [String]] = [:]
    var files: [String] = []

    init(_ arguments: ArraySlice<String>, known: Set<String>) {
        var rest = arguments
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--") else {
                files.append(argument)
                continue
            }
            guard known.contains(argument) else { fail("unknown option \(argument) (known: \(known.sorted().joined(separator: ", ")))") }
            guard let value = rest.popFirst() else { fail("option \(argument) needs a value") }
            options[argument, default: []].append(value)
        }
    }

    func value(_ name: String) -> String? { options[name]?.last }

    /// The values of an option the command cannot do without (it may be repeated).
    func required(_ name: String) -> [String] {
        guard let values = options[name] else { fail("option \(name) is needed") }
        return values
    }

    /// A whole number of at least 1, or `default` when the option is not given.
    func count(_ name: String, default: Int) -> Int {
        guard let text = value(name) else { return `default` }
        guard let number = Int(text), number >= 1 else { fail("option \(name) needs a whole number of at least 1, not '\(text)'") }
        return number
    }
}

/// Seconds of each repetition of `body`, which runs `repeats` times.
func timings(_ repeats: Int, _ body: () -> Void) -> [Double] {
    (0..<repeats).map { _ in
        let started = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }
}

func stageLine(_ stage: String, _ seconds: [Double], rows: Int) -> String {
    let sorted = seconds.sorted()
    return String(
        format: #"{"stage": "%@", "rows": %d, "median_s": %.4f, "min_s": %.4f, "max_s": %.4f, "repeats": %d}"#,
        stage, rows, sorted[sorted.count / 2], sorted[0], sorted[sorted.count - 1], sorted.count)
}
