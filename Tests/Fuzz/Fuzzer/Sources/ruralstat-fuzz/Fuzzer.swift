import Foundation
import RuralstatFuzzEntries

/// The entry this process fuzzes, from RURALSTAT_FUZZ_ENTRY.
let entry: FuzzEntry = {
    let name = ProcessInfo.processInfo.environment["RURALSTAT_FUZZ_ENTRY"] ?? ""
    guard let entry = FuzzEntry(rawValue: name) else {
        fatalError("set RURALSTAT_FUZZ_ENTRY to one of \(FuzzEntry.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return entry
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    entry.run(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}

// SwiftPM links an executable's entry point under the name <module>_main; libFuzzer's main is not
// it, so the entry point hands over to libFuzzer's driver with the callback above.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

@_cdecl("ruralstat_fuzz_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { start, size in fuzzOneInput(start, size) }
}
