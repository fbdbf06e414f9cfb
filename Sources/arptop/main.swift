import ArgumentParser
import Foundation
import KernelProbes

// Entry point: parse, run, and turn every error into one clear line and an exit status.
do {
    var arguments = Array(CommandLine.arguments.dropFirst())
    // `arptop help` is what the shell completions (ArgumentParser's) offer: it is --help.
    if arguments == ["help"] { arguments = ["--help"] }
    var command = try Arptop.parseAsRoot(Arptop.joiningNegativeNumbers(arguments))
    try command.run()
    exit(0)
} catch let error as ProbeError {
    ScreenGuard.restore()
    FileHandle.standardError.write(Data("arptop: \(withoutOwnName(error.message))\n".utf8))
    exit(1)
} catch let error as Failure {
    ScreenGuard.restore()
    FileHandle.standardError.write(Data("arptop: \(error.description)\n".utf8))
    exit(1)
} catch {
    ScreenGuard.restore()
    let code = Arptop.exitCode(for: error)
    if code == .success || error is CleanExit {
        Arptop.exit(withError: error)  // --help, --version: ArgumentParser prints them
    }
    FileHandle.standardError.write(Data("arptop: \(Arptop.message(for: error))\n".utf8))
    exit(code == .validationFailure ? 64 : code.rawValue)
}

/// "arptop needs root" -> "needs root": the line already starts with `arptop: `.
func withoutOwnName(_ message: String) -> String {
    for prefix in ["arptop: ", "arptop "] where message.hasPrefix(prefix) { return String(message.dropFirst(prefix.count)) }
    return message
}
