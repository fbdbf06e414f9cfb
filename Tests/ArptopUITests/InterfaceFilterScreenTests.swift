import ArptopCore
import Testing
@testable import ArptopUI

extension ScreenModel {
    /// The same model under another interface filter (as the aggregator that owns it would give).
    func filtered(_ filter: InterfaceFilter) -> ScreenModel {
        var m = self
        m.interfaceFilter = filter
        return m
    }
}

@Suite("Interface filter on screen")
struct InterfaceFilterScreenTests {
    @Test("the screen shows the aggregator's filter: -i names as asked, in the header, and ticked in the picker once resolved")
    func filterComesFromTheAggregator() {
        let a = AdapterTests.aggregator(filter: .names(["va"]))
        #expect(a.interfaceFilter.matches(Fixtures.va) && !a.interfaceFilter.matches(Fixtures.eth0))
        let m = ScreenModel(aggregator: a, log: AdapterTests.log, source: AdapterTests.source, elapsedSeconds: 1)
        #expect(m.interfaceFilter == a.interfaceFilter)
        var s = UIState(model: m, size: TerminalSize(rows: 48, cols: 160))
        #expect(Renderer.render(s, glyphs: .unicode).line(1).hasSuffix("interfaces va"))
        _ = s.handle(.character("i"))
        guard case .picker(let p) = s.overlay else { Issue.record("no picker"); return }
        #expect(p.selection == [Fixtures.va])
    }
}
