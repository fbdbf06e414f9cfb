/// One row of counts: calls of one function on one interface with one return value (and,
/// for fib_lookup, one route type), with the names in effect.
public struct CountRow: Sendable, Equatable {
    public var function: KernelFunction
    public var interface: InterfaceID
    /// The interface name; empty when unknown.
    public var ifname: String
    public var ret: Int32
    public var returnName: String
    /// RTN_* of a successful fib_lookup when known; else 0.
    public var routeType: UInt32
    /// Set exactly when `routeType` is non-zero.
    public var routeTypeName: String?
    public var count: UInt64
    /// fib_lookup: the FIB table (255 local, 254 main, ...); 0 when unknown or another function.
    public var tableID: UInt32 = 0

    public init(
        function: KernelFunction, interface: InterfaceID, ifname: String, ret: Int32, returnName: String,
        routeType: UInt32, routeTypeName: String?, count: UInt64, tableID: UInt32 = 0
    ) {
        self.tableID = tableID
        self.function = function
        self.interface = interface
        self.ifname = ifname
        self.ret = ret
        self.returnName = returnName
        self.routeType = routeType
        self.routeTypeName = routeTypeName
        self.count = count
    }

    /// A row named with `naming`.
    public init(
        function: KernelFunction, interface: InterfaceID, ifname: String, ret: Int32, routeType: UInt32,
        count: UInt64, naming: any ReturnValueNaming, tableID: UInt32 = 0
    ) {
        self.init(
            function: function, interface: interface, ifname: ifname, ret: ret,
            returnName: naming.returnName(ret, of: function), routeType: routeType,
            routeTypeName: routeType != 0 ? naming.routeTypeName(routeType) : nil, count: count, tableID: tableID)
    }

    /// The kernel count-map key this row stands for.
    public var key: CountKey {
        CountKey(function: function, interface: interface, ifname: ifname, ret: ret, routeType: routeType, tableID: tableID)
    }

    /// The deterministic row order: function, netns, ifindex, return, route type, name, then FIB table.
    static func inOrder(_ x: CountRow, _ y: CountRow) -> Bool {
        // Tuples compare up to six elements: the table breaks the remaining ties.
        let a = (x.function, x.interface.netns, x.interface.ifindex, x.ret, x.routeType, x.ifname)
        let b = (y.function, y.interface.netns, y.interface.ifindex, y.ret, y.routeType, y.ifname)
        return a < b || (a == b && x.tableID < y.tableID)
    }
}
