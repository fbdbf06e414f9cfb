/// Typed access to a decoded JSON object's fields, with errors that name the field.
struct JSONFields {
    /// Members in order; a repeated key: the last one counts, as in most JSON readers.
    /// (A linear search: faster than hashing for the few keys a record has.)
    let members: [(String, JSONValue)]
    /// Where this object sits in the record ("" at the top, "counts[3]" for a nested row).
    let path: String

    init(_ value: JSONValue, path: String = "") throws(RecordFormatError) {
        guard case .object(let members) = value else {
            throw RecordFormatError(path.isEmpty ? "expected a JSON object, found \(value.kindName)" : "\(path): expected an object, found \(value.kindName)")
        }
        self.members = members
        self.path = path
    }

    func fieldName(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func value(_ key: String) -> JSONValue? { members.last(where: { $0.0 == key })?.1 }

    func required(_ key: String) throws(RecordFormatError) -> JSONValue {
        guard let v = value(key) else { throw RecordFormatError("field \"\(fieldName(key))\" is missing") }
        return v
    }

    func mismatch(_ key: String, expected: String, found value: JSONValue) -> RecordFormatError {
        let shown: String
        switch value {
        case .number(let text): shown = text
        case .string(let s): shown = "\"\(s)\""
        default: shown = value.kindName
        }
        return RecordFormatError("field \"\(fieldName(key))\": expected \(expected), found \(shown)")
    }

    func string(_ key: String) throws(RecordFormatError) -> String {
        let v = try required(key)
        guard case .string(let s) = v else { throw mismatch(key, expected: "a string", found: v) }
        return s
    }

    func optionalString(_ key: String) throws(RecordFormatError) -> String? {
        guard value(key) != nil else { return nil }
        return try string(key)
    }

    func integer<T: FixedWidthInteger>(_ key: String, as type: T.Type = T.self) throws(RecordFormatError) -> T {
        let v = try required(key)
        guard case .number(let text) = v, let n = T(text) else {
            throw mismatch(key, expected: "an integer from \(T.min) to \(T.max)", found: v)
        }
        return n
    }

    func optionalInteger<T: FixedWidthInteger>(_ key: String, as type: T.Type = T.self) throws(RecordFormatError) -> T? {
        guard value(key) != nil else { return nil }
        return try integer(key, as: type)
    }

    func bool(_ key: String) throws(RecordFormatError) -> Bool {
        let v = try required(key)
        guard case .bool(let b) = v else { throw mismatch(key, expected: "true or false", found: v) }
        return b
    }

    func optionalBool(_ key: String) throws(RecordFormatError) -> Bool? {
        guard value(key) != nil else { return nil }
        return try bool(key)
    }

    func array(_ key: String) throws(RecordFormatError) -> [JSONValue] {
        let v = try required(key)
        guard case .array(let items) = v else { throw mismatch(key, expected: "an array", found: v) }
        return items
    }

    /// The objects of an array field, each with its own path (`key[i]`).
    func objects(_ key: String) throws(RecordFormatError) -> [JSONFields] {
        var out: [JSONFields] = []
        for (i, item) in try array(key).enumerated() {
            out.append(try JSONFields(item, path: "\(fieldName(key))[\(i)]"))
        }
        return out
    }

    func object(_ key: String) throws(RecordFormatError) -> JSONFields {
        try JSONFields(try required(key), path: fieldName(key))
    }

    func ipv4(_ key: String) throws(RecordFormatError) -> IPv4 {
        let text = try string(key)
        guard let ip = IPv4(text) else { throw mismatch(key, expected: "an IPv4 address", found: .string(text)) }
        return ip
    }

    func function(_ key: String) throws(RecordFormatError) -> KernelFunction {
        let name = try string(key)
        guard let f = KernelFunction(name: name) else { throw mismatch(key, expected: "a function arptop watches", found: .string(name)) }
        return f
    }

    func routeType(_ key: String) throws(RecordFormatError) -> UInt32? {
        guard let name = try optionalString(key) else { return nil }
        guard let value = RouteTypeNames.value(of: name) else { throw mismatch(key, expected: "an RTN_* route type", found: .string(name)) }
        return value
    }
}
