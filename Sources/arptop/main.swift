import ArgumentParser
import Glibc
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
    writeStderr("arptop: \(withoutOwnName(error.message))\n")
    exit(1)
} catch let error as Failure {
    ScreenGuard.restore()
    writeStderr("arptop: \(error.description)\n")
    exit(1)
} catch {
    ScreenGuard.restore()
    let code = Arptop.exitCode(for: error)
    if code == .success || error is CleanExit {
        Arptop.exit(withError: error)  // --help, --version: ArgumentParser prints them
    }
    writeStderr("arptop: \(Arptop.message(for: error))\n")
    exit(code == .validationFailure ? 64 : code.rawValue)
}

/// "arptop needs root" -> "needs root": the line already starts with `arptop: `.
func withoutOwnName(_ message: String) -> String {
    for prefix in ["arptop: ", "arptop "] where message.hasPrefix(prefix) { return String(message.dropFirst(prefix.count)) }
    return message
}
