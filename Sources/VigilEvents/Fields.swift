/// An event's fields, keyed by dotted path (`user.name`, `source.ip`).
///
/// A small ordered list: events carry tens of fields, where a linear scan beats hashing.
/// Arrays of objects are flattened so that `a.b` holds the list of every element's `b`.
public struct Fields: Sendable, Hashable, Sequence {
    public struct Field: Sendable, Hashable {
        public var path: String
        public var value: FieldValue

        public init(path: String, value: FieldValue) {
            self.path = path
            self.value = value
        }
    }

    @usableFromInline internal(set) var _storage: [Field]

    /// The fields in insertion order.
    public var storage: [Field] { _storage }

    public init() { _storage = [] }

    public init(minimumCapacity: Int) {
        _storage = []
        _storage.reserveCapacity(minimumCapacity)
    }

    public init(_ pairs: KeyValuePairs<String, FieldValue>) {
        _storage = pairs.map { Field(path: $0.key, value: $0.value) }
    }

    public var count: Int { _storage.count }
    public var isEmpty: Bool { _storage.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> { _storage.makeIterator() }

    /// The value at `path`, or nil when the field is missing. A present JSON null is `.null`.
    @inlinable
    public subscript(path: String) -> FieldValue? {
        get {
            for field in _storage where field.path == path { return field.value }
            return nil
        }
        set {
            if let index = _storage.firstIndex(where: { $0.path == path }) {
                if let newValue { _storage[index].value = newValue } else { _storage.remove(at: index) }
            } else if let newValue {
                _storage.append(Field(path: path, value: newValue))
            }
        }
    }

    /// Appends without checking for an existing field; parsers use it when paths are known to be new.
    @inlinable
    public mutating func append(_ path: String, _ value: FieldValue) {
        _storage.append(Field(path: path, value: value))
    }

    /// Sets `path` only when it is not present yet.
    public mutating func setIfAbsent(_ path: String, _ value: FieldValue) {
        if self[path] == nil { append(path, value) }
    }

    public func string(_ path: String) -> String? { self[path]?.stringValue }
    public func int(_ path: String) -> Int64? { self[path]?.intValue }
    public func double(_ path: String) -> Double? { self[path]?.doubleValue }
    public func bool(_ path: String) -> Bool? { self[path]?.boolValue }

    /// True when `path` is a field, or the prefix of one (`user` when `user.name` exists).
    public func contains(path: String) -> Bool {
        for field in _storage {
            if field.path == path { return true }
            if field.path.utf8.count > path.utf8.count, field.path.hasPrefix(path),
               field.path.utf8[field.path.utf8.index(field.path.utf8.startIndex, offsetBy: path.utf8.count)] == UInt8(ascii: ".")
            {
                return true
            }
        }
        return false
    }

    public mutating func removeAll(keepingCapacity: Bool = false) {
        _storage.removeAll(keepingCapacity: keepingCapacity)
    }
}
