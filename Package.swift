// swift-tools-version:6.0
import PackageDescription

// The module graph follows the data flow; each module depends only on modules up-stream of it:
//
//   RuralstatModel ← RuralstatIngest      (readers, validation)
//                  ← RuralstatStore       (the IndicatorStore protocol; SQLite through GRDB)
//                       ← RuralstatServerStore (PostgreSQL through postgres-nio: schema, roles, row-level security)
//                  ← RuralstatAggregate   (partitions, rollups)  ┐
//                  ← RuralstatRules       (the edit-rule language) ┴ ← RuralstatQuality (checks, findings)
//                  ← RuralstatAssessment  (composite index, uncertainty, spot check; uses the aggregate core's workers)
//                  ← RuralstatReport      (tables, SDMX, HTML; reads a store)  ← RuralstatSampleData (a tool beside the flow)
//   RuralstatPipeline (orchestration; opens either store by its location) ← every stage;  ruralstat (a thin CLI) ← RuralstatPipeline and the stages.
//
// RuralstatSystem (the C library) and the system-library shims sit below them all.
let package = Package(
    name: "ruralstat",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ruralstat", targets: ["ruralstat"]),
        // The stages as libraries, for the benchmarks (Benchmarks/, a package of their own) and for embedding.
        .library(name: "RuralstatModel", targets: ["RuralstatModel"]),
        .library(name: "RuralstatSystem", targets: ["RuralstatSystem"]),
        .library(name: "RuralstatIngest", targets: ["RuralstatIngest"]),
        .library(name: "RuralstatRules", targets: ["RuralstatRules"]),
        .library(name: "RuralstatStore", targets: ["RuralstatStore"]),
        .library(name: "RuralstatAggregate", targets: ["RuralstatAggregate"]),
        .library(name: "RuralstatQuality", targets: ["RuralstatQuality"]),
        .library(name: "RuralstatAssessment", targets: ["RuralstatAssessment"]),
        .library(name: "RuralstatReport", targets: ["RuralstatReport"]),
        .library(name: "RuralstatPipeline", targets: ["RuralstatPipeline"]),
        // What the fuzzers of Tests/Fuzz (a package of their own, built with -sanitize=fuzzer) feed.
        .library(name: "RuralstatFuzzEntries", targets: ["RuralstatFuzzEntries"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // System libraries, each behind a tiny shim (see ../shared/reference/swift-build-notes.md).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "SystemZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // Intel ISA-L's igzip: inflates gzip about four times as fast as zlib (W1's file: 0.25 s against 1.1 s
        // of CPU), streaming, with the gzip trailer's CRC-32 checked.
        .systemLibrary(
            name: "CIgzip",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        .systemLibrary(
            name: "CXLSXWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // Vector byte scanning for the CSV reader (SSE2 or NEON, a scalar loop elsewhere).
        .target(name: "CByteScan"),

        // The C library (Glibc or Darwin), imported in one place.
        .target(name: "RuralstatSystem"),

        // The domain: region codes, the registry, periods, the indicator catalog, observation batches.
        .target(
            name: "RuralstatModel",
            dependencies: ["RuralstatSystem", .product(name: "Yams", package: "Yams")]
        ),
        // Reading what reporting units send: byte sources, CSV and SDMX readers, validation.
        .target(
            name: "RuralstatIngest",
            dependencies: [
                "RuralstatModel", "RuralstatSystem", "CIgzip", "CLibXML2", "CByteScan", .product(name: "Crypto", package: "swift-crypto"),
            ],
            // Measured (Benchmarks/ingest.sh, 10M-row CSV): without this flag, reading and validating
            // takes 1.7 s against 1.3 s, with the per-row state already held in values (RowChecks);
            // the other targets no longer need it. Debug builds (and so the tests) keep the checks.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // SQLite's process-wide settings, which only C can make (sqlite3_config is variadic).
        .target(name: "CSQLiteSettings", linkerSettings: [.linkedLibrary("sqlite3")]),
        // The indicator store (SQLite through GRDB) behind a narrow protocol.
        .target(
            name: "RuralstatStore",
            dependencies: [
                "RuralstatModel", "RuralstatSystem", "CSQLiteSettings", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // The server store: PostgreSQL through postgres-nio, its schema, and row-level security by
        // jurisdiction. Apart from RuralstatStore so that what needs no server builds without SwiftNIO.
        .target(
            name: "RuralstatServerStore",
            dependencies: [
                "RuralstatModel", "RuralstatStore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The data-parallel core: columnar partitions and regional rollups.
        .target(
            name: "RuralstatAggregate",
            dependencies: ["RuralstatModel"]
        ),
        // The evaluators' edit-rule language: lexer, parser, compiled column-wise evaluation,
        // explanations, and the YAML rule sets.
        .target(name: "RuralstatRules", dependencies: ["RuralstatModel"]),
        // Quality checks on the same partitions: findings with the numbers that explain them.
        .target(
            name: "RuralstatQuality",
            dependencies: ["RuralstatModel", "RuralstatRules", "RuralstatAggregate", "RuralstatSystem"]
        ),
        // The yearly assessment (Art. 19, 23): composite index by class, its uncertainty, the spot-check draw.
        .target(name: "RuralstatAssessment", dependencies: ["RuralstatModel", "RuralstatAggregate"]),
        // Tables, SDMX and HTML for people and for the level above.
        .target(
            name: "RuralstatReport",
            dependencies: ["RuralstatModel", "RuralstatStore", "SystemZlib", "CXLSXWriter"]),
        // Realistic submissions with planted anomalies and their ground truth (beside the flow: a tool).
        .target(name: "RuralstatSampleData", dependencies: ["RuralstatModel", "RuralstatReport", "RuralstatSystem"]),
        // Orchestration: the ingest, rollup, quality and report stages, the nightly run, the ledger.
        .target(
            name: "RuralstatPipeline",
            dependencies: [
                "RuralstatModel", "RuralstatSystem", "RuralstatIngest", "RuralstatStore", "RuralstatServerStore", "RuralstatAggregate",
                "RuralstatRules", "RuralstatQuality", "RuralstatAssessment", "RuralstatReport", "RuralstatSampleData",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "ruralstat",
            dependencies: [
                "RuralstatModel", "RuralstatIngest", "RuralstatStore", "RuralstatAggregate", "RuralstatRules", "RuralstatAssessment", "RuralstatPipeline",
                "RuralstatReport",
                "RuralstatSampleData",
                "RuralstatServerStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The fuzz targets' entries and their properties; swift test runs them on the committed corpora.
        .target(
            name: "RuralstatFuzzEntries", dependencies: ["RuralstatIngest", "RuralstatModel", "RuralstatRules", "RuralstatPipeline"], path: "Tests/Fuzz/Entries"
        ),
        .testTarget(name: "RuralstatFuzzTests", dependencies: ["RuralstatFuzzEntries", "RuralstatIngest", "TestSupport"]),

        // Helpers the test targets share: temporary folders, a seeded random generator.
        .target(
            name: "TestSupport",
            dependencies: [
                "RuralstatModel", "RuralstatStore", "RuralstatServerStore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/TestSupport"),
        .testTarget(name: "RuralstatModelTests", dependencies: ["RuralstatModel", "RuralstatIngest", "TestSupport"]),
        .testTarget(name: "RuralstatRulesTests", dependencies: ["RuralstatRules", "RuralstatModel", "RuralstatIngest", "TestSupport"]),
        .testTarget(name: "RuralstatIngestTests", dependencies: ["RuralstatIngest", "RuralstatModel", "TestSupport", "RuralstatFuzzEntries"]),
        .testTarget(name: "RuralstatStoreTests", dependencies: ["RuralstatStore", "RuralstatModel", "RuralstatIngest", "TestSupport"]),
        .testTarget(
            name: "RuralstatServerStoreTests",
            dependencies: [
                "RuralstatServerStore", "RuralstatStore", "RuralstatModel", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(name: "RuralstatAggregateTests", dependencies: ["RuralstatAggregate", "RuralstatModel", "TestSupport"]),
        // Golden/ holds Banff's numbers, read by path.
        .testTarget(
            name: "RuralstatQualityTests", dependencies: ["RuralstatQuality", "RuralstatRules", "RuralstatAggregate", "RuralstatModel", "TestSupport"],
            exclude: ["Golden"]),
        .testTarget(name: "RuralstatAssessmentTests", dependencies: ["RuralstatAssessment", "RuralstatModel", "TestSupport"]),
        .testTarget(
            name: "RuralstatReportTests",
            dependencies: [
                "RuralstatReport", "RuralstatIngest", "RuralstatModel", "TestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .testTarget(
            name: "RuralstatSampleDataTests",
            dependencies: ["RuralstatSampleData", "RuralstatPipeline", "RuralstatRules", "RuralstatIngest", "RuralstatModel", "TestSupport"]),
        .testTarget(
            name: "RuralstatPipelineTests",
            dependencies: [
                "RuralstatPipeline", "RuralstatReport", "RuralstatQuality", "RuralstatStore", "RuralstatModel", "RuralstatIngest", "RuralstatAggregate",
                "TestSupport",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
