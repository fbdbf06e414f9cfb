// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "arptop",
    products: [
        .executable(name: "arptop", targets: ["arptop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // The contract between the BPF programs and Swift: one C header.
        .target(name: "ArptopABI", path: "Sources/ArptopABI"),

        // Thin C edges: the only code that includes libbpf and ncurses headers.
        .target(
            name: "CLibbpf",
            path: "Sources/CLibbpf",
            linkerSettings: [.linkedLibrary("bpf"), .linkedLibrary("elf"), .linkedLibrary("z")]
        ),
        .target(
            name: "CNcurses",
            path: "Sources/CNcurses",
            cSettings: [.define("_XOPEN_SOURCE_EXTENDED"), .define("NCURSES_WIDECHAR", to: "1")],
            linkerSettings: [.linkedLibrary("ncursesw")]
        ),

        // Pure Swift: event model, aggregation, decoding, output formats, recordings.
        .target(
            name: "ArptopCore",
            dependencies: [
                .product(name: "Collections", package: "swift-collections"),
            ],
            path: "Sources/ArptopCore"
        ),
        // Pure Swift: UI state, key handling, screen rendering into a cell grid.
        .target(
            name: "ArptopUI",
            dependencies: ["ArptopCore"],
            path: "Sources/ArptopUI"
        ),
        // The only libbpf user: loads BPF/arptop.bpf.c (compiled and embedded at build time).
        .target(
            name: "KernelProbes",
            dependencies: [
                "ArptopABI", "CLibbpf", "ArptopCore",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Sources/KernelProbes",
            plugins: ["EmbedBPF"]
        ),
        // The only ncurses user: flushes a rendered cell grid to the terminal, reads keys.
        .target(
            name: "Terminal",
            dependencies: ["CNcurses", "ArptopUI"],
            path: "Sources/Terminal"
        ),
        .executableTarget(
            name: "arptop",
            dependencies: [
                "ArptopCore", "ArptopUI", "KernelProbes", "Terminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Sources/arptop",
            exclude: ["man", "demo", "debian"],
            plugins: ["EmbedDemo"]
        ),

        // Benchmarks (BENCHMARKS.md): an ARP flood generator and user-space measurements.
        .executableTarget(name: "arp-flood", path: "Sources/arp-flood"),
        .executableTarget(
            name: "arptop-bench",
            dependencies: ["ArptopCore", "ArptopUI", "ArptopABI", "KernelProbes"],
            path: "Sources/arptop-bench"
        ),

        // Build-time: BPF C -> object (toolchain clang, -target bpf) -> Swift byte array.
        .executableTarget(name: "bpf-embed", path: "Sources/bpf-embed"),
        .plugin(
            name: "EmbedDemo",
            capability: .buildTool(),
            dependencies: ["bpf-embed"],
            path: "Plugins/EmbedDemo"
        ),
        .plugin(
            name: "EmbedBPF",
            capability: .buildTool(),
            dependencies: ["bpf-embed"],
            path: "Plugins/EmbedBPF"
        ),

        // What the test targets share: the CI check and spawning with a clean signal mask.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ArptopCoreTests", dependencies: ["ArptopCore", "TestSupport"], path: "Tests/ArptopCoreTests"),
        .testTarget(
            name: "ArptopUITests",
            dependencies: ["ArptopUI", "ArptopCore"],
            path: "Tests/ArptopUITests",
            resources: [.copy("Golden")]
        ),
        .testTarget(name: "KernelTests", dependencies: ["ArptopCore", "TestSupport"], path: "Tests/KernelTests"),
        .testTarget(
            name: "KernelProbesTests", dependencies: ["KernelProbes", "ArptopABI", "ArptopCore"],
            path: "Tests/KernelProbesTests"),
        // Drives the real binary in tmux, like an operator would.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["ArptopCore", "TestSupport"],
            path: "Tests/EndToEndTests",
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
