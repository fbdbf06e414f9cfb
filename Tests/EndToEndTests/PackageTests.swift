import Foundation
import Testing

/// The Debian package `Tests/quickstart.sh deb` builds (Sources/arptop/debian/build-deb.sh):
/// lintian-clean, the files where Debian wants them, Depends on Debian's runtime packages only,
/// and a binary without the Swift runtime libraries or ICU. Installing it and running it is
/// Tests/KernelTests/VMPackageTests.swift.
@Suite("Debian package", .serialized, .enabled(if: Prerequisite.runs(DebianPackage.missing), Comment(rawValue: DebianPackage.missing ?? "")))
struct PackageTests {
    @Test("lintian finds no error and no warning")
    func lintianClean() throws {
        let deb = try DebianPackage.require()
        let lintian = try #require(TestEnvironment.which("lintian"), "needs lintian (Tests/quickstart.sh test installs it)")
        let r = try Spawn.run([lintian, "--fail-on", "error,warning", "--display-info", deb], timeout: 600)
        let tags = r.stdout.split(separator: "\n").filter { $0.hasPrefix("E: ") || $0.hasPrefix("W: ") }
        #expect(r.status == 0, "lintian exited \(r.status):\n\(r.stdout)\(r.stderr)")
        #expect(tags.isEmpty, "\(tags.joined(separator: "\n"))")
    }

    @Test("dpkg-deb -c: the binary in usr/sbin, man page, completions, copyright, changelog, lintian override; nothing else")
    func contents() throws {
        let deb = try DebianPackage.require()
        let r = try Spawn.run(["/usr/bin/dpkg-deb", "-c", deb])
        #expect(r.status == 0, "\(r.stderr)")
        // "-rwxr-xr-x root/root 1234 2026-12-03 10:00 ./usr/sbin/arptop"
        var files: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, !fields[0].hasPrefix("d") else { continue }
            #expect(fields[1] == "root/root", "\(line)")
            files[String(fields[5...].joined(separator: " "))] = String(fields[0])
        }
        #expect(files == [
            "./usr/sbin/arptop": "-rwxr-xr-x",
            "./usr/share/man/man8/arptop.8.gz": "-rw-r--r--",
            "./usr/share/doc/arptop/copyright": "-rw-r--r--",
            "./usr/share/doc/arptop/changelog.Debian.gz": "-rw-r--r--",
            "./usr/share/bash-completion/completions/arptop": "-rw-r--r--",
            "./usr/share/zsh/vendor-completions/_arptop": "-rw-r--r--",
            "./usr/share/fish/vendor_completions.d/arptop.fish": "-rw-r--r--",
            "./usr/share/lintian/overrides/arptop": "-rw-r--r--",
        ], "\(r.stdout)")
    }

    @Test("control: the binary's version, Depends on Debian's runtime packages only")
    func control() throws {
        let deb = try DebianPackage.require()
        let r = try Spawn.run(["/usr/bin/dpkg-deb", "-f", deb, "Package", "Version", "Architecture", "Depends"])
        #expect(r.status == 0, "\(r.stderr)")
        let fields = Dictionary(uniqueKeysWithValues: r.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        })
        #expect(fields["Package"] == "arptop")
        #expect(fields["Architecture"] == "amd64")
        let version = try runDirect(ArptopBinary.path, ["--version"]).stdout.split(separator: " ").dropFirst().first.map(String.init)
        #expect(fields["Version"]?.hasPrefix((version ?? "?") + "-") == true, "Version \(fields["Version"] ?? "-") for arptop \(version ?? "?")")
        let depends = (fields["Depends"] ?? "").split(separator: ",").map {
            String($0.trimmingCharacters(in: .whitespaces).prefix { $0 != " " })
        }
        for needed in ["libbpf1", "libelf1", "zlib1g", "libncursesw6", "libc6"] {
            #expect(depends.contains(needed), "Depends lacks \(needed): \(depends)")
        }
        #expect(Set(depends).isSubset(of: DebianPackage.runtimePackages), "Depends: \(depends)")
    }

    @Test("the packaged binary: stripped, no Swift runtime libraries, no ICU, runs")
    func binary() throws {
        let deb = try DebianPackage.require()
        let scratch = try ScratchDirectory()
        let x = try Spawn.run(["/usr/bin/dpkg-deb", "-x", deb, scratch.url.path])
        #expect(x.status == 0, "\(x.stderr)")
        let bin = scratch.url.appendingPathComponent("usr/sbin/arptop").path
        let needed = try Spawn.run(["/usr/bin/readelf", "-d", bin]).stdout.matches(of: #/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/#).map { String($0.1) }
        #expect(!needed.isEmpty)
        for lib in needed {
            #expect(DebianPackage.systemLibraries.contains { lib.hasPrefix($0) }, "links \(lib): \(needed)")
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: bin))
        // The ICU data blob names its entries "icudt<version>l-..."; 34 MB of it was linked before.
        #expect(bytes.range(of: Data("icudt".utf8)) == nil, "ICU data is linked in")
        #expect(bytes.count < 40 << 20, "the binary is \(bytes.count) bytes")
        let symbols = try Spawn.run(["/usr/bin/nm", bin])
        #expect(symbols.stderr.contains("no symbols"), "not stripped: \(symbols.stdout.prefix(200))")
        let version = try runDirect(bin, ["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("arptop "), "\(version.stdout)\(version.stderr)")
    }

    @Test("the man page and completions are the ones of this source tree")
    func documentation() throws {
        let deb = try DebianPackage.require()
        let scratch = try ScratchDirectory()
        #expect(try Spawn.run(["/usr/bin/dpkg-deb", "-x", deb, scratch.url.path]).status == 0)
        let man = try Spawn.run(["/bin/gzip", "-dc", scratch.url.appendingPathComponent("usr/share/man/man8/arptop.8.gz").path])
        #expect(man.stdout == (try String(contentsOfFile: ManPageTests.page, encoding: .utf8)))
        for (shell, path) in [("bash", "usr/share/bash-completion/completions/arptop"), ("zsh", "usr/share/zsh/vendor-completions/_arptop"),
                              ("fish", "usr/share/fish/vendor_completions.d/arptop.fish")] {
            let packaged = try String(contentsOfFile: scratch.url.appendingPathComponent(path).path, encoding: .utf8)
            var generated = try runDirect(ArptopBinary.path, ["--generate-completion-script", shell]).stdout
            // bash-completion sources its files: the package drops the #! line (lintian).
            if shell == "bash", generated.hasPrefix("#!") { generated = String(generated.drop { $0 != "\n" }.dropFirst()) }
            #expect(packaged == generated, "\(path) differs from arptop --generate-completion-script \(shell)")
            #expect(packaged.contains("--prometheus-textfile"), "\(path)")
        }
    }
}

/// Where the package is: `ARPTOP_DEB`, else the one arptop_*_amd64.deb in .build/deb.
enum DebianPackage {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../.build/deb").standardized.path

    static let path: String? = {
        if let env = ProcessInfo.processInfo.environment["ARPTOP_DEB"], !env.isEmpty { return env }
        let debs = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("arptop_") && $0.hasSuffix("_amd64.deb") }
        return debs.count == 1 ? directory + "/" + debs[0] : nil
    }()

    /// Why the package tests cannot run here; nil when they can.
    static let missing: String? = path == nil
        ? "needs the package: run Tests/quickstart.sh deb (or set ARPTOP_DEB)"
        : TestEnvironment.which("lintian") == nil ? "needs lintian (Tests/quickstart.sh test installs it)" : nil

    static func require() throws -> String {
        try Prerequisite.require(missing)
        return path!
    }

    /// Debian's packages of the libraries a static-stdlib arptop may need.
    static let runtimePackages: Set<String> = ["libc6", "libgcc-s1", "libstdc++6", "libbpf1", "libelf1", "zlib1g", "libncursesw6", "libtinfo6"]
    static let systemLibraries = ["libc.so", "libm.so", "libstdc++.so", "libgcc_s.so", "libbpf.so", "libelf.so", "libz.so", "libncursesw.so", "libtinfo.so", "ld-linux"]
}
