#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IAMLintCore
import IAMLintLoaders
import IAMLintModel

/// Reads one discovered file into a graph fragment: parse, recognise, load. Never throws:
/// a problem becomes an `InputProblem` of the fragment or a skip with a reason.
struct FileLoader {
    var limits: ParserLimits
    var maxFileSize: Int

    enum Outcome {
        case loaded(GraphFragment)
        case skipped(String)
    }

    func load(_ file: DiscoveredFile, account: String? = nil) -> Outcome {
        let bytes: [UInt8]
        switch Self.read(file.absolutePath, limit: maxFileSize) {
        case .bytes(let read):
            bytes = read
        case .tooLarge:
            var fragment = GraphFragment(file: file.displayPath)
            fragment.problems.append(InputProblem(
                kind: .limitExceeded,
                message: "file is larger than \(maxFileSize) bytes (limit maxFileSize; raise it under `limits:` in .iamlint.yml if the file is legitimate)",
                provenance: Provenance(file: file.displayPath, logicalPath: "", range: .fileStart)))
            return .loaded(fragment)
        case .failed(let reason):
            return .skipped(reason)
        }
        var outcome: Outcome
        switch file.kind {
        case .yaml, .json:
            outcome = loadDocument(bytes, file: file, account: account)
        case .awsConfig, .awsCredentials:
            let text = String(decoding: bytes, as: UTF8.self)
            guard AWSConfigLoader.looksLikeProfileFile(text) else { return .skipped("not an AWS CLI config or credentials file") }
            var fragment = AWSConfigLoader.load(text, kind: file.kind == .awsCredentials ? .credentials : .config, file: file.displayPath)
            fragment.account = account
            outcome = .loaded(fragment)
        }
        if case .loaded(var fragment) = outcome {
            if file.kind != .json {
                fragment.suppressions += CommentDirectives.scan(bytes, file: file.displayPath, entityLines: fragment.entityLines)
            }
            // Only the comment directives need the entity lines: not kept for the whole scan.
            fragment.entityLines = []
            outcome = .loaded(fragment)
        }
        return outcome
    }

    private func loadDocument(_ bytes: [UInt8], file: DiscoveredFile, account: String?) -> Outcome {
        let json = file.kind == .json || Self.startsLikeJSON(bytes)
        var result = json ? JSONParser.parse(bytes, limits: limits) : YAMLParser.parse(bytes, limits: limits)
        if result.hasSyntaxError, json {
            // As cfn-lint does: JSON that is not strict JSON (a trailing comma) may still be YAML.
            let yaml = YAMLParser.parse(bytes, limits: limits)
            if !yaml.documents.isEmpty && !yaml.hasSyntaxError { result = yaml }
        }
        var fragment = GraphFragment(file: file.displayPath)
        let fatal = result.diagnostics.filter { if case .duplicateKey = $0.kind { return false } else { return true } }
        if !fatal.isEmpty || result.documents.isEmpty {
            guard !fatal.isEmpty else { return .skipped("empty document") }
            guard Self.mentionsCloudFormation(bytes) else {
                return .skipped("does not parse (\(fatal[0].message)) and does not look like CloudFormation")
            }
            for d in fatal {
                fragment.problems.append(InputProblem(
                    kind: d.kind == .limit ? .limitExceeded : .parseError, message: d.message,
                    provenance: Provenance(file: file.displayPath, logicalPath: "", range: d.range)))
            }
            return .loaded(fragment)
        }
        let template: Node
        if let document = result.documents.first(where: CloudFormationLoader.isTemplate) {
            template = document
            fragment = CloudFormationLoader.load(template, file: file.displayPath, account: account, source: bytes)
        } else if let document = result.documents.first(where: TerraformLoader.isTerraformJSON) {
            template = document
            fragment = TerraformLoader.load(template, file: file.displayPath, source: bytes)
            fragment.account = account
        } else {
            return .skipped("not a CloudFormation template or Terraform JSON")
        }
        let duplicateKeyPaths = template.logicalPaths(toKeysAt: Set(result.diagnostics.compactMap { d -> SourceRange? in
            if case .duplicateKey = d.kind { return d.range } else { return nil }
        }))
        for d in result.diagnostics {
            guard case .duplicateKey(let key, let first) = d.kind else { continue }
            let path = duplicateKeyPaths[d.range] ?? key
            fragment.problems.append(InputProblem(
                kind: .duplicateKey,
                message: "duplicate key '\(key)'; only one of the two values takes effect",
                provenance: Provenance(file: file.displayPath, logicalPath: path, range: d.range),
                related: [RelatedLocation(location: SourceLocation(file: file.displayPath, range: first), message: "'\(key)' first defined here")]))
        }
        return .loaded(fragment)
    }

    enum ReadResult {
        case bytes([UInt8])
        case tooLarge
        case failed(String)
    }

    /// Reads a regular file of at most `limit` bytes. The file is opened without following a
    /// symbolic link and without blocking, and checked to be a regular file once open, so that a
    /// file replaced after discovery by a link, a FIFO or a device is refused, never waited on.
    static func read(_ path: String, limit: Int) -> ReadResult {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { return .failed("symbolic link, not followed") }
            return .failed("cannot be opened: \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failed("cannot be read: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failed("not a regular file") }
        if Int(info.st_size) > limit { return .tooLarge }
        // Read up to one byte past the limit: the size may have changed since fstat.
        var bytes = [UInt8](repeating: 0, count: min(Int(info.st_size), limit) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                if count > limit { return .tooLarge }
                bytes.append(contentsOf: repeatElement(0, count: min(max(count, 4096), limit + 1 - count)))
            }
            let n = bytes.withUnsafeMutableBufferPointer { buffer in
                readFile(fd, buffer.baseAddress! + count, buffer.count - count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return .failed("cannot be read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            count += n
        }
        if count > limit { return .tooLarge }
        bytes.removeSubrange(count...)
        return .bytes(bytes)
    }

    static func startsLikeJSON(_ bytes: [UInt8]) -> Bool {
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        return i < bytes.count && bytes[i] == UInt8(ascii: "{")
    }

    /// Whether unparseable text still shows it was meant as a CloudFormation template.
    static func mentionsCloudFormation(_ bytes: [UInt8]) -> Bool {
        let markers: [StaticString] = ["AWSTemplateFormatVersion", "AWS::", "Resources"]
        return bytes.withUnsafeBufferPointer { haystack in
            markers.contains { marker in
                marker.withUTF8Buffer { ByteSearch.firstIndex(of: $0, in: haystack) != nil }
            }
        }
    }
}

/// `read(2)`, named apart from `FileLoader.read`.
private func readFile(_ fd: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    read(fd, buffer, count)
}

extension Node {
    /// `logicalPath(toKeyAt:)` for many ranges in one walk of the tree (a file with thousands of
    /// duplicate keys must not walk the tree once per key): the first match of each, in the same
    /// order and with the same spelling.
    func logicalPaths(toKeysAt ranges: Set<SourceRange>) -> [SourceRange: String] {
        var found: [SourceRange: String] = [:]
        guard !ranges.isEmpty else { return found }
        var trail: [PathStep] = []
        collectPaths(ranges, &trail, &found)
        return found
    }

    private enum PathStep {
        case key(String)
        case index(Int)
    }

    /// Returns true once every range has its path.
    @discardableResult
    private func collectPaths(_ ranges: Set<SourceRange>, _ trail: inout [PathStep], _ found: inout [SourceRange: String]) -> Bool {
        switch kind {
        case .scalar:
            return false
        case .mapping(let entries):
            for entry in entries {
                if ranges.contains(entry.keyRange), found[entry.keyRange] == nil {
                    // Spelled as the recursive `logicalPath(toKeyAt:)` composes it, inside out.
                    var path = entry.key
                    for step in trail.reversed() {
                        switch step {
                        case .key(let key): path = path.hasPrefix("[") ? key + path : "\(key).\(path)"
                        case .index(let i): path = "[\(i)].\(path)"
                        }
                    }
                    found[entry.keyRange] = path
                    if found.count == ranges.count { return true }
                }
                trail.append(.key(entry.key))
                defer { trail.removeLast() }
                if entry.value.collectPaths(ranges, &trail, &found) { return true }
            }
            return false
        case .sequence(let items):
            for (i, item) in items.enumerated() {
                trail.append(.index(i))
                defer { trail.removeLast() }
                if item.collectPaths(ranges, &trail, &found) { return true }
            }
            return false
        }
    }

    /// The dotted logical path (`Resources.Role.Properties`) of the mapping key at `range`.
    func logicalPath(toKeyAt range: SourceRange) -> String? {
        switch kind {
        case .scalar:
            return nil
        case .mapping(let entries):
            for entry in entries {
                if entry.keyRange == range { return entry.key }
                if let sub = entry.value.logicalPath(toKeyAt: range) { return sub.hasPrefix("[") ? entry.key + sub : "\(entry.key).\(sub)" }
            }
            return nil
        case .sequence(let items):
            for (i, item) in items.enumerated() {
                if let sub = item.logicalPath(toKeyAt: range) { return "[\(i)].\(sub)" }
            }
            return nil
        }
    }
}
