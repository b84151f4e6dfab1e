// swift-tools-version: 6.1
// Vigil's benchmarks (ordo-one/benchmark), kept out of the main build.
//   cd Benchmarks && swift package benchmark                      # all targets
//   cd Benchmarks && swift package benchmark --target IngestBenchmarks
// To add a suite: create Benchmarks/<Name>/<Name>.swift defining `let benchmarks = { … }`, then add
// `benchmarkTarget("<Name>", dependencies: [...])` to `targets` below.
import PackageDescription

/// The root package, by path; named so products resolve whatever the checkout directory is called.
let vigil = "vigil"

func benchmarkTarget(_ name: String, dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark")] + dependencies,
        path: name,
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "VigilBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: vigil, path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
    ],
    targets: [
        benchmarkTarget("DetectionBenchmarks", dependencies: [
            .product(name: "VigilDetection", package: vigil),
            .product(name: "VigilEvents", package: vigil),
        ]),
        benchmarkTarget("IngestBenchmarks", dependencies: [
            .product(name: "VigilIngest", package: vigil),
            .product(name: "VigilEvents", package: vigil),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // Not a benchmark: the detection corpus as a plain executable, for callgrind and perf
        // (swift build -c release --product DetectionProfile; .build/release/DetectionProfile mixed|quiet|corr [n] [stream]).
        .executableTarget(
            name: "DetectionProfile",
            dependencies: [.product(name: "VigilDetection", package: vigil), .product(name: "VigilEvents", package: vigil)],
            path: "DetectionProfile"
        ),
    ]
)
