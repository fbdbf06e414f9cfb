import Foundation
import PackagePlugin

/// Embeds `Sources/arptop/demo/demo.ndjson` (a recording made on Debian's 6.1 kernel by the
/// VM tests) into the arptop binary, so `arptop --demo` needs no files, root or BPF.
@main
struct EmbedDemo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let recording = context.package.directoryURL.appending(path: "Sources/arptop/demo/demo.ndjson")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedDemo.swift")
        return [
            .buildCommand(
                displayName: "Embedding the demo recording",
                executable: try context.tool(named: "bpf-embed").url,
                arguments: [recording.path(), output.path(), "EmbeddedDemo"],
                inputFiles: [recording],
                outputFiles: [output]
            ),
        ]
    }
}
