// swift-tools-version:6.1
// Observatoire 360 — pipeline batch : lecture → validation → stockage → calcul → restitution.
import PackageDescription

/// The shared core and the stages (import = read + validate, store, compute, render) that the
/// monthly run, the CLI and the tests all wire together.
let etapes: [Target.Dependency] = [
    "ObservatoireCore",
    "ObservatoireStore",
    "ObservatoireImport",
    "ObservatoireIndicateurs",
    "ObservatoireConsolidation",
    "ObservatoireRapports",
]

let package = Package(
    name: "Observatoire360",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "c360", targets: ["c360"]),
        // For the micro-benchmarks of Benchmarks/ (a separate package).
        .library(name: "ObservatoireLecture", targets: ["ObservatoireCore", "ObservatoireImport", "ObservatoireDemo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // libxlsxwriter (C), found through pkg-config; the Makefile installs it when missing.
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // GLPK (C, Debian's libglpk-dev, which has no pkg-config file): the linear programmes of
        // the small-count audit. The Makefile installs it when missing.
        .systemLibrary(
            name: "CGLPK",
            providers: [.apt(["libglpk-dev"])]
        ),
        // cmark, the CommonMark reference library (C, linear time), for the narrative and the
        // methodology; found through pkg-config, installed by the Makefile when missing.
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        // Domain values, configuration, workspace, normalisation rules shared by every stage.
        .target(
            name: "ObservatoireCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Process-wide SQLite settings (a C shim: sqlite3_config is variadic).
        .target(
            name: "CReglagesSQLite",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        // Store: the SQLite schema (GRDB migrations), the import ledger and the rejects.
        .target(
            name: "ObservatoireStore",
            dependencies: [
                "ObservatoireCore",
                "CReglagesSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // Read and validate: CSV and XLSX readers, mapping profiles, validation, import runs.
        .target(
            name: "ObservatoireImport",
            dependencies: [
                "ObservatoireCore",
                "ObservatoireStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // Compute: runs the SQL files of Queries/ and builds the indicator table.
        .target(
            name: "ObservatoireIndicateurs",
            dependencies: [
                "ObservatoireCore",
                "ObservatoireStore",
                "CGLPK",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("../../Queries")]
        ),
        // Consolidate: reads the C360s' published (externe) indicator exchange files, checks them,
        // and builds the regional or national figures from published numbers only.
        .target(
            name: "ObservatoireConsolidation",
            dependencies: [
                "ObservatoireCore",
                "ObservatoireIndicateurs",
            ],
            resources: [.copy("departements.csv")]
        ),
        // Render: XLSX (libxlsxwriter), HTML and SVG from the templates of Reports/.
        .target(
            name: "ObservatoireRapports",
            dependencies: [
                "ObservatoireCore",
                "ObservatoireStore",
                "ObservatoireIndicateurs",
                "ObservatoireConsolidation",
                "CXlsxWriter",
                "CCmark",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("../../Reports")]
        ),
        // Synthetic canonical exports for demos, tests and benchmarks.
        .target(
            name: "ObservatoireDemo",
            dependencies: ["ObservatoireCore"]
        ),
        // The scheduled monthly run: inbox, archives, errors, reports.
        .target(
            name: "ObservatoireExecution",
            dependencies: etapes + [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The command-line tool: it only wires the stages together.
        .executableTarget(
            name: "c360",
            dependencies: etapes + [
                "ObservatoireExecution",
                "ObservatoireDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ObservatoireTests",
            dependencies: etapes + [
                "c360",
                "ObservatoireExecution",
                "ObservatoireDemo",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
