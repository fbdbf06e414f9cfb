import Foundation
import Testing

/// The Debian package (`Tests/quickstart.sh deb`) installed with `dpkg -i` in a Debian 6.1 guest
/// (Tests/vm/guest-package.sh: overlays take dpkg's writes, the host sees none), and the installed
/// /usr/sbin/arptop run there: `--probes` and N requests for a local address, counted. Its own
/// short boot, never at the same time as another (VMRun.lock).
enum PackageVM {
    static let kernel = "6.1"

    /// `ARPTOP_DEB`, else the one arptop_*_amd64.deb that build-deb.sh left in .build/deb.
    static let deb: String? = {
        if let env = ProcessInfo.processInfo.environment["ARPTOP_DEB"], !env.isEmpty { return env }
        let dir = VMRun.repo.appending(path: ".build/deb").path
        let debs = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasPrefix("arptop_") && $0.hasSuffix("_amd64.deb") }
        return debs.count == 1 ? dir + "/" + debs[0] : nil
    }()

    /// Why this suite cannot run here; nil when it can.
    static let missing: String? = VMRun.missingPrerequisite
        ?? (deb == nil ? "needs the package: run Tests/quickstart.sh deb (or set ARPTOP_DEB)" : nil)

    static var shouldRun: Bool { Environment.isCI || missing == nil }

    /// The guest's artifacts, and the host's dpkg status file before and after the boot.
    static let outcome: Result<(dir: URL, hostStatusBefore: Data?, hostStatusAfter: Data?), HarnessError> = {
        VMRun.lock.lock()
        defer { VMRun.lock.unlock() }
        if let missing { return .failure(HarnessError(missing)) }
        let out = VMRun.repo.appending(path: ".build/vm-out-package-\(kernel)")
        var env = ProcessInfo.processInfo.environment
        env["ARPTOP_VM_ONLY"] = "guest-package"
        env["ARPTOP_DEB"] = deb
        let status = "/var/lib/dpkg/status"
        let before = FileManager.default.contents(atPath: status)
        do {
            let r = try run([VMRun.repo.appending(path: "Tests/vm/run-vm-tests.sh").path, ArptopBinary.path, out.path, kernel], environment: env)
            guard r.status == 0 else { return .failure(HarnessError("VM run on \(kernel) failed (\(r.status)): \(r.stderr)")) }
        } catch {
            return .failure(HarnessError("cannot start VM harness: \(error)"))
        }
        return .success((out, before, FileManager.default.contents(atPath: status)))
    }()

    static func text(_ name: String) throws -> String {
        try String(contentsOf: outcome.get().dir.appending(path: name), encoding: .utf8)
    }

    static func trimmed(_ name: String) throws -> String {
        try text(name).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

@Suite("Debian package installed in a Debian 6.1 VM", .serialized,
       .enabled(if: PackageVM.shouldRun, Comment(rawValue: PackageVM.missing ?? "")))
struct VMPackageTests {
    @Test("dpkg -i installs it in the guest (Depends met by Debian's packages); the host's dpkg database is untouched")
    func installed() throws {
        #expect(try PackageVM.trimmed("package-complete") == "done", "guest-package did not finish: \((try? PackageVM.text("guest-package.stderr")) ?? "")")
        #expect(try PackageVM.trimmed("package-dpkg.rc") == "0", "dpkg -i: \((try? PackageVM.text("package-dpkg.txt")) ?? "")")
        #expect(try PackageVM.text("package-dpkg.txt").contains("Setting up arptop ("))
        #expect(try PackageVM.trimmed("package-status.txt").hasPrefix("install ok installed "))
        #expect(try PackageVM.trimmed("package-which.txt") == "/usr/sbin/arptop")
        #expect(try PackageVM.trimmed("package-man.txt") == "/usr/share/man/man8/arptop.8.gz")
        // /proc/self/mounts, oldest first: the topmost mount of each is guest-package's overlay.
        let mounts = try PackageVM.text("package-mounts.txt")
        let topmost = Dictionary(mounts.split(separator: "\n").map { line in
            (String(line.prefix { $0 != " " }), String(line.drop { $0 != " " }.dropFirst()))
        }, uniquingKeysWith: { $1 })
        #expect(topmost == ["/usr": "overlay", "/etc": "overlay", "/var": "overlay"], "dpkg's writes must land in overlays: \(mounts)")
        let o = try PackageVM.outcome.get()
        #expect(o.hostStatusBefore != nil && o.hostStatusBefore == o.hostStatusAfter, "the host's /var/lib/dpkg/status changed during the guest's dpkg -i")
    }

    @Test("the installed binary needs no Swift runtime library and no ICU")
    func sharedLibraries() throws {
        let ldd = try PackageVM.text("package-ldd.txt")
        #expect(ldd.contains("libbpf.so.1"), "\(ldd)")
        for unwanted in ["libswift", "libFoundation", "libicu", "_FoundationICU", "not found"] {
            #expect(!ldd.contains(unwanted), "\(unwanted) in:\n\(ldd)")
        }
    }

    @Test("arptop --probes from the package: every function attached")
    func probes() throws {
        let text = try PackageVM.text("package-probes.txt")
        #expect(try PackageVM.trimmed("package-probes.rc") == "0", "\(text)\((try? PackageVM.text("package-probes.stderr")) ?? "")")
        for f in ["arp_process", "ip_route_input_slow", "fib_lookup", "fib_validate_source"] {
            let line = text.split(separator: "\n").first { $0.hasPrefix(f + " ") } ?? ""
            let mechanism = line.split(separator: " ").dropFirst().first
            #expect(mechanism == "fentry" || mechanism == "kprobe", "\(f): \(text)")
        }
    }

    @Test("arptop --json from the package counts every request for a local address, each replied")
    func countedScenario() throws {
        let topology = try #require(JSONSerialization.jsonObject(with: Data(PackageVM.text("package-topology.json").utf8)) as? JSONObject)
        let n = try #require((topology["packets"] as? NSNumber)?.intValue)
        let root = try #require((topology["root_netns"] as? NSNumber)?.intValue)
        #expect(try PackageVM.trimmed("package-local.rc") == "0", "\((try? PackageVM.text("package-local.stderr")) ?? "")")
        let arping = try PackageVM.text("package-local.arping")
        #expect(arping.contains("Received \(n) response(s)"), "\(arping)")
        let s = try Summary(ndjson: PackageVM.text("package-local.ndjson"))
        #expect(s.count("arp_process", interface: "va", netns: root) == n)
        #expect(s.count("fib_lookup", interface: "va", netns: root, ret: 0, routeType: "RTN_LOCAL") == n)
        #expect(s.packets(verdict: "replied", interface: "va", netns: root) == n)
    }

    @Test("dpkg -r removes it")
    func removed() throws {
        #expect(try PackageVM.trimmed("package-remove.rc") == "0", "\((try? PackageVM.text("package-remove.txt")) ?? "")")
        #expect(try PackageVM.trimmed("package-after-remove.txt") == "absent")
    }
}
