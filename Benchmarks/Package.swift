// swift-tools-version:6.1
// Micro-benchmarks of the import's hot loops (ordo-one/benchmark). A separate package, so
// that the main build and `make test` do not build the benchmark tooling.
// Run: `make bench`, or `cd Benchmarks && swift package --allow-writing-to-package-directory benchmark`.
import PackageDescription

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Observatoire360", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Chaud",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ObservatoireLecture", package: "Observatoire360"),
            ],
            path: "Benchmarks/Chaud",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
