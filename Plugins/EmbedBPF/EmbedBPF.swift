import Foundation
import PackagePlugin

/// Compiles `BPF/arptop.bpf.c` with the Swift toolchain's clang (`-target bpf`, CO-RE,
/// BTF debug info) and turns the object into a Swift source holding its bytes, so the
/// `arptop` binary carries its BPF programs and needs no files next to it.
@main
struct EmbedBPF: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let root = context.package.directoryURL
        let bpfDir = root.appending(path: "BPF")
        let abiInclude = root.appending(path: "Sources/ArptopABI/include")
        let source = bpfDir.appending(path: "arptop.bpf.c")
        let headers = [
            bpfDir.appending(path: "kernel_types.h"),
            abiInclude.appending(path: "arptop_abi.h"),
        ]
        let work = context.pluginWorkDirectoryURL
        let object = work.appending(path: "arptop.bpf.o")
        let swiftOut = work.appending(path: "EmbeddedBPFObject.swift")

        let clang = try findClang(context: context)
        let embed = try context.tool(named: "bpf-embed").url

        let clangArguments = [
            "-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_x86",
            // v2: atomic adds as the plain XADD that 5.10 knows (v3+ emits the
            // fetch-and-add forms of 5.12+ for every __sync_fetch_and_add).
            "-mcpu=v2",
            "-Wall", "-Werror", "-Wno-unused-function",
            "-I", bpfDir.path(), "-I", abiInclude.path(),
            "-c", source.path(), "-o", object.path(),
        ]
        // One command, so the object is no declared output: SwiftPM makes every declared output
        // that is not a source a resource of the target, and a resource bundle's accessor
        // imports all of Foundation (ICU included) into the binary.
        return [
            .buildCommand(
                displayName: "Compiling BPF programs (clang -target bpf) and embedding them into Swift",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", #"embed=$1 object=$2 out=$3; shift 3; "$@" && exec "$embed" "$object" "$out""#,
                            "embed-bpf", embed.path(), object.path(), swiftOut.path(), clang.path()] + clangArguments,
                inputFiles: [source] + headers + [embed],
                outputFiles: [swiftOut]
            ),
        ]
    }

    /// The toolchain's own clang: next to `swiftc`, which SwiftPM always knows.
    private func findClang(context: PluginContext) throws -> URL {
        if let tool = try? context.tool(named: "clang") { return tool.url }
        if let swiftc = try? context.tool(named: "swiftc") {
            let sibling = swiftc.url.deletingLastPathComponent().appending(path: "clang")
            if FileManager.default.isExecutableFile(atPath: sibling.path()) { return sibling }
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appending(path: "clang")
            if FileManager.default.isExecutableFile(atPath: candidate.path()) { return candidate }
        }
        throw PluginError.noClang
    }

    enum PluginError: Error, CustomStringConvertible {
        case noClang
        var description: String { "EmbedBPF: no clang found (the Swift toolchain's clang compiles -target bpf)" }
    }
}
