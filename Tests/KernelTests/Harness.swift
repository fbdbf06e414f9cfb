import Foundation
import Testing
import TestSupport

/// Finds the built `arptop` binary next to the test bundle (same build directory).
enum ArptopBinary {
    static var path: String {
        if let env = ProcessInfo.processInfo.environment["ARPTOP_BIN"] { return env }
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // swift test runs <build>/debug/arptopPackageTests.xctest; arptop sits beside it.
        return dir.appending(path: "arptop").path
    }
}

/// Whether tests that need something this machine may lack must run anyway:
/// under CI a missing VM, kernel or root is a failure, never a silent skip.
enum Environment {
    static var isCI: Bool { CIEnvironment.isCI }
    static var isRoot: Bool { geteuid() == 0 }
}

/// Runs a command, capturing stdout and stderr; returns (status, stdout, stderr).
@discardableResult
func run(_ argv: [String], environment: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: argv[0].hasPrefix("/") ? argv[0] : "/usr/bin/env")
    p.arguments = argv[0].hasPrefix("/") ? Array(argv.dropFirst()) : argv
    if let environment { p.environment = environment }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Read both pipes concurrently so neither fills up.
    final class Box: @unchecked Sendable { var data = Data() }  // written before leave(), read after wait()
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errBox.data = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errBox.data, as: UTF8.self))
}

/// One NDJSON line as a dictionary.
typealias JSONObject = [String: Any]

func parseNDJSON(_ text: String) throws -> [JSONObject] {
    try text.split(separator: "\n").map { line in
        let obj = try JSONSerialization.jsonObject(with: Data(line.utf8))
        guard let dict = obj as? JSONObject else { throw HarnessError("not a JSON object: \(line.prefix(80))") }
        return dict
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// The summary record of an `arptop --json` run, with helpers to total its count rows.
struct Summary {
    let record: JSONObject

    init(ndjson: String) throws {
        let records = try parseNDJSON(ndjson)
        guard let s = records.last(where: { $0["type"] as? String == "summary" }) else {
            throw HarnessError("no summary record in output (\(records.count) records)")
        }
        record = s
    }

    func function(_ name: String) -> JSONObject? {
        (record["functions"] as? [JSONObject])?.first { $0["name"] as? String == name }
    }

    func rows(_ name: String) -> [JSONObject] {
        (function(name)?["counts"] as? [JSONObject]) ?? []
    }

    /// Sum of `count` over the rows of `name` matching every given condition.
    func count(_ name: String, interface: String? = nil, netns: Int? = nil, ret: Int? = nil,
               returnName: String? = nil, routeType: String? = nil, table: Int? = nil) -> Int {
        rows(name).filter { row in
            if let table, (row["table"] as? NSNumber)?.intValue != table { return false }
            if let interface, row["interface"] as? String != interface { return false }
            if let netns, (row["netns"] as? NSNumber)?.intValue != netns { return false }
            if let ret, (row["return"] as? NSNumber)?.intValue != ret { return false }
            if let returnName, row["return_name"] as? String != returnName { return false }
            if let routeType, row["route_type"] as? String != routeType { return false }
            return true
        }.reduce(0) { $0 + (($1["count"] as? NSNumber)?.intValue ?? 0) }
    }

    /// Packets of one verdict in the summary's `verdicts` (all verdicts when nil).
    func packets(verdict: String? = nil, interface: String? = nil, netns: Int? = nil, reason: String? = nil) -> Int {
        ((record["verdicts"] as? [JSONObject]) ?? []).filter { row in
            if let verdict, row["verdict"] as? String != verdict { return false }
            if let interface, row["interface"] as? String != interface { return false }
            if let netns, (row["netns"] as? NSNumber)?.intValue != netns { return false }
            if let reason, row["reason"] as? String != reason { return false }
            return true
        }.reduce(0) { $0 + (($1["count"] as? NSNumber)?.intValue ?? 0) }
    }
}
