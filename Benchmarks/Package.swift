// swift-tools-version:6.0
import PackageDescription

// ruralstat-bench: performance tools, kept apart from the product (as swift-nio keeps its own) in a
// package of their own over the product's libraries. The scripts beside this file build it:
//   swift build --package-path Benchmarks -c release
let package = Package(
    name: "ruralstat-bench",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "ruralstat", path: "..")],
    targets: [
        .executableTarget(
            name: "ruralstat-bench",
            dependencies: [
                .product(name: "RuralstatModel", package: "ruralstat"),
                .product(name: "RuralstatSystem", package: "ruralstat"),
                .product(name: "RuralstatIngest", package: "ruralstat"),
                .product(name: "RuralstatAggregate", package: "ruralstat"),
                .product(name: "RuralstatRules", package: "ruralstat"),
                .product(name: "RuralstatQuality", package: "ruralstat"),
                .product(name: "RuralstatAssessment", package: "ruralstat"),
                .product(name: "RuralstatReport", package: "ruralstat"),
                .product(name: "RuralstatPipeline", package: "ruralstat"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
