import ArptopCore
import FoundationEssentials
import Glibc

/// `--prometheus-textfile PATH`: the kernel's counters in the Prometheus text format for
/// node_exporter's textfile collector, rewritten every refresh and at exit.
///
/// Each write is atomic: the text goes to `PATH.tmp.<pid>` (created with O_EXCL and
/// O_NOFOLLOW, so a file or symlink planted at that name is never written through), is
/// fsynced, made mode 0644 whatever the umask, and renamed over PATH. node_exporter only
/// reads `*.prom`, so it never sees the temporary file.
///
/// Counts are cumulative since attach and go through the `-i` filter only: the TUI's
/// clear and interface picker do not touch them. They come from the run's one `Aggregator`
/// (which knows each interface's latest name), seen through `-i` (`OutputInterfaces.counts(of:)`).
final class PrometheusTextfile {
    let path: String
    /// Unix time at which the probes attached.
    let startTime: Double
    /// The last write error reported, so a persistent failure is reported once.
    private var reportedError: String?

    init(path: String, startTime: Double = Date().timeIntervalSince1970) {
        self.path = path
        self.startTime = startTime
    }

    /// Rewrites the file from `aggregator`'s counts since attach, through its interface filter
    /// (`-i`). `running: false` is the last write, as arptop exits: every
    /// `arptop_probe_attached` becomes 0.
    func update(_ aggregator: Aggregator, probes: [ProbeStatus], running: Bool = true) throws {
        try write(PrometheusText.render(aggregator: aggregator, probes: probes, startTime: startTime, running: running))
    }

    /// `update`, but a failure is returned (once per distinct message) instead of thrown:
    /// for the periodic writes, which retry at the next refresh.
    func updateReportingOnce(_ aggregator: Aggregator, probes: [ProbeStatus]) -> String? {
        do {
            try update(aggregator, probes: probes)
            reportedError = nil
            return nil
        } catch {
            let message = "\(error) (retrying every refresh)"
            guard message != reportedError else { return nil }
            reportedError = message
            return message
        }
    }

    /// Writes `text` to PATH atomically (temporary file, fsync, rename).
    func write(_ text: String) throws {
        let temp = "\(path).tmp.\(getpid())"
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
        var fd = open(temp, flags, 0o644)
        if fd < 0 && errno == EEXIST {
            // Left by a crashed arptop with our pid (pid 1 in a container), or planted:
            // unlink removes the name itself (never a symlink's target); O_EXCL again.
            unlink(temp)
            fd = open(temp, flags, 0o644)
        }
        guard fd >= 0 else { throw failure("cannot create \(temp)") }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(temp) }
        }
        guard fchmod(fd, 0o644) == 0 else { throw failure("cannot chmod \(temp)") }
        guard writeAll(fd, Array(text.utf8)) else { throw failure("cannot write \(temp)") }
        guard fsync(fd) == 0 else { throw failure("cannot fsync \(temp)") }
        guard rename(temp, path) == 0 else { throw failure("cannot rename \(temp) to \(path)") }
        ok = true
    }

    private func failure(_ what: String) -> Failure {
        Failure("--prometheus-textfile: \(what): \(String(cString: strerror(errno)))")
    }
}
