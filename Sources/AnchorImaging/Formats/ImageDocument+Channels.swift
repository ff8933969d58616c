extension ImageDocument {
    /// The channel at `index` (zero-based, in file order).
    /// - Throws: `FormatError.noSuchChannel` listing the available channels.
    public func channel(index: Int) throws -> ImageChannel {
        guard channels.indices.contains(index) else {
            throw FormatError.noSuchChannel(format: format, requested: "#\(index)", available: channelList)
        }
        return channels[index]
    }

    /// The channel called `name`: an exact match first, then a case-insensitive one, then the
    /// only channel whose name starts with `name` (so "Current" picks "Current (forward)" when
    /// no other channel starts that way; when several do, the error lists them). A decimal
    /// number that names no channel selects by index.
    /// - Throws: `FormatError.ambiguousChannel` naming the channels a shared prefix begins,
    ///   `FormatError.noSuchChannel` listing the available channels.
    public func channel(named name: String) throws -> ImageChannel {
        if let c = channels.first(where: { $0.name == name }) { return c }
        let lower = name.lowercased()
        if let c = channels.first(where: { $0.name.lowercased() == lower }) { return c }
        let prefixed = channels.filter { $0.name.lowercased().hasPrefix(lower) }
        if prefixed.count == 1 { return prefixed[0] }
        if let i = Int(name), channels.indices.contains(i) { return channels[i] }
        if prefixed.count > 1 {
            throw FormatError.ambiguousChannel(format: format, requested: name, candidates: prefixed.map(\.name))
        }
        throw FormatError.noSuchChannel(format: format, requested: name, available: channelList)
    }

    /// The channel the analysis uses by default: the first one.
    public func defaultChannel() throws -> ImageChannel {
        try channel(index: 0)
    }

    private var channelList: [String] {
        channels.enumerated().map { "\($0.offset): \($0.element.name)" }
    }
}
