import Foundation
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
        guard let handle = FileHandle(forReadingAtPath: file.absolutePath) else {
            return .skipped("cannot be opened: \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxFileSize + 1) ?? Data()
        } catch {
            return .skipped("cannot be read: \(error.localizedDescription)")
        }
        if data.count > maxFileSize {
            var fragment = GraphFragment(file: file.displayPath)
            fragment.problems.append(InputProblem(
                kind: .limitExceeded,
                message: "file is larger than \(maxFileSize) bytes (limit maxFileSize; raise it if the file is legitimate)",
                provenance: Provenance(file: file.displayPath, logicalPath: "", range: .fileStart)))
            return .loaded(fragment)
        }
        let bytes = [UInt8](data)
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
        if case .loaded(var fragment) = outcome, file.kind != .json {
            fragment.suppressions += CommentDirectives.scan(bytes, file: file.displayPath, entityLines: fragment.entityLines)
            outcome = .loaded(fragment)
        }
        return outcome
    }

    private func loadDocument(_ bytes: [UInt8], file: DiscoveredFile, account: String?) -> Outcome {
        var result = file.kind == .json || Self.startsLikeJSON(bytes)
            ? JSONParser.parse(bytes, limits: limits)
            : YAMLParser.parse(bytes, limits: limits)
        if result.hasSyntaxError, file.kind == .json || Self.startsLikeJSON(bytes) {
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
            fragment = CloudFormationLoader.load(template, file: file.displayPath, account: account)
        } else if let document = result.documents.first(where: TerraformLoader.isTerraformJSON) {
            template = document
            fragment = TerraformLoader.load(template, file: file.displayPath)
            fragment.account = account
        } else {
            return .skipped("not a CloudFormation template or Terraform JSON")
        }
        for d in result.diagnostics {
            guard case .duplicateKey(let key, let first) = d.kind else { continue }
            let path = template.logicalPath(toKeyAt: d.range) ?? key
            fragment.problems.append(InputProblem(
                kind: .duplicateKey,
                message: "duplicate key '\(key)'; only one of the two values takes effect",
                provenance: Provenance(file: file.displayPath, logicalPath: path, range: d.range),
                related: [RelatedLocation(location: SourceLocation(file: file.displayPath, range: first), message: "'\(key)' first defined here")]))
        }
        return .loaded(fragment)
    }

    static func startsLikeJSON(_ bytes: [UInt8]) -> Bool {
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        return i < bytes.count && bytes[i] == UInt8(ascii: "{")
    }

    /// Whether unparseable text still shows it was meant as a CloudFormation template.
    static func mentionsCloudFormation(_ bytes: [UInt8]) -> Bool {
        let markers: [[UInt8]] = [Array("AWSTemplateFormatVersion".utf8), Array("AWS::".utf8), Array("Resources".utf8)]
        return markers.contains { marker in
            guard bytes.count >= marker.count else { return false }
            var i = 0
            while i + marker.count <= bytes.count {
                if bytes[i] == marker[0], Array(bytes[i..<(i + marker.count)]) == marker { return true }
                i += 1
            }
            return false
        }
    }
}

extension Node {
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
