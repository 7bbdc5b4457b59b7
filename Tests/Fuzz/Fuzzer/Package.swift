// swift-tools-version:6.0
import PackageDescription

// The fuzzer: one executable for every entry of RuralstatFuzzEntries (chosen by RURALSTAT_FUZZ_ENTRY),
// built with -sanitize=fuzzer by ../run.sh. A package of its own, so that the product's build never
// meets an executable whose main is libFuzzer's.
let package = Package(
    name: "ruralstat-fuzz",
    dependencies: [.package(name: "ruralstat", path: "../../..")],
    targets: [
        .executableTarget(name: "ruralstat-fuzz", dependencies: [.product(name: "RuralstatFuzzEntries", package: "ruralstat")])
    ],
    swiftLanguageModes: [.v6]
)
